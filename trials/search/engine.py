"""The search itself, on SQLite (FTS5) and PostgreSQL (tsvector), with one set logic.

Each condition of a query (the words, one per filtered facet, the radius) becomes a set of
trial ids held as a bitset (``bitsets``): the words through the full-text index, facets from
the catalogue snapshot, the radius from the located sites held in memory (``sites``). The
total is the size of their intersection, a facet's counts intersect every condition but that
facet's own filter, and the page is ordered in SQL, Python or numpy from the same sets.

Broad words are bounded: only the newest ``TEXT_WINDOW`` (``PG_TEXT_WINDOW`` on PostgreSQL)
matching trials are looked at (the page says ``capped``), and relevance is computed for the
newest ``RANK_POOL`` candidates, which come first in relevance order; the rest follow newest
first. The matches and relevance of recent words are kept with the snapshot (``MEMO_WORDS``).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from django.db import connection, transaction

from trials import geo
from trials.facets import FACET_NAMES
from trials.models import Site, Trial

from . import (
    MAX_FILTER_VALUES,
    MAX_PAGE,
    MAX_PER_PAGE,
    FacetCount,
    GeoFilter,
    NearestSite,
    SearchError,
    SearchHit,
    SearchPage,
    SearchQuery,
    sites,
)
from .bitsets import Membership, Snapshot, from_ids, snapshot, to_ids
from .text import TextQuery, parse

RECRUITING = "RECRUITING"
TEXT_WINDOW = 10_000
# PostgreSQL's GIN index returns matches in no order, each costing a visit to a wide table row,
# so it looks at fewer of the newest matches.
PG_TEXT_WINDOW = 2_000
# Testing one trial's stored vector costs about as much as reading this many entries of the GIN
# index's posting lists (measured at 400k trials: about 4.7 us against 60 ns); see
# ``_text_window_pg``.
PG_VECTOR_TEST_COST = 80
RANK_POOL = 300
# Searches whose matches and relevance are kept with the snapshot, most recent first.
MEMO_WORDS = 64
# The last word is tried as a prefix when the words as typed match fewer trials than this.
PREFIX_FALLBACK_BELOW = 20
# Below this many candidates the default order is taken in one query; above, the browse
# index is walked until the page is full.
DIRECT_ORDER_LIMIT = 3_000
BROWSE_BATCH = 2_000
# ts_rank_cd weights for the D, C, B, A labels set in migration 0002.
PG_RANK_WEIGHTS = "{0.05, 0.2, 0.5, 1.0}"
FRESHNESS_LIFT = 0.1
FRESHNESS_YEARS = 10.0
# Up to this many trials, a distance search reads their sites rather than the bounding box.
GEO_CANDIDATE_LIMIT = 20_000
# Radii tried, in km, when sorting by distance without a cut-off: stop at the first that fills
# the page; None is the whole world.
EXPANDING_RADII_KM = (50.0, 200.0, 800.0, 3200.0, None)
# The browse order; migration 0002 indexes exactly this expression.
BROWSE_ORDER = "(t.overall_status <> 'RECRUITING'), t.last_update_posted DESC NULLS LAST, t.nct_id"


def search(query: SearchQuery) -> SearchPage:
    _validate(query)
    vendor = connection.vendor
    text = parse(query.text)
    snap = snapshot()
    sets: dict[str, int] = {}
    capped = False
    words: _Words | None = None
    if text:
        words = _words(text, vendor, snap)
        capped = words.capped
        sets["text"] = words.bits
    for name, values in query.filters.items():
        if values:
            known = snap.values.get(name, {})
            bits = 0
            for value in values:
                bits |= known.get(value, 0)
            sets[f"facet:{name}"] = bits
    near = query.near
    base = _intersect(snap.trials, sets.values())
    within: sites.Nearest | None = None
    if near is not None and near.radius_km is not None:
        within = _within(near, near.radius_km, _GeoSets(base, snap))
        sets["geo"] = sites.bits_of(within.trials)
        base &= sets["geo"]
    total = base.bit_count()

    offset, limit = (query.page - 1) * query.per_page, query.per_page
    scores: dict[int, float] = {}
    reach_km: float | None = None
    if near is not None:
        ids, reach_km = _by_distance(near, within, base, snap, vendor, offset, limit)
        if words is not None:
            scores = _scores(ids, words, vendor)
    elif words is not None:
        ids, scores = _by_relevance(words, base, vendor, offset, limit)
    else:
        ids = _by_default(base, bool(sets), vendor, offset, limit)
    hits = _hits(ids, scores, near, snap, reach_km)
    facets = _facet_counts(snap, sets, query.filters)
    return SearchPage(query=query, total=total, hits=hits, facets=facets, capped=capped)


def _validate(query: SearchQuery) -> None:
    if not isinstance(query.page, int) or not 1 <= query.page <= MAX_PAGE:
        raise SearchError(f"page must be a whole number from 1 to {MAX_PAGE}")
    if not isinstance(query.per_page, int) or not 1 <= query.per_page <= MAX_PER_PAGE:
        raise SearchError(f"per_page must be a whole number from 1 to {MAX_PER_PAGE}")
    for name, values in query.filters.items():
        if name not in FACET_NAMES:
            raise SearchError(f"unknown filter {name!r}; known: {', '.join(FACET_NAMES)}")
        if len(values) > MAX_FILTER_VALUES:
            raise SearchError(f"too many values for {name} (at most {MAX_FILTER_VALUES})")
    if query.near is not None:
        try:
            geo.check_point(query.near.lat, query.near.lon)
        except (TypeError, geo.PlaceError) as exc:
            raise SearchError(str(exc)) from None
        radius = query.near.radius_km
        if radius is not None and not 0 < radius <= 50_000:
            raise SearchError("radius must be more than 0 km and at most 50,000 km")


def _intersect(first: int, others: Iterable[int]) -> int:
    for bits in others:
        first &= bits
    return first


def _fetch(sql: str, params: list | tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _fetch_indexed(sql: str, params: list | tuple = (), *, walk: bool = False) -> list[tuple]:
    """``_fetch``, insisting on bitmap index scans on PostgreSQL, or with ``walk`` on a walk
    of the primary key.

    Its planner prices a tsvector test too cheaply and would rather walk a whole table, or
    an id range of it, testing (detoasting) every vector; memory enough keeps index bitmaps
    exact. The caller knows better when most trials match: see ``_text_window_pg``.
    """
    if connection.vendor != "postgresql":
        return _fetch(sql, params)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('enable_seqscan', 'off', true), "
            "set_config(%s, 'off', true), set_config('work_mem', '32MB', true)",
            ["enable_bitmapscan" if walk else "enable_indexscan"],
        )
        cursor.execute(sql, params)
        return cursor.fetchall()


def _id_list_sql(vendor: str, ids: list[int]) -> tuple[str, list]:
    """``t.id`` among ``ids``, as one parameter (no limit on the number of ids)."""
    if vendor == "postgresql":
        return "t.id = ANY(%s::bigint[])", [ids]
    return "t.id IN (SELECT value FROM json_each(%s))", [json.dumps(ids)]


# --- words ------------------------------------------------------------------------------------


@dataclass
class _Words:
    """The trials some words match, kept with the snapshot (``Snapshot.memo``)."""

    text: TextQuery  # as searched: as typed, or with the last word as a prefix
    ids: list[int]  # newest first
    capped: bool
    bits: int
    relevance: dict[int, float] = field(default_factory=dict)  # grows as pages are ranked


_memo_lock = threading.Lock()


def _words(text: TextQuery, vendor: str, snap: Snapshot) -> _Words:
    key = (vendor, text)
    with _memo_lock:
        memo = snap.memo.setdefault("words", OrderedDict())
        found = memo.get(key)
        if found is not None:
            memo.move_to_end(key)
            return found
    searched, ids, capped = _match(text, vendor)
    words = _Words(searched, ids, capped, from_ids(ids))
    with _memo_lock:
        memo[key] = words
        while len(memo) > MEMO_WORDS:
            memo.popitem(last=False)
    return words


def _match(text: TextQuery, vendor: str) -> tuple[TextQuery, list[int], bool]:
    """The words as typed; if they find little, the last word also as a prefix."""
    if text.prefix_last:
        exact = text.as_typed()
        ids, capped = _text_window(exact, vendor)
        if len(ids) >= PREFIX_FALLBACK_BELOW:
            return exact, ids, capped
    ids, capped = _text_window(text, vendor)
    return text, ids, capped


def _text_window(text: TextQuery, vendor: str) -> tuple[list[int], bool]:
    """Ids of the newest matching trials (newest first), and whether there were more."""
    if vendor == "postgresql":
        window = min(TEXT_WINDOW, PG_TEXT_WINDOW)
        ids = _text_window_pg(text, window)
    else:
        # FTS5 walks its doclists in rowid order, newest first here, and stops at the limit.
        window = TEXT_WINDOW
        ids = [
            r[0]
            for r in _fetch(
                "SELECT rowid FROM trials_trial_fts WHERE trials_trial_fts MATCH %s "
                "ORDER BY rowid DESC LIMIT %s",
                [text.fts5(), window + 1],
            )
        ]
    return ids[:window], len(ids) > window


def _text_window_pg(text: TextQuery, window: int) -> list[int]:
    """The GIN index yields matches in no useful order and each costs a heap visit, so the
    newest ids are searched first, in id ranges, until the window is full. Each range costs a
    scan of the words' whole posting lists, so the first range is sized to hold the window at
    the share of trials the words are expected to match, and the next from the density of
    matches seen so far.

    When the words are common enough, testing the newest trials' vectors one by one until the
    window is full costs less than reading the posting lists; the walk is bounded by the
    expected share, so words that come together less than expected go on with the index.
    """
    newest = _fetch("SELECT MAX(id) FROM trials_trial")[0][0] or 0
    ids: list[int] = []
    shares = [] if text.prefix_last else _word_shares(text)
    share = _together(shares)
    walk = share * sum(shares) * newest > PG_VECTOR_TEST_COST * (window + 1)
    high, seen = newest, 0
    # Room to spare: a range the window does not fill costs another scan of the posting lists.
    span = int((window + 1) / share * 1.5) if share else 0
    if not walk:
        span = max(span, 8 * window)
    while high > 0 and len(ids) <= window:
        low = max(0, high - span)
        ids += [
            r[0]
            for r in _fetch_indexed(
                # A walk follows the primary key down and stops at the limit; a bitmap sorts
                # the few matches ("id + 0") rather than walk the primary key testing each.
                "SELECT id FROM trials_trial WHERE search_vector @@ to_tsquery('english', %s) "
                f"AND id > %s AND id <= %s ORDER BY {'id' if walk else 'id + 0'} DESC LIMIT %s",
                [text.tsquery(), low, high, window + 1 - len(ids)],
                walk=walk,
            )
        ]
        walk = False
        seen += high - low
        high = low
        missing = window + 1 - len(ids)
        if ids:
            span = int(missing * seen / len(ids) * 1.25) + 100
        else:
            span *= 4
    return ids


def _word_shares(text: TextQuery) -> list[float]:
    """The share of trials holding each of the words, by the column's statistics (``ANALYZE``
    keeps the commonest words' shares; a word not among them counts as 0)."""
    words = " ".join(word for phrase in text.phrases for word in phrase)
    return [
        float(share)
        for (share,) in _fetch(
            "SELECT COALESCE(s.share, 0) "
            "FROM unnest(tsvector_to_array(to_tsvector('english', %s))) AS q(word) "
            "LEFT JOIN (SELECT unnest(most_common_elems::text::text[]) AS word, "
            "unnest(most_common_elem_freqs) AS share FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = 'trials_trial' "
            "AND attname = 'search_vector') s USING (word)",
            [words],
        )
    ]


