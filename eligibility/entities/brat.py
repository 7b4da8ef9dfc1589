"""Brat standoff files, as Chia ships them.

Offsets count the characters of the ``.txt`` file exactly as stored: a CRLF line ending is two
characters, so texts are read with ``newline=""`` (no newline translation).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from eligibility.entities.base import Entity

_OFFSETS = re.compile(r"^\d+ \d+(?:;\d+ \d+)*$")


class BratError(ValueError):
    """A standoff file that cannot be read or written faithfully."""


@dataclass(frozen=True, slots=True)
class Annotation:
    """A ``T`` line of a brat file; Chia's spans may be discontinuous."""

    id: str
    type: str
    spans: tuple[tuple[int, int], ...]
    text: str

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]

    def overlaps(self, start: int, end: int) -> bool:
        """Whether any fragment shares at least one character with ``[start, end)``."""
        return any(a < end and start < b for a, b in self.spans)


def read_text(path: Path) -> str:
    """The text a brat file's offsets point into."""
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def parse_ann(content: str, source: str = "<ann>") -> list[Annotation]:
    """The entity (``T``) lines of a standoff file; relations, events and notes are skipped."""
    annotations: list[Annotation] = []
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.startswith("T"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            raise BratError(f"{source}:{number}: an entity line needs a tab after its id")
        kind, _, offsets = parts[1].partition(" ")
        if not kind or not _OFFSETS.match(offsets):
            raise BratError(f"{source}:{number}: expected '<Type> <start> <end>[;<start> <end>]'")
        spans = tuple(
            (int(a), int(b)) for a, b in (piece.split(" ") for piece in offsets.split(";"))
        )
        if any(a > b for a, b in spans):
            raise BratError(f"{source}:{number}: a span ends before it starts")
        text = parts[2] if len(parts) > 2 else ""
        annotations.append(Annotation(parts[0], kind, spans, text))
    return annotations


def read_ann(path: Path) -> list[Annotation]:
    """The entity annotations of one ``.ann`` file."""
    return parse_ann(path.read_text(encoding="utf-8"), source=str(path))


def format_ann(entities: Iterable[Entity]) -> str:
    """Standoff lines ``T<n>\\t<Type> <start> <end>\\t<text>`` for contiguous entities."""
    lines = []
    for number, entity in enumerate(entities, start=1):
        if "\t" in entity.type or " " in entity.type or not entity.type:
            raise BratError(f"entity type {entity.type!r} cannot be written to a brat file")
        if any(ch in entity.text for ch in "\t\r\n"):
            raise BratError(f"entity text {entity.text!r} spans a line or holds a tab")
        lines.append(f"T{number}\t{entity.type} {entity.start} {entity.end}\t{entity.text}\n")
    return "".join(lines)


def write_ann(path: Path, entities: Iterable[Entity]) -> None:
    """Write a standoff file (UTF-8, LF line endings, as brat reads them)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(format_ann(entities))
