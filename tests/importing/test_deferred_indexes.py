"""An import that fills the catalogue builds the random-key site indexes, and on PostgreSQL the
foreign keys to trials, once, at its end."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.importing.helpers import item, make_record
from trials.models import DeferredIndex, ImportRun, Site
from trials.services import indexes
from trials.services.importing import import_items

pytestmark = pytest.mark.django_db


def nct(n: int) -> str:
    return f"NCT{n:08d}"


def run_import(numbers: range, progress=None) -> ImportRun:
    records = [item(make_record(nct(n)), line=n) for n in numbers]
    return import_items(records, run=ImportRun.objects.create(), chunk_size=1, progress=progress)


@pytest.mark.parametrize(
    ("written", "catalogue_at_start", "defer"),
    [
        (5_000, 0, True),  # a first import, once it is large enough
        (4_999, 0, False),
        (5_000, 5_000, True),  # doubles the catalogue
        (5_000, 5_001, False),
        (400_000, 400_000, True),
        (100_000, 400_000, False),
    ],
)
def test_only_an_import_that_fills_the_catalogue_defers_them(written, catalogue_at_start, defer):
    assert indexes.should_defer(written, catalogue_at_start) is defer


def test_every_deferrable_index_exists_after_migrating():
    present = indexes.existing_definitions()
    assert set(indexes.DEFERRABLE) <= set(present)
    keys = [name for name in present if name not in indexes.DEFERRABLE]
    expected = len(indexes.KEYS_FROM) if connection.vendor == "postgresql" else 0
    assert len(keys) == expected
    assert all("FOREIGN KEY (trial_id) REFERENCES trials_trial(id)" in present[k] for k in keys)


def test_a_filling_import_drops_them_and_builds_them_again(monkeypatch):
    monkeypatch.setattr(indexes, "DEFER_FROM", 2)
    before = indexes.existing_definitions()
    present = []
    run = run_import(range(1, 5), lambda run: present.append(len(indexes.existing_definitions())))
    assert run.summary == "imported 4, updated 0, unchanged 0, failed 0"
    assert present == [len(before), len(before), 0, 0]  # dropped once two were written
    assert indexes.existing_definitions() == before
    assert not DeferredIndex.objects.exists()
    assert Site.objects.filter(city="Boston").count() == 4


def test_an_import_smaller_than_the_catalogue_keeps_them(monkeypatch):
    monkeypatch.setattr(indexes, "DEFER_FROM", 2)
    run_import(range(1, 4))
    before = len(indexes.existing_definitions())
    present = []
    run_import(range(10, 12), lambda run: present.append(len(indexes.existing_definitions())))
    assert present == [before, before]


def test_the_next_import_builds_what_a_killed_import_left_dropped():
    before = indexes.existing_definitions()
    assert sorted(indexes.drop_deferrable()) == sorted(before)
    assert indexes.existing_definitions() == {}
    assert DeferredIndex.objects.count() == len(before)
    run_import(range(1, 2))
    assert indexes.existing_definitions() == before
    assert not DeferredIndex.objects.exists()


def test_an_import_stopped_by_an_error_still_builds_them(monkeypatch):
    monkeypatch.setattr(indexes, "DEFER_FROM", 1)
    before = indexes.existing_definitions()

    def stop_after_the_drop(run: ImportRun) -> None:
        if run.imported == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_import(range(1, 5), stop_after_the_drop)
    assert indexes.existing_definitions() == before
    assert not DeferredIndex.objects.exists()
