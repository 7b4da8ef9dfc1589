"""Profile JSON, FHIR bundles and patient files: the same patient reads the same everywhere."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from eligibility import evaluate, parse_criteria
from eligibility.profile import (
    ProfileError,
    load_patient_file,
    load_profile,
    profile_from_fhir,
    profile_from_text,
)
from eligibility.profile.model import Performance, Profile
from eligibility.profile.units import normalise
from tests.conftest import SEED_FIXTURE

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = dt.date(2025, 3, 1)


def _json(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text("utf-8"))


def _seed_profiles() -> dict[str, Profile]:
    return {
        "json": load_profile(_json("seed_profile.json")),
        "text": profile_from_text((FIXTURES / "seed_note.txt").read_text("utf-8"), as_of=AS_OF),
        "fhir": profile_from_fhir(_json("seed_mcode_bundle.json"), as_of=AS_OF),
    }


@pytest.mark.parametrize("source", ["json", "text", "fhir"])
def test_seed_case_reads_the_same_from_every_source(source: str) -> None:
    p = _seed_profiles()[source]
    facts = p.to_facts()
    assert p.source == source
    assert int(facts["age"]) == 34
    assert facts["sex"] == "male"
    assert facts["ecog"] == 1
    assert facts["measurements"]["bone marrow blasts"] == (40.0, "%")
    assert facts["measurements"]["hemoglobin"] == pytest.approx((9.8, "g/dl"))
    assert facts["measurements"]["platelets"] == (45.0, "10^9/l")
    assert facts["measurements"]["serum creatinine"][0] == pytest.approx(0.9, abs=0.01)
    names = {e["name"] for e in facts["events"] if e["active"]}
    assert {"b cell acute lymphoblastic leukemia", "b all", "relapse"} <= names
    leukemia = next(c for c in p.conditions if c.name.startswith("B-cell acute"))
    assert leukemia.stage == "second relapse"
    assert "B-ALL" in p.search_text()


def test_transplant_six_weeks_ago_rules_out_the_seed_trial() -> None:
    trial = json.loads(SEED_FIXTURE.read_text("utf-8"))
    parsed = parse_criteria(trial["protocolSection"]["eligibilityModule"]["eligibilityCriteria"])
    with_hsct = evaluate(parsed, facts=_seed_profiles()["fhir"].to_facts())
    without = evaluate(parsed, facts=_seed_profiles()["json"].to_facts())
    transplant_item = next(
        i.id
        for i in parsed.items
        if any(c.name == "allogeneic hsct" and c.op == "within" for c in i.constraints)
    )
    assert with_hsct.get(transplant_item).verdict == "not_met"  # type: ignore[union-attr]
    assert with_hsct.verdict == "likely_not_eligible"
    assert without.get(transplant_item).verdict != "not_met"  # type: ignore[union-attr]
    blasts = next(
        i.id for i in parsed.items if any(c.name == "bone marrow blasts" for c in i.constraints)
    )
    ecog = next(i.id for i in parsed.items if any(c.concept == "ecog" for c in i.constraints))
    for verdict in (with_hsct, without):
        assert verdict.get(blasts).verdict == "met"  # type: ignore[union-attr]
        assert verdict.get(ecog).verdict == "met"  # type: ignore[union-attr]


def test_no_transplant_is_kept_as_a_known_absence() -> None:
    facts = _seed_profiles()["json"].to_facts()
    assert "allogeneic hsct" in facts["events_absent"]
    assert all(e["name"] != "allogeneic hsct" for e in facts["events"])


@pytest.mark.parametrize(
    ("treatment", "verdict"),
    [
        ({"name": "pembrolizumab", "kind": "immunotherapy"}, "not_met"),
        ({"name": "Keytruda", "kind": "immunotherapy"}, "not_met"),
        ({"name": "checkpoint inhibitors", "kind": "immunotherapy"}, "not_met"),
        ({"name": "alemtuzumab", "kind": "immunotherapy"}, "unknown"),
        ({"name": "blinatumomab", "kind": "immunotherapy"}, "unknown"),
    ],
)
def test_only_a_checkpoint_inhibitor_counts_as_one(treatment, verdict) -> None:
    """NCT06823401 excludes prior checkpoint inhibitors, not every immunotherapy."""
    parsed = parse_criteria(
        "Exclusion Criteria:\n\n* Previous therapy with any checkpoint inhibitor"
    )
    facts = load_profile({"treatments": [treatment]}).to_facts()
    assert "immunotherapy" in {e["name"] for e in facts["events"]}
    assert evaluate(parsed, facts=facts).get("exc-1").verdict == verdict  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("data", "pregnant", "breastfeeding"),
    [
        ({"sex": "male"}, False, False),
        ({"sex": "female"}, None, None),
        ({"sex": "female", "pregnant": True}, True, None),
        ({}, None, None),
    ],
)
def test_a_man_is_neither_pregnant_nor_breastfeeding(data, pregnant, breastfeeding) -> None:
    facts = load_profile(data).to_facts()
    assert facts.get("pregnant") is pregnant
    assert facts.get("breastfeeding") is breastfeeding


@pytest.mark.parametrize(
    ("data", "healthy"),
    [
        ({"conditions": [{"name": "asthma"}]}, False),
        ({"conditions": [{"name": "asthma", "status": "resolved"}]}, None),
        ({"conditions": [{"name": "asthma", "status": "absent"}]}, None),
        ({"healthy": True}, True),
        ({"healthy": False}, False),
        ({}, None),
    ],
)
def test_an_active_condition_means_not_healthy(data, healthy) -> None:
    assert load_profile(data).to_facts().get("healthy") is healthy


@pytest.mark.parametrize(
    ("note", "healthy"),
    [
        ("I am a healthy 30-year-old woman interested in vaccine studies.", True),
        ("I have asthma.", False),
        ("I am healthy apart from my asthma.", False),
        ("A 45-year-old man presents with chest pain.", False),
        ("A 45-year-old otherwise healthy man presents with chest pain.", False),
        ("55 year old man.", None),
        ("A 45-year-old man comes to the clinic for a routine check-up.", None),
        ("She visits her doctor for an annual physical.", None),
        ("A 60-year-old woman comes to the clinic because of a cough.", False),
    ],
)
def test_a_note_tells_whether_the_person_is_unwell(note, healthy) -> None:
    assert profile_from_text(note).to_facts().get("healthy") is healthy


def test_plain_bundle() -> None:
    p = profile_from_fhir(_json("plain_bundle.json"), as_of=AS_OF)
    assert (p.sex, int(p.age_years or 0), p.pregnant) == ("female", 58, False)
    assert p.location is not None and p.location.postcode == "02118"
    status = {c.name: c.status for c in p.conditions}
    assert status == {
        "Hypertension": "active",
        "Obesity": "active",
        "Community-acquired pneumonia": "resolved",
        "Type 2 diabetes mellitus": "absent",
    }
    facts = p.to_facts()
    assert facts["measurements"]["systolic blood pressure"] == (152.0, "mmhg")
    assert facts["measurements"]["bmi"] == (33.1, "kg/m2")
    assert "type 2 diabetes" in facts["events_absent"]
    assert [m.name for m in p.medications] == ["amlodipine"]
    assert p.treatments[0].name == "Appendectomy" and p.treatments[0].end == dt.date(1990, 7, 1)


def test_age_from_birth_date_counts_completed_months() -> None:
    p = load_profile({"birth_date": "2024-09-02", "as_of": "2025-03-01"})
    assert p.age_years == 0.42
    assert load_profile({"birth_date": "1991-03-02", "as_of": "2025-03-01"}).age_years == 33.92


@pytest.mark.parametrize(
    ("performance", "ecog", "karnofsky"),
    [
        ({"ecog": 1}, 1, (70, 80)),
        ({"karnofsky": 60}, 2, (60, 60)),
        ({"lansky": 90}, 0, None),
        ({}, None, None),
    ],
)
def test_performance_conversion(
    performance: dict[str, int], ecog: int | None, karnofsky: Any
) -> None:
    p = Performance(**performance)
    assert p.ecog_estimate() == ecog
    assert p.karnofsky_range() == karnofsky


@pytest.mark.parametrize(
    ("name", "value", "unit", "expected"),
    [
        ("hemoglobin", 98, "g/L", ("hemoglobin", 9.8, "g/dl", True)),
        ("Hgb", 9.8, "g/dL", ("hemoglobin", 9.8, "g/dl", True)),
        ("creatinine", 88.4, "µmol/L", ("serum creatinine", 0.9998, "mg/dl", True)),
        ("Creatinine", 1.0, "mg/dL", ("serum creatinine", 1.0, "mg/dl", True)),
        ("total bilirubin", 17.1, "umol/L", ("total bilirubin", 1.0, "mg/dl", True)),
        ("platelets", 150000, "/mm3", ("platelets", 150.0, "10^9/l", True)),
        ("platelet count", 150, "x 10^9/L", ("platelets", 150.0, "10^9/l", True)),
        ("ANC", 1500, "cells/µL", ("absolute neutrophil count", 1.5, "10^9/l", True)),
        ("WBC", 4.5, "10*3/uL", ("white blood cells", 4.5, "10^9/l", True)),
        ("CD4", 0.35, "10^9/L", ("cd4 count", 350.0, "cells/mm3", True)),
        ("marrow blasts", 40, "%", ("bone marrow blasts", 40.0, "%", True)),
        ("blasts", 40, None, ("bone marrow blasts", 40.0, "%", True)),
        ("albumin", 35, "g/L", ("albumin", 3.5, "g/dl", True)),
        ("glucose", 5.5, "mmol/L", ("glucose", 99.088, "mg/dl", True)),
        ("LDL-C", 3.4, "mmol/L", ("ldl cholesterol", 131.478, "mg/dl", True)),
        ("cholesterol", 200, "mg/dL", ("total cholesterol", 200.0, "mg/dl", True)),
        ("triglycerides", 2.0, "mmol/L", ("triglycerides", 177.14, "mg/dl", True)),
        ("weight", 154, "lbs", ("body weight", 69.853, "kg", True)),
        ("gestational age", 161, "days", ("gestational age", 23.0, "week", True)),
        ("gestational age at birth", 34, "wk", ("gestational age at birth", 34.0, "week", True)),
        ("ferritin", 20, "ng/mL", ("ferritin", 20.0, "ng/ml", False)),
        ("hemoglobin", 9, "furlongs", ("hemoglobin", 9.0, "furlongs", False)),
        ("hemoglobin", 9, None, ("hemoglobin", 9.0, "g/dl", True)),
        ("hemoglobin", 98, None, ("hemoglobin", 9.8, "g/dl", True)),
        ("platelets", 300000, None, ("platelets", 300.0, "10^9/l", True)),
        ("platelets", 108, None, ("platelets", 108.0, "10^9/l", True)),
        ("WBC", 25000, None, ("white blood cells", 25.0, "10^9/l", True)),
        ("glucose", 5.5, None, ("glucose", 99.088, "mg/dl", True)),
        ("ferritin", 20, None, ("ferritin", 20.0, None, False)),
    ],
)
def test_unit_normalisation(
    name: str, value: float, unit: str | None, expected: tuple[Any, ...]
) -> None:
    n = normalise(name, value, unit)
    assert (n.name, n.unit, n.known) == (expected[0], expected[2], expected[3])
    assert n.value == pytest.approx(expected[1], rel=1e-3)


def test_loinc_code_decides_the_analyte() -> None:
    assert normalise("Hemoglobin [Mass/volume] in Blood", 98, "g/L", "718-7").name == "hemoglobin"


_LABS = [{"name": "hemoglobin", "value": 9.8}, {"name": "platelets", "value": 45}]

BAD_PROFILES: list[tuple[Any, str]] = [
    ({"labs": [*_LABS, {"name": "blasts", "value": "high"}]}, "labs[2].value: expected a number"),
    ({"labs": [{"value": 3}]}, "labs[0].name: required"),
    ({"age": -3}, "age: must be at least 0"),
    ({"age": "old"}, "age: expected a number"),
    ({"sex": "f"}, "sex: expected one of 'female', 'male', 'other' or 'unknown'"),
    ({"conditions": [{"status": "active"}]}, "conditions[0].name: required"),
    ({"conditions": [{"name": "x", "status": "gone"}]}, "conditions[0].status: expected one of"),
    ({"conditions": "asthma"}, "conditions: expected a list"),
    ({"birth_date": "1990-13-01"}, "birth_date: expected a date (YYYY-MM-DD)"),
    ({"birth_date": "2030-01-01", "as_of": "2025-01-01"}, "birth_date is after as_of"),
    ({"performance": {"ecog": 7}}, "performance.ecog: must be at most 5"),
    ({"performance": {"karnofsky": 75}}, "performance.karnofsky: must be a multiple of 10"),
    ({"performance": {"nyha": 5}}, "performance.nyha: must be at most 4"),
    ({"performance": {"nyha": 0}}, "performance.nyha: must be at least 1"),
    ({"location": {"lat": 10}}, "location: give both lat and lon, or neither"),
    ({"location": {"lat": 100, "lon": 3}}, "location.lat: must be at most 90"),
    (
        {"treatments": [{"name": "x", "start": "2020-02-01", "end": "2019-01-01"}]},
        "treatments[0]: end is before start",
    ),
    (
        {"treatments": [{"name": "x", "line": "first"}]},
        "treatments[0].line: expected a whole number",
    ),
    ({"pregnant": "perhaps"}, "pregnant: expected true or false"),
    (
        {"medications": [{"name": "fluticasone", "route": "by magic"}]},
        "medications[0].route: expected one of 'oral', 'intravenous',",
    ),
    ({"colour": "blue"}, "colour: unknown field"),
    ([], "expected a JSON object, got list"),
]


@pytest.mark.parametrize(("data", "message"), BAD_PROFILES)
def test_bad_profile_json_names_the_field(data: Any, message: str) -> None:
    with pytest.raises(ProfileError) as err:
        load_profile(data)
    assert message in str(err.value)
    assert ".0" not in str(err.value)


def _bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "entry": [{"resource": r} for r in resources]}


_OK = [
    {"resourceType": "Patient", "gender": "female", "birthDate": "1970-01-01"},
    {"resourceType": "Condition", "code": {"text": "Asthma"}},
    {"resourceType": "Encounter"},
]
_LOINC = "http://loinc.org"

BAD_BUNDLES: list[tuple[Any, str]] = [
    (
        {"resourceType": "Patient"},
        "resourceType: expected a FHIR Bundle, got resourceType 'Patient'",
    ),
    ([], "expected a FHIR Bundle (a JSON object)"),
    ({"resourceType": "Bundle", "entry": {}}, "entry: expected a list"),
    (
        {"resourceType": "Bundle", "entry": [{"fullUrl": "x"}]},
        "entry[0].resource: expected an object",
    ),
    (
        {"resourceType": "Bundle", "entry": [{"resource": {"id": "x"}}]},
        "entry[0].resource.resourceType: expected",
    ),
    (
        _bundle(
            *_OK,
            {
                "resourceType": "Observation",
                "code": {"text": "Hemoglobin"},
                "valueQuantity": {"value": "9.8", "unit": "g/dL"},
            },
        ),
        "entry[3].resource.valueQuantity.value: expected a number",
    ),
    (
        _bundle({"resourceType": "Patient", "birthDate": "15/06/1990"}),
        "entry[0].resource.birthDate: expected a FHIR date",
    ),
    (
        _bundle({"resourceType": "Patient", "gender": "M"}),
        "entry[0].resource.gender: expected male, female",
    ),
    (
        _bundle({"resourceType": "Condition", "clinicalStatus": {}}),
        "entry[0].resource.code: a Condition needs a code or text",
    ),
    (
        _bundle({"resourceType": "Condition", "code": {"coding": "C91"}}),
        "entry[0].resource.code.coding: expected a list",
    ),
    (
        _bundle(
            {
                "resourceType": "Observation",
                "code": {"coding": [{"system": _LOINC, "code": "89247-1"}]},
                "valueInteger": 9,
            }
        ),
        "entry[0].resource.value[x]: ECOG must be between 0 and 5",
    ),
    (
        _bundle(
            {
                "resourceType": "Observation",
                "code": {"coding": [{"system": _LOINC, "code": "88020-3"}]},
                "valueCodeableConcept": {"text": "Unknown"},
            }
        ),
        "entry[0].resource.valueCodeableConcept: no NYHA class in the answer",
    ),
    (
        _bundle(
            {
                "resourceType": "Observation",
                "code": {"coding": [{"system": _LOINC, "code": "88020-3"}]},
                "valueInteger": 5,
            }
        ),
        "entry[0].resource.value[x]: the NYHA class must be between 1 and 4",
    ),
    (
        _bundle(
            {
                "resourceType": "Procedure",
                "code": {"text": "HSCT"},
                "performedPeriod": {"start": "2025-02-30"},
            }
        ),
        "entry[0].resource.performedPeriod.start: not a real calendar date",
    ),
    (
        _bundle({"resourceType": "MedicationStatement", "status": "active"}),
        "entry[0].resource.medicationCodeableConcept: a medication needs",
    ),
    (
        _bundle(
            {
                "resourceType": "MedicationStatement",
                "medicationCodeableConcept": {"text": "fluticasone"},
                "dosage": [{"route": "inhaled"}],
            }
        ),
        "entry[0].resource.dosage[0].route: expected an object",
    ),
]


@pytest.mark.parametrize(("bundle", "message"), BAD_BUNDLES)
def test_bad_bundle_names_the_entry_and_field(bundle: Any, message: str) -> None:
    with pytest.raises(ProfileError) as err:
        profile_from_fhir(bundle, as_of=AS_OF)
    assert message in str(err.value)


_CLASS_II = {"valueCodeableConcept": {"text": "Class II - Slight limitation of physical activity"}}


def test_karnofsky_from_a_coded_answer_and_other_resources_skipped() -> None:
    obs = {
        "resourceType": "Observation",
        "code": {"coding": [{"system": _LOINC, "code": "89243-0"}]},
        "valueCodeableConcept": {"text": "80 - Normal activity with effort"},
    }
    p = profile_from_fhir(_bundle(*_OK, obs), as_of=AS_OF)
    assert p.performance.karnofsky == 80
    assert p.performance.ecog_estimate() == 1


@pytest.mark.parametrize(("value", "nyha"), [({"valueInteger": 3}, 3), (_CLASS_II, 2)])
def test_nyha_class_from_an_observation(value: dict, nyha: int) -> None:
    obs = {
        "resourceType": "Observation",
        "code": {"coding": [{"system": _LOINC, "code": "88020-3"}]},
        **value,
    }
    p = profile_from_fhir(_bundle(*_OK, obs), as_of=AS_OF)
    assert p.performance.nyha == nyha
    assert p.to_facts()["nyha"] == nyha


@pytest.mark.parametrize(
    ("code", "name"), [("49051-6", "gestational age"), ("76516-4", "gestational age at birth")]
)
def test_gestational_age_from_an_observation(code: str, name: str) -> None:
    obs = {
        "resourceType": "Observation",
        "code": {"coding": [{"system": _LOINC, "code": code}], "text": "Gestational age"},
        "valueQuantity": {"value": 30, "unit": "wk"},
    }
    p = profile_from_fhir(_bundle(*_OK, obs), as_of=AS_OF)
    assert p.to_facts()["measurements"][name] == (30.0, "week")


@pytest.mark.parametrize("unit", ["/min", "breaths/min"])
def test_respiratory_rate_from_an_observation(unit: str) -> None:
    """FHIR's UCUM unit for a rate is "/min"; for breathing it means breaths a minute."""
    obs = {
        "resourceType": "Observation",
        "code": {"coding": [{"system": _LOINC, "code": "9279-1"}], "text": "Respiratory rate"},
        "valueQuantity": {"value": 24, "unit": unit},
    }
    p = profile_from_fhir(_bundle(*_OK, obs), as_of=AS_OF)
    assert p.to_facts()["measurements"]["respiratory rate"] == (24.0, "breaths/min")


