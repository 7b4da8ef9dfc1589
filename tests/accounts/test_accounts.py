"""Sign up, sign in, sign out, and the header that shows who is signed in."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accounts.services import EmailTaken, do_sign_up
from prescreen.models import AnswerSet, ProfileFacts
from tests.prescreen.data import SEED_ID, load_trials

pytestmark = pytest.mark.django_db

ALICE = "alice@example.com"
PASSWORD = "correct horse battery"


def sign_up(
    client: Client, email: str, password: str = PASSWORD, again: str | None = None, **extra
):
    data = {"email": email, "password1": password, "password2": again or password, **extra}
    return client.post("/accounts/signup/", data)


def sign_in(client: Client, email: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": email, "password": password})


def header(client: Client) -> str:
    html = client.get("/match/").content.decode()
    return html[html.index('<header class="site-header">') : html.index("</header>")]


@pytest.fixture
def alice() -> User:
    return do_sign_up(ALICE, PASSWORD)


def test_sign_up_signs_in_and_goes_to_the_match_page(client):
    response = sign_up(client, "Alice@Example.COM")
    assert response.status_code == 302
    assert response["Location"] == "/match/"
    user = User.objects.get()
    assert (user.username, user.email) == (ALICE, ALICE)
    assert user.check_password(PASSWORD)
    assert ALICE in header(client)


@pytest.mark.parametrize(
    "given, expected",
    [
        ("/trials/NCT04521231/", "/trials/NCT04521231/"),
        ("http://evil.example/", "/match/"),
        ("//evil.example/", "/match/"),
    ],
)
def test_sign_up_goes_to_next_only_on_this_site(client, given, expected):
    response = sign_up(client, ALICE, next=given)
    assert response["Location"] == expected


def test_an_email_signs_up_once_whatever_its_case(client, alice):
    response = sign_up(client, "ALICE@example.com")
    assert response.status_code == 400
    assert "An account with this email already exists" in response.content.decode()
    assert User.objects.count() == 1
    assert "Sign in" in header(client)


@pytest.mark.parametrize(
    "password, again, message",
    [
        (PASSWORD, "correct horse battery!", "The two passwords are not the same."),
        ("password", None, "This password is too common."),
        ("83920471", None, "This password is entirely numeric."),
        ("k9#z", None, "This password is too short."),
        ("", None, "Choose a password."),
    ],
)
def test_bad_sign_up_is_explained_on_the_page(client, password, again, message):
    response = sign_up(client, ALICE, password, again)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="form-errors"' in html
    assert message in html
    assert not User.objects.exists()


def test_sign_up_needs_a_real_email(client):
    response = sign_up(client, "alice at example")
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()


def test_sign_up_service_refuses_a_taken_email(alice):
    with pytest.raises(EmailTaken):
        do_sign_up(" Alice@EXAMPLE.com ", "another good passphrase")


def test_sign_in_with_any_case_of_the_email(client, alice):
    response = sign_in(client, "ALICE@example.com")
    assert response.status_code == 302
    assert response["Location"] == "/match/"
    assert ALICE in header(client)


def test_wrong_password_is_explained(client, alice):
    response = sign_in(client, ALICE, "not her password")
    assert response.status_code == 400
    assert "That email and password do not match an account." in response.content.decode()
    assert "Sign in" in header(client)


def test_empty_sign_in_is_explained(client):
    response = sign_in(client, "", "")
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_sign_out_is_post_only(client, alice):
    sign_in(client, ALICE)
    assert client.get("/accounts/logout/").status_code == 405
    assert ALICE in header(client)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert ALICE not in header(client)


def test_header_offers_sign_in_to_a_visitor_and_shows_alice_her_email(client, alice):
    visitor = header(client)
    assert 'href="/accounts/login/">Sign in' in visitor
    assert 'href="/accounts/signup/">Sign up' in visitor
    assert "Sign out" not in visitor
    sign_in(client, ALICE)
    signed_in = header(client)
    assert ALICE in signed_in
    assert "Sign out" in signed_in
    assert "Sign in" not in signed_in


def test_pages_render(client):
    for url in ("/accounts/signup/", "/accounts/login/"):
        response = client.get(url)
        assert response.status_code == 200
        assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def answer_prescreener(client: Client) -> None:
    response = client.post(f"/trials/{SEED_ID}/prescreen/answer/", {"inc-1": "yes", "exc-6": "no"})
    assert response.status_code == 302


def test_signing_up_keeps_the_visitor_prescreener_answers(client):
    load_trials()
    answer_prescreener(client)
    sign_up(client, ALICE)
    owner = f"user:{User.objects.get().pk}"
    assert AnswerSet.objects.get().owner_key == owner
    assert ProfileFacts.objects.get().owner_key == owner
    page = Client()
    sign_in(page, ALICE)
    html = page.get(f"/trials/{SEED_ID}/prescreen/").content.decode()
    assert 'id="q-exc-6-no" checked' in html


def test_signing_in_keeps_the_visitor_prescreener_answers(client, alice):
    load_trials()
    answer_prescreener(client)
    sign_in(client, ALICE)
    assert AnswerSet.objects.get().owner_key == f"user:{alice.pk}"
    assert ProfileFacts.objects.get().owner_key == f"user:{alice.pk}"
