"""Similar trials: computed ahead of time, a handful of rows per trial, one query per page.

A trial's neighbours share its condition (condition names and MeSH terms, abbreviations and
synonyms expanded), then its interventions and the wording of its criteria. Candidates come
from an inverted index over condition words and intervention names, never from all pairs;
only the few hundred best candidates of each trial get the costlier criteria comparison.
Status and distance change more often than the lists do, so they are applied when a page
asks: recruiting trials first, then the nearest when the visitor gave a place.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache, reduce
from operator import or_
from typing import Any

from django.db import transaction
from django.db.models import Count, F, FloatField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Cos, Power, Radians, Sin

from matching.models import SimilarTrial
from matching.synonyms import default_synonyms
from matching.text import terms
from trials.geo import km_from_term
from trials.models import ImportRun, Site, Trial

KEPT = 10  # rows stored per trial
SHOWN = 5  # cards on the page
CANDIDATES = 200  # best candidates per trial that get the full comparison
MIN_SCORE = 0.08  # below this, sharing a few common words is not similarity
# A word or name carried by more than this many trials (this share of the catalogue, at least
# COMMON_FLOOR, at most COMMON_CEILING) is common: only COMMON_TAKEN of its trials are
# proposed, for the COMMON_TOKENS rarest such terms of a trial; it still counts in the scores.
COMMON_SHARE = 0.05
COMMON_FLOOR = 50
COMMON_CEILING = 2000
COMMON_TOKENS = 3
COMMON_TAKEN = 500
# Below this many trials the whole catalogue is read for any refresh (same scores as --all);
# above it a refresh of a few trials reads only the trials that share a condition or drug.
FULL_LOAD_UNDER = 20000
LIMITED_REFRESH_MAX = 200  # more changed trials than this: read the whole catalogue once
CHUNK = 500
CRITERIA_SAMPLE = 5000  # trials whose criteria give the document frequencies
CRITERIA_TERMS = 64  # terms kept per criteria vector
CRITERIA_KEPT = 100_000  # vectors held in memory at once
OPEN_STATUSES = ("RECRUITING",)

WEIGHTS = {"condition": 0.45, "condition_words": 0.2, "intervention": 0.2, "criteria": 0.15}
# Arms that almost every trial of a kind has; sharing them says nothing.
GENERIC_INTERVENTIONS = frozenset(
    " ".join(terms(n))
    for n in (
        "placebo",
        "standard of care",
        "usual care",
        "control",
        "saline",
        "best supportive care",
    )
)


@dataclass
class Features:
    """What the comparison needs of one trial, keyed by stems with a label to show."""

    id: int
    conditions: dict[str, str] = field(default_factory=dict)  # phrase key -> label
    condition_words: Counter[str] = field(default_factory=Counter)
    interventions: dict[str, str] = field(default_factory=dict)


def _key(text: str) -> str:
    return " ".join(terms(text))


@lru_cache(maxsize=1)
def _synonym_tables() -> tuple[dict[str, str], re.Pattern[str], dict[str, tuple[str, ...]]]:
    table = default_synonyms()
    names = sorted(table.abbreviations, key=len, reverse=True)
    pattern = re.compile(rf"(?<![\w-])({'|'.join(re.escape(n) for n in names)})(?![\w-])")
    groups = {_key(p): group for group in table.groups for p in group}
    return table.abbreviations, pattern, groups


def _variants(phrase: str) -> list[str]:
    """The phrase with its abbreviations written out, and its synonyms as a whole phrase.

    Only whole phrases take a group's synonyms: "Carcinoma, Non-Small-Cell Lung" must not
    turn into "cancer" because "carcinoma" and "cancer" are synonyms.
    """
    abbreviations, pattern, groups = _synonym_tables()
    found = [phrase]
    written_out = pattern.sub(lambda m: abbreviations[m.group(1)], phrase)
    if written_out != phrase:
        found.append(written_out)
    for text in list(found):
        found.extend(groups.get(_key(text), ()))
    return list(dict.fromkeys(found))


def features(
    pk: int, conditions: list[str], search_conditions: str, interventions: list[str]
) -> Features:
    """Condition phrases (with their synonyms) and intervention names of one trial."""
    found = Features(pk)
    phrases = [str(c) for c in conditions or []] + (search_conditions or "").splitlines()
    for phrase in dict.fromkeys(p.strip() for p in phrases if p.strip()):
        for variant in _variants(phrase):
            key = _key(variant)
            if key:
                found.conditions.setdefault(key, phrase)
                found.condition_words.update(set(key.split()) - set(found.condition_words))
    for name in interventions or []:
        key = _key(str(name))
        if key and key not in GENERIC_INTERVENTIONS:
            found.interventions.setdefault(key, str(name).strip())
    return found


class Index:
    """Inverted index and document frequencies over a set of trials' features."""

    def __init__(self, items: Iterable[Features]) -> None:
        self.features: dict[int, Features] = {}
        self.postings: dict[str, list[int]] = defaultdict(list)
        for item in items:
            self.features[item.id] = item
            for word in item.condition_words:
                self.postings["w:" + word].append(item.id)
            for key in item.conditions:
                self.postings["c:" + key].append(item.id)
            for key in item.interventions:
                self.postings["i:" + key].append(item.id)
        self.size = max(len(self.features), 1)
        self.common = min(COMMON_CEILING, max(COMMON_FLOOR, int(COMMON_SHARE * self.size)))
        self.sets: dict[str, frozenset[int]] = {}
        self._vectors: dict[int, tuple[dict[str, float], ...]] = {}

    def idf(self, token: str) -> float:
        return math.log(1 + self.size / (1 + len(self.postings.get(token, ()))))

    def vectors(self, pk: int) -> tuple[dict[str, float], ...]:
        """IDF-weighted condition phrases, condition words and interventions of a trial."""
        found = self._vectors.get(pk)
        if found is None:
            item = self.features[pk]
            found = tuple(
                {k: self.idf(prefix + k) for k in keys}
                for prefix, keys in (
                    ("c:", item.conditions),
                    ("w:", item.condition_words),
                    ("i:", item.interventions),
                )
            )
            self._vectors[pk] = found
        return found

    def candidates(self, item: Features, limit: int = CANDIDATES) -> list[int]:
        """Trials sharing the rarer condition words, condition phrases or interventions."""
        tokens = (
            [("w:" + w, WEIGHTS["condition_words"]) for w in item.condition_words]
            + [("c:" + k, WEIGHTS["condition"]) for k in item.conditions]
            + [("i:" + k, WEIGHTS["intervention"]) for k in item.interventions]
        )
        tokens = [(t, w) for t, w in tokens if len(self.postings.get(t, ())) > 1]
        rare = [(t, w) for t, w in tokens if len(self.postings[t]) <= self.common]
        common = sorted(
            (tw for tw in tokens if len(self.postings[tw[0]]) > self.common),
            key=lambda tw: len(self.postings[tw[0]]),
        )
        votes: dict[int, float] = defaultdict(float)
        for token, weight in rare:
            gain = weight * self.idf(token)
            for other in self.postings[token]:
                votes[other] += gain
        # A common word or condition still counts for the trials already proposed, and
        # proposes its newest few (postings are in load order, newest update first).
        for position, (token, weight) in enumerate(common):
            members = self.sets.setdefault(token, frozenset(self.postings[token]))
            hits = votes.keys() & members
            if position < COMMON_TOKENS:
                hits.update(self.postings[token][:COMMON_TAKEN])
            gain = weight * self.idf(token)
            for other in hits:
                votes[other] += gain
        votes.pop(item.id, None)
        return heapq.nlargest(limit, votes, key=votes.__getitem__)


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b[k] for k, w in a.items() if k in b)
    if not dot:
        return 0.0
    return dot / math.sqrt(sum(w * w for w in a.values()) * sum(w * w for w in b.values()))


