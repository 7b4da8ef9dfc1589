"""Criteria about taking part in a study rather than about the person's health.

Consent, willingness, keeping to the visits, the study's language, a way to be reached, a
smartphone or internet access, the country one lives in: a medical record never says, and
nearly everyone who contacts a study meets them, so one left undecided tells nothing about
whether the person fits the trial. Matching does not count them against a trial; the
pre-screener still asks them.
"""

from __future__ import annotations

import re
from functools import cache

from eligibility import rules
from eligibility.model import Criterion


def _alternatives(patterns: list[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in patterns) + r")\b", re.I)


@cache
def _wording() -> re.Pattern[str]:
    return _alternatives(rules.load("taking_part.json")["patterns"])


@cache
def _health_wording() -> re.Pattern[str]:
    return _alternatives(rules.load("taking_part.json")["health"])


def about_taking_part(item: Criterion) -> bool:
    """Whether ``item`` asks only about taking part: its wording says so and the engine read
    nothing medical in it (an age or a condition in the same line keeps it a real criterion,
    and so does being able to walk or swallow, which the engine does not read)."""
    return (
        not item.constraints
        and not item.children
        and bool(_wording().search(item.text))
        and not _health_wording().search(item.text)
    )
