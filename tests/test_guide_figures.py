"""Guide diagrams (issue #16): the SVG files, the Markdown figure, the sanitiser's refusals, the
figures in the guide PDF, and the diary's links that land on them."""

import io
import logging
import re
from datetime import date
from pathlib import Path

import frontmatter
import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from education.figures import FigureError, figure_file, figure_url
from education.loader import CONTENT_DIR
from education.models import Guide
from education.rendering import render_guide, sanitize
from tests.test_pdf_structure import flat, structure, tags
from tracker.guides import HOME_MONITORING, MEASURE_FIGURES

DIAGRAMS = Path(settings.BASE_DIR) / "static" / "img" / "guides"
# The names the guide text and the diagrams share (the brief's contract).
NAMES = [
    "kidney-filter",
    "kidney-biopsy",
    "plasma-exchange",
    "swelling-grades",
    "dipstick-pads",
    "weighing",
    "blood-pressure-position",
    "steroid-taper",
]
IMAGE_RE = re.compile(r"!\[")
FIGURE_RE = re.compile(
    r'<figure class="guide-figure" id="figure-([a-z0-9-]+)"><img ([^>]*)>'
    r"<figcaption>(.*?)</figcaption></figure>",
    re.DOTALL,
)
SWELLING = (
    "![Four feet from grade 0 to grade 3, each with the dent a finger press leaves.]"
    '(figures/swelling-grades.svg "Swelling grades 0 to 3: press, lift, look")'
)
DIPSTICK = (
    "![Six color pads in a row, from negative and trace to 1+, 2+, 3+ and 4+.]"
    '(figures/dipstick-pads.svg "The dipstick pads, from no protein to a lot")'
)


def figures_in(html: str) -> list[tuple[str, str, str]]:
    """(name, img attributes, caption) of each guide figure in rendered HTML."""
    return FIGURE_RE.findall(html)


# The SVG files ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_each_diagram_is_a_small_self_contained_svg_without_words(name):
    svg = (DIAGRAMS / f"{name}.svg").read_text(encoding="utf-8")
    assert len(svg.encode()) < 8 * 1024
    assert re.search(r'viewBox="0 0 \d+ \d+"', svg)
    # Nothing to load and nothing to run: no links out, no scripts, no embedded images.
    assert not re.search(r"<script|<image|<foreignObject|href=\"(?!#)|url\((?!#)", svg)
    # Words live in the caption and alt text (translatable); the picture has numbers and symbols.
    for text in re.findall(r"<text[^>]*>(.*?)</text>", svg):
        assert re.fullmatch(r"[0-9+\u2212\u00b1 ]+|mg", text), text


def test_every_diagram_in_the_folder_is_one_the_guides_may_use():
    assert sorted(path.stem for path in DIAGRAMS.glob("*.svg")) == sorted(NAMES)


# The guides' own figures -------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(CONTENT_DIR.glob("*.md")), ids=lambda path: path.stem)
def test_every_image_in_a_guide_is_a_diagram_that_exists_with_caption_and_alt(path):
    source = frontmatter.load(path).content
    rendered = render_guide(source, []).html
    found = figures_in(rendered)
    # An image that is not a figure of ours would have been dropped: none may be.
    assert len(found) == len(IMAGE_RE.findall(source)), path.name
    for name, attributes, caption in found:
        assert figure_file(name) is not None, name
        assert re.search(r'alt="[^"]{20,}"', attributes), name
        assert caption.strip(), name


def test_a_guide_that_names_a_missing_diagram_fails_to_render():
    with pytest.raises(FigureError, match="no-such-picture"):
        render_guide('![A picture.](figures/no-such-picture.svg "Caption")', [])


@pytest.mark.parametrize(
    "markdown",
    [
        '![](figures/weighing.svg "A caption but no text alternative")',
        "![A text alternative but no caption.](figures/weighing.svg)",
    ],
)
def test_a_figure_needs_both_a_caption_and_a_text_alternative(markdown):
    with pytest.raises(FigureError, match="caption"):
        render_guide(markdown, [])


def test_a_diagram_is_shown_once_per_guide_so_its_anchor_is_unique():
    with pytest.raises(FigureError, match="twice"):
        render_guide(f"{SWELLING}\n\nText.\n\n{SWELLING}", [])


def test_a_lone_image_becomes_a_lazy_figure_sized_from_its_viewbox():
    html = render_guide(f"Before.\n\n{SWELLING}\n\nAfter.", []).html
    [(name, attributes, caption)] = figures_in(html)
    assert name == "swelling-grades"
    assert caption == "Swelling grades 0 to 3: press, lift, look"
    svg = (DIAGRAMS / "swelling-grades.svg").read_text()
    width, height = re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).groups()
    assert f'width="{width}"' in attributes
    assert f'height="{height}"' in attributes
    assert 'loading="lazy"' in attributes
    assert 'decoding="async"' in attributes
    assert f'src="{figure_url("swelling-grades")}"' in attributes
    assert figure_url("swelling-grades") == "/static/img/guides/swelling-grades.svg"


