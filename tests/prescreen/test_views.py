"""The pre-screener's pages and POST endpoints, as a browser or an htmx/JSON client sees them."""

import json
import re

import pytest
from django.test import Client
from django.utils.html import escape

from ctgov.record import Eligibility, TrialRecord
from ctgov.sources import ReadItem
from prescreen import engine
from prescreen.models import AnswerSet
from tests.prescreen.data import OLDER_ID, SEED_ID, seed_criteria
from trials.models import ImportRun
from trials.services.importing import import_items

pytestmark = pytest.mark.usefixtures("trials")

PAGE = f"/trials/{SEED_ID}/prescreen/"
ANSWER = f"/trials/{SEED_ID}/prescreen/answer/"
CLEAR = f"/trials/{SEED_ID}/prescreen/clear/"
TRIAL_PAGE = f"/trials/{SEED_ID}/"
HTMX = {"HTTP_HX_REQUEST": "true"}
SEED = engine.parse(seed_criteria())
QUESTIONS = engine.questions(SEED)
N = len(QUESTIONS)
# Every inclusion question answered so the person fits, every exclusion so it does not apply.
FITS = {q.id: "yes" if q.kind == "inclusion" else "no" for q in QUESTIONS}


def checked(html: str, item_id: str, value: str) -> bool:
    return f'id="q-{item_id}-{value}" checked' in html


def any_checked(html: str) -> bool:
    return re.search(r'<input type="radio"[^>]* checked', html) is not None


def test_page_asks_a_question_per_criterion(client):
    html = client.get(PAGE).content.decode()
    assert N >= 15
    assert html.count('<fieldset class="question"') == N
    for item in QUESTIONS:
        assert f"<legend>{escape(item.question)}</legend>" in html
        assert f'name="{item.id}" value="yes"' in html
    assert "<legend>Are you 18 years or older?</legend>" in html
    assert 'name="inc-1" value="not_sure"' in html
    # Group: the lead-in, then its alternatives under "Any of the following".
    assert "Any of the following:" in html
    assert html.index('id="item-inc-2"') < html.index('id="item-inc-2.1"')
    # Definitions become help under the criterion they explain, never questions.
    assert 'name="inc-d1"' not in html
    help_start = html.index('id="item-inc-2.1"')
    assert (
        "Primary Refractory disease is defined"
        in html[help_start : html.index('id="item-inc-2.2"')]
    )
    assert "<summary>Help with this question</summary>" in html
    assert "Answer the questions to see if you might be able to take part" in html


def test_plain_post_redirects_back_and_keeps_the_answers(client):
    response = client.post(ANSWER, {"inc-1": "yes", "exc-8": "no", "next": PAGE})
    assert response.status_code == 302
    assert response["Location"] == PAGE + "#prescreener"
    html = client.get(PAGE).content.decode()
    assert checked(html, "inc-1", "yes") and checked(html, "exc-8", "no")
    assert f"2 of {N} questions answered" in html


def test_plain_post_returns_to_the_trial_page_by_default(client):
    response = client.post(ANSWER, {"inc-1": "yes"})
    assert response["Location"] == TRIAL_PAGE + "#prescreener"


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_redirect_never_leaves_the_site(client, next_url):
    response = client.post(ANSWER, {"inc-1": "yes", "next": next_url})
    assert response["Location"] == TRIAL_PAGE + "#prescreener"


