"""How the portal writes a day: one rule, used everywhere (issue #11 "dates are written one way").

- `day_text` ("26 Nov 2026"): a day in running text, lists, tables, alerts, messages, the visit
  summary page and its PDF. Day, short month name, year: no numbers a reader could take for a
  month (is 03/04 March or April?), short enough for a 320 px screen, the same in every country.
- `heading_date` ("Thursday 26 November 2026"): the long form with the weekday, only in page
  headings (the day page's title), where there is room and the weekday helps.
- `span_text` ("8 to 18 Feb 2026", "8 Feb to 4 Mar 2026"): from one day to another, the month
  and year said once when the two days share them (dense lists such as the summary's alerts).
- ISO ("2026-11-26") stays where machines read it: CSV and FHIR exports, URLs, date inputs.

Pure: a date in, a string out. Django's `dateformat` with a fixed format string per language
(FORMATS: Spanish writes "26 nov 2026", "jueves 26 de noviembre de 2026"), so the words are
translated and the order never changes with a locale setting (no DATE_FORMAT surprises).
A datetime is written as its own calendar day: convert it to the patient's time zone first.
"""

from datetime import date
from functools import lru_cache
from typing import NamedTuple

from django.utils import dateformat
from django.utils.translation import get_language
from django.utils.translation import gettext as _

DAY_FORMAT = "j M Y"  # 26 Nov 2026
DAY_IN_YEAR_FORMAT = "j M"  # 26 Nov, only before a day of the same year
HEADING_FORMAT = "l j F Y"  # Thursday 26 November 2026


class Formats(NamedTuple):
    day: str
    day_in_year: str
    heading: str


# The same shapes in each language, written as that language writes them: Spanish keeps month
# names in lower case and says "de" in the long form ("jueves 26 de noviembre de 2026").
FORMATS = {
    "en": Formats(DAY_FORMAT, DAY_IN_YEAR_FORMAT, HEADING_FORMAT),
    "es": Formats("j b Y", "j b", r"l j \d\e F \d\e Y"),  # 26 nov 2026, jueves 26 de …
}


def formats(language: str | None = None) -> Formats:
    """The format strings of `language` (default: the active one); English for any other."""
    code = (language or get_language() or "en").split("-")[0]
    return FORMATS.get(code, FORMATS["en"])


def day_text(day: date) -> str:
    """A day in running text: "26 Nov 2026" (the portal's one written format); "26 nov 2026"
    in Spanish."""
    language = get_language()
    return _formatted(day, formats(language).day, language)


def heading_date(day: date) -> str:
    """A day in a page heading: "Thursday 26 November 2026"; "jueves 26 de noviembre de 2026"."""
    language = get_language()
    return _formatted(day, formats(language).heading, language)


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
        start = dateformat.format(first, formats().day_in_year)
    else:
        start = day_text(first)
    return _("%(start)s to %(end)s") % {"start": start, "end": day_text(last)}
