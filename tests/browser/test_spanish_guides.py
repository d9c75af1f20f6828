"""A Spanish-speaking reader opens a guide in Spanish, moves between the two languages and
searches without accents; every page passes axe (issue #17)."""

import pytest

from education.loader import load_content
from tests.browser.conftest import assert_accessible
from tests.test_spanish_guides import sample_content

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def spanish(tmp_path):
    load_content(sample_content(tmp_path / "content"))


@pytest.mark.usefixtures("spanish")
def test_reader_moves_between_languages_and_searches_without_accents(page):
    page.goto("/es/learn/what-is-fsgs/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", level=1).inner_text() == "¿Qué es la GEFS?"
    assert "Fernández-Huerta" in page.locator(".guide-meta").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Read in English").click()
    page.wait_for_url("**/learn/what-is-fsgs/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page)
    page.get_by_role("link", name="Leer en español").click()
    page.wait_for_url("**/es/learn/what-is-fsgs/")

    page.goto("/es/learn/search/?q=rinones")
    assert_accessible(page)
    page.get_by_role("link", name="¿Qué es la GEFS?").first.click()
    page.wait_for_url("**/es/learn/what-is-fsgs/")
