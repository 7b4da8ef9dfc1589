"""Creating accounts: the one place a user is written, keyed by the lower-cased email."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q


class EmailTaken(ValueError):
    """An account already uses this email (compared without case)."""


def do_sign_up(email: str, password: str) -> User:
    """A new account whose username is the email, lower-cased so sign-in ignores case.

    The password is assumed to have passed the configured validators (the form checks it).
    """
    email = email.strip().lower()
    if User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
        raise EmailTaken(email)
    try:
        with transaction.atomic():
            return User.objects.create_user(username=email, email=email, password=password)
    except IntegrityError:  # the same email signed up at the same moment
        raise EmailTaken(email) from None
