"""Distances, and the point behind what a person types as a place."""

import math

import pytest

from trials import geo

from .factory import make_trial, record, site


@pytest.mark.parametrize(
    ("a", "b", "km"),
    [
        ((48.8566, 2.3522), (51.5074, -0.1278), 343.5),  # Paris - London
        ((40.7128, -74.0060), (34.0522, -118.2437), 3936),  # New York - Los Angeles
        ((-33.8688, 151.2093), (-36.8485, 174.7633), 2156),  # Sydney - Auckland, across 180
        ((0.0, 0.0), (0.0, 0.0), 0.0),
        ((0.0, 0.0), (0.0, 180.0), 20015),  # half way round
    ],
)
def test_haversine_matches_known_distances(a, b, km) -> None:
    assert geo.haversine_km(*a, *b) == pytest.approx(km, rel=0.005, abs=0.1)


@pytest.mark.parametrize(
    ("lat", "lon", "radius"),
    [(48.85, 2.35, 100), (64.1, -21.9, 500), (-33.9, 151.2, 50), (0.0, 179.9, 200), (89.0, 0, 300)],
)
def test_bounding_box_holds_every_point_within_the_radius(lat, lon, radius) -> None:
    lat_min, lat_max, lon_ranges = geo.bounding_box(lat, lon, radius)
    for bearing in range(0, 360, 10):
        # walk ``radius`` km along ``bearing`` (slightly less, for rounding)
        d = (radius * 0.999) / geo.EARTH_RADIUS_KM
        b = math.radians(bearing)
        p1 = math.radians(lat)
        p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
        l2 = math.radians(lon) + math.atan2(
            math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2)
        )
        plat = math.degrees(p2)
        plon = (math.degrees(l2) + 540) % 360 - 180
        assert lat_min <= plat <= lat_max
        assert any(lo <= plon <= hi for lo, hi in lon_ranges)


@pytest.mark.parametrize(
    ("typed", "point"),
    [("48.85,2.35", (48.85, 2.35)), (" -33.9 , 151.2 ", (-33.9, 151.2)), ("10 20", (10.0, 20.0))],
)
def test_points_are_read_from_text(typed, point) -> None:
    assert geo.parse_point(typed) == point


@pytest.mark.parametrize("typed", ["91,0", "0,181", "-90.5,10"])
def test_points_out_of_range_are_refused(typed) -> None:
    with pytest.raises(geo.PlaceError):
        geo.resolve_place(typed)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "point"),
    [
        ("Lyon", (45.76, 4.84)),
        ("lyon", (45.76, 4.84)),
        ("LYON", (45.76, 4.84)),
        ("69003", (45.75, 4.85)),
        ("sw1a 1aa", (51.50, -0.14)),
        ("Paris", (48.855, 2.35)),  # two sites in France outvote Paris, Texas
        ("Paris, United States", (33.66, -95.55)),
        ("saint-étienne", (45.43, 4.39)),
    ],
)
def test_places_resolve_to_the_sites_found_there(typed, point) -> None:
    make_trial(
        record(
            "NCT00000001",
            sites=(
                site("Lyon", 45.77, 4.83, zip="69001"),
                site("Lyon", 45.75, 4.85, zip="69003"),
                site("Paris", 48.86, 2.35, zip="75001"),
                site("Paris", 48.85, 2.35, zip="75005"),
                site("Paris", 33.66, -95.55, country="United States", zip="75460"),
                site("London", 51.50, -0.14, country="United Kingdom", zip="SW1A 1AA"),
                site("Saint-Étienne", 45.43, 4.39),
                site("Nowhere", None, None),
            ),
        )
    )
    assert geo.resolve_place(typed) == pytest.approx(point, abs=0.01)


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["", "Atlantis", "Nowhere", "Lyon, Japan"])
def test_unknown_places_resolve_to_nothing(typed) -> None:
    make_trial(
        record("NCT00000001", sites=(site("Lyon", 45.77, 4.83), site("Nowhere", None, None)))
    )
    assert geo.resolve_place(typed) is None
