"""Splitting criteria text into items: one row per layout found in real records.

Each row is (criteria text, expected outline); an outline line is
``(id, role, parent, logic, start of text)``. The texts (excerpts of shared records, and
the layouts the brief names) live in ``data/split_texts.json``.
"""

import json
from pathlib import Path

import pytest

import eligibility

TEXTS = json.loads((Path(__file__).parent / "data" / "split_texts.json").read_text("utf-8"))
NESTED_MARKDOWN = TEXTS["nested-markdown"]
LEGACY_WRAPPED = TEXTS["legacy-wrapped"]
RUN_ON_NUMBERED = TEXTS["run-on-numbered"]
FLAT_LETTERED = TEXTS["flat-lettered"]
TRAILING_OR = TEXTS["trailing-or"]
ONE_OF = TEXTS["one-of"]
NOTES = TEXTS["notes"]
SECTIONS = TEXTS["sections"]
BULLET_STYLES = TEXTS["bullet-styles"]
UNHEADED_PARAGRAPHS = TEXTS["unheaded-paragraphs"]

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
            (
                "exc-1",
                "criterion",
                None,
                None,
                "Serious suicidal ideation or behavior (with a current plan or intent), or current "
                "delusions or hallucinations",
            ),
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
    (  # NCT06485206: a bullet, then numbered items run together
        "bulleted-run-on-numbers",
        "Inclusion Criteria:\n\n* 1. Age 22 - 69 years. 2. Have symptoms of cervical degenerative "
        "disc disease (DDD) at two levels from C3 to T1 defined as intractable radiculopathy.",
        [
            ("inc-1", "criterion", None, None, "Age 22 - 69 years."),
            ("inc-2", "criterion", None, None, "Have symptoms of cervical degenerative"),
        ],
    ),
    (  # NCT04204473: an escaped number, then items run together, one with no space after its
        # number
        "escaped-run-on-numbers",
        "Exclusion Criteria:\n\n8\\. Previous allogeneic bone marrow transplant. 9. "
        "Hypersensitivity to TY-9591 or similar compounds or excipients. 10.Pregnant or lactating "
        "women.",
        [
            ("exc-1", "criterion", None, None, "Previous allogeneic bone marrow transplant."),
            ("exc-2", "criterion", None, None, "Hypersensitivity to TY-9591"),
            ("exc-3", "criterion", None, None, "Pregnant or lactating women."),
        ],
    ),
    (  # NCT06485206: the run goes on after a sub-list, on the line of its last sub-item
        "run-on-numbers-continued-after-a-sub-list",
        "Exclusion Criteria:\n* 8. Severe facet joint disease or degeneration 9. Marked cervical "
        "instability on resting lateral or flexion/extension radiographs demonstrated by:\n\n"
        "  * Translation greater than 3.5mm, and/or\n"
        "  * Greater than 11° angular difference to that of either adjacent level 10. Segmental "
        "angulation of greater than 11° at treatment or adjacent levels 11. Metabolic bone disease "
        "(e.g., osteoporosis/osteopenia, gout, osteomalacia, Paget's disease)",
        [
            ("exc-1", "criterion", None, None, "Severe facet joint disease"),
            ("exc-2", "criterion", None, "any", "Marked cervical instability"),
            ("exc-2.1", "criterion", "exc-2", None, "Translation greater than 3.5mm"),
            ("exc-2.2", "criterion", "exc-2", None, "Greater than 11° angular difference"),
            ("exc-3", "criterion", None, None, "Segmental angulation"),
            ("exc-4", "criterion", None, None, "Metabolic bone disease"),
        ],
    ),
    (  # NCT02795884: the Cockcroft-Gault formula, one line per sex, under a renal criterion
        "formula-lines-are-notes",
        "Inclusion Criteria:\n\n* Appropriate renal function: Serum creatinine ≤ 1.25 × upper "
        "limit of normal, or serum creatinine clearance according to Cockcroft-Gault "
        "formula(below) ≥50 mL/min\n\nWoman CrCl = (140- age \\[years old\\]) x weight (kg) x "
        "0.85 72 x serum creatinine (mg/dL)\n\nMan CrCl = (140- age \\[years old\\]) x weight "
        "(kg) x 1.00 72 x serum creatinine (mg/dL)\n\n* Patients who are capable of giving "
        "informed consent",
        [
            ("inc-1", "criterion", None, None, "Appropriate renal function"),
            ("inc-n1", "note", None, None, "Woman CrCl = (140- age [years old])"),
            ("inc-n2", "note", None, None, "Man CrCl = (140- age [years old])"),
            ("inc-2", "criterion", None, None, "Patients who are capable"),
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
    (  # sections with nothing to ask (NCT records say "None", "Nil", "Not specified")
        "empty-sections",
        "Inclusion Criteria:\n\n* Not specified\n\nExclusion Criteria:\n\n* Nil\n"
        "* None of the above medications\n* Life expectancy:\n  * Not specified",
        [
            ("inc-n1", "note", None, None, "Not specified"),
            ("exc-n1", "note", None, None, "Nil"),
            ("exc-1", "criterion", None, None, "None of the above medications"),
            ("exc-n2", "note", None, None, "Life expectancy:"),
            ("exc-n3", "note", None, None, "Not specified"),
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
    (  # NCT05847673: labels over the lines of a flat list; "any of the following ... criteria:"
        # (NCT04811001) still heads its items
        "labels-in-a-flat-list",
        "Inclusion Criteria:\n\n* SMOKING CRITERIA:\n* Participants must self-report smoking at "
        "least 1 cigarette per day in the 30 days prior to screening\n* OTHER CRITERIA:\n"
        "* Participants must self-report that they are comfortable reading, writing, and "
        "speaking English\n\nExclusion Criteria:\n\n* Any of the following cardiac criteria:\n"
        "  * Mean resting corrected QT interval (QTc) >470 msec\n"
        "  * Abnormal cardiac function: LVEF < 50% (assessed by MUGA or ECHO)",
        [
            ("inc-n1", "note", None, None, "SMOKING CRITERIA:"),
            ("inc-1", "criterion", None, None, "Participants must self-report smoking"),
            ("inc-n2", "note", None, None, "OTHER CRITERIA:"),
            ("inc-2", "criterion", None, None, "Participants must self-report that"),
            ("exc-1", "criterion", None, "any", "Any of the following cardiac criteria:"),
            ("exc-1.1", "criterion", "exc-1", None, "Mean resting corrected QT"),
            ("exc-1.2", "criterion", "exc-1", None, "Abnormal cardiac function"),
        ],
    ),
    (  # NCT05714891: what a substudy decides is not a criterion of the trial
        "requirements-left-to-a-substudy",
        "Exclusion Criteria:\n\n* Patients with active or uncontrolled infections or with "
        "serious illnesses or medical conditions which would not permit the patient to be "
        "managed according to the protocol. This includes but is not limited to:\n\n"
        "  * Known clinical diagnosis of tuberculosis;\n"
        "  * For Hepatitis B (HBV), Hepatitis C (HCV) and human immunodeficiency virus (HIV) "
        "infections, requirements will be substudy dependent.\n"
        "* Pregnant or breastfeeding women.",
        [
            ("exc-1", "criterion", None, "any", "Patients with active or uncontrolled"),
            ("exc-1.1", "criterion", "exc-1", None, "Known clinical diagnosis of tuberculosis"),
            ("exc-n1", "note", None, None, "For Hepatitis B (HBV)"),
            ("exc-2", "criterion", None, None, "Pregnant or breastfeeding women."),
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
    (  # NCT06940401: lettered items run together on the line under their lead-in
        "lettered-items-run-together",
        "Exclusion Criteria:\n\n5. Cardiac abnormalities, including.\n\n   a. QTcF ≥450 ms for "
        "males or ≥470 ms for females (mean of 3 ECGs during screening);b. Clinically "
        "significant arrhythmias (e.g., complete left bundle branch block, 3rd-degree AV block, "
        "PR interval \\>250 ms);c. Risk factors for Torsades de Pointes (e.g., hypokalemia, "
        "family history of long QT syndrome or inherited arrhythmias); d. Left ventricular "
        "ejection fraction (LVEF) \\<50%;\n6. History or suspected diagnosis of interstitial "
        "lung disease.",
        [
            ("exc-1", "criterion", None, "any", "Cardiac abnormalities, including."),
            ("exc-1.1", "criterion", "exc-1", None, "QTcF ≥450 ms for males or ≥470 ms for"),
            ("exc-1.2", "criterion", "exc-1", None, "Clinically significant arrhythmias (e.g."),
            ("exc-1.3", "criterion", "exc-1", None, "Risk factors for Torsades de Pointes"),
            ("exc-1.4", "criterion", "exc-1", None, "Left ventricular ejection fraction"),
            ("exc-2", "criterion", None, None, "History or suspected diagnosis"),
        ],
    ),
    (  # NCT05814159 and NCT05005468: lettered items after their lead-in on the same line
        "lettered-items-after-their-lead-in",
        "Inclusion Criteria:\n\n4. Active disease confirmed by the following three signs and "
        "symptoms. a. Active arthritis in ≥ 1 joint. b. CRP \\> 30 mg/L. c. At least one fever "
        "episode (≥ 38.0 degree Celsius) attributable to the disease within one week before "
        "enrollment.\n5. The function of major organs is normal, the following standards are "
        "met: a) Routine blood examination: hemoglobin (Hb) ≥90g/L; b) Biochemical examination: "
        "serum total bilirubin (TBIL) ≤1.5×ULN; c) coagulation function: international "
        "normalized ratio (INR) ≤1.5×ULN;",
        [
            ("inc-1", "criterion", None, "all", "Active disease confirmed by the following"),
            ("inc-1.1", "criterion", "inc-1", None, "Active arthritis in ≥ 1 joint."),
            ("inc-1.2", "criterion", "inc-1", None, "CRP > 30 mg/L."),
            ("inc-1.3", "criterion", "inc-1", None, "At least one fever episode"),
            ("inc-2", "criterion", None, "all", "The function of major organs is normal"),
            ("inc-2.1", "criterion", "inc-2", None, "Routine blood examination"),
            ("inc-2.2", "criterion", "inc-2", None, "Biochemical examination"),
            ("inc-2.3", "criterion", "inc-2", None, "coagulation function"),
        ],
    ),
    (  # NCT05887817: items i), ii) run together after their lead-in
        "numbered-items-after-their-lead-in",
        "Inclusion Criteria:\n\n* Patients with chronic kidney disease who meet both of the "
        "following criteria; i) eGFR greater than 25 mL/min/1.73 m2 and less than 90 "
        "mL/min/1.73 m2, ii) UACR greater than 30 mg/g.cr. and less than 3500 mg/g.cr.\n"
        "* Patients who have not changed their medications for type 2 diabetes",
        [
            ("inc-1", "criterion", None, "all", "Patients with chronic kidney disease who"),
            ("inc-1.1", "criterion", "inc-1", None, "eGFR greater than 25"),
            ("inc-1.2", "criterion", "inc-1", None, "UACR greater than 30"),
            ("inc-2", "criterion", None, None, "Patients who have not changed"),
        ],
    ),
    (  # NCT04204473: every value shows the function adequate, though "any of" leads them
        "adequate-function-needs-every-value",
        "Inclusion Criteria:\n\n7. Adequate bone marrow reserve or organ function as "
        "demonstrated by any of the following laboratory values: a.Neutrophils (absolute value) "
        "≥ 1.5×10\\^9/L; b.Hemoglobin ≥ 90 g/L; c.Platelet ≥ 80×10\\^9/L;",
        [
            ("inc-1", "criterion", None, "all", "Adequate bone marrow reserve"),
            ("inc-1.1", "criterion", "inc-1", None, "Neutrophils (absolute value)"),
            ("inc-1.2", "criterion", "inc-1", None, "Hemoglobin ≥ 90 g/L;"),
            ("inc-1.3", "criterion", "inc-1", None, "Platelet ≥ 80×10^9/L;"),
        ],
    ),
    (  # NCT05813925: a bullet's lettered alternatives, and NCT03416231: two runs of letters
        # on one line, stay whole; "e.g." is no item
        "lettered-alternatives-and-two-runs-stay-whole",
        "Inclusion Criteria:\n\n* a) Body mass index (BMI) greater than or equal to 27.0 kg/m^2 "
        "with greater than or equal to 2 obesity-related complications or b) BMI greater than or "
        "equal to 35.0 kg/m^2 with greater than or equal to 1 obesity-related complication\n"
        "* The main organs function properly:(1) a. Hemoglobin (HB) ≥90 g / L; b. Platelet count "
        "(PLT) ≥80 × 109 / L;(2) biochemical tests:a. Total bilirubin (TBIL) ≤1.5 × ULN; b. "
        "Creatinine ≤1.5 × ULN\n* Any history of gastrointestinal disorders (e.g. Crohn's "
        "disease, ulcerative colitis)",
        [
            ("inc-1", "criterion", None, None, "a) Body mass index (BMI)"),
            ("inc-2", "criterion", None, None, "The main organs function properly"),
            ("inc-3", "criterion", None, None, "Any history of gastrointestinal"),
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


def _sections(parsed):
    return [(item.id, item.section) for item in parsed.items if item.role == "criterion"]


def test_sections_are_kept_on_the_items_under_them():
    parsed = eligibility.parse_criteria(SECTIONS)
    assert parsed.get("inc-1").section == "Part A only"
    assert parsed.get("inc-2").section == "For cohort 2"
    assert parsed.get("exc-1").section is None


@pytest.mark.parametrize(
    ("heading", "kind", "section"),
    [
        # NCT06199999: a label for one group of participants.
        (
            "Specific exclusion criteria for healthy participants:",
            "exclusion",
            "for healthy participants",
        ),
        # NCT05962437: the label of a sub-study, with its share of the participants.
        (
            "Exclusion criteria for biomarkers substudy (50% of patients in each study arm):",
            "exclusion",
            "for biomarkers substudy (50% of patients in each study arm)",
        ),
        ("Exclusion Criteria for Stage 1", "exclusion", "for Stage 1"),
        (
            "inclusion criteria for allergic asthmatics also include:",
            "inclusion",
            "for allergic asthmatics also include",
        ),
        # NCT06199999: every group; NCT06751849: a topic, not a group.
        ("Inclusion Criteria for all groups:", "inclusion", None),
        ("Exclusion criteria for medical history and comorbidities:", "exclusion", None),
    ],
)
def test_a_heading_label_is_a_section_only_when_it_names_a_group(heading, kind, section):
    parsed = eligibility.parse_criteria(f"{heading}\n\n* Needle phobia.\n")
    [item] = parsed.items
    assert (item.kind, item.section) == (kind, section)


def test_a_group_of_healthy_participants_is_a_section_not_a_criterion():
    """NCT06610175 lists its healthy participants' criteria under a bare heading, in both parts."""
    parsed = eligibility.parse_criteria(
        "Inclusion Criteria:\n\nHealthy participants\n\n* Age-matched healthy participant.\n\n"
        "Exclusion Criteria:\n\nHealthy participants\n\n* A positive pregnancy test."
    )
    assert _sections(parsed) == [
        ("inc-1", "Healthy participants"),
        ("exc-1", "Healthy participants"),
    ]
    verdict = eligibility.evaluate(parsed, facts={"healthy": True, "pregnant": False})
    assert verdict.get("exc-1").verdict == "met"
    assert verdict.verdict != "likely_not_eligible"


def test_a_sponsors_template_headings_are_not_criteria():
    """NCT05809934 and NCT05879653 head their lines "Age", "Type of Participant and Disease
    Characteristics", "Medical Conditions", "Prior/Concomitant Therapy"; nobody can meet "Age"."""
    parsed = eligibility.parse_criteria(
        "Key Inclusion Criteria :\n\nAge\n\n1. Participant must be 18 to 75 years of age "
        "(inclusive) at the time of signing the informed consent.\n\n"
        "   Type of Participant and Disease Characteristics\n"
        "2. Participants who are carriers for the PNPLA3 rs738409 148M risk allele.\n\n"
        "Exclusion Criteria:\n\nMedical Conditions\n\n"
        "1. Has a history of radiation therapy to the pelvic region for any reason.\n\n"
        "   Prior/Concomitant Therapy\n"
        "2. Has received prior pelvic/local radiation therapy."
    )
    criteria = [item.text for item in parsed.items if item.role == "criterion"]
    assert criteria == [
        "Participant must be 18 to 75 years of age (inclusive) at the time of signing the "
        "informed consent.",
        "Participants who are carriers for the PNPLA3 rs738409 148M risk allele.",
        "Has a history of radiation therapy to the pelvic region for any reason.",
        "Has received prior pelvic/local radiation therapy.",
    ]
    verdict = eligibility.evaluate(parsed, facts={"age": 40})
    assert verdict.get("inc-1").verdict == "met"
    assert {item.section for item in parsed.items} == {None}
    verdict = eligibility.evaluate(parsed, facts={"age": 80})
    assert verdict.verdict == "likely_not_eligible"
    assert "inc-1" in verdict.explanation


# NCT00880347 (a SIGIR trial): the lines of three groups under bulleted labels, in both parts.
THREE_GROUPS = (
    "Inclusion Criteria:\n\n* AD group :\n* Male or female patient, aged ≥ 40 years old "
    "included at entry.\n* Patients having a clinical diagnosis of probable AD.\n"
    "* Non AD demented group :\n* Male or female patient, aged ≥ 40 years old included at "
    "entry.\n* Patients having a clinical diagnosis of dementia.\n"
    "* Cognitive impairment-free control group :\n* Male or female subject, aged ≥ 60 years "
    "old included at entry.\n* MMSE ≥ 27 at entry.\n\nExclusion Criteria:\n\n* AD group :\n"
    "* Pregnancy.\n* Cognitive impairment-free control group :\n"
    "* Diagnosis of any type of dementia (either AD or non-AD dementia)."
)


def test_bulleted_labels_of_several_groups_are_sections():
    parsed = eligibility.parse_criteria(THREE_GROUPS)
    assert _sections(parsed) == [
        ("inc-1", "AD group"),
        ("inc-2", "AD group"),
        ("inc-3", "Non AD demented group"),
        ("inc-4", "Non AD demented group"),
        ("inc-5", "Cognitive impairment-free control group"),
        ("inc-6", "Cognitive impairment-free control group"),
        ("exc-1", "AD group"),
        ("exc-2", "Cognitive impairment-free control group"),
    ]


def test_a_person_ruled_out_of_one_group_only_is_left_to_the_study_team():
    parsed = eligibility.parse_criteria(THREE_GROUPS)
    demented = {"age": 52, "events": [{"name": "dementia", "active": True}]}
    verdict = eligibility.evaluate(parsed, facts=demented)
    assert verdict.get("inc-5").verdict == "not_met"
    assert verdict.get("exc-2").verdict == "not_met"
    assert verdict.verdict == "needs_review"


def test_a_person_who_fails_a_line_of_every_group_is_ruled_out():
    verdict = eligibility.evaluate(eligibility.parse_criteria(THREE_GROUPS), facts={"age": 30})
    assert verdict.verdict == "likely_not_eligible"
    assert {"inc-1", "inc-3", "inc-5"} <= set(verdict.explanation.replace(" (", " ").split())


def test_a_label_for_every_group_ends_the_groups_sections():
    """NCT06490887: "DDD patients:", two groups of donors, then "All enrolled subjects:"."""
    parsed = eligibility.parse_criteria(
        "DDD patients:\n\n* Age 30-60 years (included)\n* Need to undergo spinal surgery\n\n"
        "Subjects for the isolation of adipose-derived MSCs:\n\n* Age 18-50 (included)\n\n"
        "All enrolled subjects:\n\n- Signed informed consent"
    )
    criteria = [item for item in parsed.items if item.role == "criterion"]
    assert [(item.text, item.section, item.parent) for item in criteria] == [
        ("Age 30-60 years (included)", "DDD patients", None),
        ("Need to undergo spinal surgery", "DDD patients", None),
        ("Age 18-50 (included)", "Subjects for the isolation of adipose-derived MSCs", None),
        ("Signed informed consent", None, None),
    ]


def test_a_label_of_one_sex_or_of_a_single_group_stays_a_line_over_its_items():
    parsed = eligibility.parse_criteria(
        "Inclusion Criteria:\n\n1. Age ≥ 18 years\n2. Female participants:\n\n"
        "   * Not pregnant\n3. COPD patients:\n\n   * FEV1 < 70%"
    )
    assert {item.section for item in parsed.items} == {None}
    assert [item.id for item in parsed.items if item.parent] == ["inc-2.1", "inc-3.1"]


def test_headings_set_the_kind():
    parsed = eligibility.parse_criteria(NESTED_MARKDOWN)
    assert {i.kind for i in parsed.items if i.id.startswith("inc")} == {"inclusion"}
    assert {i.kind for i in parsed.items if i.id.startswith("exc")} == {"exclusion"}


@pytest.mark.parametrize(
    "heading",
    ["III.6 EXCLUSION CRITERIA", "Pre-Operative Exclusion Criteria:", "2. Exclusion criteria"],
)
def test_numbered_and_qualified_headings_set_the_kind(heading):
    parsed = eligibility.parse_criteria(
        f"Inclusion Criteria:\n\n* Be 18 years of age or older\n\n{heading}\n\n* Pregnancy"
    )
    assert [(i.id, i.kind) for i in parsed.items] == [
        ("inc-1", "inclusion"),
        ("exc-1", "exclusion"),
    ]


@pytest.mark.parametrize(
    "heading",
    [
        "Intraoperative Exclusion Criteria:",
        "    Intraoperative exclusion criteria:",
        "Intra-surgery (tissue explant/sequestrectomy) Exclusion Criteria",
    ],
)
def test_lines_under_an_intraoperative_heading_are_shown_not_asked(heading):
    parsed = eligibility.parse_criteria(
        "Inclusion Criteria:\n\n* Patient is skeletally mature and at least 21 years of age.\n\n"
        "Exclusion Criteria:\n\n* Patient has active or local systemic infection.\n\n"
        f"{heading}\n\n"
        "* Patient has a violated endplate as determined by imaging balloons during fluoroscopy.\n"
        "* Patient has a disc space that is too narrow for implantation."
    )
    assert [(i.id, i.role) for i in parsed.items] == [
        ("inc-1", "criterion"),
        ("exc-1", "criterion"),
        ("exc-n1", "note"),
        ("exc-n2", "note"),
    ]


def test_an_exclusion_heading_inside_a_line_starts_the_exclusions():
    parsed = eligibility.parse_criteria(
        "Inclusion Criteria:\n\n* Patient has signed the approved Informed Consent Form.\n"
        "* All surgeries must be approved by the Medical Advisory Board (MAB) Exclusion "
        "Criteria:• Patient has less than 6 mm of disc height.\n"
        "* Patient has congenital moderate or severe spinal stenosis or epidural lipomatosis.• "
        "Patient has significant facet disease.\n"
        "* Patient has diabetes mellitus (Type 1 or 2) requiring daily insulin management."
    )
    assert [(i.id, i.text[:40]) for i in parsed.items] == [
        ("inc-1", "Patient has signed the approved Informed"),
        ("inc-2", "All surgeries must be approved by the Me"),
        ("exc-1", "Patient has less than 6 mm of disc heigh"),
        ("exc-2", "Patient has congenital moderate or sever"),
        ("exc-3", "Patient has significant facet disease."),
        ("exc-4", "Patient has diabetes mellitus (Type 1 or"),
    ]
    assert parsed.get("inc-2").text.endswith("(MAB)")


@pytest.mark.parametrize(
    "line",
    [
        "Patient has morbid obesity defined as a body mass index (BMI) more than 40 or a weight of "
        "more than 45 kg (100 lbs.) over ideal body weight.",
        "Subject is morbidly obese, defined as a body mass index (BMI) greater than 45.",
        "Participant with stable renal function, stability defined as less than 20% variability "
        "between last two results of eGFR or in the opinion of the investigator after "
        "investigator review of more than the last two results of eGFRs and based on medical "
        "history.",
        "Is currently receiving or has received concomitant therapy, defined as individual or "
        "group-based structured treatment (e.g., Cognitive Behavioral Therapy, Social Skills "
        "Training, Motivational Interviewing, or Vocational/Occupational Therapy), within 6 months "
        "(26 weeks) prior to screening per investigator assessment.",
    ],
)
def test_a_criterion_that_defines_its_term_in_passing_is_still_asked(line):
    parsed = eligibility.parse_criteria(
        f"Exclusion Criteria:\n\n* Patient has any known active malignancy.\n* {line}"
    )
    assert [(i.id, i.role) for i in parsed.items] == [
        ("exc-1", "criterion"),
        ("exc-2", "criterion"),
    ]


def test_a_heading_that_opens_a_paragraph_of_criteria_sets_the_kind():
    parsed = eligibility.parse_criteria(
        "Inclusion criteria. Age ≥22. English speaking. Diagnosis of idiopathic Parkinson's "
        "disease of any Hoehn and Yahr stage (I-V), determined by a neurologist.\n\n"
        "Study Exclusion Criteria. History of aspiration pneumonia within the past 12 months. "
        "Unable to swallow saliva without a maneuver. Actively receiving treatment for "
        "swallowing disorders or sialorrhea. Current alcohol/drug abuse. Diagnosed with "
        "neurological disorders other than PD. End stage dementia.\n\n"
        "Known allergy to contrast material used during MBSS. Known allergy to sensor adhesive. "
        "Indwelling tracheostomy tube. Nasogastric (NG) feeding tube. Currently pregnant."
    )
    assert [(i.id, i.kind) for i in parsed.items] == [
        ("inc-1", "inclusion"),
        ("exc-1", "exclusion"),
        ("exc-2", "exclusion"),
    ]
    assert parsed.get("inc-1").text.startswith("Age ≥22.")
    assert parsed.get("exc-1").text.startswith("History of aspiration pneumonia")


def test_a_lead_in_listed_with_the_inclusions_that_rules_people_out():
    parsed = eligibility.parse_criteria(
        "Inclusion Criteria:\n\n"
        "1. Be 18 years of age or older;\n"
        "2. Individuals will be precluded from enrolling in the study if they endorse (or if "
        "there is documentation of) any of following conditions:\n"
        "    a. Serious mental illness;\n"
        "    b. Pregnancy;\n\n"
        "Exclusion Criteria:\n\n* Prior participation in this study"
    )
    assert [(i.id, i.kind) for i in parsed.items] == [
        ("inc-1", "inclusion"),
        ("inc-2", "exclusion"),
        ("inc-2.1", "exclusion"),
        ("inc-2.2", "exclusion"),
        ("exc-1", "exclusion"),
    ]
    verdict = eligibility.evaluate(parsed, facts={"age": 30, "sex": "female", "pregnant": False})
    assert verdict.get("inc-2.2").verdict == "met"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t  ",
        "-",
        "* \n* \n",
        "----\n====",
        "Inclusion Criteria:\n\nExclusion Criteria:\n",
        "!!! ??? 123",
    ],
    ids=["empty", "whitespace", "dash", "empty-bullets", "rules", "headings-only", "punctuation"],
)
def test_empty_or_garbage_gives_no_items_and_a_note(text):
    parsed = eligibility.parse_criteria(text)
    assert parsed.items == []
    assert parsed.notes == ["No criteria text"]


def test_non_text_input_is_not_an_exception():
    parsed = eligibility.parse_criteria(None)  # type: ignore[arg-type]
    assert parsed.items == [] and parsed.notes == ["No criteria text"]


@pytest.mark.parametrize(
    ("lead", "logic"),
    [
        ("Non-reproductive potential defined as:", "any"),
        ("Women of non-childbearing potential are defined as:", "any"),
        ("Adequate organ function defined as:", "all"),
        ("Women of childbearing potential defined as:", "all"),
    ],
)
def test_a_definition_of_non_childbearing_potential_lists_ways_of_being_so(lead, logic):
    parsed = eligibility.parse_criteria(
        f"Inclusion Criteria:\n\n* {lead}\n\n  * Documented tubal ligation;\n  * Hysterectomy;\n"
    )
    assert [(i.parent, i.logic) for i in parsed.items] == [
        (None, logic),
        ("inc-1", None),
        ("inc-1", None),
    ]


# NCT03599518 (legacy XML record): the lines under "except:" are what the line leaves out.
_EXCEPTIONS = (
    "Exclusion Criteria:\n\n"
    "          4. Has history of other active malignancy within 3 years prior to enrollment, "
    "except:\n\n"
    "               1. Adequately treated non-melanoma skin cancer OR\n\n"
    "               4. Low-risk non-metastatic prostate cancer (with Gleason score < 7 on "
    "antiandrogen\n                  therapy)\n\n"
    "          5. Has spinal cord compression or clinically active brain metastases"
)


def test_the_lines_under_except_are_its_exceptions_not_its_options():
    parsed = eligibility.parse_criteria(_EXCEPTIONS)
    line, *exceptions, last = parsed.items
    assert [e.role for e in exceptions] == ["note", "note"]
    assert line.logic is None
    assert line.question == (
        "Have you had another cancer in the last 3 years, other than the cases listed below?"
    )
    assert last.text.startswith("Has spinal cord compression")
    patient = {"sex": "male", "events": [{"name": "prostate cancer", "active": True}]}
    assert eligibility.evaluate(parsed, facts=patient).get(line.id).verdict == "unknown"


def test_a_line_over_who_may_be_tested_is_asked_in_its_own_words():
    parsed = eligibility.parse_criteria(
        "Exclusion Criteria:\n\n12. Osteopenia or osteoporosis. To confirm eligibility, at the "
        "Clinical Investigator's discretion, the following subjects may have a DEXA scan "
        "performed:\n\n    i. Women 65 or older ii. Postmenopausal women \\< age 65\n"
        "13. Morbid obesity, defined as Body Mass Index (BMI) greater than 40kg/m2."
    )
    line = parsed.items[0]
    assert line.logic is None
    assert line.question == "Do you have osteopenia or osteoporosis?"


@pytest.mark.parametrize(
    "line",
    [
        # NCT05440721: the two halves of the sample, each from its own source.
        "One half of the study sample will be recruited from the general population of smokers "
        "via social media advertisements",
        "One half of the study sample will be recruited via mail from a Magellan Behavioral "
        "Health value-based care network",
    ],
)
def test_where_a_share_of_the_participants_comes_from_is_a_note(line):
    parsed = eligibility.parse_criteria(f"Inclusion Criteria:\n\n8. {line}\n9. Age 18 or older")
    assert [item.role for item in parsed.items] == ["note", "criterion"]


# NCT05813925, abridged: sections for the participants with and without type 2 diabetes.
DIABETES_GROUPS = (
    "Inclusion Criteria:\n\n* Male or female\n"
    "* Age greater than to or equal 18 years at the time of signing informed consent\n\n"
    "Diabetes-related for participant with T2D\n\n"
    "* Diagnosed with T2D greater than or equal to 180 days before screening\n"
    "* HbA1c 7.0-10.0 percent (53-86 millimoles per mole [mmol/mol]) (both inclusive) as "
    "measured by central laboratory at screening\n\n"
    "Exclusion Criteria:\n\nObesity-related\n\n"
    "- Treatment with any medication prescribed for the indication of obesity or weight "
    "management within 90 days before screening\n\n"
    "Glycaemia-related for participant without T2D\n\n"
    "* History of type 1 or type 2 diabetes\n"
)


def test_a_section_for_the_participants_with_a_condition_names_that_group():
    parsed = eligibility.parse_criteria(DIABETES_GROUPS)
    assert _sections(parsed) == [
        ("inc-1", None),
        ("inc-2", None),
        ("inc-3", "Diabetes-related for participant with T2D"),
        ("inc-4", "Diabetes-related for participant with T2D"),
        ("exc-1", None),
        ("exc-2", "Glycaemia-related for participant without T2D"),
    ]
    groups = {
        item.id: item.group for item in parsed.items if item.group and item.role == "criterion"
    }
    assert {k: (g.name, g.op, g.qualifier) for k, g in groups.items()} == {
        "inc-3": ("diabetes", "present", "type 2"),
        "inc-4": ("diabetes", "present", "type 2"),
        "exc-2": ("diabetes", "absent", "type 2"),
    }


def test_the_lines_for_a_group_rule_out_only_its_members():
    parsed = eligibility.parse_criteria(DIABETES_GROUPS)
    without = {"age": 50, "events_absent": ["diabetes"], "measurements": {"hba1c": [5.4, "%"]}}
    verdict = eligibility.evaluate(parsed, facts=without)
    assert verdict.get("inc-4").verdict == "not_applicable"
    assert verdict.get("inc-4").reason == "This applies to participants with type 2 diabetes only."
    assert verdict.get("exc-2").verdict == "met"
    assert verdict.verdict != "likely_not_eligible"
    diabetic = {
        "age": 50,
        "events": [
            {"name": "diabetes", "active": True},
            {"name": "type 2 diabetes", "active": True},
        ],
        "measurements": {"hba1c": [6.8, "%"]},
    }
    verdict = eligibility.evaluate(parsed, facts=diabetic)
    assert verdict.get("exc-2").verdict == "not_applicable"
    assert verdict.get("inc-4").verdict == "not_met"
    assert verdict.verdict == "likely_not_eligible"
    assert "inc-4" in verdict.explanation
    assert verdict.scoped == []
    # Nothing known of diabetes: the group's lines are the study team's to settle.
    verdict = eligibility.evaluate(parsed, facts={"age": 50, "measurements": {"hba1c": [6.8, "%"]}})
    assert verdict.get("inc-4").verdict == "not_met"
    assert verdict.verdict == "needs_review"
    assert verdict.scoped == ["inc-4"]


def test_a_lead_in_for_every_patient_is_not_a_section():
    """NCT02759614: "Patients must meet the following criteria for study entry:"."""
    parsed = eligibility.parse_criteria(
        "Inclusion Criteria:\n\nPatients must meet the following criteria for study entry:\n\n"
        "* Signed Informed Consent Form.\n* Age≥18 years."
    )
    assert {item.section for item in parsed.items} == {None}
    verdict = eligibility.evaluate(parsed, facts={"age": 16})
    assert verdict.verdict == "likely_not_eligible"


def test_the_number_an_escaped_list_leaves_is_not_part_of_the_criterion():
    """NCT03416231 bullets numbers ("* 1\\. Male or female ..."); NCT04870190 escapes them."""
    parsed = eligibility.parse_criteria(
        "Inclusion Criteria:\n\n* 1\\. Male or female patients, age: ≥ 18 years of age;\n\n"
        "8\\. Female patients of childbearing age must have a negative serum or urine HCG test "
        "within 7 days before enrollment in the study, and they must be non-lactating.\n"
    )
    assert [item.text[:24] for item in parsed.items] == [
        "Male or female patients,",
        "Female patients of child",
    ]
    verdict = eligibility.evaluate(parsed, facts={"age": 8, "sex": "male"})
    assert verdict.get("inc-2").verdict == "not_applicable"


@pytest.mark.parametrize(
    "lead_in",
    [
        "Treatment with any of the following:",  # NCT02856893
        "Any of the following cardiac criteria:",  # NCT02856893
        "Screening clinical laboratory values that indicate any of the following:",  # NCT01187901
        "(If any of the following apply, the subject MUST NOT enter the study):",  # NCT01959048
        "Participants are excluded from the study if any of the following criteria apply:",
        "The person who meet any of the following criteria will be excluded from the study.",
        "Patients with any of the following concomitant illnesses with the severity considered "
        "inappropriate as a study patient by the principal investigator or the subinvestigator "
        "or medical history thereof:",  # NCT05831670
        "Further criteria apply.",  # NCT05819398
    ],
)
def test_a_lead_in_beside_its_flattened_list_asks_nothing(lead_in):
    parsed = eligibility.parse_criteria(
        f"Inclusion Criteria:\n\n* Age 18 or older\n\nExclusion Criteria:\n\n* {lead_in}\n"
        "* Pregnancy\n* Hepatitis B"
    )
    lead = next(item for item in parsed.items if item.text == lead_in.strip())
    assert (lead.role, lead.asked) == ("note", False)
    assert [i.text for i in parsed.items if i.kind == "exclusion" and i.asked] == [
        "Pregnancy",
        "Hepatitis B",
    ]
    verdict = eligibility.evaluate(parsed, facts={"age": 40, "sex": "male"})
    assert verdict.get(lead.id).verdict == "not_applicable"


@pytest.mark.parametrize(
    "line",
    [
        # Each names what it asks for before its list (NCT02467309, NCT00315042, NCT06669780).
        "Probable bacterial meningitis patients: Clinical manifestation (Any person with sudden "
        "onset of fever and one of the following signs: neck stiffness, altered consciousness or "
        "other meningeal sign) with cerebrospinal fluid examination showing at least one of the "
        "following:",
        "A sore and scratchy throat and/or pain on swallowing (odynophagia) together with at "
        "least 2 of the following clinical signs:",
        "Headache is reported to have developed (or worsened) after one of the following*:",
        # Names a group of its own.
        "Women of childbearing potential must use one of the following methods of contraception:",
        "Subjects who have a known or suspected allergy to any of the following antibiotics: "
        "Gentamicin Sulfate, Meropenem",
    ],
)
def test_a_line_with_words_of_its_own_before_its_list_is_still_asked(line):
    parsed = eligibility.parse_criteria(f"Inclusion Criteria:\n\n* {line}\n* Fever\n* Rash")
    assert parsed.items[0].role == "criterion"


def test_a_ligature_pasted_from_a_pdf_reads_as_its_letters():
    """NCT01139632 writes "deﬁned" with the "ﬁ" ligature: the line is still a definition."""
    parsed = eligibility.parse_criteria(
        "Inclusion Criteria:\n\n"
        "Intermediate Risk patients for having significant CAD is deﬁned as:\n\n"
        "chest pain or dyspnea in the presence of negative stress tests;"
    )
    assert parsed.items[0].role == "definition"
    assert parsed.items[0].text.endswith("is defined as:")
