"""tracker.dates: the one way the portal writes a day (ISO only for machines)."""

from datetime import UTC, date, datetime

from django.test import override_settings
from django.utils import translation

from tracker.dates import day_text, heading_date, span_text


def test_a_day_in_running_text_is_day_short_month_year():
    assert day_text(date(2026, 11, 26)) == "26 Nov 2026"
    assert day_text(date(2025, 3, 1)) == "1 Mar 2025"  # no leading zero, no weekday


def test_a_heading_has_the_weekday_and_the_long_month():
    assert heading_date(date(2026, 11, 26)) == "Thursday 26 November 2026"


@override_settings(DATE_FORMAT="m/d/Y", USE_L10N=True)
def test_no_locale_setting_changes_the_order():
    with translation.override("en-us"):
        assert day_text(date(2026, 3, 4)) == "4 Mar 2026"


def test_a_datetime_is_written_as_its_calendar_day():
    assert day_text(datetime(2026, 11, 26, 23, 30, tzinfo=UTC)) == "26 Nov 2026"


def test_a_span_says_once_what_its_days_share():
    assert span_text(date(2026, 2, 8), date(2026, 2, 18)) == "8 to 18 Feb 2026"
    assert span_text(date(2026, 2, 8), date(2026, 3, 4)) == "8 Feb to 4 Mar 2026"
    assert span_text(date(2025, 12, 28), date(2026, 1, 3)) == "28 Dec 2025 to 3 Jan 2026"
