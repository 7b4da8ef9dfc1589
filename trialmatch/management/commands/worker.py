"""``trialmatch worker``: run the background tasks queued in the database (``db_worker``)."""

from __future__ import annotations

import math
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from trialmatch.background import queues_tasks


class Command(BaseCommand):
    help = (
        "Run the background worker: it takes the tasks queued in the database (similar-trial "
        "lists after an import or sync) and runs them, waiting for more until stopped "
        "(Ctrl+C lets the task in hand finish). Exits 2 on bad arguments."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="run the tasks queued now, then exit"
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            metavar="SECONDS",
            help="how long to wait before looking at an empty queue again (default 1)",
        )
        parser.add_argument("--max-tasks", type=int, metavar="N", help="exit after N tasks")
        parser.add_argument(
            "--reload", action="store_true", help="restart when the code changes (development)"
        )

    def handle(
        self,
        *args: Any,
        batch: bool,
        interval: float,
        max_tasks: int | None,
        reload: bool,
        verbosity: int,
        **options: Any,
    ) -> None:
        if not queues_tasks():
            raise CommandError(
                "TRIALMATCH_TASKS_BACKEND=immediate runs background tasks inside the command "
                "that queues them: there is nothing for a worker to do",
                returncode=2,
            )
        if not (math.isfinite(interval) and interval >= 0):
            raise CommandError(f"--interval must be 0 or more, not {interval}", returncode=2)
        if max_tasks is not None and max_tasks < 1:
            raise CommandError(f"--max-tasks must be 1 or more, not {max_tasks}", returncode=2)
        if not batch:
            self.stdout.write("TrialMatch worker waiting for tasks (Ctrl+C stops it)")
            self.stdout.flush()
        call_command(
            "db_worker",
            batch=batch,
            interval=interval,
            max_tasks=max_tasks,
            reload=reload and not batch,
            startup_delay=not batch,
            verbosity=verbosity,
            stdout=self.stdout,
            stderr=self.stderr,
        )
