"""Legacy <clinical_study> XML -> TrialRecord, on real records of the shared folder."""

from __future__ import annotations

from typing import Any

import pytest

from ctgov.errors import RecordError
from ctgov.legacy_xml import parse_xml
from tests.conftest import shared_path
from tests.ctgov.helpers import pick


def _parse(name: str) -> Any:
    return parse_xml(shared_path("ctgov", "legacy-xml", f"{name}.xml").read_bytes())


# One row per tricky file; the expected values were read from the XML.
REAL_RECORDS = [
    (
        "NCT00000102",  # "Phase 1/Phase 2", MeSH terms, no study dates at all
        {
            "phases": ["PHASE1", "PHASE2"],
            "study_type": "INTERVENTIONAL",
            "overall_status": "COMPLETED",
            "start_date": "",
            "completion_date": "",
            "first_posted_date": "1999-11-04",
            "last_update_posted_date": "2005-06-24",
            "condition_mesh_terms": [
                "Adrenal Hyperplasia, Congenital",
                "Adrenogenital Syndrome",
                "Adrenocortical Hyperfunction",
                "Hyperplasia",
            ],
            "intervention_mesh_terms": ["Nifedipine"],
            "interventions[0].type": "DRUG",
            "secondary_ids": ["M01RR001070"],
            "eligibility.sex": "ALL",
            "eligibility.minimum_age": 14.0,
            "eligibility.maximum_age": 35.0,
            "eligibility.healthy_volunteers": False,
            "eligibility.std_ages": ["CHILD", "ADULT"],
            "locations[0].facility": "Medical University of South Carolina",
            "locations[0].city": "Charleston",
            "locations[0].geo": None,
            "brief_summary": (
                "This study will test the ability of extended release nifedipine (Procardia XL),"
                " a blood\npressure medication, to permit a decrease in the dose of glucocorticoid"
                " medication children\ntake to treat congenital adrenal hyperplasia (CAH)."
            ),
        },
    ),
    (
        "NCT00001177",  # anticipated enrollment, healthy volunteers, site and central contacts
        {
            "study_type": "OBSERVATIONAL",
            "overall_status": "RECRUITING",
            "start_date": "1981-08-24",
            "enrollment_count": 1600,
            "enrollment_type": "ESTIMATED",
            "eligibility.sex": "FEMALE",
            "eligibility.healthy_volunteers": True,
            "central_contacts[0].name": "Peter J Schmidt, M.D.",
            "central_contacts[0].role": "CONTACT",
            "central_contacts[0].phone": "(301) 496-6120",
            "locations[0].status": "RECRUITING",
            "locations[0].zip": "20892",
            "locations[0].contacts[0].phone": "800-411-1222 ext. TTY8664111010",
        },
    ),
    (
        "NCT02028676",  # "3 Months", collaborators, many arms
        {
            "acronym": "ARROW",
            "eligibility.minimum_age": 0.25,
            "eligibility.minimum_age_text": "3 Months",
            "eligibility.maximum_age": 17.0,
            "eligibility.std_ages": ["CHILD"],
            "collaborators": [
                "Department for International Development, United Kingdom",
                "ViiV Healthcare",
                "GlaxoSmithKline",
            ],
            "#arms": 9,
            "#outcomes": 58,
        },
    ),
    (
        "NCT00734539",  # minimum "N/A", maximum "5 Days"
        {
            "eligibility.minimum_age": None,
            "eligibility.minimum_age_text": "N/A",
            "eligibility.maximum_age": pytest.approx(5 / 365.25, abs=1e-4),
            "eligibility.maximum_age_text": "5 Days",
            "interventions[0].other_names": ["Diflucan"],
            "arms[0].interventions": ["Drug: fluconazole"],
            "#locations": 33,
        },
    ),
    (
        "NCT05480072",  # early phase 1, not yet recruiting
        {
            "phases": ["EARLY_PHASE1"],
            "overall_status": "NOT_YET_RECRUITING",
            "start_date": "2022-08",
            "enrollment_type": "ESTIMATED",
            "locations[0].contacts[0].email": "aroy19@bwh.harvard.edu",
        },
    ),
    (
        "NCT01534533",  # "Phase 2/Phase 3", dietary supplement
        {
            "phases": ["PHASE2", "PHASE3"],
            "interventions[0].type": "DIETARY_SUPPLEMENT",
            "arms[0].type": "PLACEBO_COMPARATOR",
        },
    ),
    (
        "NCT00739817",  # "Unknown status", both ages N/A
        {
            "overall_status": "UNKNOWN",
            "eligibility.minimum_age": None,
            "eligibility.maximum_age": None,
            "eligibility.std_ages": ["CHILD", "ADULT", "OLDER_ADULT"],
        },
    ),
    (
        "NCT03182660",  # withheld: study type "N/A", no eligibility, no locations
        {
            "overall_status": "WITHHELD",
            "study_type": "",
            "#locations": 0,
            "eligibility.sex": "",
            "eligibility.std_ages": [],
            "enrollment_count": None,
        },
    ),
    (
        "NCT01076361",  # "Observational [Patient Registry]"
        {"study_type": "OBSERVATIONAL", "#locations": 106},
    ),
    (
        "NCT00277524",  # why_stopped; "&amp;" and friends decode
        {
            "overall_status": "TERMINATED",
            "why_stopped": "Ended follow-up after four years",
            "collaborators": ["Medtronic"],
        },
    ),
    (
        "NCT00980226",  # file named by the alias: the record carries the real NCT id
        {"nct_id": "NCT00081588", "phases": ["PHASE2"]},
    ),
    (
        "NCT00056407",  # &quot; in the title
        {
            "brief_title": '"REDUCE" - A Clinical Research Study To Reduce The Incidence Of '
            "Prostate Cancer In Men Who Are At Increased Risk"
        },
    ),
]


