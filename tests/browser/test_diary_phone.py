"""The diary on a 390 px phone (issue #11): a day with its weight and a blood pressure reading in
one save, grades left alone saved as not recorded, the save button on screen without scrolling,
and axe-core clean at 390 and 1280 px. Taps and keystrokes are counted and printed."""

import os
from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from tests.browser.conftest import VIEWPORTS, PageProblems, assert_accessible
from tests.browser.test_diary import log_in
from tests.factories import make_day, make_patient, make_user
from tracker.models import BloodPressure, DiaryDay

pytestmark = pytest.mark.django_db(transaction=True)

GRADES = ["swelling_face", "swelling_hands", "swelling_belly", "swelling_legs", "foam"]
FOCUS_ON_STATUS = "() => document.activeElement && document.activeElement.id === 'save-status'"


def snapshot(page, name: str, *, full_page: bool = True) -> None:
    """A screenshot into $SCREENSHOTS, when set (for people reviewing the change)."""
    if folder := os.environ.get("SCREENSHOTS"):
        # caret="initial": hiding the caret injects a <style>, which the CSP blocks (and logs).
        path = os.path.join(folder, f"{name}.png")
        page.screenshot(path=path, full_page=full_page, caret="initial")


def open_page(browser, live_server, viewport: str):
    context = browser.new_context(viewport=VIEWPORTS[viewport], base_url=live_server.url)
    context.set_default_timeout(5000)
    page = context.new_page()
    page.viewport_name = viewport
    page.problems = PageProblems(page)
    return context, page


@pytest.fixture
def phone(browser, live_server):
    context, page = open_page(browser, live_server, "phone")
    yield page
    context.close()


@pytest.fixture
def person(live_server):
    user = make_user("phone@example.org")
    patient = make_patient(user, display_name="Sam Phone", birth_date=date(1985, 6, 1))
    return user, patient


class Counter:
    """Taps and keystrokes a person would make."""

    def __init__(self, page):
        self.page, self.taps, self.keys = page, 0, 0

    def tap(self, locator):
        locator.click()
        self.taps += 1

    def type(self, locator, text: str):
        self.tap(locator)
        locator.press_sequentially(text)
        self.keys += len(text)


def test_a_day_with_weight_and_a_reading_is_one_save_and_both_are_there_after_reload(phone, person):
    user, patient = person
    yesterday = patient.today() - timedelta(days=1)
    make_day(patient, yesterday, user, weight_kg=D("70.0"), swelling_legs=1, foam=1)
    log_in(phone, user)
    count = Counter(phone)
    count.type(phone.get_by_label("Weight", exact=True), "70.4")
    count.type(phone.get_by_label("Top number (systolic)"), "128")
    count.type(phone.get_by_label("Bottom number (diastolic)"), "84")
    snapshot(phone, "phone-diary-typed")
    count.tap(phone.locator("#save-day"))
    phone.locator("#save-status .save-done").wait_for()
    phone.wait_for_function(FOCUS_ON_STATUS)  # moved once htmx has settled the swap
    status = phone.locator("#save-status").bounding_box()  # where the person is looking
    assert status["y"] >= 0
    assert status["y"] + status["height"] <= VIEWPORTS["phone"]["height"]
    snapshot(phone, "phone-saved-screen", full_page=False)
    today = DiaryDay.objects.get(patient=patient, date=patient.today())
    reading = BloodPressure.objects.get(patient=patient, date=patient.today())
    assert (today.weight_kg, reading.systolic, reading.diastolic) == (D("70.400"), 128, 84)
    phone.reload()
    assert phone.get_by_label("Weight", exact=True).input_value() == "70.4"
    table = phone.locator(".blood-pressures table")
    assert "128/84" in table.inner_text()
    assert phone.get_by_label("Top number (systolic)").input_value() == ""  # a fresh row
    assert_accessible(phone)
    print(
        f"\n[phone] a changed day with blood pressure: {count.taps} taps, {count.keys} keystrokes"
    )

    # The same person the next morning with nothing new to report: open, then one tap.
    DiaryDay.objects.filter(patient=patient, date=yesterday).delete()
    DiaryDay.objects.filter(pk=today.pk).update(date=yesterday)
    BloodPressure.objects.filter(patient=patient).update(date=yesterday)
    phone.reload()
    unchanged = Counter(phone)
    unchanged.tap(phone.get_by_role("button", name="Nothing changed: save these values"))
    phone.locator("#save-status .save-done").wait_for()
    copied = DiaryDay.objects.get(patient=patient, date=patient.today())
    assert (copied.swelling_legs, copied.foam) == (1, 1)
    assert (copied.weight_kg, copied.dipstick, copied.temperature_c) == (None, None, None)
    assert not BloodPressure.objects.filter(patient=patient, date=patient.today()).exists()
    print(f"[phone] an unchanged day: {unchanged.taps} tap after opening, 0 keystrokes")


