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
def _table(key: str) -> re.Pattern[str]:
    """One list of ``taking_part.json`` as a single pattern, the file read once."""
    return _alternatives(_data()[key])


@cache
def _data() -> dict[str, list[str]]:
    return rules.load("taking_part.json")  # type: ignore[no-any-return]


_WHO_AND_NOT_PREGNANT = frozenset({"sex", "pregnancy", "breastfeeding"})


def about_taking_part(item: Criterion) -> bool:
    """Whether ``item`` asks only about taking part: its wording says so and the engine read
    nothing medical in it (an age or a condition in the same line keeps it a real criterion,
    and so does being able to walk or swallow, which the engine does not read). A line on
    contraception during the study may also say whom it is for and that she is not pregnant
    ("Women of childbearing potential must have a negative pregnancy test and agree to use
    adequate contraception"): a pregnancy still rules her out, the rest is taking part."""
    if item.children or _table("health").search(item.text):
        return False
    if not item.constraints:
        return bool(_table("patterns").search(item.text))
    return bool(_table("contraception").search(item.text)) and all(
        c.concept in _WHO_AND_NOT_PREGNANT and (c.concept == "sex" or c.op == "absent")
        for c in item.constraints
    )