def test_patient_files(tmp_path: Path) -> None:
    assert load_patient_file(FIXTURES / "seed_note.txt", as_of=AS_OF).source == "text"
    assert load_patient_file(FIXTURES / "seed_mcode_bundle.json", as_of=AS_OF).source == "fhir"
    assert load_patient_file(FIXTURES / "seed_profile.json").source == "json"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.json", None, "no such file"),
        ("empty.txt", "  \n", "empty.txt: the file is empty"),
        ("empty.json", "", "empty.json: the file is empty"),
        ("broken.json", "{not json", "broken.json: not valid JSON (line 1, column 2"),
        (
            "patient.json",
            '{"resourceType": "Patient"}',
            "patient.json: resourceType: a FHIR 'Patient' resource",
        ),
        (
            "bad.json",
            '{"labs": [{"name": "Hb", "value": "x"}]}',
            "bad.json: labs[0].value: expected a number",
        ),
        ("notes.csv", "age,34", "notes.csv: expected a .txt note or a .json profile"),
        ("latin.txt", b"caf\xe9", "latin.txt: not UTF-8 text"),
    ],
)
def test_bad_patient_files(
    tmp_path: Path, name: str, content: str | bytes | None, message: str
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, "utf-8")
    with pytest.raises(ProfileError) as err:
        load_patient_file(path)
    assert message in str(err.value)