def test_htmx_post_returns_the_verdict_fragment(client):
    response = client.post(ANSWER, {"inc-1": "no"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<fieldset" not in html
    assert "You are likely not eligible" in html
    assert "Inclusion criterion 1" in html
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    ("answers", "headline", "named"),
    [
        ({}, "Answer the questions to see if you might be able to take part", None),
        ({"inc-1": "no"}, "You are likely not eligible", "Inclusion criterion 1"),
        ({"exc-8": "yes"}, "You are likely not eligible", "Exclusion criterion 8"),
        (
            {"inc-2.1": "no", "inc-2.2": "no", "inc-2.3": "no", "inc-2.4": "no"},
            "You are likely not eligible",
            "Inclusion criterion 2",
        ),
        (
            {"inc-1": "yes"},
            "Some answers need the study team",
            f"{N - 1} questions still to answer",
        ),
        ({"inc-1": "not_sure"}, "Some answers need the study team", "You were not sure"),
        (FITS, "You are likely eligible", "The study team makes the final decision"),
        ({**FITS, "exc-3": "yes"}, "You are likely not eligible", "Exclusion criterion 3"),
        (
            {**FITS, "inc-5": "not_sure"},
            "Some answers need the study team",
            "Inclusion criterion 5",
        ),
    ],
)
def test_verdict_follows_the_answers(client, answers, headline, named):
    if answers:
        html = client.post(ANSWER, answers, **HTMX).content.decode()
    else:
        html = client.get(PAGE).content.decode()
    assert headline in html
    if named:
        assert named in html


def test_an_unsure_alternative_is_named(client):
    html = client.post(ANSWER, {**FITS, "inc-2.1": "not_sure"}, **HTMX).content.decode()
    assert "Some answers need the study team" not in html, "another alternative fits"
    answers = {**FITS, **{c.id: "no" for c in SEED.children_of("inc-2")}, "inc-2.1": "not_sure"}
    html = client.post(ANSWER, {**answers, "inc-2": ""}, **HTMX).content.decode()
    assert "Some answers need the study team" in html
    assert "Inclusion criterion 2.1" in html and "You were not sure." in html


def _answer_url_of_a_trial_with(nct_id: str, criteria: str) -> str:
    record = TrialRecord(nct_id=nct_id, brief_title="Parts", eligibility=Eligibility(criteria))
    import_items([ReadItem(source="tests", location="1", record=record)], run=ImportRun())
    return f"/trials/{nct_id}/prescreen/answer/"


def test_a_criterion_for_one_part_of_the_study_goes_to_the_study_team(client):
    criteria = "Inclusion Criteria:\n\nPart A:\n* Age 18 years or older\n\nPart B:\n* ECOG 0-1\n"
    url = _answer_url_of_a_trial_with("NCT09100005", criteria)
    html = client.post(url, {"inc-1": "yes", "inc-2": "no"}, **HTMX).content.decode()
    assert "Some answers need the study team" in html
    assert "This applies to Part B only; ask the study team." in html


# NCT05962437 and NCT06199999, abridged: exclusions for one group under a labelled heading, and
# a heading whose label addresses everyone.
def test_an_exclusion_heading_for_one_group_sends_its_lines_to_the_study_team(client):
    criteria = (
        "Inclusion Criteria:\n\n* Age 18 years or older\n\n"
        "Exclusion criteria for biomarkers substudy (50% of patients in each study arm):\n\n"
        "* Needle phobia.\n\n"
        "Exclusion Criteria for all groups:\n\n* Emergency surgery\n"
    )
    url = _answer_url_of_a_trial_with("NCT09100006", criteria)
    html = client.post(url, {"inc-1": "yes", "exc-1": "yes"}, **HTMX).content.decode()
    assert "Some answers need the study team" in html
    assert (
        "This applies to biomarkers substudy (50% of patients in each study arm) only; ask the"
        " study team." in html
    )
    html = client.post(
        url, {"inc-1": "yes", "exc-1": "no", "exc-2": "yes"}, **HTMX
    ).content.decode()
    assert "You are likely not eligible" in html and "This applies to" not in html


def test_changing_an_answer_changes_the_verdict(client):
    assert "likely not eligible" in client.post(ANSWER, {"exc-3": "yes"}, **HTMX).content.decode()
    html = client.post(ANSWER, {"exc-3": "no"}, **HTMX).content.decode()
    assert "likely not eligible" not in html
    assert "Some answers need the study team" in html


def test_an_empty_value_removes_an_answer(client):
    client.post(ANSWER, {"inc-1": "yes", "inc-3": "yes"})
    client.post(ANSWER, {"inc-1": ""})
    html = client.get(PAGE).content.decode()
    assert not checked(html, "inc-1", "yes") and checked(html, "inc-3", "yes")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"inc-99": "yes"}, "“inc-99” is not a question on this trial."),
        ({"inc-d1": "yes"}, "“inc-d1” is not a question on this trial."),
        ({"inc-1": "maybe"}, "“maybe” is not an answer: choose Yes, No or Not sure."),
        ({"inc-1": "YES"}, "“YES” is not an answer"),
    ],
)
def test_bad_answers_are_refused_with_a_message(client, data, message):
    htmx = client.post(ANSWER, data, **HTMX)
    assert htmx.status_code == 400
    assert message in htmx.content.decode()
    assert 'role="alert"' in htmx.content.decode()

    plain = client.post(ANSWER, data)
    assert plain.status_code == 400
    html = plain.content.decode()
    assert message in html and "<fieldset" in html, "the form is shown again with the error"

    as_json = client.post(ANSWER, {"answers": data}, content_type="application/json")
    assert as_json.status_code == 400
    assert message in as_json.json()["error"]
    assert not AnswerSet.objects.exists(), "nothing of a refused submission is stored"


