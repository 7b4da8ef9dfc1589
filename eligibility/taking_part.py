"""Criteria about taking part in a study rather than about the person's health.

Consent, willingness, keeping to the visits, the study's language, a way to be reached: a
medical record never says, and nearly everyone who contacts a study meets them, so one left
undecided tells nothing about whether the person fits the trial. Matching does not count them
against a trial; the pre-screener still asks them.
"""

from __future__ import annotations

import re
from functools import cache

from eligibility import rules
from eligibility.model import Criterion


@cache
def _wording() -> re.Pattern[str]:
    patterns = rules.load("taking_part.json")["patterns"]
    return re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in patterns) + r")\b", re.I)


def about_taking_part(item: Criterion) -> bool:
    """Whether ``item`` asks only about taking part: its wording says so and the engine read
    nothing medical in it (an age or a condition in the same line keeps it a real criterion)."""
    return not item.constraints and not item.children and bool(_wording().search(item.text))