def test_profile_json_round_trips() -> None:
    p = load_profile(_json("seed_profile.json"))
    again = load_profile(json.loads(p.model_dump_json()))
    assert again == p
    assert copy.deepcopy(p.to_facts()) == again.to_facts()


def test_search_text_leaves_out_what_the_patient_does_not_have() -> None:
    p = profile_from_text(
        "A 61-year-old man with NSCLC and HTN. He denies diabetes. No prior chemotherapy.",
        as_of=AS_OF,
    )
    text = p.search_text()
    assert text.startswith("non-small cell lung cancer; NSCLC; lung cancer")
    assert "hypertension" in text
    assert "diabetes" not in text and "chemotherapy" not in text


def test_complete_history_lets_the_engine_read_unlisted_events_as_absent() -> None:
    """An event the notes never mention stays unknown; a denied one or a complete history
    reads as absent."""
    trial = json.loads(SEED_FIXTURE.read_text("utf-8"))
    parsed = parse_criteria(trial["protocolSection"]["eligibilityModule"]["eligibilityCriteria"])
    data = _json("seed_profile.json")
    item = next(
        i.id
        for i in parsed.items
        if any(c.name == "allogeneic hsct" and c.op == "within" for c in i.constraints)
    )
    silent = {k: v for k, v in load_profile(data).to_facts().items() if k != "events_absent"}
    assert evaluate(parsed, facts=silent).get(item).verdict == "unknown"  # type: ignore[union-attr]
    denied = load_profile(data).to_facts()
    assert evaluate(parsed, facts=denied).get(item).verdict == "met"  # type: ignore[union-attr]
    complete = load_profile({**data, "history_complete": True}).to_facts()
    assert complete["events_complete"] is True
    assert evaluate(parsed, facts=complete).get(item).verdict == "met"  # type: ignore[union-attr]


