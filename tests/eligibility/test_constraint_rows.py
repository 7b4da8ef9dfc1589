"""Real criteria strings and the constraints the engine must read from them.

Rows live in ``data/constraint_rows.json`` as ``[nct_id, criterion text, expected]`` where
expected is a list of ``[concept, name, op, value, unit]``; the strings come from the shared
ClinicalTrials.gov records (v2 JSON and legacy XML).
"""

import json
from pathlib import Path

import pytest

from eligibility import constraints

ROWS = json.loads((Path(__file__).parent / "data" / "constraint_rows.json").read_text("utf-8"))


def test_the_table_is_big_enough_to_cover_the_rules():
    assert len(ROWS) >= 300
    concepts = {c[0] for _, _, expected in ROWS for c in expected}
    assert concepts >= {
        "age",
        "sex",
        "ecog",
        "karnofsky",
        "pregnancy",
        "breastfeeding",
        "measurement",
        "condition",
        "drug",
        "procedure",
        "therapy",
    }
    ops = {c[2] for _, _, expected in ROWS for c in expected}
    assert ops >= {">=", "<=", ">", "<", "==", "within", "present", "absent"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [(text, expected) for _, text, expected in ROWS],
    ids=[f"{nct}-{i}" for i, (nct, _, _) in enumerate(ROWS)],
)
def test_constraints_of_real_criteria(text, expected):
    found = constraints.extract(text)
    assert [[c.concept, c.name, c.op, c.value, c.unit] for c in found] == expected
    for c in found:
        start, end = c.span
        assert 0 <= start < end <= len(text), "span must point into the criterion text"


@pytest.mark.parametrize(
    "text",
    [
        "History of anaphylactic reaction to carboplatin",
        "Known allergy to aspirin or clopidogrel",
        "Intolerant to docetaxel",
    ],
)
def test_a_drug_named_after_a_reaction_word_is_not_a_prior_treatment(text):
    assert [c for c in constraints.extract(text) if c.concept == "drug"] == []


def test_a_drug_named_apart_from_a_reaction_word_is_still_read():
    found = constraints.extract("Prior treatment with carboplatin; allergy to penicillin")
    assert [(c.name, c.op) for c in found] == [("carboplatin", "present")]


def test_a_surgery_that_might_impair_healing_is_a_kind_of_surgery():
    """Someone who had another operation has not had this kind: the line stays undecided."""
    text = (
        "Any disease, condition or surgery which might impair healing, such as: Diabetes "
        "mellitus requiring daily insulin management"
    )
    surgery = next(c for c in constraints.extract(text) if c.name == "surgery")
    assert surgery.qualifier == "specific"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Known family history of dementia.", []),
        ("Personal or family history of dementia", ["dementia"]),
        ("History of diabetes or family history of diabetes", ["diabetes"]),
    ],
)
def test_a_relatives_condition_is_not_the_persons_unless_their_own_is_named(text, names):
    assert [c.name for c in constraints.extract(text)] == names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # NCT00841789: each sex its own range
        (
            "Male Age 2 months to 20 years of age Female Age 2 months to 11 years of age",
            [
                ("male", ">=", 2, "month"),
                ("male", "<=", 20, "year"),
                ("female", ">=", 2, "month"),
                ("female", "<=", 11, "year"),
            ],
        ),
        (
            "Men aged 18-65 years and women aged 18-55 years",
            [
                ("male", ">=", 18, "year"),
                ("male", "<=", 65, "year"),
                ("female", ">=", 18, "year"),
                ("female", "<=", 55, "year"),
            ],
        ),
        # One range for both sexes is everyone's.
        ("Men and women aged 18 to 65 years", [(None, ">=", 18, "year"), (None, "<=", 65, "year")]),
    ],
)
def test_age_limits_given_for_each_sex_apart_are_marked_with_it(text, expected):
    found = [(c.qualifier, c.op, c.value, c.unit) for c in constraints.extract(text)]
    assert found == expected


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        # NCT00540072: a state that must last, which one reading cannot show
        (
            "Severe shock (systolic blood pressure <90 mm Hg for >30 minutes not corrected by "
            "fluid bolus).",
            "sustained",
        ),
        ("Hemoglobin < 9 g/dL despite transfusion", "sustained"),
        # NCT04007835: limits that hold despite treatment
        (
            "Uncontrollable hypertension (systolic blood pressure ≥ 140 mmHg, or diastolic blood "
            "pressure ≥ 90 mmHg, despite using the optimal medical treatment;",
            "sustained",
        ),
        ("Uncontrolled hypertension (SBP >= 160 mmHg) at Screening", None),
    ],
)
def test_a_limit_that_must_last_is_marked_so(text, qualifier):
    measured = [c for c in constraints.extract(text) if c.concept == "measurement"]
    assert measured
    assert {c.qualifier for c in measured} == {qualifier}


@pytest.mark.parametrize(
    "text",
    [
        "HR-positive, HER2-negative breast cancer",
        "Triple-negative breast cancer",
        "EGFR-negative non-small cell lung cancer",
    ],
)
def test_a_marker_the_cancer_lacks_is_a_kind_of_it_not_its_absence(text):
    (found,) = constraints.extract(text)
    assert (found.op, found.qualifier) == ("present", "specific")


@pytest.mark.parametrize(
    "text", ["PCR-negative for SARS-CoV-2 infection", "HIV-negative", "negative for hepatitis B"]
)
def test_a_negative_result_is_the_absence_of_what_was_tested(text):
    (found,) = constraints.extract(text)
    assert found.op == "absent"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Hypertension (BP>140/90 mmHg);", "BP>140/90 mmHg"),
        ("Hypertension of > 170/100 mm of Hg", "> 170/100 mm of Hg"),
    ],
)
def test_a_pressure_limit_starts_at_the_pressure_not_at_the_condition_it_defines(text, named):
    """So that the condition stands apart, defined by the limit (Chia NCT02379156,
    NCT01397994)."""
    found = constraints.extract(text)
    spans = {text[slice(*c.span)] for c in found if c.name.endswith("blood pressure")}
    assert spans == {named}
