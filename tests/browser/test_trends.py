"""Trends in a browser: opened from the diary, the period switched, the chart regions reachable
by keyboard, and axe-core clean at desktop and phone widths (the page fixture runs both)."""

import re
from datetime import time, timedelta
from decimal import Decimal as D

import pytest

from tests.browser.conftest import assert_accessible
from tests.browser.test_diary import log_in, tab_to
from tests.factories import make_day, make_medication, make_patient, make_user
from tracker.models import BloodPressure, LabResult, Purpose

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def history(live_server):
    """Forty days of readings, a steroid and a UPCR: every chart has something to draw."""
    user = make_user("trends@example.org")
    patient = make_patient(user, display_name="Robin Trends")
    today = patient.today()
    for back in range(40):
        on = today - timedelta(days=back)
        make_day(
            patient,
            on,
            user,
            weight_kg=D("70") + D(back % 5) / 10,
            swelling_legs=back % 3,
            foam=back % 2,
            dipstick=back % 6,
        )
        BloodPressure.objects.create(
            patient=patient, date=on, time=time(8), systolic=124, diastolic=79
        )
    make_medication(patient, Purpose.STEROID, today - timedelta(days=30), dose="40")
    LabResult.objects.create(
        patient=patient,
        date=today - timedelta(days=3),
        kind="upcr",
        value_entered=D("0.8"),
        unit_entered="g/g",
        value=D("0.8"),
    )
    return user, patient


def test_trends_from_the_diary_switch_period_keyboard_and_axe(page, history):
    user, _patient = history
    log_in(page, user)
    page.get_by_role("link", name="Trends").click()
    page.wait_for_url("**/trends/")
    assert page.get_by_role("heading", name="Weight", exact=True).is_visible()
    assert "28 of 28 days logged" in page.locator("main").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="90 days").click()
    page.wait_for_url(re.compile(r".*/trends/\?days=90$"))
    assert "40 of 90 days logged" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="90 days").get_attribute("aria-current") == "true"

    # The weight chart's scroll region takes keyboard focus (and scrolls with the arrows).
    tab_to(page, '.chart-scroll[aria-label^="Weight chart"]')
    focused = page.evaluate("document.activeElement.getAttribute('role')")
    assert focused == "region"
    if page.viewport_name == "phone":
        scrolls = page.evaluate("(el => el.scrollWidth > el.clientWidth)(document.activeElement)")
        assert scrolls  # at 390 px the chart keeps its width and scrolls sideways
        for _press in range(10):
            page.keyboard.press("ArrowRight")
        scrolled = "() => document.activeElement.scrollLeft"
        for _wait in range(20):  # smooth scrolling takes a moment (no wait_for_function: CSP)
            if page.evaluate(scrolled) > 0:
                break
            page.wait_for_timeout(50)
        assert page.evaluate(scrolled) > 0

    # A data table opens from the keyboard.
    summary = page.locator("summary", has_text="Weight: data table")
    summary.focus()
    page.keyboard.press("Enter")
    assert page.get_by_role("table", name=re.compile("Daily weight in kg")).is_visible()
    assert_accessible(page)

    # A custom period with a mistake says why.
    page.locator("#id_start").fill("2020-01-01")
    page.get_by_role("button", name="Show these dates").click()
    page.wait_for_url(re.compile(r".*start=2020-01-01.*"))
    assert "at most 5 years" in page.locator("main").inner_text()
    assert_accessible(page)
