"""Where answers live: per-trial answer sets and shared profile facts, keyed by owner.

A visitor's owner key is "session:<token>", the token a random value kept in their session
(not the session key, which Django rotates on sign-in). A signed-in person's key is
"user:<id>", and ``move_owner`` hands a visitor's answers to the account on sign-in
(connected to ``user_logged_in`` in ``PrescreenConfig.ready``).

Per-trial answers are stored as given. Answers that determine a shared fact also update the
owner's ``ProfileFacts`` (rules in ``prescreen.facts``); on every trial, a question such a
fact decides shows the fact's answer unless the person said "not sure" there.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from eligibility.model import ParsedCriteria
from prescreen import engine, facts
from prescreen.models import AnswerSet, ProfileFacts

SESSION_TOKEN = "prescreen_owner"


def owner_key(request: HttpRequest) -> str | None:
    """The key answers are stored under; None for a visitor who never answered."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    token = request.session.get(SESSION_TOKEN)
    return f"session:{token}" if isinstance(token, str) and token else None


def ensure_owner_key(request: HttpRequest) -> str:
    """``owner_key``, giving a first-time visitor a token in their session."""
    key = owner_key(request)
    if key is None:
        request.session[SESSION_TOKEN] = secrets.token_urlsafe(18)
        key = owner_key(request)
    assert key is not None
    return key


def criteria_hash(text: str) -> str:
    return hashlib.sha256((text or "").encode()).hexdigest()


@dataclass
class Answers:
    """What the page shows: the effective answer per question and where it came from."""

    values: dict[str, str] = field(default_factory=dict)
    prefilled: set[str] = field(default_factory=set)
    outdated: bool = False

    def get(self, item_id: str) -> str | None:
        return self.values.get(item_id)


def _load(owner: str | None, nct_id: str) -> tuple[AnswerSet | None, dict[str, Any]]:
    if owner is None:
        return None, {}
    answer_set = AnswerSet.objects.filter(owner_key=owner, nct_id=nct_id).first()
    profile = ProfileFacts.objects.filter(owner_key=owner).first()
    return answer_set, (profile.facts if profile else {})


def effective(stored: dict[str, str], known: dict[str, Any], parsed: ParsedCriteria) -> Answers:
    """Stored answers, with questions decided by shared facts filled from them."""
    result = Answers()
    for item in engine.questions(parsed):
        own = stored.get(item.id)
        derived = facts.derive(item, known)
        if own == "not_sure" or derived is None:
            if own in engine.ANSWERS:
                result.values[item.id] = own
            continue
        result.values[item.id] = derived
        if own != derived:
            result.prefilled.add(item.id)
    return result


def load_answers(owner: str | None, nct_id: str, criteria: str, parsed: ParsedCriteria) -> Answers:
    """The answers to show for one trial; answers to older criteria text are set aside."""
    answer_set, known = _load(owner, nct_id)
    stored = answer_set.answers if answer_set else {}
    outdated = bool(answer_set and stored and answer_set.criteria_hash != criteria_hash(criteria))
    result = effective({} if outdated else stored, known, parsed)
    result.outdated = outdated
    return result


def save_answers(
    owner: str, nct_id: str, criteria: str, parsed: ParsedCriteria, given: dict[str, str]
) -> Answers:
    """Store ``given`` (valid ids and values); "" withdraws an answer, and the shared fact
    it set. Returns what to show.

    Only answers that differ from what the page showed are applied, so a form that sends
    back every checked radio cannot undo a fact another trial has just changed.
    """
    with transaction.atomic():
        answer_set, _ = AnswerSet.objects.select_for_update().get_or_create(
            owner_key=owner, nct_id=nct_id
        )
        profile, _ = ProfileFacts.objects.select_for_update().get_or_create(owner_key=owner)
        digest = criteria_hash(criteria)
        stored = dict(answer_set.answers) if answer_set.criteria_hash == digest else {}
        shown = effective(stored, profile.facts, parsed)
        known = dict(profile.facts)
        for item_id, value in given.items():
            if value == shown.get(item_id):
                continue
            item = parsed.get(item_id)
            if value:
                stored[item_id] = value
                if item is not None:
                    known = facts.learn(known, item, value)
            else:
                stored.pop(item_id, None)
                key = facts.shared_key(item) if item is not None else None
                known.pop(key or "", None)
        answer_set.answers = stored
        answer_set.criteria_hash = digest
        answer_set.save()
        if known != profile.facts:
            profile.facts = known
            profile.save()
    return effective(stored, known, parsed)


