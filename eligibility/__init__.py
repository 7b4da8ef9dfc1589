"""The eligibility engine: criteria text to items, constraints, questions and verdicts.

Plain Python: never imports Django.
"""

from __future__ import annotations

from eligibility.constraints import extract, section_group, timed_by_lead_in
from eligibility.model import (
    ANSWERS,
    Constraint,
    Criterion,
    CriterionVerdict,
    ParsedCriteria,
    Verdict,
)
from eligibility.questions import annotate
from eligibility.rules import Pools
from eligibility.split import split
from eligibility.verdicts import evaluate

__all__ = [
    "ANSWERS",
    "Constraint",
    "Criterion",
    "CriterionVerdict",
    "ParsedCriteria",
    "Verdict",
    "evaluate",
    "parse_criteria",
]


def parse_criteria(text: str) -> ParsedCriteria:
    """Criteria text to items with ids, kinds, roles, groups, constraints and questions.

    Never raises on bad input: empty or unreadable text gives no items and a note.
    """
    if not isinstance(text, str):
        return ParsedCriteria([], ["No criteria text"])
    result = split(text)
    parsed = ParsedCriteria(result.items, list(result.notes))
    pools = Pools.of(text)
    by_id = {item.id: item for item in parsed.items}
    groups: dict[str, Constraint | None] = {}
    for item in parsed.items:
        if item.section is not None:
            if item.section not in groups:
                groups[item.section] = section_group(item.section)
            item.group = groups[item.section]
        if item.role == "criterion":
            item.constraints = extract(item.text, pools.terms)
            lead_in = by_id.get(item.parent) if item.parent else None
            if lead_in is not None:
                item.constraints = timed_by_lead_in(lead_in.text, item.constraints)
    annotate(parsed, pools)
    return parsed
