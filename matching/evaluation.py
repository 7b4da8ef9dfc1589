"""Ranking quality measured the way the TREC clinical-trials tracks measure it.

The measures come from ``ir_measures`` (backed by ``pytrec_eval``, i.e. trec_eval), not from
formulas written here, so figures compare with published ones. The mean is taken over every
query that has at least one relevant judged trial; such a query missing from the run counts as
zero, so a run cannot look better by leaving hard queries out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

import ir_measures
from ir_measures import RR, P, R, nDCG

Qrels = Mapping[str, Mapping[str, int]]
Run = Mapping[str, Mapping[str, float]]

ELIGIBLE = 2
MEASURES = {
    "ndcg@10": nDCG @ 10,
    "p@10": P @ 10,
    "p@10_eligible": P(rel=ELIGIBLE) @ 10,
    "mrr": RR,
    "recall@100": R @ 100,
}
MEASURE_NAMES = tuple(MEASURES)


def restrict_qrels(qrels: Qrels, doc_ids: Iterable[str]) -> dict[str, dict[str, int]]:
    """Judgments limited to the trials of a corpus, so a subset is not blamed for absent trials."""
    keep = set(doc_ids)
    restricted = {q: {d: s for d, s in docs.items() if d in keep} for q, docs in qrels.items()}
    return {q: docs for q, docs in restricted.items() if docs}


def judged_queries(qrels: Qrels) -> list[str]:
    """Queries with at least one relevant trial: the ones a mean is taken over."""
    return sorted(q for q, docs in qrels.items() if any(s >= 1 for s in docs.values()))


def per_query(qrels: Qrels, run: Run) -> dict[str, dict[str, float]]:
    """Each measure for each judged query (zero where the run has nothing for it)."""
    queries = judged_queries(qrels)
    by_measure = {m: name for name, m in MEASURES.items()}
    results = {q: dict.fromkeys(MEASURES, 0.0) for q in queries}
    subset_qrels = {q: dict(qrels[q]) for q in queries}
    subset_run = {q: dict(run[q]) for q in queries if run.get(q)}
    if subset_run:
        for metric in ir_measures.iter_calc(list(MEASURES.values()), subset_qrels, subset_run):
            if metric.query_id in results:
                results[metric.query_id][by_measure[metric.measure]] = float(metric.value)
    return results


def evaluate(qrels: Qrels, run: Run) -> dict[str, float]:
    """Mean of each measure over the judged queries, plus ``queries``: how many there were."""
    results = per_query(qrels, run)
    count = len(results)
    summary: dict[str, float] = {
        name: (sum(r[name] for r in results.values()) / count if count else 0.0)
        for name in MEASURES
    }
    summary["queries"] = count
    return summary


def _hash(query_id: str) -> int:
    return int.from_bytes(hashlib.sha256(query_id.encode("utf-8")).digest()[:8], "big")


def split_queries(query_ids: Iterable[str], fraction: float = 0.3) -> tuple[list[str], list[str]]:
    """(tuning, held-out) query ids: the held-out ones are those with the lowest SHA-256.

    A fixed split by hash gives the same queries on every machine and run; tune only on the
    first list.
    """
    ids = sorted(set(query_ids))
    held = set(sorted(ids, key=_hash)[: round(len(ids) * fraction)])
    return [q for q in ids if q not in held], [q for q in ids if q in held]


def subset(mapping: Mapping[str, object], keys: Iterable[str]) -> dict:
    """The entries of a qrels or run mapping for the given queries."""
    wanted = set(keys)
    return {k: v for k, v in mapping.items() if k in wanted}
