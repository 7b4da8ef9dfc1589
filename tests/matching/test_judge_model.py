"""The judge's shipped models: learnt weights kept as data, and what they must keep doing."""

import json
import math

import pytest

from matching.embeddings import CORPUS_MODEL
from matching.rerank import JUDGE_MODEL, JUDGE_MODES, JudgeModel, judge_features, judge_model


def _features(mode: str, screening: float, semantic: float = 0.4) -> dict[str, float]:
    return judge_features(screening, semantic if mode == "embeddings" else None)


@pytest.fixture(scope="module")
def rows() -> dict:
    return json.loads(JUDGE_MODEL.read_text(encoding="utf-8"))["models"]


def test_there_is_one_model_per_mode(rows):
    assert set(rows) == set(JUDGE_MODES)


@pytest.mark.parametrize("mode", JUDGE_MODES)
def test_the_model_is_small_and_reads_the_features_the_judge_computes(rows, mode):
    model = judge_model(mode)
    assert model.features == tuple(rows[mode]["features"]) == tuple(_features(mode, 0.5))
    assert len(model.weights) == len(model.features) <= 3
    assert all(math.isfinite(w) for w in (*model.weights, model.bias))


def test_closeness_is_read_in_the_model_that_ranks_corpus_files():
    assert judge_model("embeddings").embedding_model == CORPUS_MODEL.key
    assert "semantic" in judge_model("embeddings").features
    assert "semantic" not in judge_model("words").features


@pytest.mark.parametrize("mode", JUDGE_MODES)
def test_the_file_says_what_it_was_fitted_on(rows, mode):
    assert rows[mode]["pairs"] >= 50 and rows[mode]["patients"] >= 30
    assert 0.5 < rows[mode]["cv_auroc"] <= 1.0


@pytest.mark.parametrize("mode", JUDGE_MODES)
def test_more_screening_evidence_means_more_confidence(mode):
    model = judge_model(mode)
    scores = [model.probability(_features(mode, s)) for s in (0.0, 0.01, 0.1, 0.5, 0.9)]
    assert all(0.0 < p < 1.0 for p in scores)
    assert scores == sorted(scores) and scores[0] < scores[-1]


@pytest.mark.parametrize("mode", JUDGE_MODES)
def test_a_failed_criterion_lowers_confidence(mode):
    model = judge_model(mode)
    failed = model.probability(_features(mode, 0.54 * 0.25))
    assert failed < model.probability(_features(mode, 0.54))


def test_a_note_closer_to_the_trial_means_more_confidence():
    model = judge_model("embeddings")
    scores = [model.probability(judge_features(0.3, c)) for c in (0.1, 0.3, 0.5, 0.7)]
    assert scores == sorted(scores) and scores[0] < scores[-1]


def test_probability_is_the_logistic_of_the_weighted_features():
    model = JudgeModel(("a", "b"), (2.0, -1.0), 0.5)
    assert model.probability({"a": 1.0, "b": 3.0}) == pytest.approx(1 / (1 + math.exp(0.5)))
