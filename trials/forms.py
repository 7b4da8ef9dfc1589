"""Search parameters, checked once for the web page and the JSON API alike.

Facet values arrive as registry codes (``RECRUITING``, ``PHASE2``); the labels here are
what visitors read. Anything a visitor can type is validated so that a bad link shows a
message, never an error page.
"""

from __future__ import annotations

from typing import Any

from django import forms

from trials.facets import FACET_NAMES
from trials.geo import PlaceError, resolve_place
from trials.models import TrialFacet
from trials.search import MAX_FILTER_VALUES, MAX_PAGE, MAX_PER_PAGE, GeoFilter, SearchQuery

FACET_TITLES = {
    "status": "Status",
    "phase": "Phase",
    "study_type": "Study type",
    "intervention_type": "Treatment type",
    "sex": "Sex",
    "age_group": "Age group",
    "healthy_volunteers": "Healthy volunteers",
    "country": "Country",
}

# Fixed vocabularies (ClinicalTrials.gov API v2 codes), in the order the sidebar lists them.
VALUE_LABELS: dict[str, dict[str, str]] = {
    "status": {
        "RECRUITING": "Recruiting",
        "NOT_YET_RECRUITING": "Not yet recruiting",
        "ENROLLING_BY_INVITATION": "Enrolling by invitation",
        "ACTIVE_NOT_RECRUITING": "Active, not recruiting",
        "SUSPENDED": "Suspended",
        "COMPLETED": "Completed",
        "TERMINATED": "Terminated",
        "WITHDRAWN": "Withdrawn",
        "AVAILABLE": "Available",
        "NO_LONGER_AVAILABLE": "No longer available",
        "TEMPORARILY_NOT_AVAILABLE": "Temporarily not available",
        "APPROVED_FOR_MARKETING": "Approved for marketing",
        "WITHHELD": "Withheld",
        "UNKNOWN": "Unknown status",
    },
    "phase": {
        "EARLY_PHASE1": "Early phase 1",
        "PHASE1": "Phase 1",
        "PHASE2": "Phase 2",
        "PHASE3": "Phase 3",
        "PHASE4": "Phase 4",
        "NA": "Not applicable",
    },
    "study_type": {
        "INTERVENTIONAL": "Interventional",
        "OBSERVATIONAL": "Observational",
        "EXPANDED_ACCESS": "Expanded access",
    },
    "intervention_type": {
        "DRUG": "Drug",
        "BIOLOGICAL": "Biological",
        "DEVICE": "Device",
        "PROCEDURE": "Procedure or surgery",
        "RADIATION": "Radiation",
        "BEHAVIORAL": "Behavioural",
        "GENETIC": "Genetic",
        "DIETARY_SUPPLEMENT": "Dietary supplement",
        "COMBINATION_PRODUCT": "Combination product",
        "DIAGNOSTIC_TEST": "Diagnostic test",
        "OTHER": "Other",
    },
    "sex": {"ALL": "All", "FEMALE": "Female", "MALE": "Male"},
    "age_group": {
        "CHILD": "Child (under 18)",
        "ADULT": "Adult (18 to 64)",
        "OLDER_ADULT": "Older adult (65 and over)",
    },
    "healthy_volunteers": {"yes": "Accepts healthy volunteers", "no": "Patients only"},
}

CONTACT_ROLES = {
    "CONTACT": "Contact",
    "PRINCIPAL_INVESTIGATOR": "Principal investigator",
    "SUB_INVESTIGATOR": "Sub-investigator",
    "STUDY_CHAIR": "Study chair",
    "STUDY_DIRECTOR": "Study director",
}

MAX_RADIUS_KM = 20_000.0
PLACE_HINT = "Enter a city, a postcode or coordinates such as “51.5,-0.12”."


def value_label(facet: str, value: str) -> str:
    """What a visitor reads for a facet value; unknown codes still read as words."""
    label = VALUE_LABELS.get(facet, {}).get(value)
    if label:
        return label
    if facet == "country" or not value.isupper():
        return value
    return value.replace("_", " ").capitalize()


def status_label(value: str) -> str:
    return value_label("status", value)


def contact_role_label(value: str) -> str:
    return CONTACT_ROLES.get(value, value.replace("_", " ").capitalize())


def _check_count(values: list[str]) -> None:
    if len(values) > MAX_FILTER_VALUES:
        raise forms.ValidationError(f"Choose at most {MAX_FILTER_VALUES} values.")


class _MultipleValueField(forms.MultipleChoiceField):
    """A repeatable parameter checked against a fixed vocabulary, with a message naming it."""

    def __init__(self, facet: str, **kwargs: Any) -> None:
        self.facet = facet
        super().__init__(
            choices=list(VALUE_LABELS.get(facet, {}).items()),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=FACET_TITLES[facet],
            **kwargs,
        )

    def validate(self, value: list[str]) -> None:
        _check_count(value)
        known = VALUE_LABELS[self.facet]
        unknown = [v for v in value if v not in known]
        if unknown:
            title = FACET_TITLES[self.facet].lower()
            choices = ", ".join(f"{code} ({label})" for code, label in known.items())
            raise forms.ValidationError(
                f"Unknown {title} “{unknown[0]}”. Choose from: {choices}.", code="invalid_choice"
            )


