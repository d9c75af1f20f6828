"""A caregiver finds the plasmapheresis guide, reads a glossary term by keyboard, gets the PDF."""

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def loaded(guides):
    return guides


def open_menu(page):
    if page.viewport_name == "phone":
        page.get_by_role("button", name="Show or hide the menu").click()


def test_caregiver_finds_the_guide_by_search(page, loaded):
    page.goto("/")
    page.get_by_role("link", name="Read the guides").click()
    page.wait_for_url("**/learn/")
    assert_accessible(page)
    page.get_by_label("Search the guides").fill("plasmapheresys")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/learn/search/?q=plasmapheresys")
    assert "Showing results for plasmapheresis" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Plasmapheresis (plasma exchange)").first.click()
    page.wait_for_url("**/learn/plasmapheresis/")
    assert_accessible(page)

    page.goto("/learn/search/?q=zzzxqj")
    assert "Browse by topic" in page.locator("main").inner_text()
    assert_accessible(page)


def test_caregiver_finds_the_guide_by_navigation_and_reads_a_term_by_keyboard(page, loaded):
    page.goto("/")
    open_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Guides").click()
    page.wait_for_url("**/learn/")
    page.get_by_role("link", name="Plasmapheresis (plasma exchange)").click()
    page.wait_for_url("**/learn/plasmapheresis/")

    term = page.locator(".guide-body a.term[href='/learn/glossary/#plasma']")
    definition = page.locator("#" + term.get_attribute("aria-describedby"))
    assert not definition.is_visible()
    # Tab through the page until the term has focus, as a keyboard user would.
    for _ in range(80):
        page.keyboard.press("Tab")
        if term.evaluate("el => el === document.activeElement"):
            break
    assert term.evaluate("el => el === document.activeElement")
    assert definition.is_visible()
    assert "liquid part of your blood" in definition.inner_text()
    page.keyboard.press("Enter")
    page.wait_for_url("**/learn/glossary/#plasma")
    assert page.locator("dt#plasma").is_visible()
    assert_accessible(page)


def test_caregiver_downloads_the_guide_pdf(page, loaded):
    page.goto("/learn/plasmapheresis/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as PDF to print").click()
    download = download_info.value
    assert download.suggested_filename == "fsgs-guide-plasmapheresis.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
