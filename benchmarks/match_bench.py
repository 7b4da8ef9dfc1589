"""Match speed on a populated catalogue: end-to-end latency, embedding rate, site memory.

    .venv/bin/python benchmarks/match_bench.py [--database URL] [--patients 50] [--sample 2000]
                                               [--work DIR] [--embed-all] [--fresh] [--out FILE]

The catalogue named by ``--database`` (an import benchmark's SQLite file or PostgreSQL
database) is never changed: it is copied first (SQLite: the backup API into ``--work``;
PostgreSQL: ``CREATE DATABASE ... TEMPLATE``), and the copy is migrated and given vectors. A
later run reuses the copy unless ``--fresh``.

1. Embedding rate: the first ``--sample`` trials are embedded for real through the ``embed``
   batch path (database reads and commits included), and the rate extrapolated to the whole
   catalogue. With ``--embed-all`` every trial is embedded (slow on a small CPU).
2. Every trial still without a vector gets a random unit vector, marked as such (a later
   ``trialmatch embed`` replaces it), so latency and memory are measured at full size.
3. A fresh child process, like the site's, loads the model and the vectors and matches
   ``--patients`` patients (TrialGPT's SIGIR and TREC 2021 notes through
   ``profile_from_text``), with and without semantic candidates: p50/p95/max, and its RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
from common import PG_ADMIN_URL, PROJECT_ROOT

DEFAULT_DATABASE = "sqlite:////tmp/trialmatch-bench/sqlite-100000/trialmatch.sqlite3"
DEFAULT_WORK = Path("/tmp/trialmatch-bench/match")
QUERY_FILES = sorted((PROJECT_ROOT.parent / "shared/data/trialgpt").glob("*/queries.jsonl"))
RANDOM_HASH = "random-fill"
FILL_BATCH = 5000
TARGET_P95_MS = 1000.0


class BenchError(Exception):
    """A benchmark that cannot run as asked; the message says why."""


# --- the copy -----------------------------------------------------------------------------------


def copy_catalogue(url: str, work: Path, fresh: bool) -> str:
    """A copy of the catalogue at ``url`` that may be migrated and filled; its URL."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        import sqlite3

        source = Path("/" + parsed.path.lstrip("/"))
        if not source.is_file():
            raise BenchError(f"{source}: no such SQLite catalogue")
        target = work / f"{source.parent.name}-{source.stem}-match.sqlite3"
        if fresh or not target.exists():
            work.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)
            partial = target.with_suffix(".partial")
            partial.unlink(missing_ok=True)
            log(f"copying {source} to {target} ...")
            src = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
            finally:
                dst.close()
                src.close()
            partial.rename(target)
        return f"sqlite:///{target}"
    if parsed.scheme in ("postgres", "postgresql"):
        import psycopg

        source = parsed.path.lstrip("/")
        target = f"{source}_match"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (target,)
            ).fetchone()
            if fresh or not exists:
                log(f"copying database {source} to {target} ...")
                conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
                try:
                    conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
                except psycopg.Error as error:
                    raise BenchError(f"cannot copy {source}: {error}".strip()) from None
        return parsed._replace(path=f"/{target}").geturl()
    raise BenchError(f"{url}: give a sqlite:/// or postgres:// URL")


def setup_django(url: str, home: Path) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["TRIALMATCH_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trialmatch.settings")
    home.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


# --- vectors ------------------------------------------------------------------------------------


def embed_sample(sample: int, embed_all: bool) -> dict:
    """Embed the first ``sample`` trials for real; the rate, measured after the model loads."""
    from matching import vectors
    from matching.embeddings import load_encoder
    from matching.models import TrialVector
    from trials.models import Trial

    encode = load_encoder()
    if encode is None:
        return {"note": "embedding packages not installed: no real vectors, rate not measured"}
    started = time.perf_counter()
    encode(["warm up", "the model"])
    model_seconds = time.perf_counter() - started
    first = list(Trial.objects.order_by("id").values_list("id", flat=True)[:sample])
    if not embed_all:
        TrialVector.objects.filter(trial_id__in=first).delete()
    last = [time.monotonic()]

    def progress(stats: vectors.EmbedStats) -> None:
        if time.monotonic() - last[0] > 10:
            last[0] = time.monotonic()
            log(f"  embedded {stats.embedded} ({stats.rate:.1f}/s)")

    limit = None if embed_all else len(first)
    stats = vectors.embed_catalogue(encode, batch=256, limit=limit, progress=progress)
    total = Trial.objects.count()
    return {
        "model_load_s": round(model_seconds, 1),
        "embedded": stats.embedded,
        "seconds": round(stats.seconds, 1),
        "trials_per_s": round(stats.rate, 1),
        "catalogue": total,
        "whole_catalogue_h": round(total / stats.rate / 3600, 2) if stats.rate else None,
    }


