"""``trialmatch import PATH...``: load trial records from files, folders and zip archives."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ctgov.sources import ReadError, ReadItem, read_paths
from trials.models import ImportRun
from trials.services.importing import import_items
from trials.signals import catalogue_changed


class Command(BaseCommand):
    help = (
        "Import ClinicalTrials.gov records (API v2 JSON / JSON Lines, legacy XML; files, "
        "folders or zip archives). Unchanged records are skipped; exits 1 if any record failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="file, folder or .zip")

    def handle(self, *args: Any, paths: list[str], **options: Any) -> None:
        run = ImportRun.objects.create(kind=ImportRun.Kind.FILES, sources="\n".join(paths))
        meter = _Progress(self.stderr) if _is_tty(self.stderr) else None
        import_items(_items(paths), run=run, progress=meter, read_ahead=True)
        if meter is not None:
            meter.done()
        for failure in run.failures.order_by("id").iterator():
            self.stderr.write(str(failure), style_func=_plain)
        for _receiver, message in catalogue_changed.send(sender=ImportRun, run=run):
            if message:
                self.stderr.write(message, style_func=_plain)
        self.stdout.write(run.summary)
        if run.failed:
            sys.exit(1)


def _items(paths: list[str]) -> Iterator[ReadItem]:
    """Every record under ``paths``; a path that is not there is a failure like any other."""
    present = []
    for path in paths:
        if Path(path).exists():
            present.append(path)
        else:
            error = ReadError(source=path, location="", reason="no such file or directory")
            yield ReadItem(source=path, location="", error=error)
    if present:
        yield from read_paths(present)


def _plain(text: str) -> str:
    return text


def _is_tty(stream: Any) -> bool:
    isatty = getattr(getattr(stream, "_out", stream), "isatty", None)
    return bool(isatty and isatty())


class _Progress:
    """One status line on the terminal, rewritten at most a few times a second."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.started = self.shown = time.monotonic()

    def __call__(self, run: ImportRun) -> None:
        now = time.monotonic()
        if now - self.shown < 0.25:
            return
        self.shown = now
        done = run.imported + run.updated + run.unchanged + run.failed
        rate = done / max(now - self.started, 1e-9)
        line = f"\r{done:,} read: {run.summary} ({rate:,.0f}/s)\x1b[K"
        self.stream.write(line, style_func=_plain, ending="")
        self.stream.flush()

    def done(self) -> None:
        self.stream.write("\r\x1b[K", style_func=_plain, ending="")
        self.stream.flush()
