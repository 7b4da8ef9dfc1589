"""Eligibility-aware reranking: the retrieval score plus what screening says about the patient.

Retrieval finds trials about the patient's condition; it cannot tell a trial the patient
qualifies for from one whose criteria rule them out, and TREC counts the former twice. The
reranker screens the retrieved head of the list (``depth`` trials) against the patient's facts
read from the note and adds ``eligibility`` times the screening score; a trial that the patient
fails (a failed inclusion or a met exclusion) also loses ``exclusion``. Trials below the head
keep their retrieval order, under the head. The weights were chosen on the tuning split only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from matching.corpus import Trial
from matching.retrieval import TrialRetriever, _ordered
from matching.screening import Screening, Weights, profile_of, screen, trial_criteria_text


@dataclass(frozen=True)
class RerankSettings:
    """The reranker's knobs; defaults are the tuned ones."""

    eligibility: float = 0.2
    exclusion: float = 0.1
    depth: int = 30
    screening: Weights = Weights()

    def but(self, **changes: object) -> RerankSettings:
        return replace(self, **changes)  # type: ignore[arg-type]


class EligibilityReranker:
    """A :class:`TrialRetriever` whose head of the ranking is reordered by screening."""

    name = "system"

    def __init__(
        self,
        retriever: TrialRetriever,
        trials: Sequence[Trial],
        settings: RerankSettings | None = None,
        as_of: dt.date | None = None,
    ) -> None:
        self.retriever = retriever
        self.settings = settings or RerankSettings()
        self.trial_ids = retriever.trial_ids
        by_id = {t.trial_id: t for t in trials}
        self._criteria = [trial_criteria_text(by_id[i]) for i in self.trial_ids]
        self._as_of = as_of or dt.date.today()

    def screen(self, text: str, index: int) -> Screening:
        """Screen the patient of a note against the trial at ``index``."""
        return screen(profile_of(text, self._as_of), self._criteria[index], self.settings.screening)

    def rerank(self, text: str, retrieval: np.ndarray) -> np.ndarray:
        """Scores for the whole corpus: the head rescored, the rest kept below it."""
        s = self.settings
        combined = np.asarray(retrieval, dtype=np.float64).copy()
        if s.depth <= 0 or not (s.eligibility or s.exclusion):
            return combined
        head = np.argsort(-combined, kind="stable")[: s.depth]
        facts = profile_of(text, self._as_of).to_facts()
        for i in head:
            result = screen(facts, self._criteria[i], s.screening)
            combined[i] += s.eligibility * result.score - s.exclusion * result.excluded
        if len(head) < len(combined):
            rest = np.ones(len(combined), dtype=bool)
            rest[head] = False
            floor = float(combined[head].min())
            ceiling = float(combined[rest].max())
            if ceiling >= floor:
                combined[rest] -= ceiling - floor + 1e-3
        return combined

    def scores(self, text: str, vector: np.ndarray | None = None) -> np.ndarray:
        return self.rerank(text, self.retriever.scores(text, vector))

    def rank(self, text: str) -> list[tuple[str, float]]:
        return _ordered(self.trial_ids, self.scores(text))

    def rank_many(self, texts: Sequence[str]) -> list[list[tuple[str, float]]]:
        """Like :meth:`rank` for many notes, embedding them in one batch."""
        vectors = self.retriever.note_vectors(texts)
        return [
            _ordered(self.trial_ids, self.scores(t, v)) for t, v in zip(texts, vectors, strict=True)
        ]
