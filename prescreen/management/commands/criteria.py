"""``trialmatch criteria NCT [--json]``: a trial's criteria as questions and constraints."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eligibility.questions import group_lead
from prescreen import services


class Command(BaseCommand):
    help = "Show a trial's eligibility criteria split into questions, with their constraints."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("nct_id", help="The trial's NCT number, e.g. NCT04521231.")
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a list.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            payload, parsed = services.criteria_payload(options["nct_id"])
        except services.TrialNotFound as exc:
            raise CommandError(str(exc), returncode=1) from exc
        for note in parsed.notes:
            self.stderr.write(f"Note: {note}")
        if options["json"]:
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{payload['nct_id']}: {len(parsed.items)} items")
        kind = None
        depth = {item.id: 0 for item in parsed.items}
        for item in parsed.items:
            if item.parent and item.role == "criterion":
                depth[item.id] = depth.get(item.parent, 0) + 1
            if item.kind != kind:
                kind = item.kind
                self.stdout.write(f"\n{kind.capitalize()} criteria")
            indent = "  " * (depth[item.id] + 1)
            if item.role == "criterion":
                lead = group_lead(item).lower().removesuffix(" the following:")
                logic = f" [{lead}]" if lead else ""
                self.stdout.write(f"{indent}{item.id}{logic}: {item.text}")
                self.stdout.write(f"{indent}    Q: {item.question}")
                for c in item.constraints:
                    value = (
                        "" if c.value is None else f" {c.value}" + (f" {c.unit}" if c.unit else "")
                    )
                    self.stdout.write(f"{indent}    - {c.concept} {c.name} {c.op}{value}")
            elif item.role == "definition":
                self.stdout.write(f"{indent}{item.id} (definition for {item.parent}): {item.text}")
            else:
                self.stdout.write(f"{indent}{item.id} (note): {item.text}")
