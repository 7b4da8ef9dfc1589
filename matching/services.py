"""Matching one patient against the whole catalogue: retrieve, filter, screen, rank, explain.

Retrieval runs the site's own full-text search once per name of the patient's conditions
(their lexicon synonyms and the abbreviation table's expansions included), since a search
needs every word it is given and a note rarely uses the trial's wording. The candidates then
pass the hard filters the registry states as fields (age range, sex, healthy volunteers),
each remaining trial's criteria are judged against ``Profile.to_facts()`` by the eligibility
engine (through ``matching.screening``), and the ranking combines relevance, eligibility,
recruiting status and the distance to the nearest site.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from eligibility.model import Constraint, Criterion
from eligibility.profile import Profile, lexicon
from matching import screening, vectors
from matching.synonyms import default_synonyms
from prescreen.answers import record_facts
from trials import geo
from trials.models import Site, Trial
from trials.search import SearchError, SearchQuery, search
from trials.search.text import STOP_WORDS
from trials.search.text import parse as parse_text

CANDIDATES = 200
PER_SEARCH = 100
MAX_PHRASES = 8
MAX_TOP = 100
SCREEN_FACTOR = 3
SCREEN_MIN = 60
MIN_WORD = 3
# Below this relevance a trial found by a search is noise (a broad word), not a candidate.
MIN_RELEVANCE = 0.1
# Eligibility, status and distance count fully only for trials at least this relevant, so a
# trial about something else cannot climb on criteria that happen to fit.
RELEVANT = 0.5
OPEN_STATUSES = {
    "RECRUITING": 1.0,
    "NOT_YET_RECRUITING": 0.7,
    "ENROLLING_BY_INVITATION": 0.4,
    "AVAILABLE": 0.4,
    "": 0.3,  # the registry gives no status: neither preferred nor sunk
}
# Weights of the parts of the score; distance only counts when a location is known.
WEIGHTS = {"relevance": 0.45, "eligibility": 0.35, "status": 0.1, "distance": 0.1}
DISTANCE_SCALE_KM = 200.0


class MatchError(ValueError):
    """A match that cannot be run as asked; ``field`` names the input at fault."""

    def __init__(self, message: str, field: str) -> None:
        self.field = field
        self.reason = message
        super().__init__(f"{field}: {message}")


@dataclass
class NearestSite:
    facility: str
    city: str
    country: str
    distance_km: float
    recruiting: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "facility": self.facility,
            "city": self.city,
            "country": self.country,
            "distance_km": self.distance_km,
            "recruiting": self.recruiting,
        }


@dataclass
class CriterionResult:
    """One criterion as judged for this patient, with the fact it was judged on."""

    id: str
    kind: str
    outcome: str
    text: str
    fact: str
    taking_part: bool = False
    scoped: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "outcome": self.outcome,
            "text": self.text,
            "fact": self.fact,
        }


@dataclass
class TrialMatch:
    nct_id: str
    title: str
    status: str
    score: float
    verdict: str
    reasons: list[str]
    explanation: str
    criteria: list[CriterionResult] = field(default_factory=list)
    nearest_site: NearestSite | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "nct_id": self.nct_id,
            "title": self.title,
            "status": self.status,
            "score": self.score,
            "verdict": self.verdict,
            "reasons": self.reasons,
            "explanation": self.explanation,
            "criteria": [c.to_dict() for c in self.criteria],
            "nearest_site": self.nearest_site.to_dict() if self.nearest_site else None,
        }


@dataclass
class MatchResult:
    results: list[TrialMatch]
    message: str = ""
    searched: list[tuple[str, float]] = field(default_factory=list)
    candidates: int = 0
    filtered_out: dict[str, int] = field(default_factory=dict)
    near: tuple[float, float] | None = None
    elapsed_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """The CLI and API shape: ``{"results": [...]}``, plus ``"message"`` when there is one."""
        data: dict[str, Any] = {"results": [r.to_dict() for r in self.results]}
        if self.message:
            data["message"] = self.message
        return data


# --- retrieval --------------------------------------------------------------------------------


def query_phrases(profile: Profile) -> list[tuple[str, float]]:
    """What to search for, with a weight: each present condition's own name counts most, its
    lexicon names and the synonym table's expansions less, a single broad word among those
    ("leukemia" for B-ALL) least."""
    synonyms = default_synonyms()
    weighted: list[tuple[str, float]] = []
    for condition in profile.present_conditions():
        weighted.append((condition.name, 1.0))
        entry = lexicon.lookup(condition.name, "conditions")
        if entry is not None:
            weighted.append((entry.name, 0.9))
            weighted.extend((s, 0.8) for s in entry.synonyms)
        weighted.extend((s, 0.7) for s in synonyms.abbreviation_expansions(condition.name))
        weighted.extend((s, 0.7) for s in synonyms.group_expansions(condition.name))
    seen: set[tuple[tuple[str, ...], ...]] = set()
    unique: list[tuple[str, float]] = []
    for phrase, weight in weighted:
        parsed = parse_text(phrase + " ")
        if not parsed or parsed.phrases in seen:
            continue  # nothing searchable left ("ALL" is a stop word) or already searched
        content = [w for p in parsed.phrases for w in p if w not in STOP_WORDS]
        if all(len(w) < MIN_WORD for w in content):
            # "B-ALL": PostgreSQL drops the stop word and would search for "b" alone.
            continue
        seen.add(parsed.phrases)
        words = sum(len(p) for p in parsed.phrases)
        unique.append((phrase, weight if words > 1 or weight == 1.0 else min(weight, 0.6)))
    return unique[:MAX_PHRASES]


def _retrieve(phrases: list[tuple[str, float]]) -> dict[str, float]:
    """Candidate trials with a relevance in [0, 1]: the best of their weighted scores.

    Each phrase is one search (trailing space: whole words, no prefix guess), its scores
    divided by its best; a trial found by several names of the condition gets a little more.
    """
    found: dict[str, list[float]] = {}
    for phrase, weight in phrases:
        try:
            page = search(SearchQuery(text=phrase + " ", per_page=PER_SEARCH))
        except SearchError:
            continue
        if not page.hits:
            continue
        best = max(h.score for h in page.hits) or 1.0
        for position, hit in enumerate(page.hits):
            # Hits past the rank pool carry no score; their position still says something.
            value = hit.score / best if hit.score > 0 else 0.5 / (1 + position / 10)
            found.setdefault(hit.nct_id, []).append(weight * min(1.0, value))
    relevance = {
        nct_id: min(1.0, max(values) * (1 + 0.05 * (len(values) - 1)))
        for nct_id, values in found.items()
    }
    kept = [(n, r) for n, r in relevance.items() if r >= MIN_RELEVANCE]
    ordered = sorted(kept, key=lambda kv: (-kv[1], kv[0]))[:CANDIDATES]
    return dict(ordered)


def _browse() -> dict[str, float]:
    """No condition to search for: recruiting, recently updated trials, all equally relevant."""
    page = search(SearchQuery(text="", per_page=PER_SEARCH))
    return {hit.nct_id: 0.5 for hit in page.hits}


# --- hard filters -----------------------------------------------------------------------------


def _hard_filter(trial: Trial, profile: Profile) -> str | None:
    """Why the registry's own fields rule the patient out, or None."""
    age = profile.age_years
    if age is not None:
        if trial.minimum_age_years is not None and age < trial.minimum_age_years:
            return "age"
        if trial.maximum_age_years is not None and age > trial.maximum_age_years:
            return "age"
    sex = (trial.sex or "").upper()
    if (
        profile.sex in ("female", "male")
        and sex in ("FEMALE", "MALE")
        and sex.lower() != profile.sex
    ):
        return "sex"
    if not profile.present_conditions() and trial.healthy_volunteers is False:
        return "healthy_volunteers"
    return None


