"""Shapes of the JSON API's parameters and answers (they are what the OpenAPI document shows)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from trials.forms import MAX_RADIUS_KM
from trials.search import MAX_PAGE, MAX_PER_PAGE


def _codes(example: str) -> str:
    return f"Repeatable; any of the values is accepted (for example {example})."


class TrialFilters(Schema):
    """The search page's parameters, with the same names and rules."""

    q: str = Field("", max_length=300, description="Words to look for; an NCT number works too.")
    status: list[str] = Field(default_factory=list, description=_codes("RECRUITING"))
    phase: list[str] = Field(default_factory=list, description=_codes("PHASE2"))
    study_type: list[str] = Field(default_factory=list, description=_codes("INTERVENTIONAL"))
    intervention_type: list[str] = Field(default_factory=list, description=_codes("DRUG"))
    sex: list[str] = Field(default_factory=list, description=_codes("FEMALE"))
    age_group: list[str] = Field(default_factory=list, description=_codes("OLDER_ADULT"))
    healthy_volunteers: list[str] = Field(default_factory=list, description=_codes("yes"))
    country: list[str] = Field(default_factory=list, description=_codes("France"))
    near: str = Field(
        "", max_length=200, description="City, postcode or 'lat,lon': sorts by distance."
    )
    radius_km: float | None = Field(
        None, ge=1, le=MAX_RADIUS_KM, description="Only trials with a site this close to near."
    )
    page: int = Field(1, ge=1, le=MAX_PAGE)
    per_page: int = Field(20, ge=1, le=MAX_PER_PAGE)


class NearestSiteOut(Schema):
    facility: str
    city: str
    state: str
    country: str
    status: str
    distance_km: float


class TrialHitOut(Schema):
    nct_id: str
    title: str
    status: str
    conditions: list[str]
    score: float
    nearest_site: NearestSiteOut | None = None
    url: str = Field(description="The trial's page on this site.")


class FacetOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class TrialListOut(Schema):
    total: int
    page: int
    per_page: int
    pages: int
    results: list[TrialHitOut]
    facets: dict[str, list[FacetOut]]


class ContactOut(Schema):
    name: str = ""
    role: str = ""
    phone: str = ""
    email: str = ""


class SiteOut(Schema):
    facility: str
    city: str
    state: str
    zip: str
    country: str
    status: str
    latitude: float | None
    longitude: float | None
    contacts: list[ContactOut]


class TrialDetailOut(Schema):
    nct_id: str
    title: str
    status: str
    url: str
    updated_at: datetime = Field(description="When this catalogue last changed its copy.")
    record: dict[str, Any] = Field(description="The whole normalised record.")
    sites: list[SiteOut]


class ErrorOut(Schema):
    detail: str


class ParameterErrorOut(Schema):
    parameter: str
    message: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[ParameterErrorOut]
