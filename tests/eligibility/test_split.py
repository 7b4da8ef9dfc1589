"""Splitting criteria text into items: one row per layout found in real records.

Each row is (criteria text, expected outline); an outline line is
``(id, role, parent, logic, start of text)``.
"""

import pytest

import eligibility

NESTED_MARKDOWN = """Inclusion Criteria:

* Patients must be ≥ 18 years of age
* Patients with synchronous primary tumours may be eligible if all of the following conditions are met:

  * The synchronous tumour is located within the planned resection area
  * The synchronous tumour is not FDG-avid on PET imaging
* Women/men of childbearing potential must have agreed to use a highly effective contraceptive method

Exclusion Criteria:

* Clinically significant, uncontrolled cardiac disease and/or recent cardiac events (within 6 months), such as:

  * Unstable angina or myocardial infarction within 6 months prior to enrollment;
  * Symptomatic congestive heart failure (defined as New York Heart Association Grade II or greater);,
* Pregnant or breastfeeding women."""

LEGACY_WRAPPED = """
        INCLUSION CRITERIA:\r\n\r\n        Patients with Major Depressive Disorder (MDD):\r\n\r
          -  Age 18-55\r\n\r\n          -  Current diagnosis of MDD, as defined by DSM-IV criteria for recurrent MDD\r\n\r
        Healthy Controls:\r\n\r\n          -  Age 18-55\r\n\r\n        EXCLUSION CRITERIA:\r\n\r
          -  Serious suicidal ideation or behavior (with a current plan or intent), or current\r
             delusions or hallucinations\r\n\r\n          -  Current breast feeding\r\n      """

RUN_ON_NUMBERED = """Exclusion Criteria:

1. Any prior history of cervical fusion 2. Requires cervical fusion of more than two levels or not contiguous levels 3. Acute cervical spine trauma requiring immediate intervention 4. BMI \\> 40"""

FLAT_LETTERED = """Inclusion Criteria:
1. Adequate organ function as defined below:
a. Absolute neutrophil count ≥ 1.5 x 10^9/L
b. Platelets ≥ 100 x 10^9/L
2. ECOG performance status 0-1"""

TRAILING_OR = """Inclusion Criteria:

* Age ≥ 18 years OR
* Age ≥ 16 years with consent of a parent
* ECOG performance status 0-1"""

ONE_OF = """Key Inclusion Criteria:

- Documented B-cell lymphoma, one of:
    - relapsed after at least 2 lines of therapy
    - refractory to the last line of therapy
- Life expectancy of at least 12 weeks

Key Exclusion Criteria:

- Active CNS involvement
- The above is a summary, other exclusion criteria details may apply."""

NOTES = """Inclusion Criteria:

* Signed informed consent
* Other protocol-defined inclusion criteria may apply.

Exclusion Criteria:

* Prior treatment with osimertinib

Note: Other protocol-defined Inclusion/Exclusion criteria may apply."""

SECTIONS = """Inclusion Criteria:

Part A only:

* Histologically confirmed solid tumour

For cohort 2:

* Prior anti-PD-1 therapy

Exclusion Criteria: Pregnant or breastfeeding women"""

BULLET_STYLES = """Inclusion criteria:
• Age 18 years or older
• Diagnosis of schizophrenia
Exclusion criteria:
a) Current substance use disorder
b) Pregnancy
i. Inability to give consent"""

UNHEADED_PARAGRAPHS = """Patients aged 18-70 with chronic low back pain for at least 3 months.

Able to attend weekly sessions."""

