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
from matching.saved import FIELDS, answers_from_facts, move_answers
from prescreen.models import AnswerSet, ProfileFacts
from tests.importing.helpers import item, make_record
from tests.matching.test_match_service import import_seed
from trials.models import ImportRun
from trials.services.importing import import_items

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


@pytest.mark.parametrize(
    ("facts", "answers"),
    [
        ({}, {}),
        # the match form's own facts: a whole-number age is [age, age + 1)
        ({"age": {"lo": 34, "lo_incl": True, "hi": 35, "hi_incl": False}}, {"age": "34"}),
        ({"age": {"lo": 34, "lo_incl": True, "hi": 34, "hi_incl": True}}, {"age": "34"}),
        # "Aged 18 years or older: yes" settles a range, not an age
        ({"age": {"lo": 18, "lo_incl": True, "hi": None, "hi_incl": False}}, {}),
        ({"age": {"lo": 34.5, "lo_incl": True, "hi": 34.5, "hi_incl": True}}, {}),
        ({"sex": {"is": "female"}}, {"sex": "female"}),
        ({"sex": {"is_not": ["female"]}}, {}),
        ({"ecog": {"lo": 0.0, "lo_incl": True, "hi": 0.0, "hi_incl": True}}, {"activity": "0"}),
        ({"ecog": {"lo": None, "lo_incl": False, "hi": 2, "hi_incl": True}}, {}),
        ({"ecog": {"lo": 5, "lo_incl": True, "hi": 5, "hi_incl": True}}, {}),
        ({"karnofsky": {"lo": 80, "lo_incl": True, "hi": 80, "hi_incl": True}}, {}),
        ({"pregnancy": False, "breastfeeding": True}, {"pregnant": "no", "breastfeeding": "yes"}),
        ({"pregnancy": "no", "age": "34"}, {}),
    ],
)
def test_the_form_takes_only_what_the_facts_settle(facts, answers):
    assert answers_from_facts(facts) == answers


FACTS_TRIAL = "NCT09300001"
FACTS_NOTE = "From your pre-screening answers on trial pages we filled in"


def prescreen(client: Client, answers: dict[str, str]) -> None:
    response = client.post(f"/trials/{FACTS_TRIAL}/prescreen/answer/", answers)
    assert response.status_code == 302


@pytest.fixture
def facts_trial() -> None:
    criteria = (
        "Inclusion Criteria:\n* Women only\n* ECOG performance status 0\n\n"
        "Exclusion Criteria:\n* Pregnant\n* Breastfeeding"
    )
    records = [item(make_record(FACTS_TRIAL, criteria=criteria), line=1)]
    import_items(records, run=ImportRun.objects.create())


def test_pre_screening_answers_fill_the_form(client, facts_trial):
    prescreen(client, {"inc-1": "yes", "inc-2": "yes", "exc-1": "no", "exc-2": "not_sure"})
    assert shown(client) == {**EMPTY, "sex": "female", "activity": "0", "pregnant": "no"}
    page = client.get("/match/").content.decode()
    assert f"{FACTS_NOTE}: sex, how active you are, pregnancy." in page
    assert NOTE not in page


def test_saved_answers_win_over_pre_screening_facts(client, facts_trial):
    match(client, {**ANSWERS, "sex": "male", "pregnant": ""})
    prescreen(client, {"exc-1": "no"})
    assert shown(client) == {**ANSWERS, "sex": "male", "pregnant": "no"}
    assert f"{FACTS_NOTE}: pregnancy." in client.get("/match/").content.decode()


def test_alice_pre_screening_facts_stay_hers(alice, bob, facts_trial):
    prescreen(signed_in("alice@example.com"), {"inc-1": "yes"})
    assert shown(signed_in("alice@example.com"))["sex"] == "female"
    bob_client = signed_in("bob@example.com")
    assert shown(bob_client) == EMPTY
    assert FACTS_NOTE not in bob_client.get("/match/").content.decode()
    assert shown(Client()) == EMPTY


def test_forget_drops_the_shared_facts_and_keeps_each_trial_answers(client, facts_trial):
    prescreen(client, {"inc-1": "yes", "exc-1": "no"})
    client.post("/match/forget/")
    assert shown(client) == EMPTY
    assert FACTS_NOTE not in client.get("/match/").content.decode()
    assert not ProfileFacts.objects.exists()
    assert AnswerSet.objects.get().answers == {"inc-1": "yes", "exc-1": "no"}
