"""Where answers live: the visitor's session, shared facts across trials, sign-in."""

import re

import pytest
from django.contrib.auth.models import User

from prescreen.models import AnswerSet, ProfileFacts
from tests.prescreen.data import OLDER_ID, SEED_ID, YOUNGER_ID
from trials.models import Trial

pytestmark = pytest.mark.usefixtures("trials")


def page(client, nct_id: str) -> str:
    return client.get(f"/trials/{nct_id}/prescreen/").content.decode()


def answer(client, nct_id: str, **answers: str) -> None:
    response = client.post(f"/trials/{nct_id}/prescreen/answer/", answers)
    assert response.status_code == 302, response.content.decode()[:500]


def checked(html: str, item_id: str) -> str | None:
    m = re.search(rf'id="q-{re.escape(item_id)}-(\w+)" checked', html)
    return m.group(1) if m else None


def prefilled(html: str, item_id: str) -> bool:
    start = html.index(f'id="item-{item_id}"')
    end = html.index("</fieldset>", start)
    return "Filled in from what you told us" in html[start:end]


def test_a_visitor_answers_are_kept_in_their_session(client):
    answer(client, SEED_ID, **{"inc-1": "yes", "exc-6": "not_sure"})
    (answer_set,) = AnswerSet.objects.all()
    assert answer_set.owner_key.startswith("session:")
    assert answer_set.owner_key != f"session:{client.session.session_key}"
    assert answer_set.answers == {"inc-1": "yes", "exc-6": "not_sure"}
    html = page(client, SEED_ID)
    assert checked(html, "inc-1") == "yes" and checked(html, "exc-6") == "not_sure"


def test_another_visitor_sees_none_of_them(client):
    answer(client, SEED_ID, **{"inc-1": "yes"})
    client.cookies.clear()
    assert checked(page(client, SEED_ID), "inc-1") is None


def test_reading_a_page_stores_nothing(client):
    page(client, SEED_ID)
    assert not AnswerSet.objects.exists() and not ProfileFacts.objects.exists()


def test_shared_facts_are_pre_filled_on_another_trial(client):
    answer(client, SEED_ID, **{"inc-1": "yes", "inc-3": "yes", "exc-6": "no"})
    younger = page(client, YOUNGER_ID)
    # 18 or older answers "16 or older"; ECOG 2 or lower answers "ECOG 0-2".
    assert checked(younger, "inc-1") == "yes" and prefilled(younger, "inc-1")
    assert checked(younger, "inc-2") == "yes" and prefilled(younger, "inc-2")
    assert checked(younger, "exc-1") is None, "answers about other things stay on their trial"
    older = page(client, OLDER_ID)
    # ... but says nothing about "65 or older" or "ECOG 0 or 1".
    assert checked(older, "inc-1") is None and checked(older, "inc-2") is None
    assert not prefilled(page(client, SEED_ID), "inc-1"), "answered here, not pre-filled"


def test_a_no_is_shared_when_it_decides_the_fact(client):
    answer(client, OLDER_ID, **{"inc-1": "no", "exc-1": "no"})
    seed = page(client, SEED_ID)
    assert checked(seed, "inc-1") is None, "younger than 65 says nothing about 18 or older"
    answer(client, SEED_ID, **{"inc-1": "yes"})
    assert checked(page(client, YOUNGER_ID), "inc-1") == "yes"
    assert ProfileFacts.objects.get().facts["age"] == {
        "lo": 18.0,
        "lo_incl": True,
        "hi": 65.0,
        "hi_incl": False,
    }
    assert ProfileFacts.objects.get().facts["pregnancy"] is False


def test_a_correction_on_one_trial_shows_on_the_other(client):
    answer(client, SEED_ID, **{"inc-1": "yes"})
    answer(client, YOUNGER_ID, **{"inc-1": "no"})
    assert checked(page(client, SEED_ID), "inc-1") == "no"


def test_not_sure_stays_on_its_trial(client):
    answer(client, SEED_ID, **{"inc-1": "yes"})
    answer(client, YOUNGER_ID, **{"inc-1": "not_sure"})
    assert checked(page(client, YOUNGER_ID), "inc-1") == "not_sure"
    assert checked(page(client, SEED_ID), "inc-1") == "yes"


def test_resending_a_pre_filled_answer_changes_nothing(client):
    answer(client, SEED_ID, **{"inc-1": "yes"})
    answer(client, YOUNGER_ID, **{"inc-1": "yes"})
    answer(client, SEED_ID, **{"inc-1": "no"})
    # The younger trial's form still holds the old "yes"; sending it back must not undo the "no".
    answer(client, YOUNGER_ID, **{"inc-1": "yes", "inc-2": "yes"})
    assert checked(page(client, SEED_ID), "inc-1") == "no"


def test_clear_also_forgets_the_facts_the_trial_asked(client):
    answer(client, SEED_ID, **{"inc-1": "yes", "inc-3": "yes"})
    answer(client, OLDER_ID, **{"exc-1": "no"})
    client.post(f"/trials/{SEED_ID}/prescreen/clear/")
    assert checked(page(client, SEED_ID), "inc-1") is None
    assert checked(page(client, YOUNGER_ID), "inc-1") is None
    assert ProfileFacts.objects.get().facts == {"pregnancy": False}


def test_answers_to_changed_criteria_are_set_aside(client):
    answer(client, YOUNGER_ID, **{"exc-1": "yes"})
    Trial.objects.filter(nct_id=YOUNGER_ID).update(
        eligibility_criteria="Exclusion Criteria:\n\n* Allergy to ibuprofen\n"
    )
    html = page(client, YOUNGER_ID)
    assert checked(html, "exc-1") is None
    assert "The criteria of this trial have changed since you last answered" in html


def test_sign_in_hands_the_visitor_answers_to_the_account(client):
    user = User.objects.create_user("ada", password="pw")
    answer(client, SEED_ID, **{"inc-1": "yes", "exc-6": "no"})
    client.force_login(user)
    (answer_set,) = AnswerSet.objects.all()
    assert answer_set.owner_key == f"user:{user.pk}"
    assert ProfileFacts.objects.get().owner_key == f"user:{user.pk}"
    html = page(client, SEED_ID)
    assert checked(html, "exc-6") == "no"
    assert checked(page(client, YOUNGER_ID), "inc-1") == "yes"


def test_sign_in_merges_with_answers_already_on_the_account(client):
    user = User.objects.create_user("ada", password="pw")
    client.force_login(user)
    answer(client, SEED_ID, **{"exc-6": "yes", "exc-7": "no"})
    client.logout()
    answer(client, SEED_ID, **{"exc-6": "no"})
    client.force_login(user)
    assert AnswerSet.objects.get().answers == {"exc-6": "no", "exc-7": "no"}