@lru_cache(maxsize=1)
def _criteria_df(count: int, last: int | None) -> tuple[Counter[str], int]:
    """Document frequencies of criteria terms in the sample; kept while the catalogue is."""
    sample = Trial.objects.order_by("id").values_list("eligibility_criteria", flat=True)
    df: Counter[str] = Counter()
    size = 0
    for text in sample[:CRITERIA_SAMPLE].iterator(chunk_size=1000):
        df.update(set(terms(text or "")))
        size += 1
    return df, max(size, 1)


class Criteria:
    """Criteria as unit TF-IDF vectors (sublinear tf, the most telling terms only).

    Document frequencies come from a fixed sample of the catalogue (the first trials by id),
    so a refresh of a few trials scores like a full run without reading every criteria text.
    """

    def __init__(self) -> None:
        self.vectors: dict[int, dict[str, float]] = {}
        shape = Trial.objects.aggregate(count=Count("id"), last=Max("id"))
        self.df, self.size = _criteria_df(shape["count"], shape["last"])

    def _vector(self, bag: Counter[str]) -> dict[str, float]:
        weights = {
            t: (1 + math.log(n)) * math.log(1 + self.size / (1 + self.df.get(t, 0)))
            for t, n in bag.items()
        }
        top = heapq.nlargest(CRITERIA_TERMS, weights.items(), key=lambda tw: tw[1])
        norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
        return {t: w / norm for t, w in top}

    def load(self, ids: Iterable[int]) -> None:
        missing = [pk for pk in ids if pk not in self.vectors]
        if len(self.vectors) + len(missing) > CRITERIA_KEPT:
            self.vectors.clear()
            missing = list(ids)
        for part in _chunks(missing, 900):
            rows = Trial.objects.filter(id__in=part).values_list("id", "eligibility_criteria")
            for pk, text in rows:
                self.vectors[pk] = self._vector(Counter(terms(text or "")))

    def cosine(self, a: int, b: int) -> float:
        first, second = self.vectors.get(a, {}), self.vectors.get(b, {})
        if len(first) > len(second):
            first, second = second, first
        return sum(w * second[t] for t, w in first.items() if t in second)


