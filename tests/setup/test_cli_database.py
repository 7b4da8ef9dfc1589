"""The installed `trialmatch` command on a fresh install: commands that use the database prepare
it themselves, and an unreachable database is a clear error, not a traceback."""

import os
import socket
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT_ROOT

TRIALMATCH = Path(sys.executable).with_name("trialmatch")
SEED_TRIAL = PROJECT_ROOT / "trials" / "fixtures" / "NCT04521231.json"


def _trialmatch(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TRIALMATCH), *args], env=env, capture_output=True, text=True, timeout=120
    )


def _fresh_home(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TRIALMATCH_TASKS_BACKEND"}
    }
    env["TRIALMATCH_HOME"] = str(tmp_path)
    return env


def test_import_then_match_work_without_a_separate_migrate(tmp_path):
    env = _fresh_home(tmp_path)
    note = tmp_path / "patient.txt"
    note.write_text("A 34-year-old man with B-ALL in second relapse, ECOG 1, 40% marrow blasts.")

    imported = _trialmatch(env, "import", str(SEED_TRIAL))
    matched = _trialmatch(env, "match", "--patient", str(note), "--json")
    shown = _trialmatch(env, "show", "NCT04521231")

    assert imported.returncode == 0, imported.stderr
    assert "Preparing the database" in imported.stderr
    assert "imported 1" in imported.stdout
    assert matched.returncode == 0, matched.stderr
    assert "Preparing the database" not in matched.stderr
    assert '"nct_id": "NCT04521231"' in matched.stdout
    assert shown.returncode == 0 and "NCT04521231" in shown.stdout


def test_a_search_on_a_fresh_install_finds_nothing_instead_of_failing(tmp_path):
    searched = _trialmatch(_fresh_home(tmp_path), "search", "leukemia")

    assert searched.returncode == 0, searched.stderr
    assert "0 trials found" in searched.stdout


def test_an_unreachable_database_is_named_without_a_traceback(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    env = _fresh_home(tmp_path)
    env["DATABASE_URL"] = f"postgres://nobody@127.0.0.1:{closed_port}/trialmatch"

    shown = _trialmatch(env, "show", "NCT04521231")

    assert shown.returncode == 1
    assert "CommandError: cannot use the database" in shown.stderr
    assert "Traceback" not in shown.stderr
