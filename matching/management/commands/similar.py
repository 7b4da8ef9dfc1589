"""``trialmatch similar``: recompute the "Similar trials" lists shown on trial pages."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ctgov.values import NCT_ID_RE
from matching.similar import compute, refresh_for
from trials.models import Trial


class Command(BaseCommand):
    help = (
        "Recompute the similar-trials lists: of every trial (--all), or of the NCT numbers "
        "given and of the trials whose lists they are on. Exits 2 on bad input."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("nct_ids", nargs="*", metavar="NCT", help="NCT numbers to refresh")
        parser.add_argument("--all", action="store_true", help="recompute every trial")

    def handle(self, *args, nct_ids: list[str], all: bool, **options) -> None:
        if all == bool(nct_ids):
            raise CommandError("give either --all or one or more NCT numbers", returncode=2)
        started = time.perf_counter()
        if all:
            done = compute(progress=self._progress)
        else:
            wanted = list(dict.fromkeys(n.strip().upper() for n in nct_ids))
            bad = [n for n in wanted if not NCT_ID_RE.match(n)]
            if bad:
                raise CommandError(f"not an NCT number: {', '.join(bad)}", returncode=2)
            found = dict(Trial.objects.filter(nct_id__in=wanted).values_list("nct_id", "id"))
            missing = [n for n in wanted if n not in found]
            if missing:
                raise CommandError(f"not in the catalogue: {', '.join(missing)}", returncode=2)
            done = refresh_for(found.values())
        self.stdout.write(
            f"Recomputed similar trials for {done} trial{'s' if done != 1 else ''} "
            f"in {time.perf_counter() - started:.1f} s"
        )

    def _progress(self, done: int, total: int) -> None:
        self.stderr.write(f"{done}/{total} trials")
