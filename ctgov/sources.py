"""Reading trial records from files, folders and archives of any supported format.

Placeholder interface; the readers fill it in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ctgov.record import TrialRecord


@dataclass
class ReadError:
    source: str  # file path, or "archive.zip!member.xml"
    location: str  # "line 12", "record 3", "" for a whole file
    reason: str
    nct_id: str = ""


@dataclass
class ReadItem:
    """One record read from a source, or the reason it could not be read."""

    source: str
    location: str
    record: TrialRecord | None = None
    error: ReadError | None = None


def read_paths(paths: Iterable[str | Path]) -> Iterator[ReadItem]:
    """Stream every record under ``paths`` (files, folders, zips; format detected)."""
    raise NotImplementedError
