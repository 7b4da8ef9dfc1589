"""Settings from the environment: a bad value stops the command with a message naming it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TRIALMATCH = Path(sys.executable).with_name("trialmatch")


def run_check(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(TRIALMATCH_HOME=str(tmp_path), **variables)
    return subprocess.run(
        [str(TRIALMATCH), "check"], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("value", ["0", "17", "two", "-1"])
def test_a_bad_number_of_import_writers_is_refused_with_its_range(tmp_path, value):
    done = run_check(tmp_path, TRIALMATCH_IMPORT_WRITERS=value)
    assert done.returncode != 0
    assert "TRIALMATCH_IMPORT_WRITERS must be a whole number from 1 to 16" in done.stderr


def test_a_good_number_of_import_writers_is_taken(tmp_path):
    assert run_check(tmp_path, TRIALMATCH_IMPORT_WRITERS="4").returncode == 0
