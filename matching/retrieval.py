"""Ranking every trial of a corpus for a patient description, without a database.

Two rankers share one interface (``rank(text) -> [(trial_id, score)]``, best first):

* :class:`Bm25Baseline` -- plain BM25 over the whole trial text with the whole note as query,
  the reference every change is measured against;
* :class:`TrialRetriever` -- the system: negated findings removed from the note, abbreviations
  and synonyms expanded, key terms (names of conditions) boosted, demographic words added,
  BM25 per field with field weights, optionally fused with sentence-embedding similarity, and
  trials whose stated age range excludes the patient pushed down.

Each step can be switched off through :class:`Settings`, so the benchmark can show what it adds.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

import bm25s
import numpy as np
import Stemmer

from matching.corpus import Query, Ranking, Trial
from matching.query import Demographics, age_limits, demographics, remove_negated
from matching.synonyms import Synonyms, default_synonyms
from matching.text import STOPWORDS, terms, words

logging.getLogger("bm25s").setLevel(logging.WARNING)

FIELDS = ("topic", "summary", "inclusion", "exclusion")
NOTE_STOPWORDS = frozenset(
    words(
        "patient presents presented presenting year years old day days week weeks month months "
        "history reports reported complains examination exam found shows showed reveals revealed "
        "notable noted significant admitted brought emergency department er ed physical "
        "hospital left right time prior began started first last mild"
    )
)

Encoder = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class Settings:
    """The knobs of :class:`TrialRetriever`; defaults are the tuned system."""

    field_weights: dict[str, float] = field(default_factory=lambda: dict.fromkeys(FIELDS, 1.0))
    negation: bool = True
    note_stopwords: bool = True
    expand_trials: bool = True
    expansion: float = 0.0
    key_terms: float = 1.0
    demographics: float = 0.3
    age_penalty: float = 0.2
    semantic: float = 0.7
    fusion: str = "mix"
    rrf_k: int = 60
    k1: float = 1.2
    b: float = 0.75

    def but(self, **changes: object) -> Settings:
        """A copy with some knobs changed, for ablations and tuning."""
        return replace(self, **changes)  # type: ignore[arg-type]


def _bm25(documents: list[list[str]], k1: float = 1.5, b: float = 0.75) -> bm25s.BM25:
    index = bm25s.BM25(k1=k1, b=b)
    index.index([d or [""] for d in documents], show_progress=False)
    return index


def _scores(index: bm25s.BM25, weights: dict[str, float], size: int) -> np.ndarray:
    total = np.zeros(size, dtype=np.float64)
    for term, weight in weights.items():
        if weight and term in index.vocab_dict:
            total += weight * index.get_scores([term])
    return total


def _ordered(trial_ids: Sequence[str], scores: np.ndarray) -> list[tuple[str, float]]:
    """Best first; ties by trial id; written scores strictly decrease so tools keep the order."""
    order = sorted(range(len(trial_ids)), key=lambda i: (-round(float(scores[i]), 6), trial_ids[i]))
    ranked: list[tuple[str, float]] = []
    previous = float("inf")
    for i in order:
        value = min(round(float(scores[i]), 6), round(previous - 1e-6, 6))
        ranked.append((trial_ids[i], value))
        previous = value
    return ranked


class Bm25Baseline:
    """BM25 (bm25s, Lucene variant, Snowball stems, English stop words) over title and text."""

    name = "bm25"

    def __init__(self, trials: Sequence[Trial]) -> None:
        self.trial_ids = [t.trial_id for t in trials]
        self._stemmer = Stemmer.Stemmer("english")
        tokens = bm25s.tokenize(
            [t.full_text for t in trials],
            stopwords="en",
            stemmer=self._stemmer,
            show_progress=False,
        )
        self._index = bm25s.BM25()
        self._index.index(tokens, show_progress=False)
        self._vocab = tokens.vocab

    def scores(self, text: str) -> np.ndarray:
        query = bm25s.tokenize(
            [text], stopwords="en", stemmer=self._stemmer, show_progress=False, return_ids=False
        )[0]
        known = [t for t in query if t in self._index.vocab_dict]
        if not known:
            return np.zeros(len(self.trial_ids))
        return np.asarray(self._index.get_scores(known), dtype=np.float64)

    def rank(self, text: str) -> list[tuple[str, float]]:
        return _ordered(self.trial_ids, self.scores(text))


@dataclass(frozen=True)
class QueryTerms:
    """What the system searches with, kept for explanation and tests."""

    text: str
    weights: dict[str, float]
    patient: Demographics


def _min_max(values: np.ndarray) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-12:
        return np.zeros_like(values)
    return (values - low) / (high - low)


def _reciprocal_ranks(values: np.ndarray, k: int) -> np.ndarray:
    order = np.argsort(-values, kind="stable")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(1, len(values) + 1)
    return 1.0 / (k + ranks)


def trial_embedding_text(trial: Trial) -> str:
    """The part of a trial an embedding sees: what it studies, not its long criteria lists."""
    return ". ".join(p for p in [trial.title, ", ".join(trial.conditions), trial.summary] if p)


class TrialRetriever:
    """The system ranker; see the module docstring for its steps."""

    name = "trialmatch"

    def __init__(
        self,
        trials: Sequence[Trial],
        settings: Settings | None = None,
        encoder: Encoder | None = None,
        synonyms: Synonyms | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self.synonyms = synonyms or default_synonyms()
        self.trial_ids = [t.trial_id for t in trials]
        self._stopwords = NOTE_STOPWORDS if self.settings.note_stopwords else frozenset()
        fields = {name: [self._field_terms(t, name) for t in trials] for name in FIELDS}
        self._indexes = {
            name: _bm25(docs, self.settings.k1, self.settings.b) for name, docs in fields.items()
        }
        self._concepts = self._concept_phrases(trials)
        self._ages = [age_limits(t.inclusion) for t in trials]
        self._encoder = encoder if self.settings.semantic > 0 else None
        self._trial_vectors = (
            self._encoder([trial_embedding_text(t) for t in trials]) if self._encoder else None
        )

    def _field_terms(self, trial: Trial, name: str) -> list[str]:
        text = {
            "topic": "\n".join([trial.title, *trial.conditions, *trial.drugs]),
            "summary": trial.summary,
            "inclusion": trial.inclusion,
            "exclusion": trial.exclusion,
        }[name]
        if not self.settings.expand_trials:
            return terms(text)
        expansions = self.synonyms.abbreviation_expansions(text)
        return terms("\n".join([text, *expansions]))

    def _concept_phrases(self, trials: Iterable[Trial]) -> set[tuple[str, ...]]:
        """Names of conditions (the corpus's and the synonym table's): the key terms of a note."""
        names: set[str] = set()
        for trial in trials:
            names.update(trial.conditions)
        names.update(self.synonyms.abbreviations.values())
        for group in self.synonyms.groups:
            names.update(group)
        phrases = {tuple(terms(n)) for n in names}
        return {p for p in phrases if p and not (len(p) == 1 and p[0] in STOPWORDS)}

    def query_terms(self, text: str) -> QueryTerms:
        """The weighted terms a note turns into under the current settings."""
        s = self.settings
        kept = remove_negated(text) if s.negation else text
        weights: defaultdict[str, float] = defaultdict(float)
        base = terms(kept, self._stopwords)
        for term in base:
            weights[term] += 1.0
        if s.expansion:
            added = self.synonyms.abbreviation_expansions(kept)
            added += self.synonyms.group_expansions(kept)
            for term in terms(" ".join(added), self._stopwords):
                weights[term] += s.expansion
        if s.key_terms:
            for term in self._key_terms(base):
                weights[term] *= 1.0 + s.key_terms
        patient = demographics(text)
        if s.demographics:
            for term in terms(" ".join(patient.terms())):
                weights[term] += s.demographics
        return QueryTerms(kept, dict(weights), patient)

    def _key_terms(self, base: list[str]) -> set[str]:
        found: set[str] = set()
        longest = max((len(p) for p in self._concepts), default=0)
        for start in range(len(base)):
            for length in range(1, min(longest, len(base) - start) + 1):
                phrase = tuple(base[start : start + length])
                if phrase in self._concepts:
                    found.update(phrase)
        return found

    def lexical_scores(self, query: QueryTerms) -> np.ndarray:
        size = len(self.trial_ids)
        total = np.zeros(size)
        for name, weight in self.settings.field_weights.items():
            if weight:
                total += weight * _scores(self._indexes[name], query.weights, size)
        return total

    def scores(self, text: str, vector: np.ndarray | None = None) -> np.ndarray:
        """Higher is better; ``vector`` is the note's embedding when already computed."""
        s = self.settings
        query = self.query_terms(text)
        lexical = self.lexical_scores(query)
        if self._encoder is not None and self._trial_vectors is not None:
            if vector is None:
                vector = self._encoder([self.embedding_text(text)])[0]
            semantic = self._trial_vectors @ vector
            if s.fusion == "rrf":
                combined = (1 - s.semantic) * _reciprocal_ranks(lexical, s.rrf_k)
                combined += s.semantic * _reciprocal_ranks(semantic, s.rrf_k)
                combined /= 1.0 / (s.rrf_k + 1)
            else:
                combined = (1 - s.semantic) * _min_max(lexical) + s.semantic * _min_max(semantic)
        else:
            combined = _min_max(lexical)
        if s.age_penalty and query.patient.age_years is not None:
            age = query.patient.age_years
            outside = np.array(
                [limits is not None and not limits[0] <= age <= limits[1] for limits in self._ages]
            )
            combined = combined - s.age_penalty * outside
        return combined

    def semantic_scores(self, text: str, vector: np.ndarray | None = None) -> np.ndarray | None:
        """Cosine similarity of the note to every trial; None when ranking on words alone."""
        if self._encoder is None or self._trial_vectors is None:
            return None
        if vector is None:
            vector = self._encoder([self.embedding_text(text)])[0]
        return np.asarray(self._trial_vectors @ vector, dtype=np.float64)

    @property
    def uses_embeddings(self) -> bool:
        return self._encoder is not None

    def embedding_text(self, text: str) -> str:
        """What the encoder sees of a note: the note without its negated findings."""
        return (remove_negated(text) if self.settings.negation else text) or text

    def rank(self, text: str) -> list[tuple[str, float]]:
        return _ordered(self.trial_ids, self.scores(text))

    def note_vectors(self, texts: Sequence[str]) -> list[np.ndarray | None]:
        """The notes' embeddings in one batch (None each when ranking on words alone)."""
        if self._encoder is None or not texts:
            return [None] * len(texts)
        return list(self._encoder([self.embedding_text(t) for t in texts]))

    def rank_many(self, texts: Sequence[str]) -> list[list[tuple[str, float]]]:
        """Like :meth:`rank` for many notes, embedding them in one batch."""
        pairs = zip(texts, self.note_vectors(texts), strict=True)
        return [_ordered(self.trial_ids, self.scores(t, v)) for t, v in pairs]


class Ranker(Protocol):
    """What every ranker offers: the corpus's trials, best first, for one note."""

    name: str
    trial_ids: list[str]

    def rank(self, text: str) -> list[tuple[str, float]]: ...


def rank_queries(ranker: Ranker, queries: Iterable[Query]) -> list[Ranking]:
    """Every trial ranked for every query, in the queries' order (in one batch when it can)."""
    queries = list(queries)
    many = getattr(ranker, "rank_many", None)
    if many is not None:
        ranked = many([q.text for q in queries])
    else:
        ranked = [ranker.rank(q.text) for q in queries]
    return [Ranking(q.query_id, r) for q, r in zip(queries, ranked, strict=True)]