def test_a_half_typed_reading_is_named_and_nothing_is_lost(phone, person):
    user, patient = person
    log_in(phone, user)
    phone.get_by_label("Weight", exact=True).fill("70.4")
    phone.get_by_label("Top number (systolic)").fill("128")
    phone.locator("#save-day").click()
    status = phone.locator("#save-status")
    assert "new reading 1 is missing the bottom number" in status.inner_text()
    assert phone.evaluate("document.activeElement.name") == "bp-0-diastolic"
    assert not DiaryDay.objects.filter(patient=patient).exists()
    assert phone.get_by_label("Weight", exact=True).input_value() == "70.4"


def test_a_new_day_saved_with_only_a_weight_shows_swelling_and_foam_not_recorded(phone, person):
    user, patient = person
    log_in(phone, user)
    for name in GRADES:
        assert phone.locator(f'input[name="{name}"]:checked').get_attribute("value") == ""
    phone.get_by_label("Weight", exact=True).fill("70.4")
    phone.locator("#save-day").click()
    phone.locator("#save-status .save-done").wait_for()
    phone.reload()
    for name in GRADES:
        checked = phone.locator(f'input[name="{name}"]:checked')
        assert checked.get_attribute("value") == "", name
        label = phone.locator(f'label[for="{checked.get_attribute("id")}"]').inner_text()
        assert label == "Not recorded"
    day = DiaryDay.objects.get(patient=patient)
    assert [getattr(day, name) for name in GRADES] == [None] * 5


def test_the_save_button_is_on_screen_without_scrolling_and_covers_nothing(phone, person):
    user, patient = person
    for back in range(1, 8):  # a week of days and an alert push the form down the page
        make_day(patient, patient.today() - timedelta(days=back), user, dipstick=5)
    log_in(phone, user)
    assert phone.evaluate("window.scrollY") == 0
    box = phone.locator("#save-day").bounding_box()
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= VIEWPORTS["phone"]["height"]
    on_top = phone.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('#save-day') !== null",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert on_top
    # At the very end of the page the last line is above the bar, not under it.
    phone.evaluate("window.scrollTo(0, document.scrollingElement.scrollHeight)")
    bar_top = phone.locator(".save-bar").bounding_box()["y"]
    footer = phone.locator("footer").bounding_box()
    assert footer["y"] + footer["height"] <= bar_top + 1
    # The grades' explanations are one tap away.
    details = phone.locator("details.scale-details").first
    assert not details.locator("dl").is_visible()
    details.locator("summary").click()
    assert details.locator("dl").is_visible()
    assert_accessible(phone)


def test_leaving_with_typed_values_asks_first(phone, person):
    user, _patient = person
    log_in(phone, user)
    asked = []
    phone.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    phone.get_by_label("Top number (systolic)").fill("128")
    phone.get_by_label("Bottom number (diastolic)").fill("84")
    phone.get_by_role("link", name="Trends").first.click()
    phone.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert phone.get_by_label("Top number (systolic)").input_value() == "128"  # still here


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_the_diary_and_day_pages_pass_axe(browser, live_server, person, viewport):
    user, patient = person
    make_day(patient, patient.today() - timedelta(days=1), user, weight_kg=D("70"), foam=1)
    context, page = open_page(browser, live_server, viewport)
    try:
        log_in(page, user)
        page.get_by_label("Top number (systolic)").fill("128")
        page.get_by_role("button", name="Add another reading").click()
        assert page.locator("[data-reading-row]").count() == 2
        snapshot(page, f"{viewport}-diary-two-rows")
        assert_accessible(page)
        page.on("dialog", lambda dialog: dialog.accept())  # "leave with unsaved values?"
        day = (patient.today() - timedelta(days=1)).isoformat()
        page.goto(f"/patients/{patient.public_id}/diary/{day}/")
        assert_accessible(page)
    finally:
        context.close()
