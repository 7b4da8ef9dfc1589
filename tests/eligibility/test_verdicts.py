"""Verdicts from answers and from patient facts."""

import datetime as dt

import pytest

import eligibility
from eligibility import constraints
from eligibility.model import Constraint
from eligibility.profile import profile_from_text
from eligibility.questions import group_lead, template_question
from eligibility.verdicts import AnswerError, constraint_holds

SEED_LIKE = """Inclusion Criteria:

* Aged 18 years or older
* Participants with B-precursor ALL with any of the following
* Either refractory to primary induction therapy or refractory to salvage therapy OR
* In untreated first, second, third or greater relapse or refractory relapse
* First Relapse is defined as achievement of first Complete Remission (CR1) then relapse
* Eastern Cooperative Oncology Group (ECOG) Performance Status less than or equal to 2
* Participants with relapse or refractory B Cell ALL Ph+ disease are eligible
* Greater than or equal to 5% blasts in the Bone Marrow

Exclusion Criteria:

* Allogeneic HSCT within 12 weeks before the start of protocol-specified therapy
* Female participant: Expected to breastfeed during treatment and for 96 hours after the last dose
* The above is a summary, other exclusion criteria details may apply"""

ALL_GOOD = {
    "inc-1": "yes",
    "inc-2.1": "no",
    "inc-2.2": "yes",
    "inc-3": "yes",
    "inc-4": "no",
    "inc-5": "yes",
    "exc-1": "no",
    "exc-2": "no",
}


CARDIOVASCULAR_WITHIN_12_MONTHS = (
    "Exclusion Criteria:\n\n* Has significant cardiovascular impairment within 12 months of the "
    "first dose of study intervention, such as a history of congestive heart failure greater than "
    "New York Heart Association Class II, unstable angina, myocardial infarction, cerebrovascular "
    "accident (CVA)/stroke, or cardiac arrhythmia associated with hemodynamic instability."
)


AT_MOST_TWO_REGIMENS = (
    "Inclusion Criteria:\n\n* The number of previous chemotherapy regimens does not exceed 2 (a. "
    "replacement of platinum drugs for drug toxicity reasons is counted as a regimen; b. "
    "postoperative adjuvant chemotherapy, from the end of treatment to recurrence > 6 months is "
    "not counted as a previous chemotherapy regimen);"
)


def first_line_verdict(criteria: str, facts: dict) -> str:
    """The verdict on the first line of ``criteria`` for a person with ``facts``."""
    return (
        eligibility.evaluate(eligibility.parse_criteria(criteria), facts=facts).criteria[0].verdict
    )


@pytest.fixture(scope="module")
def parsed():
    return eligibility.parse_criteria(SEED_LIKE)


def test_layout_of_the_fixture(parsed):
    assert [(i.id, i.role, i.parent, i.logic) for i in parsed.items] == [
        ("inc-1", "criterion", None, None),
        ("inc-2", "criterion", None, "any"),
        ("inc-2.1", "criterion", "inc-2", None),
        ("inc-2.2", "criterion", "inc-2", None),
        ("inc-d1", "definition", "inc-2.2", None),
        ("inc-3", "criterion", None, None),
        ("inc-4", "criterion", None, None),
        ("inc-5", "criterion", None, None),
        ("exc-1", "criterion", None, None),
        ("exc-2", "criterion", None, None),
        ("exc-n1", "note", None, None),
    ]


# (answers changed from ALL_GOOD, trial verdict, {criterion id: verdict})
ANSWER_ROWS = [
    (
        {},
        "likely_eligible",
        {"inc-2": "met", "exc-1": "met", "inc-d1": "not_applicable", "exc-n1": "not_applicable"},
    ),
    ({"inc-1": "no"}, "likely_not_eligible", {"inc-1": "not_met"}),
    ({"exc-1": "yes"}, "likely_not_eligible", {"exc-1": "not_met"}),
    ({"exc-1": "not_sure"}, "needs_review", {"exc-1": "unknown"}),
    ({"inc-2.2": "no"}, "likely_not_eligible", {"inc-2": "not_met", "inc-2.2": "not_met"}),
    ({"inc-2.2": "not_sure"}, "needs_review", {"inc-2": "unknown"}),
    ({"inc-2.1": "yes", "inc-2.2": "not_sure"}, "likely_eligible", {"inc-2": "met"}),
    ({"inc-4": "yes"}, "likely_eligible", {"inc-4": "met"}),
    ({"inc-4": "no"}, "likely_eligible", {"inc-4": "not_applicable"}),
]


@pytest.mark.parametrize(("changes", "trial", "expected"), ANSWER_ROWS)
def test_answers(parsed, changes, trial, expected):
    verdict = eligibility.evaluate(parsed, answers={**ALL_GOOD, **changes})
    assert verdict.verdict == trial
    for item_id, outcome in expected.items():
        assert verdict.get(item_id).verdict == outcome, verdict.get(item_id).reason


def test_not_eligible_names_the_failing_criteria(parsed):
    verdict = eligibility.evaluate(parsed, answers={**ALL_GOOD, "inc-1": "no", "exc-1": "yes"})
    assert verdict.explanation.startswith("likely not eligible — because ")
    assert "inc-1 (Aged 18 years or older)" in verdict.explanation
    assert "exc-1 (Allogeneic HSCT" in verdict.explanation
    assert "rules people out" in verdict.get("exc-1").reason


def test_unanswered_needs_the_study_team(parsed):
    verdict = eligibility.evaluate(parsed)
    assert verdict.verdict == "needs_review"
    assert verdict.explanation.startswith("some answers need the study team")
    assert verdict.get("inc-1").reason == "Not answered yet."


@pytest.mark.parametrize(
    ("answers", "unknown", "bad"),
    [
        ({"inc-99": "yes"}, ["inc-99"], {}),
        ({"inc-1": "maybe"}, [], {"inc-1": "maybe"}),
        ({"inc-d1": "yes", "inc-1": True}, ["inc-d1"], {"inc-1": True}),
    ],
)
def test_bad_answers_are_named(parsed, answers, unknown, bad):
    with pytest.raises(AnswerError) as info:
        eligibility.evaluate(parsed, answers=answers)
    assert info.value.unknown_ids == unknown
    assert info.value.bad_values == bad
    for name in unknown + list(bad):
        assert name in str(info.value)


TODAY = dt.date(2026, 11, 24)
GOOD_FACTS = {
    "age": 34,
    "sex": "female",
    "ecog": 1,
    "breastfeeding": False,
    "measurements": {"bone marrow blasts": (20, "%")},
    "events": [{"name": "allogeneic hsct", "date": "2025-01-10"}],
    "start_date": TODAY.isoformat(),
}

# (facts changed from GOOD_FACTS, criterion id, expected verdict)
FACT_ROWS = [
    ({}, "inc-1", "met"),
    ({"age": 17}, "inc-1", "not_met"),
    ({"age": 18}, "inc-1", "met"),
    ({}, "inc-3", "met"),
    ({"ecog": 3}, "inc-3", "not_met"),
    ({"ecog": None, "karnofsky": 80}, "inc-3", "met"),
    ({"ecog": None, "karnofsky": 40}, "inc-3", "not_met"),
    ({"ecog": None}, "inc-3", "unknown"),
    ({}, "inc-5", "met"),
    ({"measurements": {"bone marrow blasts": (3, "%")}}, "inc-5", "not_met"),
    ({}, "exc-1", "met"),
    ({"events": [{"name": "allogeneic hsct", "date": "2026-10-01"}]}, "exc-1", "not_met"),
    ({"events": []}, "exc-1", "unknown"),
    ({"events": [], "events_complete": True}, "exc-1", "met"),
    ({}, "exc-2", "met"),
    ({"breastfeeding": True}, "exc-2", "not_met"),
    ({"sex": "male", "breastfeeding": None}, "exc-2", "met"),
]


@pytest.mark.parametrize(("changes", "item_id", "outcome"), FACT_ROWS)
def test_facts_decide_structured_criteria(parsed, changes, item_id, outcome):
    facts = {**GOOD_FACTS, **changes}
    verdict = eligibility.evaluate(parsed, facts=facts)
    assert verdict.get(item_id).verdict == outcome, verdict.get(item_id).reason


def test_answers_take_precedence_over_facts(parsed):
    verdict = eligibility.evaluate(parsed, answers={"inc-1": "no"}, facts={"age": 40})
    assert verdict.get("inc-1").verdict == "not_met"


def test_unstructured_criteria_stay_unknown_with_facts_alone(parsed):
    verdict = eligibility.evaluate(parsed, facts=GOOD_FACTS)
    assert verdict.get("inc-2").verdict == "unknown"
    assert verdict.verdict == "needs_review"


def _one(text):
    return eligibility.parse_criteria(text).items[0].constraints[0]


@pytest.mark.parametrize(
    ("text", "facts", "holds"),
    [
        ("Hemoglobin ≥ 9 g/dL", {"measurements": {"hemoglobin": (95, "g/l")}}, True),
        (
            "High risk for primary prevention: LDL-C>=120 mg/dL",
            {"measurements": {"ldl cholesterol": (131, "mg/dl")}},
            True,
        ),
        (
            "Serum cholesterol <350 mg/dL and triglycerides < 400 mg/dL",
            {"measurements": {"total cholesterol": (380, "mg/dl")}},
            False,
        ),
        ("Hemoglobin ≥ 9 g/dL", {"measurements": {"hemoglobin": (85, "g/l")}}, False),
        ("Platelet count ≥ 100,000/mm3", {"measurements": {"platelets": (150, "10^9/l")}}, True),
        (
            "ANC ≥ 1.5 x 10^9/L",
            {"measurements": {"absolute neutrophil count": (900, "cells/mm3")}},
            False,
        ),
        (
            "Serum creatinine ≤ 1.5 mg/dL",
            {"measurements": {"serum creatinine": (120, "µmol/l")}},
            True,
        ),
        (
            "Serum creatinine ≤ 1.5 mg/dL",
            {"measurements": {"serum creatinine": (160, "µmol/l")}},
            False,
        ),
        (
            "Serum creatinine ≤ 1.5 mg/dL",
            {"measurements": {"serum creatinine": (1.0, "x uln")}},
            None,
        ),
        ("Hematocrit <30%", {"measurements": {"hematocrit": (28, "%")}}, True),
        ("Hematocrit is < 25", {"measurements": {"hematocrit": (30.7, "%")}}, False),
        (
            "Leucocytes > 3.0 x 109/l",
            {"measurements": {"white blood cells": (17.6, "10^9/l")}},
            True,
        ),
        (
            "Lactate dehydrogenase (LDH) > 500 U/L",
            {"measurements": {"ldh": (250, "iu/l")}},
            False,
        ),
        ("Karnofsky ≥ 70", {"ecog": 1}, True),
        ("Karnofsky ≥ 70", {"ecog": 2}, False),
        ("Lansky play score ≥ 50", {"karnofsky": 60}, True),
        ("Age ≥ 6 months", {"age": 0.25}, False),
        ("Negative pregnancy test", {"pregnant": False}, True),
        ("Female", {"sex": "male"}, False),
        (
            "Chemotherapy within 2 weeks",
            {"events": [{"name": "chemotherapy", "active": True}]},
            True,
        ),
        ("Chemotherapy within 2 weeks", {"events": [], "events_complete": True}, False),
        ("No prior chemotherapy", {"events": [], "events_complete": True}, True),
        ("At least 2 prior lines of therapy", {"lines_of_therapy": 3}, True),
        ("At least 2 prior lines of therapy", {"lines_of_therapy": 1}, False),
        (
            "Chemotherapy within 2 weeks",
            {
                "events": [{"name": "chemotherapy", "date": "2020-01-01"}],
                "start_date": "2026-11-24",
            },
            False,
        ),
    ],
)
def test_units_and_scales_convert(text, facts, holds):
    assert constraint_holds(_one(text), facts) is holds


