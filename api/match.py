"""``POST /api/match``: the catalogue's trials that fit one patient, best first."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema
from ninja.errors import ValidationError

from eligibility.profile import Profile, ProfileError, load_profile, profile_from_fhir
from matching.services import MAX_TOP, MatchError, match_patient

router = Router(tags=["match"])

ENVELOPE_KEYS = {"patient", "top", "near"}


class NearestSiteOut(Schema):
    facility: str
    city: str
    country: str
    distance_km: float
    recruiting: bool


class CriterionOut(Schema):
    id: str
    kind: str
    outcome: str
    text: str
    fact: str


class MatchHitOut(Schema):
    nct_id: str
    title: str
    status: str
    score: float
    verdict: str
    reasons: list[str]
    explanation: str
    criteria: list[CriterionOut]
    nearest_site: NearestSiteOut | None = None
    url: str


class MatchOut(Schema):
    results: list[MatchHitOut]
    message: str | None = None


class MatchErrorOut(Schema):
    detail: str
    errors: list[dict[str, str]]


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError([{"loc": ("body", field), "msg": message}])


def _read_body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise _invalid("body", f"not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise _invalid("body", "expected a JSON object: a profile, a FHIR Bundle or {patient: ...}")
    return data


def _profile(data: object, prefix: str) -> Profile:
    """A profile from its JSON form or a FHIR Bundle, told apart by ``resourceType``."""
    try:
        if isinstance(data, dict) and "resourceType" in data:
            if data["resourceType"] != "Bundle":
                raise ProfileError(
                    f"a FHIR {data['resourceType']!r} resource; expected a Bundle", "resourceType"
                )
            return profile_from_fhir(data)
        return load_profile(data)
    except ProfileError as exc:
        field = ".".join(p for p in (prefix, exc.path or "") if p) or "body"
        raise _invalid(field, exc.reason) from None


def _number(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _invalid(field, f"must be a whole number from 1 to {MAX_TOP}")
    try:
        return int(value)
    except ValueError:
        raise _invalid(field, f"must be a whole number from 1 to {MAX_TOP}") from None


@router.post(
    "/match",
    response={200: MatchOut, 422: MatchErrorOut},
    url_name="match",
    summary="Match a patient to trials",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "description": "A patient profile, a FHIR Bundle (resourceType "
                        '"Bundle"), or {"patient": <either>, "top": N, "near": "place"}.',
                    }
                }
            },
        }
    },
)
def match(request: HttpRequest, top: int | None = None, near: str | None = None) -> dict[str, Any]:
    """Ranked trials for the patient with a verdict, plain-language reasons and the score in
    words. ``top`` (1-100, default 20) and ``near`` (city, postcode or "lat,lon") may be
    given as query parameters or beside ``patient`` in the body."""
    data = _read_body(request)
    prefix = ""
    if "patient" in data and set(data) <= ENVELOPE_KEYS:
        if "top" in data:
            top = _number(data["top"], "top")
        if "near" in data:
            if data["near"] is not None and not isinstance(data["near"], str):
                raise _invalid("near", "expected text: a city, postcode or lat,lon")
            near = data["near"]
        data, prefix = data["patient"], "patient"
    profile = _profile(data, prefix)
    try:
        outcome = match_patient(profile, top=20 if top is None else top, near=near or None)
    except MatchError as exc:
        raise ValidationError([{"loc": ("query", exc.field), "msg": exc.reason}]) from None
    body = outcome.to_dict()
    for hit in body["results"]:
        hit["url"] = reverse("trials:detail", args=[hit["nct_id"]])
    return body
