"""Lenient entity scoring: same type and at least one shared character.

Precision is the share of predicted entities that overlap a gold entity of their type
(TP_pred / predicted); recall is the share of gold entities overlapped by a prediction of their
type (TP_gold / gold). A gold entity's discontinuous fragments each count as overlap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from eligibility.entities.base import EVAL_TYPES, Entity
from eligibility.entities.brat import Annotation


@dataclass
class Counts:
    predicted: int = 0
    predicted_matched: int = 0
    gold: int = 0
    gold_matched: int = 0

    @property
    def precision(self) -> float:
        return self.predicted_matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.gold_matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Score:
    """Counts per type; ``micro`` pools them."""

    by_type: dict[str, Counts] = field(default_factory=dict)

    def add(
        self,
        predicted: Iterable[Entity],
        gold: Iterable[Annotation],
        types: Sequence[str] = EVAL_TYPES,
    ) -> None:
        """Score one document."""
        wanted = set(types)
        preds = [p for p in predicted if p.type in wanted]
        golds = [g for g in gold if g.type in wanted]
        for kind in types:
            counts = self.by_type.setdefault(kind, Counts())
            type_preds = [p for p in preds if p.type == kind]
            type_golds = [g for g in golds if g.type == kind]
            counts.predicted += len(type_preds)
            counts.gold += len(type_golds)
            counts.predicted_matched += sum(
                any(g.overlaps(p.start, p.end) for g in type_golds) for p in type_preds
            )
            counts.gold_matched += sum(
                any(g.overlaps(p.start, p.end) for p in type_preds) for g in type_golds
            )

    @property
    def micro(self) -> Counts:
        total = Counts()
        for counts in self.by_type.values():
            total.predicted += counts.predicted
            total.predicted_matched += counts.predicted_matched
            total.gold += counts.gold
            total.gold_matched += counts.gold_matched
        return total

    def table(self) -> str:
        """A fixed-width report, one row per type and a micro row."""
        rows = [f"{'type':<12} {'P':>6} {'R':>6} {'F1':>6} {'pred':>6} {'gold':>6}"]
        items = [*self.by_type.items(), ("micro", self.micro)]
        for kind, c in items:
            rows.append(
                f"{kind:<12} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} "
                f"{c.predicted:6d} {c.gold:6d}"
            )
        return "\n".join(rows)