def _together(shares: list[float]) -> float:
    """About the share of trials holding all the words: the rarest word's share times the
    square root of the others'.

    Words about one subject come together far more often than chance. For the queries of
    ``benchmarks/search_bench.py`` at 400k trials this was at most a tenth above the true
    share, and mostly below it: near it for two or three words, a quarter of it for six.
    """
    if not shares:
        return 0.0
    rarest, *others = sorted(shares)
    return rarest * math.sqrt(math.prod(others))


def _freshness(updated: dt.date | str | None, today: dt.date) -> float:
    if not updated:
        return 0.0
    if isinstance(updated, str):
        updated = dt.date.fromisoformat(updated[:10])
    years = (today - updated).days / 365.25
    return max(0.0, min(1.0, 1.0 - years / FRESHNESS_YEARS))


def _scores(ids: list[int], words: _Words, vendor: str) -> dict[int, float]:
    """Relevance (bm25 or ts_rank_cd), raised by up to a tenth for recently updated trials.

    Among equally relevant trials the fresher one is more use to a patient; the lift fades
    out over ten years. Relevance once computed is kept with the words: each query for it
    first counts, over the whole index, the trials holding each word.
    """
    if not ids:
        return {}
    relevance = words.relevance
    missing = [i for i in ids if i not in relevance]
    text = words.text
    found: dict[int, float] = {}
    if not missing:
        pass
    elif vendor == "postgresql":
        found = dict(
            _fetch(
                "SELECT t.id, ts_rank_cd(%s, t.search_vector, to_tsquery('english', %s)) "
                "FROM trials_trial t WHERE t.id = ANY(%s::bigint[])",
                [PG_RANK_WEIGHTS, text.tsquery(), missing],
            )
        )
    else:
        # FTS5 seeks rowid ranges cheaply; the range holds at most TEXT_WINDOW matches.
        wanted = set(missing)
        found = {
            rowid: score
            for rowid, score in _fetch(
                "SELECT rowid, -rank FROM trials_trial_fts "
                "WHERE trials_trial_fts MATCH %s AND rowid BETWEEN %s AND %s",
                [text.fts5(), min(missing), max(missing)],
            )
            if rowid in wanted
        }
    with _memo_lock:
        relevance.update({i: float(found.get(i) or 0.0) for i in missing})
    where, params = _id_list_sql(vendor, ids)
    updated = dict(
        _fetch(f"SELECT t.id, t.last_update_posted FROM trials_trial t WHERE {where}", params)
    )
    today = dt.date.today()
    return {
        i: relevance[i] * (1.0 + FRESHNESS_LIFT * _freshness(updated.get(i), today)) for i in ids
    }


