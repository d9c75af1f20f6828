"""tracker/guides.py: links into the guides as plain paths."""

import pytest

from tracker.guides import guide_url, help_with_link, measure_link


def test_guide_urls_are_plain_paths_with_an_anchor():
    assert guide_url("when-to-call", "fever") == "/learn/when-to-call/#fever"
    assert guide_url("home-monitoring") == "/learn/home-monitoring/"


def test_each_measure_link_has_its_own_accessible_name():
    link = measure_link("dipstick", "dipstick")
    assert link == (
        '<a href="/learn/home-monitoring/#dipstick">How do I measure this?'
        '<span class="visually-hidden"> (dipstick)</span></a>'
    )


def test_help_text_is_escaped_and_the_link_is_not():
    help_text = help_with_link("Use <the> same scale.", "weight", "weight")
    assert help_text.startswith("Use &lt;the&gt; same scale. <a href=")


def test_an_unknown_section_is_an_error():
    with pytest.raises(ValueError, match="No home-monitoring section"):
        measure_link("pulse", "pulse")
