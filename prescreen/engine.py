"""The pre-screener's one door to the eligibility engine.

Everything the web layer needs from ``eligibility`` goes through here, so a change in the
engine's interface changes this file only.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import eligibility
from eligibility.model import Criterion, ParsedCriteria, Verdict

ANSWERS: tuple[str, ...] = tuple(eligibility.ANSWERS)


@lru_cache(maxsize=4096)
def parse(text: str) -> ParsedCriteria:
    """Parsed criteria for a trial's criteria text, cached for the process: parsing runs on
    every answer, and matching screens the same trials for every patient.

    Callers must not modify the result.
    """
    return eligibility.parse_criteria(text or "")


def questions(parsed: ParsedCriteria) -> list[Criterion]:
    """The items a person answers: criteria, including the lead-in of a group."""
    return [item for item in parsed.items if item.asked]


def evaluate(parsed: ParsedCriteria, answers: Mapping[str, str]) -> Verdict:
    """The trial verdict for answers already checked against ``questions(parsed)``."""
    return eligibility.evaluate(parsed, answers=dict(answers))


def deciding(parsed: ParsedCriteria, verdict: Verdict, outcome: str) -> list[Criterion]:
    """Top-level criteria whose outcome is ``outcome``: what the trial verdict rests on.

    Outcomes follow the engine: "met" means the person passes the criterion (an exclusion
    that does not apply to them is met).
    """
    top = {item.id for item in parsed.top_level()}
    found = []
    for result in verdict.criteria:
        item = parsed.get(result.id)
        if item is not None and result.id in top and result.verdict == outcome:
            found.append(item)
    return found