def _by_relevance(
    words: _Words, base: int, vendor: str, offset: int, limit: int
) -> tuple[list[int], dict[int, float]]:
    if base.bit_count() == len(words.ids):
        candidates = words.ids  # no other condition took any away
    else:
        member = Membership(base)
        candidates = [i for i in words.ids if i in member]
    pool = candidates[:RANK_POOL]
    scores = _scores(pool, words, vendor)
    ranked = sorted(pool, key=lambda i: (-scores[i], i)) + candidates[RANK_POOL:]
    page = ranked[offset : offset + limit]
    missing = [i for i in page if i not in scores]
    scores.update(_scores(missing, words, vendor))
    return page, scores


# --- no words ---------------------------------------------------------------------------------


def _by_default(base: int, filtered: bool, vendor: str, offset: int, limit: int) -> list[int]:
    """Recruiting trials first, then the most recently updated."""
    if not filtered:
        return [
            r[0]
            for r in _fetch(
                f"SELECT t.id FROM trials_trial t ORDER BY {BROWSE_ORDER} LIMIT %s OFFSET %s",
                [limit, offset],
            )
        ]
    if base.bit_count() <= DIRECT_ORDER_LIMIT:
        where, params = _id_list_sql(vendor, to_ids(base))
        return [
            r[0]
            for r in _fetch(
                f"SELECT t.id FROM trials_trial t WHERE {where} "
                f"ORDER BY {BROWSE_ORDER} LIMIT %s OFFSET %s",
                [*params, limit, offset],
            )
        ]
    # Many candidates: walk the browse index and keep the members.
    member = Membership(base)
    kept: list[int] = []
    position = 0
    while len(kept) < offset + limit:
        batch = [
            r[0]
            for r in _fetch(
                f"SELECT t.id FROM trials_trial t ORDER BY {BROWSE_ORDER} LIMIT %s OFFSET %s",
                [BROWSE_BATCH, position],
            )
        ]
        kept += [i for i in batch if i in member]
        position += BROWSE_BATCH
        if len(batch) < BROWSE_BATCH:
            break
    return kept[offset : offset + limit]


