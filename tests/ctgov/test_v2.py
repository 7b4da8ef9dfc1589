"""API v2 study JSON -> TrialRecord, on real records of the shared ClinicalTrials.gov file."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from ctgov.errors import RecordError
from ctgov.v2 import parse_json, parse_study
from tests.conftest import shared_path
from tests.ctgov.helpers import pick


@cache
def _studies() -> dict[str, dict[str, Any]]:
    path = shared_path("ctgov", "v2", "studies.jsonl")
    with path.open(encoding="utf-8") as lines:
        studies = [json.loads(line) for line in lines]
    return {s["protocolSection"]["identificationModule"]["nctId"]: s for s in studies}


def _study(nct_id: str) -> dict[str, Any]:
    return _studies()[nct_id]


# One row per tricky record; the expected values were read from studies.jsonl.
REAL_RECORDS = [
    (
        "NCT00000410",  # acronym, several collaborators, month-precision dates
        {
            "acronym": "SPORT",
            "org_study_id": "U01 AR45444 NIAMS-004C",
            "secondary_ids": ["U01AR045444"],
            "start_date": "2000-03",
            "completion_date": "2015-04",
            "first_posted_date": "1999-11-04",
            "last_update_posted_date": "2015-08-04",
            "collaborators": [
                "National Institute of Arthritis and Musculoskeletal and Skin Diseases (NIAMS)",
                "National Institute for Occupational Safety and Health (NIOSH/CDC)",
                "Office of Research on Women's Health (ORWH)",
            ],
            "lead_sponsor": "Dartmouth-Hitchcock Medical Center",
            "condition_mesh_terms": [
                "Intervertebral Disc Displacement",
                "Back Pain",
                "Low Back Pain",
                "Hernia",
            ],
            "enrollment_count": 501,
            "enrollment_type": "ACTUAL",
            "#locations": 13,
            "locations[0].city": "Oakland",
            "locations[0].geo.lat": 37.80437,
            "locations[0].geo.lon": -122.2708,
            "interventions[1].arm_labels": ["Non-surgical intervention", "Surgery"],
            "arms[0].interventions": [
                "Procedure: Diskectomy",
                "Procedure: Non-surgical treatments",
            ],
            "#outcomes": 5,
            "outcomes[0].kind": "primary",
            "outcomes[1].kind": "secondary",
        },
    ),
    (
        "NCT00124774",  # no primary completion date, estimated enrollment
        {
            "primary_completion_date": "",
            "completion_date": "2006-04",
            "enrollment_count": 50,
            "enrollment_type": "ESTIMATED",
            "locations[0].zip": "6800 TA",
            "locations[0].state": "",
        },
    ),
    (
        "NCT00353704",  # intervention MeSH terms, a site without a geo point
        {
            "intervention_mesh_terms": ["Pregabalin", "Morphine"],
            "locations[0].facility": "Asker and Baerum Hospital",
            "locations[0].geo": None,
            "lead_sponsor": "Asker & Baerum Hospital",
        },
    ),
    (
        "NCT00405041",  # two phases, other names
        {
            "phases": ["PHASE2", "PHASE3"],
            "interventions[0].type": "DIETARY_SUPPLEMENT",
            "interventions[0].other_names": ["GAVMATINE(TM)"],
        },
    ),
    (
        "NCT01100827",  # "1 Year", no enrollment count, healthy volunteers not stated
        {
            "official_title": "",
            "study_type": "OBSERVATIONAL",
            "overall_status": "UNKNOWN",
            "phases": [],
            "enrollment_count": None,
            "eligibility.minimum_age": 1.0,
            "eligibility.minimum_age_text": "1 Year",
            "eligibility.healthy_volunteers": None,
            "central_contacts[0].email": "ross_soo@nuhs.edu.sg",
            "locations[0].status": "RECRUITING",
            "locations[0].contacts[1].role": "PRINCIPAL_INVESTIGATOR",
        },
    ),
    (
        "NCT05326594",  # "18 Months"
        {
            "eligibility.minimum_age": 1.5,
            "eligibility.minimum_age_text": "18 Months",
            "eligibility.maximum_age": 50.0,
            "eligibility.std_ages": ["CHILD", "ADULT"],
        },
    ),
    (
        "NCT05814159",  # "8 Months", non-ASCII contact name
        {
            "eligibility.minimum_age": pytest.approx(8 / 12, abs=1e-3),
            "eligibility.maximum_age": None,
            "central_contacts[0].name": "Sabrina Paillé, MD",
            "collaborators": ["CMIC Co, Ltd. Japan"],
        },
    ),
    (
        "NCT02841163",  # no age limits at all
        {
            "eligibility.minimum_age": None,
            "eligibility.minimum_age_text": "",
            "eligibility.maximum_age": None,
            "eligibility.std_ages": ["CHILD", "ADULT", "OLDER_ADULT"],
        },
    ),
    (
        "NCT01534065",  # no locations, phase N/A, male only
        {
            "#locations": 0,
            "phases": ["NA"],
            "eligibility.sex": "MALE",
        },
    ),
    (
        "NCT02179567",  # terminated with a reason
        {
            "overall_status": "TERMINATED",
            "why_stopped": "Terminated due to poor accrual",
            "eligibility.minimum_age": 70.0,
            "eligibility.std_ages": ["OLDER_ADULT"],
        },
    ),
    (
        "NCT02663973",  # locations_nested repeats the 24 locations: not doubled
        {
            "#locations": 24,
            "locations[0].facility": "Clínica AMO",
            "locations[0].geo.lat": -12.97111,
            "start_date": "2016-01-01",
        },
    ),
    (
        "NCT03606070",  # central contact with a phone extension
        {
            "acronym": "IMAHTEP",
            "central_contacts[0].phone": "0142114211 ext. +33",
            "start_date": "2017-11-25",
            "primary_completion_date": "2019-05",
        },
    ),
    (
        "NCT06097962",  # early phase 1
        {
            "phases": ["EARLY_PHASE1"],
            "intervention_mesh_terms": ["sugemalimab"],
            "#arms": 3,
        },
    ),
]


@pytest.mark.parametrize(("nct_id", "expected"), REAL_RECORDS, ids=[r[0] for r in REAL_RECORDS])
def test_real_record_maps_to_expected_values(nct_id: str, expected: dict[str, Any]) -> None:
    record = parse_study(_study(nct_id))
    assert record.nct_id == nct_id
    for path, value in expected.items():
        assert pick(record, path) == value, path


def test_every_shared_record_parses() -> None:
    records = [parse_study(s) for s in _studies().values()]
    assert len(records) == 467
    assert sum(len(r.locations) for r in records) == 3858
    assert sum(1 for r in records for loc in r.locations if loc.geo) == 3745


def test_nested_locations_only_are_read() -> None:
    study = json.loads(json.dumps(_study("NCT02663973")))
    module = study["protocolSection"]["contactsLocationsModule"]
    del module["locations"]
    assert len(parse_study(study).locations) == 24


def test_seed_fixture_without_brief_title_or_status(seed_path: Any) -> None:
    record = parse_json(seed_path.read_bytes())
    assert record.nct_id == "NCT04521231"
    assert record.brief_title == ""
    assert record.title.startswith("A Phase 1/2 Open-label Study")
    assert record.overall_status == ""
    assert record.completion_date == "2025-05-07"
    assert record.eligibility.minimum_age == 18.0
    assert record.interventions[0].name == "Blinatumomab"


def _minimal(**protocol: Any) -> dict[str, Any]:
    section = {"identificationModule": {"nctId": "NCT01234567"}, **protocol}
    return {"protocolSection": section}


BAD_STUDIES = [
    ([], "expected a study object"),
    ({}, "missing NCT id"),
    ({"protocolSection": {"identificationModule": {}}}, "missing NCT id"),
    ({"protocolSection": {"identificationModule": {"nctId": 12}}}, "must be a string"),
    ({"protocolSection": {"identificationModule": {"nctId": "ABC"}}}, "invalid NCT id"),
    ({"protocolSection": "x"}, "protocolSection: expected an object"),
    (_minimal(conditionsModule={"conditions": "Asthma"}), "conditions: expected a list"),
    (_minimal(conditionsModule={"conditions": [1]}), "conditions[0]: expected a string"),
    (_minimal(designModule={"enrollmentInfo": {"count": "many"}}), "count: expected a whole"),
    (_minimal(eligibilityModule={"healthyVolunteers": "Yes"}), "true or false"),
    (_minimal(eligibilityModule={"minimumAge": "eighteen"}), "not an age"),
    (_minimal(statusModule={"startDateStruct": {"date": "2020-13"}}), "not a date"),
    (
        _minimal(contactsLocationsModule={"locations": [{"geoPoint": {"lat": "1", "lon": 2}}]}),
        "lat: expected a number",
    ),
]


@pytest.mark.parametrize(("data", "reason"), BAD_STUDIES)
def test_bad_study_raises_record_error_with_reason(data: Any, reason: str) -> None:
    with pytest.raises(RecordError, match=reason.replace("[", r"\[").replace("]", r"\]")):
        parse_study(data)


def test_record_error_keeps_nct_id_when_known() -> None:
    with pytest.raises(RecordError) as caught:
        parse_study(_minimal(conditionsModule={"keywords": "x"}))
    assert caught.value.nct_id == "NCT01234567"
    assert isinstance(caught.value, ValueError)
