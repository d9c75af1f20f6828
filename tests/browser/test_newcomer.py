"""A newcomer opens the home page, signs up, confirms the email, logs in, creates a patient
profile, logs out and back in."""

import re

import pytest
from django.core import mail

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "newcomer@example.org"
PASSWORD = "a quiet garden in spring"
PASSWORD_LABEL = re.compile(r"^\s*Password\*?\s*$")  # crispy marks required fields with *


def test_newcomer_signs_up_creates_a_patient_logs_out_and_back_in(page):
    page.goto("/")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Living with FSGS, one day at a time"
    assert_accessible(page)

    if page.viewport_name == "phone":
        page.get_by_role("button", name="Show or hide the menu").click()
    page.get_by_role("navigation").get_by_role("link", name="Sign up").click()
    page.wait_for_url("**/accounts/signup/")
    assert_accessible(page)

    # A too-short password is explained next to the field and nothing is lost.
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label(PASSWORD_LABEL).fill("too short")
    page.get_by_label("Password confirmation").fill("too short")
    page.get_by_role("button", name="Create account").click()
    assert "at least 12 characters" in page.locator(".invalid-feedback").first.inner_text()
    assert page.get_by_label("Email address").input_value() == EMAIL
    assert_accessible(page)

    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/accounts/signup/check-your-email/")
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"
    assert_accessible(page)

    # The confirmation link, from the test outbox (the console in development).
    (message,) = mail.outbox
    assert message.to == [EMAIL]
    link = next(line for line in message.body.splitlines() if "/accounts/confirm/" in line)
    page.goto(link)
    assert_accessible(page)
    page.get_by_role("button", name="Confirm my email address").click()
    page.wait_for_url("**/accounts/login/?next=/patients/new/")
    assert "Your email address is confirmed." in page.locator(".messages").inner_text()
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/patients/new/")
    assert_accessible(page)

    page.get_by_label("Name").fill("Mia Lopez")
    page.get_by_label("A child (under 18)").check()
    page.get_by_label("Date of birth").fill("2016-02-29")
    page.get_by_label("Weight unit").select_option("lb")
    page.get_by_label("Time zone").select_option("America/Chicago")
    page.get_by_role("button", name="Create the diary").click()
    page.wait_for_url("**/patients/*/diary/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mia Lopez’s diary"
    assert "Mia Lopez’s diary is ready." in page.locator(".messages").inner_text()
    # The care team's numbers are a later step, which the diary invites (issue #11).
    assert page.get_by_role("heading", name="Add your care team’s numbers").is_visible()
    assert_accessible(page)

    if page.viewport_name == "phone":
        page.get_by_role("button", name="Show or hide the menu").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"^http://[^/]+/$"))
    assert page.get_by_role("link", name="Create a free account").is_visible()
    page.goto("/diary/")
    page.wait_for_url("**/accounts/login/?next=/diary/")
    assert_accessible(page)

    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/patients/*/diary/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mia Lopez’s diary"


def test_keyboard_user_can_skip_to_the_main_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