def test_nearest_cue_decides_past_or_current_and_organ_transplant_is_not_hsct() -> None:
    p = profile_from_text(
        "A 50-year-old man s/p kidney transplant in 2015 on tacrolimus. "
        "No prior stem cell transplant.",
        as_of=AS_OF,
    )
    assert [m.name for m in p.medications if m.status == "active"] == ["tacrolimus"]
    transplant = next(t for t in p.treatments if t.name == "solid organ transplant")
    assert (transplant.status, transplant.start) == ("completed", dt.date(2015, 1, 1))
    facts = p.to_facts()
    assert "stem cell transplant" in facts["events_absent"]
    assert all(e["name"] != "stem cell transplant" for e in facts["events"])


def test_a_denied_condition_denies_itself_not_the_broader_terms_it_names() -> None:
    p = profile_from_text(
        "A 25-year-old pregnant woman with fever, dysuria and flank pain. She has no history of "
        "recurrent UTI prior to her pregnancy. The urine culture showed Gram-negative rods.",
        as_of=AS_OF,
    )
    absent = p.to_facts()["events_absent"]
    assert "urinary tract infection" in absent
    assert "infection" not in absent, "no UTI says nothing of other infections"
    parsed = parse_criteria(
        "Inclusion Criteria:\n\n* HIV-1 infection as documented by Screening plasma HIV-1 RNA "
        ">=1000 cubic (c)/mL"
    )
    outcome = evaluate(parsed, facts=p.to_facts()).criteria[0]
    assert outcome.verdict == "unknown"


