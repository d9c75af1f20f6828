"""The visit summary in Spanish fits the same pages as in English (issues #13 and #17): the
relapse month and 90 days on one page, the year on two, in A4 and Letter, and no list heading
is left at the foot of a column or page.

Spanish lines run longer than English ones, so these print the seeded demo in Spanish through
the same layout reader and checks as tests/test_summary_lists.py."""

import pytest
from django.utils import translation

from tests.test_summary_lists import (
    PRINTS,
    assert_each_list_in_one_column,
    assert_lists_stay_whole,
    in_columns,
    layout,
    relapse_month,
)
from tests.test_summary_views import demo  # noqa: F401  (the seeded demo year, once per module)

pytestmark = pytest.mark.django_db

# The headings of the two-column part, in DESIGN.md's fixed order, as the msgids the template
# uses (translated below, so a shorter Spanish wording keeps these tests in step).
LIST_MSGIDS = [
    "Medicines",
    "Taken on %(date)s",
    "Changes in the period",
    "Events and alerts",
    "Also ticked in the diary (“Anything else today?”)",
    "Alerts that fired",
    "Questions for this visit",
    "Words used",
]


def spanish_headings() -> list[str]:
    """The Spanish headings, each cut before its first placeholder (a heading starts with it)."""
    with translation.override("es"):
        words = [translation.gettext(msgid).split("%(")[0].strip() for msgid in LIST_MSGIDS]
    assert words[0] != "Medicines"  # the Spanish catalogue is compiled and loaded
    return words


def in_spanish(period, patient, paper):
    """`period`'s summary built and laid out in Spanish, as the PDF view does with ?language=es."""
    with translation.override("es"):
        return layout(period(patient, paper))


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize(("name", "period", "pages"), PRINTS, ids=[p[0] for p in PRINTS])
def test_the_spanish_summary_fits_its_pages(demo, paper, name, period, pages):  # noqa: F811
    headings = spanish_headings()
    placed, page_count, middle = in_spanish(period, demo, paper)
    assert page_count == pages
    assert_lists_stay_whole(in_columns(placed, headings[0]), middle, headings)


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_spanish_relapse_months_lists_are_each_in_one_column(demo, paper):  # noqa: F811
    headings = spanish_headings()
    placed, _, middle = in_spanish(relapse_month, demo, paper)
    part = in_columns(placed, headings[0])
    assert_each_list_in_one_column(part, middle, words_used=headings[-1], alerts=headings[5])