ROWS = [
    (
        "nested-markdown",
        NESTED_MARKDOWN,
        [
            ("inc-1", "criterion", None, None, "Patients must be ≥ 18"),
            ("inc-2", "criterion", None, "all", "Patients with synchronous"),
            ("inc-2.1", "criterion", "inc-2", None, "The synchronous tumour is located"),
            ("inc-2.2", "criterion", "inc-2", None, "The synchronous tumour is not"),
            ("inc-3", "criterion", None, None, "Women/men"),
            ("exc-1", "criterion", None, "any", "Clinically significant"),
            ("exc-1.1", "criterion", "exc-1", None, "Unstable angina"),
            ("exc-1.2", "criterion", "exc-1", None, "Symptomatic congestive"),
            ("exc-2", "criterion", None, None, "Pregnant or breastfeeding"),
        ],
    ),
    (
        "legacy-wrapped-with-cohort-headings",
        LEGACY_WRAPPED,
        [
            ("inc-n1", "note", None, None, "Patients with Major Depressive Disorder (MDD):"),
            ("inc-1", "criterion", None, None, "Age 18-55"),
            ("inc-2", "criterion", None, None, "Current diagnosis of MDD"),
            ("inc-n2", "note", None, None, "Healthy Controls:"),
            ("inc-3", "criterion", None, None, "Age 18-55"),
            ("exc-1", "criterion", None, None, "Serious suicidal ideation or behavior (with a current plan or intent), or current delusions or hallucinations"),
            ("exc-2", "criterion", None, None, "Current breast feeding"),
        ],
    ),
    (
        "run-on-numbered-paragraph",
        RUN_ON_NUMBERED,
        [
            ("exc-1", "criterion", None, None, "Any prior history of cervical fusion"),
            ("exc-2", "criterion", None, None, "Requires cervical fusion"),
            ("exc-3", "criterion", None, None, "Acute cervical spine trauma"),
            ("exc-4", "criterion", None, None, "BMI > 40"),
        ],
    ),
    (
        "flattened-lettered-sub-items",
        FLAT_LETTERED,
        [
            ("inc-1", "criterion", None, "all", "Adequate organ function"),
            ("inc-1.1", "criterion", "inc-1", None, "Absolute neutrophil count"),
            ("inc-1.2", "criterion", "inc-1", None, "Platelets"),
            ("inc-2", "criterion", None, None, "ECOG performance status 0-1"),
        ],
    ),
    (
        "trailing-or-joins-siblings",
        TRAILING_OR,
        [
            ("inc-1", "criterion", None, "any", "One of the following:"),
            ("inc-1.1", "criterion", "inc-1", None, "Age ≥ 18 years OR"),
            ("inc-1.2", "criterion", "inc-1", None, "Age ≥ 16 years"),
            ("inc-2", "criterion", None, None, "ECOG performance status 0-1"),
        ],
    ),
    (
        "one-of-nested-and-summary-note",
        ONE_OF,
        [
            ("inc-1", "criterion", None, "any", "Documented B-cell lymphoma, one of:"),
            ("inc-1.1", "criterion", "inc-1", None, "relapsed after"),
            ("inc-1.2", "criterion", "inc-1", None, "refractory to the last"),
            ("inc-2", "criterion", None, None, "Life expectancy"),
            ("exc-1", "criterion", None, None, "Active CNS involvement"),
            ("exc-n1", "note", None, None, "The above is a summary"),
        ],
    ),
    (
        "protocol-defined-notes",
        NOTES,
        [
            ("inc-1", "criterion", None, None, "Signed informed consent"),
            ("inc-n1", "note", None, None, "Other protocol-defined inclusion criteria may apply."),
            ("exc-1", "criterion", None, None, "Prior treatment with osimertinib"),
            ("exc-n1", "note", None, None, "Note: Other protocol-defined"),
        ],
    ),
    (
        "part-and-cohort-headings",
        SECTIONS,
        [
            ("inc-n1", "note", None, None, "Part A only:"),
            ("inc-1", "criterion", None, None, "Histologically confirmed"),
            ("inc-n2", "note", None, None, "For cohort 2:"),
            ("inc-2", "criterion", None, None, "Prior anti-PD-1 therapy"),
            ("exc-1", "criterion", None, None, "Pregnant or breastfeeding women"),
        ],
    ),
    (
        "bullet-letter-and-roman-markers",
        BULLET_STYLES,
        [
            ("inc-1", "criterion", None, None, "Age 18 years or older"),
            ("inc-2", "criterion", None, None, "Diagnosis of schizophrenia"),
            ("exc-1", "criterion", None, None, "Current substance use disorder"),
            ("exc-2", "criterion", None, None, "Pregnancy"),
            ("exc-3", "criterion", None, None, "Inability to give consent"),
        ],
    ),
    (
        "paragraphs-without-headings-are-inclusion",
        UNHEADED_PARAGRAPHS,
        [
            ("inc-1", "criterion", None, None, "Patients aged 18-70"),
            ("inc-2", "criterion", None, None, "Able to attend weekly sessions."),
        ],
    ),
]


@pytest.mark.parametrize(("text", "outline"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_outline(text, outline):
    parsed = eligibility.parse_criteria(text)
    got = [(i.id, i.role, i.parent, i.logic, i.text) for i in parsed.items]
    assert len(got) == len(outline), got
    for (gid, grole, gparent, glogic, gtext), (eid, erole, eparent, elogic, estart) in zip(
        got, outline, strict=True
    ):
        assert (gid, grole, gparent, glogic) == (eid, erole, eparent, elogic), gtext
        assert gtext.startswith(estart)
    assert parsed.notes == []


def test_sections_are_kept_on_the_items_under_them():
    parsed = eligibility.parse_criteria(SECTIONS)
    assert parsed.get("inc-1").section == "Part A only"
    assert parsed.get("inc-2").section == "For cohort 2"
    assert parsed.get("exc-1").section is None


def test_headings_set_the_kind():
    parsed = eligibility.parse_criteria(NESTED_MARKDOWN)
    assert {i.kind for i in parsed.items if i.id.startswith("inc")} == {"inclusion"}
    assert {i.kind for i in parsed.items if i.id.startswith("exc")} == {"exclusion"}


@pytest.mark.parametrize(
    "text",
    ["", "   \n\t  ", "-", "* \n* \n", "----\n====", "Inclusion Criteria:\n\nExclusion Criteria:\n", "!!! ??? 123"],
    ids=["empty", "whitespace", "dash", "empty-bullets", "rules", "headings-only", "punctuation"],
)
def test_empty_or_garbage_gives_no_items_and_a_note(text):
    parsed = eligibility.parse_criteria(text)
    assert parsed.items == []
    assert parsed.notes == ["No criteria text"]


def test_non_text_input_is_not_an_exception():
    parsed = eligibility.parse_criteria(None)  # type: ignore[arg-type]
    assert parsed.items == [] and parsed.notes == ["No criteria text"]