def fill_random(seed: int = 0) -> int:
    """A random unit vector for each trial without one; how many were filled."""
    from django.db import transaction

    from matching import vectors
    from matching.models import TrialVector
    from trials.models import Trial

    rng = np.random.default_rng(seed)
    missing = Trial.objects.filter(vector__isnull=True).order_by("id").values_list("id", flat=True)
    ids = list(missing)
    for start in range(0, len(ids), FILL_BATCH):
        chunk = ids[start : start + FILL_BATCH]
        block = rng.standard_normal((len(chunk), vectors.DIMENSIONS)).astype(np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        rows = [
            TrialVector(trial_id=i, text_hash=RANDOM_HASH, vector=vectors.to_bytes(v))
            for i, v in zip(chunk, block, strict=True)
        ]
        with transaction.atomic():
            TrialVector.objects.bulk_create(rows, batch_size=1000)
    return len(ids)


# --- the site-like child ------------------------------------------------------------------------


def rss_mb() -> dict[str, float]:
    """Current and peak resident memory of this process (Linux)."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = round(int(value.split()[0]) / 1024, 1)
    return {"rss_mb": found.get("VmRSS", 0.0), "peak_mb": found.get("VmHWM", 0.0)}


def patients(count: int) -> list[tuple[str, str]]:
    """``count`` notes, taken in turn from each query file so both collections are present."""
    columns = []
    for path in QUERY_FILES:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
        columns.append([(r["_id"], r["text"]) for r in rows])
    chosen: list[tuple[str, str]] = []
    for i in range(max((len(c) for c in columns), default=0)):
        chosen.extend(c[i] for c in columns if i < len(c))
    if len(chosen) < count:
        raise BenchError(f"only {len(chosen)} patient notes found under {QUERY_FILES}")
    return chosen[:count]


def percentiles(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(ordered[-1], 1),
    }


def measure(count: int) -> dict:
    """Run in a fresh process: load what the site loads, then time the matches."""
    from eligibility.profile import profile_from_text
    from matching import vectors
    from matching.services import match_patient

    report: dict = {"after_setup": rss_mb()}
    profiles = [(pid, profile_from_text(text)) for pid, text in patients(count)]
    started = time.perf_counter()
    loaded = vectors.index()
    report["index"] = {
        "vectors": len(loaded),
        "load_s": round(time.perf_counter() - started, 2),
        "matrix_mb": round(loaded.nbytes / 2**20, 1),
    }
    report["after_vectors"] = rss_mb()
    encode = vectors.encoder()
    if encode is not None:
        started = time.perf_counter()
        query = encode(["myocardial infarction; heart attack"])[0]
        report["index"]["model_load_s"] = round(time.perf_counter() - started, 2)
        timings = []
        for _ in range(10):
            t = time.perf_counter()
            loaded.nearest(query, vectors.SEMANTIC_K)
            timings.append((time.perf_counter() - t) * 1000)
        report["index"]["nearest_ms"] = percentiles(timings)
    report["after_model"] = rss_mb()
    for _, profile in profiles[:2]:  # warm caches (criteria parsing, lexicon)
        match_patient(profile)
    modes = {"semantic": True, "words_only": False} if len(loaded) else {"words_only": False}
    for name, semantic in modes.items():
        timings = []
        found = 0
        for _, profile in profiles:
            t = time.perf_counter()
            outcome = match_patient(profile, semantic=semantic)
            timings.append((time.perf_counter() - t) * 1000)
            found += bool(outcome.results)
        report[name] = {**percentiles(timings), "patients": len(profiles), "with_results": found}
    report["after_matches"] = rss_mb()
    return report


# --- main ---------------------------------------------------------------------------------------


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="catalogue to copy")
    parser.add_argument("--patients", type=int, default=50)
    parser.add_argument("--sample", type=int, default=2000, help="trials embedded for real")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="folder for the copy")
    parser.add_argument("--embed-all", action="store_true", help="embed every trial for real")
    parser.add_argument("--fresh", action="store_true", help="copy the catalogue again")
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 1 <= args.patients <= 1000 or not 1 <= args.sample <= 1_000_000:
        parser.error("--patients must be 1..1000 and --sample 1..1000000")
    home = args.work / "home"
    try:
        if args.measure:
            setup_django(args.database, home)
            print(json.dumps(measure(args.patients)))
            return 0
        url = copy_catalogue(args.database, args.work, args.fresh)
        setup_django(url, home)
        from django.core.management import call_command

        from trials.models import Trial

        call_command("migrate", verbosity=0)
        total = Trial.objects.count()
        if not total:
            raise BenchError(f"{args.database}: the catalogue is empty")
        log(f"catalogue: {total} trials; embedding {args.sample} for the rate ...")
        report: dict = {"database": args.database, "copy": url, "trials": total}
        report["embedding"] = embed_sample(args.sample, args.embed_all)
        started = time.perf_counter()
        filled = fill_random()
        from matching.models import TrialVector

        report["random_fill"] = {
            "trials": TrialVector.objects.filter(text_hash=RANDOM_HASH).count(),
            "filled_now": filled,
            "seconds": round(time.perf_counter() - started, 1),
        }
        log(f"filled {filled} trials with random vectors; matching {args.patients} patients ...")
        child = subprocess.run(
            [sys.executable, __file__, "--measure", "--database", url, "--work", str(args.work)]
            + ["--patients", str(args.patients)],
            capture_output=True,
            text=True,
            check=False,
        )
        if child.returncode != 0:
            raise BenchError(f"the measuring process failed:\n{child.stderr[-3000:]}")
        report["site"] = json.loads(child.stdout.strip().splitlines()[-1])
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print_report(report)
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


def print_report(report: dict) -> None:
    site = report["site"]
    embedding = report["embedding"]
    filled = report["random_fill"]["trials"]
    print(f"catalogue        {report['trials']} trials ({report['database']}, measured on a copy)")
    if "trials_per_s" in embedding:
        print(
            f"embedding        {embedding['trials_per_s']} trials/s on {embedding['embedded']} "
            f"trials (model load {embedding['model_load_s']} s); whole catalogue ≈ "
            f"{embedding['whole_catalogue_h']} h"
        )
    else:
        print(f"embedding        {embedding['note']}")
    if filled:
        print(
            f"NOTE             {filled} of {report['trials']} trials carry RANDOM unit vectors "
            "(not embedded) for the latency and memory figures; their semantic hits are noise"
        )
    index = site["index"]
    print(
        f"vectors          {index['vectors']} loaded in {index['load_s']} s, "
        f"matrix {index['matrix_mb']} MB (float16)"
        + (f", nearest-100 p50 {index['nearest_ms']['p50_ms']} ms" if "nearest_ms" in index else "")
    )
    for name in ("semantic", "words_only"):
        if name in site:
            row = site[name]
            verdict = "ok" if row["p95_ms"] <= TARGET_P95_MS else "OVER TARGET"
            print(
                f"match {name:<10} p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms ({verdict}, "
                f"target ≤ {TARGET_P95_MS:g}), max {row['max_ms']} ms; "
                f"{row['with_results']}/{row['patients']} patients with results"
            )
    print(
        "site RSS         "
        + ", ".join(
            f"{k.removeprefix('after_')} {site[k]['rss_mb']} MB"
            for k in ("after_setup", "after_vectors", "after_model", "after_matches")
        )
        + f"; peak {site['after_matches']['peak_mb']} MB"
    )


if __name__ == "__main__":
    sys.exit(main())
