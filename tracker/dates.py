"""How the portal writes a day: one rule, used everywhere (issue #11 "dates are written one way").

- `day_text` ("26 Nov 2026"): a day in running text, lists, tables, alerts, messages, the visit
  summary page and its PDF. Day, short month name, year: no numbers a reader could take for a
  month (is 03/04 March or April?), short enough for a 320 px screen, the same in every country.
- `heading_date` ("Thursday 26 November 2026"): the long form with the weekday, only in page
  headings (the day page's title), where there is room and the weekday helps.
- `span_text` ("8 to 18 Feb 2026", "8 Feb to 4 Mar 2026"): from one day to another, the month
  and year said once when the two days share them (dense lists such as the summary's alerts).
- ISO ("2026-11-26") stays where machines read it: CSV and FHIR exports, URLs, date inputs.

Pure: a date in, a string out. Django's `dateformat` with a fixed format string, so the words are
translated but the order never changes with a locale setting (no DATE_FORMAT surprises).
A datetime is written as its own calendar day: convert it to the patient's time zone first.
"""

from datetime import date
from functools import lru_cache

from django.utils import dateformat
from django.utils.translation import get_language
from django.utils.translation import gettext as _

DAY_FORMAT = "j M Y"  # 26 Nov 2026
DAY_IN_YEAR_FORMAT = "j M"  # 26 Nov, only before a day of the same year
HEADING_FORMAT = "l j F Y"  # Thursday 26 November 2026


def day_text(day: date) -> str:
    """A day in running text: "26 Nov 2026" (the portal's one written format)."""
    return _formatted(day, DAY_FORMAT, get_language())


def heading_date(day: date) -> str:
    """A day in a page heading: "Thursday 26 November 2026"."""
    return _formatted(day, HEADING_FORMAT, get_language())


@lru_cache(maxsize=4096)
def _formatted(day: date, format_string: str, language: str | None) -> str:
    # A diary page writes a few hundred days, mostly the same ones: dateformat is slow enough to
    # show in the page's time. The language is part of the key: month names are translated.
    return dateformat.format(day, format_string)


def span_text(first: date, last: date) -> str:
    """From `first` to `last`, what the two days share said once: "8 to 18 Feb 2026",
    "8 Feb to 4 Mar 2026", "28 Dec 2025 to 3 Jan 2026"."""
    if (first.year, first.month) == (last.year, last.month):
        start = dateformat.format(first, "j")
    elif first.year == last.year:
        start = dateformat.format(first, DAY_IN_YEAR_FORMAT)
    else:
        start = day_text(first)
    return _("%(start)s to %(end)s") % {"start": start, "end": day_text(last)}
