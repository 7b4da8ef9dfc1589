"""The "Find trials for me" page: a short form, then ranked trials with the reasons."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from matching.forms import MatchForm
from matching.services import MatchError, match_patient, remember_facts
from prescreen.answers import ensure_owner_key

VERDICT_LABELS = {
    "likely_eligible": "Likely eligible",
    "needs_review": "Needs review",
    "likely_not_eligible": "Likely not eligible",
}
SHOWN = 20


@require_http_methods(["GET", "POST"])
def find(request: HttpRequest) -> HttpResponse:
    """GET: the empty form. POST: validate, match, remember the answers for the
    pre-screeners of the trials shown, and show the results under the form."""
    if request.method != "POST":
        return render(request, "matching/find.html", {"form": MatchForm()})
    form = MatchForm(request.POST)
    context: dict = {"form": form}
    if form.is_valid():
        profile = form.cleaned_data["profile"]
        try:
            outcome = match_patient(profile, top=SHOWN, near=form.cleaned_data["location"])
        except MatchError as exc:
            form.add_error(None, exc.reason)
        else:
            remember_facts(ensure_owner_key(request), profile)
            context["outcome"] = outcome
            context["results"] = [
                {
                    "match": m,
                    "label": VERDICT_LABELS.get(m.verdict, m.verdict),
                    "status": m.status.replace("_", " ").capitalize() or "Status not given",
                }
                for m in outcome.results
            ]
    if form.errors:
        context["errors"] = form.error_list()
    status = 200 if not form.errors else 400
    return render(request, "matching/find.html", context, status=status)
