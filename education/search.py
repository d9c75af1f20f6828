"""Search over guides and the glossary.

PostgreSQL: full-text search (weighted title > summary > body, English stemming, prefix match)
with its own ranking and headlines. SQLite: the same ranking idea in Python over the 20-odd guides.
Everyday words come first: "pee" is searched as urine, "water pills" as diuretic or water pill
(education/content/synonyms.yaml, next to the glossary). Only then are misspelt words corrected
against the guides' own vocabulary ("protien" → protein), and never a word or phrase the everyday
list knows, nor a word the guides use: "foamy pee" is not "corrected" to "foamy piece".

Each language searches its own guides, glossary and everyday words (content/es/synonyms.yaml:
"pis" → orina). Accents never matter (riñón = rinon): PostgreSQL's `spanish` configuration
with the unaccent dictionary (migration education/0002), and on SQLite every text is folded to
unaccented letters and Spanish plurals are cut to their singular (riñones → riñon).
"""

import difflib
import html
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import yaml
from django.db import connection
from django.db.models import Count, Max
from django.utils.safestring import SafeString, mark_safe

from education.models import GlossaryTerm, Guide, Language

WORD_RE = re.compile(r"[a-z0-9]+(?:['’-][a-z0-9]+)*")
MIN_WORD = 3
SNIPPET_CHARS = 180
MARK_START, MARK_END = "\x02", "\x03"
CONTENT_DIR = Path(__file__).resolve().parent / "content"
SYNONYMS_FILES = {
    Language.ENGLISH: CONTENT_DIR / "synonyms.yaml",
    Language.SPANISH: CONTENT_DIR / "es" / "synonyms.yaml",
}
# PostgreSQL text search configurations; spanish_unaccent is made by migration education/0002.
SEARCH_CONFIGS = {Language.ENGLISH: "english", Language.SPANISH: "spanish_unaccent"}
LONGEST_PHRASE = 3  # words in the longest everyday phrase looked up
SAME_LENGTH_BELOW = 5  # a word this short is only corrected to one of the same length


@dataclass(frozen=True)
class Hit:
    kind: str  # "guide" or "term"
    title: str
    url: str
    summary: str
    snippet: SafeString
    score: float
    section_title: str = ""  # the guide's section that matches best, when one matches every word
    section_url: str = ""


@dataclass(frozen=True)
class Results:
    query: str
    words: tuple[str, ...]
    corrected: str | None  # the query as searched, when a word was corrected
    guides: list[Hit]
    terms: list[Hit]
    everyday: tuple[tuple[str, str], ...] = ()  # ("pee", "urine"): also searched for

    @property
    def count(self) -> int:
        return len(self.guides) + len(self.terms)