@pytest.mark.parametrize(
    ("criteria", "facts", "outcome"),
    [
        (
            "Inclusion Criteria:\n\n* Female participants of nonchildbearing potential may be "
            "enrolled in the study. Non-childbearing potential is defined as hysterectomy, "
            "bilateral oophorectomy, bilateral salpingectomy, and post-menopause.",
            {"sex": "male", "age": 64},
            "not_applicable",
        ),
        (
            "Inclusion Criteria:\n\n* Female subjects have a negative urine or serum pregnancy.",
            {"sex": "male", "age": 50},
            "not_applicable",
        ),
        (
            "Exclusion Criteria:\n\n* 3. Even after drug treatment, hypertension is still poorly "
            "controlled (continuous increase in systolic blood pressure ≥150mmHg or diastolic "
            "blood pressure ≥100mmHg);",
            {"events": [{"name": "hypertension", "active": True}]},
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* 7 .Previous history of interstitial lung disease(ILD)、"
            "drug-induced ILD or radiation pneumonitis require steroid treatment, or any evidence "
            "of clinically active ILD diseases.",
            {"events": [{"name": "corticosteroids", "active": True}, {"name": "radiotherapy"}]},
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* Has active autoimmune disease that has required systemic "
            "treatment in the past 2 years (i.e. with the use of disease-modifying agents, "
            "corticosteroids or immunosuppressive drugs).",
            {"events": [{"name": "corticosteroids", "active": True}]},
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* Corticosteroid Drug Use İn The Last Month",
            {"events": [{"name": "corticosteroids", "active": True}]},
            "not_met",
        ),
        (
            "Exclusion Criteria:\n\n* Instability associated with major reconstructive surgery "
            "for primary tumors or metastatic malignant tumors of the cervical spine",
            {"events": [{"name": "surgery", "date": "2010-05-01"}]},
            "unknown",
        ),
        (
            "Inclusion Criteria:\n\n* HIV-1 infection as documented by Screening plasma HIV-1 "
            "RNA >=1000 cubic (c)/mL",
            {"events": [{"name": "infection", "active": True}]},
            "unknown",
        ),
        (
            "Inclusion Criteria:\n\n* Male patients with reproductive potential and female "
            "patients with a possibility of pregnancy must use highly effective contraceptive "
            "methods",
            {"sex": "female", "pregnant": False},
            "unknown",  # it asks women too
        ),
        (
            "Inclusion Criteria:\n\n* Participants with chronic stable medical conditions with "
            "or without specific treatment, such as diabetes mellitus, hypertension, or cardiac "
            "disease, are allowed to participate in this study if considered by the investigator "
            "as medically stable.",
            {"events_absent": ["diabetes", "hypertension"]},
            "unknown",  # cardiac disease, the third example, may hold
        ),
        (
            "Inclusion Criteria:\n\n* Women of child-bearing potential and men must agree to use "
            "adequate contraception (hormonal or barrier method of birth control; abstinence) "
            "prior to study entry and for the duration of study participation. Should a woman "
            "become pregnant or suspect she is pregnant while participating in this study, she "
            "should inform her treating physician immediately.",
            {"sex": "female", "pregnant": False},
            "unknown",
        ),
        (
            "Inclusion Criteria:\n\n* Women of childbearing potential (WOCBP) with non-sterilized "
            "male partners must have a negative serum pregnancy test within 7 days prior to first "
            "dosing and agree to use effective contraception from informed consent signing until "
            "2 months after the last dose.",
            {"sex": "male", "age": 58},
            "not_applicable",
        ),
        (
            "Inclusion Criteria:\n\n* Women should be post-menopaused or willing to accept the use "
            "an effective contraceptive regimen during the treatment period and at least 3 months "
            "after the end of the study treatment. All non-menopaused women should have a negative "
            "pregnancy test within 72 hours prior to registration. Men should accept to use an "
            "effective contraception during treatment period and at least 3 months after the end "
            "of the study treatment",
            {"sex": "male", "age": 58},
            "unknown",  # it asks men too
        ),
        (
            "Exclusion Criteria:\n\n* 1) ≥Level 3 AE related to anti-PD-1/PD-L1; 2) ≥Level 2 "
            "immune-related AEs related to anti-PD-1/PD-L1",
            {"events": [{"name": "immunotherapy", "date": "2024-01-10"}]},
            "unknown",
        ),
        (
            "Inclusion Criteria:\n\n* Willing and able to provide informed consent; if under 18 "
            "years of age, willing and able to provide assent, and has a legal guardian willing "
            "and able to provide consent",
            {"age": 45},
            "unknown",
        ),
        (
            "Inclusion Criteria:\n\n* Patient with Modic I lateralized disc disease seen on an MRI "
            "less than 6 months old.",
            {"age": 52},
            "unknown",
        ),
    ],
)
def test_lines_that_rule_out_only_whom_they_speak_to(criteria, facts, outcome):
    """Each line but one once failed people it does not speak to (a treatment that qualifies a
    condition or caused a harm, a qualifier after the condition, an age that is the scan's or a
    condition's, a line for women asked of a man) or passed over people it does speak to (men
    who must use contraception too); the steroid line still rules out someone taking steroids."""
    assert first_line_verdict(criteria, facts) == outcome


def test_a_definition_of_childbearing_potential_is_not_asked():
    parsed = eligibility.parse_criteria(
        "Inclusion Criteria:\n\n* A woman is considered to be of childbearing potential if she "
        "is postmenarchal, has not reached a postmenopausal state (≥ 12 continuous months of "
        "amenorrhea with no identified cause other than menopause), and has not undergone surgical "
        "sterilization (removal of ovaries and/or uterus)."
    )
    assert parsed.items[0].role == "definition"
    verdict = eligibility.evaluate(parsed, facts={"sex": "female", "age": 40})
    assert verdict.criteria[0].verdict == "not_applicable"


def test_a_list_of_who_may_be_scanned_is_not_a_list_of_exclusions():
    parsed = eligibility.parse_criteria(
        "Exclusion Criteria:\n\n"
        "1. Osteopenia or osteoporosis. To confirm eligibility, at the Clinical Investigator's "
        "discretion, the following subjects may have a DEXA scan performed:\n"
        "   i. Women 65 or older ii. Postmenopausal women < age 65 iii. Subjects with major risk "
        "factors for or diagnosed with osteoporosis or osteopenia"
    )
    lead_in, *listed = parsed.items
    assert lead_in.role == "criterion"
    assert [item.role for item in listed] == ["note"] * 3, "one per subject named"
    verdict = eligibility.evaluate(parsed, facts={"sex": "female", "age": 60})
    assert verdict.get(lead_in.id).verdict == "unknown"


def test_who_counts_as_postmenopausal_is_a_definition_and_a_man_is_not_asked():
    parsed = eligibility.parse_criteria(
        "Inclusion Criteria:\n\n"
        "14. Female patients should be using adequate contraceptive measures, should not be "
        "breastfeeding, until 12 months after the last dose, and must have a negative pregnancy "
        "test (serum or urine) prior to first dose of study drug (within 72 hours); or female "
        "patients must have an evidence of non-childbearing potential by fulfilling one of the "
        "following criteria at screening:\n\n"
        "    * Post-menopausal defined as aged more than 50 years and amenorrheic for at least 12 "
        "months following cessation of all exogenous hormonal treatments.\n"
        "    * Women under 50 years old would be consider postmenopausal if they have been "
        "amenorrheic for 12 months or more following cessation of exogenous hormonal "
        "treatments.\n"
    )
    assert [item.role for item in parsed.items] == ["criterion", "definition", "definition"]
    verdict = eligibility.evaluate(parsed, facts={"sex": "male", "age": 60})
    assert verdict.criteria[0].verdict == "not_applicable"


NSCLC = {"name": "non-small cell lung cancer", "active": True}


@pytest.mark.parametrize(
    ("criteria", "facts", "outcome"),
    [
        # The condition a treatment was for is not a criterion of its own: an untreated
        # NSCLC patient used to fail this line on the diagnosis alone.
        (
            "Exclusion Criteria:\n\n* Prior surgery, radiotherapy or systemic therapy for NSCLC, "
            "including radiofrequency ablation, etc.",
            {"events": [NSCLC]},
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* Prior surgery, radiotherapy or systemic therapy for NSCLC, "
            "including radiofrequency ablation, etc.",
            {"events": [NSCLC, {"name": "radiotherapy", "date": "2025-03-01"}]},
            "not_met",
        ),
        # Radiotherapy for another cancer is not radiotherapy for NSCLC.
        (
            "Exclusion Criteria:\n\n* Radiotherapy or systemic therapy were used for NSCLC "
            "patients before the surgery.",
            {"events": [{"name": "thyroid cancer", "active": True}, {"name": "radiotherapy"}]},
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* Has had previous treatment with poziotinib for treatment "
            "of NSCLC",
            {"events": [NSCLC], "events_complete": True},
            "met",
        ),
        (
            "Exclusion Criteria:\n\n* Has had previous treatment with poziotinib for treatment "
            "of NSCLC",
            {"events": [NSCLC, {"name": "poziotinib", "date": "2025-01-01"}]},
            "not_met",
        ),
        # Being unable or willing to have a treatment is not having had it.
        (
            "Exclusion Criteria:\n\n* Prior systemic anticancer therapy for early-stage NSCLC, "
            "including investigational drugs; Contraindications to radiotherapy or inability to "
            "undergo radiotherapy;",
            {"events": [{"name": "radiotherapy", "date": "2019-01-01"}]},
            "unknown",
        ),
        # The steroids an autoimmune disease is treated with say which cases count.
        (
            "Exclusion Criteria:\n\n* Uncontrollable autoimmune disease receiving chronic "
            "systemic steroid therapy (in dosing exceeding 10 mg daily of prednisone equivalent) "
            "or any other form of immunosuppressive therapy",
            {"events": [{"name": "asthma", "active": True}, {"name": "corticosteroids"}]},
            "unknown",
        ),
        # "or is receiving steroids" is a case of its own.
        (
            "Exclusion Criteria:\n\n* Has a diagnosis of immunodeficiency or is receiving "
            "systemic steroid therapy within 2 years prior to the first dose of study treatment;",
            {"events": [{"name": "corticosteroids", "active": True}]},
            "not_met",
        ),
        # Examples in brackets after "except" are excepted too.
        (
            "Exclusion Criteria:\n\n* Has active autoimmune disease that has required systemic "
            "treatment in the past 2 years except replacement therapy (eg., thyroxine, insulin, "
            "or physiologic corticosteroid).",
            {"events": [{"name": "insulin", "active": True}, {"name": "corticosteroids"}]},
            "unknown",
        ),
        # A kind of infection named before its definition in brackets.
        (
            "Exclusion Criteria:\n\n* Concurrent active Hepatitis B (defined as HBsAg positive "
            "and/or detectable HBV DNA) and Hepatitis C virus (defined as anti-HCV Ab positive "
            "and detectable HCV RNA) infection.",
            {"events": [{"name": "infection", "date": "2026-11-01"}]},
            "unknown",
        ),
        # Drinking now and then is not alcohol dependence.
        (
            "Exclusion Criteria:\n\n* Primary diagnosis of alcohol/substance dependence, learning "
            "disability, or organic brain injury or illness implicated in psychosis",
            {"events": [{"name": "alcohol", "active": True}, {"name": "alcohol use"}]},
            "unknown",
        ),
    ],
)
def test_what_a_treatment_was_for_and_what_a_line_only_mentions(criteria, facts, outcome):
    assert first_line_verdict(criteria, facts) == outcome


def test_the_question_and_the_reason_name_what_the_treatment_was_for():
    parsed = eligibility.parse_criteria("Exclusion Criteria:\n\n* Prior chemotherapy for NSCLC")
    assert parsed.items[0].question == (
        "Have you had chemotherapy for non-small cell lung cancer (NSCLC)?"
    )
    facts = {"events": [NSCLC, {"name": "chemotherapy", "date": "2024-05-01"}]}
    outcome = eligibility.evaluate(parsed, facts=facts).criteria[0]
    assert outcome.verdict == "not_met"
    assert "chemotherapy for non-small cell lung cancer" in outcome.reason


