"""`trialmatch worker`: the process that runs the background tasks queued in the database."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from matching.tasks import WORKER_MESSAGE

TRIALMATCH = Path(sys.executable).with_name("trialmatch")


def test_with_the_immediate_backend_there_is_nothing_for_a_worker_to_do():
    with pytest.raises(CommandError, match="nothing for a worker to do") as error:
        call_command("worker", batch=True)
    assert error.value.returncode == 2


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ({"interval": -1.0}, "--interval must be 0 or more"),
        ({"max_tasks": 0}, "--max-tasks must be 1 or more"),
    ],
)
def test_bad_options_exit_2(database_tasks, option, message):
    with pytest.raises(CommandError, match=message) as error:
        call_command("worker", batch=True, **option)
    assert error.value.returncode == 2


def _study(nct_id: str, title: str) -> str:
    return json.dumps(
        {
            "protocolSection": {
                "identificationModule": {"nctId": nct_id, "briefTitle": title},
                "statusModule": {"overallStatus": "RECRUITING"},
                "conditionsModule": {"conditions": ["Non-small Cell Lung Cancer"]},
            }
        }
    )


def _similar_pairs(database: Path) -> list[tuple[str, str]]:
    query = (
        "SELECT t.nct_id, s.nct_id FROM matching_similartrial m "
        "JOIN trials_trial t ON t.id = m.trial_id JOIN trials_trial s ON s.id = m.similar_id "
        "ORDER BY t.nct_id"
    )
    with sqlite3.connect(database) as connection:
        return connection.execute(query).fetchall()


def test_the_installed_worker_runs_what_an_import_queues(tmp_path):
    """A worker left running refreshes the similar-trial lists after an import, and stops
    cleanly on Ctrl+C."""
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TRIALMATCH_TASKS_BACKEND"}
    }
    env["TRIALMATCH_HOME"] = str(tmp_path)

    def trialmatch(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(TRIALMATCH), *args], env=env, capture_output=True, text=True, timeout=120
        )

    assert trialmatch("migrate", "--verbosity", "0").returncode == 0
    studies = tmp_path / "studies.jsonl"
    studies.write_text(
        _study("NCT00000001", "Pembrolizumab in NSCLC")
        + "\n"
        + _study("NCT00000002", "Nivolumab in NSCLC")
        + "\n"
    )
    worker = subprocess.Popen(
        [str(TRIALMATCH), "worker", "--interval", "0.2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        imported = trialmatch("import", str(studies))
        assert imported.returncode == 0
        assert imported.stderr == WORKER_MESSAGE + "\n"
        deadline = time.monotonic() + 60
        while not (pairs := _similar_pairs(tmp_path / "trialmatch.sqlite3")):
            assert time.monotonic() < deadline, "the worker did not refresh the lists"
            time.sleep(0.3)
        worker.send_signal(signal.SIGINT)
        out, err = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()

    assert pairs == [("NCT00000001", "NCT00000002"), ("NCT00000002", "NCT00000001")]
    assert worker.returncode == 0
    assert "TrialMatch worker waiting for tasks" in out
    assert "matching.tasks.refresh_similar_trials state=SUCCESSFUL" in err

    batch = trialmatch("worker", "--batch")
    assert batch.returncode == 0
