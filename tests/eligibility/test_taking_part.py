"""Which criteria ask only about taking part in the study: one row per real criterion."""

import re

import pytest

from eligibility import parse_criteria, rules
from eligibility.taking_part import about_taking_part

ROWS = [
    ("Written informed consent to participate in this study.", True),
    ("Provision of Parental Consent", True),
    ("Informed consent given", True),
    ("Assent will be obtained as required by the UAMS IRB.", True),
    ("Able and willing to give consent and able to attend all study visits", True),
    ("Willing and able to comply with study protocol and assessments.", True),
    ("Subjects willing to participate in follow-up visits", True),
    ("Be likely to return for all follow-up visits; and", True),
    ("Able to speak English", True),
    ("Are fluent in English", True),
    ("English speaking", True),
    ("Able to read and write in English", True),
    ("patient speaks and understands Finnish of Swedish", True),
    ("patient has daily access to his/her e-mail", True),
    ("access to a smartphone", True),
    ("patient is voluntary", True),
    ("Inability to comply with study procedures", True),
    ("Owns a smartphone.", True),
    ("Able to use a tablet (iPad)", True),
    ("Wifi available in home", True),
    ("Has an e-mail address.", True),
    ("U.S. resident", True),
    ("Be a California resident with a mailing address or P.O. Box", True),
    ("Patient not residing in Ile de France", True),
    ("Lives in the United States.", True),
    ("Sufficient understanding of spoken and written Dutch language", True),
    ("Proficient in both reading and writing in the English language.", True),
    ("Functional English language capability in the home environment.", True),
    ("Understands verbal and written Icelandic or English", True),
    ("Patients who have language skills enough to answer questionnaires", True),
    ("Able to understand the nature of the study.", True),
    ("Available to participate for the full duration of the study.", True),
    ("Be available and committed to engage with the Woebot app", True),
    (
        "Understands the use of and interest in the eDiary and the Study App during the "
        "screening period",
        True,
    ),
    (
        "Women of childbearing potential must have a negative urine gonadotropin prior to entry "
        "into the study and must agree to use adequate contraception during the entire study",
        True,
    ),
    ("female patients have adequate birth-control method", True),
    ("Women of childbearing potential must agree to use adequate contraception", True),
    ("Male patients should be willing to use barrier contraception, i.e. condoms;", True),
    # Something about the person's health, or a value the engine reads, keeps the line.
    ("Must be able to swallow tablets", False),
    (
        "Women aged 18-45 years who agree to use contraception during the study",
        False,
    ),
    (
        "Patients who are capable of complying with the clinical study protocol and who can take "
        "medication orally",
        False,
    ),
    (
        "In the judgment of the Investigator has the appropriate hearing, vision, manual "
        "dexterity, ability to understand instructions, and ability to use and understand "
        "internet-based applications.",
        False,
    ),
    ("Patients with aphasia or language impairment", False),
    (
        "Male and non-pregnant females aged ≥ 18 to ≤ 60 years on the day of inclusion Able to "
        "comprehend and give informed consent",
        False,
    ),
    (
        "Participants are capable of giving informed consent supported by not meeting "
        "Parkinson's disease Dementia criteria; this will be determined by study personnel.",
        False,
    ),
    ("Clinical diagnosis of bronchial asthma", False),
    ("Hospitalized in a medical ward", False),
    ("Patients who are compliant with their asthma medication for 3 months", False),
    (
        "Individuals who are able to walk and can participate in the study using a smartphone, "
        "or for whom cooperation from a guardian is available.",
        False,
    ),
    (
        "Participants who are currently using a computer, web, or smartphone software-based "
        "application for mental health or depression.",
        False,
    ),
    (
        "Participants living in the general community or in an assisted-living facility that "
        "provides minimal assistance can be enrolled, such that the participant is primarily "
        "responsible for self-care and activities of daily living.",
        False,
    ),
    (
        "Subjects participating in other clinical trials or whose first dose is less than 4 weeks "
        "(or 5 half-lives of the study drug) after the end of the previous clinical trial (last "
        "dose);",
        False,
    ),
]


@pytest.mark.parametrize(("text", "expected"), ROWS)
def test_criteria_about_taking_part(text, expected):
    item = parse_criteria("Inclusion Criteria:\n\n* " + text).top_level()[0]
    assert about_taking_part(item) is expected


def test_a_lead_in_is_not_about_taking_part_whatever_its_wording():
    criteria = parse_criteria(
        "Inclusion Criteria:\n\n* Willing to meet all of the following:\n"
        "  * Hemoglobin > 9 g/dL\n  * Informed consent"
    )
    lead_in = criteria.top_level()[0]
    assert lead_in.children and not about_taking_part(lead_in)


def test_the_wording_table_is_regular_expressions_that_need_words():
    data = rules.load("taking_part.json")
    assert data["comment"] and data["patterns"] and data["health"]
    for pattern in data["patterns"] + data["health"]:
        assert not re.fullmatch(pattern, "", re.I), pattern
