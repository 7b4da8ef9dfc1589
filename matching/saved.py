"""The "Find trials for me" answers kept for their owner (see ``matching.models.SavedProfile``).

A visitor's answers live under their session's owner key, so they last as long as that
browser session; an account's live under "user:<id>" and come back on any device after
sign-in. ``on_sign_in`` (connected in ``MatchingConfig.ready``) moves a visitor's answers to
the account they sign in to, as ``prescreen.answers.on_sign_in`` does for theirs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from matching.models import SavedProfile
from prescreen.answers import forget_facts, handover_keys, known_facts

FIELDS = (
    "condition",
    "age",
    "sex",
    "location",
    "activity",
    "pregnant",
    "breastfeeding",
    "details",
)


def saved_answers(owner: str | None) -> dict[str, str] | None:
    """``owner``'s answers as they typed them; None when nothing is kept."""
    if owner is None:
        return None
    saved = SavedProfile.objects.filter(owner_key=owner).first()
    return dict(saved.answers) if saved else None


# Labels of the form fields the pre-screener's facts can fill, for the note that says so.
FACT_FIELDS = {
    "age": "age",
    "sex": "sex",
    "activity": "how active you are",
    "pregnant": "pregnancy",
    "breastfeeding": "breastfeeding",
}


def answers_from_facts(facts: Mapping[str, Any]) -> dict[str, str]:
    """The form fields that ``facts`` (``prescreen.facts``' format) settle exactly.

    Pre-screening answers often settle only a range ("18 or older", "ECOG 2 or less"); a
    field is filled only when the fact names one value, so nothing is guessed.
    """
    answers: dict[str, str] = {}
    age = facts.get("age")
    if isinstance(age, dict) and isinstance(age.get("lo"), int | float) and age.get("lo_incl"):
        lo, hi = age["lo"], age.get("hi")
        whole_years = float(lo).is_integer() and hi == lo + 1 and not age.get("hi_incl")
        if whole_years or (hi == lo and age.get("hi_incl") and float(lo).is_integer()):
            answers["age"] = str(int(lo))
    sex = facts.get("sex")
    if isinstance(sex, dict) and sex.get("is") in ("female", "male"):
        answers["sex"] = sex["is"]
    ecog = facts.get("ecog")
    if (
        isinstance(ecog, dict)
        and ecog.get("lo") == ecog.get("hi")
        and ecog.get("lo_incl")
        and ecog.get("hi_incl")
        and ecog.get("lo") in (0, 1, 2, 3, 4)
    ):
        answers["activity"] = str(int(ecog["lo"]))
    for field, key in (("pregnant", "pregnancy"), ("breastfeeding", "breastfeeding")):
        if isinstance(facts.get(key), bool):
            answers[field] = "yes" if facts[key] else "no"
    return answers


def starting_answers(owner: str | None) -> tuple[dict[str, str], bool, list[str]]:
    """What the form shows first: the saved answers, with the fields they leave empty filled
    from the owner's pre-screening facts. Also whether answers were saved, and the labels of
    the fields the facts filled."""
    saved = saved_answers(owner)
    answers = dict(saved or {})
    filled = []
    for name, value in answers_from_facts(known_facts(owner)).items():
        if not answers.get(name):
            answers[name] = value
            filled.append(FACT_FIELDS[name])
    return answers, saved is not None, filled


def save_answers(owner: str, given: Mapping[str, Any]) -> None:
    """Keep the form's fields from ``given`` (the raw POST), replacing what was kept."""
    answers = {name: str(given.get(name, "")) for name in FIELDS}
    SavedProfile.objects.update_or_create(owner_key=owner, defaults={"answers": answers})


def forget_answers(owner: str | None) -> None:
    """Drop the saved answers and the facts they gave the pre-screeners (age, sex...), which
    would otherwise fill the form again; each trial's own pre-screening answers stay."""
    if owner is None:
        return
    with transaction.atomic():
        SavedProfile.objects.filter(owner_key=owner).delete()
        forget_facts(owner)


def move_answers(old: str, new: str) -> None:
    """Hand ``old``'s answers to ``new``; when both have some, the newer ones are kept."""
    if old == new:
        return
    with transaction.atomic():
        source = SavedProfile.objects.select_for_update().filter(owner_key=old).first()
        if source is None:
            return
        target = SavedProfile.objects.select_for_update().filter(owner_key=new).first()
        if target is None:
            source.owner_key = new
            source.save()
            return
        if source.updated_at >= target.updated_at:
            target.answers = source.answers
            target.save()
        source.delete()


def on_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: the visitor's saved answers become the account's."""
    if keys := handover_keys(request, user):
        move_answers(*keys)