def test_sections_of_a_note_tell_past_and_family_history_from_now() -> None:
    p = profile_from_text(
        "A 60-year-old man with chest pain.\n"
        "Family History:\nMother: breast cancer\n- Father: diabetes\n"
        "Past Medical History:\n1. Stroke ([**2137**]) with mild residual deficits\n2. HTN\n"
        "He came in today with a new rash on both arms and a fever that started two days ago, "
        "and he takes aspirin every morning.",
        as_of=AS_OF,
    )
    status = {c.name: c.status for c in p.conditions}
    # A stroke in the past medical history is over; hypertension is a lasting condition the
    # person still has.
    assert status.get("stroke") == "history" and status.get("hypertension") == "active"
    assert "breast cancer" not in status and "diabetes" not in status, "relatives' conditions"
    assert [m.name for m in p.medications if m.status == "active"] == ["aspirin"]


def test_a_heading_with_text_on_its_line_covers_that_sentence_only() -> None:
    p = profile_from_text("PMH: pneumonia, HTN. Now presents with an acute stroke.", as_of=AS_OF)
    status = {c.name: c.status for c in p.conditions}
    assert status["pneumonia"] == "history"
    assert status["hypertension"] == "active"
    assert status["stroke"] == "active"


@pytest.mark.parametrize(
    ("note", "status"),
    [
        ("History of asthma.", "active"),
        ("h/o HTN, DM2", "active"),
        ("History of asthma, resolved.", "history"),
        ("Her asthma resolved in childhood.", "history"),
        ("She had asthma as a child.", "history"),
        ("Asthma in remission.", "history"),
        ("History of pneumonia.", "history"),
        ("Previously diagnosed with type 2 diabetes.", "active"),
        ("He had a prior history of diabetes.", "active"),
    ],
)
def test_a_record_of_a_lasting_condition_says_the_person_still_has_it(
    note: str, status: str
) -> None:
    conditions = profile_from_text(note, as_of=AS_OF).conditions
    assert conditions and {c.status for c in conditions} == {status}


