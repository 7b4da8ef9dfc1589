"""Stored trial vectors: the ``embed`` batch, the in-memory index, and semantic matching."""

from __future__ import annotations

import hashlib
import sys

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from ctgov.record import Eligibility, TrialRecord
from eligibility.profile import load_profile
from matching import embeddings, vectors
from matching.management.commands import embed as embed_command
from matching.models import TrialVector
from matching.services import match_patient
from tests.web.data import load
from trials.models import Trial

pytestmark = pytest.mark.django_db

CRITERIA = "Inclusion Criteria:\n\n* Age 18 years or older"


def _record(nct_id: str, title: str, conditions: list[str], summary: str) -> TrialRecord:
    return TrialRecord(
        nct_id=nct_id,
        brief_title=title,
        brief_summary=summary,
        conditions=conditions,
        overall_status="RECRUITING",
        eligibility=Eligibility(criteria=CRITERIA, sex="ALL", minimum_age=18.0),
    )


# Worded without "myocardial", "infarction", "heart" or "attack": only meaning finds it.
STEMI = _record(
    "NCT09200001",
    "Primary Angioplasty for Acute Coronary Occlusion",
    ["ST Elevation Acute Coronary Syndrome"],
    "Opening the blocked coronary artery within 90 minutes of the onset of chest pain.",
)
MIGRAINE = _record(
    "NCT09200002", "Preventing Migraine", ["Migraine"], "A daily tablet against migraine."
)
ASTHMA = _record(
    "NCT09200003", "Inhaled Steroids in Asthma", ["Asthma"], "Budesonide for persistent asthma."
)
STATIN = _record(
    "NCT09200004", "Statins for High Cholesterol", ["Hypercholesterolemia"], "Lowering LDL."
)
COPD = _record("NCT09200005", "Tiotropium in COPD", ["COPD"], "A bronchodilator for COPD.")
RECORDS = [STEMI, MIGRAINE, ASTHMA, STATIN, COPD]

HEART_ATTACK = {"age": 62, "sex": "male", "conditions": [{"name": "heart attack"}]}


class FakeEncoder:
    """Deterministic unit vectors from the text's hash; counts the texts it was asked for."""

    def __init__(self, fail_on_call: int | None = None) -> None:
        self.texts: list[str] = []
        self.calls = 0
        self.fail_on_call = fail_on_call

    def __call__(self, texts):
        self.calls += 1
        if self.calls == self.fail_on_call:
            raise KeyboardInterrupt
        self.texts.extend(texts)
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")
            v = np.random.default_rng(seed).standard_normal(vectors.DIMENSIONS)
            rows.append(v / np.linalg.norm(v))
        return np.asarray(rows, dtype=np.float32)


@pytest.fixture(autouse=True)
def fresh_index():
    vectors.reset()
    yield
    vectors.reset()


@pytest.fixture
def catalogue():
    load(RECORDS)


def _embed(monkeypatch, encoder, *args: str) -> str:
    monkeypatch.setattr(embed_command, "load_encoder", lambda: encoder)
    from io import StringIO

    err = StringIO()
    call_command("embed", *args, stderr=err)
    return err.getvalue()


def test_vectors_are_stored_once_and_reused_until_the_trial_changes(catalogue):
    encoder = FakeEncoder()
    first = vectors.embed_catalogue(encoder, batch=2)
    assert (first.embedded, first.current, first.total) == (5, 0, 5)
    stored = TrialVector.objects.get(trial__nct_id="NCT09200002")
    assert len(bytes(stored.vector)) == vectors.DIMENSIONS * 2  # float16
    title = "Preventing Migraine. Migraine. A daily tablet against migraine."
    assert stored.text_hash == vectors.text_hash(title)

    again = vectors.embed_catalogue(encoder, batch=2)
    assert (again.embedded, again.current) == (0, 5)
    assert encoder.calls == 3  # the first run's three batches, none since

    Trial.objects.filter(nct_id="NCT09200002").update(title="Preventing Chronic Migraine")
    changed = vectors.embed_catalogue(encoder, batch=2)
    assert (changed.embedded, changed.current) == (1, 4)
    assert encoder.texts[-1].startswith("Preventing Chronic Migraine.")


def test_embed_interrupted_after_a_batch_keeps_it_and_resumes(catalogue, monkeypatch):
    with pytest.raises(CommandError, match="run again"):
        _embed(monkeypatch, FakeEncoder(fail_on_call=2), "--batch", "2")
    assert TrialVector.objects.count() == 2

    encoder = FakeEncoder()
    out = _embed(monkeypatch, encoder, "--batch", "2")
    assert len(encoder.texts) == 3
    assert TrialVector.objects.count() == 5
    assert out.strip().splitlines()[-1].startswith("Embedded 3 trials, 2 already current, 5 ")