@pytest.mark.parametrize(("name", "expected"), REAL_RECORDS, ids=[r[0] for r in REAL_RECORDS])
def test_real_record_maps_to_expected_values(name: str, expected: dict[str, Any]) -> None:
    record = _parse(name)
    for path, value in expected.items():
        assert pick(record, path) == value, path


def test_entities_and_carriage_returns_decode() -> None:
    outcome = _parse("NCT00023673").outcomes
    assert any("p<= 62.3%" in o.description for o in outcome)
    assert any(o.description.startswith('"Complete response"') for o in outcome)
    summary = _parse("NCT00055081").brief_summary
    assert "\r" not in summary
    assert summary.startswith("The purpose of this study is to examine how services")


def test_every_shared_file_parses() -> None:
    folder = shared_path("ctgov", "legacy-xml")
    records = [parse_xml(p.read_bytes()) for p in sorted(folder.glob("*.xml"))]
    assert len(records) == 126
    assert all(r.nct_id.startswith("NCT") for r in records)


STUDY = "<clinical_study><id_info><nct_id>NCT01234567</nct_id></id_info>{}</clinical_study>"

BAD_XML = [
    ("<clinical_study><id_info><nct_id>NCT0", "broken XML"),
    ("<search_results/>", "not a <clinical_study> document"),
    ("<clinical_study><brief_title>x</brief_title></clinical_study>", "missing NCT id"),
    (STUDY.format("<phase>Phase 9</phase>"), "unknown phase"),
    (STUDY.format("<enrollment>lots</enrollment>"), "expected a whole number"),
    (STUDY.format("<start_date>Someday 2020</start_date>"), "not a date"),
    (STUDY.format("<eligibility><minimum_age>old</minimum_age></eligibility>"), "not an age"),
]


@pytest.mark.parametrize(("xml", "reason"), BAD_XML)
def test_bad_xml_raises_record_error(xml: str, reason: str) -> None:
    with pytest.raises(RecordError, match=reason):
        parse_xml(xml)


def test_minimal_inline_study_maps_legacy_values() -> None:
    record = parse_xml(
        STUDY.format(
            "<overall_status>Active, not recruiting</overall_status><phase>N/A</phase>"
            "<study_type>Expanded Access</study_type><start_date>July 24, 2020</start_date>"
            '<completion_date type="Anticipated">July 2020</completion_date>'
            '<enrollment type="Anticipated">40</enrollment>'
            "<eligibility><gender>Both</gender><minimum_age>6 Months</minimum_age>"
            "<maximum_age>2 Weeks</maximum_age></eligibility>"
            "<sponsors><lead_sponsor><agency>A &amp; B</agency></lead_sponsor></sponsors>"
        )
    )
    assert record.overall_status == "ACTIVE_NOT_RECRUITING"
    assert record.phases == ["NA"]
    assert record.study_type == "EXPANDED_ACCESS"
    assert (record.start_date, record.completion_date) == ("2020-07-24", "2020-07")
    assert (record.enrollment_count, record.enrollment_type) == (40, "ESTIMATED")
    assert record.eligibility.sex == "ALL"
    assert record.eligibility.minimum_age == 0.5
    assert record.eligibility.maximum_age == pytest.approx(14 / 365.25, abs=1e-4)
    assert record.lead_sponsor == "A & B"
