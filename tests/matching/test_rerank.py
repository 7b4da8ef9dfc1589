"""Eligibility-aware reranking, the ``rank`` methods that use it, and its quality on SIGIR."""

import datetime as dt

import numpy as np
import pytest
from django.conf import settings

from matching.corpus import Trial, load_corpus, load_queries
from matching.embeddings import CORPUS_MODEL, available, load_encoder
from matching.rerank import EligibilityReranker, RerankSettings, judge_pairs
from matching.retrieval import Bm25Baseline, Settings, TrialRetriever, rank_queries

from .conftest import QUERIES, TRIALS, ndcg, rank

AS_OF = dt.date(2025, 3, 1)
ASTHMA = [
    Trial("NCT1", "Asthma in children", ("Asthma",), inclusion="Children aged 2 to 12 years"),
    Trial("NCT2", "Asthma in adults", ("Asthma",), inclusion="Adults aged 18 to 65 years"),
    Trial("NCT3", "Asthma in older adults", ("Asthma",), inclusion="Aged 65 years or older"),
]


def _reranker(trials, **changes) -> EligibilityReranker:
    retriever = TrialRetriever(trials, Settings(semantic=0.0))
    return EligibilityReranker(retriever, trials, RerankSettings().but(**changes), AS_OF)


@pytest.mark.parametrize(
    ("note", "first"),
    [
        ("A 6-year-old boy with asthma and wheezing.", "NCT1"),
        ("A 40-year-old woman with asthma and wheezing.", "NCT2"),
        ("A 78-year-old man with asthma and wheezing.", "NCT3"),
    ],
)
def test_equal_retrieval_scores_are_ordered_by_eligibility(note, first):
    reranked = _reranker(ASTHMA).rerank(note, np.zeros(len(ASTHMA)))
    assert ASTHMA[int(np.argmax(reranked))].trial_id == first


def test_a_failed_exclusion_sinks_the_trial_below_a_weaker_match():
    trials = [
        Trial("NCT1", "Asthma", ("Asthma",), exclusion="Pregnancy"),
        Trial("NCT2", "Asthma", ("Asthma",), exclusion="Smokers"),
    ]
    note = "A 30-year-old woman with asthma. She is pregnant."
    retrieval = np.array([0.5, 0.45])
    assert np.argmax(_reranker(trials).rerank(note, retrieval)) == 1
    kept = _reranker(trials, eligibility=0.0, exclusion=0.0).rerank(note, retrieval)
    assert np.argmax(kept) == 0


def test_trials_below_the_head_stay_below_it():
    retrieval = np.array([0.9, 0.8, 0.7])
    reranked = _reranker(ASTHMA, depth=1).rerank("A 40-year-old with asthma.", retrieval)
    assert list(np.argsort(-reranked)) == [0, 1, 2]


def test_the_reranker_ranks_every_trial_once(tiny):
    trials = load_corpus(tiny["corpus"])
    [ranking] = rank_queries(_reranker(trials), load_queries(tiny["queries"])[:1])
    assert sorted(d for d, _ in ranking.scored) == sorted(t["_id"] for t in TRIALS)
    scores = [s for _, s in ranking.scored]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("method", ["retrieval", "system"])
def test_rank_command_methods_rank_every_trial(tiny, method):
    lines = rank(tiny, method=method)
    assert len(lines) == len(QUERIES) * len(TRIALS)
    assert {p[5] for p in lines} == {method}
    firsts = {p[0]: p[2] for p in lines if p[3] == "1"}
    assert firsts["p2"] == "NCT00000003"


def test_judge_score_separates_eligible_from_excluded_better_than_keywords(sigir):
    from sklearn.metrics import roc_auc_score

    trials, queries, qrels = sigir
    notes = {q.query_id: q.text for q in queries}
    pairs = [(q, d) for q, docs in qrels.items() for d, grade in docs.items() if grade >= 1]
    eligible = [qrels[q][d] == 2 for q, d in pairs]
    judged = judge_pairs(_reranker(trials), notes, pairs)
    bm25 = Bm25Baseline(trials)
    column = {t: i for i, t in enumerate(bm25.trial_ids)}
    keyword = [float(bm25.scores(notes[q])[column[d]]) for q, d in pairs]
    judge_auroc = roc_auc_score(eligible, [j.score for j in judged])
    assert judge_auroc >= 0.65
    assert judge_auroc >= roc_auc_score(eligible, keyword) + 0.1


@pytest.mark.skipif(not available(CORPUS_MODEL), reason="sentence embeddings are not installed")
def test_reranked_system_beats_bm25_and_retrieval_alone(sigir):
    trials, queries, qrels = sigir
    encoder = load_encoder(settings.HOME / "cache" / "embeddings", CORPUS_MODEL)
    retriever = TrialRetriever(trials, Settings(), encoder)

    system = ndcg(EligibilityReranker(retriever, trials), queries, qrels)
    assert system >= ndcg(Bm25Baseline(trials), queries, qrels) + 0.22
    assert system >= ndcg(retriever, queries, qrels) + 0.005
