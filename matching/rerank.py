"""Eligibility-aware reranking: the retrieval score plus what screening says about the patient.

Retrieval finds trials about the patient's condition; it cannot tell a trial the patient
qualifies for from one whose criteria rule them out, and TREC counts the former twice. The
reranker screens the retrieved head of the list (``depth`` trials) against the patient's facts
read from the note and adds ``eligibility`` times the screening score, so a trial the patient
fails (a failed inclusion or a met exclusion keeps a fifth of the score) or leaves mostly
undecided sinks; ``exclusion`` is an extra flat penalty for a failure, none since a failure
weighs that much (NDCG@10 on the tuning split 0.699 without it, 0.690 with 0.05). Trials below
the head keep their retrieval order, under the head. The weights were chosen on the tuning split
only.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import numpy as np

from matching.corpus import Trial
from matching.retrieval import TrialRetriever
from matching.retrieval import _ordered as ordered_scores
from matching.screening import Screening, Weights, profile_of, screen, trial_criteria_text


@dataclass(frozen=True)
class RerankSettings:
    """The reranker's knobs; defaults are the tuned ones."""

    eligibility: float = 0.2
    exclusion: float = 0.0
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
        self.as_of = as_of or dt.date.today()

    def criteria(self, index: int) -> str:
        """The criteria text of the trial at ``index``, in the engine's layout."""
        return self._criteria[index]

    def screen(self, text: str, index: int) -> Screening:
        """Screen the patient of a note against the trial at ``index``."""
        return screen(profile_of(text, self.as_of), self._criteria[index], self.settings.screening)

    def rerank(self, text: str, retrieval: np.ndarray) -> np.ndarray:
        """Scores for the whole corpus: the head rescored, the rest kept below it."""
        s = self.settings
        combined = np.asarray(retrieval, dtype=np.float64).copy()
        if s.depth <= 0 or not (s.eligibility or s.exclusion):
            return combined
        head = np.argsort(-combined, kind="stable")[: s.depth]
        facts = profile_of(text, self.as_of).to_facts()
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
        return ordered_scores(self.trial_ids, self.scores(text))

    def rank_many(self, texts: Sequence[str]) -> list[list[tuple[str, float]]]:
        """Like :meth:`rank` for many notes, embedding them in one batch."""
        vectors = self.retriever.note_vectors(texts)
        return [
            ordered_scores(self.trial_ids, self.scores(t, v))
            for t, v in zip(texts, vectors, strict=True)
        ]


JUDGE_MODEL = Path(__file__).resolve().parent / "data" / "judge_model.json"
_FLOOR = 1e-4


def judge_features(screening: float) -> dict[str, float]:
    """The evidence the judge weighs: the screening score as a log, so that each criterion's
    factor adds to it."""
    return {"log_screening": math.log(max(screening, 0.0) + _FLOOR)}


@dataclass(frozen=True)
class JudgeModel:
    """A logistic model: the chance the patient is eligible from a few features."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float

    def probability(self, values: Mapping[str, float]) -> float:
        z = self.bias + sum(w * values[f] for f, w in zip(self.features, self.weights, strict=True))
        return 1.0 / (1.0 + math.exp(-z))


@cache
def judge_model(path: Path = JUDGE_MODEL) -> JudgeModel:
    """The shipped model (learnt weights kept as data; see the file's comment)."""
    row = json.loads(path.read_text(encoding="utf-8"))["model"]
    return JudgeModel(tuple(row["features"]), tuple(row["weights"]), float(row["bias"]))


@dataclass(frozen=True)
class JudgeSettings:
    """Thresholds of :func:`judge_pairs`, calibrated on the tuning split's judged pairs only.

    ``relevance`` applies to the retrieval score (words and embeddings mixed, about 0..1 within
    the corpus, 0.2 lower when the trial's age range excludes the patient) and
    ``relevance_words`` to the same score from words alone, when embeddings are not installed;
    each is the highest threshold that labels the judged pairs best. ``eligible`` applies to the
    judge's score (best in both modes).
    """

    relevance: float = 0.25
    relevance_words: float = 0.0
    eligible: float = 0.65


@dataclass(frozen=True)
class Judgment:
    """One (patient, trial) pair judged the TREC way: 2 eligible, 1 excluded, 0 not relevant."""

    query_id: str
    trial_id: str
    label: int
    score: float
    retrieval: float


def judge_pairs(
    reranker: EligibilityReranker,
    notes: dict[str, str],
    pairs: Sequence[tuple[str, str]],
    settings: JudgeSettings | None = None,
    model: JudgeModel | None = None,
) -> list[Judgment]:
    """Judge each pair; ``score`` is the confidence the patient is eligible for the trial.

    Relevance comes from retrieval (is the trial about this patient?); the score is a logistic
    model of the screening score (does the patient pass its criteria?), calibrated on the
    tuning split's eligible and excluded pairs. A failed criterion labels the pair excluded.
    """
    s = settings or JudgeSettings()
    retriever = reranker.retriever
    model = model or judge_model()
    threshold = s.relevance if retriever.uses_embeddings else s.relevance_words
    index = {trial_id: i for i, trial_id in enumerate(reranker.trial_ids)}
    wanted = list(dict.fromkeys(q for q, _ in pairs))
    vectors = dict(zip(wanted, retriever.note_vectors([notes[q] for q in wanted]), strict=True))
    retrieval = {q: retriever.scores(notes[q], vectors[q]) for q in wanted}
    facts = {q: profile_of(notes[q], reranker.as_of).to_facts() for q in wanted}
    judged: list[Judgment] = []
    for query_id, trial_id in pairs:
        i = index[trial_id]
        relevance = float(retrieval[query_id][i])
        result = screen(facts[query_id], reranker.criteria(i), reranker.settings.screening)
        confidence = model.probability(judge_features(result.score))
        if relevance < threshold:
            label = 0
        else:
            label = 2 if confidence >= s.eligible and not result.excluded else 1
        judged.append(Judgment(query_id, trial_id, label, confidence, relevance))
    return judged
