"""Shared facts: what an answer on one trial says about a question on another."""

import pytest

import eligibility
from eligibility.model import Criterion
from prescreen import facts


def criterion(text: str) -> Criterion:
    parsed = eligibility.parse_criteria(f"Inclusion Criteria:\n\n* {text}\n")
    (item,) = [i for i in parsed.items if i.role == "criterion"]
    return item


CLASS_III_OR_WORSE = (
    "Patients with heart failure class III or higher according to NYHA cardiac function "
    "classification"
)
CLASS_IV = "Currently experiencing heart failure of New York Heart Association Class IV;"


@pytest.mark.parametrize(
    ("answered", "answer", "asked", "expected"),
    [
        ("Aged 18 years or older", "yes", "Age 16 years or older", "yes"),
        ("Aged 18 years or older", "yes", "Age 65 years or older", None),
        ("Aged 18 years or older", "no", "Age 65 years or older", "no"),
        ("Aged 18 years or older", "no", "Age 16 years or older", None),
        ("Age 65 years or older", "no", "Aged 18 years or older", None),
        ("Age 65 years or older", "yes", "Aged 18 years or older", "yes"),
        ("Age 18 to 75 years", "yes", "Aged 18 years or older", "yes"),
        ("Age 18 to 75 years", "no", "Aged 18 years or older", None),
        ("Aged 18 years or older", "not_sure", "Age 16 years or older", None),
        ("ECOG performance status 0-2", "yes", "ECOG performance status of 0 or 1", None),
        ("ECOG performance status of 0 or 1", "yes", "ECOG performance status 0-2", "yes"),
        ("ECOG performance status of 0 or 1", "no", "ECOG performance status 0-2", None),
        ("ECOG performance status of 0 or 1", "no", "ECOG performance status ≥ 2", "yes"),
        ("Pregnant", "yes", "Pregnant", "yes"),
        ("Pregnant", "no", "Pregnant", "no"),
        ("Pregnant or breastfeeding", "no", "Pregnant", None),
        ("Breastfeeding", "yes", "Pregnant", None),
        ("NYHA I-II functional status", "yes", CLASS_III_OR_WORSE, "no"),
        ("NYHA I-II functional status", "yes", CLASS_IV, "no"),
        (CLASS_III_OR_WORSE, "no", "NYHA I-II functional status", "yes"),
        (CLASS_III_OR_WORSE, "yes", CLASS_IV, None),
        (CLASS_III_OR_WORSE, "yes", "NYHA I-II functional status", "no"),
        ("Female participants", "yes", "Female participants", "yes"),
        ("Female participants", "no", "Male participants", None),
        ("Male participants", "yes", "Female participants", "no"),
        (
            "Female participant: Expected to breastfeed during treatment and for 96 hours after "
            "the last dose of treatment",
            "yes",
            "Breastfeeding",
            None,
        ),
    ],
)
def test_answer_on_one_trial_decides_another(answered, answer, asked, expected):
    known = facts.learn({}, criterion(answered), answer)
    assert facts.derive(criterion(asked), known) == expected


def test_a_correction_replaces_what_contradicts_it():
    known = facts.learn({}, criterion("Aged 18 years or older"), "yes")
    known = facts.learn(known, criterion("Age 16 years or older"), "no")
    assert facts.derive(criterion("Aged 18 years or older"), known) == "no"
    assert facts.derive(criterion("Age 65 years or older"), known) == "no"


def test_answers_narrow_what_is_known():
    known = facts.learn({}, criterion("Aged 18 years or older"), "yes")
    known = facts.learn(known, criterion("Age 65 years or older"), "no")
    assert facts.derive(criterion("Age 16 years or older"), known) == "yes"
    assert facts.derive(criterion("Age 70 years or older"), known) == "no"
    assert facts.derive(criterion("Age 40 years or older"), known) is None


@pytest.mark.parametrize(
    "text",
    [
        "Known hypersensitivity to aspirin",
        "Able to swallow tablets",
        "Greater than or equal to 5% blasts in the Bone Marrow",
        # A "yes" may be the plan: it says nothing of a pregnancy now.
        "Pregnant, or plans on becoming pregnant",
        # A "no" may be no heart failure at all.
        "Heart failure NYHA class I-III",
    ],
)
def test_criteria_about_other_things_share_nothing(text):
    item = criterion(text)
    assert facts.shared_key(item) is None
    assert facts.learn({}, item, "yes") == {}
