"""Screening a patient against one trial's criteria: per-criterion verdicts and a score.

The eligibility engine (``eligibility.evaluate``) judges each criterion from the patient's facts;
this module turns its verdicts into what ranking and judging need: the hard filters (age range,
sex) that rule a patient out outright, the reasons, and one number -- the confidence that the
patient is eligible. A failed inclusion or a met exclusion sinks the score; criteria the facts
cannot decide lower it a little, since most notes say nothing about most criteria.

Criteria are parsed once per distinct text (a trial screened for many patients is parsed once).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from eligibility import evaluate
from eligibility.profile import Profile, profile_from_text
from eligibility.taking_part import about_taking_part
from matching.corpus import Trial
from prescreen import engine

HARD_CONCEPTS = ("age", "sex")
_HEADING = re.compile(r"^\s*(?:(?:inclusion|exclusion)\s+criteria)?\s*:\s*", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)]|[a-z][.)])\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Weights:
    """How verdicts turn into the eligibility score; chosen on the tuning split only (by
    eligible-against-excluded AUROC, where ``failed`` 0.2 scores highest, 0.003 above 0.5: within
    noise there, but SIGIR's judges often call a patient who fails a criterion "eligible", while
    TREC's "excluded" means exactly that a criterion fails, so a failure weighs like three
    undecided inclusions rather than one and a half).

    The score is the chance that every criterion holds, taking criteria as independent: a
    criterion shown to fail keeps ``failed`` of the confidence (``hard`` more for age or sex,
    which notes state reliably); one the facts cannot decide passes with ``unknown_inclusion``
    or ``unknown_exclusion`` -- so a trial with many undecided criteria is less certain. One
    about taking part in the study (consent, visits, language) passes with
    ``unknown_taking_part``: no record tells it, and nearly everyone who contacts a study meets
    it (on the tuning split, counting such inclusions like the others gave AUROC 0.716 against
    0.736 for not counting them).
    """

    prior: float = 0.9
    failed: float = 0.2
    hard: float = 0.5
    unknown_inclusion: float = 0.6
    unknown_exclusion: float = 1.0
    unknown_taking_part: float = 1.0


@dataclass(frozen=True)
class CriterionResult:
    """One criterion's verdict for this patient, with the reason a person can read."""

    id: str
    kind: str
    text: str
    verdict: str
    reason: str
    hard: bool = False
    taking_part: bool = False
    # A failure under a section for one part or group of the study the person may not be in.
    scoped: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "text": self.text,
            "verdict": self.verdict,
            "reason": self.reason,
            "hard": self.hard,
        }


@dataclass(frozen=True)
class Screening:
    """The outcome of screening one patient against one trial."""

    verdict: str
    explanation: str
    score: float
    criteria: tuple[CriterionResult, ...] = field(default_factory=tuple)

    @property
    def failed(self) -> list[CriterionResult]:
        """Criteria that rule the patient out: failed inclusions and met exclusions (not those
        of a part or group of the study the patient may not be in)."""
        return [c for c in self.criteria if c.verdict == "not_met" and not c.scoped]

    @property
    def hard_failed(self) -> list[CriterionResult]:
        """Failed hard filters (age range, sex)."""
        return [c for c in self.failed if c.hard]

    @property
    def excluded(self) -> bool:
        return bool(self.failed)

    def count(self, verdict: str) -> int:
        return sum(1 for c in self.criteria if c.verdict == verdict)

    def reasons(self) -> list[str]:
        """Why the patient is ruled out, one line per failing criterion."""
        return [f"{c.id} ({c.text}): {c.reason}" for c in self.failed]


def _items(text: str) -> list[str]:
    """A criteria block's items: bullets kept, blank-line separated paragraphs made bullets."""
    body = _HEADING.sub("", text.strip(), count=1)
    blocks = [b.strip() for b in re.split(r"\n\s*\n", body) if b.strip()]
    items: list[str] = []
    for block in blocks:
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if len(lines) > 1 and all(_BULLET.match(line) for line in lines[1:]):
            items.extend(_BULLET.sub("", line) for line in lines)
        else:
            items.append(_BULLET.sub("", " ".join(lines)))
    return [item for item in items if item]


def criteria_text(inclusion: str, exclusion: str) -> str:
    """One criteria text in the engine's layout from a corpus's separate inclusion and exclusion."""
    parts: list[str] = []
    for heading, block in (("Inclusion Criteria:", inclusion), ("Exclusion Criteria:", exclusion)):
        items = _items(block or "")
        if items:
            parts.append(heading + "\n\n" + "\n".join(f"* {item}" for item in items))
    return "\n\n".join(parts)


def trial_criteria_text(trial: Trial) -> str:
    return criteria_text(trial.inclusion, trial.exclusion)


# The engine's parse of a criteria text, cached once for the process and shared with the
# pre-screener: a trial is parsed once for every patient and every page.
parsed = engine.parse


def facts_of(patient: Profile | Mapping[str, Any]) -> dict[str, Any]:
    return patient.to_facts() if isinstance(patient, Profile) else dict(patient)


def profile_of(note: str, as_of: dt.date | None = None) -> Profile:
    """A patient's profile read from a free-text note (dates in the note count from ``as_of``)."""
    return profile_from_text(note, as_of or dt.date.today())


def screen(
    patient: Profile | Mapping[str, Any], text: str, weights: Weights | None = None
) -> Screening:
    """Screen a patient (a profile or the engine's facts) against one criteria text."""
    w = weights or Weights()
    criteria = parsed(text)
    verdict = evaluate(criteria, facts=facts_of(patient))
    top = {item.id for item in criteria.top_level()}
    scoped = set(verdict.scoped)
    results: list[CriterionResult] = []
    for outcome in verdict.criteria:
        item = criteria.get(outcome.id)
        if item is None or item.id not in top:
            continue
        hard = any(c.concept in HARD_CONCEPTS for c in item.constraints)
        results.append(
            CriterionResult(
                item.id,
                item.kind,
                item.text,
                outcome.verdict,
                outcome.reason,
                hard,
                about_taking_part(item),
                item.id in scoped,
            )
        )
    screening = Screening(verdict.verdict, verdict.explanation, 0.0, tuple(results))
    return Screening(verdict.verdict, verdict.explanation, score(screening, w), screening.criteria)


def score(screening: Screening, weights: Weights | None = None) -> float:
    """Confidence in [0, 1] that the patient is eligible, from the criterion verdicts."""
    w = weights or Weights()
    value = w.prior
    for c in screening.criteria:
        if c.verdict == "not_met" and c.scoped:
            value *= w.unknown_inclusion if c.kind == "inclusion" else w.unknown_exclusion
        elif c.verdict == "not_met":
            value *= w.failed * (w.hard if c.hard else 1.0)
        elif c.verdict == "unknown" and c.taking_part:
            value *= w.unknown_taking_part
        elif c.verdict == "unknown":
            value *= w.unknown_inclusion if c.kind == "inclusion" else w.unknown_exclusion
    return round(value, 6)


def screen_trial(
    patient: Profile | Mapping[str, Any], trial: Trial, weights: Weights | None = None
) -> Screening:
    """Screen a patient against a corpus trial's inclusion and exclusion criteria."""
    return screen(patient, trial_criteria_text(trial), weights)