@dataclass
class Neighbour:
    id: int
    score: float
    reasons: list[str]


def score_neighbours(
    index: Index,
    target: int,
    criteria: Criteria,
    pool: list[int] | None = None,
    limit: int = KEPT,
) -> list[Neighbour]:
    """The ``limit`` most similar trials to ``target``, with the reasons in words."""
    item = index.features[target]
    pool = index.candidates(item) if pool is None else pool
    if not pool:
        return []
    mine = index.vectors(target)
    found: list[Neighbour] = []
    for pk in pool:
        other = index.features[pk]
        theirs = index.vectors(pk)
        parts = {
            "condition": _cosine(mine[0], theirs[0]),
            "condition_words": _cosine(mine[1], theirs[1]),
            "intervention": _cosine(mine[2], theirs[2]),
            "criteria": criteria.cosine(target, pk),
        }
        if not (parts["condition"] or parts["condition_words"] > 0.2 or parts["intervention"]):
            continue
        score = sum(WEIGHTS[k] * v for k, v in parts.items())
        if score >= MIN_SCORE:
            found.append(Neighbour(pk, round(score, 4), _reasons(item, other, parts)))
    found.sort(key=lambda n: (-n.score, n.id))
    return found[:limit]


def _reasons(item: Features, other: Features, parts: dict[str, float]) -> list[str]:
    reasons: list[str] = []
    shared = [item.conditions[k] for k in item.conditions if k in other.conditions]
    if shared:
        reasons.append("Same condition: " + shared[0])
    elif parts["condition_words"] > 0.2 and other.conditions:
        reasons.append("Related condition: " + next(iter(other.conditions.values())))
    drugs = [other.interventions[k] for k in other.interventions if k in item.interventions]
    if drugs:
        reasons.append("Also tests " + ", ".join(drugs[:2]))
    if parts["criteria"] >= 0.3:
        reasons.append("Similar eligibility criteria")
    return reasons


# --- computing and storing --------------------------------------------------------------

_FEATURE_COLUMNS = ("id", "conditions", "search_conditions", "intervention_names")