# --- distance ---------------------------------------------------------------------------------


class _GeoSets:
    """The arrays a distance search needs from the snapshot, made once per search."""

    def __init__(self, base: int, snap: Snapshot) -> None:
        self.index = sites.site_index(snap)
        size = self.index.size
        self.members = sites.mask(base, size)
        located = base & snap.located
        self.located = located.bit_count()
        # Few candidate trials: read their sites rather than those in the bounding box.
        self.candidates = (
            np.flatnonzero(sites.mask(located, size))
            if self.located <= GEO_CANDIDATE_LIMIT
            else None
        )
        self.recruiting = sites.mask(snap.values.get("status", {}).get(RECRUITING, 0), size)


def _within(near: GeoFilter, radius_km: float | None, geo_sets: _GeoSets) -> sites.Nearest:
    """Trials of the search with a site within the radius, and their nearest (recruiting) one."""
    return sites.nearest(
        geo_sets.index,
        near.lat,
        near.lon,
        radius_km,
        geo_sets.members,
        geo_sets.recruiting,
        geo_sets.candidates,
    )


def _by_distance(
    near: GeoFilter,
    within: sites.Nearest | None,
    base: int,
    snap: Snapshot,
    vendor: str,
    offset: int,
    limit: int,
) -> tuple[list[int], float | None]:
    """With a radius: recruiting within it first, then nearest. Without: nearest first.

    Also says how far the page's sites to show can be (None: anywhere).
    """
    if within is not None:
        closed = np.isinf(within.recruiting)
        distance = np.where(closed, within.nearest, within.recruiting)
        order = np.lexsort((within.trials, distance, closed))
        return within.trials[order[offset : offset + limit]].tolist(), near.radius_km
    geo_sets = _GeoSets(base, snap)
    found = np.zeros(0, dtype=np.int64)
    terms = np.zeros(0)
    for radius in EXPANDING_RADII_KM:
        rows = _within(near, radius, geo_sets)
        order = np.lexsort((rows.trials, rows.nearest))
        found, terms = rows.trials[order], rows.nearest[order]
        if len(found) >= offset + limit or len(found) >= geo_sets.located:
            break
    page = found[offset : offset + limit].tolist()
    reach = None
    if page:
        # a metre more than the farthest nearest site, for rounding
        reach = geo.km_from_term(float(terms[offset : offset + limit].max())) + 0.001
    if len(page) < limit:
        # Past the located trials: those without a located site, in the browse order.
        unlocated = base & ~snap.located
        tail_offset = max(0, offset - len(found))
        page += _by_default(unlocated, True, vendor, tail_offset, limit - len(page))
    return page, reach


