"""Full-text and geographic search over the catalogue, one interface for SQLite and PostgreSQL."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

# Limits on one search, checked by the search form (with messages) and again by ``search``.
MAX_PER_PAGE = 100
MAX_PAGE = 10_000
MAX_FILTER_VALUES = 50


class SearchError(ValueError):
    """A search that cannot be run as asked (unknown filter, page out of range, bad point)."""


@dataclass
class GeoFilter:
    lat: float
    lon: float
    radius_km: float | None = None  # None: sort by distance without a cut-off


@dataclass
class SearchQuery:
    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet name -> accepted values
    near: GeoFilter | None = None
    page: int = 1
    per_page: int = 20


@dataclass
class NearestSite:
    facility: str
    city: str
    state: str
    country: str
    status: str
    distance_km: float


@dataclass
class SearchHit:
    nct_id: str
    title: str
    status: str
    conditions: list[str]
    score: float
    nearest_site: NearestSite | None = None

    @property
    def distance_km(self) -> float | None:
        return self.nearest_site.distance_km if self.nearest_site else None


@dataclass
class FacetCount:
    value: str
    count: int
    selected: bool = False


@dataclass
class SearchPage:
    query: SearchQuery
    total: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetCount]]
    # True when the words matched more trials than one search looks at (the newest
    # engine.TEXT_WINDOW matches, engine.PG_TEXT_WINDOW on PostgreSQL): ``total`` and the
    # counts are then a lower bound ("10,000+").
    capped: bool = False

    @property
    def pages(self) -> int:
        """How many pages the results fill (one when there are none)."""
        return max(1, math.ceil(self.total / self.query.per_page))


def search(query: SearchQuery) -> SearchPage:
    """Run a search; the backend follows the database in use. Raises SearchError on bad input."""
    from .engine import search as run

    return run(query)
