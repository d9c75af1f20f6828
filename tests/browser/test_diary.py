"""The diary in a browser: a day logged by keyboard only, its alert appearing in place, an
unchanged day in two actions that copy no measurement, and axe-core clean on every diary page
at both widths."""

import re
from datetime import date, time, timedelta
from decimal import Decimal as D

import pytest

from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD, make_day, make_medication, make_patient, make_user
from tracker.models import BloodPressure, DiaryDay, Event, LabResult, Purpose, Question

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD_LABEL = re.compile(r"^\s*Password\*?\s*$")


@pytest.fixture
def diary(live_server):
    """A user whose only patient logged yesterday: 70.0 kg, foam 1, dipstick 1+, swelling not
    recorded."""
    user = make_user("keyboard@example.org")
    patient = make_patient(user, display_name="Sam Keys", birth_date=date(1985, 6, 1))
    yesterday = patient.today() - timedelta(days=1)
    make_day(patient, yesterday, user, weight_kg=D("70.0"), foam=1, dipstick=1)
    return user, patient


def log_in(page, user):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/patients/*/diary/")


def tab_to(page, selector: str, limit: int = 120) -> int:
    """Press Tab until the focused element matches `selector`; return the presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return presses
    raise AssertionError(f"Tab never reached {selector}")


def test_a_day_logged_by_keyboard_only_shows_its_alert_in_place(page, diary):
    user, patient = diary
    log_in(page, user)
    assert "filled in from" in page.locator(".day-form").inner_text()
    page.evaluate("window.notReloaded = true")  # gone if the save loaded a new page
    keys = 0
    keys += tab_to(page, "#id_weight")
    page.keyboard.press("Control+A")
    page.keyboard.type("71.5")
    keys += 2
    keys += tab_to(page, 'input[name="swelling_legs"]:checked')  # "Not recorded"
    for _grade in range(3):  # not recorded → 0 → 1 → 2
        page.keyboard.press("ArrowRight")
    keys += 3
    keys += tab_to(page, "#save-day")
    page.keyboard.press("Enter")
    keys += 1

    alert = page.locator(".diary-alert", has_text="Weight up 1.5 kg (3.3 lb) in 1 day")
    alert.wait_for()
    assert "Contact your care team:" in alert.inner_text()
    assert alert.get_by_role("link", name=re.compile("When to call")).get_attribute("href") == (
        "/learn/when-to-call/#weight-gain"
    )
    status = page.locator("#save-status")
    assert "Saved the entry for" in status.inner_text()
    assert "Weight up 1.5 kg (3.3 lb) in 1 day" in status.inner_text()  # where the person is
    # Focus moves to the status once htmx has settled the swap.
    page.wait_for_function("() => document.activeElement?.id === 'save-status'")
    assert page.evaluate("window.notReloaded === true")  # swapped in place by htmx
    today = DiaryDay.objects.get(patient=patient, date=patient.today())
    assert (today.weight_kg, today.swelling_legs, today.entered_by) == (D("71.500"), 2, user)
    assert_accessible(page)
    print(f"\n[{page.viewport_name}] a changed day by keyboard: {keys} key presses")


def test_an_unchanged_day_takes_two_actions_and_copies_no_measurement(page, diary):
    user, patient = diary
    log_in(page, user)  # action 1: open the diary (here, straight after log-in)
    page.get_by_role("button", name="Nothing changed: save these values").click()  # action 2
    page.locator("#save-status .save-done").wait_for()
    today = DiaryDay.objects.get(patient=patient, date=patient.today())
    assert today.foam == 1  # how the person feels is carried over
    assert (today.weight_kg, today.dipstick, today.temperature_c) == (None, None, None)
    assert not BloodPressure.objects.filter(patient=patient, date=patient.today()).exists()
    assert_accessible(page)
    print(f"\n[{page.viewport_name}] an unchanged day: 2 actions, 0 values typed")


def test_a_bad_value_is_explained_by_the_field_without_leaving_the_page(page, diary):
    user, patient = diary
    log_in(page, user)
    page.get_by_label("Weight", exact=True).fill("4000")
    page.locator("#save-day").click()
    error = page.locator("#id_weight_error")
    error.wait_for()
    assert error.inner_text().strip() == "Weight must be between 2 and 400 kg — you typed 4000."
    assert page.get_by_label("Weight", exact=True).get_attribute("aria-invalid") == "true"
    assert not DiaryDay.objects.filter(patient=patient, date=patient.today()).exists()
    assert_accessible(page)


def test_every_diary_page_passes_axe(page, diary):
    user, patient = diary
    today = patient.today()
    BloodPressure.objects.create(
        patient=patient, date=today, time=time(8), systolic=182, diastolic=95
    )
    medication = make_medication(patient, Purpose.STEROID, today - timedelta(days=40))
    LabResult.objects.create(
        patient=patient, date=today, kind="upcr", value_entered=350, unit_entered="mg/mmol",
        value=D("3.094607"),
    )  # fmt: skip
    Event.objects.create(patient=patient, date=today, kind="infection", note="Cold")
    Question.objects.create(patient=patient, text="Can I lower the dose?")
    log_in(page, user)
    assert_accessible(page)
    pid = patient.public_id
    yesterday = (today - timedelta(days=1)).isoformat()
    for path in [
        f"/patients/{pid}/diary/{yesterday}/",
        f"/patients/{pid}/diary/{yesterday}/delete/",
        f"/patients/{pid}/labs/",
        f"/patients/{pid}/medications/",
        f"/patients/{pid}/medications/{medication.pk}/",
        f"/patients/{pid}/events/",
        f"/patients/{pid}/questions/",
    ]:
        page.goto(path)
        assert page.get_by_role("heading", level=1).is_visible()
        assert_accessible(page)
