"""The "Find trials for me" form keeps its answers: for a visitor's browser session, and on
a signed-in user's account across devices."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from accounts.services import do_sign_up
from matching.models import SavedProfile
from matching.saved import FIELDS, move_answers
from tests.matching.test_match_service import import_seed

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
ANSWERS = {
    "condition": "B-cell acute lymphoblastic leukemia",
    "age": "34",
    "sex": "male",
    "location": "42.36, -71.06",
    "activity": "1",
    "pregnant": "",
    "breastfeeding": "no",
    "details": "Second relapse. 40% blasts in the bone marrow.",
}
OTHER = {**ANSWERS, "condition": "Asthma", "age": "51", "location": ""}
EMPTY = dict.fromkeys(FIELDS, "")
NOTE = "Your saved answers are filled in."


class _FormValues(HTMLParser):
    """What a browser shows in the match form's fields."""

    def __init__(self) -> None:
        super().__init__()
        self.values = dict(EMPTY)
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name in FIELDS:
            self.values[name] = a.get("value") or ""
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select in FIELDS and "selected" in a:
            self.values[self._select] = a.get("value") or ""
        elif tag == "textarea" and name in FIELDS:
            self._textarea = name

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data.lstrip("\n")


def shown(client: Client) -> dict[str, str]:
    response = client.get("/match/")
    assert response.status_code == 200
    parser = _FormValues()
    parser.feed(response.content.decode())
    return parser.values


def saved_note(client: Client) -> bool:
    return NOTE in client.get("/match/").content.decode()


def match(client: Client, answers: dict[str, str] = ANSWERS) -> None:
    response = client.post("/match/", answers)
    assert response.status_code == 200
    assert "Trials for you" in response.content.decode()


def sign_in(client: Client, email: str) -> Client:
    response = client.post("/accounts/login/", {"username": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def signed_in(email: str) -> Client:
    """A new device, signed in as ``email``."""
    return sign_in(Client(), email)


@pytest.fixture(autouse=True)
def _catalogue(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    import_seed()


@pytest.fixture
def alice() -> User:
    return do_sign_up("alice@example.com", PASSWORD)


@pytest.fixture
def bob() -> User:
    return do_sign_up("bob@example.com", PASSWORD)


def test_alice_finds_her_answers_on_another_device(alice):
    laptop = signed_in("alice@example.com")
    match(laptop)
    assert laptop.post("/accounts/logout/").status_code == 302
    assert shown(laptop) == EMPTY
    phone = signed_in("alice@example.com")
    assert shown(phone) == ANSWERS
    assert saved_note(phone)


def test_bob_sees_an_empty_form(alice, bob):
    match(signed_in("alice@example.com"))
    bob_client = signed_in("bob@example.com")
    assert shown(bob_client) == EMPTY
    assert not saved_note(bob_client)


def test_a_visitor_answers_last_for_their_browser_session(client):
    match(client)
    assert shown(client) == ANSWERS
    assert saved_note(client)
    assert shown(Client()) == EMPTY
    assert not saved_note(Client())


def test_a_visitor_who_signs_up_keeps_their_answers_on_the_account(client):
    match(client)
    data = {"email": "carol@example.com", "password1": PASSWORD, "password2": PASSWORD}
    assert client.post("/accounts/signup/", data).status_code == 302
    carol = User.objects.get(username="carol@example.com")
    assert SavedProfile.objects.get().owner_key == f"user:{carol.pk}"
    assert shown(signed_in("carol@example.com")) == ANSWERS


def test_a_visitor_who_signs_in_replaces_older_answers_on_the_account(client, alice):
    match(signed_in("alice@example.com"), OTHER)
    match(client)
    sign_in(client, "alice@example.com")
    assert shown(signed_in("alice@example.com")) == ANSWERS
    assert SavedProfile.objects.count() == 1


def test_newer_answers_on_the_account_win_over_a_visitor_older_ones():
    SavedProfile.objects.create(owner_key="session:old", answers=ANSWERS)
    SavedProfile.objects.create(owner_key="user:1", answers=OTHER)
    SavedProfile.objects.filter(owner_key="session:old").update(
        updated_at=timezone.now() - timedelta(days=1)
    )
    move_answers("session:old", "user:1")
    (kept,) = SavedProfile.objects.all()
    assert (kept.owner_key, kept.answers) == ("user:1", OTHER)


def test_forget_empties_the_form_for_alice_only(alice, bob):
    alice_client = signed_in("alice@example.com")
    bob_client = signed_in("bob@example.com")
    match(alice_client)
    match(bob_client, OTHER)
    response = alice_client.post("/match/forget/")
    assert response.status_code == 302
    assert response["Location"] == "/match/"
    assert shown(alice_client) == EMPTY
    assert not saved_note(alice_client)
    assert shown(bob_client) == OTHER


def test_bob_forgetting_leaves_alice_answers(alice, bob):
    alice_client = signed_in("alice@example.com")
    match(alice_client)
    signed_in("bob@example.com").post("/match/forget/")
    Client().post("/match/forget/")
    assert shown(alice_client) == ANSWERS


def test_a_visitor_can_forget_their_answers(client):
    match(client)
    client.post("/match/forget/")
    assert shown(client) == EMPTY


def test_forget_is_post_only(alice):
    alice_client = signed_in("alice@example.com")
    match(alice_client)
    assert alice_client.get("/match/forget/").status_code == 405
    assert shown(alice_client) == ANSWERS


def test_a_rejected_form_keeps_the_saved_answers(alice):
    alice_client = signed_in("alice@example.com")
    match(alice_client)
    response = alice_client.post("/match/", {**OTHER, "age": "abc"})
    assert response.status_code == 400
    assert shown(alice_client) == ANSWERS


def test_staff_see_saved_answers_but_cannot_edit_them(alice):
    match(signed_in("alice@example.com"))
    User.objects.create_superuser("staff", "staff@example.com", PASSWORD)
    staff = Client()
    staff.login(username="staff", password=PASSWORD)
    saved = SavedProfile.objects.get()
    assert f"user:{alice.pk}" in staff.get("/admin/matching/savedprofile/").content.decode()
    page = staff.get(f"/admin/matching/savedprofile/{saved.pk}/change/").content.decode()
    assert "Second relapse" in page
    assert 'name="answers"' not in page
    assert staff.get("/admin/matching/savedprofile/add/").status_code == 403
