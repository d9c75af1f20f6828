"""Guide Markdown → safe HTML with glossary links, plus its plain text and reading level.

Markdown comes from the repository's own files, and is sanitised with nh3 all the same.
"""

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import markdown
import nh3
from django.urls import reverse

from education.figures import FigureExtension, is_figure_src
from education.readability import plain_text, reading_grade, word_count

MARKDOWN_EXTENSIONS = ["attr_list", "tables", "sane_lists", FigureExtension()]
ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "a", "strong", "em", "b", "i", "br", "hr",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "span", "code",
    "figure", "figcaption", "img",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "class", "aria-describedby"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "span": {"class", "id", "role"},
    "th": {"scope"},
    "figure": {"class", "id"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
}
# Glossary links are not put inside these: a link in a link, or in a heading, helps nobody.
NO_LINK_INSIDE = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "figcaption"}
# After sanitising, an image whose address was refused has no src left: drop it whole.
IMG_WITHOUT_SRC_RE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")
TAG_RE = re.compile(r"(<[^>]+>)")
TAG_NAME_RE = re.compile(r"<(/?)([a-zA-Z0-9]+)")


@dataclass(frozen=True)
class RenderedGuide:
    html: str
    text: str
    grade: Decimal
    words: int


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Images load only the portal's own guide diagrams (SECURITY.md: no outside requests)."""
    if tag == "img" and attribute == "src" and not is_figure_src(value):
        return None
    return value


def sanitize(fragment: str) -> str:
    cleaned = nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        link_rel=None,
        url_schemes={"https", "mailto", "tel"},
    )
    return IMG_WITHOUT_SRC_RE.sub("", cleaned)


def markdown_to_html(source: str) -> str:
    return markdown.markdown(source, extensions=MARKDOWN_EXTENSIONS, output_format="html")


def link_glossary(fragment: str, terms: Iterable) -> str:
    """Link the first use of each glossary term to its entry, with its definition attached.

    The definition sits in a span the link points to with aria-describedby: screen readers read
    it, CSS shows it on hover and keyboard focus, and without either the link still works.
    """
    by_phrase = {}
    for term in terms:
        for phrase in term.phrases:
            by_phrase.setdefault(phrase, term)
    if not by_phrase:
        return fragment
    alternatives = "|".join(re.escape(p) for p in sorted(by_phrase, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w-])({alternatives})(?![\w-])", re.IGNORECASE)
    glossary_url = reverse("education:glossary")
    linked = set()

    def link(match):
        term = by_phrase[match.group(0).lower()]
        if term.slug in linked:
            return match.group(0)
        linked.add(term.slug)
        return (
            f'<a href="{glossary_url}#{term.slug}" class="term" '
            f'aria-describedby="term-{term.slug}">{match.group(0)}</a>'
            f'<span class="term-def" role="tooltip" id="term-{term.slug}">'
            f"{html.escape(term.definition)}</span>"
        )

    out, skip_depth = [], 0
    for token in TAG_RE.split(fragment):
        if token.startswith("<"):
            name = TAG_NAME_RE.match(token)
            if name and name.group(2).lower() in NO_LINK_INSIDE:
                skip_depth += -1 if name.group(1) else 1
            out.append(token)
        elif skip_depth > 0 or not token.strip():
            out.append(token)
        else:
            out.append(pattern.sub(link, token))
    return "".join(out)


def render_guide(source: str, terms: Iterable) -> RenderedGuide:
    body = sanitize(markdown_to_html(source))
    text = plain_text(body)
    return RenderedGuide(
        html=sanitize(link_glossary(body, terms)),
        text=text,
        grade=Decimal(str(reading_grade(text))),
        words=word_count(text),
    )


HEADING_RE = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.DOTALL)


def table_of_contents(body_html: str) -> list[tuple[str, str]]:
    """(anchor, heading text) for each section heading of a rendered guide."""
    return [
        (anchor, html.unescape(re.sub(r"<[^>]+>", "", title)))
        for anchor, title in HEADING_RE.findall(body_html)
    ]
