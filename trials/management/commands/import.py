"""``trialmatch import PATH...``: load trial records from files, folders and zip archives."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ctgov.sources import ReadError, ReadItem, read_paths
from trials.management.commands._progress import ProgressLine, is_tty, plain, records_done
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
        meter = ProgressLine(self.stderr, _describe) if is_tty(self.stderr) else None
        import_items(_items(paths), run=run, progress=meter, read_ahead=True)
        if meter is not None:
            meter.done()
        for failure in run.failures.order_by("id").iterator():
            self.stderr.write(str(failure), style_func=plain)
        for _receiver, message in catalogue_changed.send(sender=ImportRun, run=run):
            if message:
                self.stderr.write(message, style_func=plain)
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


def _describe(run: ImportRun, elapsed: float) -> str:
    done = records_done(run)
    return f"{done:,} read: {run.summary} ({done / max(elapsed, 1e-9):,.0f}/s)"
