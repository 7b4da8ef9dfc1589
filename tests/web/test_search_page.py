"""The search page: form, facets, result cards, pagination, htmx partials and bad input."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.web.data import SEED_ID

pytestmark = pytest.mark.django_db


def _get(client, params=None, **headers):
    response = client.get("/", params or {}, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _result_ids(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/trials/(NCT\d{8})/', html)


def test_empty_search_lists_every_trial_with_labelled_inputs(client, catalogue):
    html = _get(client)
    assert '<label for="id_q">Search trials</label>' in html
    assert '<label for="id_near">Near</label>' in html
    assert '<label for="id_radius_km">Within (km)</label>' in html
    assert "4 trials found" in _text(html)
    assert sorted(_result_ids(html)) == [SEED_ID, "NCT09000001", "NCT09000002", "NCT09000003"]


def test_form_works_without_javascript_and_with_htmx(client, catalogue):
    html = _get(client)
    form = re.search(r"<form id=\"search-form\"[^>]*>", html).group(0)
    assert 'method="get"' in form and 'action="/"' in form
    assert 'hx-get="/"' in form and 'hx-target="#results"' in form
    assert 'hx-push-url="true"' in form
    assert '<script src="/static/vendor/htmx.min.js" defer></script>' in html
    assert "cdn" not in html.lower() and "unpkg" not in html


def test_htmx_request_gets_only_the_results_region(client, catalogue):
    full = client.get("/", {"q": "aspirin"})
    partial = client.get("/", {"q": "aspirin"}, headers={"HX-Request": "true"})
    assert "<html" in full.content.decode()
    body = partial.content.decode()
    assert "<html" not in body and 'id="search-form"' not in body
    assert _result_ids(body) == ["NCT09000001"]
    assert "1 trial found" in _text(body)
    assert "HX-Request" in partial["Vary"]


def test_history_restore_gets_the_full_page(client, catalogue):
    html = _get(client, {"q": "aspirin"}, HX_Request="true", HX_History_Restore_Request="true")
    assert "<html" in html


def test_word_search_puts_the_seed_trial_first(client, catalogue):
    html = _get(client, {"q": "blinatumomab"})
    assert _result_ids(html)[0] == SEED_ID
    assert 'value="blinatumomab"' in html


def test_result_card_shows_title_link_status_and_conditions(client, catalogue):
    html = _get(client, {"q": "migraine"})
    card = html[html.index('<li class="card">') :]
    card = card[: card.index("</li>")]
    assert '<a href="/trials/NCT09000001/">Aspirin for migraine in adults</a>' in card
    assert '<span class="badge badge-open">Recruiting</span>' in card
    assert "Conditions: Migraine, Headache" in _text(card)


def test_facets_show_human_labels_with_counts(client, catalogue):
    text = _text(_get(client))
    for label in (
        "Status Completed (1)",
        "Recruiting (1)",
        "Phase 2 (1)",
        "Study type",
        "Interventional (2)",
        "Drug (2)",
        "Female (1)",
        "Accepts healthy volunteers (1)",
        "France (1)",
        "Not yet recruiting (1)",
    ):
        assert label in text, label


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "RECRUITING"}, ["NCT09000001"]),
        ({"status": ["RECRUITING", "COMPLETED"]}, ["NCT09000001", "NCT09000003"]),
        ({"phase": "PHASE3"}, ["NCT09000003"]),
        ({"study_type": "OBSERVATIONAL"}, ["NCT09000003"]),
        ({"intervention_type": "BEHAVIORAL"}, ["NCT09000002"]),
        ({"sex": "FEMALE"}, ["NCT09000002"]),
        ({"healthy_volunteers": "yes"}, ["NCT09000002"]),
        ({"country": "spain"}, ["NCT09000002"]),
        ({"q": "aspirin", "status": "COMPLETED"}, []),
    ],
)
def test_facet_filters_narrow_the_results(client, catalogue, params, expected):
    html = _get(client, params)
    assert sorted(_result_ids(html)) == expected
    if not expected:
        assert "No trials match" in html


def test_chosen_facet_stays_checked(client, catalogue):
    html = _get(client, {"status": "RECRUITING"})
    box = re.search(r'<input type="checkbox" id="f-status-recruiting"[^>]*>', html).group(0)
    assert "checked" in box
    assert '<label for="f-status-recruiting">' in html


def test_place_sorts_by_distance_and_shows_the_nearest_site(client, catalogue):
    html = _get(client, {"near": "48.85,2.35", "radius_km": "500"})
    assert _result_ids(html) == ["NCT09000001"]
    text = _text(html)
    assert "1 trial found near 48.85,2.35" in text
    assert "Nearest site: Hôpital Lariboisière, Paris, France (0.8 km)" in text
    assert 'href="/trials/NCT09000001/?near=48.85%2C2.35"' in html


def test_pagination_keeps_the_search(client, catalogue):
    html = _get(client, {"q": "", "per_page": "3"})
    assert len(_result_ids(html)) == 3
    assert "Page 1 of 2" in _text(html)
    next_link = re.search(r'<a rel="next" href="([^"]+)"', html).group(1)
    assert "page=2" in next_link and "per_page=3" in next_link
    second = _get(client, {"per_page": "3", "page": "2"})
    assert len(_result_ids(second)) == 1
    assert 'rel="prev"' in second and 'rel="next"' not in second


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"status": "BOGUS"}, "Unknown status “BOGUS”. Choose from: RECRUITING (Recruiting)"),
        ({"phase": "PHASE9"}, "Unknown phase “PHASE9”"),
        ({"country": "Narnia"}, "No trial in this catalogue has a site in “Narnia”."),
        ({"near": "Paris", "radius_km": "far"}, "Radius must be a number of kilometres"),
        ({"near": "Paris", "radius_km": "-5"}, "Radius must be at least 1 km."),
        ({"radius_km": "50"}, "Enter a place to search within a distance of it."),
        ({"near": "Atlantis"}, "We could not find the place “Atlantis”."),
        ({"near": "95,200"}, "latitude must be between -90 and 90"),
        ({"page": "0"}, "Page must be a whole number, 1 or more."),
        ({"page": "two"}, "Page must be a whole number, 1 or more."),
        ({"page": "99"}, "Page 99 is past the last page of results (1)."),
        ({"per_page": "1000"}, "Results per page must be at most 100."),
        ({"q": "x" * 301}, "Search text is at most 300 characters."),
    ],
)
def test_bad_input_gets_a_clear_message(client, catalogue, params, message):
    for headers in ({}, {"HX-Request": "true"}):
        html = _get(client, params, **headers)
        assert 'role="alert"' in html
        assert message in html.replace("&quot;", '"')
        assert "None:" not in _text(html)


def test_no_trials_at_all(client, db):
    text = _text(_get(client, {"q": "anything"}))
    assert "0 trials found" in text
    assert "No trials match" in text


def test_page_has_landmarks_and_skip_link(client, catalogue):
    html = _get(client)
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in html
    for landmark in (
        '<header class="site-header">',
        '<nav aria-label="Main">',
        '<main id="main"',
        'role="search"',
        '<aside class="filters"',
        "<footer",
    ):
        assert landmark in html, landmark
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert '<html lang="en">' in html


def test_chosen_facet_with_no_hits_stays_listed(client, catalogue):
    html = _get(client, {"q": "aspirin", "status": "COMPLETED"})
    box = re.search(r'<input type="checkbox" id="f-status-completed"[^>]*>', html).group(0)
    assert "checked" in box


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "study"},
        {"status": ["RECRUITING", "COMPLETED"]},
        {"near": "Paris", "radius_km": 20000},
    ],
)
def test_search_page_queries_do_not_grow_with_the_results(
    client, catalogue, params, django_assert_num_queries
):
    """A page of twenty trials costs the same queries as a page of one (no query per hit)."""
    with CaptureQueriesContext(connection) as one:
        assert len(_result_ids(_get(client, {**params, "per_page": 1}))) == 1
    with django_assert_num_queries(len(one)):
        html = _get(client, {**params, "per_page": 20})
    assert len(_result_ids(html)) > 1
