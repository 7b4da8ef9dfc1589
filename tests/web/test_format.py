"""How registry text and codes read on the pages."""

from datetime import date, datetime

import pytest

from ctgov.record import Eligibility
from trials.forms import value_label
from trials.templatetags.trial_format import (
    criteria_blocks,
    criteria_sections,
    distance,
    partial_date,
    split_criteria,
)
from trials.views import age_range


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2025-05", "May 2025"),
        ("2025-05-07", "7 May 2025"),
        ("2025", "2025"),
        ("2022-10-14", "14 October 2022"),
        (date(2024, 2, 29), "29 February 2024"),
        (datetime(2026, 1, 3, 10, 0), "3 January 2026"),
        ("2025-13", "2025-13"),
        ("sometime", "sometime"),
        ("", ""),
        (None, ""),
    ],
)
def test_partial_date(value, shown):
    assert partial_date(value) == shown


@pytest.mark.parametrize(
    ("km", "shown"),
    [
        (0.04, "0.0 km"),
        (0.8, "0.8 km"),
        (9.94, "9.9 km"),
        (392.4, "392 km"),
        (5837.2, "5,837 km"),
        (None, ""),
    ],
)
def test_distance(km, shown):
    assert distance(km) == shown


@pytest.mark.parametrize(
    ("facet", "code", "label"),
    [
        ("status", "RECRUITING", "Recruiting"),
        ("status", "ACTIVE_NOT_RECRUITING", "Active, not recruiting"),
        ("phase", "PHASE2", "Phase 2"),
        ("phase", "EARLY_PHASE1", "Early phase 1"),
        ("phase", "NA", "Not applicable"),
        ("intervention_type", "DIETARY_SUPPLEMENT", "Dietary supplement"),
        ("status", "SOME_NEW_STATUS", "Some new status"),
        ("country", "United States", "United States"),
    ],
)
def test_codes_read_as_words(facet, code, label):
    assert value_label(facet, code) == label


V2_CRITERIA = (
    "Inclusion Criteria:\n\n* Adults\n* Major deficits such as:\n\n  * Cauda equina\n"
    "  * Foot drop\n* Symptoms \\< 3 months\n\nExclusion Criteria:\n\n* Pregnancy"
)
LEGACY_CRITERIA = """
        Inclusion Criteria:

          -  Histologically confirmed stage IIIB non-small cell lung
             cancer

               -  Squamous cell carcinoma

          -  Zubrod 0-1

        Exclusion Criteria:

          -  Prior chemotherapy
"""


@pytest.mark.parametrize(
    ("text", "inclusion", "exclusion", "other"),
    [
        (V2_CRITERIA, "* Adults", "* Pregnancy", ""),
        (LEGACY_CRITERIA, "-  Histologically", "-  Prior chemotherapy", ""),
        ("Key Inclusion Criteria:\n- A\nKEY EXCLUSION CRITERIA\n- B", "- A", "- B", ""),
        ("Healthy adults aged 18-40.", "", "", "Healthy adults aged 18-40."),
        ("Notes first\nInclusion criteria:\n* A", "* A", "", "Notes first"),
    ],
)
def test_split_criteria_at_headings(text, inclusion, exclusion, other):
    parts = split_criteria(text)
    assert parts["inclusion"].strip().startswith(inclusion)
    assert parts["exclusion"].strip().startswith(exclusion)
    assert parts["other"].strip() == other


def test_v2_bullets_nest_and_unescape():
    [block] = criteria_blocks(split_criteria(V2_CRITERIA)["inclusion"])
    assert [item.text for item in block.items] == [
        "Adults",
        "Major deficits such as:",
        "Symptoms < 3 months",
    ]
    assert block.items[1].children == ["Cauda equina", "Foot drop"]


def test_legacy_wrapped_lines_are_joined():
    [block] = criteria_blocks(split_criteria(LEGACY_CRITERIA)["inclusion"])
    assert block.items[0].text == "Histologically confirmed stage IIIB non-small cell lung cancer"
    assert block.items[0].children == ["Squamous cell carcinoma"]
    assert block.items[1].text == "Zubrod 0-1"


def test_headings_inside_criteria_become_paragraphs():
    blocks = criteria_blocks("DISEASE CHARACTERISTICS:\n  - Stage IV\nAge:\n  - Over 18")
    assert [(b.text, [i.text for i in b.items]) for b in blocks] == [
        ("DISEASE CHARACTERISTICS:", []),
        ("", ["Stage IV"]),
        ("Age:", []),
        ("", ["Over 18"]),
    ]


@pytest.mark.parametrize(
    ("text", "titles"),
    [
        (V2_CRITERIA, ["Inclusion criteria", "Exclusion criteria"]),
        ("Only free text.", ["Eligibility criteria"]),
        ("Inclusion Criteria:\n* A\nExclusion Criteria:\n", ["Inclusion criteria"]),
        ("", []),
    ],
)
def test_empty_sections_are_left_out(text, titles):
    assert [s.title for s in criteria_sections(text)] == titles


@pytest.mark.parametrize(
    ("minimum", "minimum_text", "maximum", "maximum_text", "shown"),
    [
        (18.0, "18 Years", 65.0, "65 Years", "18 years to 65 years"),
        (18.0, "18 Years", None, "", "18 years and over"),
        (None, "", 17.0, "17 Years", "up to 17 years"),
        (None, "N/A", None, "N/A", ""),
        (0.5, "6 Months", None, "N/A", "6 months and over"),
        (21.0, "", None, "", "21 years and over"),
    ],
)
def test_age_range(minimum, minimum_text, maximum, maximum_text, shown):
    eligibility = Eligibility(
        minimum_age=minimum,
        minimum_age_text=minimum_text,
        maximum_age=maximum,
        maximum_age_text=maximum_text,
    )
    assert age_range(eligibility) == shown