def test_the_caption_counts_as_its_own_sentence_and_gets_no_glossary_link():
    term = type("Term", (), {"slug": "dipstick", "phrases": ["dipstick"], "definition": "A strip."})
    rendered = render_guide(f"{DIPSTICK}\n\nDip the dipstick in urine.", [term])
    caption = re.search(r"<figcaption>(.*?)</figcaption>", rendered.html).group(1)
    assert "<a" not in caption
    assert 'href="/learn/glossary/#dipstick"' in rendered.html  # linked in the text instead
    assert "The dipstick pads, from no protein to a lot. Dip" in rendered.text


# The sanitiser refuses every other image ---------------------------------------------------------

OUTSIDE = [
    "http://127.0.0.1:1/",
    "https://example.org/static/img/guides/weighing.svg",
    "//example.org/static/img/guides/weighing.svg",
    "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "../img/guides/weighing.svg",
    "/static/img/guides/../../secret.svg",
    "/static/img/other.svg",
    "/static/img/guides/weighing.png",
    "/media/img/guides/weighing.svg",
    "figures/weighing.png",
    "figures/../weighing.svg",
]


@pytest.mark.parametrize("src", OUTSIDE)
def test_the_sanitiser_drops_any_image_outside_the_guide_diagrams(src):
    assert "<img" not in sanitize(f'<p>Look <img src="{src}" alt="x"> here</p>')


@pytest.mark.parametrize("src", OUTSIDE)
def test_markdown_images_outside_the_guide_diagrams_are_dropped(src):
    for markdown in (f'![x]({src} "Caption")', f"Look ![x]({src}) here."):
        html = render_guide(markdown, []).html
        assert "<img" not in html, html
        assert "<figure" not in html, html


def test_a_diagram_inside_a_sentence_is_dropped_but_the_sentence_stays():
    html = render_guide('Look ![x](figures/weighing.svg "Caption") at this.', []).html
    assert "<img" not in html
    assert "Look  at this." in html


def test_the_sanitiser_keeps_our_own_diagram_and_the_figure_markup():
    html = render_guide(SWELLING, []).html
    assert sanitize(html) == html
    assert "<img" in sanitize(f'<img src="{figure_url("weighing")}" alt="A scale.">')


# The guide page and its PDF ----------------------------------------------------------------------


@pytest.fixture
def figure_guide(db):
    """A guide made for the test, with two figures, the way home-monitoring shows them."""
    return Guide.objects.create(
        slug="figures-test",
        title="Figures test guide",
        summary="A guide that shows two pictures.",
        audience="Tests",
        topic="Daily life and home care",
        order=99,
        last_reviewed=date(2026, 11, 29),
        reviewed_by="Tests",
        sources=["Tests"],
        body_markdown=(
            "## Swelling {#swelling}\n\nPress the skin.\n\n"
            f"{SWELLING}\n\n## Dipstick {{#dipstick}}\n\nDip the strip.\n\n{DIPSTICK}\n"
        ),
    )


def test_the_guide_page_shows_the_figures_lazy_loaded(client, figure_guide):
    page = client.get(reverse("education:guide", kwargs={"slug": figure_guide.slug}))
    html = page.content.decode()
    assert [name for name, _a, _c in figures_in(html)] == ["swelling-grades", "dipstick-pads"]
    assert html.count('loading="lazy"') == 2


def test_the_guide_pdf_draws_each_figure_with_its_caption_and_text_alternative(
    client, figure_guide, caplog
):
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = client.get(reverse("education:guide_pdf", kwargs={"slug": figure_guide.slug})).content
    assert not [record.getMessage() for record in caplog.records if record.levelno >= 30]
    text = flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    assert "Swelling grades 0 to 3: press, lift, look" in text
    assert "The dipstick pads, from no protein to a lot" in text
    _catalog, elements = structure(pdf)
    figures = [element for element in elements if element["/S"] == "/Figure"]
    assert [flat(figure["/Alt"]) for figure in figures] == [
        "Four feet from grade 0 to grade 3, each with the dent a finger press leaves.",
        "Six color pads in a row, from negative and trace to 1+, 2+, 3+ and 4+.",
    ]
    assert "/H2" in tags(elements)
    # The pictures are drawn: each SVG becomes vector paths in the page (an XObject form).
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert page["/Resources"]["/XObject"]


# The diary lands on the picture ------------------------------------------------------------------

MEASURED_WITH_A_PICTURE = set(MEASURE_FIGURES.values())


def test_the_diary_links_name_diagrams_that_exist():
    for name in MEASURED_WITH_A_PICTURE:
        assert figure_file(name) is not None, name


def test_home_monitoring_shows_every_picture_the_diary_links_to(guides):
    html = Guide.objects.get(language="en", slug=HOME_MONITORING).body_html
    assert {name for name, _a, _c in figures_in(html)} >= MEASURED_WITH_A_PICTURE
