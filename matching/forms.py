"""The "Find trials for me" form: a few plain questions turned into a patient profile."""

from __future__ import annotations

from typing import Any

from django import forms

from eligibility.profile import Profile, ProfileError, load_profile, profile_from_text
from trials import geo

ACTIVITY_CHOICES = [
    ("", "Prefer not to say"),
    ("0", "Fully active, no limits"),
    ("1", "Limited in hard physical work, but can do light work"),
    ("2", "Can look after myself but cannot work; up and about more than half the day"),
    ("3", "Only limited self-care; in bed or a chair more than half the day"),
    ("4", "Cannot look after myself; in bed or a chair all the time"),
]
YES_NO = [("", "Not sure / prefer not to say"), ("yes", "Yes"), ("no", "No")]
SEX_CHOICES = [("", "Prefer not to say"), ("female", "Female"), ("male", "Male")]


class MatchForm(forms.Form):
    condition = forms.CharField(
        label="Condition",
        max_length=200,
        help_text="The illness you want a trial for, e.g. “acute lymphoblastic leukemia”.",
        error_messages={"required": "Tell us the condition you want a trial for."},
    )
    age = forms.IntegerField(
        label="Age (years)",
        min_value=0,
        max_value=120,
        error_messages={
            "required": "Tell us your age: trials accept people of certain ages only.",
            "invalid": "Enter your age as a whole number of years.",
            "min_value": "Age cannot be below 0.",
            "max_value": "Age must be 120 or less.",
        },
    )
    sex = forms.ChoiceField(label="Sex", choices=SEX_CHOICES, required=False)
    location = forms.CharField(
        label="Where you live",
        max_length=200,
        required=False,
        help_text="City, postcode or “lat,lon”; used to find sites near you.",
    )
    activity = forms.ChoiceField(
        label="How active are you?", choices=ACTIVITY_CHOICES, required=False
    )
    pregnant = forms.ChoiceField(label="Are you pregnant?", choices=YES_NO, required=False)
    breastfeeding = forms.ChoiceField(
        label="Are you breastfeeding?", choices=YES_NO, required=False
    )
    details = forms.CharField(
        label="Anything else (optional)",
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Treatments you had and when, test results, other illnesses.",
    )

    def clean_condition(self) -> str:
        value = " ".join(self.cleaned_data["condition"].split())
        if not any(c.isalnum() for c in value):
            raise forms.ValidationError("Enter the condition in words.")
        return value

    def clean_location(self) -> tuple[float, float] | None:
        text = " ".join(self.cleaned_data.get("location", "").split())
        if not text:
            return None
        try:
            point = geo.resolve_place(text)
        except geo.PlaceError as exc:
            raise forms.ValidationError(f"That point is not on the map: {exc}.") from None
        if point is None:
            raise forms.ValidationError(
                "We know no trial site there. Try a nearby city, a postcode or “lat,lon”."
            )
        return point

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        try:
            data["profile"] = self._profile(data)
        except ProfileError as exc:
            raise forms.ValidationError(f"We could not read your answers ({exc}).") from None
        return data

    def _profile(self, data: dict[str, Any]) -> Profile:
        """The answers as a profile; the free text adds what it mentions (labs, treatments)."""
        noted = profile_from_text(data["details"]) if data.get("details") else None
        conditions = [{"name": data["condition"]}]
        if noted is not None:
            conditions += [
                c.model_dump(exclude_none=True)
                for c in noted.conditions
                if c.name.casefold() != data["condition"].casefold()
            ]
        profile: dict[str, Any] = {"age": data["age"], "conditions": conditions}
        if data.get("sex"):
            profile["sex"] = data["sex"]
        if data.get("activity"):
            profile["performance"] = {"ecog": int(data["activity"])}
        elif noted is not None:
            profile["performance"] = noted.performance.model_dump(exclude_none=True)
        for name in ("pregnant", "breastfeeding"):
            if data.get(name):
                profile[name] = data[name] == "yes"
            elif noted is not None and getattr(noted, name) is not None:
                profile[name] = getattr(noted, name)
        if noted is not None:
            for name in ("treatments", "medications", "labs"):
                profile[name] = [
                    item.model_dump(exclude_none=True) for item in getattr(noted, name)
                ]
            profile["history"] = data["details"]
        return load_profile(profile)

    def error_list(self) -> list[tuple[str, str, str]]:
        """(field name, label, message) for the summary at the top of the page."""
        rows = []
        for name, messages in self.errors.items():
            label = self.fields[name].label if name in self.fields else "Your answers"
            rows += [(name, str(label), str(m)) for m in messages]
        return rows
