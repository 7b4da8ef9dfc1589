"""Import throughput, database size and peak memory for large synthetic catalogues.

For each count and database: make (or reuse) that many synthetic trials with
``ctgov.synth``, create a fresh database, run ``trialmatch migrate`` and then measure
``trialmatch import FILE`` as a child process. The populated databases are kept for the
search benchmark; their DATABASE_URLs are printed.

    .venv/bin/python benchmarks/import_bench.py                 # 100k and 400k, both databases
    .venv/bin/python benchmarks/import_bench.py --n 5000 --database sqlite   # quick check
    .venv/bin/python benchmarks/import_bench.py --n 20000 --again   # and the same file again

CPU time covers the importer and the process it reads with; on PostgreSQL the server's
processes are measured apart (``server ms/t``), when the server runs on this machine.
"""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import nullcontext
from pathlib import Path

from common import (
    DEFAULT_DIR,
    DEFAULT_SOURCE,
    TRIALMATCH,
    ServerCpu,
    fresh_postgres,
    fresh_sqlite,
    postgres_size_mb,
    postgres_url,
    run_child,
    sqlite_size_mb,
    sqlite_url,
    synthetic_file,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--n",
        type=int,
        action="append",
        help="trials to import (repeatable; default 100000 400000)",
    )
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--keep",
        type=Path,
        default=DEFAULT_DIR,
        help=f"where data and databases stay ({DEFAULT_DIR})",
    )
    parser.add_argument(
        "--again",
        action="store_true",
        help="then import the same file again (every record unchanged) and measure that too",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    args = parser.parse_args(argv)
    counts = args.n or [100_000, 400_000]
    if any(n < 1 for n in counts):
        parser.error("--n must be at least 1")
    if not args.source.is_file():
        parser.error(f"source studies not found: {args.source}")
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    args.keep.mkdir(parents=True, exist_ok=True)

    results = []
    print(
        f"{'database':<9} {'run':<5} {'trials':>8} {'seconds':>8} {'trials/s':>9} {'cpu s':>7} "
        f"{'cpu ms/t':>8} {'server ms/t':>11} {'DB MB':>8} {'peak RSS MB':>11}  DATABASE_URL"
    )
    for n in counts:
        data = synthetic_file(args.keep, n, seed=args.seed, source=args.source)
        for database in databases:
            for result in measure(database, n, data, args.keep, again=args.again):
                results.append(result)
                print(
                    f"{database:<9} {result['run']:<5} {n:>8,} {result['seconds']:>8.1f} "
                    f"{result['trials_per_s']:>9,.0f} {result['cpu_seconds']:>7.1f} "
                    f"{result['cpu_ms_per_trial']:>8.2f} {server_ms(result):>11} "
                    f"{result['db_mb']:>8,.0f} "
                    f"{result['peak_rss_mb']:>11,.0f}  {result['database_url']}",
                    flush=True,
                )
    report = args.keep / "import-results.json"
    measured = {(r["database"], r["n"], r["run"]) for r in results}
    earlier = json.loads(report.read_text()) if report.exists() else []
    kept = [r for r in earlier if (r["database"], r["n"], r.get("run", "first")) not in measured]
    report.write_text(json.dumps(kept + results, indent=2))
    print(f"results: {report}")
    return 0 if all(r["ok"] for r in results) else 1


def server_ms(result: dict[str, object]) -> str:
    """The database server's CPU per trial, where it was measured."""
    seconds = result["server_cpu_seconds"]
    return "" if seconds is None else f"{float(seconds) * 1000 / int(result['n']):.2f}"


def measure(
    database: str, n: int, data: Path, keep: Path, *, again: bool = False
) -> list[dict[str, object]]:
    """Import ``data`` into a fresh database; with ``again``, import it a second time."""
    if database == "sqlite":
        env, url = fresh_sqlite(keep, n), sqlite_url(keep, n)
    else:
        env, url = fresh_postgres(keep, n), postgres_url(n)
    migrate = run_child([TRIALMATCH, "migrate", "-v0"], env, keep)
    if migrate.returncode:
        sys.exit(f"migrate failed for {url}:\n{migrate.stderr}")
    runs = [("first", f"imported {n}, updated 0, unchanged 0, failed 0")]
    if again:
        runs.append(("again", f"imported 0, updated 0, unchanged {n}, failed 0"))
    results = []
    for name, expected in runs:
        with ServerCpu() if database == "postgres" else nullcontext() as server:
            run = run_child([TRIALMATCH, "import", str(data)], env, keep)
        server_seconds = server.seconds if server is not None else None
        out = run.stdout.strip()
        summary = out.splitlines()[-1] if out else run.stderr[-2000:]
        if summary != expected:
            print(f"unexpected import result for {url}: {summary}", file=sys.stderr)
        size = sqlite_size_mb(keep, n) if database == "sqlite" else postgres_size_mb(n)
        results.append(
            {
                "database": database,
                "run": name,
                "n": n,
                "ok": summary == expected,
                "summary": summary,
                "seconds": run.seconds,
                "trials_per_s": n / run.seconds,
                "cpu_seconds": run.cpu_seconds,
                "cpu_ms_per_trial": run.cpu_seconds * 1000 / n,
                "server_cpu_seconds": server_seconds,
                "db_mb": size,
                "peak_rss_mb": run.peak_rss_mb,
                "database_url": url,
                "data": str(data),
            }
        )
    return results


if __name__ == "__main__":
    sys.exit(main())