def test_a_cue_before_one_condition_of_a_list_does_not_end_the_lasting_ones() -> None:
    p = profile_from_text("65 yo man with history of CAD and prior MI, HLD, HTN.", as_of=AS_OF)
    status = {c.name: c.status for c in p.conditions}
    assert status == {
        "coronary artery disease": "active",
        "myocardial infarction": "history",
        "hyperlipidemia": "active",
        "hypertension": "active",
    }


SYSTEMIC_STEROIDS = parse_criteria(
    "Exclusion Criteria:\n\n* Have received systemic steroid therapy or any other form of "
    "immunosuppressive therapy within 14 days prior to the first dose of study drugs."
)


def _steroid_line_verdict(profile: Profile) -> str:
    return evaluate(SYSTEMIC_STEROIDS, facts=profile.to_facts()).criteria[0].verdict


@pytest.mark.parametrize(("route", "verdict"), [("inhaled", "unknown"), ("oral", "not_met")])
def test_an_inhaled_steroid_is_not_taken_for_a_systemic_one(route: str, verdict: str) -> None:
    as_json = load_profile(
        {"as_of": "2025-03-01", "medications": [{"name": "prednisone", "route": route}]}
    )
    bundle = _bundle(
        {
            "resourceType": "MedicationStatement",
            "medicationCodeableConcept": {"text": "prednisone"},
            "dosage": [
                {"text": "twice daily"},
                {"route": {"coding": [{"display": f"{route.title()} route"}]}},
            ],
        }
    )
    from_fhir = profile_from_fhir(bundle, as_of=AS_OF)
    request = profile_from_fhir(
        _bundle(
            {
                "resourceType": "MedicationRequest",
                "status": "active",
                "medicationCodeableConcept": {"text": "prednisone"},
                "dosageInstruction": [{"route": {"text": f"{route} use"}}],
            }
        ),
        as_of=AS_OF,
    )
    note = profile_from_text(f"He takes {route} steroids every day.", as_of=AS_OF)
    for profile in (as_json, from_fhir, request, note):
        assert {m.route for m in profile.medications} == {route}
        assert _steroid_line_verdict(profile) == verdict


@pytest.mark.parametrize(
    ("note", "status"),
    [
        ("He did not respond to prednisone.", "active"),
        ("No response to prednisone.", "active"),
        ("He does not take prednisone.", "absent"),
    ],
)
def test_a_drug_that_did_not_help_was_still_given(note: str, status: str) -> None:
    profile = profile_from_text(note, as_of=AS_OF)
    assert [(m.name, m.status) for m in profile.medications] == [("prednisone", status)]


