"""An alert marked "I contacted the care team" on a phone (390 px) with the keyboard only: the
alert changes in place, the focus stays on its button, and the mark is there after a reload.
axe-core finds nothing on the page before and after."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from tests.browser.conftest import VIEWPORTS, PageProblems, assert_accessible
from tests.browser.test_diary import log_in, tab_to
from tests.factories import make_day, make_patient, make_user
from tracker.models import AlertContact

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(viewport=VIEWPORTS["phone"], base_url=live_server.url)
    context.set_default_timeout(5000)
    page = context.new_page()
    page.viewport_name = "phone"
    page.problems = PageProblems(page)
    yield page
    context.close()


@pytest.fixture
def gains(live_server):
    """Weight up 1 kg on each of the last two days: one group of two alerts."""
    user = make_user("marks@example.org", name="Sam Marks")
    patient = make_patient(user, display_name="Robin Marks", birth_date=date(1985, 6, 1))
    today = patient.today()
    for back, kg in ((2, "70.0"), (1, "71.0"), (0, "72.0")):
        make_day(patient, today - timedelta(days=back), user, weight_kg=D(kg))
    return user, patient


def test_a_phone_user_marks_an_alert_by_keyboard_and_sees_it_after_reload(phone, gains):
    user, patient = gains
    log_in(phone, user)
    today = patient.today().isoformat()
    alert_id = f"alert-weight_gain_1d-{today}"
    alert = phone.locator(f"#{alert_id}")
    assert "(on 2 days)" in alert.inner_text()
    assert_accessible(phone)
    phone.evaluate("window.notReloaded = true")

    keys = tab_to(phone, f"#{alert_id}-note")
    phone.keyboard.type("spoke to nurse")
    keys += 1
    keys += tab_to(phone, f"#{alert_id}-contact")
    phone.keyboard.press("Enter")
    keys += 1

    alert.get_by_text("You contacted the care team on").wait_for()
    assert "(marked by Sam Marks)" in alert.inner_text()
    assert "Note: spoke to nurse" in alert.inner_text()
    assert phone.evaluate("window.notReloaded === true")  # swapped in place by htmx
    assert phone.evaluate("document.activeElement.id") == f"{alert_id}-contact"
    assert phone.evaluate("document.activeElement.textContent").startswith("Remove this mark")
    assert "Marked: you contacted the care team." in phone.locator("#page-status").inner_text()
    mark = AlertContact.objects.get(patient=patient)
    assert (mark.rule, mark.triggered_on.isoformat(), mark.note) == (
        "weight_gain_1d",
        today,
        "spoke to nurse",
    )
    assert_accessible(phone)

    phone.reload()
    assert "You contacted the care team on" in phone.locator(f"#{alert_id}").inner_text()
    assert phone.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), (
        "the page scrolls sideways at 390 px"
    )
    assert_accessible(phone)
    print(f"\n[phone] an alert marked by keyboard: {keys} key presses")
