"""The judge's shipped model: learnt weights kept as data, and what they must keep doing."""

import json
import math

import pytest

from matching.rerank import JUDGE_MODEL, JudgeModel, judge_features, judge_model


@pytest.fixture(scope="module")
def row() -> dict:
    return json.loads(JUDGE_MODEL.read_text(encoding="utf-8"))["model"]


def test_the_model_is_small_and_reads_the_features_the_judge_computes(row):
    model = judge_model()
    assert model.features == tuple(row["features"]) == tuple(judge_features(0.5))
    assert len(model.weights) == len(model.features) <= 3
    assert all(math.isfinite(w) for w in (*model.weights, model.bias))


def test_the_file_says_what_it_was_fitted_on(row):
    assert row["pairs"] >= 50 and row["patients"] >= 30
    assert 0.5 < row["cv_auroc"] <= 1.0


def test_more_screening_evidence_means_more_confidence():
    model = judge_model()
    scores = [model.probability(judge_features(s)) for s in (0.0, 0.01, 0.1, 0.5, 0.9)]
    assert all(0.0 < p < 1.0 for p in scores)
    assert scores == sorted(scores) and scores[0] < scores[-1]


def test_a_failed_criterion_lowers_confidence():
    model = judge_model()
    assert model.probability(judge_features(0.54 * 0.25)) < model.probability(judge_features(0.54))


def test_probability_is_the_logistic_of_the_weighted_features():
    model = JudgeModel(("a", "b"), (2.0, -1.0), 0.5)
    assert model.probability({"a": 1.0, "b": 3.0}) == pytest.approx(1 / (1 + math.exp(0.5)))
