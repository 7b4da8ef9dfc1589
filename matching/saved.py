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
from prescreen.answers import SESSION_TOKEN

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


def save_answers(owner: str, given: Mapping[str, Any]) -> None:
    """Keep the form's fields from ``given`` (the raw POST), replacing what was kept."""
    answers = {name: str(given.get(name, "")) for name in FIELDS}
    SavedProfile.objects.update_or_create(owner_key=owner, defaults={"answers": answers})


def forget_answers(owner: str | None) -> None:
    if owner is not None:
        SavedProfile.objects.filter(owner_key=owner).delete()


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
    if request is None or not hasattr(request, "session"):
        return
    token = request.session.get(SESSION_TOKEN)
    if isinstance(token, str) and token:
        move_answers(f"session:{token}", f"user:{user.pk}")
