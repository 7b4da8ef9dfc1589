"""What the benchmarks share: synthetic data files, fresh databases, and measured child runs."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from ctgov.synth import load_studies, write_jsonl  # noqa: E402

DEFAULT_SOURCE = PROJECT_ROOT.parent / "shared" / "data" / "ctgov" / "v2" / "studies.jsonl"
DEFAULT_DIR = Path("/tmp/trialmatch-bench")
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
TRIALMATCH = str(Path(sys.executable).with_name("trialmatch"))


def synthetic_file(directory: Path, n: int, seed: int = 0, source: Path = DEFAULT_SOURCE) -> Path:
    """``n`` synthetic trials as JSON Lines, made once and reused while source and seed hold."""
    path = directory / f"synthetic-{n}-seed{seed}.jsonl"
    stamp = path.with_suffix(".done")
    wanted = {"n": n, "seed": seed, "source": str(source), "size": None}
    if path.exists() and stamp.exists():
        done = json.loads(stamp.read_text())
        if {**done, "size": None} == wanted and done["size"] == path.stat().st_size:
            return path
    directory.mkdir(parents=True, exist_ok=True)
    studies = load_studies(source)
    with path.open("w", encoding="utf-8") as stream:
        write_jsonl(studies, n, stream, seed=seed)
    stamp.write_text(json.dumps({**wanted, "size": path.stat().st_size}))
    return path


def sqlite_home(directory: Path, n: int) -> Path:
    return directory / f"sqlite-{n}"


def sqlite_url(directory: Path, n: int) -> str:
    return f"sqlite:///{sqlite_home(directory, n) / 'trialmatch.sqlite3'}"


def postgres_name(n: int) -> str:
    return f"trialmatch_bench_{n}"


def postgres_url(n: int) -> str:
    return f"postgres://postgres@127.0.0.1:5432/{postgres_name(n)}"


def fresh_sqlite(directory: Path, n: int) -> dict[str, str]:
    """Environment for a new, empty SQLite catalogue (any earlier one is removed)."""
    home = sqlite_home(directory, n)
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    return _env(home, sqlite_url(directory, n))


def fresh_postgres(directory: Path, n: int) -> dict[str, str]:
    """Environment for a new, empty PostgreSQL database (any earlier one is dropped)."""
    import psycopg

    name = postgres_name(n)
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    home = directory / f"postgres-{n}-home"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    return _env(home, postgres_url(n))


def _env(home: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"TRIALMATCH_TEST_DB_NAME"}}
    env.update(TRIALMATCH_HOME=str(home), DATABASE_URL=database_url)
    return env


def sqlite_size_mb(directory: Path, n: int) -> float:
    database = sqlite_home(directory, n) / "trialmatch.sqlite3"
    files = [database, Path(f"{database}-wal")]
    return sum(f.stat().st_size for f in files if f.exists()) / 1e6


def postgres_size_mb(n: int) -> float:
    import psycopg

    with psycopg.connect(postgres_url(n)) as conn:
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    return row[0] / 1e6


@dataclass
class ChildRun:
    returncode: int
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    stdout: str
    stderr: str


# Runs one command and reports what it used: RUSAGE_CHILDREN of this small wrapper covers that
# one command alone, so figures of earlier runs (migrate, a bigger import) never leak in.
_MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.call(sys.argv[2:])
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime,
               "maxrss_kb": usage.ru_maxrss}, out)
"""


def run_child(args: list[str], env: dict[str, str], scratch: Path) -> ChildRun:
    """Run a command: its exit status, wall and CPU time, peak resident memory and output."""
    report = scratch / "usage.json"
    report.unlink(missing_ok=True)
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(report), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if not report.exists():  # the wrapper itself failed: say why
        raise RuntimeError(f"could not run {args[:2]}:\n{done.stderr[-2000:]}")
    usage = json.loads(report.read_text())
    return ChildRun(
        returncode=usage["code"],
        seconds=usage["seconds"],
        cpu_seconds=usage["cpu"],
        peak_rss_mb=usage["maxrss_kb"] / 1024,
        stdout=done.stdout,
        stderr=done.stderr,
    )


class ServerCpu:
    """CPU time spent by a local server's processes (those of an operating-system user, e.g.
    ``postgres``) while the block runs, read from /proc every ``interval`` seconds.

    The import's own CPU time leaves out what it asks of PostgreSQL, most of the work. A
    process that ends between two readings loses at most its last interval. ``seconds`` is
    None where the user or /proc is missing (a remote server, another system).
    """

    def __init__(self, user: str = "postgres", interval: float = 0.2) -> None:
        try:
            self.uid: int | None = pwd.getpwnam(user).pw_uid
        except KeyError:
            self.uid = None
        self.interval = interval
        self.seconds: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._start: dict[str, float] = {}
        self._last: dict[str, float] = {}

    def _read(self) -> dict[str, float]:
        ticks = os.sysconf("SC_CLK_TCK")
        found = {}
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                if os.stat(f"/proc/{pid}").st_uid != self.uid:
                    continue
                with open(f"/proc/{pid}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:  # ended meanwhile
                continue
            found[pid] = (int(fields[11]) + int(fields[12])) / ticks
        return found

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            self._last.update(self._read())

    def __enter__(self) -> ServerCpu:
        if self.uid is not None and Path("/proc").is_dir():
            self._start = self._read()
            self._last = dict(self._start)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._thread.is_alive():
            return
        self._stop.set()
        self._thread.join()
        self._last.update(self._read())
        self.seconds = sum(v - self._start.get(pid, 0.0) for pid, v in self._last.items())