class _FoldTable(dict):
    """For str.translate: each character's unaccented letter, worked out once per character."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        decomposed = unicodedata.normalize("NFKD", char)
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        self[code] = folded = base if len(base) == 1 else char
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """The text without accents ("Riñón" → "Rinon"), letter for letter: same length, so a
    match found in the folded text marks the same place in the original."""
    return text if text.isascii() else text.translate(_FOLD_TABLE)


def words_of(text: str) -> list[str]:
    return WORD_RE.findall(fold(text.lower()))


def spanish_stem(word: str) -> str:
    """A Spanish plural cut to its singular, simply: riñones → riñon, pastillas → pastilla,
    pies → pie. Searches match words that start with the stem, so the singular finds both."""
    if len(word) > 4 and word.endswith("es") and word[-3] not in "aeiou":
        return word[:-2]
    if len(word) > 3 and word.endswith("s"):
        return word[:-1]
    return word


@lru_cache(maxsize=4)
def _vocabulary(version, language) -> frozenset[str]:
    texts = Guide.objects.filter(language=language).values_list("title", "summary", "plain_text")
    terms = GlossaryTerm.objects.filter(language=language).values_list("term", "definition")
    words = set()
    for row in [*texts, *terms]:
        for text in row:
            words.update(w for w in words_of(text) if len(w) >= MIN_WORD)
    return frozenset(words)


def vocabulary(language: str = Language.ENGLISH) -> frozenset[str]:
    guides = Guide.objects.filter(language=language)
    version = guides.aggregate(latest=Max("updated_at"), count=Count("pk"))
    return _vocabulary((version["latest"], version["count"]), language)


def everyday_words(language: str = Language.ENGLISH) -> dict[str, tuple[str, ...]]:
    return _everyday_words(SYNONYMS_FILES[language])


@lru_cache(maxsize=4)
def _everyday_words(path: Path) -> dict[str, tuple[str, ...]]:
    """{"pee": ("urine",), "water pills": ("diuretic", "water pill"), …} from synonyms.yaml
    (none while a language has no such file yet)."""
    table: dict[str, tuple[str, ...]] = {}
    if not path.exists():
        return table
    for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
        if not (entry.get("means") and entry.get("words")):
            raise ValueError(f"{path.name}: entry {entry!r} needs `means` and `words`")
        means = tuple(" ".join(words_of(str(m))) for m in entry["means"])
        for word in entry["words"]:
            table[" ".join(words_of(str(word)))] = means
    return table


@dataclass(frozen=True)
class Term:
    """What one typed word (or everyday phrase) is searched as: any of `alternatives`."""

    typed: str
    alternatives: tuple[str, ...]
    everyday: bool = False


def everyday_terms(
    raw: list[str], known: frozenset[str], language: str = Language.ENGLISH
) -> list[Term]:
    """Group the typed words, longest everyday phrase first ("water pills" is one term)."""
    table = everyday_words(language)
    terms, i = [], 0
    while i < len(raw):
        for size in range(min(LONGEST_PHRASE, len(raw) - i), 0, -1):
            typed = " ".join(raw[i : i + size])
            means = table.get(typed) or table.get(typed.replace("-", " "))
            if means:
                # The typed word too, when the guides use it ("puffy"), never as a mere prefix.
                own = (typed,) if typed in known and typed not in means else ()
                terms.append(Term(typed, means + own, everyday=True))
                i += size
                break
        else:
            terms.append(Term(raw[i], (raw[i],)))
            i += 1
    return terms


def close_match(word: str, known: frozenset[str]) -> str:
    """The known word closest to an unknown one, or the word itself. A short word is only
    corrected to one of the same length (a slip of one letter), never to a longer word."""
    if len(word) < MIN_WORD or word in known or any(k.startswith(word) for k in known):
        return word
    pool = known if len(word) >= SAME_LENGTH_BELOW else [k for k in known if len(k) == len(word)]
    match = difflib.get_close_matches(word, pool, n=1, cutoff=0.75)
    return match[0] if match else word


def correct(words: list[str], known: frozenset[str], language: str = Language.ENGLISH) -> list[str]:
    """Replace each unknown word with the closest known one, if one is close enough; an
    everyday word (a key of synonyms.yaml) is known, not misspelt."""
    table = everyday_words(language)
    return [word if word in table else close_match(word, known) for word in words]


def highlight(text: str, words: list[str], limit: int = SNIPPET_CHARS) -> SafeString:
    """An escaped excerpt around the first match, with each match in <mark>."""

    pattern = prefix_pattern(words)
    first = pattern.search(fold(text)) if pattern else None
    start = 0 if first is None else max(0, first.start() - limit // 3)
    if start:
        start = text.find(" ", start) + 1
    excerpt = text[start : start + limit]
    if start + limit < len(text):
        excerpt = excerpt.rsplit(" ", 1)[0] + " …"
    if start:
        excerpt = "… " + excerpt
    if pattern:
        excerpt = mark_matches(excerpt, pattern)
    return marked(excerpt)


def mark_matches(text: str, pattern) -> str:
    """Each match of `pattern` in the folded text, marked in the original (accents kept)."""
    out, position = [], 0
    for match in pattern.finditer(fold(text)):
        out += [text[position : match.start()], MARK_START, text[match.start() : match.end()]]
        out.append(MARK_END)
        position = match.end()
    return "".join([*out, text[position:]])


def marked(text: str) -> SafeString:
    escaped = html.escape(text)
    return mark_safe(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))  # noqa: S308


def prefix_pattern(words: list[str]):
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\w*", re.IGNORECASE)


def search(query: str, language: str = Language.ENGLISH, limit: int = 30) -> Results:
    query = " ".join(query.split())[:200]
    raw = [w for w in words_of(query) if len(w) >= 2]
    if not raw:
        return Results(query, (), None, [], [])
    known = vocabulary(language)
    terms = [
        term if term.everyday else Term(term.typed, (close_match(term.typed, known),))
        for term in everyday_terms(raw, known, language)
    ]
    words = [term.typed if term.everyday else term.alternatives[0] for term in terms]
    corrected = " ".join(words) if words != [term.typed for term in terms] else None
    groups = [term.alternatives for term in terms]
    # PostgreSQL's own Spanish stemmer gets the words as typed: cutting "anticoagulantes" to
    # "anticoagulant" first would stop it reaching "anticoagul", the form in the index.
    postgres_groups = groups
    if language == Language.SPANISH:
        groups = [tuple(" ".join(map(spanish_stem, a.split())) for a in g) for g in groups]
    if connection.vendor == "postgresql":
        guides = search_guides_postgres(postgres_groups, language)
    else:
        guides = search_guides_python(groups, language)
    guides = with_sections(ranked(guides, limit), groups, language)
    everyday = tuple(
        (term.typed, " / ".join(a for a in term.alternatives if a != term.typed))
        for term in terms
        if term.everyday and term.typed not in known
    )
    return Results(
        query,
        tuple(words),
        corrected,
        guides,
        ranked(search_terms(groups, language), limit),
        everyday,
    )


def ranked(hits: list[Hit], limit: int) -> list[Hit]:
    return sorted(hits, key=lambda hit: (-hit.score, hit.title))[:limit]


HEADING_RE = re.compile(r"^#{2,3} +(.+?) +\{#([\w-]+)\} *$", re.MULTILINE)
MARKUP_RE = re.compile(r"[*_`>|#\[\]]|\]\([^)]*\)")


def best_section(markdown: str, groups: list[tuple[str, ...]]) -> tuple[str, str] | None:
    """(heading, anchor) of the section of a guide that matches every group best, if any."""
    headings = list(HEADING_RE.finditer(markdown))
    best, best_score = None, 0.0
    for i, heading in enumerate(headings):
        end = headings[i + 1].start() if i + 1 < len(headings) else len(markdown)
        text = MARKUP_RE.sub(" ", markdown[heading.end() : end])
        score = score_text(heading.group(1), "", text, groups)
        if score > best_score:
            best, best_score = (heading.group(1), heading.group(2)), score
    return best


def with_sections(hits: list[Hit], groups: list[tuple[str, ...]], language: str) -> list[Hit]:
    """Point each guide hit at its best-matching section ("foamy pee" → symptoms#foam)."""
    if not hits:
        return hits
    guides = Guide.objects.filter(language=language).only("slug", "language", "body_markdown")
    markdown = {guide.get_absolute_url(): guide.body_markdown for guide in guides}
    found = []
    for hit in hits:
        section = best_section(markdown.get(hit.url, ""), groups)
        if section:
            hit = replace(hit, section_title=section[0], section_url=f"{hit.url}#{section[1]}")
        found.append(hit)
    return found


def score_text(title: str, summary: str, body: str, groups: list[tuple[str, ...]]) -> float:
    """Every group must match somewhere, by any of its words (a title counts most)."""
    score = 0.0
    title, summary, body = fold(title), fold(summary), fold(body)
    for group in groups:
        word_pattern = prefix_pattern(list(group))
        in_title = len(word_pattern.findall(title))
        in_summary = len(word_pattern.findall(summary))
        in_body = min(len(word_pattern.findall(body)), 10)
        if not (in_title or in_summary or in_body):
            return 0.0  # every word must appear somewhere
        score += 10 * in_title + 4 * in_summary + in_body
    return score


def flat(groups: list[tuple[str, ...]]) -> list[str]:
    return [word for group in groups for word in group]


def search_guides_python(groups: list[tuple[str, ...]], language: str) -> list[Hit]:
    hits = []
    words = flat(groups)
    guides = Guide.objects.filter(language=language)
    for guide in guides.only("slug", "language", "title", "summary", "plain_text"):
        score = score_text(guide.title, guide.summary, guide.plain_text, groups)
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


def tsquery_text(groups: list[tuple[str, ...]]) -> str:
    """ "(foam:* | foamy:*) & (water:* <-> pill:*)": every group, any of its words; each word
    may be the start of a longer one (foam → foamy); words are [a-z0-9] only."""
    parts = []
    for group in groups:
        alternatives = [
            " <-> ".join(f"{word}:*" for word in phrase.split())
            for phrase in group
            if all(word.isalnum() for word in phrase.split())
        ]
        if alternatives:
            parts.append("(" + " | ".join(f"({a})" for a in alternatives) + ")")
    return " & ".join(parts)


def search_guides_postgres(groups: list[tuple[str, ...]], language: str) -> list[Hit]:
    from django.contrib.postgres.search import (
        SearchHeadline,
        SearchQuery,
        SearchRank,
        SearchVector,
    )

    tsquery = tsquery_text(groups)
    if not tsquery:
        return []
    config = SEARCH_CONFIGS[language]
    query = SearchQuery(tsquery, search_type="raw", config=config)
    vector = (
        SearchVector("title", weight="A", config=config)
        + SearchVector("summary", weight="B", config=config)
        + SearchVector("plain_text", weight="C", config=config)
    )
    rows = (
        Guide.objects.filter(language=language)
        .annotate(search_vector=vector)
        .filter(search_vector=query)
        .annotate(
            rank=SearchRank(vector, query),
            headline=SearchHeadline(
                "plain_text",
                query,
                config=config,
                start_sel=MARK_START,
                stop_sel=MARK_END,
                max_words=35,
                min_words=20,
            ),
        )
        .only("slug", "language", "title", "summary")
    )
    return [
        Hit("guide", g.title, g.get_absolute_url(), g.summary, marked(g.headline), 100 * g.rank)
        for g in rows
    ]


def search_terms(groups: list[tuple[str, ...]], language: str) -> list[Hit]:
    hits = []
    words = flat(groups)
    for term in GlossaryTerm.objects.filter(language=language):
        names = " ".join([term.term, *term.also])
        score = score_text(names, "", term.definition, groups)
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