@pytest.mark.parametrize(
    ("criteria", "facts", "outcome"),
    [
        # A kind of the condition, not the condition.
        (
            "Exclusion Criteria:\n\n* Uncontrollable hypertension (systolic blood pressure ≥150 "
            "mmHg or diastolic blood pressure ≥100 mmHg, despite the best medical treatment);",
            {"events": [{"name": "hypertension", "active": True}]},
            "unknown",
        ),
        # Relatives' age is not the person's.
        (
            "Exclusion Criteria:\n\n* Any factors that increase the risk of QTc prolongation or "
            "risk of arrhythmic events such as heart failure, hypokalaemia, congenital long QT "
            "syndrome family history of long QT syndrome, or unexplained sudden death under 40 "
            "years of age in first-degree relatives",
            {"age": 30},
            "unknown",
        ),
        # A bracket that defines the condition by a value: the value decides.
        (
            "Exclusion Criteria:\n\n* Patients with poorly controlled diabetes (HbA1c of 8.0% or "
            "higher)",
            {"measurements": {"hba1c": (6.5, "%")}},
            "met",
        ),
        (
            "Exclusion Criteria:\n\n* Patients with poorly controlled diabetes (HbA1c of 8.0% or "
            "higher)",
            {"measurements": {"hba1c": (9.1, "%")}},
            "not_met",
        ),
        # "or above" bounds the age; it offers no other way in.
        (
            "Inclusion Criteria:\n\n* Age 21 or above at the time of the surgery.",
            {"age": 17},
            "not_met",
        ),
        # An inclusion's sentences all hold: an "or" in the second joins nothing to the first.
        (
            "Inclusion Criteria:\n\n* Age 21 or above at the time of the surgery. Have had "
            "(retrospective cohort) or the decision has been made to have (prospective cohort) the "
            "Synergy Disc implanted Skeletally mature patients for reconstruction of the disc from "
            "C3-C7 following a single or multiple level discectomy for intractable radiculopathy",
            {"age": 14, "events": [{"name": "surgery", "active": False}]},
            "not_met",
        ),
        (
            "Inclusion Criteria:\n\n* The main organs function are normally, the following "
            "criteria are met:(1)Blood routine examination criteria should be met (no blood "
            "transfusion and blood products within 14 days, no correction by G-CSF and other "
            "hematopoietic stimuli): HB≥90 g/L; ANC ≥ 1.5×10^9/L; PLT ≥80×10^9/L;(2)Biochemical "
            "examinations must meet the following criteria: TBIL<1.5×ULN; ALT and AST < 2.5×ULN, "
            "and for patients with liver metastases < 5×ULN; Serum Cr ≤ 1.25×ULN or endogenous "
            "creatinine clearance > 60 ml/min (Cockcroft-Gault formula);",
            {"measurements": {"hemoglobin": (125, "g/l")}},
            "unknown",  # one good value does not meet the other tests
        ),
        # A kind named once for both terms: "head and neck cancer or surgery".
        (
            "Exclusion Criteria:\n\n* History of aspiration pneumonia within the past 12 months. "
            "Unable to swallow saliva without a maneuver. Actively receiving treatment for "
            "swallowing disorders or sialorrhea. Current alcohol/drug abuse. Diagnosed with "
            "neurological disorders other than PD. End stage dementia. History of head and neck "
            "cancer or surgery. Unable to demonstrate competency with the user-friendly sensor "
            "platform technology.",
            {"events": [{"name": "surgery", "date": "2019-04-01"}]},
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* Patient with surgery or previous fracture of spinal stenosis",
            {"events": [{"name": "surgery", "date": "2019-04-01"}]},
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* History of myocardial infarction, unstable angina, cardiac "
            "or other vascular stenting, angioplasty, or surgery within 12 months prior to day 1 "
            "of study treatment;",
            {"events": [{"name": "surgery", "active": True}]},
            "unknown",
        ),
        # An infection given as an example of a kind of disease is of that kind.
        (
            "Exclusion Criteria:\n\n* Active gastrointestinal disease such as Crohn's disease, "
            "ulcerative colitis, history of complete colon resection, acute infection, or any "
            "disease that precludes participation in CBT application.",
            {"events": [{"name": "infection", "active": True}]},
            "unknown",
        ),
        # An "or" in brackets offers no choice between the line's terms.
        (
            "Exclusion Criteria:\n\n* Patient has diabetes mellitus (Type 1 or 2) requiring daily "
            "insulin management.",
            {"events": [{"name": "diabetes", "active": True}]},
            "unknown",
        ),
        (
            "Inclusion Criteria:\n\n* Patients aged 18 years or older at the time of informed "
            "consent, who are pathologically (histologically or cytologically) diagnosed with "
            "thymic carcinoma for primary or metastatic thymic lesions, are included.",
            {"age": 12},
            "not_met",
        ),
        # What a clause of exceptions names rules nobody out.
        (
            "Exclusion Criteria:\n\n* Active autoimmune disease, history of autoimmune disease "
            "(such as interstitial pneumonitis, colitis, hepatitis, hypophysitis, vasculitis, "
            "nephritis, hyperthyroidism, hypothyroidism, including but not limited to these "
            "diseases or syndromes); except Vitiligo or childhood asthma/allergy that has been "
            "cured, patients who do not require any intervention after adulthood, patients with "
            "autoimmune-mediated hypothyroidism treated with a stable dose of thyroid replacement "
            "hormone, patients with hyperthyroidism adequately treated and well-controlled, and "
            "patients with type I Diabetes mellitus treated with a stable dose of Insulin, etc.",
            {"events": [{"name": "diabetes", "active": True}, {"name": "insulin", "active": True}]},
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* There is any active autoimmune disease or a history of "
            "autoimmune disease (such as the following, but not limited to: autoimmune hepatitis, "
            "interstitial pneumonia, enteritis, vasculitis, nephritis; subjects need "
            "bronchodilators for medical treatment Interventional asthma cannot be included); "
            "however, the following patients are allowed to be included in the group: vitiligo, "
            "psoriasis, alopecia, well-controlled type I diabetes that do not require systemic "
            "treatment, and hypothyroidism with normal thyroid function after replacement therapy;",
            {"events": [{"name": "diabetes", "active": True}]},
            "unknown",
        ),
        # A complication is not the condition it is of.
        (
            "Exclusion Criteria:\n\n* Diagnosis of hyperglycemic hyperosmolar non-ketotic coma "
            "(HONK) or diabetic ketoacidosis (DKA) within 6 months of enrollment",
            {"events": [{"name": "diabetes", "active": True}]},
            "unknown",
        ),
        # A class or grade of heart failure, after the name or with a comparator.
        (
            "Exclusion Criteria:\n\n* Patient has a history of congestive heart failure (CHF) "
            "Class III/IV according to the New York Heart Association (NYHA) Functional "
            "Classification or serious cardiac arrhythmias requiring treatment",
            {"events": [{"name": "heart failure", "active": True}]},
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* Unstable angina, myocardial infarction, grade ≥2 congestive "
            "heart failure, or arrhythmia requiring treatment (including QTc≥480ms) occurred "
            "within 6 months of the first administration;",
            {"events": [{"name": "heart failure", "active": True}]},
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* History or presence of clinically relevant cardiovascular "
            "abnormalities such as uncontrolled hypertension, congestive heart failure NYHA "
            "classification of III or IV (see Table 2 below), unstable angina or poorly "
            "controlled arrhythmia as determined by the investigator. Myocardial infarction "
            "within 6 months prior to enrolment.",
            {"events": [{"name": "heart failure", "active": True}]},
            "unknown",
        ),
        # A dose above a threshold is a kind of the drug's use.
        (
            "Exclusion Criteria:\n\n* Subjects who have required systemic treatment with "
            "corticosteroids (>10 mg/day of prednisone or equivalent) or other immunosuppressants "
            "within 14 days before the first dose. Inhalational or topical corticosteroids are "
            "allowed in the absence of active autoimmune diseases;",
            {"events": [{"name": "corticosteroids", "active": True}]},
            "unknown",
        ),
        # A later sentence that lets a group in is an exception, not more exclusions.
        (
            "Exclusion Criteria:\n\n* Presence of brain metastases and/or cancerous meningitis. "
            "Subjects who have been treated for brain metastases may be considered for "
            "participation in this study provided that the disease has been stable for at least "
            "3 months, and treatment with radiation, surgery, or steroids has been discontinued "
            "at least 28 days prior to the first dose of study treatment .",
            {"events": [{"name": "surgery", "date": "2020-05-01"}]},
            "unknown",
        ),
        # A drug given where it acts is a kind of its use.
        (
            "Exclusion Criteria:\n\n* Epidural or facet joint steroid, platelet rich plasma (PRP) "
            "or bone marrow concentrate (BMC) injections, or radio frequency ablation (RFA), "
            "within 6 months prior to baseline.",
            {"events": [{"name": "corticosteroids", "active": True}]},
            "unknown",
        ),
        # A rising dose is a change the note does not tell; taking the drug is not it.
        (
            "Exclusion Criteria:\n\n* Patients who have symptomatic CNS metastases (parenchymal "
            "or leptomeningeal) at screening or asymptomatic disease requiring an increasing dose "
            "of corticosteroids to control symptoms within 7 days prior to randomization.",
            {"events": [{"name": "corticosteroids", "active": True}]},
            "unknown",
        ),
        # How long pain has lasted is not an age.
        (
            "Inclusion Criteria:\n\n* Patients with low back and / or leg pain for at least 3 "
            "months or more",
            {"age": 0.2},
            "unknown",
        ),
        # A change in weight is not a weight.
        (
            "Exclusion Criteria:\n\n* Have a self-reported change in body weight >5 kg (11 "
            "pounds) within 90 days prior to screening.",
            {"measurements": {"body weight": (80, "kg")}},
            "unknown",
        ),
        # Surgery still to come is not a surgery had.
        (
            "Exclusion Criteria:\n\n* Subjects expected to require any form of antitumor "
            "treatment during the study, including maintenance therapy with other drugs, "
            "chemotherapy, and/or surgical resection.",
            {"events": [{"name": "surgery", "date": "2015-01-01"}]},
            "unknown",
        ),
        # "undergoing radiation therapy" is now, not radiotherapy years ago.
        (
            "Exclusion Criteria:\n\n* Congenital or acquired coagulopathy or thrombocytopenia; "
            "or currently taking anticoagulant, antineoplastic, antiplatelet, or "
            "thrombocytopenia-inducing medications; or undergoing radiation therapy;",
            {"events": [{"name": "radiotherapy", "active": False, "date": "2019-01-01"}]},
            "unknown",
        ),
        # Adverse reactions to steroids are not steroids.
        (
            "Exclusion Criteria:\n\n* History of adverse statements against local anesthesia or "
            "steroids being pregnant or breastfeeding",
            {"sex": "male", "events": [{"name": "corticosteroids", "active": True}]},
            "unknown",
        ),
        # The examples of what must be absent.
        (
            "Inclusion Criteria:\n\n* No evidence of contraindications to the procedure such as "
            "pregnancy, active infection, bleeding disorder, or metastatic cancer.",
            {"sex": "female", "pregnant": False},
            "unknown",
        ),
        (
            "Inclusion Criteria:\n\n* No evidence of contraindications to the procedure such as "
            "pregnancy, active infection, bleeding disorder, or metastatic cancer.",
            {"sex": "female", "pregnant": True},
            "not_met",
        ),
        # The other case, which the engine does not read, may hold.
        (
            "Inclusion Criteria:\n\n* Women who are pregnant or who have not given birth from "
            "more than 6 hours",
            {"sex": "female", "pregnant": False},
            "unknown",
        ),
        (
            "Inclusion Criteria:\n\n* Subjects who are Japanese male or female aged 65 years or "
            "older at the time of obtaining informed consent",
            {"age": 40},
            "not_met",
        ),
        # A harm that needed steroids stands for the condition they were for.
        (
            "Exclusion Criteria:\n\n* Has received prior radiotherapy within 2 weeks of start of "
            "study intervention or radiation-related toxicities requiring corticosteroids. Note: "
            "Two weeks or fewer of palliative radiotherapy for non-CNS disease, with a 1-week "
            "washout, is permitted.",
            {"events": [{"name": "corticosteroids", "active": True}]},
            "unknown",
        ),
        # What "but ..." says does not count.
        (
            "Exclusion Criteria:\n\n* 1) ≥Level 3 AE related to anti-PD-1/PD-L1; 2) ≥Level 2 "
            "immune-related AEs related to anti-PD-1/PD-L1, but AEs that have been relieved or "
            "well-controlled after suspension of anti-PD-1/PD-L1 or steroid therapy are not "
            "excluded.",
            {"events": [{"name": "corticosteroids", "active": True}]},
            "unknown",
        ),
        # The treatment of a lesion, not of the person.
        (
            "Inclusion Criteria:\n\n* At least one tumor lesion has not been subjected to local "
            "treatment such as irradiation in the past, and can be accurately measured, the "
            "longest diameter is ≥10 mm.",
            {"events": [{"name": "radiotherapy", "date": "2020-01-01"}]},
            "unknown",
        ),
        # What a line permits is not what it rules out.
        (
            "Exclusion Criteria:\n\n* Patient is concurrently receiving chemotherapy, biologics, "
            "immunotherapy for cancer treatment; systemic anti-cancer treatment or "
            "investigational treatment should not be used within 2 weeks prior to Cycle 1, Day "
            "1; local radiation therapy for bone pain may be allowed",
            {"events": [{"name": "radiotherapy", "date": "2020-01-01"}]},
            "unknown",
        ),
        # Examples after "for NSCLC including ..." are treatments for NSCLC too.
        (
            "Exclusion Criteria:\n\n* Prior treatment with any systemic anti-cancer therapy for "
            "locally advanced/metastatic NSCLC including chemotherapy, biologic therapy, "
            "immunotherapy, or investigational agents",
            {"events": [{"name": "anaplastic astrocytoma"}, {"name": "chemotherapy"}]},
            "unknown",
        ),
        (
            "Inclusion Criteria:\n\n* No prior systemic chemotherapy for lung cancer",
            {"events": [{"name": "anaplastic astrocytoma"}, {"name": "chemotherapy"}]},
            "unknown",
        ),
        # A treatment for something the vocabulary does not name is one kind of it.
        (
            "Exclusion Criteria:\n\n* Any prior or concomitant ocular or systemic treatment (with "
            "an investigational or approved, anti-VEGF or other agent) or surgery for RVO in the "
            "study eye",
            {"events": [{"name": "surgery", "date": "2019-01-01"}]},
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* Surgeries indicated for trauma, tumor, or infection",
            {"events": [{"name": "surgery", "date": "2019-01-01"}]},
            "unknown",
        ),
        # Where the treatment was done, and what a treatment caused.
        (
            "Inclusion Criteria:\n\n* No prior surgical procedures at the operative level and "
            "non-prior fusions at any cervical level;",
            {"events": [{"name": "surgery", "date": "2019-01-01"}]},
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* Has immunosuppressive disease or suppressed immune systems "
            "resulting from radiation therapy, chemotherapy, steroid therapy, or other treatments",
            {"events": [{"name": "corticosteroids", "active": True}]},
            "unknown",
        ),
        # Symptoms on stopping alcohol are not the condition itself.
        (
            "Exclusion Criteria:\n\n* Symptoms of severe drug/alcohol history: History of "
            "delirium tremens; Experiencing hypertension, drenching sweats, seizures or confusion "
            "after stopping alcohol or drugs; Liver trouble (cirrhosis or hepatitis); Convulsions "
            "or GI bleeding due to drug/alcohol use",
            {"events": [{"name": "hypertension", "active": True}]},
            "unknown",
        ),
        # Whether a treatment is indicated is not whether it was had.
        (
            "Inclusion Criteria:\n\n* Primary Head or Neck Squamous Cell Carcinoma with no "
            "indicated of radical radiation therapy for the target lesions.",
            {"events": [{"name": "radiotherapy", "date": "2019-01-01"}]},
            "unknown",
        ),
        # Radiotherapy to one site is one kind of radiotherapy.
        (
            "Exclusion Criteria:\n\n* Prior whole brain radiotherapy (WBRT); Received >30% bone "
            "marrow or extensive radiation within 28 days before the first dose of study drug",
            {"events": [{"name": "radiotherapy", "date": "2019-01-01"}]},
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* Subjects with hypertension that cannot be well controlled "
            "by antihypertensive medication (systolic blood pressure ≥150 mmHg or diastolic blood "
            "pressure ≥100 mmHg)",
            {"events": [{"name": "hypertension", "active": True}]},
            "unknown",
        ),
        # What may go on, an aside and whether a treatment would help are not criteria.
        (
            "Exclusion Criteria:\n\n* Anti-cancer therapy including chemotherapy, radiotherapy, "
            "endocrine therapy, immunotherapy or use of other investigational agents within the 3 "
            "weeks prior to start of therapy. Patients may continue the use of LHRH agonists for "
            "cancer; bisphosphonates for bone disease and corticosteroids.",
            {"events": [{"name": "corticosteroids", "active": True}]},
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* Patients with uncontrolled brain metastasis. Note: Patients "
            "with brain metastases must have stable neurologic status following local therapy "
            "(surgery or radiation) for at least 2 weeks, and must be without neurologic "
            "dysfunction that would confound the evaluation of neurologic and other adverse "
            "events.",
            {"events": [{"name": "surgery", "date": "2019-01-01"}]},
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* Treatable with topical treatments (radiotherapy or surgery)",
            {"events": [{"name": "surgery", "date": "2019-01-01"}]},
            "unknown",
        ),
        # A window before a list in brackets covers the whole list.
        (
            "Exclusion Criteria:\n\n* Serious concurrent conditions during the previous 6 months "
            "(severe or unstable angina pectoris, coronary or peripheral artery bypass graft of "
            "<6 months, class 3 or 4 congestive heart failure, ischemic stroke, grade ≥2 "
            "peripheral neuropathy, psychiatric or neurological disorders that may interfere with "
            "the patient's understanding of the study or with his/her informed consent.",
            {"start_date": "2026-12-01", "events": [{"name": "stroke", "date": "2019-05-01"}]},
            "unknown",
        ),
        # An exclusion that ends with what it allows still rules people out.
        (
            "Exclusion Criteria:\n\n* Patient is concurrently receiving chemotherapy, biologics, "
            "immunotherapy for cancer treatment; systemic anti-cancer treatment or "
            "investigational treatment should not be used within 2 weeks prior to Cycle 1, Day "
            "1; local radiation therapy for bone pain may be allowed",
            {"events": [{"name": "chemotherapy", "active": True}]},
            "not_met",
        ),
        # What a group of patients must meet to be allowed binds that group alone.
        (
            "Inclusion Criteria:\n\n* Patients with brain metastases are allowed provided they "
            "are stable (i.e. without evidence of progression by imaging for at least two weeks "
            "prior to the first dose of trial treatment and without deterioration of any "
            "neurologic symptoms), and have not received steroids for at least 7 days before "
            "randomization; Baseline tumor assessment scans are done within 21 days before "
            "randomization;",
            {"events": [{"name": "corticosteroids", "active": True}]},
            "not_applicable",
        ),
        # What a line allows, and the treatments a change of treatment names, are not had.
        (
            "Exclusion Criteria:\n\n* Abnormal blood coagulation function (INR>2.0, PT>16s), "
            "have bleeding tendency or are receiving thrombolysis or anticoagulation therapy, and "
            "allow preventive use of low-dose aspirin and low molecular heparin;",
            {"events": [{"name": "antiplatelet agents", "active": True}]},
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* Abnormal blood coagulation function (INR>2.0, PT>16s), "
            "have bleeding tendency or are receiving thrombolysis or anticoagulation therapy, and "
            "allow preventive use of low-dose aspirin and low molecular heparin;",
            {"events": [{"name": "anticoagulants", "active": True}]},
            "not_met",
        ),
        (
            "Exclusion Criteria:\n\n* Planned or expected intervention (e.g., treatment or "
            "procedure) or change in treatment (e.g. start of chemotherapy) that may significantly "
            "affect study parameters (i.e. safety/adverse events [AEs] [e.g. confounding AEs or "
            "safety events due to surgery or chemotherapy], PK parameters) or would prevent the "
            "participant from performing study procedures, from the administration of "
            "gadoquatrane up to the 24 h ± 4 h follow-up.",
            {"events": [{"name": "chemotherapy", "active": True}]},
            "unknown",
        ),
        # An infection at one place is one kind of infection.
        (
            "Exclusion Criteria:\n\n* Tumor, fracture or infection in lumbar regions",
            {"events": [{"name": "infection", "active": True}]},
            "unknown",
        ),
        # A window before the list a clause goes on to give covers the whole list.
        (
            CARDIOVASCULAR_WITHIN_12_MONTHS,
            {
                "start_date": "2026-12-01",
                "events": [{"name": "myocardial infarction", "date": "2019-05-01"}],
            },
            "unknown",
        ),
        (
            CARDIOVASCULAR_WITHIN_12_MONTHS,
            {
                "start_date": "2026-12-01",
                "events": [{"name": "myocardial infarction", "date": "2026-10-01"}],
            },
            "not_met",
        ),
        (
            "Exclusion Criteria:\n\n* Patients with any of the following criteria within 3 months "
            "before obtaining informed consent: myocardial infarction, severe or unstable angina "
            "pectoris, coronary angioplasty, coronary artery bypass surgery, stroke, transient "
            "ischemic attack, symptomatic carotid artery stenosis, symptomatic peripheral arterial "
            "disease, abdominal aortic aneurysm, uncontrolled severe arrhythmia and decompensated "
            "heart failure",
            {"start_date": "2026-12-01", "events": [{"name": "stroke", "date": "2019-05-01"}]},
            "unknown",
        ),
        # The harm a treatment left is not the treatment.
        (
            "Exclusion Criteria:\n\n* Persistence of clinically relevant treatment-related "
            "toxicities from previous chemotherapy or radiotherapy.",
            {"events": [{"name": "chemotherapy", "date": "2019-01-01"}]},
            "unknown",
        ),
        # A count of regimens is not a demand for none.
        (
            AT_MOST_TWO_REGIMENS,
            {"events": [{"name": "chemotherapy", "date": "2019-01-01"}]},
            "unknown",
        ),
        (
            AT_MOST_TWO_REGIMENS,
            {"lines_of_therapy": 3},
            "not_met",
        ),
        # The way a drug is given says which use counts; "non-topical" is not topical.
        (
            "Exclusion Criteria:\n\n* Previous use topical steroids within 4 weeks (28 days) from "
            "the screening visit, or intraocular or periocular steroids within 16 weeks (112 days) "
            "from the screening visit, or steroid implants at any time.",
            {"start_date": "2026-12-01", "events": [{"name": "corticosteroids", "active": True}]},
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* Recent (within the last 6 months)/current use of non-topical "
            "steroids",
            {"start_date": "2026-12-01", "events": [{"name": "corticosteroids", "active": True}]},
            "not_met",
        ),
        # What a line says does not count ("is not considered as a systemic treatment").
        (
            "Exclusion Criteria:\n\n* Patients with active autoimmune diseases that require "
            "systemic treatment in the past two years (such as the use of disease improvement "
            "drugs, corticosteroids, immunosuppressants) (excluding irAE caused by the use of "
            "PD-1/L1 inhibitors). Replacement therapy (such as thyroid hormone, insulin, or "
            "physiological corticosteroid replacement therapy for adrenal or pituitary "
            "insufficiency) is not considered as a systemic treatment.",
            {"events": [{"name": "insulin", "active": True}]},
            "unknown",
        ),
        # "NYHA grade 3" says which heart failure counts, as "class III" does.
        (
            "Exclusion Criteria:\n\n* Current clinically relevant cardiovascular disease or "
            "medical history, such as refractory hypertension, NYHA grade 3 congestive heart "
            "failure, unstable angina or poorly controlled arrhythmias. Myocardial infarction "
            "occurred 6 months before randomization.",
            {"events": [{"name": "heart failure", "active": True}]},
            "unknown",
        ),
        # How long a drug has been taken is a kind of its use that a note seldom gives ...
        (
            "Exclusion Criteria:\n\n* Currently undergoing immunosuppressive therapy or long-term "
            "steroid use.",
            {"events": [{"name": "corticosteroids", "active": True}]},
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* Has a diagnosis of immunodeficiency or is receiving chronic "
            "systemic steroid therapy (in dosing exceeding 10 mg daily of prednisone equivalent) "
            "or any other form of immunosuppressive therapy within 7 days prior to the first "
            "dose of study drug.",
            {"events": [{"name": "corticosteroids", "active": True}]},
            "unknown",
        ),
        # A class of heart failure named by a comparator, or a state of it before a side.
        (
            "Exclusion Criteria:\n\n* Has significant cardiovascular impairment within 12 months "
            "of the first dose of study intervention, such as a history of congestive heart "
            "failure greater than New York Heart Association Class II, unstable angina, "
            "myocardial infarction, cerebrovascular accident (CVA)/stroke, or cardiac arrhythmia "
            "associated with hemodynamic instability.",
            {"events": [{"name": "heart failure", "active": True}]},
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* Patients with chronic diseases such as Crohn's disease, "
            "severe renal failure (serum creatinine 2.5 mg/dL or subject on hemodialysis), severe "
            "hepatic insufficiency: known cirrhosis, any degree of ascites, serum transaminases "
            "more than 3 times the upper limit of normal, life expectancy of less than one year, "
            "uncompensated or uncontrolled right sided heart failure with associated edema",
            {"events": [{"name": "heart failure", "active": True}]},
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* Suffer from uncontrolled cardiac clinical symptoms or "
            "diseases, such as (1) NYHA II and above heart failure; (2) Unstable angina; (3) "
            "Myocardial infarction within 1 year; (4) Clinical significance Patients with "
            "supraventricular or ventricular arrhythmia requiring clinical intervention;",
            {"events": [{"name": "heart failure", "active": True}]},
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* 6. According to NYHA standard, grade Ⅲ ~ Ⅳ heart failure, "
            "or cardiac color Doppler ultrasound examination showed left ventricular ejection "
            "fraction (LVEF) <50%.",
            {"events": [{"name": "heart failure", "active": True}]},
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* Clinically significant (i.e., active) cardiovascular "
            "disease, including but not limited to cerebral vascular accident (CVA) or (transient "
            "ischemic attack) TIA (≤6 months before randomization), myocardial infarction (≤6 "
            "months before randomization), unstable angina, congestive heart failure New York "
            "Heart Association Class≥II, or serious cardiac arrhythmia requiring medication "
            "during the study and that might interfere with regularity of the study treatment or "
            "not controlled by medication.",
            {"events": [{"name": "heart failure", "active": True}]},
            "unknown",
        ),
        # How long a drug was taken, which a note seldom says.
        (
            "Exclusion Criteria:\n\n* Subject is immunologically suppressed, received steroids "
            ">1 month over the past year.",
            {"events": [{"name": "corticosteroids", "active": True}]},
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* Patients have a history of immune deficiency, with HIV "
            "antibody test positive or use systemic corticosteroids or other immunosuppressants "
            "for a long time.",
            {"events": [{"name": "corticosteroids", "active": True}]},
            "unknown",
        ),
        # A dose above a threshold written before the drug.
        (
            "Exclusion Criteria:\n\n* It is necessary to use immunosuppressive agents or "
            "systemic therapy to achieve the purpose of immunosuppression (dose>10mg/day "
            "prednisone or other curative hormones), and continue to use within 2 weeks of the "
            "first administration;",
            {"events": [{"name": "corticosteroids", "active": True}]},
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* rimary malignant brain tumors or unstable brain metastases. "
            "Unstable brain metastases were defined as patients with CNS complications requiring "
            "urgent neurosurgical treatment (e.g., surgery); Patients requiring glucocorticoids, "
            "mannitol, or diuretics with a dose of more than 5mg dexamethasone equivalent for the "
            "control of symptoms of brain metastases within 14 days before the first dose; "
            "Patients who received local radiotherapy or gamma knife treatment or other local CNS "
            "treatment (e.g., intrathecal chemotherapy) within 14 days before the first study "
            "dose; Patients with meningeal metastases were not enrolled.",
            {"events": [{"name": "corticosteroids", "active": True}]},
            "unknown",
        ),
        # "Currently" said once for a list of treatments holds for each of them.
        (
            "Exclusion Criteria:\n\n* The patient is currently being treated with radiation, "
            "chemotherapy, immunosuppression or steroid therapy dose equivalent of more than 5mg "
            "prednisolon",
            {"events": [{"name": "chemotherapy", "active": False, "date": "2019-09-01"}]},
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* Current treatment with chemotherapy, radiation, "
            "immunosuppression or chronic steroid therapy",
            {"events": [{"name": "radiotherapy", "active": False, "date": "2020-01-01"}]},
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* Current treatment with chemotherapy, radiation, "
            "immunosuppression or chronic steroid therapy",
            {"events": [{"name": "radiotherapy", "active": True}]},
            "not_met",
        ),
        # ... while any use still counts where the line asks for any.
        (
            "Exclusion Criteria:\n\n* Use of corticosteroids.",
            {"events": [{"name": "corticosteroids", "active": True}]},
            "not_met",
        ),
    ],
)
def test_lines_read_for_what_they_say_of_the_person(criteria, facts, outcome):
    assert first_line_verdict(criteria, facts) == outcome