# --- screening --------------------------------------------------------------------------------


def _fact(c: Constraint, facts: dict[str, Any]) -> str | None:
    """The patient fact a constraint was judged on, in words; None when the profile is silent."""
    concept = c.concept
    if concept == "age" and facts.get("age") is not None:
        return f"age {facts['age']:g}"
    if concept == "sex" and facts.get("sex"):
        return f"sex {facts['sex']}"
    if concept in ("ecog", "karnofsky", "lansky") and facts.get(concept) is not None:
        return f"{concept.upper() if concept == 'ecog' else concept.title()} {facts[concept]}"
    if concept in ("ecog", "karnofsky", "lansky"):
        for scale in ("ecog", "karnofsky", "lansky"):
            if facts.get(scale) is not None:
                return f"{scale.upper() if scale == 'ecog' else scale.title()} {facts[scale]}"
    if concept == "nyha" and facts.get("nyha") is not None:
        return f"NYHA class {facts['nyha']}"
    if concept in ("pregnancy", "breastfeeding"):
        key = "pregnant" if concept == "pregnancy" else "breastfeeding"
        if facts.get(key) is not None:
            return f"{key}: {'yes' if facts[key] else 'no'}"
    if concept == "health" and facts.get("healthy") is False:
        return "active condition"
    if concept == "measurement":
        measured = (facts.get("measurements") or {}).get(c.name)
        if measured:
            value, unit = measured
            return f"{c.name} {value:g}{' ' + unit if unit else ''}"
    if concept in ("condition", "drug", "procedure", "therapy"):
        wanted = " ".join(c.name.lower().split())
        for event in facts.get("events") or []:
            if event.get("name") == wanted:
                if event.get("date"):
                    return f"{wanted} on {event['date']}"
                return f"{wanted} (current)" if event.get("active") else wanted
        if wanted in (facts.get("events_absent") or []):
            return f"no {wanted}"
    return None