@pytest.mark.parametrize(
    ("note", "conditions", "medications"),
    [
        ("He is diabetic.", {"diabetes mellitus": "active"}, {}),
        ("Diabetic on metformin.", {"diabetes mellitus": "active"}, {"metformin": "active"}),
        ("Non-diabetic. Prediabetic.", {}, {}),
        ("Concern for possible diabetic ketoacidosis.", {}, {}),
        ("Allergic to penicillin. Sulfa allergy. He takes aspirin.", {}, {"aspirin": "active"}),
        ("His mother has diabetes.", {}, {}),
        ("His mother reports that she had asthma.", {}, {}),
        ("His mother reports that he had asthma.", {"asthma": "history"}, {}),
        ("According to her parents, she takes metformin.", {}, {"metformin": "active"}),
        ("He takes losartan daily.", {}, {"losartan": "active"}),
    ],
)
def test_words_around_a_term_say_whose_it_is_and_whether_it_is_taken(
    note: str, conditions: dict[str, str], medications: dict[str, str]
) -> None:
    profile = profile_from_text(note, as_of=AS_OF)
    assert {c.name: c.status for c in profile.conditions} == conditions
    assert {m.name: m.status for m in profile.medications} == medications


def test_a_drug_named_as_a_cause_was_taken_but_is_not_taken_now() -> None:
    profile = profile_from_text("Admitted for steroid-induced hyperglycemia.", as_of=AS_OF)
    assert [(t.name, t.status, t.start) for t in profile.treatments] == [
        ("corticosteroids", "completed", None)
    ]
    assert profile.medications == []


@pytest.mark.parametrize(
    ("note", "conditions"),
    [
        ("Screening for colon cancer.", {}),
        ("He is at risk of stroke.", {}),
        ("Evaluation for possible pneumonia.", {}),
        ("He has diabetes and possible pneumonia.", {"diabetes mellitus": "active"}),
        (
            "Diabetes, hypertension; concern for sepsis.",
            {"diabetes mellitus": "active", "hypertension": "active"},
        ),
        ("History of colon cancer, now in remission.", {"colorectal cancer": "history"}),
        # Both terms of a differential diagnosis are only suspected.
        ("Asthma versus COPD.", {}),
        ("Pneumonia vs. asthma.", {}),
    ],
)
def test_a_condition_only_suspected_or_screened_for_is_not_had(
    note: str, conditions: dict[str, str]
) -> None:
    profile = profile_from_text(note, as_of=AS_OF)
    assert {c.name: c.status for c in profile.conditions} == conditions


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("He has been on prednisone for 4 months.", ("prednisone", "active", "2024-11-01")),
        ("She has had asthma since 2019.", ("asthma", "active", "2019-01-01")),
        (
            "A 50 year old woman with a 10-year history of type 2 diabetes.",
            ("type 2 diabetes", "active", "2015-03-01"),
        ),
        ("He has had hypertension for the past 3 years.", ("hypertension", "active", "2022-03-01")),
        # Over, or not taken: the span is not how long it has gone on.
        ("She had asthma for 5 years as a child.", ("asthma", "history", None)),
        ("He has been off prednisone for 2 months.", None),
    ],
)
def test_how_long_something_has_gone_on_says_when_it_began(note, expected) -> None:
    profile = profile_from_text(note, as_of=AS_OF)
    found = [(c.name, c.status, c.onset) for c in profile.conditions] + [
        (m.name, m.status, m.start) for m in profile.medications
    ]
    if expected is None:
        assert all(when is None for *_, when in found), found
        return
    name, status, since = expected
    assert (name, status, since and dt.date.fromisoformat(since)) in found, found


def test_a_duration_from_a_note_decides_a_line_on_how_long():
    profile = profile_from_text("He has been on prednisone for 4 months.", as_of=AS_OF)
    assert {"name": "prednisone", "active": True, "date": "2024-11-01", "since": "2024-11-01"} in (
        profile.to_facts()["events"]
    )
    parsed = parse_criteria("Inclusion Criteria:\n\n* Taking corticosteroids for at least 6 months")
    verdict = evaluate(parsed, facts=profile.to_facts())
    assert verdict.criteria[0].verdict == "not_met"


@pytest.mark.parametrize(
    ("note", "status", "verdict"),
    [
        ("He quit smoking 10 years ago.", "resolved", "met"),
        ("Former smoker.", "resolved", "met"),
        ("She is an ex-smoker.", "resolved", "met"),
        ("Past medical history of heavy smoking.", "history", "unknown"),
        ("He smokes 20 cigarettes a day.", "active", "not_met"),
        ("Non-smoker.", "absent", "met"),
    ],
)
def test_a_former_smoker_is_not_a_smoker(note, status, verdict) -> None:
    profile = profile_from_text(note, as_of=AS_OF)
    assert [(c.name, c.status) for c in profile.conditions] == [("tobacco use", status)]
    parsed = parse_criteria("Exclusion Criteria:\n\n* Smoker")
    assert evaluate(parsed, facts=profile.to_facts()).criteria[0].verdict == verdict