_HIV = {"events": [{"name": "hiv", "active": True}, {"name": "hepatitis c", "active": True}]}
_NO_HIV = {"events_absent": ["hiv", "hepatitis c", "hepatitis b"]}


@pytest.mark.parametrize(
    ("line", "facts", "outcome"),
    [
        ("HIV negative", _NO_HIV, "met"),
        ("HIV negative", _HIV, "not_met"),
        ("HCV antibody negative", _HIV, "not_met"),
        ("Hepatitis B (HBV) negative", _NO_HIV, "met"),
        ("HIV positive", _HIV, "met"),
        # The result said once after a list is said of each.
        ("HBV, HCV and HIV negative", _NO_HIV, "met"),
        ("HBV, HCV and HIV negative", _HIV, "not_met"),
    ],
)
def test_a_negative_result_after_the_name_says_the_person_does_not_have_it(line, facts, outcome):
    assert first_line_verdict(f"Inclusion Criteria:\n\n* {line}", facts) == outcome


def test_a_negative_said_of_something_else_leaves_the_condition_had():
    found = constraints.extract("patients with HIV who are negative for hepatitis")
    assert [(c.name, c.op) for c in found] == [("hiv", "present")]


_TYPE_2 = [{"name": "diabetes", "active": True}, {"name": "type 2 diabetes", "active": True}]
_TYPE_1 = [{"name": "diabetes", "active": True}, {"name": "type 1 diabetes", "active": True}]
_INSULIN = [{"name": "insulin", "active": True}]


