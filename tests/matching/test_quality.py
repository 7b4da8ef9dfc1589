"""Quality floor on the shared SIGIR data: the system must beat plain BM25."""

import pytest
from django.conf import settings

from matching.corpus import load_corpus, load_qrels, load_queries
from matching.embeddings import available, load_encoder
from matching.evaluation import evaluate, restrict_qrels
from matching.retrieval import Bm25Baseline, Settings, TrialRetriever, rank_queries
from tests.conftest import shared_path


@pytest.fixture(scope="module")
def sigir():
    folder = shared_path("trialgpt", "sigir")
    trials = load_corpus(folder / "subsets" / "corpus.jsonl")
    queries = load_queries(folder / "queries.jsonl")
    qrels = restrict_qrels(load_qrels(folder / "qrels" / "test.tsv"), [t.trial_id for t in trials])
    return trials, queries, qrels


def _ndcg(ranker, queries, qrels) -> float:
    run = {r.query_id: dict(r.scored) for r in rank_queries(ranker, queries)}
    return evaluate(qrels, run)["ndcg@10"]


def test_bm25_baseline_is_where_it_was_measured(sigir):
    trials, queries, qrels = sigir
    assert _ndcg(Bm25Baseline(trials), queries, qrels) == pytest.approx(0.392, abs=0.01)


def test_words_alone_beat_bm25(sigir):
    trials, queries, qrels = sigir
    baseline = _ndcg(Bm25Baseline(trials), queries, qrels)
    lexical = _ndcg(TrialRetriever(trials, Settings(semantic=0.0)), queries, qrels)
    assert lexical >= baseline + 0.03


@pytest.mark.skipif(not available(), reason="sentence embeddings are not installed")
def test_the_system_beats_bm25_clearly(sigir):
    trials, queries, qrels = sigir
    baseline = _ndcg(Bm25Baseline(trials), queries, qrels)
    encoder = load_encoder(settings.HOME / "cache" / "embeddings")
    system = _ndcg(TrialRetriever(trials, Settings(), encoder), queries, qrels)
    assert system >= baseline + 0.12
