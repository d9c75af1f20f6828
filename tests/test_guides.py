"""tracker/guides.py: links into the guides as plain paths."""

import pytest

from tracker.guides import MEASURE_ANCHORS, guide_url, help_with_link, measure_link, measure_url


def test_guide_urls_are_plain_paths_with_an_anchor():
    assert guide_url("when-to-call", "fever") == "/learn/when-to-call/#fever"
    assert guide_url("home-monitoring") == "/learn/home-monitoring/"


def test_each_measure_link_has_its_own_accessible_name():
    link = measure_link("foam", "foam")
    assert link == (
        '<a href="/learn/home-monitoring/#foam">How do I measure this?'
        '<span class="visually-hidden"> (foam)</span></a>'
    )


def test_fields_measured_by_a_picture_land_on_the_picture():
    """Issue #16: the diary's link goes straight to the diagram in home-monitoring."""
    assert measure_url("swelling") == "/learn/home-monitoring/#figure-swelling-grades"
    assert measure_url("dipstick") == "/learn/home-monitoring/#figure-dipstick-pads"
    assert measure_url("weight") == "/learn/home-monitoring/#figure-weighing"
    assert measure_url("blood-pressure") == (
        "/learn/home-monitoring/#figure-blood-pressure-position"
    )
    assert measure_url("temperature") == "/learn/home-monitoring/#temperature"
    assert 'href="/learn/home-monitoring/#figure-dipstick-pads"' in measure_link("dipstick", "x")
    assert len({measure_url(anchor) for anchor in MEASURE_ANCHORS}) == len(MEASURE_ANCHORS)


def test_help_text_is_escaped_and_the_link_is_not():
    help_text = help_with_link("Use <the> same scale.", "weight", "weight")
    assert help_text.startswith("Use &lt;the&gt; same scale. <a href=")


def test_an_unknown_section_is_an_error():
    with pytest.raises(ValueError, match="No home-monitoring section"):
        measure_link("pulse", "pulse")