def test_a_refused_submission_keeps_nothing_of_it(client):
    response = client.post(ANSWER, {"inc-1": "yes", "inc-99": "no"}, **HTMX)
    assert response.status_code == 400
    assert not checked(client.get(PAGE).content.decode(), "inc-1", "yes")


def test_json_clients_get_the_verdict(client):
    response = client.post(ANSWER, {"answers": {"inc-1": "no"}}, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["answers"] == {"inc-1": "no"}
    assert body["verdict"]["verdict"] == "likely_not_eligible"
    assert body["headline"] == "You are likely not eligible"


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'{"answers": ["inc-1"]}'])
def test_malformed_json_is_refused(client, body):
    response = client.post(ANSWER, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]


def test_clear_forgets_every_answer_of_the_trial(client):
    client.post(ANSWER, {"inc-1": "yes", "exc-1": "no"})
    client.post(f"/trials/{OLDER_ID}/prescreen/answer/", {"exc-1": "no"})
    response = client.post(CLEAR, {"next": PAGE})
    assert response["Location"] == PAGE + "#prescreener"
    html = client.get(PAGE).content.decode()
    assert not any_checked(html)
    assert "Your responses to this trial were cleared." in html
    assert "cleared" not in client.get(PAGE).content.decode(), "the message is shown once"
    older = client.get(f"/trials/{OLDER_ID}/prescreen/").content.decode()
    assert checked(older, "exc-1", "no"), "other trials keep their answers"


def test_htmx_clear_returns_the_empty_pre_screener(client):
    client.post(ANSWER, {"inc-1": "yes"})
    response = client.post(CLEAR, {"next": TRIAL_PAGE}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<link") and 'id="prescreener"' in html
    assert "<html" not in html and not any_checked(html)
    assert "Your responses to this trial were cleared." in html
    assert f'name="next" value="{TRIAL_PAGE}"' in html


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/trials/NCT99999999/prescreen/"),
        ("post", "/trials/NCT99999999/prescreen/answer/"),
        ("post", "/trials/NCT99999999/prescreen/clear/"),
        ("get", "/trials/not-a-trial/prescreen/"),
    ],
)
def test_unknown_trial_is_not_found(client, method, url):
    assert getattr(client, method)(url).status_code == 404


def test_answers_must_be_posted(client):
    assert client.get(ANSWER).status_code == 405
    assert client.get(CLEAR).status_code == 405


def test_csrf_is_required():
    client = Client(enforce_csrf_checks=True)
    assert client.post(ANSWER, {"inc-1": "yes"}).status_code == 403
    assert client.post(CLEAR).status_code == 403
    page = client.get(PAGE)
    token = page.cookies["csrftoken"].value
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    response = client.post(ANSWER, {"inc-1": "yes", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    response = client.post(
        ANSWER,
        json.dumps({"answers": {"inc-1": "no"}}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200
