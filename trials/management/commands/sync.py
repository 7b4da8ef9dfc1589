"""``trialmatch sync``: bring trials in from the ClinicalTrials.gov API v2, resumably."""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from trials.management.commands._progress import ProgressLine, is_tty, plain, records_done
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
        meter = (
            ProgressLine(self.stderr, _describe, quiet_logger="ctgov.client")
            if is_tty(self.stderr)
            else None
        )
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
            self.stderr.write(str(failure), style_func=plain)
        for _receiver, message in catalogue_changed.send(sender=ImportRun, run=run):
            if message:
                self.stderr.write(message, style_func=plain)
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


def _describe(run: ImportRun, elapsed: float) -> str:
    return f"{records_done(run):,} studies synced: {run.summary}"