def clear_answers(owner: str | None, nct_id: str, parsed: ParsedCriteria) -> None:
    """Forget this trial's answers and the shared facts its questions ask about.

    Dropping those facts is what makes the questions come back empty; other trials then
    ask them again too.
    """
    if owner is None:
        return
    keys = {k for item in engine.questions(parsed) if (k := facts.shared_key(item))}
    with transaction.atomic():
        AnswerSet.objects.filter(owner_key=owner, nct_id=nct_id).delete()
        profile = ProfileFacts.objects.select_for_update().filter(owner_key=owner).first()
        if profile is not None and keys & set(profile.facts):
            profile.facts = {k: v for k, v in profile.facts.items() if k not in keys}
            profile.save()


def known_facts(owner: str | None) -> dict[str, Any]:
    """``owner``'s shared facts: what their pre-screening (or the match form) established."""
    if owner is None:
        return {}
    stored = ProfileFacts.objects.filter(owner_key=owner).first()
    return dict(stored.facts) if stored else {}


def forget_facts(owner: str) -> None:
    """Drop ``owner``'s shared facts; each trial's own answers stay."""
    ProfileFacts.objects.filter(owner_key=owner).delete()


def record_facts(owner: str, known: dict[str, Any]) -> dict[str, Any]:
    """Merge facts learnt outside a trial page (the match form) into ``owner``'s shared facts.

    What ``known`` says replaces what was stored; facts it does not mention are kept.
    """
    with transaction.atomic():
        stored, _ = ProfileFacts.objects.select_for_update().get_or_create(owner_key=owner)
        merged = {**stored.facts, **known}
        if merged != stored.facts:
            stored.facts = merged
            stored.save()
    return merged


def move_owner(old: str, new: str) -> None:
    """Hand ``old``'s answers to ``new`` (on sign-in); the newer answers win per question."""
    if old == new:
        return
    with transaction.atomic():
        for answer_set in AnswerSet.objects.filter(owner_key=old):
            target = AnswerSet.objects.filter(owner_key=new, nct_id=answer_set.nct_id).first()
            if target is None:
                answer_set.owner_key = new
                answer_set.save()
                continue
            newer, older = (
                (answer_set, target)
                if answer_set.updated_at >= target.updated_at
                else (target, answer_set)
            )
            if newer.criteria_hash == older.criteria_hash:
                target.answers = {**older.answers, **newer.answers}
            else:
                target.answers = newer.answers
            target.criteria_hash = newer.criteria_hash
            target.save()
            answer_set.delete()
        source = ProfileFacts.objects.filter(owner_key=old).first()
        if source is not None:
            target_facts = ProfileFacts.objects.filter(owner_key=new).first()
            if target_facts is None:
                source.owner_key = new
                source.save()
            else:
                target_facts.facts = {**target_facts.facts, **source.facts}
                target_facts.save()
                source.delete()


def handover_keys(request: HttpRequest | None, user: Any) -> tuple[str, str] | None:
    """On sign-in: the visitor's owner key and the account's, for everything kept by owner
    to move; None for a visitor who never had one."""
    if request is None or not hasattr(request, "session"):
        return None
    token = request.session.get(SESSION_TOKEN)
    if isinstance(token, str) and token:
        return f"session:{token}", f"user:{user.pk}"
    return None


def on_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: the visitor's answers become the account's."""
    if keys := handover_keys(request, user):
        move_owner(*keys)
