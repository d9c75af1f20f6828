"""Lists stay whole in the visit summary PDF (issue #13): no list heading is left at the foot of a
column or page, apart from its first line, and the sections keep DESIGN.md's fixed order.

These tests read WeasyPrint's layout (HTML(...).render()), not the PDF's text: which page and
which of the two columns each heading and each list item landed in."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.template.loader import render_to_string

from fsgs_portal.management.commands.seed_demo import RELAPSE_START
from fsgs_portal.pdf import PDF_BASE_URL, SUMMARY_STYLESHEETS, _fetcher_class, _print_styles
from tests.test_summary_views import demo  # noqa: F401  (the seeded demo year, once per module)
from tracker import summary

pytestmark = pytest.mark.django_db

# The headings of the two-column part, in DESIGN.md's fixed order (sections 5 and 6, then the
# words the summary uses).
LIST_HEADINGS = [
    "Medicines",
    "Taken on",
    "Changes in the period",
    "Events and alerts",
    "Also ticked in the diary",
    "Alerts that fired",
    "Questions for this visit",
    "Words used",
]
HEADING_TAGS = {"h2", "h3"}
# What a heading introduces: the list, or the sentence that says there is none.
CONTENT_TAGS = {"li", "p", "dt", "dd", "tr"}


@dataclass(frozen=True)
class Placed:
    tag: str
    text: str
    page: int
    x: float
    top: float
    bottom: float


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def layout(visit) -> list[Placed]:
    """Every heading and list line of the printed summary, in the order WeasyPrint laid them out:
    the first fragment of each element (where a reader meets it)."""
    from weasyprint import HTML

    html = render_to_string("pdf/summary.html", {"summary": visit})
    fonts, sheets = _print_styles(SUMMARY_STYLESHEETS)
    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=_fetcher_class()()).render(
        stylesheets=sheets, font_config=fonts
    )
    placed, seen, middle = [], set(), None
    for number, page in enumerate(document.pages, start=1):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            tag = getattr(box, "element_tag", None)
            classes = (element.get("class") or "").split() if element is not None else []
            if middle is None and "summary-columns" in classes:
                middle = box.content_box_x() + box.width / 2
            if element is None or tag not in HEADING_TAGS | CONTENT_TAGS or id(element) in seen:
                continue
            seen.add(id(element))
            top = box.position_y
            placed.append(
                Placed(tag, _text(element), number, box.position_x, top, top + box.margin_height())
            )
    return placed, len(document.pages), middle


def in_columns(placed: list[Placed], medicines: str = "Medicines") -> list[Placed]:
    """From the medicines heading on: the two-column part of the page, then the words used."""
    start = next(i for i, p in enumerate(placed) if p.tag == "h2" and p.text == medicines)
    return placed[start:]


def column_of(item: Placed, middle: float) -> tuple[int, str]:
    return item.page, "left" if item.x < middle else "right"


def visit_for(patient, start, end, paper):
    return summary.build_summary(
        patient, start, end, today=patient.today(), printed_by="Test", paper=paper
    )


def relapse_month(patient, paper):
    start = patient.today() - timedelta(days=RELAPSE_START)
    return visit_for(patient, start, start + timedelta(days=30), paper)


def the_year(patient, paper):
    end = patient.today()
    return visit_for(patient, end - timedelta(days=364), end, paper)


def ninety_days(patient, paper):
    end = patient.today()
    return visit_for(patient, end - timedelta(days=89), end, paper)


PRINTS = [
    ("relapse month", relapse_month, 1),
    ("90 days", ninety_days, 1),
    ("year", the_year, 2),
]


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize(("name", "period", "pages"), PRINTS, ids=[p[0] for p in PRINTS])
def test_no_list_heading_is_left_behind(demo, paper, name, period, pages):  # noqa: F811
    placed, page_count, middle = layout(period(demo, paper))
    assert page_count == pages
    assert_lists_stay_whole(in_columns(placed), middle, LIST_HEADINGS)


def assert_lists_stay_whole(part: list[Placed], middle: float, list_headings: list[str]):
    """The sections are all there in the fixed order, and no heading ends a column or page."""
    headings = [p for p in part if p.tag in HEADING_TAGS]
    # Every section is there, in the fixed order.
    found = [next((h for h in list_headings if p.text.startswith(h)), None) for p in headings]
    assert [h for h in found if h] == [h for h in list_headings if h in found]
    for heading in headings:
        after = part[part.index(heading) + 1 :]
        # The next line is the heading's own first line (the list's first item, or the sentence
        # that says there is none), never the foot of the column or page.
        first = next((p for p in after if p.tag in CONTENT_TAGS or p.tag == "h3"), None)
        assert first is not None, heading.text
        assert column_of(first, middle) == column_of(heading, middle), (heading.text, first.text)
        assert first.top >= heading.top - 0.5, (heading.text, first.text)


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_relapse_months_lists_are_each_in_one_column(demo, paper):  # noqa: F811
    """The dense month: every short list (alerts, medicines, events, questions) stays together."""
    placed, _, middle = layout(relapse_month(demo, paper))
    assert_each_list_in_one_column(in_columns(placed), middle, "Words used", "Alerts that fired")


def assert_each_list_in_one_column(part: list[Placed], middle: float, words_used: str, alerts: str):
    """Every section's lines land in one column of one page; the words used, which run across
    the page below the columns, on one page."""
    sections, current = {}, None
    for p in part:
        if p.tag in HEADING_TAGS:
            current = p.text
        sections.setdefault(current, set()).add(column_of(p, middle))
    glossary = sections.pop(words_used)
    assert len({page for page, _ in glossary}) == 1
    for heading, columns in sections.items():
        assert len(columns) == 1, heading
    assert any(h.startswith(alerts) for h in sections)
