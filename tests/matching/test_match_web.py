"""The "Find trials for me" page: renders, validates without a 500, shows ranked results."""

import pytest

from prescreen.answers import SESSION_TOKEN
from prescreen.models import ProfileFacts
from tests.matching.test_match_service import SEED_ID, import_seed

pytestmark = pytest.mark.django_db

GOOD = {
    "condition": "B-cell acute lymphoblastic leukemia",
    "age": "34",
    "sex": "male",
    "location": "",
    "activity": "1",
    "pregnant": "",
    "breastfeeding": "no",
    "details": "Second relapse. 40% blasts in the bone marrow.",
}


def test_form_renders_with_every_question(client):
    response = client.get("/match/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("condition", "age", "sex", "location", "activity", "pregnant", "details"):
        assert f'name="{name}"' in html
    assert "How active are you?" in html


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"condition": ""}, "condition", "Tell us the condition"),
        ({"condition": "!!!"}, "condition", "Enter the condition in words"),
        ({"age": ""}, "age", "Tell us your age"),
        ({"age": "abc"}, "age", "whole number of years"),
        ({"age": "300"}, "age", "120 or less"),
        ({"sex": "robot"}, "sex", "Select a valid choice"),
        ({"activity": "9"}, "activity", "Select a valid choice"),
        ({"location": "91,0"}, "location", "not on the map"),
        ({"location": "Atlantis"}, "location", "We know no trial site there"),
        ({"details": "x" * 3001}, "details", "at most 3000"),
    ],
)
def test_bad_answers_are_explained_not_crashed(client, changes, field, message):
    import_seed()
    response = client.post("/match/", {**GOOD, **changes})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'href="#id_{field}"' in html
    assert message in html
    assert "Trials for you" not in html


def test_results_link_to_the_trial_and_fill_its_prescreener(client):
    import_seed()
    response = client.post("/match/", GOOD)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/trials/{SEED_ID}/"' in html
    assert "Needs review" in html or "Likely eligible" in html
    assert "Inclusion met: “Eastern Cooperative Oncology Group" in html
    owner = f"session:{client.session[SESSION_TOKEN]}"
    facts = ProfileFacts.objects.get(owner_key=owner).facts
    assert facts["ecog"] == {"lo": 1, "lo_incl": True, "hi": 1, "hi_incl": True}
    assert facts["sex"] == {"is": "male"}
    assert facts["breastfeeding"] is False
    page = client.get(f"/trials/{SEED_ID}/").content.decode()
    assert "Filled in from what you told us" in page


def test_empty_catalogue_says_so(client):
    response = client.post("/match/", GOOD)
    assert response.status_code == 200
    assert "The catalogue is empty" in response.content.decode()
