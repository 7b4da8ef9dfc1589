"""Quality floor on the shared SIGIR data: the system must beat plain BM25."""

import pytest
from django.conf import settings

from matching.embeddings import CORPUS_MODEL, available, load_encoder
from matching.retrieval import Bm25Baseline, Settings, TrialRetriever

from .conftest import ndcg


def test_bm25_baseline_is_where_it_was_measured(sigir):
    trials, queries, qrels = sigir
    assert ndcg(Bm25Baseline(trials), queries, qrels) == pytest.approx(0.392, abs=0.01)


def test_words_alone_beat_bm25(sigir):
    trials, queries, qrels = sigir
    baseline = ndcg(Bm25Baseline(trials), queries, qrels)
    lexical = ndcg(TrialRetriever(trials, Settings(semantic=0.0)), queries, qrels)
    assert lexical >= baseline + 0.03


@pytest.mark.skipif(not available(CORPUS_MODEL), reason="sentence embeddings are not installed")
def test_the_system_beats_bm25_clearly(sigir):
    trials, queries, qrels = sigir
    baseline = ndcg(Bm25Baseline(trials), queries, qrels)
    encoder = load_encoder(settings.HOME / "cache" / "embeddings", CORPUS_MODEL)
    system = ndcg(TrialRetriever(trials, Settings(), encoder), queries, qrels)
    assert system >= baseline + 0.21  # MiniLM gives +0.17 here, all-mpnet-base-v2 +0.25
