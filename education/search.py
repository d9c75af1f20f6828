"""Search over guides and the glossary.

PostgreSQL: full-text search (weighted title > summary > body, English stemming, prefix match)
with its own ranking and headlines. SQLite: the same ranking idea in Python over the 20-odd guides.
Both legs correct misspelt words against the guides' own vocabulary first ("protien" → protein).
"""

import difflib
import html
import re
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection
from django.db.models import Count, Max
from django.utils.safestring import SafeString, mark_safe

from education.models import GlossaryTerm, Guide

WORD_RE = re.compile(r"[a-z0-9]+(?:['’-][a-z0-9]+)*")
MIN_WORD = 3
SNIPPET_CHARS = 180
MARK_START, MARK_END = "\x02", "\x03"


@dataclass(frozen=True)
class Hit:
    kind: str  # "guide" or "term"
    title: str
    url: str
    summary: str
    snippet: SafeString
    score: float


@dataclass(frozen=True)
class Results:
    query: str
    words: tuple[str, ...]
    corrected: str | None  # the query as searched, when a word was corrected
    guides: list[Hit]
    terms: list[Hit]

    @property
    def count(self) -> int:
        return len(self.guides) + len(self.terms)


def words_of(text: str) -> list[str]:
    return WORD_RE.findall(text.lower())


@lru_cache(maxsize=4)
def _vocabulary(version) -> frozenset[str]:
    texts = Guide.objects.values_list("title", "summary", "plain_text")
    terms = GlossaryTerm.objects.values_list("term", "definition")
    words = set()
    for row in [*texts, *terms]:
        for text in row:
            words.update(w for w in words_of(text) if len(w) >= MIN_WORD)
    return frozenset(words)


def vocabulary() -> frozenset[str]:
    version = Guide.objects.aggregate(latest=Max("updated_at"), count=Count("pk"))
    return _vocabulary((version["latest"], version["count"]))


def correct(words: list[str], known: frozenset[str]) -> list[str]:
    """Replace each unknown word with the closest known one, if one is close enough."""
    fixed = []
    for word in words:
        if len(word) < MIN_WORD or word in known or any(k.startswith(word) for k in known):
            fixed.append(word)
            continue
        match = difflib.get_close_matches(word, known, n=1, cutoff=0.75)
        fixed.append(match[0] if match else word)
    return fixed


def highlight(text: str, words: list[str], limit: int = SNIPPET_CHARS) -> SafeString:
    """An escaped excerpt around the first match, with each match in <mark>."""

    pattern = prefix_pattern(words)
    first = pattern.search(text) if pattern else None
    start = 0 if first is None else max(0, first.start() - limit // 3)
    if start:
        start = text.find(" ", start) + 1
    excerpt = text[start : start + limit]
    if start + limit < len(text):
        excerpt = excerpt.rsplit(" ", 1)[0] + " …"
    if start:
        excerpt = "… " + excerpt
    if pattern:
        excerpt = pattern.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_END}", excerpt)
    return marked(excerpt)


def marked(text: str) -> SafeString:
    escaped = html.escape(text)
    return mark_safe(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))  # noqa: S308


def prefix_pattern(words: list[str]):
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\w*", re.IGNORECASE)


def search(query: str, limit: int = 30) -> Results:
    query = " ".join(query.split())[:200]
    raw = [w for w in words_of(query) if len(w) >= 2]
    if not raw:
        return Results(query, (), None, [], [])
    words = correct(raw, vocabulary())
    corrected = " ".join(words) if words != raw else None
    if connection.vendor == "postgresql":
        guides = search_guides_postgres(words)
    else:
        guides = search_guides_python(words)
    return Results(
        query, tuple(words), corrected, ranked(guides, limit), ranked(search_terms(words), limit)
    )


def ranked(hits: list[Hit], limit: int) -> list[Hit]:
    return sorted(hits, key=lambda hit: (-hit.score, hit.title))[:limit]


def score_text(title: str, summary: str, body: str, words: list[str]) -> float:
    score = 0.0
    for word in words:
        word_pattern = prefix_pattern([word])
        in_title = len(word_pattern.findall(title))
        in_summary = len(word_pattern.findall(summary))
        in_body = min(len(word_pattern.findall(body)), 10)
        if not (in_title or in_summary or in_body):
            return 0.0  # every word must appear somewhere
        score += 10 * in_title + 4 * in_summary + in_body
    return score


def search_guides_python(words: list[str]) -> list[Hit]:
    hits = []
    for guide in Guide.objects.only("slug", "title", "summary", "plain_text"):
        score = score_text(guide.title, guide.summary, guide.plain_text, words)
        if score:
            hits.append(
                Hit(
                    "guide",
                    guide.title,
                    guide.get_absolute_url(),
                    guide.summary,
                    highlight(guide.plain_text, words),
                    score,
                )
            )
    return hits


def search_guides_postgres(words: list[str]) -> list[Hit]:
    from django.contrib.postgres.search import (
        SearchHeadline,
        SearchQuery,
        SearchRank,
        SearchVector,
    )

    # Each word may be the start of a longer one (foam → foamy); words are [a-z0-9] only.
    tsquery = " & ".join(f"{word}:*" for word in words if word.isalnum())
    if not tsquery:
        return []
    query = SearchQuery(tsquery, search_type="raw", config="english")
    vector = (
        SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("plain_text", weight="C", config="english")
    )
    rows = (
        Guide.objects.annotate(search_vector=vector)
        .filter(search_vector=query)
        .annotate(
            rank=SearchRank(vector, query),
            headline=SearchHeadline(
                "plain_text",
                query,
                config="english",
                start_sel=MARK_START,
                stop_sel=MARK_END,
                max_words=35,
                min_words=20,
            ),
        )
        .only("slug", "title", "summary")
    )
    return [
        Hit("guide", g.title, g.get_absolute_url(), g.summary, marked(g.headline), 100 * g.rank)
        for g in rows
    ]


def search_terms(words: list[str]) -> list[Hit]:
    hits = []
    for term in GlossaryTerm.objects.all():
        names = " ".join([term.term, *term.also])
        score = score_text(names, "", term.definition, words)
        if score:
            hits.append(
                Hit(
                    "term",
                    term.term,
                    term.get_absolute_url(),
                    "",
                    highlight(term.definition, words),
                    score,
                )
            )
    return hits
