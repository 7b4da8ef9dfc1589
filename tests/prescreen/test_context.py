"""What the trial page gets from ``prescreener_context`` and the include it renders."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.template.loader import render_to_string
from django.test import RequestFactory

from ctgov.record import Eligibility, TrialRecord
from ctgov.sources import ReadItem
from prescreen.views import prescreener_context
from tests.prescreen.data import SEED_ID
from trials.models import ImportRun, Trial
from trials.services.importing import import_items

pytestmark = pytest.mark.usefixtures("trials")


def request_for(path: str):
    request = RequestFactory().get(path)
    request.session = SessionStore()
    return request


def test_the_trial_page_include_renders_the_questions():
    request = request_for(f"/trials/{SEED_ID}/")
    context = prescreener_context(request, Trial.objects.get(nct_id=SEED_ID))
    html = render_to_string("prescreen/_prescreener.html", context, request=request)
    assert 'id="prescreener"' in html
    assert f'action="/trials/{SEED_ID}/prescreen/answer/"' in html
    assert f'hx-post="/trials/{SEED_ID}/prescreen/answer/"' in html
    assert f'name="next" value="/trials/{SEED_ID}/"' in html
    assert 'aria-live="polite"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "prescreen/prescreen.css" in html


@pytest.mark.parametrize("criteria", ["", "   ", "Inclusion Criteria:\n\n"])
def test_no_criteria_no_pre_screener(criteria):
    record = TrialRecord(
        nct_id="NCT09100009", brief_title="Registry", eligibility=Eligibility(criteria=criteria)
    )
    import_items([ReadItem(source="tests", location="1", record=record)], run=ImportRun())
    request = request_for("/trials/NCT09100009/")
    context = prescreener_context(request, Trial.objects.get(nct_id="NCT09100009"))
    assert context == {"prescreen": None}
    assert render_to_string("prescreen/_prescreener.html", context).strip() == ""
