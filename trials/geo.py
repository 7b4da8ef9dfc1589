"""Distances on the globe, and the point for what a person types ("Lyon", "69003", "45.7,4.8")."""

from __future__ import annotations

import math
import re
from collections import defaultdict

from django.db.models import Q

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG), the usual choice for haversine
HALF_CIRCUMFERENCE_KM = math.pi * EARTH_RADIUS_KM

_LAT_LON = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*[,;\s]\s*([-+]?\d+(?:\.\d+)?)\s*$")


class PlaceError(ValueError):
    """A place or point a person gave that cannot be used."""


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km; accurate to about 0.5 % (the Earth is not a sphere)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def term_for_km(km: float) -> float:
    """The haversine term ``a`` at a distance of ``km``."""
    return math.sin(min(km, HALF_CIRCUMFERENCE_KM) / (2 * EARTH_RADIUS_KM)) ** 2


def km_from_term(a: float) -> float:
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, max(0.0, a))))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, list[tuple]]:
    """Latitude range and longitude ranges (one, or two across the antimeridian) around a point.

    Every point within ``radius_km`` lies inside the box, so an index on (latitude, longitude)
    can cut the candidate sites before the exact distance is computed.
    """
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    lat_min, lat_max = lat - dlat, lat + dlat
    if lat_min <= -90 or lat_max >= 90 or radius_km >= HALF_CIRCUMFERENCE_KM / 2:
        return max(lat_min, -90.0), min(lat_max, 90.0), [(-180.0, 180.0)]
    # widest longitude span of the circle is at the latitude nearest a pole
    dlon = math.degrees(
        math.asin(min(1.0, math.sin(radius_km / EARTH_RADIUS_KM) / math.cos(math.radians(lat))))
    )
    lon_min, lon_max = lon - dlon, lon + dlon
    if lon_min < -180:
        ranges = [(lon_min + 360, 180.0), (-180.0, lon_max)]
    elif lon_max > 180:
        ranges = [(lon_min, 180.0), (-180.0, lon_max - 360)]
    else:
        ranges = [(lon_min, lon_max)]
    return lat_min, lat_max, ranges


def parse_point(text: str) -> tuple[float, float] | None:
    """``"48.85,2.35"`` as (lat, lon); None when the text is not a pair of numbers."""
    match = _LAT_LON.match(text)
    if not match:
        return None
    lat, lon = float(match.group(1)), float(match.group(2))
    check_point(lat, lon)
    return lat, lon


def check_point(lat: float, lon: float) -> None:
    if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
        raise PlaceError(f"latitude must be between -90 and 90, got {lat}")
    if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
        raise PlaceError(f"longitude must be between -180 and 180, got {lon}")


def resolve_place(text: str) -> tuple[float, float] | None:
    """A point for "lat,lon", or for a city or postcode found among the catalogue's sites.

    A city is matched case-insensitively ("paris", "PARIS"); "City, Country" narrows to a
    country. Several towns share a name (Paris, France and Paris, Texas), so the country
    holding most of the matching sites wins, and its sites' points are averaged.
    Returns None when nothing matches; raises PlaceError for an out-of-range point.
    """
    text = " ".join((text or "").split())
    if not text:
        return None
    point = parse_point(text)
    if point is not None:
        return point
    name, _, rest = text.partition(",")
    name, rest = name.strip(), rest.strip()
    points = _site_points(name, rest)
    if not points:
        return None
    by_country: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for country, lat, lon in points:
        by_country[country.casefold()].append((lat, lon))
    best = max(by_country.values(), key=len)
    return (sum(p[0] for p in best) / len(best), sum(p[1] for p in best) / len(best))


def _site_points(name: str, qualifier: str) -> list[tuple[str, float, float]]:
    from trials.models import Site

    geocoded = Site.objects.filter(latitude__isnull=False, longitude__isnull=False)
    if qualifier:
        geocoded = geocoded.filter(Q(country__iexact=qualifier) | Q(state__iexact=qualifier))
    # Exact spellings first: they use the city and zip indexes; the case-blind scan is the fallback.
    variants = list(dict.fromkeys([name, name.title(), name.upper(), name.lower()]))
    columns = ("country", "latitude", "longitude")
    rows = list(geocoded.filter(Q(city__in=variants) | Q(zip__in=variants)).values_list(*columns))
    if not rows:
        rows = list(
            geocoded.filter(Q(city__iexact=name) | Q(zip__iexact=name)).values_list(*columns)
        )
    return rows