@pytest.mark.parametrize(
    ("line", "facts", "outcome"),
    [
        ("Insulin-dependent diabetes mellitus", {"events": _TYPE_1}, "not_met"),
        ("Insulin-dependent diabetes mellitus", {"events": _TYPE_2 + _INSULIN}, "not_met"),
        ("Insulin-dependent diabetes mellitus", {"events": _TYPE_2}, "unknown"),
        (
            "Insulin-dependent diabetes mellitus",
            {"events": _TYPE_2, "events_complete": True},
            "met",
        ),
        ("Insulin-dependent diabetes mellitus", {"events": _TYPE_2[:1]}, "unknown"),
        ("Insulin dependent diabetes.", {"events": _TYPE_2[:1] + _INSULIN}, "not_met"),
        (
            "Patients with controlled Type 1 diabetes mellitus on a stable insulin regimen",
            {"events": _TYPE_2},
            "met",
        ),
        ("Subject has type 1 diabetes mellitus.", {"events": _TYPE_1}, "not_met"),
        ("Subject has type 1 diabetes mellitus.", {"events": _TYPE_2 + _INSULIN}, "met"),
        ("Subject has type 1 diabetes mellitus.", {"events": _TYPE_2[:1]}, "unknown"),
        # Insulin named after the term.
        ("Diabetes mellitus requiring insulin", {"events": _TYPE_1}, "not_met"),
        ("Diabetes mellitus requiring daily insulin", {"events": _TYPE_1}, "not_met"),
        ("Type-1 diabetes mellitus", {"events": _TYPE_2}, "met"),
        # Not insulin-dependent: type 2.
        ("Non-insulin-dependent diabetes mellitus", {"events": _TYPE_1}, "met"),
        ("Non-insulin-dependent diabetes mellitus", {"events": _TYPE_2}, "not_met"),
        # Diabetes named again may rule out other types: the type alone does not decide.
        (
            "Patients with type 1 diabetes and uncontrolled diabetes [HbA1c(NGSP) >= 10.0 % at "
            "Screening]",
            {"events": _TYPE_2, "measurements": {"hba1c": (11, "%")}},
            "unknown",
        ),
    ],
)
def test_a_line_on_one_type_of_diabetes_is_decided_by_the_type_or_insulin(line, facts, outcome):
    assert first_line_verdict(f"Exclusion Criteria:\n\n* {line}", facts) == outcome


def test_the_question_and_the_reason_name_the_type_of_diabetes():
    parsed = eligibility.parse_criteria("Exclusion Criteria:\n\n* Insulin dependent diabetes")
    assert parsed.items[0].question == "Do you have insulin-dependent diabetes?"
    verdict = eligibility.evaluate(parsed, facts={"events": _TYPE_1})
    assert verdict.criteria[0].reason.startswith(
        "Your details match insulin-dependent diabetes present"
    )


@pytest.mark.parametrize(
    "line",
    ["Diagnosed with T2D", "Patients with type 2 diabetes mellitus", "Diagnosis of Type2 Diabetes"],
)
def test_a_line_on_type_2_diabetes_asks_for_the_type_and_a_type_1_patient_fails_it(line):
    parsed = eligibility.parse_criteria(f"Inclusion Criteria:\n\n* {line}")
    assert parsed.items[0].question == "Do you have type 2 diabetes?"
    verdict = eligibility.evaluate(parsed, facts={"events": _TYPE_1})
    assert verdict.criteria[0].verdict == "not_met"
    assert verdict.criteria[0].reason.startswith("Your details do not match type 2 diabetes")
    untyped = eligibility.evaluate(parsed, facts={"events": _TYPE_1[:1]})
    assert untyped.criteria[0].verdict == "unknown"


def test_an_exception_does_not_decide_the_exclusion_it_belongs_to():
    parsed = eligibility.parse_criteria(
        "Exclusion Criteria:\n\n23. History of active autoimmune disease, including but not "
        "limited to systemic lupus erythematosus, rheumatoid arthritis, or glomerulonephritis.\n\n"
        "    1. Patients with controlled Type 1 diabetes mellitus on a stable insulin regimen may "
        "be eligible.\n"
        "    3. Patients with eczema, psoriasis, lichen simplex chronicus of vitiligo with "
        "dermatologic manifestations only (e.g., patients with psoriatic arthritis would be "
        "excluded) are permitted provided that they meet the following conditions:\n\n"
        "       * Rash must cover less than 10% of body surface area (BSA).\n"
        "       * No acute exacerbations of underlying condition within the last 6 months (not "
        "requiring psoralen plus ultraviolet A radiation \\[PUVA\\], methotrexate, retinoids, "
        "biologic agents, oral calcineurin inhibitors; high potency or oral steroids).\n"
    )
    facts = {"events": [{"name": "corticosteroids", "active": True}]}
    verdict = {c.id: c.verdict for c in eligibility.evaluate(parsed, facts=facts).criteria}
    exception = next(i.id for i in parsed.items if "are permitted" in i.text)
    assert verdict[exception] == "not_applicable"
    assert verdict[parsed.items[0].id] != "not_met"


def test_what_the_surgeon_finds_during_the_operation_is_not_asked():
    parsed = eligibility.parse_criteria(
        "Exclusion Criteria:\n\n* Pregnancy\n* In case the surgeon identifies during surgery "
        "any circumstance that contradicts to the patient's participation in the trial, the "
        "surgeon should exclude the patient from trial participation. Exclusion reasons are:\n"
        "  * Dural entry during surgery;\n"
        "  * Application of products to the exposed neural element, including:\n"
        "    * Steroids\n"
        "* Known allergy to iodine"
    )
    roles = {i.text: i.role for i in parsed.items}
    assert roles["Steroids"] == roles["Dural entry during surgery;"] == "note"
    assert [i.id for i in parsed.items if i.role == "criterion"] == ["exc-1", "exc-2"]
    facts = {"events": [{"name": "corticosteroids", "active": True}]}
    assert eligibility.evaluate(parsed, facts=facts).verdict != "likely_not_eligible"


def test_a_list_under_a_line_for_women_is_not_asked_of_a_man():
    parsed = eligibility.parse_criteria(
        "Inclusion Criteria:\n\n"
        "* Women of child-bearing age should take appropriate contraceptive measures and should "
        "not breastfeed from screening to 3 months after stopping the study and treatment.Before "
        "starting administration, the pregnancy test was negative, or one of the following "
        "criteria was met to prove that there was no risk of pregnancy:\n\n"
        "  1. Postmenopausal women under the age of 50 May also be considered postmenopausal if "
        "their amenorrhea is 12 months or more after the cessation of all exogenous hormone "
        "therapy;\n"
        "  2. Have undergone irreversible sterilization surgery, including hysterectomy, bilateral "
        "ovectomy or bilateral salpingectomy, except for bilateral tubal ligation.\n"
    )
    lead_in, postmenopausal, sterilized = (item.id for item in parsed.items)
    assert parsed.children_of(lead_in)
    man = eligibility.evaluate(parsed, facts={"sex": "male", "age": 60})
    assert [man.get(i).verdict for i in (lead_in, postmenopausal, sterilized)] == [
        "not_applicable"
    ] * 3
    assert man.get(postmenopausal).reason == "This applies to female participants only."
    younger, older = (
        eligibility.evaluate(parsed, facts={"sex": "female", "age": age}) for age in (40, 60)
    )
    assert [younger.get(i).verdict for i in (lead_in, postmenopausal)] == ["unknown"] * 2
    assert older.get(postmenopausal).verdict == "not_met"  # the line is about women under 50


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("Insulin-dependent diabetes mellitus.", "insulin-dependent"),
        ("History of type 1 diabetes", "type 1"),
        (
            "Have Type 1 diabetes, Type 2 diabetes, or any other types of diabetes, history of "
            "ketoacidosis, or hyperosmolar state/coma",
            None,
        ),
        ("Patients with diabetes mellitus", None),
        (
            "Patients with type 1 diabetes and uncontrolled diabetes [HbA1c(NGSP) >= 10.0 % at "
            "Screening]",
            "specific",
        ),
    ],
)
def test_one_type_of_diabetes_is_a_kind_of_it(text, qualifier):
    """Someone known to have diabetes may not have the type 1 a line names, unless the line
    names every type."""
    (diabetes,) = [c for c in constraints.extract(text) if c.name == "diabetes"]
    assert diabetes.qualifier == qualifier


@pytest.mark.parametrize(
    ("text", "qualifiers"),
    [
        (
            "Patients who are already on opioids, benzodiazepines, barbiturates, ethanol (alcohol)",
            ["active", "active"],
        ),
        (
            "Patients have prior exposure to docetaxel, anlotinib, lenvatinib, apatinib, "
            "cabozantinib.",
            ["history"] * 5,
        ),
        # Ever or now: the list is not read as its first term.
        ("History or presence of HIV, hepatitis B, hepatitis C.", ["active", None, None]),
        # A condition after a treatment is not read as the treatment; smoking is now.
        (
            "smoking, previous lumbar spine surgery, Diabetes Melitus (DM) and neuromuscular "
            "disorders.",
            ["active", "history", None],
        ),
    ],
)
def test_a_list_of_terms_is_read_as_its_first_term(text, qualifiers):
    assert [c.qualifier for c in constraints.extract(text)] == qualifiers


CONTRACEPTION_FOR_BOTH_SEXES = (
    "Inclusion Criteria:\n\n"
    "11. Female patients of childbearing potential and male patients with partners of "
    "childbearing potential must agree to use a highly effective form of contraception with "
    "their sexual partners during the dosing period and for a period of at least 4 months after "
    "the end of treatment. Evidence of non-child-bearing potential is fulfilled by one of the "
    "following criteria at screening:\n\n"
    "    * The post-menopausal period defined as age ≥50 years and amenorrheic for at least 12 "
    "months following cessation of all exogenous hormonal treatments\n"
    "    * Women \\<50 years old they have been amenorrheic for 12 months or more following "
    "cessation of exogenous hormonal treatments and with LH and FSH levels in the "
    "post-menopausal range.\n"
    "    * Documentation of irreversible surgical sterilisation by hysterectomy, bilateral "
    "oophorectomy or bilateral salpingectomy but not a tubal ligation\n"
)
FEMALE_PARTICIPANTS = (
    "Inclusion Criteria:\n\n"
    "* Female Participants: A female participant is eligible to participate if she is not "
    "pregnant at Screening and first day of Induction Phase (as confirmed by a negative serum "
    "human chorionic gonadotrophin \\[hCG\\] test), not lactating, and at least one of the "
    "following conditions applies\n\n"
    "  1. Non-reproductive potential defined as:\n\n"
    "     * Pre-menopausal females with one of the following:\n"
    "     * Documented tubal ligation;\n"
    "  2. Reproductive potential and agrees to follow one of the options listed in the Modified "
    "List of Highly Effective Methods for Avoiding Pregnancy\n"
)


def test_a_line_naming_one_sex_under_a_line_for_both_speaks_to_that_sex_only():
    parsed = eligibility.parse_criteria(CONTRACEPTION_FOR_BOTH_SEXES)
    (women,) = [i.id for i in parsed.items if i.text.startswith("Women")]
    parent = parsed.top_level()[0].id
    man = eligibility.evaluate(parsed, facts={"sex": "male", "age": 40})
    assert man.get(women).verdict == "not_applicable"
    assert man.get(women).reason == "This applies to female participants only."
    assert man.get(parent).verdict == "unknown"  # he must still agree to contraception
    woman = eligibility.evaluate(parsed, facts={"sex": "female", "age": 60})
    assert woman.get(women).verdict == "not_met"  # the line is about women under 50


def test_a_list_for_female_participants_is_not_asked_of_a_man():
    parsed = eligibility.parse_criteria(FEMALE_PARTICIPANTS)
    man = eligibility.evaluate(parsed, facts={"sex": "male", "age": 40})
    assert {c.verdict for c in man.criteria} == {"not_applicable"}
    woman = eligibility.evaluate(parsed, facts={"sex": "female", "age": 40})
    assert woman.get(parsed.top_level()[0].id).verdict == "unknown"


DEXA_RISK = (
    "Exclusion Criteria:\n\n* Male over the age of 60 who has sustained a non-traumatic hip or "
    "spine fracture."
)
MRI_AND_DISC = (
    "Inclusion Criteria:\n\n* Patients, 18 to 65 years old, who have undergone or will undergo "
    "MRI as part of the diagnosis of back pain and are diagnosed with one or more herniated "
    "discs in the lumbar spine (aka, disc rupture)."
)


@pytest.mark.parametrize(
    ("criteria", "facts", "outcome"),
    [
        # The "or" offers a choice of fractures, not of the person's age or the fracture.
        (DEXA_RISK, {"sex": "male", "age": 70}, "unknown"),
        (DEXA_RISK, {"sex": "male", "age": 50}, "met"),
        (DEXA_RISK, {"sex": "female", "age": 70}, "met"),
        # "18 to 65 years old, who have undergone or will undergo MRI": the age must hold.
        (MRI_AND_DISC, {"age": 70}, "not_met"),
        (MRI_AND_DISC, {"age": 40}, "unknown"),
    ],
)
def test_the_person_a_line_names_holds_before_the_choice_it_offers(criteria, facts, outcome):
    assert first_line_verdict(criteria, facts) == outcome


@pytest.mark.parametrize(
    ("criteria", "outcome"),
    [
        # "Eligible ... only if" restricts; it does not widen.
        (
            "Inclusion Criteria:\n\n* Participants are eligible to be included in the study only "
            "if all of the following criteria apply:\n\n  * Aged 18 years or older\n",
            "not_met",
        ),
        # A later sentence that lets a group in does not make the requirement before it one.
        (
            "Inclusion Criteria:\n\n* Male/female participants who are at least 18 years of age "
            "on the day of signing informed consent and who have a first confirmed diagnosis of "
            "MIBC with predominant urothelial histology obtained via a diagnostic or maximal TURBT "
            "within 90 days prior to enrollment. Note: Participants with mixed histology are "
            "eligible provided the urothelial component is ≥50%.",
            "not_met",
        ),
    ],
)
def test_a_line_that_restricts_is_not_read_as_one_that_widens(criteria, outcome):
    assert first_line_verdict(criteria, {"age": 14}) == outcome


_START = "2026-01-01"


def _had(name: str, since: str | None, active: bool = True, until: str | None = None) -> dict:
    event: dict = {"name": name, "active": active}
    if since is not None:
        event["since"] = since
    if until is not None or since is not None:
        event["date"] = until or since
    return event


