"""Sharing in a browser: a parent invites a grandparent to view, copying the link from the page;
the grandparent signs up through it, accepts, reads the diary without edit controls and is
refused a change; the parent sees the visit in the access log. axe-core clean throughout."""

import re
from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD, make_day, make_patient, make_user
from tests.test_diary import VALID
from tracker.models import AccessLog, CareAccess, Role

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD_LABEL = re.compile(r"^\s*Password\*?\s*$")
GRANDMA = "rose@example.org"
GRANDMA_PASSWORD = "a quiet garden in spring"


@pytest.fixture
def parent(live_server):
    user = make_user("parent@example.org", name="Dana Parent")
    patient = make_patient(user, display_name="Mia", birth_date=date(2016, 2, 1))
    make_day(patient, patient.today() - timedelta(days=1), user, weight_kg=D("30.5"))
    return user, patient


def test_a_parent_shares_the_diary_read_only_and_sees_the_visit(page, browser, live_server, parent):
    user, patient = parent
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/patients/*/diary/")

    page.goto(f"/patients/{patient.public_id}/sharing/")
    assert_accessible(page)
    page.get_by_label("Their email address").fill(GRANDMA)
    page.get_by_label("Can view only").check()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Send the invitation").click()
    link = page.get_by_label("Invitation link").input_value()
    assert "/invitations/" in link
    assert_accessible(page)

    # The grandparent, in a browser of their own.
    other = browser.new_context(viewport=page.viewport_size, base_url=live_server.url)
    other.set_default_timeout(5000)
    grandma = other.new_page()
    grandma.problems = type(page.problems)(grandma)
    grandma.goto(link)
    assert_accessible(grandma)
    grandma.get_by_role("link", name="Create an account").click()
    assert grandma.get_by_label("Email address").input_value() == GRANDMA
    grandma.get_by_label(PASSWORD_LABEL).fill(GRANDMA_PASSWORD)
    grandma.get_by_label("Password confirmation").fill(GRANDMA_PASSWORD)
    grandma.get_by_role("button", name="Create account").click()
    grandma.wait_for_url(link)
    assert "Dana Parent invited you to Mia’s diary" in grandma.inner_text("main")
    assert_accessible(grandma)
    grandma.get_by_role("button", name="Accept the invitation").click()
    grandma.wait_for_url(f"**/patients/{patient.public_id}/diary/")
    assert CareAccess.objects.get(user__email=GRANDMA).role == Role.VIEW

    main = grandma.locator("main")
    assert "You can view this diary but not change it." in main.inner_text()
    # No entry, blood pressure or delete forms: only "open a day" (a GET form) is left.
    assert main.locator('form[method="post"]').count() == 0
    assert main.locator("#id_weight").count() == 0
    assert main.get_by_role("link", name=re.compile("Delete")).count() == 0
    assert_accessible(grandma)

    token = next(c["value"] for c in other.cookies() if c["name"] == "csrftoken")
    refused = grandma.request.post(
        f"/patients/{patient.public_id}/diary/", form=VALID, headers={"X-CSRFToken": token}
    )
    assert refused.status == 403
    assert "CSRF" not in refused.text()
    assert not patient.diary_days.filter(date=patient.today()).exists()
    other.close()

    page.goto(f"/patients/{patient.public_id}/sharing/")
    log = page.locator("table.access-log").inner_text()
    assert GRANDMA in log
    assert "looked at the diary" in log
    assert "accepted the invitation" in log
    people = page.locator("main table").first.inner_text()
    assert GRANDMA in people
    assert AccessLog.objects.filter(who=GRANDMA, action="view").exists()
    assert_accessible(page)