def _criterion_fact(item: Criterion, facts: dict[str, Any]) -> str:
    found = [f for c in item.constraints if (f := _fact(c, facts))]
    return "; ".join(dict.fromkeys(found))


def _quote(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _reason(c: CriterionResult) -> str:
    """One criterion in plain words: what it says, what the profile says, what that means."""
    inclusion = c.kind == "inclusion"
    kind = "Inclusion" if inclusion else "Exclusion"
    quoted = f"“{_quote(c.text)}”"
    yours = f" — your {c.fact}" if c.fact else ""
    if c.outcome == "met":
        meaning = "met" if inclusion else "does not rule you out"
        return f"{kind} {meaning}: {quoted}{yours}."
    if c.outcome == "not_met":
        meaning = "not met" if inclusion else "rules you out"
        where = " if you are in its part or group of the study" if c.scoped else ""
        return f"{kind} {meaning}{where}: {quoted}{yours}."
    if c.taking_part:
        settle = f"{kind} to settle with the study team: {quoted}"
        return f"{settle} — about taking part, not your health."
    return f"{kind} unknown: {quoted} — the profile does not say; the study team will check."


def _screen(
    trial: Trial, facts: dict[str, Any]
) -> tuple[str, list[CriterionResult], list[str], float]:
    """Verdict, judged criteria, reasons (failures first) and the eligibility score in [0, 1].

    ``matching.screening`` judges the criteria (parsed once per text); the reasons add the
    profile fact each criterion was judged on.
    """
    text = trial.eligibility_criteria or ""
    outcome = screening.screen(facts, text)
    parsed = screening.parsed(text)
    items = {item.id: item for item in parsed.items}
    criteria = []
    for judged in outcome.criteria:
        item = items.get(judged.id)
        if item is not None and judged.verdict in ("met", "not_met", "unknown"):
            fact = _criterion_fact(item, facts)
            criteria.append(
                CriterionResult(
                    item.id,
                    item.kind,
                    judged.verdict,
                    item.text,
                    fact,
                    judged.taking_part,
                    judged.scoped,
                )
            )
    order = {"not_met": 0, "met": 1, "unknown": 2}
    reasons = [_reason(c) for c in sorted(criteria, key=lambda c: order[c.outcome])]
    if not parsed.top_level():
        reasons.append("The registry entry lists no criteria the profile can be checked against.")
    return outcome.verdict, criteria, reasons, outcome.score


# --- location ---------------------------------------------------------------------------------


def resolve_near(
    near: str | tuple[float, float] | None, profile: Profile
) -> tuple[tuple[float, float] | None, str]:
    """The point to measure distances from, and a note when the profile's place was unknown.

    An explicit ``near`` that cannot be placed is an error (``MatchError`` on "near"); the
    profile's own location that cannot be placed is only noted.
    """
    if near is not None:
        try:
            if isinstance(near, str):
                point = geo.resolve_place(near)
            else:
                point = (float(near[0]), float(near[1]))
                geo.check_point(*point)
        except (geo.PlaceError, TypeError, ValueError, IndexError) as exc:
            raise MatchError(str(exc), "near") from None
        if point is None:
            raise MatchError(
                f"no trial site is known at {near!r}; give a city, postcode or lat,lon", "near"
            )
        return point, ""
    place = profile.location
    if place is None:
        return None, ""
    if place.lat is not None and place.lon is not None:
        return (place.lat, place.lon), ""
    for text in (place.postcode, ", ".join(p for p in (place.city, place.country) if p)):
        if text:
            try:
                point = geo.resolve_place(text)
            except geo.PlaceError:
                point = None
            if point is not None:
                return point, ""
    return None, "The patient's location matched no trial site, so distance was not used."


def _nearest_sites(ids: dict[int, Trial], point: tuple[float, float]) -> dict[int, NearestSite]:
    """Each trial's nearest recruiting site (or nearest site when none recruits)."""
    best: dict[int, tuple[tuple[int, float], NearestSite]] = {}
    rows = Site.objects.filter(
        trial_id__in=list(ids), latitude__isnull=False, longitude__isnull=False
    ).values_list("trial_id", "facility", "city", "country", "status", "latitude", "longitude")
    for trial_id, facility, city, country, status, lat, lon in rows:
        km = geo.haversine_km(point[0], point[1], lat, lon)
        recruiting = status == "RECRUITING" or (
            not status and ids[trial_id].overall_status == "RECRUITING"
        )
        key = (0 if recruiting else 1, km)
        if trial_id not in best or key < best[trial_id][0]:
            best[trial_id] = (key, NearestSite(facility, city, country, round(km, 1), recruiting))
    return {trial_id: site for trial_id, (_, site) in best.items()}


# --- ranking ----------------------------------------------------------------------------------


def _status_word(status: str) -> str:
    if status in ("", "UNKNOWN"):
        return "status unknown"
    return status.replace("_", " ").lower()


def _explain(
    parts: dict[str, float], verdict: str, status: str, site: NearestSite | None, tier: int
) -> str:
    words = [f"relevance to the condition {parts['relevance']:.0%}"]
    words.append(
        {
            "likely_eligible": "every checked criterion fits",
            "likely_not_eligible": "a criterion rules the patient out",
            "needs_review": f"eligibility {parts['eligibility']:.0%} (some criteria need review)",
        }[verdict]
    )
    words.append(_status_word(status))
    if site is not None:
        kind = "recruiting site" if site.recruiting else "site (not recruiting)"
        words.append(f"nearest {kind} {site.distance_km:g} km away")
    sentence = "Score from " + ", ".join(words) + "."
    if tier == 1:
        sentence += " Placed below the trials the patient may join because a criterion fails."
    elif tier == 2:
        sentence += " Placed last because the trial is not recruiting."
    return sentence


def match_patient(
    profile: Profile,
    *,
    top: int = 20,
    near: str | tuple[float, float] | None = None,
    semantic: bool = True,
) -> MatchResult:
    """The ``top`` best trials for ``profile``, each with a verdict, reasons and a score.

    When trial vectors are stored (``trialmatch embed``) and ``semantic`` holds, the trials
    nearest in meaning to the profile join the full-text candidates, so a trial worded
    differently from the note is still found. Raises ``MatchError`` (naming "top" or "near")
    on bad arguments.
    """
    started = time.perf_counter()
    if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= MAX_TOP:
        raise MatchError(f"must be a whole number from 1 to {MAX_TOP}", "top")
    point, note = resolve_near(near, profile)
    if not Trial.objects.exists():
        return MatchResult([], "The catalogue is empty: no trials have been imported yet.")
    phrases = query_phrases(profile)
    relevance = _retrieve(phrases) if phrases else _browse()
    if phrases and semantic:
        nearest = vectors.semantic_search(profile.search_text())
        relevance = vectors.fuse(relevance, nearest.scores, CANDIDATES, MIN_RELEVANCE)
        note = " ".join(n for n in (note, nearest.note) if n)
    trials = {
        t.id: t
        for t in Trial.objects.filter(nct_id__in=list(relevance)).only(
            "id",
            "nct_id",
            "title",
            "overall_status",
            "sex",
            "minimum_age_years",
            "maximum_age_years",
            "healthy_volunteers",
            "eligibility_criteria",
        )
    }
    filtered_out: dict[str, int] = {}
    kept: dict[int, Trial] = {}
    for trial_id, trial in trials.items():
        why = _hard_filter(trial, profile)
        if why:
            filtered_out[why] = filtered_out.get(why, 0) + 1
        else:
            kept[trial_id] = trial
    # Screening is the costly step: only the most promising candidates are screened, open
    # trials first, then by relevance.
    screened = sorted(
        kept.items(),
        key=lambda kv: (
            kv[1].overall_status not in OPEN_STATUSES,
            -relevance.get(kv[1].nct_id, 0.0),
            kv[1].nct_id,
        ),
    )[: max(SCREEN_FACTOR * top, SCREEN_MIN)]
    kept = dict(screened)
    sites = _nearest_sites(kept, point) if point is not None and kept else {}
    facts = profile.to_facts()
    weights = dict(WEIGHTS)
    if point is None:
        weights["relevance"] += weights.pop("distance")
    scored: list[tuple[tuple[int, float, str], TrialMatch]] = []
    for trial_id, trial in kept.items():
        verdict, criteria, reasons, eligibility = _screen(trial, facts)
        site = sites.get(trial_id)
        parts = {
            "relevance": relevance.get(trial.nct_id, 0.0),
            "eligibility": eligibility,
            "status": OPEN_STATUSES.get(trial.overall_status, 0.0),
        }
        if point is not None:
            parts["distance"] = (
                (1.0 if site.recruiting else 0.5) / (1 + site.distance_km / DISTANCE_SCALE_KM)
                if site is not None
                else 0.0
            )
        gate = min(1.0, parts["relevance"] / RELEVANT)
        base = sum(weights[k] * v * (1.0 if k == "relevance" else gate) for k, v in parts.items())
        is_open = trial.overall_status in OPEN_STATUSES
        tier = 0 if is_open and verdict != "likely_not_eligible" else 1 if is_open else 2
        # Tiers occupy separate thirds of [0, 1], so the score alone gives the order.
        score = round((2 - tier + base) / 3, 4)
        match = TrialMatch(
            nct_id=trial.nct_id,
            title=trial.title,
            status=trial.overall_status,
            score=score,
            verdict=verdict,
            reasons=reasons,
            explanation=_explain(parts, verdict, trial.overall_status, site, tier),
            criteria=criteria,
            nearest_site=site,
        )
        scored.append(((tier, -score, trial.nct_id), match))
    scored.sort(key=lambda pair: pair[0])
    results = [m for _, m in scored[:top]]
    message = note
    if not results:
        message = _empty_message(phrases, relevance, filtered_out)
    return MatchResult(
        results=results,
        message=message,
        searched=phrases,
        candidates=len(relevance),
        filtered_out=filtered_out,
        near=point,
        elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
    )


def _empty_message(
    phrases: list[tuple[str, float]], relevance: dict[str, float], filtered_out: dict[str, int]
) -> str:
    if not relevance:
        searched = ", ".join(p for p, _ in phrases) or "any condition"
        return f"No trial in the catalogue mentions {searched}."
    reasons = ", ".join(f"{n} by {why.replace('_', ' ')}" for why, n in filtered_out.items())
    return f"{len(relevance)} trials mention the condition, but all were ruled out ({reasons})."


# --- the pre-screener -------------------------------------------------------------------------


def shared_facts(profile: Profile) -> dict[str, Any]:
    """The profile as the pre-screener's shared facts (``prescreen.facts``' format).

    A whole-number age given without a birth date means "that many years and some months":
    the interval [age, age + 1) answers "18 or older" but not "34 or older".
    """
    known: dict[str, Any] = {}
    age = profile.age_years
    if age is not None:
        whole = profile.birth_date is None and float(age).is_integer()
        hi, hi_incl = (age + 1, False) if whole else (age, True)
        known["age"] = {"lo": age, "lo_incl": True, "hi": hi, "hi_incl": hi_incl}
    if profile.sex in ("female", "male"):
        known["sex"] = {"is": profile.sex}
    for scale in ("ecog", "karnofsky", "lansky", "nyha"):
        value = getattr(profile.performance, scale)
        if value is not None:
            known[scale] = {"lo": value, "lo_incl": True, "hi": value, "hi_incl": True}
    if profile.pregnant is not None:
        known["pregnancy"] = profile.pregnant
    if profile.breastfeeding is not None:
        known["breastfeeding"] = profile.breastfeeding
    return known


def remember_facts(owner: str, profile: Profile) -> dict[str, Any]:
    """Store the profile's shared facts for ``owner`` so every trial's pre-screener starts
    from them; what the profile says replaces what was stored, the rest is kept."""
    return record_facts(owner, shared_facts(profile))
