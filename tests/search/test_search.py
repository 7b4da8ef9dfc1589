"""Catalogue search as a person sees it: what is found, in which order, with which counts."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.conftest import shared_path
from trials.models import Trial
from trials.search import GeoFilter, SearchError, SearchQuery, engine, search

from .factory import make_trial, record, site

pytestmark = pytest.mark.django_db

PARIS = (48.8566, 2.3522)
LONDON = (51.5074, -0.1278)


def ids(page) -> list[str]:
    return [hit.nct_id for hit in page.hits]


def counts(page, facet: str) -> list[tuple[str, int, bool]]:
    return [(f.value, f.count, f.selected) for f in page.facets[facet]]


def test_title_match_outranks_a_mention_in_the_criteria() -> None:
    make_trial(record("NCT00000001", "Exercise after surgery", criteria="No prior melanoma."))
    make_trial(record("NCT00000002", "Nivolumab for advanced melanoma", conditions=("Melanoma",)))
    make_trial(record("NCT00000003", "Unrelated diabetes study"))
    page = search(SearchQuery("melanoma"))
    assert ids(page) == ["NCT00000002", "NCT00000001"]
    assert page.total == 2
    assert page.hits[0].score > page.hits[1].score > 0


def test_condition_outranks_the_summary() -> None:
    make_trial(record("NCT00000001", "Study A", summary="Patients with asthma may join later."))
    make_trial(record("NCT00000002", "Study B", conditions=("Asthma",)))
    assert ids(search(SearchQuery("asthma"))) == ["NCT00000002", "NCT00000001"]


def test_last_word_matches_as_a_prefix_and_stems_match() -> None:
    make_trial(record("NCT00000001", "Blinatumomab in leukaemia", conditions=("Leukemias",)))
    assert ids(search(SearchQuery("blinat"))) == ["NCT00000001"]
    assert ids(search(SearchQuery("leukemia "))) == ["NCT00000001"]
    assert ids(search(SearchQuery("blinat "))) == []


@pytest.mark.parametrize(
    "typed",
    [
        '"unbalanced quote',
        "asthma AND",
        "OR NOT",
        "NEAR(asthma copd, 2)",
        "asth*ma*",
        "-asthma",
        "((asthma",
        "asthma)",
        "title:asthma",
        "^asthma",
        "asthma 😀",
        "'; DROP TABLE trials_trial; --",
        "a" * 3000,
        "\x00asthma",
        "asthma & | ! <-> :*",
    ],
)
def test_hostile_text_never_errors(typed: str) -> None:
    make_trial(record("NCT00000001", "Asthma in adults", conditions=("Asthma",)))
    page = search(SearchQuery(typed))
    assert page.total == len(page.hits) <= 1
    assert Trial.objects.count() == 1


def test_demo_catalogue_puts_the_seed_trial_first_for_blinatumomab(seed_path) -> None:
    legacy = shared_path("ctgov", "legacy-xml")
    call_command("import", str(seed_path), str(legacy), verbosity=0)
    page = search(SearchQuery("blinatumomab"))
    assert page.total >= 2
    assert page.hits[0].nct_id == "NCT04521231"


def test_without_text_recruiting_come_first_then_most_recently_updated() -> None:
    make_trial(record("NCT00000001", status="COMPLETED", updated="2025-06-01"))
    make_trial(record("NCT00000002", status="RECRUITING", updated="2020-01-01"))
    make_trial(record("NCT00000003", status="RECRUITING", updated="2024-03-01"))
    make_trial(record("NCT00000004", status="ACTIVE_NOT_RECRUITING", updated="2019-01-01"))
    assert ids(search(SearchQuery())) == [
        "NCT00000003",
        "NCT00000002",
        "NCT00000001",
        "NCT00000004",
    ]


def _facet_catalogue() -> None:
    rows = [
        ("NCT00000001", "RECRUITING", ("PHASE2",), "France"),
        ("NCT00000002", "RECRUITING", ("PHASE3",), "France"),
        ("NCT00000003", "RECRUITING", ("PHASE2", "PHASE3"), "Germany"),
        ("NCT00000004", "COMPLETED", ("PHASE2",), "Germany"),
        ("NCT00000005", "COMPLETED", ("PHASE1",), "France"),
        ("NCT00000006", "WITHDRAWN", ("PHASE2",), "Spain"),
    ]
    for nct_id, status, phases, country in rows:
        make_trial(
            record(
                nct_id,
                "Asthma study",
                status=status,
                phases=phases,
                sites=(site("Somewhere", None, None, country=country),),
            )
        )
    make_trial(record("NCT00000007", "Diabetes study", status="RECRUITING", phases=("PHASE2",)))


def test_facet_counts_follow_the_text_query() -> None:
    _facet_catalogue()
    page = search(SearchQuery("asthma"))
    assert page.total == 6
    assert counts(page, "status") == [
        ("RECRUITING", 3, False),
        ("COMPLETED", 2, False),
        ("WITHDRAWN", 1, False),
    ]
    assert counts(page, "phase") == [
        ("PHASE2", 4, False),
        ("PHASE3", 2, False),
        ("PHASE1", 1, False),
    ]
    assert counts(page, "country") == [
        ("France", 3, False),
        ("Germany", 2, False),
        ("Spain", 1, False),
    ]


def test_values_of_one_facet_or_together_and_facets_and_together() -> None:
    _facet_catalogue()
    either = search(SearchQuery("asthma", filters={"status": ["RECRUITING", "COMPLETED"]}))
    assert sorted(ids(either)) == [f"NCT0000000{i}" for i in range(1, 6)]
    both = search(
        SearchQuery("asthma", filters={"status": ["RECRUITING", "COMPLETED"], "phase": ["PHASE2"]})
    )
    assert sorted(ids(both)) == ["NCT00000001", "NCT00000003", "NCT00000004"]


def test_a_facet_is_counted_without_its_own_filter_but_with_the_others() -> None:
    _facet_catalogue()
    page = search(SearchQuery("asthma", filters={"status": ["RECRUITING"], "phase": ["PHASE2"]}))
    assert sorted(ids(page)) == ["NCT00000001", "NCT00000003"]
    # statuses among asthma trials in phase 2: siblings of RECRUITING stay visible
    assert counts(page, "status") == [
        ("RECRUITING", 2, True),
        ("COMPLETED", 1, False),
        ("WITHDRAWN", 1, False),
    ]
    # phases among recruiting asthma trials
    assert counts(page, "phase") == [("PHASE2", 2, True), ("PHASE3", 2, False)]
    # other facets use every filter
    assert counts(page, "country") == [("France", 1, False), ("Germany", 1, False)]


def test_a_selected_value_with_no_trials_is_still_listed() -> None:
    _facet_catalogue()
    page = search(SearchQuery("diabetes", filters={"country": ["Spain"]}))
    assert page.total == 0
    assert counts(page, "country") == [("Spain", 0, True)]


def test_facets_without_any_query_count_the_whole_catalogue() -> None:
    _facet_catalogue()
    page = search(SearchQuery())
    assert page.total == 7
    assert counts(page, "status")[0] == ("RECRUITING", 4, False)
    assert dict((v, c) for v, c, _ in counts(page, "study_type")) == {"INTERVENTIONAL": 7}


def test_pagination_covers_every_result_once() -> None:
    for i in range(25):
        make_trial(record(f"NCT{i:08d}", f"Asthma trial {i}", updated=f"2020-01-{i + 1:02d}"))
    pages = [search(SearchQuery("asthma", page=n, per_page=10)) for n in (1, 2, 3, 4)]
    assert [p.total for p in pages] == [25, 25, 25, 25]
    assert [len(p.hits) for p in pages] == [10, 10, 5, 0]
    seen = [hit for p in pages for hit in ids(p)]
    assert len(set(seen)) == 25


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (SearchQuery(page=0), "page"),
        (SearchQuery(per_page=101), "per_page"),
        (SearchQuery(per_page=0), "per_page"),
        (SearchQuery(filters={"colour": ["red"]}), "unknown filter"),
        (SearchQuery(near=GeoFilter(91.0, 0.0)), "latitude"),
        (SearchQuery(near=GeoFilter(0.0, 200.0)), "longitude"),
        (SearchQuery(near=GeoFilter(0.0, 0.0, radius_km=0)), "radius"),
    ],
)
def test_bad_queries_are_refused_with_a_reason(query: SearchQuery, message: str) -> None:
    with pytest.raises(SearchError, match=message):
        search(query)


def test_index_follows_updates_and_deletes() -> None:
    trial = make_trial(record("NCT00000001", "Gout in older adults"))
    assert ids(search(SearchQuery("gout"))) == ["NCT00000001"]
    trial.title = "Psoriasis in older adults"
    trial.save()
    assert ids(search(SearchQuery("gout"))) == []
    assert ids(search(SearchQuery("psoriasis"))) == ["NCT00000001"]
    Trial.objects.filter(pk=trial.pk).update(search_conditions="Eczema")
    assert ids(search(SearchQuery("eczema"))) == ["NCT00000001"]
    trial.delete()
    assert search(SearchQuery("psoriasis")).total == 0
    assert search(SearchQuery("eczema")).total == 0


# --- distance ---------------------------------------------------------------------------------


@pytest.fixture(params=["by trial", "by box"])
def geo_path(request, monkeypatch) -> None:
    """Distance searches read sites per candidate trial, or per bounding box: both must agree."""
    if request.param == "by box":
        monkeypatch.setattr(engine, "GEO_CANDIDATE_LIMIT", 0)


def _geo_catalogue() -> None:
    make_trial(
        record(
            "NCT00000001",
            "Near but closed",
            status="COMPLETED",
            sites=(site("Paris", 48.86, 2.35, status="COMPLETED"),),
        )
    )
    make_trial(
        record(
            "NCT00000002",
            "Recruiting further away",
            status="RECRUITING",
            sites=(site("Compiegne", 49.42, 2.83),),  # about 72 km from Paris
        )
    )
    make_trial(
        record(
            "NCT00000003",
            "London only",
            status="RECRUITING",
            sites=(site("London", *LONDON, country="United Kingdom"),),
        )
    )
    make_trial(record("NCT00000004", "No located site", status="RECRUITING"))
    make_trial(
        record(
            "NCT00000005",
            "Two sites",
            status="RECRUITING",
            sites=(
                site("Paris", 48.85, 2.36, status="NOT_YET_RECRUITING"),
                site("Orleans", 47.90, 1.90),  # about 110 km
            ),
        )
    )


def test_radius_keeps_trials_with_a_site_inside_and_recruiting_ones_first(geo_path) -> None:
    _geo_catalogue()
    page = search(SearchQuery(near=GeoFilter(*PARIS, radius_km=150)))
    assert ids(page) == ["NCT00000002", "NCT00000005", "NCT00000001"]
    assert page.total == 3
    distances = [hit.distance_km for hit in page.hits]
    assert distances[0] == pytest.approx(72, abs=2)
    # the nearest recruiting site is shown, not the nearer one that is not recruiting yet
    assert page.hits[1].nearest_site.city == "Orleans"
    assert distances[1] == pytest.approx(111, abs=3)
    assert distances[2] < 1


def test_radius_cut_off_is_exact(geo_path) -> None:
    _geo_catalogue()
    # neither has a recruiting site within 60 km: nearest first
    assert ids(search(SearchQuery(near=GeoFilter(*PARIS, radius_km=60)))) == [
        "NCT00000001",
        "NCT00000005",
    ]
    within_london = search(SearchQuery(near=GeoFilter(*PARIS, radius_km=345)))
    assert "NCT00000003" in ids(within_london)
    assert "NCT00000003" not in ids(search(SearchQuery(near=GeoFilter(*PARIS, radius_km=340))))


def test_without_radius_everything_is_sorted_by_distance(geo_path) -> None:
    _geo_catalogue()
    page = search(SearchQuery(near=GeoFilter(*PARIS)))
    assert ids(page) == ["NCT00000001", "NCT00000005", "NCT00000002", "NCT00000003", "NCT00000004"]
    assert page.total == 5
    assert page.hits[3].distance_km == pytest.approx(343.5, abs=1)
    assert page.hits[4].distance_km is None


def test_sorting_by_distance_pages_consistently(geo_path) -> None:
    for i in range(30):
        make_trial(record(f"NCT{i:08d}", "Asthma", sites=(site("X", 48.0 + i * 0.5, 2.0),)))
    make_trial(record("NCT00000099", "Asthma, no site"))
    query = dict(text="asthma", near=GeoFilter(48.0, 2.0), per_page=7)
    pages = [search(SearchQuery(**query, page=n)) for n in range(1, 6)]
    assert all(p.total == 31 for p in pages)
    seen = [hit for p in pages for hit in ids(p)]
    assert seen == [f"NCT{i:08d}" for i in range(30)] + ["NCT00000099"]


def test_distance_combines_with_text_and_facets(geo_path) -> None:
    _geo_catalogue()
    page = search(
        SearchQuery("recruiting", filters={"status": ["RECRUITING"]}, near=GeoFilter(*PARIS, 500))
    )
    assert ids(page) == ["NCT00000002"]
    assert page.hits[0].score > 0
    assert counts(page, "status") == [("RECRUITING", 1, True)]
