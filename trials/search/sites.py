"""Located trial sites held in memory as arrays, for distance searches.

A radius around a dense city holds tens of thousands of sites: reading them from the database,
even through an index, and reducing them to one distance per trial cost far more than the
50 ms a search may take. Held as numpy arrays (sites in trial order, plus a grid of half
degree cells over them), the sites in a bounding box, or those of a set of candidate trials,
are array slices, and the distances and per-trial minima are vector operations: a few
milliseconds for a hundred thousand sites. The index follows the facet snapshot
(``bitsets.snapshot``), rebuilt on the first distance search after the sites changed.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np
from django.db import connection

from trials import geo

from .bitsets import Snapshot

CELL_DEG = 0.5
_ROWS = int(180 / CELL_DEG)
_COLS = int(360 / CELL_DEG)
# Site status codes held in the index.
OTHER, RECRUITING, UNSTATED = 0, 1, 2
_FETCH_BATCH = 100_000


@dataclass
class SiteIndex:
    """Located sites in trial order, and a grid over them."""

    trial: np.ndarray  # int32, ascending
    lat: np.ndarray  # float64 degrees
    lon: np.ndarray
    status: np.ndarray  # uint8: OTHER, RECRUITING or UNSTATED
    starts: np.ndarray  # sites of trial t are positions starts[t] to starts[t + 1]
    by_cell: np.ndarray  # site positions ordered by grid cell
    cells: np.ndarray  # the cell of each entry of by_cell (ascending)

    @property
    def size(self) -> int:
        """One more than the highest trial id the index can be asked about."""
        return len(self.starts) - 1


@dataclass
class Nearest:
    """Trials with a site in range, ascending, with haversine terms (``geo.km_from_term``) of
    their nearest site and nearest recruiting site (infinity when none)."""

    trials: np.ndarray
    nearest: np.ndarray
    recruiting: np.ndarray


_lock = threading.Lock()
_cached: list[tuple[Snapshot, tuple, SiteIndex]] = []


def site_index(snap: Snapshot) -> SiteIndex:
    """The index for the catalogue ``snap`` describes, built on first use.

    A new snapshot reuses the index while the sites look unchanged (same newest site, same
    trials, same located trials): reading five million sites takes seconds.
    """
    with _lock:
        if _cached and _cached[0][0] is snap:
            return _cached[0][2]
        with connection.cursor() as cursor:
            cursor.execute("SELECT MAX(id) FROM trials_site")
            newest = cursor.fetchone()[0]
        name = str(connection.settings_dict.get("NAME"))
        key = (connection.alias, name, newest, snap.trials, snap.located)
        if _cached and _cached[0][1] == key and not connection.in_atomic_block:
            built = _cached[0][2]
        else:
            built = _build(snap)
        _cached[:] = [(snap, key, built)]
        return built


def _build(snap: Snapshot) -> SiteIndex:
    chunks: list[np.ndarray] = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT trial_id, latitude, longitude, "
            "CASE status WHEN 'RECRUITING' THEN 1 WHEN '' THEN 2 ELSE 0 END "
            "FROM trials_site WHERE latitude IS NOT NULL AND longitude IS NOT NULL "
            "ORDER BY trial_id"
        )
        while rows := cursor.fetchmany(_FETCH_BATCH):
            chunks.append(np.array(rows, dtype=np.float64).reshape(-1, 4))
    table = np.concatenate(chunks) if chunks else np.zeros((0, 4))
    trial = table[:, 0].astype(np.int32)
    size = max(snap.trials.bit_length(), int(trial[-1]) + 1 if len(trial) else 0)
    starts = np.searchsorted(trial, np.arange(size + 1)).astype(np.int64)
    lat, lon = np.ascontiguousarray(table[:, 1]), np.ascontiguousarray(table[:, 2])
    cells = _cells(lat, lon)
    by_cell = np.argsort(cells, kind="stable").astype(np.int32)
    return SiteIndex(
        trial=trial,
        lat=lat,
        lon=lon,
        status=table[:, 3].astype(np.uint8),
        starts=starts,
        by_cell=by_cell,
        cells=cells[by_cell],
    )


def _cells(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    row = np.clip(((lat + 90.0) / CELL_DEG).astype(np.int64), 0, _ROWS - 1)
    col = np.clip(((lon + 180.0) / CELL_DEG).astype(np.int64), 0, _COLS - 1)
    return (row * _COLS + col).astype(np.int32)


def mask(bits: int, size: int) -> np.ndarray:
    """A bitset (``bitsets``) as a boolean array of ``size`` entries (bit n: entry n)."""
    data = bits.to_bytes((bits.bit_length() + 7) >> 3, "little")
    unpacked = np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="little")
    out = np.zeros(size, dtype=bool)
    n = min(size, len(unpacked))
    out[:n] = unpacked[:n].astype(bool)
    return out


def bits_of(ids: np.ndarray) -> int:
    """Trial ids as a bitset."""
    if not len(ids):
        return 0
    flags = np.zeros(int(ids.max()) + 1, dtype=bool)
    flags[ids] = True
    return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")


def _in_box(index: SiteIndex, lat: float, lon: float, radius_km: float) -> np.ndarray:
    lat_min, lat_max, lon_ranges = geo.bounding_box(lat, lon, radius_km)
    if lon_ranges == [(-180.0, 180.0)] and lat_max - lat_min >= 180.0:
        return np.arange(len(index.trial))
    row_low = max(0, int(math.floor((lat_min + 90.0) / CELL_DEG)))
    row_high = min(_ROWS - 1, int(math.floor((lat_max + 90.0) / CELL_DEG)))
    rows = np.arange(row_low, row_high + 1, dtype=np.int64) * _COLS
    lows, highs = [], []
    for lon_low, lon_high in lon_ranges:
        col_low = max(0, int(math.floor((lon_low + 180.0) / CELL_DEG)))
        col_high = min(_COLS - 1, int(math.floor((lon_high + 180.0) / CELL_DEG)))
        lows.append(rows + col_low)
        highs.append(rows + col_high)
    first = np.searchsorted(index.cells, np.concatenate(lows), side="left")
    last = np.searchsorted(index.cells, np.concatenate(highs), side="right")
    return index.by_cell[_ranges(first, last)]


def _of_trials(index: SiteIndex, trials: np.ndarray) -> np.ndarray:
    return _ranges(index.starts[trials], index.starts[trials + 1])


def _ranges(first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Concatenation of the integer ranges [first[i], last[i])."""
    lengths = last - first
    keep = lengths > 0
    first, lengths = first[keep], lengths[keep]
    if not len(first):
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    offsets = np.repeat(first - (ends - lengths), lengths)
    return np.arange(int(ends[-1]), dtype=np.int64) + offsets


