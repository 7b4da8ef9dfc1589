"""Tag a folder of criteria texts and write one brat ``.ann`` beside each, in another folder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from eligibility.entities.base import Entity
from eligibility.entities.brat import read_text, write_ann


class FolderError(ValueError):
    """The input or output folder cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class FolderResult:
    files: int
    entities: int


def annotate_folder(
    in_dir: Path, out_dir: Path, extract: Callable[[str], list[Entity]]
) -> FolderResult:
    """Write ``OUT_DIR/<name>.ann`` for every ``IN_DIR/<name>.txt``; ``OUT_DIR`` is created."""
    if not in_dir.is_dir():
        raise FolderError(f"input folder {in_dir} does not exist or is not a folder")
    texts = sorted(p for p in in_dir.glob("*.txt") if p.is_file())
    if not texts:
        raise FolderError(f"input folder {in_dir} holds no .txt files")
    if out_dir.exists() and not out_dir.is_dir():
        raise FolderError(f"output {out_dir} exists and is not a folder")
    # Read everything first so a bad file stops the run before any output is written.
    contents = []
    for path in texts:
        try:
            contents.append((path, read_text(path)))
        except UnicodeDecodeError as error:
            raise FolderError(f"{path} is not UTF-8 text ({error.reason})") from error
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise FolderError(f"cannot create output folder {out_dir}: {error.strerror}") from error
    total = 0
    for path, text in contents:
        entities = extract(text)
        write_ann(out_dir / f"{path.stem}.ann", entities)
        total += len(entities)
    return FolderResult(len(contents), total)