@pytest.mark.parametrize(
    ("kind", "line", "events", "outcome"),
    [
        # How long a condition has lasted counts from its onset, while it goes on.
        (
            "inclusion",
            "Diagnosis of asthma for at least 6 months",
            [_had("asthma", "2025-11-01")],
            "not_met",
        ),
        (
            "inclusion",
            "Diagnosis of asthma for at least 6 months",
            [_had("asthma", None)],
            "unknown",
        ),
        (
            "inclusion",
            "Symptoms of cervical disc herniation for less than 12 months",
            [_had("disc herniation", "2025-10-01")],
            "unknown",  # the line asks for a cervical one
        ),
        (
            "inclusion",
            "Symptoms of cervical disc herniation for less than 12 months",
            [_had("disc herniation", "2023-01-01")],
            "not_met",
        ),
        (
            "inclusion",
            "Be aged between 18-75 years, with type 2 Diabetes Mellitus of duration \\<6years.",
            [_had("diabetes", "2018-03-01")],
            "not_met",
        ),
        (
            "inclusion",
            "Patients aged 18-85 years with symptoms of sciatica lasting more than 6 weeks",
            [_had("radiculopathy", "2025-12-20")],
            "not_met",
        ),
        # A drug or treatment: from its start to now, or to its end once over.
        (
            "inclusion",
            "Is currently prescribed at least one typical and/or atypical antipsychotic "
            "medication, and has been on the same antipsychotic medication(s) for at least 13 "
            "weeks (3 months) prior to randomization (Day 1).",
            [_had("antipsychotic", "2025-12-01")],
            "not_met",
        ),
        (
            "inclusion",
            "Failed conservative treatment for 3 months, including physical therapy, manual "
            "therapy and non-morphine drug therapy;",
            [_had("conservative treatment", "2025-01-01", active=False, until="2025-02-01")],
            "not_met",
        ),
        # Time since the diagnosis, however active the condition is now.
        (
            "inclusion",
            "Clinical diagnosis of systemic lupus erythematosus (SLE) at least 24 weeks prior to "
            "screening",
            [_had("systemic lupus erythematosus", None)],
            "unknown",
        ),
        (
            "inclusion",
            "Clinical diagnosis of systemic lupus erythematosus (SLE) at least 24 weeks prior to "
            "screening",
            [_had("systemic lupus erythematosus", "2025-12-01")],
            "not_met",
        ),
        (
            "inclusion",
            "Onset of stroke within four weeks prior to randomization.",
            [_had("stroke", "2025-10-01")],
            "not_met",
        ),
        (
            "inclusion",
            "Onset of stroke within four weeks prior to randomization.",
            [_had("stroke", "2025-12-15")],
            "met",
        ),
        (
            "exclusion",
            "Patients with a history of malignancies diagnosed within the past 2 years, excluding "
            "well-controlled basal cell carcinoma of the skin",
            [_had("malignancy", "2019-06-01")],
            "met",
        ),
        # A current disorder within a window is about now, not about its diagnosis: the
        # disorder of 2019 still going on may be what the line means.
        (
            "exclusion",
            "Meet DSM-5 diagnosis for a current substance use disorder (other than alcohol or "
            "cannabis) in the past 2 months",
            [_had("substance use disorder", "2019-01-01")],
            "unknown",
        ),
        # Words between the condition and the window time something else.
        (
            "inclusion",
            "Physician diagnosis of asthma on regular prescribed controller therapy for 3 months "
            "prior to enrollment (per EMR or self-report)",
            [_had("asthma", "2019-01-01")],
            "unknown",
        ),
        # Off a drug for a while is not a duration of taking it.
        (
            "exclusion",
            "Active and uncontrolled CNS metastases (indicated by clinical symptoms, cerebral "
            "edema, corticosteroid and/or anticonvulsant requirement, or progressive disease); for "
            "controlled CNS metastases, patient should have been off corticosteroids for at least "
            "14 days",
            [_had("corticosteroids", "2025-01-01")],
            "unknown",
        ),
    ],
)
def test_durations_count_from_when_a_condition_or_drug_began(kind, line, events, outcome):
    heading = "Inclusion Criteria:" if kind == "inclusion" else "Exclusion Criteria:"
    facts = {"start_date": _START, "events": events}
    assert first_line_verdict(f"{heading}\n\n* {line}", facts) == outcome


def test_a_duration_rules_out_someone_who_never_had_the_condition():
    facts = {"start_date": _START, "events_absent": ["asthma"]}
    line = "Inclusion Criteria:\n\n* Diagnosis of asthma for at least 6 months"
    assert first_line_verdict(line, facts) == "not_met"


@pytest.mark.parametrize(
    ("line", "question"),
    [
        (
            "Onset of stroke within four weeks prior to randomization.",
            "Were you diagnosed with a stroke in the last 4 weeks?",
        ),
        (
            "Diagnosed with T2D greater than or equal to 180 days before screening",
            "Were you diagnosed with type 2 diabetes at least 180 days ago?",
        ),
        # Words the template would lose keep the line's own question.
        (
            "Symptoms of cervical disc herniation for less than 12 months",
            "Do you have signs of cervical disc herniation for less than 12 months?",
        ),
    ],
)
def test_questions_ask_how_long_or_how_long_ago(line, question):
    parsed = eligibility.parse_criteria(f"Inclusion Criteria:\n\n* {line}")
    assert parsed.items[0].question == question


def test_the_reason_names_the_duration():
    parsed = eligibility.parse_criteria(
        "Inclusion Criteria:\n\n* Diagnosis of asthma for at least 6 months"
    )
    verdict = eligibility.evaluate(
        parsed, facts={"start_date": _START, "events": [_had("asthma", "2025-11-01")]}
    )
    assert verdict.criteria[0].reason.startswith(
        "Your details do not match duration of asthma >= 6 month"
    )


@pytest.mark.parametrize(
    ("constraint", "question"),
    [
        (
            Constraint("condition", "diabetes", ">=", 1, "year", qualifier="duration"),
            "Have you had diabetes for at least 1 year?",
        ),
        (
            Constraint("drug", "corticosteroids", "<", 3, "month", qualifier="duration"),
            "Have you taken steroid medicine (corticosteroids) for less than 3 months?",
        ),
        (
            Constraint("condition", "stroke", ">", 6, "month", qualifier="diagnosed"),
            "Were you diagnosed with a stroke more than 6 months ago?",
        ),
    ],
)
def test_a_template_question_asks_how_long(constraint, question):
    assert template_question([constraint], " and ") == question


@pytest.mark.parametrize(
    ("event", "holds"),
    [
        (_had("asthma", "2024-01-01"), True),
        (_had("asthma", "2025-11-01"), False),
        (_had("asthma", "2020-01-01", active=False, until="2020-03-01"), False),
        (_had("asthma", "2020-01-01", active=False, until="2021-03-01"), True),
        (_had("asthma", "2020-01-01", active=False), None),  # over, but when is not known
        (_had("asthma", None), None),
    ],
)
def test_a_duration_runs_to_now_or_to_the_end(event, holds):
    at_least_6_months = Constraint("condition", "asthma", ">=", 6, "month", qualifier="duration")
    facts = {"start_date": _START, "events": [event]}
    assert constraint_holds(at_least_6_months, facts) is holds


@pytest.mark.parametrize(
    ("event", "holds"),
    [
        # A lasting condition active now began at a time only its date tells.
        (_had("schizophrenia", None), None),
        (_had("schizophrenia", "2019-05-01"), True),
        (_had("schizophrenia", "2025-11-01"), False),
        # A heart attack active now happened now, not six months ago.
        (_had("myocardial infarction", None), False),
    ],
)
def test_more_than_six_months_ago_counts_a_lasting_condition_from_its_onset(event, holds):
    six_months = Constraint("condition", event["name"], ">=", 6, "month")
    facts = {"start_date": _START, "events": [event]}
    assert constraint_holds(six_months, facts) is holds


_HCV_EXCEPTION = (
    "Exclusion Criteria:\n\n"
    "* Asymptomatic individuals with chronic hepatitis C virus (HCV) infection will not be "
    "excluded, however Investigators must carefully assess if therapy specific for HCV infection "
    "is required; participants who are anticipated to require HCV treatment prior to Week 48 of "
    "the Maintenance Phase must be excluded. HCV treatment on study may be permitted post Week 48, "
    "following consultation with the Medical Monitor. Participants with HCV co-infection will be "
    "allowed entry into Phase 3 studies if:\n\n"
    "  * Liver enzymes meet entry criteria;\n"
    "  * HCV Disease has undergone appropriate work-up, HCV is not advanced, and will not require "
    "treatment prior to the Week 48 visit. Additional information (where available) on "
    "participants with HCV co-infection at screening should include results from any liver "
    "biopsy, fibroscan, ultrasound, or other fibrosis evaluation, history of cirrhosis or other "
    "decompensated liver disease, prior treatment, and timing/plan for HCV treatment.\n"
)


def test_the_terms_of_an_exception_rule_nobody_out():
    parsed = eligibility.parse_criteria(_HCV_EXCEPTION)
    facts = {"events": [{"name": "hepatitis c", "active": True}]}
    verdicts = eligibility.evaluate(parsed, facts=facts).criteria
    assert [v.verdict for v in verdicts] == ["not_applicable"] * 3
    assert verdicts[2].reason == "A term of an exception; it rules nobody out."


_COMORBIDITIES = (
    "Inclusion Criteria:\n\n"
    "* ≥27.0 kg/m² and presence of at least 1 of the following weight-related comorbidities "
    "(treated or untreated) at screening:\n\n"
    "  * Hypertension, dyslipidemia, obstructive sleep apnea, cardiovascular disease (for "
    "example, ischemic cardiovascular disease, New York Heart Association Functional Class I-III "
    "heart failure).\n"
)


@pytest.mark.parametrize(
    ("facts", "outcome"),
    [
        (
            {
                "events": [{"name": "hypertension", "active": True}],
                "events_absent": ["hyperlipidemia"],
            },
            "met",
        ),
        (
            {"events_absent": ["hypertension", "hyperlipidemia", "obstructive sleep apnea"]},
            "unknown",
        ),
    ],
)
def test_a_bare_list_under_at_least_one_of_the_following_is_a_choice(facts, outcome):
    parsed = eligibility.parse_criteria(_COMORBIDITIES)
    assert parsed.items[0].logic == "any"
    assert eligibility.evaluate(parsed, facts=facts).criteria[1].verdict == outcome


_COHORTS = "Inclusion Criteria:\n\n* COPD, smoker\n* COPD, non smoker\n"
_NOT_COHORTS = (
    "Inclusion Criteria:\n\n"
    "* Negative hepatitis B surface antigen (HBsAg) test at screening\n"
    "* Positive hepatitis B surface antibody (HBsAb) test at screening, or negative HBsAb at "
    "screening accompanied by either of the following:\n"
)


def test_a_person_fails_only_the_groups_of_the_study_that_are_not_theirs():
    smoker = {
        "events": [
            {"name": "chronic obstructive pulmonary disease", "active": True},
            {"name": "smoking", "active": True},
        ]
    }
    verdicts = eligibility.evaluate(eligibility.parse_criteria(_COHORTS), facts=smoker).criteria
    assert [v.verdict for v in verdicts] == ["unknown", "not_applicable"]
    assert verdicts[1].reason.endswith("this line describes another group of the study.")
    hepatitis_b = {"events": [{"name": "hepatitis b", "active": True}]}
    parsed = eligibility.parse_criteria(_NOT_COHORTS)
    assert eligibility.evaluate(parsed, facts=hepatitis_b).criteria[0].verdict == "not_met"


@pytest.mark.parametrize(
    ("text", "qualifiers"),
    [
        # Where it is, said after the list the term is in: "of the spine" for all of it.
        (
            "Current fracture, infection, and/or deformity (greater than 15 degrees of lumbar "
            "scoliosis, using Cobb measure technique) of the spine.",
            ["specific", "specific"],
        ),
        ("Infection, local to the operative site", ["specific"]),
        # An item of its own before "or" a site: "active systemic infection" is any.
        ("Overt or active systemic infection, or infection at the operative site.", ["active"]),
    ],
)
def test_a_site_after_a_list_says_where_each_term_is(text, qualifiers):
    assert [c.qualifier for c in constraints.extract(text)] == qualifiers


# NCT05896748: the window of the lead-in times every treatment listed under it.
_WITHIN_28_DAYS = (
    "Exclusion Criteria:\n\n"
    "* Treatment with any of the following agents within 28 days of Screening:\n\n"
    "  * radiation therapy;\n"
    "  * cytotoxic chemotherapeutic agents;\n"
)


@pytest.mark.parametrize(
    ("when", "verdict"),
    [("2025-12-20", "not_met"), ("2019-05-01", "met")],
)
def test_the_window_of_a_lead_in_times_the_treatments_under_it(when, verdict):
    parsed = eligibility.parse_criteria(_WITHIN_28_DAYS)
    facts = {
        "start_date": "2026-01-01",
        "events_complete": True,
        "events": [{"name": "radiotherapy", "active": False, "date": when}],
    }
    assert eligibility.evaluate(parsed, facts=facts).get("exc-1").verdict == verdict
    assert parsed.get("exc-1.1").question.endswith("in the last 28 days?")


# NCT05869903: one of the comorbidities a participant may bring.
COMORBIDITIES = (
    "Inclusion Criteria:\n\n* ≥27.0 kg/m² and presence of at least 1 of the following "
    "weight-related comorbidities (treated or untreated) at screening:\n\n"
    "  * Hypertension, dyslipidemia, obstructive sleep apnea, cardiovascular disease (for "
    "example, ischemic cardiovascular disease, New York Heart Association Functional Class "
    "I-III heart failure)."
)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"nyha": 2, "events": [{"name": "heart failure", "active": True}]}, "met"),
        ({"nyha": 4, "events": [{"name": "heart failure", "active": True}]}, "unknown"),
        ({"events": [{"name": "hypertension", "active": True}]}, "met"),
    ],
)
def test_a_nyha_class_of_heart_failure_is_one_of_the_listed_conditions(facts, expected):
    parsed = eligibility.parse_criteria(COMORBIDITIES)
    assert eligibility.evaluate(parsed, facts=facts).get("inc-1.1").verdict == expected


def test_a_healthy_heart_is_class_one_but_has_no_class_of_heart_failure():
    no_heart_failure = {"events": [], "events_complete": True}
    (bare,) = constraints.extract("NYHA I-II functional status")
    assert constraint_holds(bare, no_heart_failure) is True
    said_of_heart_failure = [
        c
        for c in eligibility.parse_criteria(COMORBIDITIES).get("inc-1.1").constraints
        if c.concept == "nyha"
    ]
    assert [(c.op, c.value) for c in said_of_heart_failure] == [("<=", 3)]
    assert constraint_holds(said_of_heart_failure[0], no_heart_failure) is False
    assert constraint_holds(said_of_heart_failure[0], {"nyha": 2}) is True


def test_b_and_t_cell_all_are_kinds_that_do_not_answer_for_each_other():
    (b_all, chemotherapy) = constraints.extract(
        "Patients with B-precursor ALL in complete hematological remission after at least 3 "
        "intensive chemotherapy blocks"
    )
    assert b_all.name == "b-cell acute lymphoblastic leukemia"
    as_of = dt.date(2026, 1, 1)
    b_cell = profile_from_text("A 34-year-old man with B-ALL in second relapse.", as_of)
    t_cell = profile_from_text("A 20-year-old man with T-ALL in first relapse.", as_of)
    assert constraint_holds(b_all, b_cell.to_facts()) is True
    assert constraint_holds(b_all, t_cell.to_facts()) is None
    any_all = Constraint("condition", "acute lymphoblastic leukemia", "present")
    assert constraint_holds(any_all, t_cell.to_facts()) is True


def test_a_diagnosis_neither_vocabulary_knows_is_shared_by_its_name():
    parsed = eligibility.parse_criteria("Inclusion Criteria:\n\n* Diagnosis of Turner syndrome")
    as_of = dt.date(2026, 1, 1)
    diagnosed = profile_from_text(
        "A 14-year-old girl. Her karyotype study revealed 45X and confirmed the diagnosis of "
        "Turner syndrome.",
        as_of,
    )
    not_yet = profile_from_text("A 14-year-old girl with short stature.", as_of)
    assert eligibility.evaluate(parsed, facts=diagnosed.to_facts()).get("inc-1").verdict == "met"
    assert eligibility.evaluate(parsed, facts=not_yet.to_facts()).get("inc-1").verdict == "unknown"


AGE_OVER_ITS_LINES = """Inclusion Criteria:

* • Age between 22-64 years

  * English-speaking (both reading and writing in English required)
  * Diagnosis of chronic insomnia

Exclusion Criteria:

* Pregnancy"""


@pytest.mark.parametrize(("age", "expected"), [(70, "not_met"), (19, "not_met"), (40, "unknown")])
def test_a_line_over_others_still_asks_its_own_age(age, expected):
    parsed = eligibility.parse_criteria(AGE_OVER_ITS_LINES)
    top = parsed.top_level()[0]
    assert parsed.children_of(top.id), "the line keeps the lines below it"
    verdict = eligibility.evaluate(parsed, facts={"age": age, "sex": "female"}).get(top.id)
    assert verdict.verdict == expected


# NCT05869903: the limit of the second choice is on the line over its comorbidities, with its
# measurement named on the line above that.
BMI_WITH_COMORBIDITIES = (
    "Inclusion Criteria:\n\n* Have a BMI\n\n  * ≥30.0 kilogram/square meter (kg/m²),\n"
    "  * ≥27.0 kg/m² and presence of at least 1 of the following weight-related comorbidities "
    "(treated or untreated) at screening:\n\n    * Hypertension, dyslipidemia, obstructive "
    "sleep apnea, cardiovascular disease (for example, ischemic cardiovascular disease, New York "
    "Heart Association Functional Class I-III heart failure)."
)


def test_a_comorbidity_alone_does_not_meet_a_line_with_a_limit_of_its_own():
    parsed = eligibility.parse_criteria(BMI_WITH_COMORBIDITIES)
    facts = {"sex": "female", "age": 50, "events": [{"name": "hypertension", "active": True}]}
    verdict = eligibility.evaluate(parsed, facts=facts)
    assert verdict.get("inc-1.2.1").verdict == "met"
    assert verdict.get("inc-1.2").verdict == "unknown"


@pytest.mark.parametrize(
    ("criteria", "facts", "item_id"),
    [
        (  # NCT05832827
            "Inclusion Criteria:\n\n7. A female participant is eligible to participate if she "
            "is not pregnant (see Appendix 3), not breastfeeding, and at least one of the "
            "following conditions applies:\n\n   1. Not a woman of childbearing potential (WOCBP) "
            "as defined in Appendix 3 OR\n   2. A WOCBP who agrees to follow the contraceptive "
            "guidance in Appendix 3 during the treatment period and for at least 120 days after "
            "the last dose of study treatment.",
            {"sex": "female", "age": 27, "pregnant": True},
            "inc-1",
        ),
        (  # NCT04691388
            "Inclusion Criteria:\n\n5. The main organ functions meet the following criteria "
            "within 7 days before treatment:\n\n   a) Blood routine examination standard (under "
            "no blood transfusion within 14 days):\n   * Hemoglobin (HB) ≥9g/dL;",
            {"sex": "male", "age": 44, "events": [{"name": "blood transfusion", "active": True}]},
            "inc-1.1",
        ),
    ],
)
def test_a_line_over_a_list_rules_out_by_what_it_says_must_be_absent(criteria, facts, item_id):
    parsed = eligibility.parse_criteria(criteria)
    verdict = eligibility.evaluate(parsed, facts=facts)
    assert verdict.get(item_id).verdict == "not_met"
    assert verdict.verdict == "likely_not_eligible"


def test_a_line_that_only_widens_who_joins_does_not_fail_the_list_it_is_on():
    """NCT02856893: "Patients with brain metastases are allowed provided ..." under
    "Randomization:", whose every line must hold, rules out nobody who is on steroids."""
    parsed = eligibility.parse_criteria(
        "Inclusion:\n\nRandomization:\n\n"
        "* Report of adequacy sample for cfDNA EGFR T790M test by central laboratory;\n"
        "* Patients with brain metastases are allowed provided they are stable, and have not "
        "received steroids for at least 7 days before randomization;\n"
        "* Age ≥18 years;"
    )
    facts = {"age": 22, "sex": "female", "events": [{"name": "corticosteroids", "active": True}]}
    verdict = eligibility.evaluate(parsed, facts=facts)
    assert verdict.get("inc-1.2").verdict == "not_applicable"
    assert verdict.get("inc-1").verdict == "unknown"
    assert verdict.verdict == "needs_review"


@pytest.mark.parametrize(
    ("criteria", "facts", "item_id"),
    [
        (  # NCT04042844
            "Subject Inclusion Criteria:\n\nA subject is eligible for inclusion if all the "
            "following criteria are met:\n\n1. Aged 18 to 60 years\n2. Chronic Lower Back Pain "
            "for at least 6 months",
            {"age": 70, "sex": "male"},
            "inc-1",
        ),
        (  # NCT05879653
            "Inclusion Criteria:\n\n* Participants are eligible to be included in the study only "
            "if all of the following criteria apply:\n\n  1. Has clinically non-metastatic "
            "bladder cancer.\n  2. Female participants: A female participant is eligible to "
            "participate if she is not pregnant, not breastfeeding, and at least one of the "
            "following conditions applies:\n\n     * Is not a WOCBP\n     * Is a WOCBP and "
            "using a contraceptive method that is highly effective",
            {"age": 30, "sex": "female", "pregnant": True},
            "inc-1.2",
        ),
    ],
)
def test_what_any_participant_is_eligible_if_is_a_requirement(criteria, facts, item_id):
    verdict = eligibility.evaluate(eligibility.parse_criteria(criteria), facts=facts)
    assert verdict.get(item_id).verdict == "not_met"
    assert verdict.verdict == "likely_not_eligible"


def test_a_group_that_is_allowed_if_it_meets_terms_still_only_widens_who_joins():
    parsed = eligibility.parse_criteria(
        "Inclusion Criteria:\n\n* Age ≥ 18 years\n* Patients with treated brain metastases are "
        "eligible if follow-up brain imaging shows no progression."
    )
    verdict = eligibility.evaluate(parsed, facts={"age": 50, "events_absent": ["brain metastases"]})
    assert verdict.verdict != "likely_not_eligible"


@pytest.mark.parametrize(
    ("criteria", "facts"),
    [
        (  # NCT06136923: what any participant must meet, said with "will be eligible ... if".
            "Inclusion Criteria:\n\nA participant will be eligible for entry into the study if "
            "all of the following criteria are met:\n\n1. Adult between 22 and 65 years old",
            {"age": 70},
        ),
        (  # NCT04811001: an allowance after a semicolon does not undo the diagnosis before it.
            "Inclusion Criteria:\n\n* Histologically/cytologically confirmed diagnosis of stage "
            "IIIB/IV NSCLC with evidence of activating EGFR mutations including exon 19 deletion, "
            "exon 21 L858R or other activating/sensitizing EGFR mutations such as exon 21 L861Q, "
            "exon 18 G719S, G719A, G719C, exon 20 S768I and V769L; co-occurrence of de novo T790M "
            "is not an exclusion criterion; EGFR status assessed in circulating DNA is allowed;",
            {"age": 50, "events_absent": ["non-small cell lung cancer"]},
        ),
    ],
)
def test_a_requirement_with_an_allowance_still_rules_out(criteria, facts):
    verdict = eligibility.evaluate(eligibility.parse_criteria(criteria), facts=facts)
    assert verdict.criteria[0].verdict == "not_met"
    assert verdict.verdict == "likely_not_eligible"


@pytest.mark.parametrize(
    "line",
    [
        # NCT05963815: eligible for a treatment, not for the study.
        "All patients who are eligible for elective surgery of the lumbar spine.",
        # NCT05821933: the allowance is in brackets.
        "Must have at least one EGFR-sensitive mutation: exon 19 deletion, L858R mutation in exon "
        "21, T790M mutation in exon 20, G719X mutation in exon 18, S768I mutation in exon 20, or "
        "L871Q mutation in exon 21 (inclusion of patients with exon 20 insertion mutation is "
        "allowed).",
        # NCT03634059, with full-width brackets.
        "None previous chemotherapy or targeted therapy.（NOTE: neoadjuvant and adjuvant therapy "
        "is allowed）;",
    ],
)
def test_a_no_to_a_requirement_with_an_allowance_rules_out(line):
    parsed = eligibility.parse_criteria(f"Inclusion Criteria:\n\n* {line}")
    verdict = eligibility.evaluate(parsed, answers={"inc-1": "no"})
    assert verdict.criteria[0].verdict == "not_met"
    assert verdict.verdict == "likely_not_eligible"


def test_a_relapse_of_another_disease_does_not_meet_a_choice_of_states_of_this_one():
    """NCT06097962: "... or relapsed or metastatic non-small cell lung cancer" is not met by a
    myeloma that came back; a relapsed lung cancer still meets it."""
    criteria = (
        "Inclusion Criteria:\n\n* Epidermal growth factor receptor (EGFR) gene mutation negative, "
        "ROS oncogene 1 (ROS1) negative, and anaplastic lymphoma kinase (ALK) negative, stage III "
        "or IV non-small cell lung cancer that cannot be operated on or treated with radiotherapy, "
        "locally advanced or relapsed or metastatic non-small cell lung cancer;"
    )
    parsed = eligibility.parse_criteria(criteria)
    myeloma = {"age": 64, "events": [{"name": "relapse", "active": True}]}
    assert eligibility.evaluate(parsed, facts=myeloma).criteria[0].verdict == "unknown"
    lung = {
        "age": 64,
        "events": [
            {"name": "relapse", "active": True},
            {"name": "non-small cell lung cancer", "active": True},
        ],
    }
    assert eligibility.evaluate(parsed, facts=lung).criteria[0].verdict == "met"


@pytest.mark.parametrize(
    ("line", "absent"),
    [
        (  # NCT05989841
            "Inability to provide informed consent (e.g., serious injury preventing the ability to "
            "hear, speak, or see to consent and participate, or other causes (e.g., diagnosed "
            "cognitive deficits, diagnosed dementia, intoxication, inability to speak English or "
            "Spanish)).",
            "dementia",
        ),
        (  # NCT02562040
            "Other severe chronic health problems such as diabetes, narcolepsy, and poorly "
            "controlled asthma.",
            "diabetes",
        ),
        ("metabolic disease such as diabetes mellitus", "diabetes"),  # NCT05375201
    ],
)
def test_an_exclusion_read_only_through_its_examples_is_not_cleared_by_their_absence(line, absent):
    parsed = eligibility.parse_criteria(f"Exclusion Criteria:\n\n* {line}")
    facts = {"age": 40, "events_absent": [absent, "asthma", "narcolepsy"]}
    assert eligibility.evaluate(parsed, facts=facts).criteria[0].verdict == "unknown"


def test_an_exclusion_whose_own_term_is_read_is_cleared_with_its_examples():
    """NCT04042844: "Known autoimmune disease (e.g., systemic lupus erythematosus)"."""
    parsed = eligibility.parse_criteria(
        "Exclusion Criteria:\n\n* Known autoimmune disease (e.g., systemic lupus erythematosus)"
    )
    facts = {"age": 40, "events_absent": ["autoimmune disease", "systemic lupus erythematosus"]}
    assert eligibility.evaluate(parsed, facts=facts).criteria[0].verdict == "met"


