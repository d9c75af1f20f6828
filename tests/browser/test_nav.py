"""The navigation bar without Bootstrap's JavaScript bundle (issue #15, static/js/nav.js): the
phone's menu button opens and closes the menu, the diary switcher opens on a click (or the down
arrow, which with the up arrow then moves through its diaries) and closes on Escape (focus back
on it) or a click elsewhere, each with aria-expanded kept true to what shows;
axe-core clean with the menu open."""

import re
from datetime import date

import pytest

from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD, make_patient, make_user

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD_LABEL = re.compile(r"^\s*Password\*?\s*$")


@pytest.fixture
def parent(live_server):
    user = make_user("two-children@example.org")
    make_patient(user, display_name="Ada", birth_date=date(2015, 3, 1))
    make_patient(user, display_name="Ben", birth_date=date(2018, 7, 1))
    return user


def log_in(page, user):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def test_menu_and_diary_switcher_open_and_close(page, parent):
    log_in(page, parent)
    nav = page.get_by_role("navigation", name="Main")
    switcher = nav.get_by_role("button", name="Diaries")
    if page.viewport_name == "phone":
        menu_button = page.get_by_role("button", name="Show or hide the menu")
        assert not switcher.is_visible()
        menu_button.click()
        assert switcher.is_visible()
        assert menu_button.get_attribute("aria-expanded") == "true"

    assert switcher.get_attribute("aria-expanded") == "false"
    ada = nav.get_by_role("link", name=re.compile("^Ada"))
    assert not ada.is_visible()
    switcher.click()
    assert ada.is_visible()
    assert nav.get_by_role("link", name=re.compile("^Ben")).is_visible()
    assert switcher.get_attribute("aria-expanded") == "true"
    assert_accessible(page)

    page.keyboard.press("Escape")
    assert not ada.is_visible()
    assert switcher.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.textContent.trim()") == "Diaries"

    # The arrow keys: down opens the switcher on its first diary, then moves to the next.
    focused = "document.activeElement.textContent.trim()"
    page.keyboard.press("ArrowDown")
    assert ada.is_visible()
    assert page.evaluate(focused).startswith("Ada")
    page.keyboard.press("ArrowDown")
    assert page.evaluate(focused).startswith("Ben")
    page.keyboard.press("ArrowUp")
    assert page.evaluate(focused).startswith("Ada")
    page.keyboard.press("Escape")
    assert not ada.is_visible()

    switcher.click()
    assert ada.is_visible()
    page.get_by_role("heading", level=1).click()  # anywhere else
    assert not ada.is_visible()

    switcher.click()
    ada.click()
    page.wait_for_url("**/patients/*/diary/")
    assert "Ada" in page.get_by_role("heading", level=1).inner_text()

    if page.viewport_name == "phone":
        menu_button = page.get_by_role("button", name="Show or hide the menu")
        menu_button.click()
        menu_button.click()
        assert not nav.get_by_role("link", name="Guides").is_visible()
        assert menu_button.get_attribute("aria-expanded") == "false"
