"""Validation of submitted answers: known question ids only, values yes / no / not sure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

from eligibility.model import ParsedCriteria
from prescreen import engine

CHOICES = [("yes", "Yes"), ("no", "No"), ("not_sure", "Not sure")]
# Form fields that are not answers.
RESERVED = frozenset({"csrfmiddlewaretoken", "next"})


class AnswerForm(forms.Form):
    """One optional choice per question of the trial; an empty value removes the answer."""

    def __init__(self, parsed: ParsedCriteria, data: Mapping[str, Any]) -> None:
        super().__init__(data)
        self.parsed = parsed
        for item in engine.questions(parsed):
            self.fields[item.id] = forms.ChoiceField(
                choices=CHOICES,
                required=False,
                label=item.question or item.text,
                error_messages={
                    "invalid_choice": "“%(value)s” is not an answer: choose Yes, No or Not sure."
                },
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        unknown = [key for key in self.data if key not in self.fields and key not in RESERVED]
        for key in sorted(unknown):
            self.add_error(None, f"“{key}” is not a question on this trial.")
        return cleaned

    def answers(self) -> dict[str, str]:
        """The submitted answers (id → value, "" to remove); call after ``is_valid``."""
        return {key: self.cleaned_data.get(key) or "" for key in self.fields if key in self.data}

    def messages(self) -> list[str]:
        """Every error as one sentence a person can act on."""
        out = list(self.non_field_errors())
        for name, errors in self.errors.items():
            if name == NON_FIELD_ERRORS:
                continue
            item = self.parsed.get(name)
            label = item.question if item is not None and item.question else name
            out.extend(f"{label} — {error}" for error in errors)
        return out
