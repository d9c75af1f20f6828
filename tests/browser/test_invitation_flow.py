"""An invited grandparent on a phone: opens the link, reads who invited them to whose diary,
wanders to the menu's "Sign up" (not the page's own button), and still comes back to accept and
lands on the shared diary. The parent copies the link with one tap. Searching in everyday words
("foamy pee") finds the urine-foam guide. axe-core clean at 320, 390 and 1280 px."""

import re
from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from tests.browser.conftest import PageProblems, assert_accessible
from tests.factories import PASSWORD, make_day, make_patient, make_user
from tracker.models import CareAccess, Invitation, Role

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD_LABEL = re.compile(r"^\s*Password\*?\s*$")
GRANDMA = "rose@example.org"
GRANDMA_PASSWORD = "a quiet garden in spring"


@pytest.fixture
def invited(live_server):
    parent = make_user("parent@example.org", name="Dana Parent")
    patient = make_patient(parent, display_name="Mia", birth_date=date(2016, 2, 1))
    make_day(patient, patient.today() - timedelta(days=1), parent, weight_kg=D("30.5"))
    _, token = Invitation.issue(patient, GRANDMA, Role.VIEW, parent)
    return parent, patient, f"/invitations/{token}/"


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def open_at(width, height=844, **options):
        context = browser.new_context(
            viewport={"width": width, "height": height}, base_url=live_server.url, **options
        )
        context.set_default_timeout(5000)
        contexts.append(context)
        page = context.new_page()
        page.viewport_name = "phone" if width < 768 else "desktop"
        page.problems = PageProblems(page)
        return page

    yield open_at
    for context in contexts:
        context.close()


def confirm_email_if_asked(page):
    """Sign-up asks for no email confirmation today. When it does, follow the emailed link here
    (from django.core.mail.outbox) before going on; the invitation is kept in the session."""


def test_signing_up_from_the_menu_still_accepts_the_invitation(open_page, invited):
    _, patient, link = invited
    page = open_page(390)
    page.goto(link)
    main = page.locator("main")
    assert "Dana Parent invited you to Mia’s diary." in main.inner_text()
    assert "see the diary, but not change it" in main.inner_text()

    # Not the page's own "Create an account" button: the menu's "Sign up", which knows no `next`.
    page.get_by_role("button", name="Show or hide the menu").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign up").click()
    page.wait_for_url("**/accounts/signup/")
    page.get_by_label("Email address").fill(GRANDMA)
    page.get_by_label(PASSWORD_LABEL).fill(GRANDMA_PASSWORD)
    page.get_by_label("Password confirmation").fill(GRANDMA_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    confirm_email_if_asked(page)

    page.wait_for_url(f"**{link}")
    assert "Dana Parent invited you to Mia’s diary." in main.inner_text()
    page.get_by_role("button", name="Accept the invitation").click()
    page.wait_for_url(f"**/patients/{patient.public_id}/diary/")
    assert "Mia’s diary" in page.get_by_role("heading", level=1).inner_text()
    assert "You can view this diary but not change it." in main.inner_text()
    assert "Open a day to change it" not in main.inner_text()
    assert CareAccess.objects.get(user__email=GRANDMA).role == Role.VIEW
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
    assert_accessible(page)


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_the_invitation_page_is_accessible(open_page, invited, width):
    _, _, link = invited
    page = open_page(width)
    page.goto(link)
    assert page.get_by_role("link", name="Create an account").is_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
    assert_accessible(page)


def test_the_parent_copies_a_new_invitation_link_with_one_tap(open_page, invited):
    parent, patient, _ = invited
    page = open_page(390, permissions=["clipboard-read", "clipboard-write"])
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(parent.email)
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/patients/*/diary/")
    page.goto(f"/patients/{patient.public_id}/sharing/")
    page.get_by_label("Their email address").fill("aunt@example.org")
    page.get_by_label("Can view only").check()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Send the invitation").click()
    link = page.get_by_label("Invitation link").input_value()
    page.get_by_role("button", name="Copy link").click()
    status = page.locator("#invitation-link-status")
    status.filter(has_text="Copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == link
    assert_accessible(page)


def test_searching_in_everyday_words_finds_the_foam_guide(open_page, guides):
    page = open_page(390)
    page.goto("/learn/")
    page.get_by_label("Search the guides").fill("foamy pee")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/learn/search/?q=foamy+pee")
    main = page.locator("main")
    assert "Showing results for" not in main.inner_text()  # never "foamy piece"
    assert "Searched “pee” as urine." in main.inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Foamy urine").first.click()  # the section, not the top
    page.wait_for_url("**/learn/*/#foam")
    assert page.locator("#foam").is_visible()
    assert_accessible(page)
