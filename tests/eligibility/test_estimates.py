"""Kidney function estimated from a creatinine result."""

import pytest

import eligibility
from eligibility.estimates import (
    body_mass_index,
    cockcroft_gault,
    egfr_ckd_epi_2021,
    kidney_estimate,
)


@pytest.mark.parametrize(
    ("creatinine", "age", "female", "expected"),
    [
        # Published CKD-EPI 2021 values (the NKF calculator).
        (1.0, 50, False, 92),
        (1.0, 50, True, 69),
        (0.7, 40, True, 112),
        (2.0, 70, False, 35),
    ],
)
def test_egfr_by_ckd_epi_2021(creatinine, age, female, expected):
    assert egfr_ckd_epi_2021(creatinine, age, female) == pytest.approx(expected, abs=1)


def test_creatinine_clearance_by_cockcroft_gault():
    assert cockcroft_gault(1.0, 60, 72, female=False) == pytest.approx(80)
    assert cockcroft_gault(1.0, 60, 72, female=True) == pytest.approx(68)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"age": 60, "sex": "male", "measurements": {"serum creatinine": (2.1, "mg/dl")}}, 35),
        # µmol/L converts; a bare value is read by its size.
        ({"age": 60, "sex": "male", "measurements": {"serum creatinine": (186, "µmol/l")}}, 35),
        ({"age": 60, "sex": "male", "measurements": {"serum creatinine": (2.1, None)}}, 35),
        # A child, an unknown sex, no creatinine: no estimate.
        ({"age": 12, "sex": "male", "measurements": {"serum creatinine": (0.5, "mg/dl")}}, None),
        ({"age": 60, "measurements": {"serum creatinine": (2.1, "mg/dl")}}, None),
        ({"age": 60, "sex": "male"}, None),
    ],
)
def test_egfr_from_the_facts(facts, expected):
    found = kidney_estimate("egfr", facts)
    assert (found if found is None else round(found)) == expected


def test_clearance_needs_the_weight():
    facts = {"age": 60, "sex": "male", "measurements": {"serum creatinine": (0.9, "mg/dl")}}
    assert kidney_estimate("creatinine clearance", facts) is None
    facts["measurements"]["body weight"] = (80, "kg")
    assert kidney_estimate("creatinine clearance", facts) == pytest.approx(98.8, abs=0.1)


# Real criteria (NCT05651269, NCT03908762, NCT06053242, NCT02509286) against a 60-year-old
# man's creatinine.
@pytest.mark.parametrize(
    ("criteria", "creatinine", "outcome"),
    [
        (
            "Inclusion Criteria:\n\n* Adequate renal function as evidenced by an estimated "
            "glomerular filtration rate (eGFR) ≥ 60 mL/min/1.73 m2 of body surface area.",
            2.1,
            "not_met",
        ),
        ("Inclusion Criteria:\n\n* GFR >60 ml/min within the last 12 months", 0.9, "met"),
        # eGFR 63 is within a tenth of 60: other equations may put it under.
        ("Inclusion Criteria:\n\n* GFR >60 ml/min within the last 12 months", 1.27, "unknown"),
        (
            "Exclusion Criteria:\n\n* Renal insufficiency requiring dialysis or an eGFR of less "
            "than 60 mL/min/1.73m2.",
            2.1,
            "not_met",
        ),
        ("Inclusion Criteria:\n\n* Adequate renal function (GFR >60ml/min)", 0.9, "met"),
    ],
)
def test_a_kidney_limit_is_decided_from_the_creatinine(criteria, creatinine, outcome):
    parsed = eligibility.parse_criteria(criteria)
    facts = {"age": 60, "sex": "male", "measurements": {"serum creatinine": (creatinine, "mg/dl")}}
    verdict = eligibility.evaluate(parsed, facts=facts).get(parsed.top_level()[0].id)
    assert verdict.verdict == outcome, verdict.reason


@pytest.mark.parametrize(
    ("weight", "height", "expected"),
    [
        ((73, "kg"), (177, "cm"), 23.3),
        # A bare height or weight (TREC topic 202154: "Height: 177") is an adult's cm or kg.
        ((73, "kg"), (177, None), 23.3),
        ((73, None), (177, "cm"), 23.3),
        ((73, "kg"), (62, None), None),
    ],
)
def test_body_mass_index_from_weight_and_height(weight, height, expected):
    facts = {"measurements": {"body weight": weight, "body height": height}}
    found = body_mass_index(facts)
    assert (found if found is None else round(found, 1)) == expected


@pytest.mark.parametrize(
    ("criteria", "outcome"),
    [
        # NCT00703417, NCT01717352: 110 kg at 175 cm is a BMI of 35.9.
        ("Exclusion Criteria:\n\n* Body mass index greater than 35", "not_met"),
        ("Inclusion Criteria:\n\n* BMI 25 to 45", "met"),
    ],
)
def test_a_bmi_limit_is_decided_from_weight_and_height(criteria, outcome):
    parsed = eligibility.parse_criteria(criteria)
    facts = {"measurements": {"body weight": (110, "kg"), "body height": (175, "cm")}}
    verdict = eligibility.evaluate(parsed, facts=facts).get(parsed.top_level()[0].id)
    assert verdict.verdict == outcome, verdict.reason


def test_a_reason_says_what_a_value_was_worked_out_from():
    facts = {
        "age": 60,
        "sex": "male",
        "measurements": {"serum creatinine": (2.1, "mg/dl"), "body weight": (110, "kg")},
    }
    facts["measurements"]["body height"] = (175, "cm")
    for criteria, source in (
        ("Inclusion Criteria:\n\n* GFR >60 ml/min", "your creatinine, age and sex"),
        ("Exclusion Criteria:\n\n* Body mass index greater than 35", "your weight and height"),
    ):
        parsed = eligibility.parse_criteria(criteria)
        reason = eligibility.evaluate(parsed, facts=facts).get(parsed.top_level()[0].id).reason
        assert f"worked out from {source}" in reason
    # A value the record gives is its own.
    facts["measurements"]["egfr"] = (40, "ml/min")
    parsed = eligibility.parse_criteria("Inclusion Criteria:\n\n* GFR >60 ml/min")
    reason = eligibility.evaluate(parsed, facts=facts).get(parsed.top_level()[0].id).reason
    assert "worked out" not in reason
