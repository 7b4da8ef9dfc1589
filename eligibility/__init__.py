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
from eligibility.rules import Pools, lists_options
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
    _confirm_options(parsed)
    annotate(parsed, pools)
    return parsed


def _confirm_options(parsed: ParsedCriteria) -> None:
    """Lines that go on a lead-in's sentence in lower case are its choices only when they
    cannot all hold ("chest pain or dyspnea ...;", "the absence of chest pain but ..."): a
    list of requirements ("must have: measurable disease ...; an ECOG ...") stays one."""
    runs: dict[str, list[Criterion]] = {}
    for item in parsed.items:
        if item.option_of is not None:
            runs.setdefault(item.option_of, []).append(item)
    for head_id, items in runs.items():
        head = parsed.get(head_id)
        if head is not None and head.role == "criterion" and lists_options(head.text):
            continue
        said = {(c.concept, c.name, c.op) for item in items for c in item.constraints}
        if not any(
            (concept, name, "absent") in said for concept, name, op in said if op == "present"
        ):
            for item in items:
                item.option_of = None