@pytest.mark.parametrize(
    ("line", "facts", "verdict"),
    [
        (  # NCT02315053
            "Diabetes mellitus requiring medication",
            {"events": [{"name": "diabetes", "active": True}, {"name": "insulin", "active": True}]},
            "not_met",
        ),
        (
            "Diabetes mellitus requiring medication",
            {"events": [{"name": "diabetes", "active": True}, {"name": "empagliflozin"}]},
            "not_met",
        ),
        (  # NCT02562040: a medicine for another condition says nothing of this one.
            "Epilepsy requiring medication",
            {"events": [{"name": "seizures", "active": True}, {"name": "metformin"}]},
            "unknown",
        ),
        (  # A medicine stopped does not treat the condition now.
            "Epilepsy requiring medication",
            {
                "events": [
                    {"name": "seizures", "active": True},
                    {"name": "phenytoin", "active": False},
                ]
            },
            "unknown",
        ),
        (
            "Epilepsy requiring medication",
            {
                "events": [
                    {"name": "seizures", "active": True},
                    {"name": "phenytoin", "active": True},
                ]
            },
            "not_met",
        ),
    ],
)
def test_a_condition_requiring_medication_holds_for_a_medicine_that_treats_it(line, facts, verdict):
    parsed = eligibility.parse_criteria(f"Exclusion Criteria:\n\n* {line}")
    assert eligibility.evaluate(parsed, facts={"age": 50, **facts}).criteria[0].verdict == verdict


def test_an_inclusion_for_a_condition_requiring_a_medicine_is_met_by_taking_it():
    """NCT01862510, a SIGIR trial: the diagnosis is named after "the"."""
    parsed = eligibility.parse_criteria(
        "Inclusion Criteria:\n\n* Patients with the diagnosis of hypothyroidism that require "
        "thyroid replacement therapy."
    )
    treated = [{"name": "hypothyroidism", "active": True}, {"name": "levothyroxine"}]
    assert eligibility.evaluate(parsed, facts={"events": treated}).criteria[0].verdict == "met"
    untreated = [{"name": "hypothyroidism", "active": True}]
    assert (
        eligibility.evaluate(parsed, facts={"events": untreated}).criteria[0].verdict == "unknown"
    )


# A list flattened beside its lead-in (NCT00540072, NCT00997100, NCT01139632): where it ends is
# not marked, so a line that may be one of its choices does not rule anyone out on its own.
PNEUMONIA_SIGNS = """Inclusion Criteria:

Have a new pulmonary infiltrate on chest radiograph.

Exhibit at least two of the following clinical symptoms of pneumonia on history or physical:

Cough

Production of purulent sputum or change in character of sputum

Dyspnea or tachypnea

Pneumonia which requires hospitalization and intravenous therapy for at least 5 days."""

SLE_THEN_LABS = """Inclusion Criteria:

Present with active SLE disease with at least one of the following symptoms:

Arthritis - > 2 joints with pain and signs of inflammation (i.e. tenderness, swelling, or effusion)

Laboratory values as follows

Hemoglobin ≥ 100 g/L"""

DEFINED_RISK = """Inclusion Criteria:

Intermediate Risk patients for having significant CAD is defined as:

chest pain or dyspnea in the presence of negative stress tests;

the absence of chest pain but positive stress tests;

Male and female 18years or older."""

# NCT06094296: lines that go on the lead-in's sentence but can all hold are all required.
MUST_HAVE = """Inclusion Criteria:

Participants in all parts of the study must have:

measurable disease per Response Evaluation Criteria in Solid Tumors version 1.1. (RECIST v1.1)

an Eastern Cooperative Oncology Group (ECOG) Performance Status of 0 or 1

a life expectancy of at least 3 months at the time of first dose"""


def _line(text: str, start: str, facts: dict):
    parsed = eligibility.parse_criteria(text)
    item = next(i for i in parsed.items if i.text.startswith(start))
    return item, eligibility.evaluate(parsed, facts=facts).get(item.id)


@pytest.mark.parametrize(
    ("text", "line", "facts", "verdict"),
    [
        (PNEUMONIA_SIGNS, "Cough", {"events_absent": ["cough"]}, "unknown"),
        (PNEUMONIA_SIGNS, "Cough", {"events": [{"name": "cough", "active": True}]}, "met"),
        (DEFINED_RISK, "the absence of", {"events": [{"name": "chest pain"}]}, "unknown"),
        # A line that opens a criterion of its own, or follows a new lead-in, still decides.
        (DEFINED_RISK, "Male and female", {"age": 16}, "not_met"),
        (SLE_THEN_LABS, "Hemoglobin", {"measurements": {"hemoglobin": [90, "g/L"]}}, "not_met"),
        (MUST_HAVE, "an Eastern", {"ecog": 2}, "not_met"),
    ],
)
def test_a_line_that_may_be_a_choice_of_a_flattened_list_rules_nobody_out(
    text, line, facts, verdict
):
    item, outcome = _line(text, line, facts)
    assert outcome.verdict == verdict, outcome.reason
    if verdict == "unknown":
        assert item.option_of is not None
        assert "one of the choices listed under" in outcome.reason


PNEUMONIA_SIGNS = (
    "Inclusion Criteria:\n\n"
    "* Community-acquired pneumonia with at least two of the following clinical signs:\n"
    "    * Fever\n"
    "    * Cough\n"
    "    * Dyspnea\n"
)


@pytest.mark.parametrize(
    ("facts", "outcome", "reason"),
    [
        (
            {"events": [{"name": "cough", "active": True}, {"name": "dyspnea", "active": True}]},
            "met",
            "At least 2 listed items apply (inc-1.2, inc-1.3).",
        ),
        # One sign shown, one denied, one untold: two may still hold.
        (
            {"events": [{"name": "cough", "active": True}], "events_absent": ["fever"]},
            "unknown",
            "Not answered yet.",
        ),
        (
            {"events": [{"name": "cough", "active": True}], "events_absent": ["fever", "dyspnea"]},
            "not_met",
            "Fewer than 2 of the listed items can apply.",
        ),
    ],
)
def test_at_least_two_of_the_following_counts_the_items_that_hold(facts, outcome, reason):
    parsed = eligibility.parse_criteria(PNEUMONIA_SIGNS)
    lead = parsed.get("inc-1")
    assert (lead.logic, group_lead(lead)) == ("any", "At least two of the following:")
    assert (
        lead.question
        == "Do you have community-acquired pneumonia, with at least two of the following?"
    )
    verdict = eligibility.evaluate(parsed, facts=facts).get("inc-1")
    assert (verdict.verdict, verdict.reason) == (outcome, reason)


@pytest.mark.parametrize(
    ("lead", "shown"),
    [
        ("Participants with B-precursor ALL with any of the following", "Any of the following:"),
        ("At least 2 of the following:", "At least two of the following:"),
        ("Adequate organ function defined as:", "All of the following:"),
        (
            "Diagnosed by the investigator with at least one (1) of the following:",
            "Any of the following:",
        ),
        # A time is no count of items.
        ("On a stable regimen for at least 4 weeks before screening of:", "All of the following:"),
    ],
)
def test_a_group_says_how_many_of_its_items_must_hold(lead, shown):
    parsed = eligibility.parse_criteria(
        f"Inclusion Criteria:\n\n* {lead}\n    * Fever\n    * Cough\n"
    )
    assert group_lead(parsed.get("inc-1")) == shown


_A_MAN = {"sex": "male", "age": 48, "pregnant": False, "breastfeeding": False}
_A_WOMAN = {"sex": "female", "age": 38, "pregnant": False, "breastfeeding": False}
_NURSING = {"sex": "female", "age": 31, "pregnant": False, "breastfeeding": True}


@pytest.mark.parametrize(
    ("line", "facts", "outcome"),
    [
        (
            "Exclusion Criteria:\n\n* Nursing mothers or women who are pregnant or plan to become "
            "pregnant during the time of the study",
            _A_MAN,
            "met",
        ),
        (
            "Exclusion Criteria:\n\n* Nursing mothers or women who are pregnant or plan to become "
            "pregnant during the time of the study",
            _A_WOMAN,
            "unknown",  # she may plan a pregnancy
        ),
        (
            "Exclusion Criteria:\n\n* Subjects who are pregnant or plan to become pregnant in the "
            "next 12 months or who are lactating.",
            _A_MAN,
            "met",
        ),
        (
            "Exclusion Criteria:\n\n* Subject is pregnant or interested in becoming pregnant in "
            "the next three (3) years.",
            _A_MAN,
            "met",
        ),
        (
            "Exclusion Criteria:\n\n* Pregnant or lactating women, or women of childbearing age "
            "not using an acceptable method of contraception.",
            _A_MAN,
            "met",
        ),
        (
            "Exclusion Criteria:\n\n* Female who is pregnant, breast-feeding or intends to become "
            "pregnant or is of childbearing potential and not using highly effective "
            "contraceptive method.",
            _A_MAN,
            "met",
        ),
        (
            "Exclusion Criteria:\n\n* Pregnant women, lactating women, women planning to become "
            "pregnant or lactating during the study period, or pregnant women*2 who do not use "
            "specific contraceptive methods*1",
            _A_MAN,
            "met",
        ),
        (
            "Exclusion Criteria:\n\n* Pregnant women, lactating women, women planning to become "
            "pregnant or lactating during the study period, or pregnant women*2 who do not use "
            "specific contraceptive methods*1",
            _A_WOMAN,
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* Women who are pregnant, breastfeeding, or planning a "
            "pregnancy during the study",
            _A_WOMAN,
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* Women who are pregnant, breastfeeding, or planning a "
            "pregnancy during the study",
            _NURSING,
            "not_met",
        ),
        (
            "Exclusion Criteria:\n\n* Pregnant or lactating women, fertile patients who are "
            "unwilling or unable to take effective contraceptive measures.",
            _A_MAN,
            "unknown",  # fertile patients may be men
        ),
        (
            "Exclusion Criteria:\n\n* Women who are pregnant or breastfeeding or women/men who are "
            "planning to have children.",
            _A_MAN,
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* Pregnancy, lactation, or inability or unwillingness to use "
            "medically acceptable forms of contraception if pregnancy is a risk.",
            _A_MAN,
            "unknown",
        ),
        ("Inclusion Criteria:\n\n* If female, using birth control", _A_MAN, "not_applicable"),
        (
            "Inclusion Criteria:\n\n* If female of childbearing potential, must have a negative "
            "pregnancy test at screening and agree to use a reliable form of contraception "
            "throughout the study*.",
            _A_MAN,
            "not_applicable",
        ),
        (
            "Inclusion Criteria:\n\n* If female of childbearing potential, must have a negative "
            "pregnancy test at screening and agree to use a reliable form of contraception "
            "throughout the study*.",
            _A_WOMAN,
            "unknown",
        ),
        (
            "Exclusion Criteria:\n\n* For men: more than 4 drinks in a single day, or more than 14 "
            "drinks per week",
            _A_WOMAN,
            "not_applicable",
        ),
        (
            "Exclusion Criteria:\n\n* For women only: pregnant or lactating or having the "
            "intention of becoming pregnant during the time frame of the study;",
            _A_MAN,
            "not_applicable",
        ),
        (
            "Inclusion Criteria:\n\n* For women of childbearing potential or men who are not "
            "surgically sterile: Agreement to remain abstinent or use contraception, and agreement "
            "to refrain from donating eggs or sperm",
            _A_MAN,
            "unknown",  # it asks men too
        ),
    ],
)
def test_a_line_only_a_woman_can_meet_does_not_rule_out_a_man(line, facts, outcome):
    """A man is never pregnant, nursing, planning a pregnancy or a woman of childbearing
    potential without contraception, and a line opened for one sex ("If female, ...", "For
    men: ...") is not asked of the other; a woman not pregnant now may still plan a pregnancy,
    and a line that may speak of men stays open for them."""
    assert first_line_verdict(line, facts) == outcome


_LOW_CREATININE = {"age": 55, "sex": "male", "measurements": {"serum creatinine": (0.5, "mg/dl")}}
_HIGH_CREATININE = {
    "age": 70,
    "sex": "female",
    "measurements": {"serum creatinine": (2.1, "mg/dl")},
}


@pytest.mark.parametrize(
    ("line", "facts", "outcome"),
    [
        (
            "Inclusion Criteria:\n\n* Serum creatinine≤1.5×ULN or calculated creatinine "
            "clearance≧45mL/min AND",
            _LOW_CREATININE,
            "met",
        ),
        (
            "Inclusion Criteria:\n\n* serum creatinine (Cr) ≤1.25 ULN or creatinine clearance "
            "(CCr)≥45 mL/min",
            _LOW_CREATININE,
            "met",
        ),
        (
            "Inclusion Criteria:\n\n* Serum creatinine ≤ 1.5 ⋅ ULN or creatinine clearance ≥ 45 "
            "mL/min on the basis of the Cockcroft-Gault glomerular filtration rate estimation:",
            _LOW_CREATININE,
            "met",
        ),
        (
            "Inclusion Criteria:\n\n* serum creatinine (Cr) ≤1.25 ULN or creatinine clearance "
            "(CCr)≥45 mL/min",
            _HIGH_CREATININE,
            "unknown",  # the clearance needs her weight
        ),
        (
            "Exclusion Criteria:\n\n* Uncontrolled blood pressure (defined as systolic >160 mmHg "
            "or diastolic >95 mmHg) at the screening visit or baseline visit.",
            {
                "measurements": {
                    "systolic blood pressure": (115, "mmhg"),
                    "diastolic blood pressure": (80, "mmhg"),
                }
            },
            "met",
        ),
        (
            "Inclusion Criteria:\n\n* Platelets ≥ 100,000/mm3 or ≥ 50,000/mm3 if bone marrow "
            "involvement",
            {"measurements": {"platelets": (70, "10^9/l")}},
            "unknown",  # one test's two limits: the second only with marrow involved
        ),
        (
            "Inclusion Criteria:\n\n* International normalised ratio (INR)≤1.5 and partial "
            "prothrombin time (PTT or aPTT)≤1.5×ULN within 7 days prior to randomization.",
            {"measurements": {"inr": (0.9, None)}},
            "unknown",  # both are needed
        ),
    ],
)
def test_either_of_two_tests_decides_a_line_whatever_words_stand_beside_them(line, facts, outcome):
    """A line that offers two tests' results, one or the other, is met by one that holds and
    failed when both fail, though it says more ("calculated", "on the basis of ...")."""
    assert first_line_verdict(line, facts) == outcome