def haversine_term(
    lat: np.ndarray, lon: np.ndarray, origin_lat: float, origin_lon: float
) -> np.ndarray:
    """The haversine term ``a`` from an origin to each site (``geo.km_from_term`` gives km).

    ``a`` grows with the distance, so radii are cut and minima taken on it, leaving the arc
    sine to the few values kept; sin²(x/2) is written (1 - cos x) / 2.
    """
    k = math.pi / 180
    return (1.0 - np.cos((lat - origin_lat) * k)) / 2.0 + math.cos(math.radians(origin_lat)) * (
        np.cos(lat * k) * (1.0 - np.cos((lon - origin_lon) * k)) / 2.0
    )


def nearest(
    index: SiteIndex,
    lat: float,
    lon: float,
    radius_km: float | None,
    members: np.ndarray,
    recruiting_trials: np.ndarray,
    candidates: np.ndarray | None = None,
) -> Nearest:
    """Trials among ``members`` (a boolean array over trial ids) with a site within the radius.

    With ``candidates`` (trial ids) their sites are read; otherwise those in the bounding box.
    A site counts as recruiting when its status says so, or says nothing and the trial is
    among ``recruiting_trials``.
    """
    if candidates is not None:
        positions = _of_trials(index, candidates[candidates < index.size])
    elif radius_km is None:
        positions = np.arange(len(index.trial))
    else:
        positions = _in_box(index, lat, lon, radius_km)
    trial = index.trial[positions]
    keep = members[trial]
    positions, trial = positions[keep], trial[keep]
    term = haversine_term(index.lat[positions], index.lon[positions], lat, lon)
    if radius_km is not None:
        inside = term <= geo.term_for_km(radius_km)
        positions, trial, term = positions[inside], trial[inside], term[inside]
    status = index.status[positions]
    open_ = (status == RECRUITING) | ((status == UNSTATED) & recruiting_trials[trial])
    open_term = np.where(open_, term, np.inf)
    if not len(trial):
        empty = np.zeros(0)
        return Nearest(np.zeros(0, dtype=np.int64), empty, empty)
    order = np.argsort(trial, kind="stable")
    trial, term, open_term = trial[order], term[order], open_term[order]
    first = np.flatnonzero(np.r_[True, trial[1:] != trial[:-1]])
    return Nearest(
        trials=trial[first],
        nearest=np.minimum.reduceat(term, first),
        recruiting=np.minimum.reduceat(open_term, first),
    )
