"""``trialmatch match``: the trials of the catalogue that fit one patient, best first."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eligibility.profile import ProfileError, load_patient_file
from matching.services import MAX_TOP, MatchError, match_patient


class Command(BaseCommand):
    help = (
        "Match one patient (FILE: a .txt note, a .json profile or a FHIR Bundle) against the "
        "catalogue: ranked trials with a verdict and the reasons for it. Exits 2 on bad input."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--patient", required=True, metavar="FILE", help="the patient file")
        parser.add_argument(
            "--top", type=int, default=20, help=f"how many trials (1 to {MAX_TOP}, default 20)"
        )
        parser.add_argument(
            "--near", default=None, help="measure distances from here: city, postcode or lat,lon"
        )
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, patient, top, near, json: bool, **options) -> None:
        try:
            profile = load_patient_file(patient)
            outcome = match_patient(profile, top=top, near=near)
        except (ProfileError, MatchError) as exc:
            raise CommandError(str(exc), returncode=2) from None
        if json:
            self.stdout.write(_dumps(outcome.to_dict()))
            return
        if outcome.message:
            self.stdout.write(outcome.message)
        for rank, result in enumerate(outcome.results, 1):
            self.stdout.write(
                f"{rank}. {result.nct_id} [{result.verdict}] score {result.score:.3f}  "
                f"{result.title}"
            )
            self.stdout.write(f"   {result.explanation}")
            for reason in result.reasons:
                self.stdout.write(f"   - {reason}")
        self.stderr.write(
            f"{outcome.candidates} candidates, {len(outcome.results)} shown, "
            f"{outcome.elapsed_ms:.0f} ms"
        )


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