def test_embed_limit_stops_after_that_many(catalogue, monkeypatch):
    out = _embed(monkeypatch, FakeEncoder(), "--limit", "3", "--batch", "2")
    assert TrialVector.objects.count() == 3
    assert "Embedded 3 trials" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--batch", "0"], "at least 1"),
        (["--limit", "many"], "at least 1"),
        (["--batch", "20000"], "at most 10000"),
    ],
)
def test_embed_rejects_bad_arguments(args, message, monkeypatch):
    with pytest.raises(CommandError, match=message):
        _embed(monkeypatch, FakeEncoder(), *args)


def test_embed_without_the_packages_says_what_to_install(monkeypatch):
    with pytest.raises(CommandError, match=r"trialmatch\[embeddings\]"):
        _embed(monkeypatch, None)


@pytest.mark.parametrize("product", ["numpy", "torch"])
def test_index_ranks_by_cosine_and_survives_float16(catalogue, product, monkeypatch):
    if product == "torch":
        pytest.importorskip("torch")
    else:
        monkeypatch.setitem(sys.modules, "torch", None)
    encoder = FakeEncoder()
    vectors.embed_catalogue(encoder)
    loaded = vectors.index()
    assert len(loaded) == 5 and loaded.matrix.dtype == np.float16
    target = Trial.objects.get(nct_id="NCT09200003")
    query = encoder([vectors.trial_text(target.title, target.conditions, target.brief_summary)])
    nearest = loaded.nearest(query[0], 3)
    assert nearest[0][0] == target.id
    assert nearest[0][1] == pytest.approx(1.0, abs=2e-3)
    assert [s for _, s in nearest] == sorted((s for _, s in nearest), reverse=True)


@pytest.mark.parametrize(
    "lexical, semantic, expected",
    [
        ({"A": 0.9}, {}, {"A": 0.9}),  # no vectors: unchanged
        ({}, {"B": 0.6}, {"B": vectors.SEMANTIC_WEIGHT}),  # found by meaning alone
        ({}, {"C": 0.2}, {}),  # too far to be a candidate
        ({"A": 0.5}, {"A": 0.6}, {"A": 0.8 + 0.05}),  # both agree: a little more
        ({"A": 1.0}, {"A": 0.6}, {"A": 1.0}),  # never above 1
    ],
)
def test_fuse(lexical, semantic, expected):
    assert vectors.fuse(lexical, semantic, limit=10) == pytest.approx(expected)


def test_fuse_keeps_the_best_candidates():
    lexical = {f"L{i}": 0.5 for i in range(5)}
    fused = vectors.fuse(lexical, {"S": 0.6}, limit=3)
    assert list(fused) == ["S", "L0", "L1"]


needs_model = pytest.mark.skipif(
    not embeddings.available(), reason="embedding packages not installed"
)


@needs_model
def test_match_finds_a_trial_worded_differently_from_the_note(catalogue):
    patient = load_profile(HEART_ATTACK)
    words_only = match_patient(patient)
    assert "NCT09200001" not in [r.nct_id for r in words_only.results]

    vectors.embed_catalogue(embeddings.load_encoder())
    found = [r.nct_id for r in match_patient(patient).results]
    assert found[0] == "NCT09200001"
    assert "NCT09200002" not in found and "NCT09200003" not in found
    assert [r.nct_id for r in match_patient(patient, semantic=False).results] == []


def test_match_without_the_packages_falls_back_to_words(catalogue, monkeypatch):
    vectors.embed_catalogue(FakeEncoder())
    monkeypatch.setattr(vectors, "load_encoder", lambda: None)
    outcome = match_patient(load_profile({"age": 40, "conditions": [{"name": "asthma"}]}))
    assert [r.nct_id for r in outcome.results] == ["NCT09200003"]
    assert "matched on words only" in outcome.message


def test_match_without_vectors_is_unchanged(catalogue, monkeypatch):
    monkeypatch.setattr(vectors, "load_encoder", lambda: pytest.fail("encoder loaded"))
    outcome = match_patient(load_profile({"age": 40, "conditions": [{"name": "asthma"}]}))
    assert [r.nct_id for r in outcome.results] == ["NCT09200003"]
    assert outcome.message == ""
