"""Glue between the catalogue and the eligibility engine: read a trial, parse, screen."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import eligibility
from eligibility.verdicts import AnswerError
from prescreen import engine
from trials.models import Trial

__all__ = [
    "AnswerError",
    "AnswersFileError",
    "TrialNotFound",
    "criteria_payload",
    "load_answers",
    "parse_trial",
    "screen_payload",
    "trial_criteria_text",
]


class TrialNotFound(LookupError):
    def __init__(self, nct_id: str) -> None:
        super().__init__(
            f"No trial {nct_id} in the catalogue (import it first with `trialmatch import`)."
        )
        self.nct_id = nct_id


class AnswersFileError(ValueError):
    """An answers file that cannot be read or is not a JSON object of id -> answer."""


def get_trial(nct_id: str) -> Trial:
    nct_id = (nct_id or "").strip().upper()
    trial = Trial.objects.filter(nct_id=nct_id).first()
    if trial is None:
        raise TrialNotFound(nct_id)
    return trial


def trial_criteria_text(trial: Trial) -> str:
    """The criteria text, from the column or, failing that, the stored record."""
    if trial.eligibility_criteria:
        return trial.eligibility_criteria
    record = trial.record if isinstance(trial.record, dict) else {}
    elig = record.get("eligibility") or {}
    return str(elig.get("criteria") or "") if isinstance(elig, dict) else ""


def parse_trial(trial: Trial) -> eligibility.ParsedCriteria:
    return engine.parse(trial_criteria_text(trial))


def criteria_payload(nct_id: str) -> tuple[dict[str, Any], eligibility.ParsedCriteria]:
    """The ``trialmatch criteria --json`` document, and the parse it came from."""
    trial = get_trial(nct_id)
    parsed = parse_trial(trial)
    payload: dict[str, Any] = {
        "nct_id": trial.nct_id,
        "criteria": [item.to_dict() for item in parsed.items],
    }
    return payload, parsed


def load_answers(path: str | Path) -> dict[str, str]:
    """Read an answers file: a JSON object mapping criterion ids to yes / no / not_sure."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise AnswersFileError(f"Answers file not found: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise AnswersFileError(f"Cannot read answers file {path}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise AnswersFileError(f"Answers file {path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise AnswersFileError(
            f"Answers file {path} must be a JSON object mapping criterion ids to "
            '"yes", "no" or "not_sure".'
        )
    return {str(k): v for k, v in data.items()}


def screen_payload(nct_id: str, answers: dict[str, Any]) -> dict[str, Any]:
    """The ``trialmatch screen --json`` document; raises ``AnswerError`` for bad answers."""
    trial = get_trial(nct_id)
    parsed = parse_trial(trial)
    verdict = eligibility.evaluate(parsed, answers=answers)
    return {
        "nct_id": trial.nct_id,
        "verdict": verdict.verdict,
        "explanation": verdict.explanation,
        "criteria": [c.to_dict() for c in verdict.criteria],
    }
