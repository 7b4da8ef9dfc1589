"""A visitor pre-screens themselves on the seed trial in a real browser, with and without JS."""

import re

import pytest

from tests.prescreen.data import SEED_ID, load_trials

pytestmark = pytest.mark.browser


def trial_page_url(live_server) -> str:
    return f"{live_server.url}/trials/{SEED_ID}/"


def question(page, name: str):
    return page.get_by_role("group", name=name, exact=True)


def test_answers_update_the_verdict_in_place_and_are_kept(transactional_db, live_server, browser):
    from playwright.sync_api import expect

    load_trials()
    url = trial_page_url(live_server)
    page = browser.new_page(viewport={"width": 375, "height": 740})
    page.goto(url)
    verdict = page.locator("#prescreen-verdict")
    expect(verdict).to_have_attribute("aria-live", "polite")
    expect(verdict).to_contain_text("Answer the questions")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        "the page scrolls sideways on a phone"
    )
    page.evaluate("window.stillThisPage = true")

    age = question(page, "Are you 18 years or older?")
    age.get_by_label("Yes", exact=True).check()
    expect(verdict).to_contain_text("Some answers need the study team")
    expect(verdict).to_contain_text(re.compile(r"\b1 of \d+ questions answered"))
    age.get_by_label("No", exact=True).check()
    expect(verdict).to_contain_text("You are likely not eligible")
    expect(verdict.get_by_role("link", name="Inclusion criterion 1")).to_be_visible()

    # Keyboard: arrow keys move the choice within a question, and the verdict follows.
    age.get_by_label("No", exact=True).focus()
    page.keyboard.press("ArrowLeft")
    expect(age.get_by_label("Yes", exact=True)).to_be_checked()
    expect(verdict).to_contain_text("Some answers need the study team")
    page.locator("#item-inc-3 fieldset").get_by_label("Not sure").check()
    expect(verdict).to_contain_text("You were not sure")

    # Help is there on demand.
    help_text = page.locator("#item-inc-3 .prescreen-help dd").first
    expect(help_text).to_be_hidden()
    page.locator("#item-inc-3 summary").click()
    expect(help_text).to_contain_text("fully active")
    # A value the server refuses (a tampered form) is reported in the result region.
    page.evaluate("document.getElementById('q-exc-6-yes').value = 'maybe'")
    page.locator("#q-exc-6-yes").check()
    expect(verdict.get_by_role("alert")).to_contain_text("“maybe” is not an answer")
    assert page.evaluate("window.stillThisPage") is True, "the page was reloaded"

    page.get_by_role("button", name="Clear my responses").click()
    expect(page.locator("#prescreen-verdict")).to_contain_text("were cleared")
    expect(page.locator("#prescreen-verdict")).to_contain_text("Answer the questions")
    expect(page.locator("input[type=radio]:checked")).to_have_count(0)
    expect(page.get_by_role("button", name="Clear my responses")).to_be_focused()
    assert page.evaluate("window.stillThisPage") is True, "the page was reloaded"

    question(page, "Are you 18 years or older?").get_by_label("Yes", exact=True).check()
    page.locator("#q-exc-8-no").check()
    expect(page.locator("#prescreen-verdict")).to_contain_text(
        re.compile(r"\b2 of \d+ questions answered")
    )

    page.reload()
    expect(
        question(page, "Are you 18 years or older?").get_by_label("Yes", exact=True)
    ).to_be_checked()
    expect(page.locator("#q-exc-8-no")).to_be_checked()
    expect(page.locator("#prescreen-verdict")).to_contain_text(
        re.compile(r"\b2 of \d+ questions answered")
    )


def test_without_javascript_the_form_still_works(transactional_db, live_server, browser):
    from playwright.sync_api import expect

    load_trials()
    url = trial_page_url(live_server)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url)
    question(page, "Are you 18 years or older?").get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Check my answers").click()
    expect(page).to_have_url(re.compile(r"#prescreener$"))
    expect(page.locator("#prescreen-verdict")).to_contain_text("You are likely not eligible")
    expect(
        question(page, "Are you 18 years or older?").get_by_label("No", exact=True)
    ).to_be_checked()

    page.get_by_role("button", name="Clear my responses").click()
    expect(page.locator("#prescreen-verdict")).to_contain_text("were cleared")
    expect(page.locator("input[type=radio]:checked")).to_have_count(0)
    context.close()
