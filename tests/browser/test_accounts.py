"""A visitor signs up, finds trials for themselves, and finds their answers again on another
device, in a real browser."""

import pytest

from tests.matching.test_match_service import import_seed

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [375, 1100])
def test_signed_up_answers_come_back_on_another_device(
    transactional_db, live_server, browser, settings, width
):
    from playwright.sync_api import expect

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    import_seed()
    laptop = browser.new_page(viewport={"width": width, "height": 900})
    laptop.goto(f"{live_server.url}/match/")
    assert fits_the_width(laptop), "the form is wider than the page"
    laptop.get_by_role("link", name="Sign up").first.click()
    laptop.get_by_label("Email").fill("alice@example.com")
    laptop.get_by_label("Password", exact=True).fill(PASSWORD)
    laptop.get_by_label("Password again").fill(PASSWORD)
    laptop.get_by_role("button", name="Sign up").click()
    expect(laptop.get_by_role("heading", name="Find trials for me")).to_be_visible()
    expect(laptop.locator(".site-header")).to_contain_text("alice@example.com")
    laptop.get_by_label("Condition").fill("acute lymphoblastic leukemia")
    laptop.get_by_label("Age (years)").fill("34")
    laptop.get_by_label("Sex").select_option("male")
    laptop.get_by_role("button", name="Find trials").click()
    expect(laptop.get_by_text("NCT04521231").first).to_be_visible()

    phone = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.get_by_label("Email").fill("Alice@Example.com")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    phone.goto(f"{live_server.url}/match/")
    expect(phone.get_by_text("Your saved answers are filled in.")).to_be_visible()
    expect(phone.get_by_label("Condition")).to_have_value("acute lymphoblastic leukemia")
    expect(phone.get_by_label("Age (years)")).to_have_value("34")
    expect(phone.get_by_label("Sex")).to_have_value("male")
    assert fits_the_width(phone), "the filled form is wider than the page"
