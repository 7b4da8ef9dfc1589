"""The shortcuts that keep searches fast find exactly what the plain way would."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from trials import geo
from trials.search import GeoFilter, SearchQuery, bitsets, engine, search, sites

from .factory import make_trial, record, site

pytestmark = pytest.mark.django_db


def ids(page) -> list[str]:
    return [hit.nct_id for hit in page.hits]


# (name, lat, lon): places by the antimeridian, near a pole, and on cell edges
PLACES = [
    ("Suva", -18.14, 178.44),
    ("Taveuni", -16.80, -179.97),
    ("Anadyr", 64.73, 177.51),
    ("Nome", 64.50, -165.41),
    ("Longyearbyen", 78.22, 15.65),
    ("Pole camp", 89.60, -140.0),
    ("Pole station", 89.90, 40.0),
    ("Quito", -0.18, -78.47),
    ("Edge", 45.0, 5.0),
    ("Edge east", 45.0, 5.4999),
    ("Lyon", 45.76, 4.84),
]


@pytest.fixture
def world() -> None:
    for i, (name, lat, lon) in enumerate(PLACES):
        make_trial(
            record(
                f"NCT{i:08d}",
                f"Study in {name}",
                status="RECRUITING",
                sites=(site(name, lat, lon),),
            )
        )


@pytest.mark.parametrize("by_box", [False, True], ids=["by trial", "by box"])
@pytest.mark.parametrize(
    ("lat", "lon", "radius"),
    [
        (-17.5, 179.9, 300),  # across the antimeridian
        (64.6, -175.0, 600),  # Bering strait
        (89.8, 0.0, 200),  # by the pole: every longitude
        (-0.2, -78.5, 1),
        (45.0, 5.2, 25),  # straddles cell edges
        (45.5, 4.9, 100),
        (0.0, 0.0, 20_000),  # the whole globe
    ],
)
def test_radius_finds_exactly_the_sites_a_full_haversine_scan_finds(
    world, monkeypatch, by_box: bool, lat: float, lon: float, radius: float
) -> None:
    if by_box:
        monkeypatch.setattr(engine, "GEO_CANDIDATE_LIMIT", 0)
    expected = sorted(
        f"NCT{i:08d}"
        for i, (_, plat, plon) in enumerate(PLACES)
        if geo.haversine_km(lat, lon, plat, plon) <= radius
    )
    page = search(SearchQuery(near=GeoFilter(lat, lon, radius), per_page=100))
    assert sorted(ids(page)) == expected
    assert page.total == len(expected)


def test_nearest_first_shows_the_nearest_site_of_a_trial_with_many() -> None:
    far = tuple(site(f"Far {i}", 10.0 + i, 100.0) for i in range(30))
    make_trial(record("NCT00000001", "Many sites", sites=(*far, site("Near", 45.70, 4.80))))
    make_trial(record("NCT00000002", "One site", sites=(site("Lyon", 45.76, 4.84),)))
    page = search(SearchQuery(near=GeoFilter(45.76, 4.84)))
    assert ids(page) == ["NCT00000002", "NCT00000001"]
    assert page.hits[1].nearest_site.city == "Near"
    assert page.hits[1].distance_km == pytest.approx(7.6, abs=0.3)


@pytest.mark.parametrize(
    "members",
    [[], [0], [5, 6, 7, 8], [63, 64], list(range(1, 500, 3))],
)
def test_bitsets_and_arrays_round_trip(members: list[int]) -> None:
    bits = bitsets.from_ids(members)
    flags = sites.mask(bits, 600)
    assert np.flatnonzero(flags).tolist() == members
    assert sites.bits_of(np.array(members, dtype=np.int64)) == bits


@pytest.mark.parametrize(
    "members",
    [[], [3], [64, 65, 999], list(range(900, 1000)), list(range(0, 1000, 7))],
)
def test_facet_counts_by_words_match_counts_by_members(members: list[int]) -> None:
    values = {
        "odd": bitsets.from_ids(range(1, 1000, 2)),
        "tens": bitsets.from_ids(range(0, 1000, 10)),
        "last": bitsets.from_ids([999]),
        "early": bitsets.from_ids(range(50)),
    }
    matrix = bitsets.FacetMatrix(values, size=16)
    wanted = set(members)
    assert matrix.counts(bitsets.from_ids(members)) == {
        name: sum(1 for i in bitsets.to_ids(bits) if i in wanted) for name, bits in values.items()
    }


def test_a_facet_row_beyond_the_newest_trial_still_counts() -> None:
    """Trials read after their facets may have lost one deleted meanwhile."""
    snap = bitsets.Snapshot(
        values={"status": {"RECRUITING": bitsets.from_ids([1, 200])}},
        trials=bitsets.from_ids([1, 2]),
        located=0,
    )
    assert snap.matrices["status"].counts(snap.trials) == {"RECRUITING": 1}


def test_sparse_words_fill_the_window_newest_first(monkeypatch) -> None:
    for i in range(40):
        make_trial(record(f"NCT{i:08d}", "Gout study" if i % 7 == 0 else "Other study"))
    monkeypatch.setattr(engine, "TEXT_WINDOW", 4)
    page = search(SearchQuery("gout"))
    assert page.capped is True
    assert sorted(ids(page)) == ["NCT00000014", "NCT00000021", "NCT00000028", "NCT00000035"]


@pytest.mark.django_db(transaction=True)
def test_repeated_words_are_not_searched_again_until_the_catalogue_changes() -> None:
    make_trial(record("NCT00000001", "Gout in adults", conditions=("Gout",)))
    first = search(SearchQuery("gout"))
    with CaptureQueriesContext(connection) as queries:
        again = search(SearchQuery("gout", filters={"status": ["COMPLETED"]}))
    assert ids(again) == ids(first) == ["NCT00000001"]
    assert again.hits[0].score == first.hits[0].score > 0
    assert not any("MATCH" in q["sql"] or "@@" in q["sql"] for q in queries.captured_queries)
    make_trial(record("NCT00000002", "Gout in children", conditions=("Gout",)))
    assert sorted(ids(search(SearchQuery("gout")))) == ["NCT00000001", "NCT00000002"]


@pytest.mark.django_db(transaction=True)
def test_distance_search_follows_new_sites() -> None:
    make_trial(record("NCT00000001", sites=(site("Lyon", 45.76, 4.84),)))
    near_lyon = SearchQuery(near=GeoFilter(45.76, 4.84, 50))
    assert ids(search(near_lyon)) == ["NCT00000001"]
    make_trial(record("NCT00000002", sites=(site("Villeurbanne", 45.77, 4.88),)))
    assert sorted(ids(search(near_lyon))) == ["NCT00000001", "NCT00000002"]


def test_postgresql_looks_at_fewer_newest_matches(monkeypatch) -> None:
    for i in range(1, 6):
        make_trial(record(f"NCT{i:08d}", "Asthma study"))
    monkeypatch.setattr(engine, "TEXT_WINDOW", 4)
    monkeypatch.setattr(engine, "PG_TEXT_WINDOW", 2)
    page = search(SearchQuery("asthma"))
    newest = ["NCT00000005", "NCT00000004", "NCT00000003", "NCT00000002"]
    window = 2 if connection.vendor == "postgresql" else 4
    assert page.capped is True
    assert page.total == window
    assert sorted(ids(page), reverse=True) == newest[:window]


@pytest.mark.parametrize(
    ("shares", "expected"),
    [
        ([], 0.0),
        ([0.5], 0.5),
        ([0.8, 0.5], 0.5 * 0.8**0.5),
        ([0.5, 0.8], 0.5 * 0.8**0.5),
        ([0.9, 0.0, 0.9], 0.0),
    ],
)
def test_words_expected_together_from_the_rarest_and_the_others(shares, expected) -> None:
    assert engine._together(shares) == pytest.approx(expected)


def _common_and_rare_words() -> None:
    """60 trials: asthma in the even ones, gout in the odd ones and every tenth, so the two
    words are each common but come together in only six trials."""
    for i in range(1, 61):
        words = ["asthma"] if i % 2 == 0 else []
        if i % 2 == 1 or i % 10 == 0:
            words.append("gout")
        make_trial(record(f"NCT{i:08d}", " and ".join(words).capitalize() + " study"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE trials_trial")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's column statistics")
def test_word_shares_come_from_the_column_statistics() -> None:
    _common_and_rare_words()
    shares = engine._word_shares(engine.parse("asthma gout tuberculosis"))
    assert sorted(round(s, 1) for s in shares) == [0.0, 0.5, 0.6]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index and walk")
@pytest.mark.parametrize("text", ["asthma ", "gout ", "asthma gout "])
def test_walking_the_newest_trials_finds_what_the_index_finds(monkeypatch, text: str) -> None:
    """Both words together walk too few trials (they come together less than expected) and go
    on with the index. A space after the words: no prefix search of the last one."""
    _common_and_rare_words()
    monkeypatch.setattr(engine, "PG_TEXT_WINDOW", 3)
    found = {}
    for cost, walked in ((1e12, False), (0, True)):
        monkeypatch.setattr(engine, "PG_VECTOR_TEST_COST", cost)
        bitsets.clear_memos()
        with CaptureQueriesContext(connection) as queries:
            page = search(SearchQuery(text))
        sql = [q["sql"] for q in queries.captured_queries if "@@" in q["sql"]]
        assert any("ORDER BY id DESC" in s for s in sql) is walked
        found[walked] = (ids(page), page.total, page.capped)
    assert found[True] == found[False]
    assert found[True][1:] == (3, True)
    if text == "asthma gout ":
        assert sorted(found[True][0]) == ["NCT00000040", "NCT00000050", "NCT00000060"]
