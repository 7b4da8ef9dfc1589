"""After an import, the similar-trial lists of the new trials and their neighbours are brought
up to date: by the worker once the import has committed, or at once with the immediate
backend."""

import io
import json
import signal
import threading

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult

from matching.models import SimilarTrial
from matching.tasks import WORKER_MESSAGE
from trialmatch.background import WorkerThread, requeue_interrupted, run_queued
from trials.models import ImportRun, Trial

pytestmark = pytest.mark.django_db(transaction=True)

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)


def study(nct_id: str, title: str, condition: str) -> dict:
    return {
        "protocolSection": {
            "identificationModule": {"nctId": nct_id, "briefTitle": title},
            "statusModule": {"overallStatus": "RECRUITING"},
            "conditionsModule": {"conditions": [condition]},
        }
    }


LUNG_1 = study("NCT00000001", "Pembrolizumab in NSCLC", "Non-small Cell Lung Cancer")
DIABETES = study("NCT00000002", "Insulin pump study", "Type 1 Diabetes")
LUNG_3 = study("NCT00000003", "Nivolumab in NSCLC", "Non-small Cell Lung Cancer")


def write_jsonl(path, studies):
    path.write_text("\n".join(json.dumps(s) for s in studies) + "\n")
    return str(path)


def import_studies(path, studies) -> str:
    """``trialmatch import`` of ``studies``; what it printed on stderr."""
    err = io.StringIO()
    call_command("import", write_jsonl(path, studies), stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def run_worker() -> None:
    """``trialmatch worker --batch``, keeping the test process's own signal handlers."""
    saved = {s: signal.getsignal(s) for s in SIGNALS}
    try:
        call_command("worker", batch=True, stdout=io.StringIO(), stderr=io.StringIO())
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


def similar_ids(nct_id: str) -> list[str]:
    trial = Trial.objects.get(nct_id=nct_id)
    rows = SimilarTrial.objects.filter(trial=trial).exclude(similar=None).order_by("rank")
    return [row.similar.nct_id for row in rows]


def test_an_import_leaves_the_refresh_to_the_worker(tmp_path, database_tasks):
    err = import_studies(tmp_path / "a.jsonl", [LUNG_1, DIABETES, LUNG_3])

    assert err == WORKER_MESSAGE + "\n"
    assert not SimilarTrial.objects.exists()
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "matching.tasks.refresh_similar_trials"
    assert queued.args_kwargs == {"args": [ImportRun.objects.get().pk], "kwargs": {}}

    run_worker()

    assert similar_ids("NCT00000001") == ["NCT00000003"]
    assert similar_ids("NCT00000003") == ["NCT00000001"]
    assert similar_ids("NCT00000002") == []
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_refresh_cut_off_by_a_stopped_demo_runs_on_the_next_start(tmp_path, database_tasks):
    import_studies(tmp_path / "a.jsonl", [LUNG_1, LUNG_3])
    interrupted = DBTaskResult.objects.get()
    interrupted.claim("a-worker-that-was-stopped")

    run_queued()  # a running task is not picked up again by itself
    assert similar_ids("NCT00000001") == []

    assert requeue_interrupted() == 1
    run_queued()

    assert similar_ids("NCT00000001") == ["NCT00000003"]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_new_trial_appears_on_its_neighbours_lists(tmp_path, database_tasks):
    import_studies(tmp_path / "a.jsonl", [LUNG_1, DIABETES])
    run_worker()
    assert similar_ids("NCT00000001") == []

    import_studies(tmp_path / "b.jsonl", [LUNG_3])
    run_worker()

    assert similar_ids("NCT00000001") == ["NCT00000003"]
    assert similar_ids("NCT00000003") == ["NCT00000001"]
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["SUCCESSFUL"] * 2


def test_the_refresh_is_queued_only_once_the_import_commits(tmp_path, database_tasks):
    with transaction.atomic():
        import_studies(tmp_path / "a.jsonl", [LUNG_1, LUNG_3])
        assert not DBTaskResult.objects.exists()
    assert DBTaskResult.objects.count() == 1

    with pytest.raises(RuntimeError), transaction.atomic():
        import_studies(tmp_path / "b.jsonl", [DIABETES])
        raise RuntimeError("rolled back")
    assert DBTaskResult.objects.count() == 1


def test_an_import_that_changed_nothing_queues_nothing(tmp_path, database_tasks):
    import_studies(tmp_path / "a.jsonl", [LUNG_1, LUNG_3])

    err = import_studies(tmp_path / "a.jsonl", [LUNG_1, LUNG_3])

    assert err == ""
    assert DBTaskResult.objects.count() == 1


def test_a_worker_beside_the_server_takes_what_is_queued_while_it_runs(tmp_path, database_tasks):
    finished = threading.Event()

    def on_finished(sender, task_result, **kwargs):
        finished.set()

    task_finished.connect(on_finished, dispatch_uid="test-worker-thread")
    try:
        import_studies(tmp_path / "a.jsonl", [LUNG_1, LUNG_3])
        worker = WorkerThread(interval=0.1).start()
        try:
            assert finished.wait(60)
        finally:
            worker.stop(timeout=60)
    finally:
        task_finished.disconnect(dispatch_uid="test-worker-thread")

    assert not worker.thread.is_alive()
    assert similar_ids("NCT00000001") == ["NCT00000003"]


def test_with_the_immediate_backend_the_import_refreshes_at_once(tmp_path):
    err = import_studies(tmp_path / "a.jsonl", [LUNG_1, DIABETES, LUNG_3])

    assert err == ""
    assert similar_ids("NCT00000001") == ["NCT00000003"]
    assert not DBTaskResult.objects.exists()
