"""``trialmatch extract-brat IN_DIR OUT_DIR``: its files, offsets and error exits."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from eligibility.entities import ENTITY_TYPES
from eligibility.entities.brat import read_text
from tests.conftest import PROJECT_ROOT, shared_path

LINE = re.compile(r"^T(\d+)\t(\w+) (\d+) (\d+)\t([^\t\r\n]*)$")
CHIA_FILES = ["NCT00094861_inc", "NCT00094861_exc"]


def check_ann(text_path: Path, ann_path: Path) -> int:
    """Assert the contract on one output file; return its entity count."""
    text = read_text(text_path)
    lines = ann_path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        match = LINE.match(line)
        assert match, line
        assert int(match[1]) == number
        assert match[2] in ENTITY_TYPES
        start, end = int(match[3]), int(match[4])
        assert 0 <= start < end <= len(text)
        assert text[start:end] == match[5]
    return len(lines)


def test_writes_one_ann_per_chia_text(tmp_path: Path) -> None:
    chia = shared_path("chia", "chia_without_scope")
    in_dir = tmp_path / "in"
    in_dir.mkdir()
    for name in CHIA_FILES:
        shutil.copy(chia / f"{name}.txt", in_dir)
    out_dir = tmp_path / "out" / "nested"
    call_command("extract-brat", str(in_dir), str(out_dir))
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(f"{n}.ann" for n in CHIA_FILES)
    for name in CHIA_FILES:
        assert check_ann(in_dir / f"{name}.txt", out_dir / f"{name}.ann") > 10


def test_self_made_text_gets_the_entities_a_reader_expects(tmp_path: Path) -> None:
    (tmp_path / "trial_inc.txt").write_bytes(
        "Women aged ≥ 18 years\r\nType 2 diabetes mellitus for at least 6 months\r\n"
        "HbA1c between 7.0 % and 10.0 %\r\n".encode()
    )
    (tmp_path / "notes.md").write_text("not a criteria file")
    out_dir = tmp_path / "out"
    call_command("extract-brat", str(tmp_path), str(out_dir))
    assert [p.name for p in out_dir.iterdir()] == ["trial_inc.ann"]
    assert check_ann(tmp_path / "trial_inc.txt", out_dir / "trial_inc.ann") >= 5
    found = {
        (line.split("\t")[1].split()[0], line.split("\t")[2])
        for line in (out_dir / "trial_inc.ann").read_text(encoding="utf-8").splitlines()
    }
    assert ("Person", "Women") in found
    assert ("Condition", "Type 2 diabetes mellitus") in found
    assert ("Measurement", "HbA1c") in found


def test_empty_text_gives_an_empty_ann(tmp_path: Path) -> None:
    (tmp_path / "blank.txt").write_text("\n\n")
    call_command("extract-brat", str(tmp_path), str(tmp_path / "out"))
    assert (tmp_path / "out" / "blank.ann").read_text() == ""


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "does not exist"),
        ("empty", "no .txt files"),
        ("binary", "not UTF-8"),
        ("out-is-file", "not a folder"),
    ],
)
def test_bad_folders_exit_with_status_2(tmp_path: Path, setup: str, message: str) -> None:
    in_dir, out_dir = tmp_path / "in", tmp_path / "out"
    if setup != "missing":
        in_dir.mkdir()
    if setup == "binary":
        (in_dir / "a.txt").write_bytes(b"\xff\xfe\x00bad")
    if setup == "out-is-file":
        (in_dir / "a.txt").write_text("Age over 18")
        out_dir.write_text("")
    with pytest.raises(CommandError, match=message) as excinfo:
        call_command("extract-brat", str(in_dir), str(out_dir))
    assert excinfo.value.returncode == 2
    assert not out_dir.is_dir()


def test_console_script_exits_2_with_a_message(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "trialmatch.cli", "extract-brat", str(tmp_path / "no"), "out"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        timeout=120,
    )
    assert result.returncode == 2
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr
