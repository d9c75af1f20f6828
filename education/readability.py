"""Reading level of rendered guide text, via textstat 0.7.8: English by Flesch–Kincaid grade,
Spanish by Fernández-Huerta and Szigriszt-Pazos (INFLESZ scale) ease.

Each block (paragraph, list item, heading, table cell) counts as its own sentence,
so a heading without a full stop is not glued onto the paragraph after it.
"""

from html.parser import HTMLParser

import textstat
from django.utils.translation import gettext_noop
from textstat.textstat import textstatistics

BLOCK_TAGS = {
    "p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "caption", "figcaption",
}  # fmt: skip
SENTENCE_END = (".", "!", "?", ":", ";")


class _BlockText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.blocks = []
        self._current = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in BLOCK_TAGS:
            self._flush()

    def handle_data(self, data):
        self._current.append(data)

    def _flush(self):
        text = " ".join("".join(self._current).split())
        self._current = []
        if text:
            self.blocks.append(text if text.endswith(SENTENCE_END) else text + ".")

    def close(self):
        super().close()
        self._flush()


def plain_text(html: str) -> str:
    """The visible text of an HTML fragment, one sentence-ended block after another."""
    parser = _BlockText()
    parser.feed(html)
    parser.close()
    return " ".join(parser.blocks)


def reading_grade(text: str) -> float:
    """US school grade (Flesch–Kincaid) of plain text, rounded to one decimal."""
    return round(textstat.flesch_kincaid_grade(text), 1)


# textstat's module functions share one object whose set_lang() changes every later call, in
# every thread. Spanish scores use an object of their own, set to Spanish once and never changed,
# so the English grade above always counts syllables the English way.
_spanish = textstatistics()
_spanish.set_lang("es")

# INFLESZ scale (Barrio-Cantalejo et al., An Sist Sanit Navar 2008): lower bound → label.
INFLESZ_LEVELS = (
    (80, gettext_noop("very easy")),
    (65, gettext_noop("fairly easy")),
    (55, gettext_noop("normal")),
    (40, gettext_noop("somewhat hard")),
    (float("-inf"), gettext_noop("very hard")),
)


def fernandez_huerta(text: str) -> float:
    """Fernández-Huerta ease of Spanish plain text (0–100, higher is easier), one decimal."""
    return round(_spanish.fernandez_huerta(text), 1)


def szigriszt_pazos(text: str) -> float:
    """Szigriszt-Pazos perspicuity (the INFLESZ scale) of Spanish plain text, one decimal."""
    return round(_spanish.szigriszt_pazos(text), 1)


def inflesz_level(score: float) -> str:
    """The INFLESZ label of a Szigriszt-Pazos score ("fairly easy" from 65), untranslated."""
    return next(label for floor, label in INFLESZ_LEVELS if score >= floor)


def word_count(text: str) -> int:
    return textstat.lexicon_count(text)
