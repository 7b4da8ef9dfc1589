"""How match_patient orders trials: distance, recruiting status, failed criteria, hard filters."""

import pytest

from ctgov.record import Eligibility, GeoPoint, Location, TrialRecord
from eligibility.profile import load_profile
from matching.services import match_patient, shared_facts
from tests.web.data import LYON, PARIS, load

pytestmark = pytest.mark.django_db

CRITERIA = "Inclusion Criteria:\n\n* Age 18 years or older\n\nExclusion Criteria:\n\n* Pregnancy"
PATIENT = {
    "age": 40,
    "sex": "male",
    "conditions": [{"name": "migraine"}],
    "performance": {"ecog": 3},
    "location": {"lat": LYON[0], "lon": LYON[1]},
}


def _trial(nct_id, *, status="RECRUITING", city="Lyon", point=LYON, sex="ALL", criteria=CRITERIA):
    return TrialRecord(
        nct_id=nct_id,
        brief_title=f"Preventing migraine attacks ({nct_id})",
        conditions=["Migraine"],
        overall_status=status,
        eligibility=Eligibility(criteria=criteria, sex=sex, minimum_age=18.0),
        locations=[
            Location(facility="Hospital", city=city, country="France", geo=GeoPoint(*point))
        ],
    )


@pytest.fixture
def catalogue():
    load(
        [
            _trial("NCT09100001"),
            _trial("NCT09100002", status="COMPLETED"),
            _trial("NCT09100003", city="Paris", point=PARIS),
            _trial("NCT09100004", sex="FEMALE"),
            _trial(
                "NCT09100005",
                criteria=CRITERIA + "\n* ECOG performance status of 2 or more",
            ),
        ]
    )


def test_near_open_fitting_trials_first_failed_then_closed_last(catalogue):
    outcome = match_patient(load_profile(PATIENT))
    order = [r.nct_id for r in outcome.results]
    assert order == ["NCT09100001", "NCT09100003", "NCT09100005", "NCT09100002"]
    assert outcome.filtered_out == {"sex": 1}
    scores = [r.score for r in outcome.results]
    assert scores == sorted(scores, reverse=True)
    first, paris, failed, closed = outcome.results
    assert first.nearest_site.city == "Lyon" and first.nearest_site.distance_km == 0
    assert "nearest recruiting site 391.5 km" in paris.explanation
    assert failed.verdict == "likely_not_eligible"
    assert failed.reasons[0].startswith("Exclusion rules you out: “ECOG performance status")
    assert "your ECOG 3" in failed.reasons[0]
    assert "not recruiting" in closed.explanation


def test_explicit_place_overrides_the_profile_location(catalogue):
    outcome = match_patient(load_profile(PATIENT), near=f"{PARIS[0]},{PARIS[1]}")
    assert [r.nct_id for r in outcome.results][:2] == ["NCT09100003", "NCT09100001"]


@pytest.mark.parametrize(
    "profile, facts",
    [
        (
            {"age": 34, "sex": "male", "performance": {"ecog": 1}},
            {
                "age": {"lo": 34, "lo_incl": True, "hi": 35, "hi_incl": False},
                "sex": {"is": "male"},
                "ecog": {"lo": 1, "lo_incl": True, "hi": 1, "hi_incl": True},
            },
        ),
        (
            {"age": 29.5, "sex": "female", "pregnant": True, "breastfeeding": False},
            {
                "age": {"lo": 29.5, "lo_incl": True, "hi": 29.5, "hi_incl": True},
                "sex": {"is": "female"},
                "pregnancy": True,
                "breastfeeding": False,
            },
        ),
        (
            {"performance": {"nyha": 2}},
            {"nyha": {"lo": 2, "lo_incl": True, "hi": 2, "hi_incl": True}},
        ),
        ({"sex": "unknown"}, {}),
    ],
)
def test_shared_facts_for_the_prescreener(profile, facts):
    assert shared_facts(load_profile(profile)) == facts
