"""The "Find trials for me" page: a short form, then ranked trials with the reasons."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from matching.forms import MatchForm
from matching.saved import forget_answers, save_answers, starting_answers
from matching.services import MatchError, match_patient, remember_facts
from prescreen.answers import ensure_owner_key, owner_key

VERDICT_LABELS = {
    "likely_eligible": "Likely eligible",
    "needs_review": "Needs review",
    "likely_not_eligible": "Likely not eligible",
}
SHOWN = 20


@require_http_methods(["GET", "POST"])
def find(request: HttpRequest) -> HttpResponse:
    """GET: the form, filled with the answers kept for this person and what their
    pre-screening answers settled. POST: validate, match,
    keep the answers (for the form and the pre-screeners of the trials shown), and show the
    results under the form."""
    if request.method != "POST":
        answers, saved, from_facts = starting_answers(owner_key(request))
        context = {"form": MatchForm(initial=answers), "saved": saved, "from_facts": from_facts}
        return render(request, "matching/find.html", context)
    form = MatchForm(request.POST)
    context: dict = {"form": form}
    if form.is_valid():
        profile = form.cleaned_data["profile"]
        try:
            outcome = match_patient(profile, top=SHOWN, near=form.cleaned_data["location"])
        except MatchError as exc:
            form.add_error(None, exc.reason)
        else:
            owner = ensure_owner_key(request)
            remember_facts(owner, profile)
            save_answers(owner, request.POST)
            context["saved"] = True
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


@require_POST
def forget(request: HttpRequest) -> HttpResponse:
    """Drop the answers kept for the form and the facts they share with the pre-screeners;
    each trial's own answers stay."""
    forget_answers(owner_key(request))
    return redirect("matching:find")
