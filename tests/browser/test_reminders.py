"""The reminders page in a browser (issue #14): a parent reaches it from the diary's menu, gets a
clear error for a wrong dose time, saves, makes a calendar address with a copy button, and the
page fits a 320 px phone. axe-core clean throughout."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PageProblems, assert_accessible
from tests.factories import PASSWORD, make_patient, make_user
from tracker.models import CalendarFeed, ReminderSettings

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD_LABEL = re.compile(r"^\s*Password\*?\s*$")


@pytest.fixture
def parent(live_server):
    user = make_user("parent@example.org", name="Dana Parent")
    patient = make_patient(user, display_name="Mia", birth_date=date(2016, 2, 1))
    return user, patient


def log_in(page, user):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/patients/*/diary/")


def test_a_parent_sets_reminders_and_makes_a_calendar_address(page, parent):
    user, patient = parent
    log_in(page, user)

    page.get_by_role("link", name="Reminders").click()
    page.wait_for_url(f"**/patients/{patient.public_id}/reminders/")
    assert_accessible(page)
    page.get_by_label("Remind me to fill in the diary").check()
    page.get_by_label("Medicine dose times").fill("8am")
    page.get_by_role("button", name="Save my reminders").click()
    expect(page.get_by_text("“8am” is not a time")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Medicine dose times").fill("08:00, 20:00")
    page.get_by_role("button", name="Save my reminders").click()
    expect(page.get_by_text("Your reminders are saved.")).to_be_visible()
    saved = ReminderSettings.objects.get(user=user, patient=patient)
    assert saved.diary_enabled
    assert saved.medicine_times == ["08:00", "20:00"]

    page.get_by_role("button", name="Make a calendar address").click()
    address = page.get_by_label("Calendar address — copy it now").input_value()
    assert address.endswith(".ics")
    expect(page.get_by_role("button", name="Copy link")).to_be_visible()  # copy.js shows it
    assert CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).count() == 1
    assert_accessible(page)


def test_the_reminders_page_fits_a_small_phone(browser, live_server, parent):
    user, patient = parent
    context = browser.new_context(viewport={"width": 320, "height": 800}, base_url=live_server.url)
    context.set_default_timeout(10000)
    phone = context.new_page()
    phone.problems = PageProblems(phone)
    log_in(phone, user)
    phone.goto(f"/patients/{patient.public_id}/reminders/")
    width, viewport = phone.evaluate(
        "() => [document.scrollingElement.scrollWidth, window.innerWidth]"
    )
    assert width <= viewport
    assert_accessible(phone)
    context.close()
