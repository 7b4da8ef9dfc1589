"""Stored pre-screening answers.

Everything is keyed by ``owner_key`` ("session:<token>" for visitors, "user:<id>" for
signed-in people) rather than a foreign key, so a visitor's answers move to their account by
rewriting one column (see ``prescreen.answers.move_owner``).
"""

from django.db import models


class AnswerSet(models.Model):
    """One person's answers to one trial's questions: ``{criterion id: yes|no|not_sure}``."""

    owner_key = models.CharField(max_length=80)
    nct_id = models.CharField(max_length=16)
    answers = models.JSONField(default=dict, blank=True)
    criteria_hash = models.CharField(
        max_length=64, blank=True, help_text="Hash of the criteria text the answers refer to."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner_key", "nct_id"], name="prescreen_one_set")
        ]

    def __str__(self) -> str:
        return f"{self.owner_key} on {self.nct_id}"


class ProfileFacts(models.Model):
    """Facts about a person that mean the same on every trial (age, sex, ECOG, pregnancy...).

    ``facts`` maps a fact name to what is known: an interval for numbers
    (``{"lo": 18, "lo_incl": true, "hi": null, "hi_incl": false}``), a value for sex,
    a boolean for pregnancy and breastfeeding.
    """

    owner_key = models.CharField(max_length=80, unique=True)
    facts = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "profile facts"

    def __str__(self) -> str:
        return self.owner_key
