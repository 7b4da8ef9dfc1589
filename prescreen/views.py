"""The pre-screener on the trial page: questions per criterion and a verdict that follows.

``prescreener_context`` gives the trial page what ``prescreen/_prescreener.html`` needs.
The POST views answer htmx with a fragment, JSON clients with JSON, and plain form posts
with a redirect back to the page they came from (at ``#prescreener``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from ctgov.values import NCT_ID_RE
from eligibility.model import Criterion, ParsedCriteria, Verdict
from eligibility.questions import group_lead
from prescreen import answers as store
from prescreen import engine
from prescreen.forms import CHOICES, AnswerForm
from prescreen.services import trial_criteria_text
from trials.models import Trial

_KIND_TITLES = {
    "inclusion": ("Inclusion criteria", "To take part, these need to be true for you."),
    "exclusion": ("Exclusion criteria", "Any of these would rule you out."),
}


@dataclass
class Node:
    """One item on the page, with its answer, help and (for groups) its alternatives."""

    item: Criterion
    answer: str | None = None
    prefilled: bool = False
    children: list[Node] = field(default_factory=list)
    definitions: list[Criterion] = field(default_factory=list)

    @property
    def choices(self) -> list[tuple[str, str]]:
        return CHOICES

    @property
    def label(self) -> str:
        return criterion_label(self.item)

    @property
    def group_lead(self) -> str:
        return group_lead(self.item)


@dataclass
class Section:
    kind: str
    title: str
    lead: str
    nodes: list[Node]


@dataclass
class Reason:
    item_id: str
    label: str
    text: str
    reason: str


@dataclass
class VerdictView:
    outcome: str
    headline: str
    summary: str
    reasons: list[Reason]
    answered: int
    total: int


@dataclass
class Prescreener:
    nct_id: str
    sections: list[Section]
    verdict: VerdictView
    answer_url: str
    clear_url: str
    next_url: str
    errors: list[str] = field(default_factory=list)
    message: str = ""
    outdated: bool = False


def criterion_label(item: Criterion) -> str:
    """How a person reads an id: "inc-2.1" is "Inclusion criterion 2.1"."""
    number = item.id.split("-", 1)[-1]
    return f"{item.kind.capitalize()} criterion {number}"


def _group_name(section: str) -> str:
    """ "For cohort 2" and "for healthy participants" read after "This applies to"."""
    return re.sub(r"^(?:for|in)\s+", "", section, flags=re.I)


def _short(text: str, limit: int = 140) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def get_trial(nct_id: str) -> Trial:
    canonical = nct_id.strip().upper()
    trial = Trial.objects.filter(nct_id=canonical).first() if NCT_ID_RE.match(canonical) else None
    if trial is None:
        raise Http404(f"No trial {nct_id} in this catalogue.")
    return trial


def verdict_view(parsed: ParsedCriteria, verdict: Verdict, values: dict[str, str]) -> VerdictView:
    """What the verdict region says: a headline and the criteria behind it."""
    total = len(engine.questions(parsed))
    answered = sum(1 for v in values.values() if v)
    if verdict.verdict == "likely_not_eligible":
        reasons = []
        for item in engine.deciding(parsed, verdict, "not_met"):
            result = verdict.get(item.id)
            reasons.append(
                Reason(
                    item.id,
                    criterion_label(item),
                    _short(item.text),
                    result.reason if result else "",
                )
            )
        return VerdictView(
            verdict.verdict,
            "You are likely not eligible",
            "Because of your answers to:" if len(reasons) > 1 else "Because of your answer to:",
            reasons,
            answered,
            total,
        )
    if verdict.verdict == "likely_eligible":
        return VerdictView(
            verdict.verdict,
            "You are likely eligible",
            "Your answers fit every criterion. The study team makes the final decision.",
            [],
            answered,
            total,
        )
    if not answered:
        return VerdictView(
            "unanswered",
            "Answer the questions to see if you might be able to take part",
            "Every question is optional; answer the ones you know.",
            [],
            0,
            total,
        )
    reasons = [
        Reason(
            item.id,
            criterion_label(item),
            _short(item.text),
            f"This applies to {_group_name(item.section)} only; ask the study team."
            if item.section
            else "Ask the study team.",
        )
        for item in engine.deciding(parsed, verdict, "not_met")
    ]
    for item in engine.questions(parsed):
        result = verdict.get(item.id)
        if values.get(item.id) == "not_sure" and result is not None and result.verdict == "unknown":
            reasons.append(
                Reason(item.id, criterion_label(item), _short(item.text), "You were not sure.")
            )
    waiting = total - answered
    summary = (
        f"{waiting} question{'s' if waiting != 1 else ''} still to answer."
        if waiting
        else "The study team can check what you were not sure about."
    )
    return VerdictView(
        verdict.verdict, "Some answers need the study team", summary, reasons, answered, total
    )


def _sections(parsed: ParsedCriteria, shown: store.Answers) -> list[Section]:
    asked = {item.id for item in engine.questions(parsed)}

    def node(item: Criterion) -> Node:
        return Node(
            item=item,
            answer=shown.get(item.id) if item.id in asked else None,
            prefilled=item.id in shown.prefilled,
            children=[node(child) for child in parsed.children_of(item.id)],
            definitions=[d for d in map(parsed.get, item.definitions) if d is not None],
        )

    attached = {d for item in parsed.items for d in item.definitions}
    sections = []
    for kind in ("inclusion", "exclusion"):
        nodes = [
            node(item)
            for item in parsed.items
            if item.kind == kind
            and item.parent is None
            and item.id not in attached
            and (item.role != "criterion" or item.id in asked)
        ]
        if nodes:
            sections.append(Section(kind, *_KIND_TITLES[kind], nodes))
    return sections


def _safe_next(request: HttpRequest, candidate: str | None, trial: Trial) -> str:
    """Where a plain form post returns to: a page of this site, else the trial page."""
    if (
        candidate
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate.split("#", 1)[0]
    return reverse("trials:detail", args=[trial.nct_id])


def build(
    request: HttpRequest,
    trial: Trial,
    *,
    next_url: str,
    shown: store.Answers | None = None,
    errors: list[str] | None = None,
    message: str = "",
) -> Prescreener | None:
    """The pre-screener for ``trial``, or None when its criteria have no questions to ask."""
    text = trial_criteria_text(trial)
    parsed = engine.parse(text)
    if not engine.questions(parsed):
        return None
    if not message:
        message = _pop_message(request, trial.nct_id)
    if shown is None:
        shown = store.load_answers(store.owner_key(request), trial.nct_id, text, parsed)
    verdict = engine.evaluate(parsed, shown.values)
    return Prescreener(
        nct_id=trial.nct_id,
        sections=_sections(parsed, shown),
        verdict=verdict_view(parsed, verdict, shown.values),
        answer_url=reverse("prescreen:answer", kwargs={"nct_id": trial.nct_id}),
        clear_url=reverse("prescreen:clear", kwargs={"nct_id": trial.nct_id}),
        next_url=next_url,
        errors=errors or [],
        message=message,
        outdated=shown.outdated,
    )


_MESSAGE_KEY = "prescreen_message"


def _pop_message(request: HttpRequest, nct_id: str) -> str:
    """A message left for the page a plain form post redirects to."""
    saved = request.session.get(_MESSAGE_KEY)
    if not isinstance(saved, list) or len(saved) != 2 or saved[0] != nct_id:
        return ""
    del request.session[_MESSAGE_KEY]
    return str(saved[1])


def prescreener_context(request: HttpRequest, trial: Trial) -> dict[str, Any]:
    """Context for ``{% include "prescreen/_prescreener.html" %}`` on the trial page."""
    return {"prescreen": build(request, trial, next_url=request.path)}


def _is_htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


def _is_json(request: HttpRequest) -> bool:
    return request.content_type == "application/json"


def _respond(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request"])
    return response


def _json_body(request: HttpRequest) -> tuple[dict[str, Any] | None, str]:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None, "The request body is not valid JSON."
    if not isinstance(body, dict) or not isinstance(body.get("answers", {}), dict):
        return None, 'Send a JSON object like {"answers": {"inc-1": "yes"}}.'
    data = {
        str(k): "" if v is None else v if isinstance(v, str) else json.dumps(v)
        for k, v in body.get("answers", {}).items()
    }
    return data, ""


def _verdict_json(prescreen: Prescreener, shown: store.Answers, verdict: Verdict) -> dict[str, Any]:
    return {
        "nct_id": prescreen.nct_id,
        "answers": shown.values,
        "prefilled": sorted(shown.prefilled),
        "verdict": verdict.to_dict(),
        "headline": prescreen.verdict.headline,
    }


@require_GET
def page(request: HttpRequest, nct_id: str) -> HttpResponse:
    """The pre-screener on a page of its own (a fallback and a direct link)."""
    trial = get_trial(nct_id)
    prescreen = build(request, trial, next_url=request.path)
    return render(request, "prescreen/page.html", {"trial": trial, "prescreen": prescreen})


@require_POST
def answer(request: HttpRequest, nct_id: str) -> HttpResponse:
    """Store one or more answers and return the updated verdict."""
    trial = get_trial(nct_id)
    text = trial_criteria_text(trial)
    parsed = engine.parse(text)
    next_url = _safe_next(request, request.POST.get("next"), trial)
    if _is_json(request):
        data, problem = _json_body(request)
        if data is None:
            return JsonResponse({"error": problem, "errors": [problem]}, status=400)
    else:
        data = request.POST
    form = AnswerForm(parsed, data)
    if not form.is_valid():
        return _answer_errors(request, trial, form.messages(), next_url)
    owner = store.ensure_owner_key(request)
    shown = store.save_answers(owner, trial.nct_id, text, parsed, form.answers())
    if _is_json(request):
        prescreen = build(request, trial, next_url=next_url, shown=shown)
        assert prescreen is not None
        verdict = engine.evaluate(parsed, shown.values)
        return JsonResponse(_verdict_json(prescreen, shown, verdict))
    if _is_htmx(request):
        prescreen = build(request, trial, next_url=next_url, shown=shown)
        return _respond(render(request, "prescreen/_verdict.html", {"prescreen": prescreen}))
    return _respond(HttpResponseRedirect(next_url + "#prescreener"))


def _answer_errors(
    request: HttpRequest, trial: Trial, errors: list[str], next_url: str
) -> HttpResponse:
    if _is_json(request):
        return JsonResponse({"error": errors[0], "errors": errors}, status=400)
    prescreen = build(request, trial, next_url=next_url, errors=errors)
    if _is_htmx(request):
        response = render(request, "prescreen/_verdict.html", {"prescreen": prescreen}, status=400)
    else:
        response = render(
            request, "prescreen/page.html", {"trial": trial, "prescreen": prescreen}, status=400
        )
    return _respond(response)


@require_POST
def clear(request: HttpRequest, nct_id: str) -> HttpResponse:
    """Forget every answer to this trial (and the shared facts its questions ask about)."""
    trial = get_trial(nct_id)
    parsed = engine.parse(trial_criteria_text(trial))
    next_url = _safe_next(request, request.POST.get("next"), trial)
    store.clear_answers(store.owner_key(request), trial.nct_id, parsed)
    message = "Your responses to this trial were cleared."
    if _is_json(request):
        return JsonResponse({"nct_id": trial.nct_id, "cleared": True, "message": message})
    if _is_htmx(request):
        prescreen = build(request, trial, next_url=next_url, message=message)
        return _respond(render(request, "prescreen/_prescreener.html", {"prescreen": prescreen}))
    request.session[_MESSAGE_KEY] = [trial.nct_id, message]
    return _respond(HttpResponseRedirect(next_url + "#prescreener"))
