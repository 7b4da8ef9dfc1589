"""Free-text extraction, one row per real sentence of the shared SIGIR / TREC patient notes.

Each row names a query and a phrase that picks its sentence; the sentence is read from
../shared/data (never copied here) and must yield the expected facts.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from typing import Any

import pytest

from eligibility.profile.text import profile_from_text, sentences
from tests.conftest import shared_path

AS_OF = dt.date(2025, 3, 1)


@lru_cache(maxsize=1)
def _notes() -> dict[str, str]:
    notes = {}
    for part in ("sigir", "trec_2021"):
        with shared_path("trialgpt", part, "queries.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                notes[row["_id"]] = row["text"]
    return notes


def _sentence(qid: str, anchor: str) -> str:
    for sentence in sentences(_notes()[qid]):
        if anchor in sentence:
            return sentence
    raise AssertionError(f"{qid}: no sentence contains {anchor!r}")


ROWS: list[tuple[str, str, dict[str, Any]]] = [
    ("sigir-20141", "A 58-year-old African-American woman", {"age": 58, "sex": "female"}),
    ("sigir-20141", "known to have hypertension", {"active": ["hypertension", "obesity"]}),
    (
        "sigir-20141",
        "She denies smoking",
        {
            "absent": ["tobacco use", "diabetes mellitus", "hyperlipidemia"],
            "not": ["coronary artery disease"],
        },
    ),
    ("sigir-20142", "An 8-year-old male", {"age": 8, "sex": "male"}),
    (
        "sigir-20143",
        "nonsmoker white female",
        {"age": 58, "sex": "female", "absent": ["tobacco use"]},
    ),
    (
        "sigir-20144",
        "17,580/mm",
        {"labs": {"white blood cells": (17.58, "10^9/l"), "albumin": (2.1, "g/dl")}},
    ),
    (
        "sigir-20147",
        "history of bipolar disorder",
        {"active": ["bipolar disorder", "obesity"]},
    ),
    ("sigir-20147", "Her current medications include", {"meds": ["lithium", "zolpidem"]}),
    ("sigir-201411", "no past medical history", {"age": 40, "sex": "female", "conditions": 0}),
    ("sigir-201413", "oxygen saturation 92%", {"labs": {"oxygen saturation": (92, "%")}}),
    ("sigir-201413", "given birth to a healthy child 3 weeks", {"pregnant": False}),
    ("sigir-201416", "neck and shoulder pain", {"healthy": False}),  # no condition by name
    ("sigir-20148", "sees a neurologist for", {"healthy": False}),
    ("trec-202124", "visiting his primary care physician", {"healthy": False}),
    ("trec-202133", "to have her flu shot", {"healthy": True}),
    ("sigir-201416", "exam was unremarkable", {"healthy": None}),  # no complaint in it
    ("sigir-201429", "to be in menopause", {"pregnant": False}),
    ("sigir-201415", "pregnancy test", {"pregnant": False}),
    ("sigir-201418", "A 6-month-old male infant", {"age": 0.5, "sex": "male"}),
    (
        "sigir-201418",
        "serum creatinine is 1.3 mg/dL",
        {"labs": {"serum creatinine": (1.3, "mg/dl")}},
    ),
    ("sigir-201418", "fractional excretion of sodium", {"no_labs": ["sodium"]}),
    (
        "sigir-201419",
        "heavy smoking and drinking",
        {"age": 52, "history": ["tobacco use", "alcohol use"]},
    ),
    (
        "sigir-201423",
        "past medical history is notable",
        {"active": ["diabetes mellitus", "hypothyroidism"]},
    ),
    ("sigir-201423", "family history of early onset dementia", {"not": ["dementia"]}),
    ("sigir-201424", "history is negative for smoking", {"absent": ["tobacco use", "alcohol use"]}),
    ("sigir-201429", "currently smokes", {"active": ["tobacco use"]}),
    (
        "sigir-201430",
        "uncomplicated myocardial infarction",
        {
            "onset": {
                "myocardial infarction": "2023-03-01",
                "transient ischemic attack": "2024-09-01",
            }
        },
    ),
    (
        "sigir-201430",
        "currently taking isosorbide",
        {"meds": ["isosorbide dinitrate", "hydrochlorothiazide", "aspirin"]},
    ),
    (
        "sigir-201430",
        "despite previous control with diltiazem",
        {"past": ["diltiazem", "propranolol"]},
    ),
    ("sigir-20151", "A 44 yo male", {"age": 44, "sex": "male"}),
    ("sigir-20152", "including prednisone", {"meds": ["prednisone"]}),
    (
        "trec-202123",
        "He currently uses inhaled corticosteroid",
        {"routes": {"corticosteroids": "inhaled"}},
    ),
    ("trec-202123", "He doubled his oral corticosteroids", {"routes": {"corticosteroids": "oral"}}),
    (
        "trec-202159",
        "He used to be treated with combination of inhaled",
        {"past": ["corticosteroids"], "routes": {"corticosteroids": "inhaled"}},
    ),
    (
        "trec-202159",
        "candidate for general corticosteroid therapy",
        {"not_treated": ["corticosteroids"]},
    ),
    ("trec-202144", "candidate for scoliosis surgery", {"not_treated": ["surgery"]}),
    ("trec-202161", "candidate for tumor resection", {"not_treated": ["surgery", "chemotherapy"]}),
    (
        "trec-202126",
        "Surgery consultation recommends",
        {"not_treated": ["surgery", "cholecystectomy"]},
    ),
    ("trec-202150", "pediatrics surgery clinic", {"not_treated": ["surgery"]}),
    ("sigir-201429", "for advice on osteoporosis", {"not": ["osteoporosis"]}),
    ("sigir-201429", "osteoporosis prevention", {"not": ["osteoporosis"]}),
    ("trec-202115", "Hypothyroidism?", {"not": ["hypothyroidism"]}),
    ("trec-20217", "NSAID gastritis", {"past": ["nsaids"], "not_taking": ["nsaids"]}),
    # A drug tapered off is one had, not one taken.
    ("trec-20219", "tapered off Dilantin", {"past": ["phenytoin"], "not_taking": ["phenytoin"]}),
    ("trec-202113", "Insulin Dependant Diabetic", {"active": ["type 1 diabetes"]}),
    (
        "trec-202159",
        "According to his mother",
        {"meds": ["corticosteroids"], "routes": {"corticosteroids": "inhaled"}},
    ),
    (
        "sigir-201514",
        "at 11 weeks gestation",
        {
            "pregnant": True,
            "labs": {
                "gestational age": (11, "week"),
                "hemoglobin": (9.0, "g/dl"),
                "white blood cells": (6.3, "10^9/l"),
                "platelets": (119, "10^9/l"),
            },
        },
    ),
    (
        "sigir-201515",
        "hospitalized for cryptogenic stroke",
        {"active": ["hypertension", "type 2 diabetes"], "onset": {"stroke": "2025-02-15"}},
    ),
    ("sigir-201522", "history of tuberculosis", {"history": ["tuberculosis"], "sex": "male"}),
    ("sigir-201527", "Hb: 4.2 g/dL", {"labs": {"hemoglobin": (4.2, "g/dl")}}),
    ("sigir-20158", "A 10 yo boy", {"age": 10, "sex": "male"}),
    (
        "trec-20212",
        "48 M with a h/o HTN",
        {"age": 48, "sex": "male", "active": ["hypertension", "hyperlipidemia"]},
    ),
    ("trec-20212", "EF was 25%", {"labs": {"lvef": (25, "%")}}),
    (
        "trec-20215",
        "74M hx of CAD",
        {
            "age": 74,
            "sex": "male",
            "present": [
                "coronary artery disease",
                "type 2 diabetes",
                "peripheral vascular disease",
            ],
            "past": ["coronary artery bypass graft"],
        },
    ),
    (
        "trec-20216",
        "h/o ESRD on HD",
        {
            "active": ["end-stage renal disease"],
            "ongoing": ["hemodialysis", "peritoneal dialysis"],
        },
    ),
    (
        "trec-20217",
        "Hep C cirrhosis",
        {"age": 60, "sex": "male", "active": ["hepatitis C", "cirrhosis"]},
    ),
    ("trec-20218", "four cycles of FCR", {"past": ["FCR"]}),
    ("trec-202110", "Pt is a 22yo F", {"age": 22, "sex": "female"}),
    (
        "trec-202111",
        "s/p XRT 19 sessions",
        {"present": ["thyroid cancer"], "past": ["radiotherapy"]},
    ),
    ("trec-202113", "Marginal Zone Lymphoma", {"present": ["non-Hodgkin lymphoma"]}),
    ("trec-202113", "s/p R-CHOP", {"past": ["R-CHOP"]}),
    ("trec-202114", "DM2", {"active": ["type 2 diabetes"]}),
    (
        "trec-202114",
        "COPD on 2.5-3.5L O2",
        {"age": 70, "active": ["chronic obstructive pulmonary disease"]},
    ),
    ("trec-202129", "A1c: 11.3%", {"labs": {"hba1c": (11.3, "%")}}),
    ("trec-202136", "TG: 150 mg/dl", {"labs": {"triglycerides": (150, "mg/dl")}}),
    ("trec-202136", "Cholesterol: 180 mg/dl", {"labs": {"total cholesterol": (180, "mg/dl")}}),
    ("trec-202136", "LDL: 90 mg/dl", {"labs": {"ldl cholesterol": (90, "mg/dl")}}),
    ("trec-202136", "HDL: 35 mg/dl", {"labs": {"hdl cholesterol": (35, "mg/dl")}}),
    ("trec-202129", "Creatinine: 0.9 mg/dL", {"labs": {"serum creatinine": (0.9, "mg/dl")}}),
    ("trec-202129", "(AST): 17 U/L", {"labs": {"ast": (17, "iu/l")}}),
    ("trec-202131", "stage 1B of cervical cancer", {"stage": {"cervical cancer": "stage 1B"}}),
    ("trec-202132", "Hemoglobin: 9.7 g/dL", {"labs": {"hemoglobin": (9.7, "g/dl")}}),
    ("trec-202132", "Platelet: 110,000 /cu.mm", {"labs": {"platelets": (110, "10^9/l")}}),
    ("trec-202132", "(LDH): 881 IU/L", {"labs": {"ldh": (881, "iu/l")}}),
    ("trec-202134", "doesn't drink alcohol", {"absent": ["alcohol use"]}),
    ("trec-202134", "HAM-D score is 20", {"labs": {"hamd score": (20, None)}}),
    ("trec-202138", "negative for pregnancy", {"pregnant": False}),
    ("trec-202138", "Hgb: 11 g/dl", {"labs": {"hemoglobin": (11, "g/dl")}}),
    ("trec-202139", "A 3-day-old Asian female infant", {"age": 0.01, "sex": "female"}),
    ("trec-202141", "signs of dementia", {"absent": ["dementia"]}),
    (
        "trec-202141",
        "He is on Levodopa and Trihexyphenidyl",
        {"meds": ["levodopa", "trihexyphenidyl"]},
    ),
    (
        "trec-202141",
        "diagnosed with Parkinson's disease a year ago",
        {"onset": {"Parkinson disease": "2024-03-01"}},
    ),
    (
        "trec-202142",
        "weeks of gestational age",
        {
            "age": 19,
            "sex": "female",
            "pregnant": True,
            "labs": {"gestational age": (32.86, "week")},
        },
    ),
    ("trec-202142", "when she was at 6 weeks", {"no_labs": ["gestational age"]}),
    # Myeloma medicines and a bisphosphonate, given before.
    ("trec-202117", "she received thalidomide", {"past": ["thalidomide", "bortezomib"]}),
    # Heart rate, beside the blood pressure.
    ("sigir-201418", "his pulse is 141/min", {"labs": {"heart rate": (141, "bpm")}}),
    ("trec-202126", "HR 115", {"labs": {"heart rate": (115, "bpm")}}),
    ("trec-202146", "heart rate of 115 b/min", {"labs": {"heart rate": (115, "bpm")}}),
    # Breathing rate, however the note writes it: per minute, "bpm" or bare.
    ("sigir-20159", "RR: 40/min", {"labs": {"respiratory rate": (40, "breaths/min")}}),
    ("sigir-20154", "respiratory rate 18 bpm", {"labs": {"respiratory rate": (18, "breaths/min")}}),
    ("trec-202139", "37 breaths/min", {"labs": {"respiratory rate": (37, "breaths/min")}}),
    ("trec-202126", "RR 15", {"labs": {"respiratory rate": (15, "breaths/min")}}),
    ("sigir-20153", "respiratory rate of 35", {"labs": {"respiratory rate": (35, "breaths/min")}}),
    # Words in brackets before the value, a singular "Neutrophil", FEV1 in % of predicted.
    ("trec-202124", "Prostate-specific antigen (PSA)", {"labs": {"psa": (3.2, "ng/ml")}}),
    ("trec-202154", "Neutrophil: 2700", {"labs": {"absolute neutrophil count": (2.7, "10^9/l")}}),
    ("trec-202123", "(FEV1) of 63%", {"labs": {"fev1": (63, "%")}}),
    ("trec-202128", "FEV1/FVC = 60%", {"no_labs": ["fev1"]}),
    # A temperature over 38 °C is a fever now, a new one after the fever two weeks before.
    ("sigir-20159", "Vital signs: T: 39.5 C", {"active": ["fever"]}),
    ("sigir-201524", "temperature 103.4", {"active": ["fever"]}),
    ("sigir-201520", "temperature was 36.5C", {"not": ["fever"]}),
    # Blood pressure readings; a later reading is the one that counts.
    (
        "trec-202142",
        "Repeat BP a few hours later",
        {
            "labs": {
                "systolic blood pressure": (150, "mmhg"),
                "diastolic blood pressure": (100, "mmhg"),
            }
        },
    ),
    (
        "sigir-201430",
        "his blood pressure is 151/91",
        {
            "labs": {
                "systolic blood pressure": (151, "mmhg"),
                "diastolic blood pressure": (91, "mmhg"),
            }
        },
    ),
    (
        "trec-202168",
        "high blood pressure (175",
        {
            "labs": {
                "systolic blood pressure": (175, "mmhg"),
                "diastolic blood pressure": (95, "mmhg"),
            }
        },
    ),
    ("sigir-201430", "his blood pressure has worsened", {"no_labs": ["systolic blood pressure"]}),
    (
        "sigir-201424",
        "BP: 60/30 mmHg, HR: 140/min",
        {"labs": {"systolic blood pressure": (60, "mmhg")}},
    ),
    (
        "trec-202151",
        "24W3D gestational old",
        {"pregnant": True, "labs": {"gestational age": (24.43, "week")}},
    ),
    (
        "trec-202139",
        "born at 38w3d",
        {"labs": {"gestational age at birth": (38.43, "week")}, "no_labs": ["gestational age"]},
    ),
    ("trec-202173", "born at 34w", {"labs": {"gestational age at birth": (34, "week")}}),
    (
        "trec-202137",
        "C-section 2 years ago",
        {"past": ["caesarean section"], "start": {"caesarean section": "2023-03-01"}},
    ),
    (
        "trec-202145",
        "known history of Sickle cell disease",
        {"age": 34, "sex": "male", "active": ["sickle cell disease"]},
    ),
    # How long something has gone on says when it began, and that it goes on.
    (
        "trec-202129",
        "has had type 1 diabetes for 11 years",
        {"active": ["type 1 diabetes"], "onset": {"type 1 diabetes": "2014-03-01"}},
    ),
    (
        "trec-202123",
        "history of asthma for 3 years",
        {"active": ["asthma"], "onset": {"asthma": "2022-03-01"}},
    ),
    (
        "trec-202127",
        "chronic HCV infection for the past 2 years",
        {"active": ["hepatitis C"], "onset": {"hepatitis C": "2023-03-01"}},
    ),
    ("trec-202142", "negative history of smoking", {"absent": ["tobacco use"]}),
    # A relative's history ends where the clause does.
    (
        "trec-202162",
        "family history of CAD, but no other cardiovascular risk factors",
        {"absent": ["tobacco use", "hypertension", "diabetes mellitus"], "not": ["CAD"]},
    ),
    # A treatment offered is not one had.
    ("trec-202131", "She was offered a radical hysterectomy", {"not_treated": ["hysterectomy"]}),
    # A vaccine against a disease is not the disease, nor its denial.
    ("trec-202146", "positive history of TB vaccination", {"not": ["tuberculosis"]}),
    # "did not have much in the way of response" denies the response, not the next treatment.
    ("trec-20218", "switched to R-CVP", {"past": ["R-CVP"]}),
    # A urinalysis count per high-power field is not the blood count.
    ("trec-202124", "WBCs/hpf", {"no_labs": ["white blood cells"]}),
    # Drugs of a cancer's treatment are that treatment: melphalan is chemotherapy.
    ("trec-202117", "treated with melphalan", {"past": ["melphalan"]}),
    ("trec-202117", "thalidomide velcade", {"past": ["bortezomib"]}),
    # "negative for brain hemorrhage and she was given ...": a new clause ends the denial.
    ("sigir-201515", "she was given thrombolytic therapy", {"past": ["thrombolytic therapy"]}),
    ("sigir-201517", "in general good health", {"healthy": True}),
    # Coming to discuss results is no complaint.
    ("sigir-201517", "presents to clinic to discuss", {"healthy": None}),
    # A vitamin's measured level is not a dose of it.
    ("trec-202153", "Vit D: 14ng/ml", {"not_treated": ["vitamin D"]}),
    ("trec-202164", "He is on IFN, RBV", {"ongoing": ["interferon", "ribavirin"]}),
    (
        "sigir-20152",
        "He is on immunosuppressive medications",
        {"meds": ["immunosuppressive therapy", "prednisone"]},
    ),
    ("trec-202172", "combined with immunosuppressants", {"meds": ["immunosuppressive therapy"]}),
    ("trec-202170", "She is on anti-depressants", {"meds": ["antidepressant"]}),
    ("trec-202140", "Bisphosphonate will be started", {"not_treated": ["bisphosphonates"]}),
    ("sigir-20151", "packed red blood cell transfusion", {"ongoing": ["blood transfusion"]}),
    (
        "trec-202166",
        "diagnosed with Hashimoto disease",
        {"active": ["hypothyroidism"], "not": ["hashimoto disease"]},
    ),
    # A diagnosis the lexicon does not know is read by its own name.
    ("trec-202149", "confirmed the diagnosis of Turner syndrome", {"active": ["turner syndrome"]}),
    (
        "trec-202168",
        "diagnosed with atypical hemolytic uremic syndrome",
        {"active": ["atypical hemolytic uremic syndrome"]},
    ),
    # The fever two weeks ago is over; the viral illness is no diagnosis the reader knows.
    ("sigir-20159", "diagnosed with a viral illness", {"history": ["fever"], "conditions": 1}),
    # Bleeding and fluid named by where they are; a broken bone or bleeding said without a
    # place is left unread, since trials mostly mean one place (the spine, the gut).
    ("trec-20214", "a large pericardial effusion", {"active": ["pericardial effusion"]}),
    ("trec-20214", "meningitis-->ICH-->seizure", {"present": ["intracranial hemorrhage"]}),
    ("sigir-201515", "negative for brain hemorrhage", {"absent": ["intracranial hemorrhage"]}),
    ("trec-202164", "no ascites or tenderness", {"absent": ["ascites"]}),
    ("sigir-201420", "lower extremity fractures", {"conditions": 0}),
    ("sigir-201424", "intraperitoneal hemorrhage", {"conditions": 0}),
    # Symptoms the person presents with, and those they deny.
    ("sigir-20152", "non-productive cough", {"active": ["cough", "fever"]}),
    ("sigir-20145", "complaining of shortness of breath", {"active": ["dyspnea"]}),
    ("sigir-201513", "worsening dysphagia", {"active": ["dysphagia", "fever"]}),
    ("sigir-201516", "no history of wheezing", {"absent": ["wheezing"]}),
    ("trec-202145", "afebrile", {"absent": ["fever"]}),
    ("trec-202147", "He denied dyspnea", {"absent": ["dyspnea", "chest pain", "fever"]}),
    # A named immunodeficiency is one (and "human immunodeficiency virus" is HIV).
    ("sigir-201417", "common variable immunodeficiency", {"present": ["immunodeficiency"]}),
    # What the person presents with is current, whatever history the sentence told first.
    (
        "sigir-201522",
        "started to complain of productive cough",
        {"history": ["tuberculosis"], "active": ["cough"]},
    ),
    ("sigir-201524", "no significant past medical history", {"active": ["cough", "chest pain"]}),
    # The nearer time dates the fever: two days ago, not the cold of a week ago.
    (
        "sigir-201524",
        "developed a new fever",
        {"active": ["fever"], "onset": {"fever": "2025-02-27"}},
    ),
    # The parents brought the child in: the fever is his, not theirs.
    ("sigir-20144", "5 days of high fever", {"active": ["fever"]}),
    # A drug given as a test, not a treatment.
    ("trec-202110", "failed aspirin challenge", {"not_treated": ["aspirin"]}),
    # Off a drug for a year: how long it has not been taken.
    ("trec-20217", "has been off ETOH for a year", {"no_onset": ["alcohol use"]}),
    # Diabetes of pregnancy is no diabetes mellitus.
    (
        "trec-202112",
        "History of gestational diabetes mellitus",
        {"history": ["gestational diabetes"], "not_events": ["diabetes", "diabetes mellitus"]},
    ),
]


@pytest.mark.parametrize(
    ("qid", "anchor", "expected"), ROWS, ids=[f"{q}:{a[:30]}" for q, a, _ in ROWS]
)
def test_note_sentence(qid: str, anchor: str, expected: dict[str, Any]) -> None:
    p = profile_from_text(_sentence(qid, anchor), as_of=AS_OF)
    status = {c.name: c.status for c in p.conditions}
    for key, want in expected.items():
        if key == "age":
            assert p.age == pytest.approx(want, abs=0.01)
        elif key == "sex":
            assert p.sex == want
        elif key == "pregnant":
            assert p.pregnant is want
        elif key == "healthy":
            assert p.healthy is want
        elif key in ("active", "history", "absent"):
            for name in want:
                assert status.get(name) == key, (name, status)
        elif key == "present":
            for name in want:
                assert status.get(name) in ("active", "history"), (name, status)
        elif key == "not":
            for name in want:
                assert name not in status
        elif key == "conditions":
            assert len(p.conditions) == want
        elif key == "meds":
            assert {m.name for m in p.medications if m.status == "active"} >= set(want)
        elif key == "not_taking":
            assert not {m.name for m in p.medications if m.status == "active"} & set(want)
        elif key in ("past", "ongoing"):
            state = "completed" if key == "past" else "ongoing"
            assert {t.name for t in p.treatments if t.status == state} >= set(want)
        elif key == "routes":
            given = {t.name: t.route for t in [*p.treatments, *p.medications]}
            assert given == given | want
        elif key == "not_treated":
            names = {t.name for t in [*p.treatments, *p.medications]}
            assert not names & set(want), names
        elif key == "labs":
            got = {(lab.normalised().name): lab.normalised() for lab in p.labs}
            for name, (value, unit) in want.items():
                assert name in got, (name, got)
                assert got[name].value == pytest.approx(value, rel=1e-3)
                assert got[name].unit == unit
        elif key == "not_events":
            events = {e["name"] for e in p.to_facts().get("events", [])}
            assert not events & set(want), events
        elif key == "no_labs":
            assert not {lab.normalised().name for lab in p.labs} & set(want)
        elif key == "onset":
            onsets = {c.name: c.onset for c in p.conditions}
            for name, day in want.items():
                assert onsets.get(name) == dt.date.fromisoformat(day)
        elif key == "no_onset":
            onsets = {c.name: c.onset for c in p.conditions}
            for name in want:
                assert name in onsets and onsets[name] is None, onsets
        elif key == "start":
            starts = {t.name: t.start for t in [*p.treatments, *p.medications]}
            for name, day in want.items():
                assert starts.get(name) == dt.date.fromisoformat(day)
        elif key == "stage":
            stages = {c.name: c.stage for c in p.conditions}
            assert stages == stages | want
        else:
            raise AssertionError(f"unknown expectation {key}")


def test_rows_cover_enough_sentences() -> None:
    assert len(ROWS) >= 40
    assert sum(1 for *_, e in ROWS if "absent" in e) >= 5


@pytest.mark.parametrize(
    ("note", "scale", "value"),
    [
        ("ECOG performance status 1.", "ecog", 1),
        ("ECOG PS of 2 at screening.", "ecog", 2),
        ("Karnofsky performance status 70%.", "karnofsky", 70),
        ("KPS of 80.", "karnofsky", 80),
        ("Lansky play-performance score 60.", "lansky", 60),
        ("no dyspnea at rest and no angina (New York Heart Association class 2).", "nyha", 2),
        ("Heart failure, NYHA class III, on furosemide.", "nyha", 3),
        ("Dilated cardiomyopathy (NYHA IV).", "nyha", 4),
        # A range is no class of its own.
        ("NYHA II-III heart failure.", "nyha", None),
    ],
)
def test_performance_status(note: str, scale: str, value: int | None) -> None:
    assert getattr(profile_from_text(note, as_of=AS_OF).performance, scale) == value


@pytest.mark.parametrize("bad", ["", "   ", None, 42])
def test_empty_or_non_text_note_is_an_error(bad: object) -> None:
    from eligibility.profile import ProfileError

    with pytest.raises(ProfileError, match="^text: "):
        profile_from_text(bad, as_of=AS_OF)


def test_every_shared_note_reads_with_age_and_sex() -> None:
    notes = _notes()
    profiles = [profile_from_text(text, as_of=AS_OF) for text in notes.values()]
    assert len(profiles) == len(notes) >= 130
    assert all(p.age is not None and p.sex is not None for p in profiles)
    assert all(0 <= (p.age or 0) < 100 for p in profiles)


def test_a_drug_stopped_after_an_earlier_mention_is_no_longer_taken():
    """trec-20219: "maintained on Dilantin and phenobarbital", later "tapered off Dilantin"."""
    profile = profile_from_text(
        " ".join(
            sentence
            for sentence in sentences(_notes()["trec-20219"])
            if "maintained on Dilantin" in sentence or "tapered off Dilantin" in sentence
        ),
        AS_OF,
    )
    taking = {m.name for m in profile.medications if m.status == "active"}
    assert "phenobarbital" in taking
    assert "phenytoin" not in taking
    assert "phenytoin" in {t.name for t in profile.treatments if t.status == "completed"}
