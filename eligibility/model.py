"""The engine's data: parsed criteria, their constraints, and verdicts.

Plain dataclasses so the web layer, the CLI and tests can serialise them with ``to_dict``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["inclusion", "exclusion"]
Role = Literal["criterion", "definition", "note"]
Logic = Literal["all", "any"]
Answer = Literal["yes", "no", "not_sure"]
ANSWERS: tuple[str, ...] = ("yes", "no", "not_sure")
# Qualifiers of a line about one type of diabetes: its type decides it, or insulin does.
TYPE_1 = "type 1"
TYPE_2 = "type 2"
INSULIN_DEPENDENT = "insulin-dependent"
DIABETES_TYPES = frozenset({TYPE_1, TYPE_2, INSULIN_DEPENDENT})
# Qualifier of a laboratory limit the line lets a treatment meet ("may be transfused to meet
# this criterion"): a value under it rules nobody out.
CORRECTABLE = "correctable"
# Qualifier of a measurement that must stay past a limit for a time or despite treatment
# ("systolic blood pressure <90 mm Hg for >30 minutes not corrected by fluid bolus"): one
# reading past the limit does not show it.
SUSTAINED = "sustained"
# Qualifier of a pregnancy a line names both as it is and as planned ("Pregnant or lactating,
# or intending to become pregnant during the study"): a current one decides it, its absence
# does not.
CURRENT_OR_PLANNED = "current or planned"
# Qualifier of a NYHA class said of heart failure ("Class I-III heart failure"): it asks for
# heart failure, where a bare class ("NYHA I-II functional status") is met by a healthy heart.
HEART_FAILURE = "heart failure"
BLOOD_PRESSURES = ("systolic blood pressure", "diastolic blood pressure")
# Under this systolic limit from below, a line asks for a pressure high enough ("systolic blood
# pressure ≥ 90 mmHg and diastolic ≥ 50 mmHg": both), not for a high one.
HIGH_SYSTOLIC = 120


@dataclass
class Constraint:
    """One checkable statement inside a criterion: ``concept`` ``op`` ``value`` ``unit``.

    ``qualifier`` says whether a condition is meant as ever ("history"), now ("active")
    or before the study ("prior"), as one kind or severity of it ("specific": "uncontrolled
    hypertension"; ``TYPE_1``, ``TYPE_2`` or ``INSULIN_DEPENDENT`` for one type of diabetes),
    how long it must have lasted ("duration": ``op`` ``value`` ``unit`` count from its onset or
    start), how long ago it was diagnosed ("diagnosed": the time window counts from the
    diagnosis), a pregnancy as planned ("planned"), or a laboratory limit a treatment may meet
    (``CORRECTABLE``: "may be transfused to meet this criterion"); ``anchor`` is what a time
    window counts from when it is not the start of the study (e.g. "last dose"); ``purpose`` is
    the condition a treatment was for ("chemotherapy for NSCLC").
    """

    concept: str
    name: str
    op: str
    value: float | str | None = None
    unit: str | None = None
    span: tuple[int, int] = (0, 0)
    qualifier: str | None = None
    anchor: str | None = None
    purpose: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "concept": self.concept,
            "name": self.name,
            "op": self.op,
            "value": self.value,
            "unit": self.unit,
            "span": [self.span[0], self.span[1]],
        }


@dataclass
class GlossaryHit:
    term: str
    text: str


@dataclass
class Criterion:
    id: str
    kind: Kind
    role: Role
    text: str
    question: str = ""
    parent: str | None = None
    logic: Logic | None = None
    constraints: list[Constraint] = field(default_factory=list)
    help: list[GlossaryHit] = field(default_factory=list)
    details: str = ""
    section: str | None = None
    # The condition a section is addressed to ("... for participant with T2D"): its lines are
    # for people who have it (op "present") or have not ("absent").
    group: Constraint | None = None
    covered: bool = False
    children: list[str] = field(default_factory=list)
    definitions: list[str] = field(default_factory=list)
    # The lead-in of a list flattened beside this line, which the line may be one choice of
    # ("Exhibit at least two of the following clinical symptoms:" over "Cough"): where the list
    # ends is not marked, so failing this line alone rules nobody out.
    option_of: str | None = None

    @property
    def asked(self) -> bool:
        """Definitions and notes are shown, never asked."""
        return self.role == "criterion"

    def to_dict(self) -> dict[str, Any]:
        """The CLI / API shape (the contract of ``trialmatch criteria --json``)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "role": self.role,
            "text": self.text,
            "question": self.question,
            "parent": self.parent,
            "logic": self.logic,
            "constraints": [c.to_dict() for c in self.constraints],
        }


@dataclass
class ParsedCriteria:
    items: list[Criterion] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def get(self, item_id: str) -> Criterion | None:
        for item in self.items:
            if item.id == item_id:
                return item
        return None

    @property
    def ids(self) -> list[str]:
        return [item.id for item in self.items]

    def children_of(self, item_id: str) -> list[Criterion]:
        return [item for item in self.items if item.parent == item_id and item.asked]

    def top_level(self) -> list[Criterion]:
        return [item for item in self.items if item.parent is None and item.asked]


CriterionOutcome = Literal["met", "not_met", "unknown", "not_applicable"]
TrialOutcome = Literal["likely_eligible", "likely_not_eligible", "needs_review"]


@dataclass
class CriterionVerdict:
    id: str
    verdict: CriterionOutcome
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "verdict": self.verdict, "reason": self.reason}


@dataclass
class Verdict:
    verdict: TrialOutcome
    explanation: str
    criteria: list[CriterionVerdict] = field(default_factory=list)
    # Failed criteria that apply to one part or group of the study, which the person may not
    # be in: they leave the trial to the study team rather than rule the person out.
    scoped: list[str] = field(default_factory=list)

    def get(self, item_id: str) -> CriterionVerdict | None:
        for c in self.criteria:
            if c.id == item_id:
                return c
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "explanation": self.explanation,
            "criteria": [c.to_dict() for c in self.criteria],
        }


def high_pressure_limits(constraints: list[Constraint]) -> tuple[int, int] | None:
    """Where the two limits of a high blood pressure stand among ``constraints``: past either
    one, the pressure is high ("Hypertension of > 170/100 mm of Hg", "systolic > 140 mmHg,
    diastolic > 90 mmHg"), where limits from above ("<160/100 mmHg") must both hold."""
    found = [
        i
        for i, c in enumerate(constraints)
        if c.name in BLOOD_PRESSURES and c.op in (">", ">=") and isinstance(c.value, int | float)
    ]
    if len(found) != 2:
        return None
    systolic, diastolic = (constraints[i] for i in found)
    if (systolic.name, diastolic.name) != BLOOD_PRESSURES:
        return None
    if not isinstance(systolic.value, int | float) or systolic.value < HIGH_SYSTOLIC:
        return None
    return found[0], found[1]
