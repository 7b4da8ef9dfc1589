"""What the tagger finds in real criteria, and a quality floor on held-out Chia trials."""

import subprocess
import sys
from pathlib import Path

import pytest

from eligibility.entities import (
    ENTITY_TYPES,
    ModelMissingError,
    Tagger,
    default_tagger,
    encoder,
    extract,
)
from eligibility.entities.corpus import HELD_OUT, load_corpus, split_of, trials_in
from eligibility.entities.scoring import Score
from tests.conftest import shared_path

# Real criteria (the seed trial NCT04521231 and ClinicalTrials.gov records under ../shared):
# (text, [(type, text an entity of that type must overlap)], types that must not appear).
ROWS = [
    ("Age ≥ 18 years", [("Person", "Age"), ("Value", "18 years")], {"Condition", "Drug"}),
    ("Aged 18 years or older", [("Person", "Aged"), ("Value", "18 years or older")], {"Drug"}),
    (
        "Male and female adults (aged ≥ 18 years)",
        [("Person", "Male"), ("Person", "female"), ("Value", "≥ 18 years")],
        {"Condition"},
    ),
    (
        "Eastern Cooperative Oncology Group (ECOG) Performance Status less than or equal to 2",
        [("Measurement", "Performance Status"), ("Value", "less than or equal to 2")],
        {"Drug", "Temporal"},
    ),
    ("Hemoglobin ≥ 5.5 mmol/l", [("Measurement", "Hemoglobin"), ("Value", "5.5 mmol/l")], set()),
    (
        "Severe renal impairment defined by a creatinine clearance less than or equal to "
        "30 mL/min.",
        [
            ("Condition", "renal impairment"),
            ("Measurement", "creatinine clearance"),
            ("Value", "30 mL/min"),
        ],
        {"Drug"},
    ),
    (
        "Subjects with a body mass index (BMI) ≥40.",
        [("Measurement", "body mass index"), ("Value", "≥40")],
        {"Condition"},
    ),
    (
        "6. Has a current HbA1c level \\>7%, as determined by both screening assessments;",
        [("Measurement", "HbA1c"), ("Value", "7%")],
        {"Drug"},
    ),
    (
        "History of malignancy (with certain exceptions) other than ALL within 3 years prior to "
        "start of protocol-specified therapy",
        [("Condition", "malignancy"), ("Condition", "ALL"), ("Temporal", "within 3 years")],
        set(),
    ),
    (
        "Known hypersensitivity to blinatumomab or any of its excipients",
        [("Condition", "hypersensitivity"), ("Drug", "blinatumomab")],
        set(),
    ),
    (
        "Previous lumbar spine surgery.",
        [("Procedure", "lumbar spine surgery")],
        {"Drug", "Condition"},
    ),
    (
        "Relapse at any time after allogenic hematopoietic stem cell transplant (HSCT)",
        [("Condition", "Relapse"), ("Procedure", "hematopoietic stem cell transplant")],
        set(),
    ),
    (
        "Participants with low back pain emanating from causes other than herniated lumbar disc.",
        [("Condition", "low back pain"), ("Condition", "herniated lumbar disc")],
        {"Drug"},
    ),
    (
        "Bone marrow reserve: Absolute neutrophil count ≥1.5 ´ 109/L,. Platelet count ≥100´ 109/L"
        " , Hemoglobin≥9 g/dL",
        [
            ("Measurement", "Absolute neutrophil count"),
            ("Value", "≥1.5"),
            ("Measurement", "Platelet count"),
            ("Measurement", "Hemoglobin"),
            ("Value", "9 g/dL"),
        ],
        set(),
    ),
]


# Known misses of the encoder model, kept visible (strict: a fix makes them fail). The encoder
# is uncased, so "ALL" (the leukaemia) reads as the word "all"; and it takes a drug Chia never
# annotated as part of the condition before it ("hypersensitivity to blinatumomab").
ENCODER_MISSES = {text for text, _, _ in ROWS if text.startswith(("History of", "Known hyper"))}


def _cases() -> list[object]:
    encoder_is_default = encoder.available()
    cases: list[object] = []
    for model in ("default", "crf-only"):
        for row in ROWS:
            marks = []
            if model == "default" and encoder_is_default and row[0] in ENCODER_MISSES:
                marks.append(pytest.mark.xfail(strict=True, reason="known miss of the encoder"))
            cases.append(pytest.param(model, *row, marks=marks, id=f"{model}-{row[0][:40]}"))
    return cases


@pytest.fixture(scope="module")
def crf_only() -> Tagger:
    return Tagger(use_encoder=False)


@pytest.mark.parametrize(("model", "text", "expected", "absent"), _cases())
def test_finds_the_entities_a_reader_sees(
    crf_only: Tagger, model: str, text: str, expected: list[tuple[str, str]], absent: set[str]
) -> None:
    entities = extract(text) if model == "default" else crf_only.extract(text)
    assert all(e.type in ENTITY_TYPES for e in entities)
    assert not absent & {e.type for e in entities}
    for kind, fragment in expected:
        start = text.index(fragment)
        end = start + len(fragment)
        assert any(e.type == kind and e.start < end and start < e.end for e in entities), (
            f"no {kind} over {fragment!r} in {[(e.type, e.text) for e in entities]}"
        )


def test_extract_handles_empty_and_blank_text() -> None:
    assert extract("") == []
    assert extract(" \r\n\t\n") == []


def test_split_is_fixed_by_trial() -> None:
    chia = shared_path("chia", "chia_without_scope")
    held_out = trials_in(chia, HELD_OUT)
    everything = {p.stem.split("_", 1)[0] for p in chia.glob("*.txt")}
    assert 0.15 < len(held_out) / len(everything) < 0.25
    assert all(split_of(t) == HELD_OUT for t in held_out)


def test_quality_floor_on_twenty_held_out_trials() -> None:
    chia = shared_path("chia", "chia_without_scope")
    trials = trials_in(chia, HELD_OUT)[:20]
    documents = load_corpus(chia, trials)
    assert len({d.trial for d in documents}) == 20
    score = Score()
    for document in documents:
        score.add(extract(document.text), document.annotations)
    assert score.micro.f1 >= 0.75, score.table()


def test_missing_or_damaged_model_says_how_to_retrain(tmp_path: Path) -> None:
    with pytest.raises(ModelMissingError, match="eligibility.entities.train"):
        Tagger(tmp_path)
    for name in ("model.crfsuite.xz", "lines.crfsuite.xz", "lexicon.json.xz"):
        (tmp_path / name).write_bytes(b"not xz")
    with pytest.raises(ModelMissingError, match="damaged"):
        Tagger(tmp_path)


def test_model_loads_on_first_use_and_only_once() -> None:
    importing = (
        "import eligibility.entities, eligibility.entities.tagger as t; "
        "assert t._default is None, 'model loaded on import'"
    )
    subprocess.run([sys.executable, "-c", importing], check=True)
    assert default_tagger() is default_tagger()
