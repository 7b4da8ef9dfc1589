"""``trialmatch show NCT``: one stored trial, as a summary or as its normalised record."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ctgov.record import TrialRecord
from ctgov.values import NCT_ID_RE
from trials.models import Trial


class Command(BaseCommand):
    help = "Show one trial of the catalogue by its NCT id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("nct_id", metavar="NCT", help="e.g. NCT04521231")
        parser.add_argument(
            "--json", action="store_true", help="print the normalised record as JSON"
        )

    def handle(self, *args: Any, nct_id: str, json: bool = False, **options: Any) -> None:
        given = nct_id.strip()
        nct_id = given.upper()
        if not NCT_ID_RE.match(nct_id):
            raise CommandError(f"{given!r} is not an NCT id (NCT followed by 8 digits)")
        trial = Trial.objects.filter(nct_id=nct_id).first()
        if trial is None:
            raise CommandError(f"{nct_id} is not in the catalogue (import it first)")
        if json:
            self.stdout.write(_dumps(trial.record))
        else:
            self.stdout.write(summary(trial))


def _dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


def summary(trial: Trial) -> str:
    """A few lines a person can read at a glance."""
    record = TrialRecord.from_dict(trial.record)
    elig = record.eligibility
    ages = _age_range(elig.minimum_age_text, elig.maximum_age_text)
    lines = [
        f"{record.nct_id}: {record.title}",
        *_field("Official title", record.official_title if record.brief_title else ""),
        *_field("Status", _words(record.overall_status)),
        *_field("Study type", _words(record.study_type)),
        *_field("Phases", ", ".join(_words(p) for p in record.phases)),
        *_field("Conditions", "; ".join(record.conditions)),
        *_field("Interventions", "; ".join(trial.intervention_names)),
        *_field("Sponsor", record.lead_sponsor),
        *_field("Enrollment", "" if record.enrollment_count is None else record.enrollment_count),
        *_field("Sex", elig.sex.capitalize()),
        *_field("Ages", ages),
        *_field("Start", record.start_date),
        *_field("Completion", record.completion_date),
        *_field("Last update posted", record.last_update_posted_date),
    ]
    sites = list(trial.sites.all())
    lines.append(f"Sites: {len(sites)}")
    lines += [
        f"  - {site} [{site.status}]" if site.status else f"  - {site}" for site in sites[:10]
    ]
    if len(sites) > 10:
        lines.append(f"  ... and {len(sites) - 10} more")
    if record.brief_summary:
        lines += ["", record.brief_summary.strip()]
    return "\n".join(lines)


def _words(code: str) -> str:
    """``ACTIVE_NOT_RECRUITING`` as "Active not recruiting", ``PHASE2`` as "Phase 2"."""
    if code == "NA":
        return "Not applicable"
    text = code.replace("_", " ").lower().capitalize()
    return text[:-1] + " " + text[-1] if text[-1:].isdigit() else text


def _field(label: str, value: Any) -> list[str]:
    return [f"{label}: {value}"] if value not in ("", None) else []


def _age_range(low: str, high: str) -> str:
    if low and high:
        return f"{low} to {high}"
    if low:
        return f"{low} and older"
    if high:
        return f"up to {high}"
    return ""
