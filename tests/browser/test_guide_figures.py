"""The diary's "How do I measure this?" link lands on the picture (issue #16)."""

import pytest

from tests.browser.conftest import assert_accessible
from tracker.guides import HOME_MONITORING, MEASURE_FIGURES, measure_url

pytestmark = pytest.mark.django_db(transaction=True)


def loaded_images(page) -> list[str]:
    return page.eval_on_selector_all(
        "figure.guide-figure img",
        "images => images.filter(i => i.complete && i.naturalWidth > 0).map(i => i.alt)",
    )


def test_the_measuring_link_lands_on_the_picture_and_the_page_passes_axe(page, guides):
    page.goto(f"/learn/{HOME_MONITORING}/")
    figures = page.locator("figure.guide-figure")
    assert figures.count() >= len(MEASURE_FIGURES)
    for index in range(figures.count()):
        image = figures.nth(index).locator("img")
        assert image.get_attribute("loading") == "lazy"
        assert image.get_attribute("alt")
        assert figures.nth(index).locator("figcaption").inner_text().strip()
    # Lazy: the page's first load does not fetch the pictures far below the fold.
    assert len(loaded_images(page)) < figures.count()
    assert_accessible(page)

    page.goto(measure_url("dipstick"))
    target = page.locator("#figure-dipstick-pads")
    target.locator("img").evaluate("img => img.decode()")
    box = target.bounding_box()
    viewport = page.viewport_size
    assert 0 <= box["y"] < viewport["height"] / 2
    assert target.locator("img").evaluate("img => img.naturalWidth") > 0
    assert_accessible(page)
