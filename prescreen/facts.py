"""Facts that mean the same on every trial: age, sex, performance status, the NYHA class of
heart failure, pregnancy, breastfeeding.

The rule for sharing: an answer is turned into a fact only when every constraint the engine
found in the criterion is on one and the same shared fact. "Yes" then means all of them hold.
"No" means the constraint does not hold only when it is the single one and the question asks
exactly it (the engine's ``covered``): a "no" to "18 to 65" does not say which side, and a
"no" to "18 or older and able to swallow tablets" may be about the tablets. The fact stored
is what the answer determines, never the answer itself: "yes" to "Are you 18 or older?" stores
``age >= 18``, which answers "Are you 16 or older?" (yes) but not "Are you 65 or older?".
A question on another trial is pre-filled only when the known facts decide it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from eligibility.model import HEART_FAILURE, Constraint, Criterion

NUMERIC = {"age", "ecog", "karnofsky", "lansky", "nyha"}
INTEGER_SCALES = {"ecog", "karnofsky", "lansky", "nyha"}
# The engine's name of a fact, where it is not the concept's own.
_NAMES = {"nyha": "nyha class"}
BOOLEAN = {"pregnancy", "breastfeeding"}
SHARED = NUMERIC | BOOLEAN | {"sex"}
_YEARS = {"year": 1.0, "month": 1 / 12, "week": 7 / 365.25, "day": 1 / 365.25}
_NEGATED = {">=": "<", ">": "<=", "<=": ">", "<": ">="}

Facts = dict[str, Any]


@dataclass(frozen=True)
class Interval:
    lo: float | None = None
    lo_incl: bool = False
    hi: float | None = None
    hi_incl: bool = False

    @classmethod
    def of(cls, op: str, value: float) -> Interval | None:
        return {
            ">=": cls(lo=value, lo_incl=True),
            ">": cls(lo=value),
            "<=": cls(hi=value, hi_incl=True),
            "<": cls(hi=value),
            "==": cls(value, True, value, True),
        }.get(op)

    @classmethod
    def from_json(cls, data: Any) -> Interval | None:
        if not isinstance(data, dict):
            return None
        return cls(
            data.get("lo"), bool(data.get("lo_incl")), data.get("hi"), bool(data.get("hi_incl"))
        )

    def to_json(self) -> dict[str, Any]:
        return {"lo": self.lo, "lo_incl": self.lo_incl, "hi": self.hi, "hi_incl": self.hi_incl}

    def intersect(self, other: Interval) -> Interval:
        lo, lo_incl = self.lo, self.lo_incl
        if other.lo is not None and (
            lo is None or other.lo > lo or (other.lo == lo and not other.lo_incl)
        ):
            lo, lo_incl = other.lo, other.lo_incl
        hi, hi_incl = self.hi, self.hi_incl
        if other.hi is not None and (
            hi is None or other.hi < hi or (other.hi == hi and not other.hi_incl)
        ):
            hi, hi_incl = other.hi, other.hi_incl
        return Interval(lo, lo_incl, hi, hi_incl)

    @property
    def empty(self) -> bool:
        if self.lo is None or self.hi is None:
            return False
        return self.lo > self.hi or (self.lo == self.hi and not (self.lo_incl and self.hi_incl))

    def within(self, other: Interval) -> bool:
        """Every value of ``self`` lies in ``other``."""
        lo_ok = other.lo is None or (
            self.lo is not None
            and (
                self.lo > other.lo or (self.lo == other.lo and (other.lo_incl or not self.lo_incl))
            )
        )
        hi_ok = other.hi is None or (
            self.hi is not None
            and (
                self.hi < other.hi or (self.hi == other.hi and (other.hi_incl or not self.hi_incl))
            )
        )
        return lo_ok and hi_ok

    def on_integers(self) -> Interval:
        """Scales with whole grades: ``> 1`` is ``>= 2``, ``< 3`` is ``<= 2``."""
        lo, lo_incl, hi, hi_incl = self.lo, self.lo_incl, self.hi, self.hi_incl
        if lo is not None:
            lo, lo_incl = (float(math.ceil(lo)) if lo_incl else float(math.floor(lo) + 1)), True
        if hi is not None:
            hi, hi_incl = (float(math.floor(hi)) if hi_incl else float(math.ceil(hi) - 1)), True
        return Interval(lo, lo_incl, hi, hi_incl)


@dataclass(frozen=True)
class Statement:
    """One constraint read as a statement about a shared fact."""

    key: str
    op: str
    value: Any

    def interval(self, negate: bool = False) -> Interval | None:
        op = _NEGATED.get(self.op) if negate else self.op
        if op is None:
            return None
        interval = Interval.of(op, float(self.value))
        if interval is not None and self.key in INTEGER_SCALES:
            interval = interval.on_integers()
        return interval


def statement(constraint: Constraint) -> Statement | None:
    """The shared fact a constraint states, or None when it is not about one."""
    concept = (constraint.concept or "").lower()
    if concept not in SHARED or (constraint.name or concept).lower() != _NAMES.get(
        concept, concept
    ):
        return None
    if concept == "nyha" and constraint.qualifier == HEART_FAILURE and constraint.op in ("<=", "<"):
        # "Class I-III heart failure" also asks for heart failure: a "no" may be no heart
        # failure at all, which is class I.
        return None
    if concept in NUMERIC:
        if constraint.op not in {">=", ">", "<=", "<", "=="}:
            return None
        if not isinstance(constraint.value, int | float) or isinstance(constraint.value, bool):
            return None
        value = float(constraint.value)
        if concept == "age":
            factor = _YEARS.get((constraint.unit or "year").lower().rstrip("s"))
            if factor is None:
                return None
            value *= factor
        return Statement(concept, constraint.op, value)
    if concept == "sex":
        value = str(constraint.value or "").lower()
        if constraint.op != "==" or value not in {"female", "male"}:
            return None
        return Statement("sex", "==", value)
    if constraint.qualifier or constraint.op not in {"present", "absent"}:
        return None
    return Statement(concept, constraint.op, None)


def statements(item: Criterion) -> list[Statement]:
    """The criterion's statements when it is about exactly one shared fact, else ``[]``."""
    if item.role != "criterion" or item.children or not item.constraints:
        return []
    found = [statement(c) for c in item.constraints]
    if any(s is None for s in found):
        return []
    keys = {s.key for s in found if s is not None}
    return [s for s in found if s is not None] if len(keys) == 1 else []