class _CountryField(forms.Field):
    """Countries are open-ended: they are checked against the catalogue's own sites."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        values = [value] if isinstance(value, str) else list(value)
        return list(dict.fromkeys(v.strip() for v in values if v.strip()))

    def validate(self, value: list[str]) -> None:
        _check_count(value)
        too_long = [v for v in value if len(v) > 100]
        if too_long:
            raise forms.ValidationError("A country name is at most 100 characters.")


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search trials",
        required=False,
        max_length=300,
        help_text="A condition, treatment, keyword or NCT number.",
        error_messages={"max_length": "Search text is at most %(limit_value)d characters."},
    )
    near = forms.CharField(
        label="Near",
        required=False,
        max_length=200,
        help_text="City, postcode or “lat,lon”.",
        error_messages={"max_length": "A place is at most %(limit_value)d characters."},
    )
    radius_km = forms.FloatField(
        label="Within (km)",
        required=False,
        min_value=1,
        max_value=MAX_RADIUS_KM,
        error_messages={
            "invalid": "Radius must be a number of kilometres, such as 50.",
            "min_value": "Radius must be at least %(limit_value)s km.",
            "max_value": "Radius must be at most %(limit_value)s km.",
        },
    )
    status = _MultipleValueField("status")
    phase = _MultipleValueField("phase")
    study_type = _MultipleValueField("study_type")
    intervention_type = _MultipleValueField("intervention_type")
    sex = _MultipleValueField("sex")
    age_group = _MultipleValueField("age_group")
    healthy_volunteers = _MultipleValueField("healthy_volunteers")
    country = _CountryField(label="Country", required=False)
    page = forms.IntegerField(
        label="Page",
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        error_messages={
            "invalid": "Page must be a whole number, 1 or more.",
            "min_value": "Page must be a whole number, 1 or more.",
            "max_value": "Page must be at most %(limit_value)s.",
        },
    )
    per_page = forms.IntegerField(
        label="Results per page",
        required=False,
        min_value=1,
        max_value=MAX_PER_PAGE,
        error_messages={
            "invalid": "Results per page must be a whole number.",
            "min_value": "Results per page must be at least %(limit_value)s.",
            "max_value": "Results per page must be at most %(limit_value)s.",
        },
    )

    def __init__(self, *args: Any, default_per_page: int = 20, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default_per_page = default_per_page

    def clean_country(self) -> list[str]:
        """Map each country onto the catalogue's spelling; an unknown one is an error."""
        wanted: list[str] = self.cleaned_data.get("country") or []
        if not wanted:
            return []
        known = {
            value.casefold(): value
            for value in TrialFacet.objects.filter(name="country")
            .values_list("value", flat=True)
            .distinct()
        }
        unknown = [c for c in wanted if c.casefold() not in known]
        if unknown:
            raise forms.ValidationError(f"No trial in this catalogue has a site in “{unknown[0]}”.")
        return list(dict.fromkeys(known[c.casefold()] for c in wanted))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        near = (data.get("near") or "").strip()
        data["near_point"] = None
        if not near and data.get("radius_km") is not None:
            self.add_error("near", "Enter a place to search within a distance of it.")
        elif near and "near" not in self.errors:
            try:
                data["near_point"] = resolve_near(near)
            except forms.ValidationError as error:
                self.add_error("near", error)
        return data

    @property
    def facet_filters(self) -> dict[str, list[str]]:
        return {name: self.cleaned_data[name] for name in FACET_NAMES if self.cleaned_data[name]}

    def to_query(self) -> SearchQuery:
        """The validated parameters as a search; call only once ``is_valid()`` is true."""
        data = self.cleaned_data
        point = data.get("near_point")
        near = None
        if point is not None:
            near = GeoFilter(lat=point[0], lon=point[1], radius_km=data.get("radius_km"))
        return SearchQuery(
            text=(data.get("q") or "").strip(),
            filters=self.facet_filters,
            near=near,
            page=data.get("page") or 1,
            per_page=data.get("per_page") or self.default_per_page,
        )

    def error_list(self) -> list[tuple[str, str, str]]:
        """(parameter, field label, message) for every error, in field order."""
        errors = []
        for name, messages in self.errors.items():
            label = str(self[name].label) if name in self.fields else ""
            errors += [(name, label, str(message)) for message in messages]
        return errors


def resolve_near(text: str) -> tuple[float, float]:
    """(lat, lon) for a place name, postcode or "lat,lon"; ValidationError saying why not."""
    try:
        point = resolve_place(text)
    except PlaceError as error:
        raise forms.ValidationError(f"“{text}” is not a usable point: {error}.") from None
    if point is None:
        raise forms.ValidationError(f"We could not find the place “{text}”. {PLACE_HINT}")
    return point
