"""Screening one patient against one trial's criteria: verdicts, reasons and the score."""

import datetime as dt
import json

import pytest

from matching.screening import (
    Weights,
    criteria_text,
    parsed,
    profile_of,
    score,
    screen,
)
from prescreen import engine
from tests.conftest import SEED_FIXTURE

AS_OF = dt.date(2025, 3, 1)
BASE = "A 34-year-old woman with relapsed B-ALL, ECOG 1, 40% blasts in the bone marrow."


@pytest.fixture(scope="module")
def seed_criteria() -> str:
    study = json.loads(SEED_FIXTURE.read_text())
    return study["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]


@pytest.mark.parametrize(
    ("note", "excluded", "reason"),
    [
        (BASE, False, None),
        (
            BASE + " She had an allogeneic stem cell transplant 6 weeks ago.",
            True,
            "allogeneic hsct within 12 week",
        ),
        (BASE + " She had an allogeneic stem cell transplant 6 months ago.", False, None),
        (BASE.replace("34-year-old", "16-year-old"), True, "age >= 18"),
        (BASE.replace("ECOG 1", "ECOG 3"), True, "ecog <= 2"),
        (BASE.replace("40% blasts", "2% blasts"), True, "bone marrow blasts >= 5"),
    ],
)
def test_seed_trial_verdicts(seed_criteria, note, excluded, reason):
    result = screen(profile_of(note, AS_OF), seed_criteria)
    assert result.excluded is excluded
    if reason is None:
        assert result.failed == []
        assert result.verdict != "likely_not_eligible"
    else:
        assert result.verdict == "likely_not_eligible"
        assert any(reason in c.reason.lower() for c in result.failed), result.reasons()


def test_the_seed_patient_meets_age_status_and_blasts(seed_criteria):
    result = screen(profile_of(BASE, AS_OF), seed_criteria)
    met = {c.text for c in result.criteria if c.verdict == "met"}
    assert "Aged 18 years or older" in met
    assert "Greater than or equal to 5% blasts in the Bone Marrow" in met


def test_a_recent_transplant_sinks_the_score_and_says_why(seed_criteria):
    fits = screen(profile_of(BASE, AS_OF), seed_criteria)
    recent = screen(
        profile_of(BASE + " She had an allogeneic stem cell transplant 6 weeks ago.", AS_OF),
        seed_criteria,
    )
    assert 0.0 <= recent.score < fits.score <= 1.0
    assert recent.score <= fits.score * Weights().failed
    [line] = recent.reasons()
    assert "Allogeneic HSCT within 12 weeks" in line


def test_age_and_sex_failures_are_hard_filters():
    text = criteria_text("inclusion criteria: \n\n Men aged 50 to 80 years \n\n Asthma", "")
    woman = screen({"age": 30, "sex": "female"}, text)
    assert woman.hard_failed and all(c.hard for c in woman.hard_failed)
    man = screen({"age": 60, "sex": "male"}, text)
    assert not man.failed
    assert man.score > woman.score


def test_unknown_criteria_lower_the_score_a_little_not_to_zero():
    one = screen({"age": 40}, criteria_text("Age 18 or older\n\nAsthma", ""))
    many = screen(
        {"age": 40}, criteria_text("Age 18 or older\n\nAsthma\n\nSmoker\n\nOn inhaled steroids", "")
    )
    assert 0.0 < many.score < one.score


def test_an_undecided_line_about_taking_part_costs_a_trial_nothing():
    bare = screen({"age": 40}, criteria_text("Age 18 or older", ""))
    consent = screen({"age": 40}, criteria_text("Age 18 or older\n\nWritten informed consent", ""))
    asthma = screen({"age": 40}, criteria_text("Age 18 or older\n\nAsthma", ""))
    assert [c.taking_part for c in consent.criteria] == [False, True]
    assert consent.criteria[1].verdict == "unknown"
    assert consent.score == bare.score > asthma.score
    counted = Weights(unknown_taking_part=Weights().unknown_inclusion)
    assert score(consent, counted) == pytest.approx(asthma.score)


GROUP_CRITERIA = (
    "Inclusion Criteria:\n\n* Age 18 or older\n\nDiabetes-related for participant with T2D\n\n"
    "* HbA1c 7.0-10.0 percent (53-86 millimoles per mole [mmol/mol]) (both inclusive) as "
    "measured by central laboratory at screening"
)
HBA1C = {"hba1c": [6.8, "%"]}


def test_a_failure_for_one_group_of_the_study_weighs_like_an_undecided_line():
    unsure = screen({"age": 50, "measurements": HBA1C}, GROUP_CRITERIA)
    diabetic = [{"name": "diabetes", "active": True}, {"name": "type 2 diabetes", "active": True}]
    member = screen({"age": 50, "measurements": HBA1C, "events": diabetic}, GROUP_CRITERIA)
    assert [(c.verdict, c.scoped) for c in unsure.criteria] == [("met", False), ("not_met", True)]
    assert not unsure.failed and member.failed
    w = Weights()
    assert unsure.score == pytest.approx(w.prior * w.unknown_inclusion)
    assert member.score == pytest.approx(w.prior * w.failed)


@pytest.mark.parametrize(
    ("inclusion", "exclusion", "expected"),
    [
        (
            "inclusion criteria: \n\n Age>18 years \n\n Premenopausal \n\n ",
            ": \n\n Current pregnancy \n\n ",
            "Inclusion Criteria:\n\n* Age>18 years\n* Premenopausal\n\n"
            "Exclusion Criteria:\n\n* Current pregnancy",
        ),
        ("- Adults\n- Asthma", "", "Inclusion Criteria:\n\n* Adults\n* Asthma"),
        ("", "", ""),
    ],
)
def test_corpus_criteria_become_the_engines_layout(inclusion, exclusion, expected):
    assert criteria_text(inclusion, exclusion) == expected


def test_a_criteria_text_is_parsed_once(seed_criteria):
    parsed.cache_clear()
    for age in (20, 30, 40):
        screen({"age": age}, seed_criteria)
    info = parsed.cache_info()
    assert (info.misses, info.hits) == (1, 2)


def test_score_reads_the_verdicts_with_the_given_weights(seed_criteria):
    result = screen({"age": 40, "ecog": 1}, seed_criteria)
    assert score(result, Weights(unknown_inclusion=1.0, unknown_exclusion=1.0)) == pytest.approx(
        Weights().prior
    )


def test_matching_and_the_prescreener_share_one_parse(seed_criteria):
    parsed.cache_clear()
    screen({"age": 40}, seed_criteria)
    assert engine.parse(seed_criteria) is parsed(seed_criteria)
    assert parsed.cache_info().misses == 1


@pytest.mark.parametrize(
    ("note", "criteria", "verdict"),
    [
        (
            "A 65-year-old man with productive cough and a cavitary lung mass.",
            criteria_text("Age 18 years or older", "Pregnant or breast-feeding women"),
            "met",
        ),
        (
            "A 62 yo male presents with four days of non-productive cough.",
            criteria_text("Age 18-65", "Currently pregnant"),
            "met",
        ),
        (
            "A 30-year-old woman with shortness of breath. She had given birth to a healthy "
            "child 3 weeks before.",
            criteria_text("Term pregnancy", ""),
            "not_met",
        ),
        (
            "A 30-year-old woman with shortness of breath.",
            criteria_text("Age 18 or older", "Currently pregnant"),
            "unknown",
        ),
    ],
)
def test_pregnancy_criteria_read_sex_and_a_recent_birth(note, criteria, verdict):
    result = screen(profile_of(note, AS_OF), criteria)
    pregnancy = [c for c in result.criteria if "regnan" in c.text]
    assert [c.verdict for c in pregnancy] == [verdict], result.criteria
