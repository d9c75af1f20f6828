"""Reading level of rendered guide text (Flesch–Kincaid grade, via textstat).

Each block (paragraph, list item, heading, table cell) counts as its own sentence,
so a heading without a full stop is not glued onto the paragraph after it.
"""

from html.parser import HTMLParser

import textstat

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


def word_count(text: str) -> int:
    return textstat.lexicon_count(text)
