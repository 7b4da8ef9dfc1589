"""A visitor in a real browser: the trial page, then a search that updates in place (htmx)."""

import re

import pytest

from tests.web.data import SEED_ID, load_catalogue

pytestmark = pytest.mark.browser


def test_trial_page_then_search_in_place(transactional_db, live_server, page):
    from playwright.sync_api import expect

    load_catalogue()

    page.goto(f"{live_server.url}/trials/{SEED_ID}/")
    expect(page.locator("h1")).to_contain_text("Subcutaneous Blinatumomab")
    facts = page.locator("dl.facts").first
    expect(facts).to_contain_text("End date")
    expect(facts).to_contain_text("7 May 2025")
    expect(facts).to_contain_text("14 October 2022")
    page.get_by_text("Criteria as published").click()
    expect(page.locator("#criteria-inclusion")).to_have_text("Inclusion criteria")
    expect(page.locator(".criteria-exclusion li").first).to_contain_text("History or presence")
    expect(
        page.get_by_role("link", name=f"View {SEED_ID} on ClinicalTrials.gov")
    ).to_have_attribute("href", f"https://clinicaltrials.gov/study/{SEED_ID}")

    page.goto(f"{live_server.url}/")
    expect(page.locator(".total")).to_have_text("4 trials found")
    page.evaluate("window.stillThisPage = true")
    page.get_by_label("Search trials").fill("blinatumomab")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator(".total")).to_have_text("1 trial found")
    first = page.locator(".card h3 a").first
    expect(first).to_contain_text("Blinatumomab")
    expect(page).to_have_url(re.compile(r"/\?q=blinatumomab(&|$)"))
    assert page.evaluate("window.stillThisPage") is True, "the page was reloaded"

    first.click()
    expect(page).to_have_url(f"{live_server.url}/trials/{SEED_ID}/")

    page.goto(f"{live_server.url}/")
    page.evaluate("window.stillThisPage = true")
    page.get_by_label("Recruiting (1)", exact=True).check()
    expect(page.locator(".total")).to_have_text("1 trial found")
    expect(page.locator(".card h3 a")).to_have_text("Aspirin for migraine in adults")
    expect(page.get_by_label("Recruiting (1)", exact=True)).to_be_checked()
    assert page.evaluate("window.stillThisPage") is True, "the page was reloaded"
