"""Sets of trial ids as Python integers (bit n set: trial id n), and the catalogue's facet sets.

Counting facet values over a broad query is the costly part of search in SQL (hundreds of
thousands of TrialFacet rows to group). Held as bitsets, every (facet, value) is one integer;
a count is ``(base & value).bit_count()``, microseconds for 400k trials, and facet filters
are ORs and ANDs of them. The snapshot is built from the TrialFacet table once per catalogue
change (a few seconds at 400k trials) and shared by the threads of a process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from django.db import connection

# Bit positions set in each byte value, to list a bitset's members quickly.
_BITS = tuple(tuple(b for b in range(8) if value >> b & 1) for value in range(256))
SNAPSHOT_TTL_S = 300.0


def from_ids(ids: Iterable[int]) -> int:
    ids = list(ids)
    if not ids:
        return 0
    buffer = bytearray((max(ids) >> 3) + 1)
    for i in ids:
        buffer[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(buffer, "little")


def to_ids(bits: int, *, descending: bool = False) -> list[int]:
    """Members in ascending (or descending) order."""
    data = bits.to_bytes((bits.bit_length() + 7) >> 3, "little")
    out: list[int] = []
    if descending:
        for index in range(len(data) - 1, -1, -1):
            byte = data[index]
            if byte:
                base = index << 3
                out.extend(base + b for b in reversed(_BITS[byte]))
        return out
    for index, byte in enumerate(data):
        if byte:
            base = index << 3
            out.extend(base + b for b in _BITS[byte])
    return out


class Membership:
    """Constant-time ``id in bitset`` (a shift of a big integer is not constant time)."""

    def __init__(self, bits: int) -> None:
        self._data = bits.to_bytes((bits.bit_length() + 7) >> 3, "little")

    def __contains__(self, i: int) -> bool:
        index = i >> 3
        return index < len(self._data) and bool(self._data[index] >> (i & 7) & 1)


def to_words(bits: int, size: int) -> np.ndarray:
    """The bitset as ``size`` 64-bit words, lowest ids first (``bits`` must fit)."""
    return np.frombuffer(bits.to_bytes(size * 8, "little"), dtype="<u8")


class FacetMatrix:
    """One facet's value bitsets as rows of 64-bit words, to count all values in one go.

    ``bit_count`` of a Python integer walks all of its 30-bit digits, for each value; here a
    count looks only at the words a set touches, which for the newest matches of some words
    is a small part of the catalogue.
    """

    def __init__(self, values: dict[str, int], size: int) -> None:
        self.values = list(values)
        self.size = size
        self.rows = np.stack([to_words(bits, size) for bits in values.values()])

    def counts(self, bits: int) -> dict[str, int]:
        """How many members of ``bits`` each value holds."""
        words = to_words(bits, self.size)
        touched = np.flatnonzero(words)
        if not touched.size:
            return dict.fromkeys(self.values, 0)
        low, high = int(touched[0]), int(touched[-1]) + 1
        counts = np.bitwise_count(self.rows[:, low:high] & words[low:high]).sum(axis=1)
        return dict(zip(self.values, counts.tolist(), strict=True))


@dataclass
class Snapshot:
    """Facet value bitsets, all trials, and trials with a located site."""

    values: dict[str, dict[str, int]]
    trials: int
    located: int
    # Costly results that hold as long as the catalogue does (the trials some words match, and
    # their relevance): paging, or narrowing by a facet or a place, runs the same words again.
    memo: dict = field(default_factory=dict, repr=False, compare=False)
    matrices: dict[str, FacetMatrix] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        widest = max(
            (bits.bit_length() for values in self.values.values() for bits in values.values()),
            default=0,
        )
        size = (max(widest, self.trials.bit_length()) + 63) >> 6
        self.matrices = {
            name: FacetMatrix(values, size) for name, values in self.values.items() if values
        }


_lock = threading.Lock()
_cached: dict[tuple, tuple[float, Snapshot]] = {}


def _fetch(sql: str, params: list | tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def snapshot() -> Snapshot:
    """The current snapshot, rebuilt when the catalogue changed or it is a few minutes old.

    A change shows in the newest trial or facet row (the import service rewrites a changed
    trial's facets) or the newest import run. Inside a transaction, which may roll back and
    reuse ids, a fresh one is built every time.
    """
    if connection.in_atomic_block:
        return _build()
    fingerprint = _fetch(
        "SELECT (SELECT MAX(id) FROM trials_trial), (SELECT MAX(id) FROM trials_trialfacet), "
        "(SELECT MAX(id) FROM trials_importrun), (SELECT MAX(finished_at) FROM trials_importrun)"
    )[0]
    key = (connection.alias, str(connection.settings_dict.get("NAME")), *map(str, fingerprint))
    now = time.monotonic()
    with _lock:
        hit = _cached.get(key)
        if hit is not None and now - hit[0] < SNAPSHOT_TTL_S:
            return hit[1]
        built = _build()
        _cached.clear()
        _cached[key] = (now, built)
        return built


def clear_memos() -> None:
    """Forget the results kept with the current snapshot (to time searches run cold)."""
    with _lock:
        for _, snap in _cached.values():
            snap.memo.clear()


def _build() -> Snapshot:
    values: dict[str, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, value FROM trials_trialfacet GROUP BY name, value")
        pairs = cursor.fetchall()
        for name, value in pairs:
            cursor.execute(
                "SELECT trial_id FROM trials_trialfacet WHERE name = %s AND value = %s",
                [name, value],
            )
            values.setdefault(name, {})[value] = from_ids(r[0] for r in cursor.fetchall())
        cursor.execute("SELECT id FROM trials_trial")
        trials = from_ids(r[0] for r in cursor.fetchall())
        cursor.execute(
            "SELECT t.id FROM trials_trial t WHERE EXISTS (SELECT 1 FROM trials_site s "
            "WHERE s.trial_id = t.id AND s.latitude IS NOT NULL AND s.longitude IS NOT NULL)"
        )
        located = from_ids(r[0] for r in cursor.fetchall())
    return Snapshot(values=values, trials=trials, located=located)
