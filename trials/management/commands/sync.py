"""``trialmatch sync``: bring trials in from the ClinicalTrials.gov API v2, resumably."""

from __future__ import annotations

import logging
import sys
import time
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from trials.models import ImportRun
from trials.services.syncing import SyncError, sync
from trials.signals import catalogue_changed


class Command(BaseCommand):
    help = (
        "Import studies from the ClinicalTrials.gov API v2 (CTGOV_API_URL). An interrupted "
        "sync resumes where it stopped; a finished one goes on with the studies updated since. "
        "Exits 1 if any record failed, 2 on bad arguments or when the API cannot be used."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--term", help="search terms (query.term), e.g. 'lung cancer'")
        parser.add_argument("--condition", help="condition or disease (query.cond)")
        parser.add_argument(
            "--since",
            metavar="YYYY-MM-DD",
            help="only studies updated on or after this date (default: since the last sync)",
        )
        parser.add_argument("--limit", metavar="N", help="stop after N studies")
        parser.add_argument(
            "--status",
            help="overall status(es), comma-separated, e.g. RECRUITING,NOT_YET_RECRUITING",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        since = _since(options["since"])
        limit = _limit(options["limit"])
        meter = _Progress(self.stderr) if _is_tty(self.stderr) else None
        try:
            run = sync(
                term=options["term"],
                condition=options["condition"],
                since=since,
                limit=limit,
                status=options["status"],
                base_url=settings.CTGOV_API_URL,
                progress=meter,
            )
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from None
        except SyncError as exc:
            if meter is not None:
                meter.done()
            self._summary(exc.run)
            raise CommandError(str(exc), returncode=2) from None
        except KeyboardInterrupt:
            raise CommandError(
                "interrupted; the pages already done are saved, and running the same command "
                "again resumes from there.",
                returncode=130,
            ) from None
        finally:
            if meter is not None:
                meter.done()
        self._summary(run)
        if run.failed:
            sys.exit(1)

    def _summary(self, run: ImportRun) -> None:
        for failure in run.failures.order_by("id").iterator():
            self.stderr.write(str(failure), style_func=lambda text: text)
        for _receiver, message in catalogue_changed.send(sender=ImportRun, run=run):
            if message:
                self.stderr.write(message, style_func=lambda text: text)
        self.stdout.write(run.summary)


def _since(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(
            f"--since must be a date like 2024-01-31, not {value!r}", returncode=2
        ) from None


def _limit(value: Any) -> int | None:
    if value is None:
        return None
    try:
        limit = int(str(value).strip())
    except ValueError:
        limit = 0
    if limit < 1:
        raise CommandError(f"--limit must be a positive whole number, not {value!r}", returncode=2)
    return limit


def _is_tty(stream: Any) -> bool:
    isatty = getattr(getattr(stream, "_out", stream), "isatty", None)
    return bool(isatty and isatty())


class _Progress(logging.Filter):
    """One status line on the terminal, rewritten at most a few times a second.

    Retry warnings from the client clear the line first, so they do not run into it.
    """

    def __init__(self, stream: Any) -> None:
        super().__init__()
        self.stream = stream
        self.shown = 0.0
        logging.getLogger("ctgov.client").addFilter(self)

    def filter(self, record: logging.LogRecord) -> bool:
        self._write("\r\x1b[K")
        return True

    def __call__(self, run: ImportRun) -> None:
        now = time.monotonic()
        if now - self.shown < 0.25:
            return
        self.shown = now
        done = run.imported + run.updated + run.unchanged + run.failed
        self._write(f"\r{done:,} studies synced: {run.summary}\x1b[K")

    def done(self) -> None:
        if self.stream is None:
            return
        self._write("\r\x1b[K")
        logging.getLogger("ctgov.client").removeFilter(self)
        self.stream = None

    def _write(self, text: str) -> None:
        if self.stream is not None:
            self.stream.write(text, ending="", style_func=lambda text: text)
            self.stream.flush()