def shared_key(item: Criterion) -> str | None:
    """The shared fact this criterion asks about, if it asks about one and only one."""
    found = statements(item)
    return found[0].key if found else None


def learn(facts: Facts, item: Criterion, answer: str) -> Facts:
    """``facts`` updated with what ``answer`` to ``item`` determines (a new dict).

    When the answer contradicts what was known, the answer wins: the person corrected it.
    """
    found = statements(item)
    if not found or answer not in {"yes", "no"}:
        return dict(facts)
    if answer == "no" and (len(found) != 1 or not item.covered):
        return dict(facts)
    negate = answer == "no"
    key = found[0].key
    updated = dict(facts)
    if key in NUMERIC:
        new = Interval()
        for s in found:
            part = s.interval(negate)
            if part is None:
                return dict(facts)
            new = new.intersect(part)
        if new.empty:
            return dict(facts)
        known = Interval.from_json(facts.get(key))
        merged = known.intersect(new) if known is not None else new
        updated[key] = (new if merged.empty else merged).to_json()
    elif key == "sex":
        values = {s.value for s in found}
        if len(values) != 1:
            return dict(facts)
        value = values.pop()
        if negate:
            known = facts.get("sex") if isinstance(facts.get("sex"), dict) else {}
            excluded = sorted(set(known.get("is_not", [])) | {value}) if "is" not in known else []
            updated["sex"] = {"is_not": excluded or [value]}
        else:
            updated["sex"] = {"is": value}
    else:
        ops = {s.op for s in found}
        if len(ops) != 1:
            return dict(facts)
        present = ops.pop() == "present"
        updated[key] = present != negate
    return updated


def _holds(s: Statement, facts: Facts) -> bool | None:
    known = facts.get(s.key)
    if known is None:
        return None
    if s.key in NUMERIC:
        interval = Interval.from_json(known)
        target = s.interval()
        if interval is None or target is None:
            return None
        if interval.within(target):
            return True
        if interval.intersect(target).empty:
            return False
        return None
    if s.key == "sex":
        if not isinstance(known, dict):
            return None
        if "is" in known:
            return bool(known["is"] == s.value)
        return False if s.value in known.get("is_not", []) else None
    if not isinstance(known, bool):
        return None
    return known if s.op == "present" else not known


def derive(item: Criterion, facts: Facts) -> str | None:
    """The answer to ``item`` that the known facts decide ("yes"/"no"), or None."""
    found = statements(item)
    if not found:
        return None
    results = [_holds(s, facts) for s in found]
    if item.covered and all(r is True for r in results):
        return "yes"
    if any(r is False for r in results):
        return "no"
    return None