def _load_index(targets: list[int] | None) -> Index:
    """Features of the whole catalogue, or for a small refresh of a big one, of the trials
    that share a condition phrase or an intervention name with the targets."""
    trials = Trial.objects.order_by(F("last_update_posted").desc(nulls_last=True), "id")
    if (
        targets is not None
        and len(targets) <= LIMITED_REFRESH_MAX
        and Trial.objects.count() >= FULL_LOAD_UNDER
    ):
        wanted = [
            features(*row) for row in trials.filter(id__in=targets).values_list(*_FEATURE_COLUMNS)
        ]
        needles = {v for f in wanted for p in set(f.conditions.values()) for v in _variants(p)}
        names = {n for f in wanted for n in f.interventions.values()}
        clauses = [Q(search_conditions__icontains=p) for p in sorted(needles)[:20]]
        clauses += [Q(search_interventions__icontains=n) for n in sorted(names)[:20]]
        if not clauses:
            return Index(wanted)
        trials = trials.filter(reduce(or_, clauses))[: CANDIDATES * 50]
        seen = {f.id for f in wanted}
        rows = trials.values_list(*_FEATURE_COLUMNS)
        return Index([*wanted, *(features(*row) for row in rows if row[0] not in seen)])
    rows = trials.values_list(*_FEATURE_COLUMNS).iterator(chunk_size=2000)
    return Index(features(*row) for row in rows)


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def compute(
    trial_ids: Iterable[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Recompute and store the lists of ``trial_ids`` (all trials when None); returns the count.

    Work is in chunks of trials so memory stays bounded and each chunk commits on its own.
    """
    targets = None if trial_ids is None else sorted(set(trial_ids))
    index = _load_index(targets)
    if targets is None:
        targets = sorted(index.features)
    targets = [pk for pk in targets if pk in index.features]
    criteria = Criteria()
    done = 0
    for chunk in _chunks(targets, CHUNK):
        pools = {pk: index.candidates(index.features[pk]) for pk in chunk}
        criteria.load({pk for pool in pools.values() for pk in pool} | set(chunk))
        results = {pk: score_neighbours(index, pk, criteria, pools[pk]) for pk in chunk}
        _store(results)
        done += len(chunk)
        if progress is not None:
            progress(done, len(targets))
    return done


def _store(results: dict[int, list[Neighbour]]) -> None:
    rows = []
    for pk, neighbours in results.items():
        rows.append(SimilarTrial(trial_id=pk, similar=None, rank=0, score=0.0, reasons=[]))
        rows.extend(
            SimilarTrial(trial_id=pk, similar_id=n.id, rank=i, score=n.score, reasons=n.reasons)
            for i, n in enumerate(neighbours, start=1)
        )
    with transaction.atomic():
        for part in _chunks(list(results), 900):
            SimilarTrial.objects.filter(trial_id__in=part).delete()
        SimilarTrial.objects.bulk_create(rows, batch_size=500)


def refresh_for(trial_ids: Iterable[int]) -> int:
    """Bring the lists up to date after ``trial_ids`` were imported or changed.

    Recomputes those trials, the trials whose lists named them, and the trials now in
    their lists (so a new trial shows up on its neighbours' pages). Returns the count.
    """
    changed = sorted(set(trial_ids))
    if not changed:
        return 0
    compute(changed)
    around: set[int] = set()
    for part in _chunks(changed, 900):
        pairs = (
            SimilarTrial.objects.filter(Q(similar_id__in=part) | Q(trial_id__in=part))
            .exclude(similar=None)
            .values_list("trial_id", "similar_id")
        )
        for pk, other in pairs:
            around.update((pk, other))
    around.difference_update(changed)
    if around:
        compute(sorted(around))
    return len(changed) + len(around)


# When at least this share of the catalogue changed, one pass over every trial is cheaper
# than refreshing the changed trials and then the trials around them.
FULL_REFRESH_SHARE = 0.5


def refresh_after_run(run_id: int) -> int:
    """Bring the lists up to date with the trials an import or sync run wrote.

    Runs in the background worker once the run is committed; the work is done in chunks
    (see ``compute``), each committed on its own. Returns how many lists were recomputed.
    """
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None:
        return 0
    written = Trial.objects.filter(updated_at__gte=run.started_at)
    if run.finished_at is not None:
        written = written.filter(updated_at__lte=run.finished_at)
    changed = list(written.values_list("id", flat=True))
    if not changed:
        return 0
    if len(changed) >= FULL_REFRESH_SHARE * Trial.objects.count():
        return compute()
    return refresh_for(changed)


# --- the trial page ---------------------------------------------------------------------


@dataclass
class SimilarCard:
    nct_id: str
    title: str
    status: str
    reasons: list[str]
    distance_km: float | None = None

    @property
    def recruiting(self) -> bool:
        return self.status in OPEN_STATUSES


def _nearest_term(lat: float, lon: float) -> Subquery:
    """Haversine term ``a`` of the similar trial's nearest geocoded site, as a subquery."""
    rad = math.radians
    a = Power(Sin((Radians(F("latitude")) - rad(lat)) / 2.0), 2) + math.cos(rad(lat)) * Cos(
        Radians(F("latitude"))
    ) * Power(Sin((Radians(F("longitude")) - rad(lon)) / 2.0), 2)
    sites = (
        Site.objects.filter(trial=OuterRef("similar_id"), latitude__isnull=False)
        .exclude(longitude=None)
        .annotate(a=a)
        .order_by("a")
        .values("a")[:1]
    )
    return Subquery(sites, output_field=FloatField())


def _rows(trial: Trial, near: tuple[float, float] | None) -> list[Any]:
    rows = SimilarTrial.objects.filter(trial=trial).select_related("similar").order_by("rank")
    if near is not None:
        rows = rows.annotate(nearest=_nearest_term(*near))
    return list(rows)


def similar_context(trial: Trial, near: tuple[float, float] | None = None) -> dict[str, Any]:
    """Template context for the "Similar trials" section: one query once the list is stored.

    A trial never computed (imported before this feature, by a path that skipped the
    refresh, or with its refresh still queued for the worker) gets its list computed here,
    once. ``near`` is a (lat, lon) point.
    """
    rows = _rows(trial, near)
    if not any(row.similar_id is None for row in rows):
        compute([trial.pk])
        rows = _rows(trial, near)
    cards = []
    for row in rows:
        if row.similar is None or row.similar_id == trial.pk:
            continue
        reasons = list(row.reasons)
        if row.similar.overall_status in OPEN_STATUSES:
            reasons.append("Recruiting")
        term = getattr(row, "nearest", None)
        distance = None if term is None else km_from_term(term)
        cards.append(
            SimilarCard(
                row.similar.nct_id, row.similar.title, row.similar.overall_status, reasons, distance
            )
        )
    # Stable sorts: rank order within equal keys.
    if near is not None:
        cards.sort(key=lambda c: math.inf if c.distance_km is None else c.distance_km)
    cards.sort(key=lambda c: not c.recruiting)
    return {"similar_trials": cards[:SHOWN], "similar_near": near is not None}