@pytest.mark.parametrize(("status", "verdict"), [("resolved", "met"), ("history", "unknown")])
def test_a_resolved_condition_is_over_for_a_term_that_means_the_present(status, verdict) -> None:
    profile = load_profile({"conditions": [{"name": "tobacco use", "status": status}]})
    events = profile.to_facts()["events"]
    assert all(e.get("over", False) is (status == "resolved") for e in events)
    parsed = parse_criteria("Exclusion Criteria:\n\n* Smoker")
    assert evaluate(parsed, facts=profile.to_facts()).criteria[0].verdict == verdict


@pytest.mark.parametrize(
    ("note", "verdict"),
    [
        ("He has a long history of alcohol abuse.", "not_met"),
        ("He is an alcoholic.", "not_met"),
        ("She denies alcohol abuse.", "met"),
        # Drinking is no disorder, and alcoholic liver disease names its cause.
        ("She drinks alcohol occasionally at social events.", "unknown"),
        ("There is no evidence of alcoholic liver disease.", "unknown"),
    ],
)
def test_alcohol_abuse_in_a_note_meets_a_line_on_substance_misuse(note, verdict) -> None:
    parsed = parse_criteria("Exclusion Criteria:\n\n* Known drug or alcohol abusers.")
    profile = profile_from_text(note, as_of=AS_OF)
    assert evaluate(parsed, facts=profile.to_facts()).criteria[0].verdict == verdict


@pytest.mark.parametrize(
    ("note", "active"),
    [
        ("She is treated with metformin.", True),
        ("He is currently being treated with prednisone.", True),
        ("He is currently receiving chemotherapy.", True),
        ("She was treated with prednisone in 2019.", False),
        ("He received chemotherapy.", False),
    ],
)
def test_is_treated_with_is_a_treatment_going_on(note, active) -> None:
    events = profile_from_text(note, as_of=AS_OF).to_facts()["events"]
    assert {e["active"] for e in events} == {active}, events


@pytest.mark.parametrize(
    ("note", "pregnancy", "birth"),
    [
        ("A 30-year-old woman, 28 weeks pregnant, with headache.", 28, None),
        ("A 3-month-old ex-28 weeker with bronchiolitis.", None, 28),
        ("A 2-day-old 34-week premature infant with jaundice.", None, 34),
        # An earlier pregnancy's delivery, and a child's birth, are not this person's.
        ("A 30-year-old woman. She delivered her first child at 36 weeks gestation.", None, None),
        ("A 30-year-old woman. Her son was born at 32 weeks.", None, None),
    ],
)
def test_weeks_of_a_pregnancy_and_of_a_birth_in_a_note(note, pregnancy, birth) -> None:
    measured = profile_from_text(note, as_of=AS_OF).to_facts().get("measurements", {})
    assert measured.get("gestational age", (None,))[0] == pregnancy
    assert measured.get("gestational age at birth", (None,))[0] == birth


@pytest.mark.parametrize(
    ("note", "status", "onset"),
    [
        ("Two weeks ago he had a low-grade fever. Vital signs: T: 39.5 C.", "active", None),
        ("He has had a fever for 3 days. T 38.6 C.", "active", dt.date(2025, 2, 26)),
        ("Her temperature is 101 F.", "active", None),
        ("Seen at T 40 minutes after arrival.", None, None),
    ],
)
def test_a_temperature_over_the_limit_is_a_fever_now(note, status, onset) -> None:
    fevers = [c for c in profile_from_text(note, as_of=AS_OF).conditions if c.name == "fever"]
    assert [(c.status, c.onset) for c in fevers] == ([(status, onset)] if status else [])


def test_a_bisphosphonate_by_name_answers_a_line_on_bisphosphonates() -> None:
    note = "She was admitted last week with hypercalcemia and treated with pamidronate 30mg."
    events = {e["name"]: e for e in profile_from_text(note, as_of=AS_OF).to_facts()["events"]}
    assert events["pamidronate"]["active"] is False
    assert events["bisphosphonates"]["active"] is False
    parsed = parse_criteria("Exclusion Criteria:\n\n* Prior treatment with bisphosphonates")
    verdict = evaluate(parsed, facts=profile_from_text(note, as_of=AS_OF).to_facts())
    assert verdict.criteria[0].verdict == "not_met"


@pytest.mark.parametrize(
    ("note", "pressures"),
    [
        ("BP check due on 12/10. BP 120/80.", (120.0, 80.0)),
        ("Her BP check is due on 12/10.", None),
    ],
)
def test_a_date_after_bp_is_not_a_reading(note, pressures) -> None:
    measured = profile_from_text(note, as_of=AS_OF).to_facts().get("measurements", {})
    got = tuple(
        measured[n][0]
        for n in ("systolic blood pressure", "diastolic blood pressure")
        if n in measured
    )
    assert got == (pressures or ())
