"""Similar trials over the real public records: lung cancer trials list lung cancer trials."""

from __future__ import annotations

import pytest

from ctgov.sources import read_paths
from matching.models import SimilarTrial
from matching.similar import compute, similar_context
from tests.conftest import shared_path
from trials.models import ImportRun, Trial
from trials.services.importing import import_items

pytestmark = pytest.mark.django_db


def is_lung(trial: Trial) -> bool:
    text = trial.search_conditions.lower()
    return "lung" in text or "nsclc" in text


NSCLC_NAMES = ("nsclc", "non-small cell lung", "non small cell lung", "non-small-cell lung")


def test_nsclc_trials_list_lung_cancer_trials_first():
    import_items(read_paths([shared_path("ctgov", "v2", "studies.jsonl")]), run=ImportRun())
    compute()
    assert SimilarTrial.objects.filter(similar=None).count() == Trial.objects.count()
    nsclc = [
        t
        for t in Trial.objects.all()
        if any(name in " ".join(t.conditions).lower() for name in NSCLC_NAMES)
    ]
    assert len(nsclc) >= 5
    for trial in nsclc:
        rows = list(
            SimilarTrial.objects.filter(trial=trial).exclude(similar=None).select_related("similar")
        )
        lung = [is_lung(r.similar) for r in rows]
        assert sum(lung) >= 5, trial.nct_id
        # no unrelated trial ahead of a lung one
        assert lung[: sum(lung)] == [True] * sum(lung), trial.nct_id
        assert all(r.similar_id != trial.pk for r in rows)
        cards = similar_context(trial)["similar_trials"]
        assert len(cards) == 5
        assert all(is_lung(Trial.objects.get(nct_id=c.nct_id)) for c in cards)
