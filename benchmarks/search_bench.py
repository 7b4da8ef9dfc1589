"""Search latency on an already-populated catalogue: 50 fixed, realistic queries.

Populate a database first, for example::

    trialmatch synth --n 400000 --out /tmp/s400k.jsonl
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 trialmatch migrate
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 trialmatch import /tmp/s400k.jsonl

(or keep the one ``benchmarks/import_bench.py --keep DIR`` builds), then::

    python benchmarks/search_bench.py --database sqlite:////tmp/bench.sqlite3

Each query runs once to warm caches, then ``--repeat`` times; p50/p95/max are over all timed
runs. The target is p95 <= 50 ms at 400k trials, on SQLite and on PostgreSQL. Timed runs are
cold by default: the matches and relevance the search keeps per words (``Snapshot.memo``) are
forgotten before each, as for words nobody searched yet; ``--warm`` keeps them, as when a
person pages or narrows a search.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# (label, text, filters, near as (place or "lat,lon", radius km or None), page)
Q = tuple[str, str, dict[str, list[str]], tuple[str, float | None] | None, int]

SEOUL, NEW_YORK, MADRID, BOSTON = "37.57,126.98", "40.71,-74.01", "40.42,-3.70", "42.36,-71.06"
PARIS, CHICAGO, BEIJING, LONDON = "48.86,2.35", "41.88,-87.63", "39.90,116.41", "51.51,-0.13"
HOUSTON, BERLIN, GUANGZHOU, SEATTLE = "29.76,-95.37", "52.52,13.40", "23.13,113.26", "47.61,-122.33"

QUERIES: list[Q] = [
    # text only
    ("text", "nsclc", {}, None, 1),
    ("text", "lung cancer", {}, None, 1),
    ("text", "non-small cell lung cancer egfr", {}, None, 1),
    ("text", "osimertinib", {}, None, 1),
    ("text", "docetaxel", {}, None, 1),
    ("text", "pembrolizumab", {}, None, 1),
    ("text", "lumbar disc herniation", {}, None, 1),
    ("text", "degenerative disc disease", {}, None, 1),
    ("text", "low back pain", {}, None, 1),
    ("text", "cervical spondylosis", {}, None, 1),
    ("text", "spinal stenosis surgery", {}, None, 1),
    ("text", "schizophrenia", {}, None, 1),
    ("text", "major depressive disorder", {}, None, 1),
    ("text", "posttraumatic stress disorder nightmares", {}, None, 1),
    ("text", "insomnia", {}, None, 1),
    ("text", "smoking cessation", {}, None, 1),
    ("text", "opioid use disorder", {}, None, 1),
    ("text", "type 2 diabetes", {}, None, 1),
    ("text", "obesity", {}, None, 1),
    ("text", "blinatu", {}, None, 1),
    # text and facets
    ("facets", "nsclc", {"status": ["RECRUITING"]}, None, 1),
    ("facets", "lung cancer", {"phase": ["PHASE3"]}, None, 1),
    ("facets", "depression", {"status": ["RECRUITING"], "phase": ["PHASE2", "PHASE3"]}, None, 1),
    (
        "facets",
        "disc herniation",
        {"study_type": ["INTERVENTIONAL"], "country": ["United States"]},
        None,
        1,
    ),
    ("facets", "schizophrenia", {"sex": ["ALL"], "age_group": ["OLDER_ADULT"]}, None, 1),
    ("facets", "cancer", {"country": ["China"]}, None, 1),
    (
        "facets",
        "pain",
        {"healthy_volunteers": ["no"], "status": ["RECRUITING", "NOT_YET_RECRUITING"]},
        None,
        1,
    ),
    ("facets", "insomnia", {"intervention_type": ["BEHAVIORAL"]}, None, 1),
    ("facets", "osimertinib", {"phase": ["PHASE2"]}, None, 1),
    ("facets", "smoking", {"status": ["COMPLETED"]}, None, 1),
    ("facets", "", {"status": ["RECRUITING"]}, None, 1),
    ("facets", "", {"country": ["France"], "phase": ["PHASE3"]}, None, 1),
    ("facets", "placebo", {"status": ["RECRUITING"]}, None, 1),
    ("facets", "sciatica", {"age_group": ["ADULT"]}, None, 1),
    ("facets", "egfr mutation", {"intervention_type": ["DRUG"], "status": ["RECRUITING"]}, None, 1),
    # text and distance
    ("near", "nsclc", {}, (SEOUL, 100), 1),
    ("near", "lung cancer", {}, (NEW_YORK, 50), 1),
    ("near", "disc herniation", {}, (MADRID, 200), 1),
    ("near", "depression", {}, (BOSTON, 50), 1),
    ("near", "cancer", {"status": ["RECRUITING"]}, (PARIS, 100), 1),
    ("near", "back pain", {}, (CHICAGO, None), 1),
    ("near", "schizophrenia", {}, (BEIJING, 500), 1),
    ("near", "", {}, (LONDON, 25), 1),
    ("near", "insomnia", {}, (HOUSTON, 100), 1),
    ("near", "spinal fusion", {"phase": ["NA"]}, (BERLIN, 300), 1),
    ("near", "pemetrexed", {}, (GUANGZHOU, 100), 1),
    ("near", "", {"status": ["RECRUITING"]}, (SEATTLE, None), 1),
    # browsing and odd input
    ("browse", "", {}, None, 1),
    ("browse", "", {}, None, 3),
    ("browse", '"nsclc" AND (egfr OR -alk*', {}, None, 1),
]
assert len(QUERIES) == 50


def _query(item: Q) -> Any:
    from trials import geo
    from trials.search import GeoFilter, SearchQuery

    _, text, filters, near, page = item
    geo_filter = None
    if near is not None:
        point = geo.resolve_place(near[0])
        if point is None:
            raise SystemExit(f"place not found: {near[0]}")
        geo_filter = GeoFilter(point[0], point[1], near[1])
    return SearchQuery(text=text, filters=filters, near=geo_filter, page=page)


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="DATABASE_URL of a populated catalogue")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per query (default 3)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--all", action="store_true", help="list every query, not the 8 slowest")
    parser.add_argument(
        "--warm", action="store_true", help="keep the matches kept per words between runs"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    os.environ["DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trialmatch.settings")
    import django

    django.setup()
    from django.db import connection

    from trials.models import Trial
    from trials.search import search
    from trials.search.bitsets import clear_memos

    try:
        trials = Trial.objects.count()
    except Exception as exc:  # any driver error: the URL or database is not usable
        print(f"cannot read the catalogue at {args.database}: {exc}", file=sys.stderr)
        return 2
    if not trials:
        print("the catalogue is empty: populate it first (see --help)", file=sys.stderr)
        return 2
    queries = [_query(item) for item in QUERIES]
    timings: list[float] = []
    per_query: list[tuple[float, str, int]] = []
    for item, query in zip(QUERIES, queries, strict=True):
        page = search(query)  # warm-up
        runs = []
        for _ in range(args.repeat):
            if not args.warm:
                clear_memos()
            start = time.perf_counter()
            search(query)
            runs.append((time.perf_counter() - start) * 1000)
        timings += runs
        label = f"{item[0]:<6} {item[1]!r} {item[2] or ''} {item[3] or ''} p{item[4]}"
        per_query.append((statistics.median(runs), label, page.total))
    figures = {
        "database": connection.vendor,
        "trials": trials,
        "queries": len(queries),
        "runs": len(timings),
        "warm": args.warm,
        "p50_ms": round(_percentile(timings, 50), 1),
        "p95_ms": round(_percentile(timings, 95), 1),
        "max_ms": round(max(timings), 1),
    }
    if args.json:
        print(json.dumps(figures))
        return 0
    state = "warm" if args.warm else "cold"
    print(
        f"{connection.vendor}: {trials:,} trials, "
        f"{len(queries)} queries x {args.repeat} {state} runs"
    )
    print("slowest (median ms, query, results):")
    for ms, label, total in sorted(per_query, reverse=True)[: None if args.all else 8]:
        print(f"  {ms:7.1f}  {label}  ({total:,})")
    print(f"p50 {figures['p50_ms']} ms  p95 {figures['p95_ms']} ms  max {figures['max_ms']} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
