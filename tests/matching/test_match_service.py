"""match_patient on the seed patient, and the patient and catalogue helpers of the match tests."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from ctgov.sources import read_paths
from eligibility.profile import load_profile
from matching.services import MatchError, match_patient
from tests.conftest import SEED_FIXTURE, SHARED_DATA
from tests.importing.helpers import item, make_record
from trials.models import ImportRun
from trials.services.importing import import_items

SEED_ID = "NCT04521231"
SHARED_STUDIES = SHARED_DATA / "ctgov" / "v2" / "studies.jsonl"
SHARED_COUNT = 40

SEED_PATIENT = {
    "as_of": "2026-11-24",
    "age": 34,
    "sex": "male",
    "conditions": [{"name": "B-cell acute lymphoblastic leukemia", "stage": "second relapse"}],
    "performance": {"ecog": 1},
    "labs": [{"name": "bone marrow blasts", "value": 40, "unit": "%"}],
    "treatments": [
        {
            "name": "allogeneic hematopoietic stem cell transplant",
            "kind": "transplant",
            "status": "absent",
        }
    ],
}


def recent_transplant() -> dict:
    """The seed patient, six weeks after an allogeneic stem cell transplant."""
    patient = json.loads(json.dumps(SEED_PATIENT))
    patient["treatments"] = [
        {
            "name": "allogeneic hematopoietic stem cell transplant",
            "kind": "transplant",
            "status": "completed",
            "end": "2026-10-13",
        }
    ]
    return patient


def import_seed() -> None:
    import_items(read_paths([SEED_FIXTURE]), run=ImportRun())


def import_shared(tmp: Path) -> bool:
    """The first shared trials besides the seed; False when the shared data is absent."""
    if not SHARED_STUDIES.exists():
        return False
    subset = tmp / "studies.jsonl"
    with SHARED_STUDIES.open(encoding="utf-8") as source:
        subset.write_text("".join(itertools.islice(source, SHARED_COUNT)), encoding="utf-8")
    import_items(read_paths([subset]), run=ImportRun())
    return True


pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db, tmp_path) -> bool:
    import_seed()
    return import_shared(tmp_path)


def _result(outcome, nct_id=SEED_ID):
    return next((r for r in outcome.results if r.nct_id == nct_id), None)


def test_seed_patient_finds_the_seed_trial_with_met_criteria(catalogue):
    outcome = match_patient(load_profile(SEED_PATIENT), top=5)
    seed = _result(outcome)
    assert seed is not None, [r.nct_id for r in outcome.results]
    assert outcome.results.index(seed) < 3
    assert seed.verdict in ("needs_review", "likely_eligible")
    by_outcome = {c.id: (c.outcome, c.fact) for c in seed.criteria}
    assert by_outcome["inc-1"] == ("met", "age 34")
    assert by_outcome["inc-3"] == ("met", "ECOG 1")
    assert by_outcome["inc-5"] == ("met", "bone marrow blasts 40 %")
    exclusions = [c for c in seed.criteria if c.kind == "exclusion"]
    assert exclusions and all(c.outcome in ("unknown", "met") for c in exclusions)
    assert any("ECOG 1" in r and r.startswith("Inclusion met") for r in seed.reasons)
    assert "relevance" in seed.explanation


def test_recent_transplant_fails_the_seed_trial_with_that_reason(catalogue):
    outcome = match_patient(load_profile(recent_transplant()), top=50)
    seed = _result(outcome)
    assert seed is not None
    assert seed.verdict == "likely_not_eligible"
    assert seed.reasons[0].startswith("Exclusion rules you out: “Allogeneic HSCT within 12 weeks")
    assert "2026-10-13" in seed.reasons[0]
    before = match_patient(load_profile(SEED_PATIENT), top=50)
    assert seed.score < _result(before).score


def test_results_are_ordered_by_score_and_limited_to_top(catalogue):
    if not catalogue:
        pytest.skip("shared data not present")
    outcome = match_patient(load_profile({"age": 50, "conditions": [{"name": "cancer"}]}), top=3)
    scores = [r.score for r in outcome.results]
    assert len(scores) <= 3 and scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    "profile, rule",
    [
        ({"age": 12, "conditions": [{"name": "acute lymphoblastic leukemia"}]}, "age"),
        ({"age": 90, "sex": "male", "conditions": [{"name": "leukemia"}]}, None),
    ],
)
def test_age_range_is_a_hard_filter(db, profile, rule):
    import_seed()
    outcome = match_patient(load_profile(profile))
    assert (_result(outcome) is None) == (rule == "age")
    if rule:
        assert outcome.filtered_out == {"age": 1}
        assert "ruled out" in outcome.message


def test_empty_catalogue_gives_no_results_and_a_message(db):
    outcome = match_patient(load_profile(SEED_PATIENT))
    assert outcome.results == []
    assert outcome.to_dict() == {
        "results": [],
        "message": "The catalogue is empty: no trials have been imported yet.",
    }


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"top": 0}, "top"),
        ({"top": 101}, "top"),
        ({"near": "91,0"}, "near"),
        ({"near": "Atlantis"}, "near"),
    ],
)
def test_bad_arguments_name_the_field(db, kwargs, field):
    import_seed()
    with pytest.raises(MatchError) as caught:
        match_patient(load_profile(SEED_PATIENT), **kwargs)
    assert caught.value.field == field


def test_a_healthy_volunteer_trial_fails_someone_with_an_active_condition(db):
    criteria = "Inclusion Criteria:\n* Healthy participants\n* Adults"
    import_items([item(make_record(criteria=criteria))], run=ImportRun())
    unwell = {"age": 40, "conditions": [{"name": "asthma"}]}
    trial = _result(match_patient(load_profile(unwell)), "NCT00000001")
    assert trial is not None
    healthy = next(c for c in trial.criteria if c.text == "Healthy participants")
    assert (healthy.outcome, healthy.fact) == ("not_met", "active condition")
    assert trial.verdict == "likely_not_eligible"
    recovered = {"age": 40, "conditions": [{"name": "asthma", "status": "resolved"}]}
    trial = _result(match_patient(load_profile(recovered)), "NCT00000001")
    assert next(c for c in trial.criteria if c.text == "Healthy participants").outcome == "unknown"


def test_a_line_about_taking_part_is_left_to_the_study_team_in_words(db):
    criteria = "Inclusion Criteria:\n* Asthma\n* Written informed consent"
    import_items([item(make_record(criteria=criteria))], run=ImportRun())
    trial = _result(match_patient(load_profile({"age": 40})), "NCT00000001")
    assert trial is not None
    assert trial.reasons == [
        "Inclusion unknown: “Asthma” — the profile does not say; the study team will check.",
        "Inclusion to settle with the study team: “Written informed consent” — about taking "
        "part, not your health.",
    ]


def test_a_nyha_class_decides_a_heart_failure_exclusion_and_is_named(db):
    criteria = (
        "Inclusion Criteria:\n* Adults\n\nExclusion Criteria:\n"
        "* Currently experiencing heart failure of New York Heart Association Class IV;"
    )
    import_items([item(make_record(criteria=criteria))], run=ImportRun())
    failing = {"age": 70, "performance": {"nyha": 4}}
    trial = _result(match_patient(load_profile(failing)), "NCT00000001")
    assert trial is not None and trial.verdict == "likely_not_eligible"
    assert trial.reasons[0] == (
        "Exclusion rules you out: “Currently experiencing heart failure of New York Heart "
        "Association Class IV;” — your NYHA class 4."
    )
    milder = {"age": 70, "performance": {"nyha": 2}}
    trial = _result(match_patient(load_profile(milder)), "NCT00000001")
    assert trial is not None and trial.verdict != "likely_not_eligible"


def test_a_failure_for_one_group_of_the_study_says_so(db):
    criteria = (
        "Inclusion Criteria:\n* Adults\n\nDiabetes-related for participant with T2D\n\n"
        "* HbA1c 7.0-10.0 percent (53-86 millimoles per mole [mmol/mol]) (both inclusive)"
    )
    import_items([item(make_record(criteria=criteria))], run=ImportRun())
    patient = {"age": 50, "labs": [{"name": "HbA1c", "value": 6.8, "unit": "%"}]}
    trial = _result(match_patient(load_profile(patient)), "NCT00000001")
    assert trial is not None and trial.verdict == "needs_review"
    assert trial.reasons[0] == (
        "Inclusion not met if you are in its part or group of the study: “HbA1c 7.0-10.0 "
        "percent (53-86 millimoles per mole [mmol/mol]) (both inclusive)” — your hba1c 6.8 %."
    )
