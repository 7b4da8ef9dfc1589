"""The JSON API: the same search and trial facts as the web pages, for programs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from ninja import NinjaAPI, Query
from ninja.errors import HttpError, ValidationError

from api.schemas import (
    ErrorOut,
    TrialDetailOut,
    TrialFilters,
    TrialListOut,
    ValidationErrorOut,
)
from trials.facets import FACET_NAMES
from trials.forms import SearchForm, value_label
from trials.models import Trial
from trials.search import SearchError, search

api = NinjaAPI(
    title="TrialMatch API",
    version="1",
    description="Search the clinical trial catalogue and read trial records.",
)


@api.exception_handler(ValidationError)
def parameter_errors(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A 422 whose message names each bad parameter, in words."""
    errors = [_describe(error) for error in exc.errors]
    detail = "; ".join(
        f"{e['parameter']}: {e['message']}" if e["parameter"] else e["message"] for e in errors
    )
    return api.create_response(
        request, {"detail": f"Invalid parameters. {detail}", "errors": errors}, status=422
    )


def _describe(error: dict[str, Any]) -> dict[str, str]:
    # ("query", "radius_km") -> "radius_km"; ("query", "status", 0) -> "status"
    names = [str(part) for part in error.get("loc", ())[1:] if not isinstance(part, int)]
    return {"parameter": names[-1] if names else "", "message": str(error.get("msg", "invalid"))}


def _form_data(filters: TrialFilters) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in filters.dict().items():
        if isinstance(value, list):
            data.setlist(name, [str(v) for v in value])
        elif value not in (None, ""):
            data[name] = str(value)
    return data


def _trial_url(nct_id: str) -> str:
    return reverse("trials:detail", args=[nct_id])


@api.get(
    "/trials",
    response={200: TrialListOut, 422: ValidationErrorOut},
    url_name="trial_list",
    summary="Search trials",
)
def list_trials(request: HttpRequest, filters: Query[TrialFilters]) -> dict[str, Any]:
    """Trials matching the words and filters, best first (nearest first when near is given),
    with facet counts for the whole result set."""
    form = SearchForm(_form_data(filters))
    if not form.is_valid():
        raise ValidationError(
            [
                {"loc": ("query", name), "msg": message}
                for name, _label, message in form.error_list()
            ]
        )
    query = form.to_query()
    try:
        page = search(query)
    except SearchError as error:
        raise ValidationError([{"loc": ("query",), "msg": str(error)}]) from None
    pages = page.pages
    if query.page > pages:
        raise ValidationError(
            [
                {
                    "loc": ("query", "page"),
                    "msg": f"page {query.page} is past the last page of results ({pages})",
                }
            ]
        )
    return {
        "total": page.total,
        "page": query.page,
        "per_page": query.per_page,
        "pages": pages,
        "results": [
            {
                "nct_id": hit.nct_id,
                "title": hit.title,
                "status": hit.status,
                "conditions": hit.conditions,
                "score": hit.score,
                "nearest_site": hit.nearest_site,
                "url": _trial_url(hit.nct_id),
            }
            for hit in page.hits
        ],
        "facets": {
            name: [
                {
                    "value": c.value,
                    "label": value_label(name, c.value),
                    "count": c.count,
                    "selected": c.selected,
                }
                for c in page.facets.get(name, [])
            ]
            for name in FACET_NAMES
        },
    }


@api.get(
    "/trials/{nct_id}",
    response={200: TrialDetailOut, 404: ErrorOut},
    url_name="trial_detail",
    summary="One trial",
)
def get_trial(request: HttpRequest, nct_id: str) -> dict[str, Any]:
    """The normalised record and its sites; the NCT id is case-insensitive."""
    canonical = nct_id.strip().upper()
    trial = Trial.objects.filter(nct_id=canonical).first()
    if trial is None:
        raise HttpError(404, f"No trial {canonical} in this catalogue.")
    return {
        "nct_id": trial.nct_id,
        "title": trial.title,
        "status": trial.overall_status,
        "url": _trial_url(trial.nct_id),
        "updated_at": trial.updated_at,
        "record": trial.record,
        "sites": list(trial.sites.all()),
    }


api.add_router("", "api.match.router")
