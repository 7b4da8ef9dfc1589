"""Retrieval quality on SIGIR 2016 (TrialGPT's packaging): BM25 against the system, same run.

    .venv/bin/python benchmarks/matching_eval.py [--data DIR] [--no-embeddings] [--ablation]

Scores both rankers on the same 101-trial corpus, with the judgments limited to those trials,
on a fixed split of the topics: the tuning split (the only one settings were chosen on) and the
held-out split (about 30 %, by SHA-256 of the query id). Prints NDCG@10, P@10, P@10 of eligible
trials, MRR and Recall@100 for each, and how long indexing and ranking took. ``--ablation``
adds one step at a time to show what each is worth (on the tuning split).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matching.corpus import InputError, Query, Trial, load_corpus, load_qrels, load_queries
from matching.embeddings import load_encoder
from matching.evaluation import MEASURE_NAMES, evaluate, restrict_qrels, split_queries, subset
from matching.retrieval import (
    FIELDS,
    Bm25Baseline,
    Encoder,
    Settings,
    TrialRetriever,
    rank_queries,
)

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared/data/trialgpt/sigir"
HEADERS = MEASURE_NAMES


def _cache_dir() -> Path:
    home = os.environ.get("TRIALMATCH_HOME") or Path.home() / ".trialmatch"
    return Path(home).expanduser() / "cache" / "embeddings"


def _timed_run(make, queries: list[Query]) -> tuple[dict, float, float]:
    started = time.perf_counter()
    ranker = make()
    indexed = time.perf_counter()
    rankings = rank_queries(ranker, queries)
    done = time.perf_counter()
    return {r.query_id: dict(r.scored) for r in rankings}, indexed - started, done - indexed


def _row(name: str, figures: dict[str, float]) -> str:
    cells = " ".join(f"{figures[m]:>13.4f}" for m in HEADERS)
    return f"{name:<40}{cells} {int(figures['queries']):>6}"


def _header(title: str) -> str:
    return f"{title:<40}" + " ".join(f"{m:>13}" for m in HEADERS) + f" {'n':>6}"


def _ablation_steps() -> list[tuple[str, Settings, bool]]:
    bare = Settings(
        negation=False,
        note_stopwords=False,
        expand_trials=False,
        expansion=0.0,
        key_terms=0.0,
        demographics=0.0,
        age_penalty=0.0,
        semantic=0.0,
    )
    system = Settings()
    steps = [("fields (BM25 per field)", bare, False)]
    current = bare
    changes: list[tuple[str, dict[str, float | bool]]] = [
        ("+ negation removal", {"negation": True}),
        ("+ note boilerplate stop words", {"note_stopwords": True}),
        ("+ abbreviations in trials", {"expand_trials": True}),
        ("+ key terms boosted", {"key_terms": system.key_terms}),
        ("+ demographic words", {"demographics": system.demographics}),
        ("+ age-range penalty", {"age_penalty": system.age_penalty}),
    ]
    for label, change in changes:
        current = current.but(**change)
        steps.append((label, current, False))
    steps.append(("  (+ query synonyms 0.5, not kept)", current.but(expansion=0.5), False))
    steps.append(("+ embeddings, score mix = system", system, True))
    for label, change in [
        ("  (system without negation removal)", {"negation": False}),
        ("  (system without note stop words)", {"note_stopwords": False}),
        ("  (system without trial abbreviations)", {"expand_trials": False}),
        ("  (system without key-term boost)", {"key_terms": 0.0}),
        ("  (system without demographic words)", {"demographics": 0.0}),
        ("  (system without age penalty)", {"age_penalty": 0.0}),
        ("  (system with query synonyms 0.5)", {"expansion": 0.5}),
    ]:
        steps.append((label, system.but(**change), True))
    steps.append(("  (embeddings alone)", system.but(semantic=1.0), True))
    steps.append(("  (system with RRF fusion)", system.but(fusion="rrf"), True))
    steps.append(
        (
            "  (system, field weights 2/1/1/0)",
            system.but(field_weights=dict(zip(FIELDS, (2.0, 1.0, 1.0, 0.0), strict=True))),
            True,
        )
    )
    return steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="SIGIR folder")
    parser.add_argument("--no-embeddings", action="store_true", help="rank on words alone")
    parser.add_argument("--ablation", action="store_true", help="add one step at a time")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    try:
        trials: list[Trial] = load_corpus(args.data / "subsets" / "corpus.jsonl")
        queries = load_queries(args.data / "queries.jsonl")
        judged = load_qrels(args.data / "qrels" / "test.tsv")
    except InputError as error:
        print(f"matching_eval: {error}", file=sys.stderr)
        return 2
    qrels = restrict_qrels(judged, (t.trial_id for t in trials))
    tuning, held_out = split_queries(qrels)
    splits = {"tuning": subset(qrels, tuning), "held-out": subset(qrels, held_out), "all": qrels}
    encoder: Encoder | None = None if args.no_embeddings else load_encoder(_cache_dir())
    if encoder is None:
        print("(ranking on words alone: embeddings off or not installed)", file=sys.stderr)

    results: dict[str, dict] = {}
    runs = {
        "bm25": lambda: Bm25Baseline(trials),
        "system": lambda: TrialRetriever(trials, Settings(), encoder),
    }
    for name, make in runs.items():
        run, index_s, rank_s = _timed_run(make, queries)
        results[name] = {
            "index_seconds": round(index_s, 3),
            "rank_seconds": round(rank_s, 3),
            **{split: evaluate(q, run) for split, q in splits.items()},
        }

    if args.ablation:
        results["ablation"] = {}
        for label, settings, needs_encoder in _ablation_steps():
            if needs_encoder and encoder is None:
                continue
            run, _, _ = _timed_run(lambda s=settings: TrialRetriever(trials, s, encoder), queries)
            results["ablation"][label] = evaluate(splits["tuning"], run)

    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(
        f"SIGIR 2016: {len(trials)} trials, {len(queries)} queries; queries judged on the "
        f"corpus's trials: {len(tuning)} tuning, {len(held_out)} held out (the means count only "
        "queries with a relevant trial: n below)"
    )
    for split in splits:
        print()
        print(_header(f"[{split}]"))
        for name in runs:
            print(_row(name, results[name][split]))
        gain = results["system"][split]["ndcg@10"] - results["bm25"][split]["ndcg@10"]
        print(f"{'system - bm25 NDCG@10':<40}{gain:>+13.4f}")
    print()
    for name in runs:
        print(
            f"{name}: index {results[name]['index_seconds']:.2f} s, rank all queries "
            f"{results[name]['rank_seconds']:.2f} s"
        )
    if args.ablation:
        print()
        print(_header("[ablation, tuning split]"))
        print(_row("BM25 baseline", results["bm25"]["tuning"]))
        for label, figures in results["ablation"].items():
            print(_row(label, figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
