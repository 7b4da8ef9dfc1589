"""The public pages: search at ``/`` and one page per trial."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from ctgov.record import Eligibility, TrialRecord
from ctgov.values import NCT_ID_RE
from matching.similar import similar_context
from prescreen.views import prescreener_context
from trials.facets import FACET_NAMES
from trials.forms import FACET_TITLES, SearchForm, resolve_near, value_label
from trials.geo import haversine_km
from trials.models import Site, Trial
from trials.search import SearchError, SearchPage, search

CTGOV_STUDY_URL = "https://clinicaltrials.gov/study/{}"


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class FacetGroup:
    name: str
    title: str
    options: list[FacetOption]


def _wants_partial(request: HttpRequest) -> bool:
    """htmx asks for the results region only, except when it restores history."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get(
        "HX-History-Restore-Request"
    )


def facet_groups(page: SearchPage) -> list[FacetGroup]:
    """Sidebar groups in a fixed order; chosen values stay listed even with no hits."""
    groups = []
    for name in FACET_NAMES:
        options = [
            FacetOption(c.value, value_label(name, c.value), c.count, c.selected)
            for c in page.facets.get(name, [])
        ]
        if options:
            groups.append(FacetGroup(name, FACET_TITLES[name], options))
    return groups


def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    context: dict[str, Any] = {"form": form, "errors": [], "page": None}
    if form.is_valid():
        query = form.to_query()
        try:
            result = search(query)
        except SearchError as error:
            context["errors"] = [("", "Search", str(error))]
            return _render_search(request, context)
        pages = result.pages
        context.update(
            page=result,
            pages=pages,
            page_number=query.page,
            previous_page=query.page - 1 if query.page > 1 else None,
            next_page=query.page + 1 if query.page < pages else None,
            facet_groups=facet_groups(result),
            near=form.cleaned_data.get("near", "").strip() if query.near else "",
        )
        if query.page > pages:
            context["errors"] = [
                (
                    "page",
                    "Page",
                    f"Page {query.page} is past the last page of results ({pages}).",
                )
            ]
    else:
        context["errors"] = form.error_list()
    return _render_search(request, context)


def _render_search(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    template = "trials/_results.html" if _wants_partial(request) else "trials/search.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@dataclass
class SiteView:
    site: Site
    distance_km: float | None


def _sites_by_distance(sites: list[Site], lat: float, lon: float) -> list[SiteView]:
    views = [
        SiteView(
            site,
            None
            if site.latitude is None or site.longitude is None
            else haversine_km(lat, lon, site.latitude, site.longitude),
        )
        for site in sites
    ]
    return sorted(views, key=lambda v: (v.distance_km is None, v.distance_km or 0.0))


def _age(years: float | None, text: str) -> str:
    if years is None:
        return ""
    return text.strip().lower() or f"{years:g} years"


def age_range(eligibility: Eligibility) -> str:
    """ "18 years to 65 years", "18 years and over", "up to 17 years", or "" when not limited."""
    low = _age(eligibility.minimum_age, eligibility.minimum_age_text)
    high = _age(eligibility.maximum_age, eligibility.maximum_age_text)
    if low and high:
        return f"{low} to {high}"
    if low:
        return f"{low} and over"
    return f"up to {high}" if high else ""


def trial_page(request: HttpRequest, nct_id: str) -> HttpResponse:
    canonical = nct_id.strip().upper()
    if not NCT_ID_RE.match(canonical):
        raise Http404(f"“{nct_id}” is not an NCT number.")
    if nct_id != canonical:
        url = reverse("trials:detail", args=[canonical])
        if request.META.get("QUERY_STRING"):
            url += "?" + request.META["QUERY_STRING"]
        return HttpResponsePermanentRedirect(url)
    trial = Trial.objects.filter(nct_id=canonical).first()
    if trial is None:
        raise Http404(f"No trial {canonical} in this catalogue.")
    sites = list(trial.sites.all())
    record = TrialRecord.from_dict(trial.record)

    near_text = request.GET.get("near", "").strip()[:200]
    near_error = ""
    near_point = None
    site_views = [SiteView(site, None) for site in sites]
    if near_text:
        try:
            lat, lon = resolve_near(near_text)
        except forms.ValidationError as error:
            near_error = " ".join(error.messages)
        else:
            near_point = (lat, lon)
            site_views = _sites_by_distance(sites, lat, lon)

    eligibility = record.eligibility
    ages = age_range(eligibility)
    show_eligibility = bool(
        eligibility.criteria.strip()
        or ages
        or eligibility.sex
        or eligibility.healthy_volunteers is not None
    )
    completion_type = str(trial.record.get("completion_date_type") or "").lower()
    context = {
        "trial": trial,
        "record": record,
        "sites": site_views,
        "near": near_text,
        "near_error": near_error,
        "completion_type": completion_type if completion_type in {"actual", "estimated"} else "",
        "show_eligibility": show_eligibility,
        "age_range": ages,
        "ctgov_url": CTGOV_STUDY_URL.format(trial.nct_id),
        "interventions": [i for i in record.interventions if i.name or i.type],
        "central_contacts": [c for c in record.central_contacts if c.name or c.phone or c.email],
    }
    context.update(prescreener_context(request, trial))
    context.update(similar_context(trial, near=near_point))
    return render(request, "trials/detail.html", context)
