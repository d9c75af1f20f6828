"""Search over guides and glossary: full text on PostgreSQL, the Python fallback on SQLite."""

import pytest
from django.db import connection

from education.search import correct, highlight, search

pytestmark = pytest.mark.django_db


def test_the_suite_exercises_this_databases_search_leg():
    assert connection.vendor in {"sqlite", "postgresql"}


@pytest.mark.parametrize(
    ("query", "expected_slug"),
    [
        ("foam", "home-monitoring"),
        ("biopsy", "kidney-biopsy"),
        ("prednisone", "treatment-steroids"),
        ("plasma exchange", "plasmapheresis"),
        ("UPCR", "understanding-your-results"),
        ("plasmapheresys", "plasmapheresis"),
        ("dialysis", "kidney-failure-dialysis-transplant"),
        ("blood clot", "blood-clots"),
    ],
)
def test_search_finds_the_right_guide_near_the_top(query, expected_slug):
    results = search(query)
    top = [hit.url for hit in results.guides[:3]]
    assert f"/learn/{expected_slug}/" in top, (query, top)


def test_title_matches_rank_first():
    assert search("plasmapheresis").guides[0].url == "/learn/plasmapheresis/"
    assert search("kidney biopsy").guides[0].url == "/learn/kidney-biopsy/"


def test_glossary_terms_are_found_too():
    assert "/learn/glossary/#podocyte" in [hit.url for hit in search("podocyte").terms]


def test_misspellings_are_corrected_against_the_guides_vocabulary():
    known = frozenset({"protein", "plasmapheresis", "biopsy"})
    assert correct(["protien", "plasmapheresys", "biopsy", "xyzzy"], known) == [
        "protein",
        "plasmapheresis",
        "biopsy",
        "xyzzy",
    ]
    results = search("protien")
    assert results.corrected == "protein"
    assert results.guides == search("protein").guides
    assert len(results.guides) >= 5


def test_every_word_must_match_something():
    assert search("biopsy zzzxqj").guides == []


def test_snippets_are_escaped_and_marked():
    snippet = highlight("Use <b>foam</b> & foamy urine checks", ["foam"])
    assert (
        str(snippet)
        == "Use &lt;b&gt;<mark>foam</mark>&lt;/b&gt; &amp; <mark>foamy</mark> urine checks"
    )


def test_empty_and_punctuation_only_queries_return_nothing():
    assert search("").count == 0
    assert search("?!").count == 0
