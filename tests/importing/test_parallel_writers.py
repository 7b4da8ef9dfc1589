"""On PostgreSQL, outside a transaction, several connections write an import's chunks at once."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import OperationalError, connection

from ctgov.sources import ReadError, ReadItem
from tests.importing.helpers import item, make_record
from trials.models import ChangeEvent, DeferredIndex, ImportFailure, ImportRun, Trial
from trials.services import importing, indexes
from trials.services.importing import import_items

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("one connection writes on SQLite")


@pytest.fixture
def writer_threads(monkeypatch) -> set[str]:
    """The names of the threads that wrote chunks."""
    names: set[str] = set()
    real = importing._write_all

    def spy(*args):
        names.add(threading.current_thread().name)
        time.sleep(0.01)  # long enough for the other writer to take the next chunk
        return real(*args)

    monkeypatch.setattr(importing, "_write_all", spy)
    return names


def nct(n: int) -> str:
    return f"NCT{n:08d}"


def run_import(items: list[ReadItem], chunk_size: int = 2) -> ImportRun:
    run = import_items(items, run=ImportRun.objects.create(), chunk_size=chunk_size)
    run.refresh_from_db()
    return run


def test_several_writers_give_the_catalogue_and_counts_one_writer_would(writer_threads):
    records = [make_record(nct(n)) for n in range(1, 13)]
    records += [
        make_record(nct(3), status="COMPLETED", updated="2024-06-01"),  # newer: updated
        make_record(nct(5), title="Retitled", updated="2024-01-15"),  # same date: updated
        make_record(nct(7), status="WITHDRAWN", updated="2023-01-01"),  # older: unchanged
    ]
    broken = ReadItem(
        source="test.jsonl",
        location="line 99",
        error=ReadError("test.jsonl", "line 99", "broken JSON"),
    )
    run = run_import([item(r, line=n) for n, r in enumerate(records, 1)] + [broken])
    assert len(writer_threads) == 2
    assert (run.imported, run.updated, run.unchanged, run.failed) == (12, 2, 1, 1)
    assert Trial.objects.count() == 12
    assert Trial.objects.get(nct_id=nct(3)).overall_status == "COMPLETED"
    assert Trial.objects.get(nct_id=nct(5)).title == "Retitled"
    assert Trial.objects.get(nct_id=nct(7)).overall_status == "RECRUITING"
    assert ChangeEvent.objects.filter(kind="created").count() == 12
    assert list(ChangeEvent.objects.filter(kind="status").values_list("after", flat=True)) == [
        "COMPLETED"
    ]
    assert ImportFailure.objects.get().reason == "broken JSON"


def test_a_later_copy_of_a_trial_waits_for_the_chunk_writing_the_earlier_one(monkeypatch):
    real = importing._write_all

    def slow_first_copy(run_id, chunk, failures):
        if any(p.nct_id == nct(1) and p.title == "First copy" for p in chunk):
            time.sleep(0.3)  # the other writer is free meanwhile
        return real(run_id, chunk, failures)

    monkeypatch.setattr(importing, "_write_all", slow_first_copy)
    records = [
        make_record(nct(1), title="First copy"),
        make_record(nct(2)),
        make_record(nct(1), title="Second copy"),
    ]
    run = run_import([item(r, line=n) for n, r in enumerate(records, 1)], chunk_size=1)
    assert (run.imported, run.updated, run.unchanged, run.failed) == (2, 1, 0, 0)
    assert Trial.objects.get(nct_id=nct(1)).title == "Second copy"


def test_an_unexpected_error_in_a_writer_stops_the_import_and_every_writer(monkeypatch):
    real = importing._write_chunk

    def broken(run_id, chunk):
        if any(p.nct_id == nct(4) for p in chunk):
            raise RuntimeError("a bug in the writer")
        return real(run_id, chunk)

    monkeypatch.setattr(importing, "_write_chunk", broken)
    with pytest.raises(RuntimeError, match="a bug in the writer"):
        run_import([item(make_record(nct(n))) for n in range(1, 40)], chunk_size=1)
    assert not [t for t in threading.enumerate() if t.name.startswith("import-writer")]
    assert not Trial.objects.filter(nct_id=nct(4)).exists()
    assert Trial.objects.count() < 39  # no chunk started after the error
    assert ImportRun.objects.get().imported == Trial.objects.count()


def test_indexes_are_dropped_only_once_no_chunk_is_under_way(monkeypatch, writer_threads):
    monkeypatch.setattr(indexes, "DEFER_FROM", 3)
    real_drop = indexes.drop_deferrable
    seen = []

    def drop():
        seen.append(Trial.objects.count())
        return real_drop()

    monkeypatch.setattr(indexes, "drop_deferrable", drop)
    before = indexes.existing_definitions()
    run = run_import([item(make_record(nct(n))) for n in range(1, 11)], chunk_size=1)
    assert run.imported == 10
    assert len(seen) == 1
    assert seen[0] >= 3  # every chunk handed out before the drop was written
    assert not DeferredIndex.objects.exists()
    assert indexes.existing_definitions() == before


def test_one_writer_when_so_configured(writer_threads, settings):
    settings.IMPORT_WRITERS = 1
    run = run_import([item(make_record(nct(n))) for n in range(1, 6)], chunk_size=1)
    assert run.imported == 5
    assert writer_threads == {threading.current_thread().name}


def test_reading_ahead_in_a_second_process_feeds_the_writers(writer_threads):
    records = [make_record(nct(n)) for n in range(1, 9)] + [make_record(nct(2), title="Again")]
    run = import_items(
        [item(r) for r in records], run=ImportRun.objects.create(), chunk_size=2, read_ahead=True
    )
    assert (run.imported, run.updated, run.unchanged, run.failed) == (8, 1, 0, 0)
    assert Trial.objects.get(nct_id=nct(2)).title == "Again"
    assert len(writer_threads) == 2


def test_writers_that_cannot_connect_stop_the_import_with_the_error(monkeypatch):
    real = importing._session_settings

    def refused():
        if threading.current_thread().name.startswith("import-writer"):
            raise OperationalError("too many clients already")
        return real()

    monkeypatch.setattr(importing, "_session_settings", refused)
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            run_import([item(make_record(nct(n))) for n in range(1, 6)], chunk_size=1)
        except BaseException as exc:
            outcome.append(exc)
        finally:
            connection.close()

    importer = threading.Thread(target=run, daemon=True)
    importer.start()
    importer.join(timeout=30)
    assert not importer.is_alive(), "the import hung"
    assert [str(e) for e in outcome] == ["too many clients already"]
    assert not Trial.objects.exists()
