"""The trial page: what a visitor reads, what is left out, and how it is found."""

import re

import pytest
from django.urls import reverse

from matching.similar import compute as compute_similar
from tests.web.data import LYON, SEED_ID
from trials.models import Trial

pytestmark = pytest.mark.django_db


def _page(client, nct_id: str, **params) -> str:
    response = client.get(reverse("trials:detail", args=[nct_id]), params)
    assert response.status_code == 200
    return response.content.decode()


def _text(html: str) -> str:
    """The page as words, so assertions do not depend on markup."""
    text = re.sub(r"<[^>]+>", " ", html)
    return " ".join(text.replace("&#x27;", "'").split())


def _section(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_seed_trial_shows_its_facts(client, catalogue):
    html = _page(client, SEED_ID)
    text = _text(html)
    assert "Subcutaneous Blinatumomab for the Treatment of Adults" in text
    assert "End date 7 May 2025" in text
    assert "Updated on 14 October 2022" in text
    assert f"NCT identifier {SEED_ID}" in text
    trial = Trial.objects.get(nct_id=SEED_ID)
    assert f"Last modified {trial.updated_at.day} {trial.updated_at:%B %Y}" in text
    assert "The study aims to evaluate the safety, efficacy, and tolerability" in text
    assert "B Cell Precursor Acute Lymphoblastic Leukemia" in text
    assert "Treatment Drug Blinatumomab" in text
    assert "Age 18 years and over" in text
    assert f'href="https://clinicaltrials.gov/study/{SEED_ID}"' in html


def test_published_criteria_fold_away_when_the_pre_screener_asks_them(client, catalogue):
    html = _page(client, SEED_ID)
    folded = html.index('<details class="criteria-text">')
    assert folded < html.index('id="criteria-inclusion"') < html.index('id="prescreener"')


def test_seed_trial_criteria_are_split_into_two_lists(client, catalogue):
    html = _page(client, SEED_ID)
    inclusion = _section(html, "criteria-inclusion")
    exclusion = _section(html, "criteria-exclusion")
    assert "Inclusion criteria</h3>" in inclusion
    assert "<li>Aged 18 years or older" in inclusion
    assert "<li>Greater than or equal to 5% blasts in the Bone Marrow" in inclusion
    assert "History of malignancy" not in inclusion
    assert "<li>History of malignancy (with certain exceptions)" in exclusion
    assert inclusion.count("<li>") == 14
    assert exclusion.count("<li>") == 10
    assert "Inclusion Criteria:" not in html


def test_missing_fields_are_left_out(client, catalogue):
    """The seed record has no sponsor, enrolment, status, sites or contacts."""
    html = _page(client, SEED_ID)
    text = _text(html)
    for absent in ("Sponsor", "Participants needed", "Study sites", "Contacts", "None"):
        assert absent not in text, absent
    assert "badge" not in html
    assert "<h2></h2>" not in html
    assert "<dd></dd>" not in html


def test_full_trial_shows_sponsor_enrolment_sites_and_contacts(client, catalogue):
    html = _page(client, "NCT09000001")
    text = _text(html)
    assert "Recruiting Phase 2" in text
    assert "End date June 2027" in text
    assert "Participants needed 120" in text
    assert "Sponsor Hospices Civils de Lyon" in text
    assert "Updated on 2 March 2026" in text
    assert "Age 18 years to 65 years" in text
    assert "Healthy volunteers Not accepted" in text
    assert "Treatment Drug Aspirin (also called ASA)" in text
    assert "Study sites (3)" in text
    assert "Hôpital Lariboisière Paris, France Recruiting" in text
    assert "Hôpital Édouard Herriot Lyon, France Not yet recruiting" in text
    assert "Dr Paul Broca (Principal investigator)" in text
    contacts = _text(_section(html, "contacts-heading"))
    assert "Marie Curie (Contact) +33 1 23 45 67 89 m@example.org" in contacts
    assert 'href="tel:+33123456789"' in html
    assert 'href="mailto:m@example.org"' in html
    assert "km away" not in text


def test_completion_date_type_is_shown_when_known(client, catalogue):
    trial = Trial.objects.get(nct_id="NCT09000001")
    trial.record["completion_date_type"] = "ESTIMATED"
    trial.save()
    assert "End date June 2027 (estimated)" in _text(_page(client, "NCT09000001"))


def test_sites_sorted_nearest_first_with_distance(client, catalogue):
    text = _text(_page(client, "NCT09000001", near=f"{LYON[0]},{LYON[1]}"))
    lyon = text.index("Hôpital Édouard Herriot")
    paris = text.index("Hôpital Lariboisière")
    boston = text.index("Boston Medical Center")
    assert lyon < paris < boston
    assert "Lyon, France Not yet recruiting 0.0 km away" in text
    assert re.search(r"Paris, France Recruiting 39\d km away", text)


def test_unknown_place_on_trial_page_is_explained(client, catalogue):
    text = _text(_page(client, "NCT09000001", near="Atlantis"))
    assert "We could not find the place “Atlantis”" in text
    assert "Study sites (3)" in text


def test_lower_case_id_redirects_to_canonical_url(client, catalogue):
    response = client.get("/trials/nct04521231/?near=Paris")
    assert response.status_code == 301
    assert response["Location"] == f"/trials/{SEED_ID}/?near=Paris"


@pytest.mark.parametrize("path", ["/trials/NCT99999999/", "/trials/not-a-trial/", "/nowhere/"])
def test_unknown_trial_gets_the_branded_404_page(client, catalogue, path):
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'class="brand"' in html


@pytest.mark.parametrize(
    ("nct_id", "params"),
    [(SEED_ID, {}), ("NCT09000001", {}), ("NCT09000001", {"near": "45.76,4.83"})],
)
def test_trial_page_needs_three_queries(
    client, catalogue, nct_id, params, django_assert_max_num_queries
):
    """The trial, its sites and its precomputed similar trials."""
    compute_similar()
    with django_assert_max_num_queries(3):
        response = client.get(reverse("trials:detail", args=[nct_id]), params)
    assert response.status_code == 200


def test_server_error_gets_the_branded_500_page(client, catalogue, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr("trials.views.TrialRecord.from_dict", broken)
    client.raise_request_exception = False
    response = client.get(reverse("trials:detail", args=[SEED_ID]))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "database on fire" not in html


def test_trial_page_is_accessible_markup(client, catalogue):
    html = _page(client, "NCT09000001")
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert '<label for="site-near">' in html
    assert html.count("<h1") == 1