def _nearest_sites(
    ids: list[int], near: GeoFilter, snap: Snapshot, reach_km: float | None
) -> dict[int, NearestSite]:
    """Each trial's nearest site; within a radius, its nearest recruiting one if it has any.

    Only sites within ``reach_km`` (the radius, or the farthest of the page's nearest sites)
    are read: a trial with hundreds of sites needs just those near the point.
    """
    sites_ = Site.objects.filter(trial_id__in=ids, latitude__isnull=False, longitude__isnull=False)
    if reach_km is not None:
        lat_min, lat_max, lon_ranges = geo.bounding_box(near.lat, near.lon, reach_km)
        sites_ = sites_.filter(latitude__gte=lat_min, latitude__lte=lat_max)
        if len(lon_ranges) == 1:
            sites_ = sites_.filter(longitude__gte=lon_ranges[0][0], longitude__lte=lon_ranges[0][1])
    recruiting_trials = Membership(snap.values.get("status", {}).get(RECRUITING, 0))
    best: dict[int, tuple] = {}
    for trial_id, facility, city, state, country, status, lat, lon in sites_.values_list(
        "trial_id", "facility", "city", "state", "country", "status", "latitude", "longitude"
    ):
        distance = geo.haversine_km(near.lat, near.lon, lat, lon)
        if near.radius_km is not None and distance > near.radius_km:
            continue
        recruiting = status == RECRUITING or (not status and trial_id in recruiting_trials)
        key = (0 if recruiting or near.radius_km is None else 1, distance)
        site = NearestSite(facility, city, state, country, status, round(distance, 1))
        if trial_id not in best or key < best[trial_id][0]:
            best[trial_id] = (key, site)
    return {trial_id: site for trial_id, (_, site) in best.items()}


# --- the page and its facets ------------------------------------------------------------------


def _hits(
    ids: list[int],
    scores: dict[int, float],
    near: GeoFilter | None,
    snap: Snapshot,
    reach_km: float | None = None,
) -> list[SearchHit]:
    trials = {
        t.id: t
        for t in Trial.objects.filter(id__in=ids).only(
            "id", "nct_id", "title", "overall_status", "conditions"
        )
    }
    nearest = _nearest_sites(ids, near, snap, reach_km) if near is not None else {}
    return [
        SearchHit(
            nct_id=trials[i].nct_id,
            title=trials[i].title,
            status=trials[i].overall_status,
            conditions=list(trials[i].conditions or []),
            score=scores.get(i, 0.0),
            nearest_site=nearest.get(i),
        )
        for i in ids
        if i in trials
    ]


def _facet_counts(
    snap: Snapshot, sets: dict[str, int], filters: dict[str, list[str]]
) -> dict[str, list[FacetCount]]:
    """Counts per facet value, each facet counted with every condition but its own filter."""
    result: dict[str, list[FacetCount]] = {}
    for name in FACET_NAMES:
        own = f"facet:{name}"
        group = _intersect(snap.trials, (bits for key, bits in sets.items() if key != own))
        chosen = [v for v in filters.get(name, []) if v]
        matrix = snap.matrices.get(name)
        found = matrix.counts(group) if matrix is not None else {}
        counts = {value: n for value, n in found.items() if n or value in chosen}
        for value in chosen:
            counts.setdefault(value, 0)
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        result[name] = [FacetCount(v, c, v in chosen) for v, c in ordered]
    return result
