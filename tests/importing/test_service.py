"""The import service: upserts, what counts as changed, change events, atomic writes."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from datetime import date

import pytest
from django.db import DatabaseError, connection

from ctgov.record import TrialRecord
from ctgov.sources import ReadError, ReadItem
from tests.importing.helpers import item, make_record
from trials.models import ChangeEvent, ImportFailure, ImportRun, Site, Trial, TrialFacet
from trials.services import importing
from trials.services.importing import content_hash, import_items, is_older, parse_partial_date

pytestmark = pytest.mark.django_db


def run_import(*records: TrialRecord | ReadItem, chunk_size: int = 500) -> ImportRun:
    items = [r if isinstance(r, ReadItem) else item(r, line=n) for n, r in enumerate(records, 1)]
    return import_items(items, run=ImportRun.objects.create(), chunk_size=chunk_size)


def counts(run: ImportRun) -> tuple[int, int, int, int]:
    run.refresh_from_db()
    return run.imported, run.updated, run.unchanged, run.failed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015", date(2015, 1, 1)),
        ("2015-04", date(2015, 4, 1)),
        ("2015-04-07", date(2015, 4, 7)),
        ("2015-02-30", None),
        ("April 2015", None),
        ("", None),
    ],
)
def test_partial_dates_become_the_first_day_of_their_period(text, expected):
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize(
    ("incoming", "stored", "older"),
    [
        ("2020-01-01", "2020-01-02", True),
        ("2019-12", "2020-01-02", True),
        ("2020-01", "2020-01-15", False),  # same month: cannot tell, so not older
        ("2020", "2020-06-01", False),
        ("2020-02-01", "2020-01", False),
        ("", "2020-01-01", False),
        ("2020-01-01", "", False),
    ],
)
def test_older_compares_partial_dates_at_their_common_precision(incoming, stored, older):
    assert is_older(incoming, stored) is older


def test_content_hash_is_that_of_the_canonical_record_json():
    record = make_record()
    canonical = importing._canonical_json(record)
    assert json.loads(canonical) == record.to_dict()
    assert content_hash(record) == hashlib.sha256(canonical).hexdigest()
    assert content_hash(make_record()) == content_hash(record)
    assert content_hash(make_record(status="COMPLETED")) != content_hash(record)


def test_a_new_record_fills_the_trial_columns_sites_facets_and_a_created_event():
    run = run_import(make_record(sites=(("A", "Boston", "RECRUITING"), ("B", "Lyon", ""))))
    assert counts(run) == (1, 0, 0, 0)
    assert run.finished_at is not None
    trial = Trial.objects.get(nct_id="NCT00000001")
    assert trial.title == "A study of something"
    assert trial.start_date == date(2023, 2, 1)
    assert trial.completion_date == date(2026, 1, 1)
    assert trial.last_update_posted == date(2024, 1, 15)
    assert trial.minimum_age_years == 18.0 and trial.maximum_age_years is None
    assert trial.conditions == ["Asthma"]
    assert trial.intervention_names == ["Pulmicort"]
    assert trial.search_conditions.split("\n") == ["Asthma", "Respiratory Tract Diseases"]
    assert trial.search_interventions.split("\n") == ["Pulmicort", "budesonide", "Budesonide"]
    assert trial.search_keywords == "inhaler"
    assert (
        trial.record
        == make_record(sites=(("A", "Boston", "RECRUITING"), ("B", "Lyon", ""))).to_dict()
    )
    assert trial.source == "test.jsonl line 1"
    sites = list(trial.sites.values_list("position", "facility", "city", "status", "latitude"))
    assert sites == [(0, "A", "Boston", "RECRUITING", 42.36), (1, "B", "Lyon", "", 42.36)]
    facets = set(trial.facets.values_list("name", "value"))
    assert {("status", "RECRUITING"), ("phase", "PHASE2"), ("country", "United States")} <= facets
    event = ChangeEvent.objects.get(trial=trial)
    assert (event.kind, event.run_id) == (ChangeEvent.Kind.CREATED, run.pk)


def test_title_falls_back_to_the_official_title():
    record = dataclasses.replace(make_record(), brief_title="")
    run_import(record)
    assert Trial.objects.get().title == record.official_title


def test_the_same_record_again_is_unchanged_and_writes_nothing():
    run_import(make_record())
    trial = Trial.objects.get()
    assert counts(run_import(make_record())) == (0, 0, 1, 0)
    assert Trial.objects.get().updated_at == trial.updated_at
    assert ChangeEvent.objects.count() == 1


SITES_BEFORE = (("General Hospital", "Boston", "RECRUITING"),)


@pytest.mark.parametrize(
    ("change", "kind", "before", "after"),
    [
        ({"status": "COMPLETED"}, "status", "RECRUITING", "COMPLETED"),
        ({"criteria": "Inclusion Criteria:\n* Children"}, "eligibility", None, None),
        ({"sites": (("General Hospital", "Boston", "COMPLETED"),)}, "sites", None, None),
        (
            {"sites": SITES_BEFORE + (("Other Clinic", "Austin", "RECRUITING"),)},
            "sites",
            None,
            None,
        ),
        ({"sites": ()}, "sites", None, None),
    ],
)
def test_a_change_that_matters_counts_as_updated_with_its_event(change, kind, before, after):
    old = make_record(updated="2024-01-15")
    new = make_record(updated="2024-03-01", **change)
    run_import(old)
    run = run_import(new)
    assert counts(run) == (0, 1, 0, 0)
    events = ChangeEvent.objects.filter(run=run)
    assert [e.kind for e in events] == [kind]
    event = events.get()
    if kind == "status":
        assert (event.before, event.after) == (before, after)
    elif kind == "eligibility":
        assert (event.before, event.after) == (old.eligibility.criteria, new.eligibility.criteria)
    else:
        assert [s["status"] for s in event.before] == [loc.status for loc in old.locations]
        assert [(s["facility"], s["status"]) for s in event.after] == [
            (loc.facility, loc.status) for loc in new.locations
        ]
    trial = Trial.objects.get()
    assert trial.record == new.to_dict()
    assert trial.sites.count() == len(new.locations)


def test_a_change_nobody_watches_updates_without_events():
    run_import(make_record())
    run = run_import(make_record(title="A clearer title", updated="2024-02-01"))
    assert counts(run) == (0, 1, 0, 0)
    assert not ChangeEvent.objects.filter(run=run).exists()
    assert Trial.objects.get().title == "A clearer title"
    assert TrialFacet.objects.filter(name="status").count() == 1


@pytest.mark.parametrize("order", ["old first", "new first"])
def test_the_later_copy_wins_in_either_order(order):
    old = make_record(status="RECRUITING", updated="2023-06")
    new = make_record(status="COMPLETED", updated="2024-02-10")
    first, second = (old, new) if order == "old first" else (new, old)
    run_import(first)
    run = run_import(second)
    expected = (0, 1, 0, 0) if order == "old first" else (0, 0, 1, 0)
    assert counts(run) == expected
    assert Trial.objects.get().overall_status == "COMPLETED"


def test_the_same_trial_twice_in_one_run_keeps_the_later_copy():
    old = make_record(status="RECRUITING", updated="2023-06")
    new = make_record(status="COMPLETED", updated="2024-02-10")
    run = run_import(new, old, make_record("NCT00000002"))
    assert counts(run) == (2, 0, 1, 0)
    assert Trial.objects.get(nct_id="NCT00000001").overall_status == "COMPLETED"


def test_read_errors_and_bad_ids_become_failures_and_the_rest_imports():
    error = ReadError("bad.jsonl", "line 2", "broken JSON: unexpected end", "NCT00000009")
    bad_id = dataclasses.replace(make_record(), nct_id="NCT123")
    run = run_import(
        make_record(),
        ReadItem("bad.jsonl", "line 2", error=error),
        item(bad_id, line=3),
        make_record("NCT00000002"),
    )
    assert counts(run) == (2, 0, 0, 2)
    failures = list(ImportFailure.objects.filter(run=run).order_by("id"))
    assert [str(f) for f in failures] == [
        "bad.jsonl line 2: broken JSON: unexpected end",
        "test.jsonl line 3: invalid NCT id 'NCT123'",
    ]
    assert failures[0].nct_id == "NCT00000009"


def explode_on_facility(monkeypatch, facility: str) -> None:
    """Make the database refuse the sites of whichever record has a site named ``facility``."""
    real_insert = importing._insert

    def insert(model, columns, rows, now):
        at = columns.index("facility") if model is Site else None
        if at is not None and any(row[at] == facility for row in rows):
            raise DatabaseError("disk I/O error")
        real_insert(model, columns, rows, now)

    monkeypatch.setattr(importing, "_insert", insert)


@pytest.mark.parametrize("chunk_size", [1, 500])
def test_a_record_that_cannot_be_written_leaves_no_partial_rows(monkeypatch, chunk_size):
    explode_on_facility(monkeypatch, "Exploding Clinic")
    doomed = make_record("NCT00000002", sites=(("Exploding Clinic", "Reno", "RECRUITING"),))
    good = [make_record("NCT00000001"), make_record("NCT00000003")]
    run = run_import(good[0], doomed, good[1], chunk_size=chunk_size)
    assert counts(run) == (2, 0, 0, 1)
    assert sorted(Trial.objects.values_list("nct_id", flat=True)) == ["NCT00000001", "NCT00000003"]
    assert Site.objects.count() == 2
    assert not Site.objects.filter(facility="Exploding Clinic").exists()
    assert ChangeEvent.objects.count() == 2
    failure = ImportFailure.objects.get(run=run)
    assert (failure.nct_id, failure.location) == ("NCT00000002", "line 2")
    assert failure.reason == "could not be saved: disk I/O error"


def test_a_failed_update_keeps_the_previous_copy_whole(monkeypatch):
    run_import(make_record())
    explode_on_facility(monkeypatch, "Exploding Clinic")
    changed = make_record(
        status="COMPLETED", sites=(("Exploding Clinic", "Reno", "COMPLETED"),), updated="2025-01"
    )
    assert counts(run_import(changed)) == (0, 0, 0, 1)
    trial = Trial.objects.get()
    assert trial.overall_status == "RECRUITING"
    assert trial.record == make_record().to_dict()
    assert list(trial.sites.values_list("facility", flat=True)) == ["General Hospital"]
    assert ChangeEvent.objects.filter(kind="status").count() == 0


def test_progress_is_reported_and_the_run_saved_as_it_goes():
    seen = []
    records = [make_record(f"NCT{n:08d}") for n in range(1, 6)]
    run = import_items(
        [item(r) for r in records],
        run=ImportRun.objects.create(),
        progress=lambda r: seen.append(ImportRun.objects.get(pk=r.pk).imported),
        chunk_size=2,
    )
    assert seen == [2, 4, 5]
    assert run.summary == "imported 5, updated 0, unchanged 0, failed 0"


def test_reading_ahead_in_a_second_process_writes_the_same_catalogue():
    records = [make_record(f"NCT{n:08d}") for n in range(1, 8)] + [make_record("NCT00000003")]
    run = import_items(
        [item(r) for r in records], run=ImportRun.objects.create(), chunk_size=3, read_ahead=True
    )
    assert counts(run) == (7, 0, 1, 0)
    assert Trial.objects.count() == 7


def test_a_reader_that_breaks_while_reading_ahead_stops_the_import_with_its_error():
    def items():
        yield item(make_record())
        raise OSError("device not ready")

    with pytest.raises(OSError, match="device not ready"):
        import_items(items(), run=ImportRun.objects.create(), chunk_size=1, read_ahead=True)


def test_a_reader_that_dies_while_reading_ahead_stops_the_import_instead_of_hanging():
    def items():
        yield item(make_record())
        os._exit(3)

    with pytest.raises(RuntimeError, match=r"reading process stopped unexpectedly \(exit code 3\)"):
        import_items(items(), run=ImportRun.objects.create(), chunk_size=1, read_ahead=True)


def test_an_error_that_cannot_be_handed_over_still_stops_the_import_with_its_message():
    class Unpicklable(Exception):
        def __reduce__(self):
            raise TypeError("cannot pickle")

    def items():
        yield item(make_record())
        raise Unpicklable("tape jammed")

    with pytest.raises(RuntimeError, match="Unpicklable: tape jammed"):
        import_items(items(), run=ImportRun.objects.create(), chunk_size=1, read_ahead=True)


@pytest.mark.django_db(transaction=True)
def test_the_postgresql_import_settings_are_put_back_afterwards():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL session settings")

    def settings() -> tuple[str, str, str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('synchronous_commit'), "
                "current_setting('default_toast_compression'), "
                "current_setting('gin_pending_list_limit')"
            )
            return cursor.fetchone()

    before = settings()
    seen = []
    run = import_items(
        [item(make_record())],
        run=ImportRun.objects.create(),
        progress=lambda r: seen.append(settings()),
    )
    assert run.imported == 1
    assert seen[0][0] == "off"
    assert seen[0][2] == "256MB"
    assert settings() == before


def test_the_larger_sqlite_cache_and_log_are_only_for_the_import():
    if connection.vendor != "sqlite":
        pytest.skip("a SQLite setting")
    with connection.cursor() as cursor:

        def settings() -> tuple[int, int]:
            cursor.execute("PRAGMA cache_size")
            cache = cursor.fetchone()[0]
            cursor.execute("PRAGMA wal_autocheckpoint")
            return cache, cursor.fetchone()[0]

        before = settings()
        seen = []
        import_items(
            [item(make_record())],
            run=ImportRun.objects.create(),
            progress=lambda run: seen.append(settings()),
        )
        assert settings() == before
    assert seen == [(-64 * 1024, 20_000)]


@pytest.mark.parametrize(
    ("written", "catalogue", "tidy"),
    [
        (1000, 1000, True),  # a first import
        (1000, 10_000, True),
        (1000, 10_001, False),
        (40_000, 400_000, True),
        (39_999, 400_000, False),
        (999, 999, False),  # small catalogues stay small
        (0, 0, False),
    ],
)
def test_only_a_large_import_tidies_the_search_tables(written, catalogue, tidy):
    assert importing.needs_tidying(written, catalogue) is tidy


@pytest.mark.django_db(transaction=True)
def test_a_large_import_leaves_planner_statistics_and_a_searchable_index(monkeypatch):
    monkeypatch.setattr(importing, "_TIDY_MIN_TRIALS", 2)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE sqlite_schema")  # makes sqlite_stat1 exist
            cursor.execute("DELETE FROM sqlite_stat1")
        run_import(make_record("NCT00000001"), make_record("NCT00000002"))
        if connection.vendor == "sqlite":
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'trials_trial'")
            assert cursor.fetchall()
            cursor.execute(
                "SELECT count(*) FROM trials_trial_fts WHERE trials_trial_fts MATCH 'adults'"
            )
        else:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'trials_trial'")
            assert cursor.fetchone()[0] == 2
            cursor.execute(
                "SELECT count(*) FROM trials_trial "
                "WHERE search_vector @@ plainto_tsquery('english', 'adults')"
            )
        assert cursor.fetchone()[0] == 2
