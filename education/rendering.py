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

from education.figures import FigureExtension, is_figure_src
from education.readability import (
    fernandez_huerta,
    plain_text,
    reading_grade,
    szigriszt_pazos,
    word_count,
)

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
    grade: Decimal | None  # English only
    words: int
    fernandez_huerta: Decimal | None = None  # Spanish only
    szigriszt_pazos: Decimal | None = None


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


def link_glossary(fragment: str, terms: Iterable, language: str = "en") -> str:
    """Link the first use of each glossary term to its entry, with its definition attached.

    The definition sits in a span the link points to with aria-describedby: screen readers read
    it, CSS shows it on hover and keyboard focus, and without either the link still works.
    Links go to the glossary in the guide's `language`.
    """
    from education.models import reverse_in

    by_phrase = {}
    for term in terms:
        for phrase in term.phrases:
            by_phrase.setdefault(phrase, term)
    if not by_phrase:
        return fragment
    alternatives = "|".join(re.escape(p) for p in sorted(by_phrase, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w-])({alternatives})(?![\w-])", re.IGNORECASE)
    glossary_url = reverse_in(language, "education:glossary")
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


# A link from one guide to another, as the files write it: href="/learn/…".
GUIDE_LINK_RE = re.compile(r'href="/learn/')


def link_in_language(fragment: str, language: str) -> str:
    """Links between guides stay in the guide's language: in a Spanish guide, a link the file
    writes as /learn/<slug>/ goes to /es/learn/<slug>/ (the same slugs in every language)."""
    from education.models import reverse_in

    return GUIDE_LINK_RE.sub(f'href="{reverse_in(language, "education:index")}', fragment)


def render_guide(source: str, terms: Iterable, language: str = "en") -> RenderedGuide:
    body = link_in_language(sanitize(markdown_to_html(source)), language)
    text = plain_text(body)
    if language == "es":
        scores = {
            "grade": None,
            "fernandez_huerta": Decimal(str(fernandez_huerta(text))),
            "szigriszt_pazos": Decimal(str(szigriszt_pazos(text))),
        }
    else:
        scores = {"grade": Decimal(str(reading_grade(text)))}
    return RenderedGuide(
        html=sanitize(link_glossary(body, terms, language)),
        text=text,
        words=word_count(text),
        **scores,
    )


HEADING_RE = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.DOTALL)


def table_of_contents(body_html: str) -> list[tuple[str, str]]:
    """(anchor, heading text) for each section heading of a rendered guide."""
    return [
        (anchor, html.unescape(re.sub(r"<[^>]+>", "", title)))
        for anchor, title in HEADING_RE.findall(body_html)
    ]


# Print mode and visit questions ------------------------------------------------------------------
# A glossary link as link_glossary writes it (attributes in any order, as nh3 may reorder them).
TERM_WITH_DEFINITION_RE = re.compile(
    r'<a [^>]*class="term"[^>]*>(?P<word>.*?)</a>'
    r'<span [^>]*class="term-def"[^>]*>(?P<definition>.*?)</span>',
    re.DOTALL,
)
# The section under the heading with id "visit-questions", up to the next section heading.
VISIT_QUESTIONS_RE = re.compile(r'<h2 id="visit-questions">.*?(?=<h2 |\Z)', re.DOTALL)
QUESTION_LIST_RE = re.compile(r"<ul>.*?</ul>", re.DOTALL)
LIST_ITEM_RE = re.compile(r"<li>(.*?)</li>", re.DOTALL)


def define_terms_for_print(body_html: str) -> str:
    """Paper has no hover: the first use of each glossary term (the one that is linked) keeps
    its word and gets its definition in brackets right after it, as plain text."""

    def in_brackets(match):
        definition = match.group("definition").strip()
        return f'{match.group("word")} <span class="term-print">({definition})</span>'

    return TERM_WITH_DEFINITION_RE.sub(in_brackets, body_html)


def _text_of(fragment: str) -> str:
    without_definitions = TERM_WITH_DEFINITION_RE.sub(r"\g<word>", fragment)
    return html.unescape(" ".join(re.sub(r"<[^>]+>", "", without_definitions).split()))


@dataclass(frozen=True)
class GuidePart:
    """A piece of a guide body: HTML as it is, or a list of questions to offer one by one."""

    html: str = ""
    questions: tuple[str, ...] = ()


def split_visit_questions(body_html: str) -> list[GuidePart]:
    """The body cut so that each list in its "questions for your visit" section stands alone
    (the page offers each question with an "add to my questions" button); one HTML part when
    the guide has no such section."""
    section = VISIT_QUESTIONS_RE.search(body_html)
    if section is None:
        return [GuidePart(html=body_html)]
    parts, position = [], 0
    for found in QUESTION_LIST_RE.finditer(body_html, section.start(), section.end()):
        questions = tuple(_text_of(item) for item in LIST_ITEM_RE.findall(found.group(0)))
        parts.append(GuidePart(html=body_html[position : found.start()]))
        parts.append(GuidePart(questions=questions))
        position = found.end()
    parts.append(GuidePart(html=body_html[position:]))
    return [part for part in parts if part.html or part.questions]
