"""``trialmatch screen NCT --answers FILE [--json]``: a pre-screening verdict from answers."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from prescreen import services


class Command(BaseCommand):
    help = (
        "Judge a trial's criteria against answers: FILE is a JSON object mapping criterion ids "
        '(see `trialmatch criteria NCT`) to "yes", "no" or "not_sure".'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("nct_id", help="The trial's NCT number, e.g. NCT04521231.")
        parser.add_argument("--answers", required=True, metavar="FILE", help="Answers JSON file.")
        parser.add_argument("--json", action="store_true", help="Print JSON instead of text.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            answers = services.load_answers(options["answers"])
        except services.AnswersFileError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        try:
            payload = services.screen_payload(options["nct_id"], answers)
        except services.TrialNotFound as exc:
            raise CommandError(str(exc), returncode=1) from exc
        except services.AnswerError as exc:
            raise CommandError(
                f"Bad answers file {options['answers']}: {exc}", returncode=2
            ) from exc
        if options["json"]:
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{payload['nct_id']}: {payload['verdict']}")
        self.stdout.write(payload["explanation"])
        for c in payload["criteria"]:
            self.stdout.write(f"  {c['id']}: {c['verdict']} — {c['reason']}")
