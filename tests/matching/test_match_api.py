"""``POST /api/match``: profiles and FHIR Bundles in, ranked trials out, 422 naming the field."""

import json

import pytest

from tests.matching.test_match_service import SEED_ID, SEED_PATIENT, import_seed

pytestmark = pytest.mark.django_db

BUNDLE = {
    "resourceType": "Bundle",
    "type": "collection",
    "entry": [
        {"resource": {"resourceType": "Patient", "gender": "male", "birthDate": "1992-01-01"}},
        {
            "resource": {
                "resourceType": "Condition",
                "code": {"text": "B-cell acute lymphoblastic leukemia"},
                "clinicalStatus": {"coding": [{"code": "active"}]},
            }
        },
    ],
}


def _post(client, body, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    payload = body if isinstance(body, str) else json.dumps(body)
    return client.post(f"/api/match?{query}", payload, content_type="application/json")


@pytest.mark.parametrize(
    "body, params",
    [
        (SEED_PATIENT, {"top": 3}),
        ({"patient": SEED_PATIENT, "top": 3}, {}),
        (BUNDLE, {"top": 3}),
        ({"patient": BUNDLE, "top": 3, "near": None}, {}),
    ],
)
def test_profile_or_bundle_gets_ranked_trials(client, body, params):
    import_seed()
    response = _post(client, body, **params)
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert 1 <= len(results) <= 3
    first = results[0]
    assert first["nct_id"] == SEED_ID
    assert first["verdict"] in ("needs_review", "likely_eligible")
    assert first["url"] == f"/trials/{SEED_ID}/"
    assert first["reasons"] and all(isinstance(r, str) for r in first["reasons"])


@pytest.mark.parametrize(
    "body, params, parameter",
    [
        ({**SEED_PATIENT, "age": "old"}, {}, "age"),
        ({**SEED_PATIENT, "labs": [{"name": "blasts", "value": "many"}]}, {}, "labs[0].value"),
        ({"patient": {**SEED_PATIENT, "sex": "x"}}, {}, "patient.sex"),
        ({**BUNDLE, "entry": "nothing"}, {}, "entry"),
        ({"resourceType": "Patient"}, {}, "resourceType"),
        ("not json", {}, "body"),
        ([1, 2], {}, "body"),
        (SEED_PATIENT, {"top": 0}, "top"),
        ({"patient": SEED_PATIENT, "top": "lots"}, {}, "top"),
        (SEED_PATIENT, {"near": "Atlantis"}, "near"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(client, body, params, parameter):
    import_seed()
    response = _post(client, body, **params)
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert errors[0]["parameter"].endswith(parameter), errors
    assert errors[0]["message"]


def test_empty_catalogue_gives_an_empty_list_with_a_message(client):
    response = _post(client, SEED_PATIENT)
    assert response.status_code == 200
    assert response.json()["results"] == []
    assert "empty" in response.json()["message"]
