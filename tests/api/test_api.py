"""The JSON API: search results and filters, trial records, errors and the OpenAPI document."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.web.data import SEED_ID

pytestmark = pytest.mark.django_db


def _ids(body: dict) -> list[str]:
    return [hit["nct_id"] for hit in body["results"]]


def test_search_returns_results_and_facets(client, catalogue):
    response = client.get("/api/trials")
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 4
    assert (body["page"], body["per_page"], body["pages"]) == (1, 20, 1)
    hit = next(h for h in body["results"] if h["nct_id"] == "NCT09000001")
    assert hit == {
        "nct_id": "NCT09000001",
        "title": "Aspirin for migraine in adults",
        "status": "RECRUITING",
        "conditions": ["Migraine", "Headache"],
        "score": hit["score"],
        "nearest_site": None,
        "url": "/trials/NCT09000001/",
    }
    assert set(body["facets"]) == {
        "status",
        "phase",
        "study_type",
        "intervention_type",
        "sex",
        "age_group",
        "healthy_volunteers",
        "country",
    }
    recruiting = next(f for f in body["facets"]["status"] if f["value"] == "RECRUITING")
    assert recruiting == {
        "value": "RECRUITING",
        "label": "Recruiting",
        "count": 1,
        "selected": False,
    }


def test_word_search_ranks_the_seed_trial_first(client, catalogue):
    body = client.get("/api/trials", {"q": "blinatumomab"}).json()
    assert _ids(body)[0] == SEED_ID
    assert body["results"][0]["score"] > 0


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "RECRUITING"}, ["NCT09000001"]),
        ({"status": ["RECRUITING", "NOT_YET_RECRUITING"]}, ["NCT09000001", "NCT09000002"]),
        ({"phase": "NA"}, ["NCT09000002"]),
        ({"study_type": "OBSERVATIONAL"}, ["NCT09000003"]),
        ({"intervention_type": "DRUG", "sex": "ALL"}, [SEED_ID, "NCT09000001"]),
        ({"age_group": "CHILD"}, ["NCT09000003"]),
        ({"sex": "MALE"}, ["NCT09000003"]),
        ({"healthy_volunteers": "no"}, ["NCT09000001"]),
        ({"country": ["Spain", "United States"]}, ["NCT09000001", "NCT09000002"]),
    ],
)
def test_filters(client, catalogue, params, expected):
    body = client.get("/api/trials", params).json()
    assert sorted(_ids(body)) == expected
    assert body["total"] == len(expected)


def test_chosen_filter_is_marked_selected(client, catalogue):
    body = client.get("/api/trials", {"status": "RECRUITING"}).json()
    assert [f["value"] for f in body["facets"]["status"] if f["selected"]] == ["RECRUITING"]


def test_near_gives_the_nearest_site_and_distance(client, catalogue):
    body = client.get("/api/trials", {"near": "45.764,4.8357", "radius_km": 100}).json()
    assert _ids(body) == ["NCT09000001"]
    site = body["results"][0]["nearest_site"]
    assert site["city"] == "Lyon" and site["facility"] == "Hôpital Édouard Herriot"
    assert site["distance_km"] == pytest.approx(0.0, abs=0.1)


def test_paging(client, catalogue):
    body = client.get("/api/trials", {"per_page": 3, "page": 2}).json()
    assert (body["total"], body["pages"], len(body["results"])) == (4, 2, 1)


@pytest.mark.parametrize(
    ("params", "parameter", "message"),
    [
        ({"radius_km": "abc", "near": "Paris"}, "radius_km", "valid number"),
        ({"page": "0"}, "page", "greater than or equal to 1"),
        ({"per_page": "500"}, "per_page", "less than or equal to 100"),
        ({"status": "BOGUS"}, "status", "Unknown status “BOGUS”"),
        ({"age_group": "TEEN"}, "age_group", "Unknown age group “TEEN”"),
        ({"country": "Narnia"}, "country", "“Narnia”"),
        ({"near": "Atlantis"}, "near", "could not find the place “Atlantis”"),
        ({"near": "10,999"}, "near", "longitude must be between -180 and 180"),
        ({"page": "7"}, "page", "page 7 is past the last page of results (1)"),
    ],
)
def test_bad_parameters_get_422_naming_the_parameter(client, catalogue, params, parameter, message):
    response = client.get("/api/trials", params)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"].startswith(f"Invalid parameters. {parameter}: ")
    assert message in body["detail"]
    assert body["errors"][0]["parameter"] == parameter


def test_trial_record_with_sites(client, catalogue):
    response = client.get("/api/trials/NCT09000001")
    assert response.status_code == 200
    body = response.json()
    assert body["nct_id"] == "NCT09000001"
    assert body["status"] == "RECRUITING"
    assert body["url"] == "/trials/NCT09000001/"
    assert body["record"]["lead_sponsor"] == "Hospices Civils de Lyon"
    assert body["record"]["eligibility"]["minimum_age"] == 18.0
    assert [s["city"] for s in body["sites"]] == ["Paris", "Lyon", "Boston"]
    assert body["sites"][0]["contacts"][0]["name"] == "Dr Paul Broca"
    assert body["sites"][0]["latitude"] == pytest.approx(48.8566)


def test_trial_id_is_case_insensitive(client, catalogue):
    body = client.get("/api/trials/nct04521231").json()
    assert body["nct_id"] == SEED_ID
    assert body["record"]["completion_date"] == "2025-05-07"
    assert body["sites"] == []


@pytest.mark.parametrize("nct_id", ["NCT99999999", "nonsense"])
def test_unknown_trial_is_404_json(client, catalogue, nct_id):
    response = client.get(f"/api/trials/{nct_id}")
    assert response.status_code == 404
    assert response.json() == {"detail": f"No trial {nct_id.upper()} in this catalogue."}


def test_openapi_document_lists_the_endpoints(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] == "TrialMatch API"
    assert set(spec["paths"]) >= {"/api/trials", "/api/trials/{nct_id}"}
    listing = spec["paths"]["/api/trials"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert names >= {
        "q",
        "status",
        "phase",
        "study_type",
        "intervention_type",
        "sex",
        "age_group",
        "healthy_volunteers",
        "country",
        "near",
        "radius_km",
        "page",
        "per_page",
    }
    assert set(listing["responses"]) >= {"200", "422"}
    assert set(spec["paths"]["/api/trials/{nct_id}"]["get"]["responses"]) >= {"200", "404"}
    for ref in ("TrialListOut", "TrialDetailOut", "ValidationErrorOut"):
        assert ref in spec["components"]["schemas"]


def test_docs_page_works_offline(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/" in html
    assert "cdn.jsdelivr" not in html and "unpkg" not in html


def _refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_openapi_document_is_self_consistent(client, db):
    spec = client.get("/api/openapi.json").json()
    schemas = spec["components"]["schemas"]
    refs = set(_refs(spec))
    assert refs, "the document should describe its answers"
    for ref in refs:
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in schemas, ref
    operation_ids = [op["operationId"] for path in spec["paths"].values() for op in path.values()]
    assert len(operation_ids) == len(set(operation_ids))


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "study"},
        {"status": ["RECRUITING", "COMPLETED"]},
        {"near": "Paris", "radius_km": 20000},
    ],
)
def test_search_queries_do_not_grow_with_the_results(
    client, catalogue, params, django_assert_num_queries
):
    """Twenty results cost the same queries as one (no query per hit)."""
    with CaptureQueriesContext(connection) as one:
        assert len(_ids(client.get("/api/trials", {**params, "per_page": 1}).json())) == 1
    with django_assert_num_queries(len(one)):
        body = client.get("/api/trials", {**params, "per_page": 20}).json()
    assert len(_ids(body)) > 1
