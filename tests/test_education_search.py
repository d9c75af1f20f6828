"""Search over guides and glossary: full text on PostgreSQL, the Python fallback on SQLite."""

import pytest
from django.db import connection

from education.search import best_section, correct, everyday_words, highlight, search

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


# Everyday words (education/content/synonyms.yaml) come before spelling correction ---------------


def top_urls(results, n=3):
    return [hit.url for hit in results.guides[:n]]


@pytest.mark.parametrize(
    ("query", "slugs"),
    [
        ("foamy pee", {"home-monitoring", "symptoms", "nephrotic-syndrome"}),
        ("bubbly wee", {"home-monitoring", "symptoms", "nephrotic-syndrome"}),
        ("water pills", {"supportive-care", "nephrotic-syndrome", "genetic-fsgs"}),
        ("puffy eyes", {"symptoms", "home-monitoring", "nephrotic-syndrome"}),
        ("kidney doctor", {"preparing-for-visits"}),
        ("pee test", {"home-monitoring", "symptoms", "understanding-your-results"}),
        ("steroids", {"treatment-steroids"}),
    ],
)
def test_everyday_words_find_the_guide_that_uses_the_medical_word(query, slugs):
    urls = top_urls(search(query))
    assert {f"/learn/{slug}/" for slug in slugs} & set(urls), (query, urls)


def test_foamy_pee_finds_the_urine_foam_sections_and_is_not_corrected():
    results = search("foamy pee")
    assert results.corrected is None  # never "foamy piece"
    assert ("pee", "urine") in results.everyday
    urls = [hit.url for hit in results.guides]
    assert "/learn/symptoms/" in urls
    assert "/learn/home-monitoring/" in urls
    assert "mark>urine" in str(results.guides[0].snippet).lower() or "mark>foam" in str(
        results.guides[0].snippet
    )


def test_water_pills_finds_the_diuretic_glossary_term_and_section():
    results = search("water pills")
    assert "/learn/glossary/#diuretic" in [hit.url for hit in results.terms]
    assert "/learn/supportive-care/" in top_urls(results)


def test_puffy_eyes_finds_swelling_even_where_the_guide_says_swelling():
    puffy = {hit.url for hit in search("puffy eyes").guides}
    swollen = {hit.url for hit in search("swollen eyes").guides}
    assert puffy >= swollen
    assert "/learn/symptoms/" in puffy


def test_everyday_words_are_never_spelling_corrected():
    known = frozenset({"piece", "foamy", "urine", "week"})
    assert correct(["foamy", "pee", "wee", "puffy"], known) == ["foamy", "pee", "wee", "puffy"]


def test_short_words_are_corrected_only_by_a_slip_of_one_letter():
    known = frozenset({"piece", "foam", "sore"})
    assert correct(["pie", "fome", "soer"], known) == ["pie", "foam", "sore"]


def test_a_phrase_key_is_matched_before_its_words():
    assert everyday_words()["water pills"] == ("diuretic", "water pill")
    results = search("Water-pills")
    assert results.corrected is None
    assert results.guides


def test_every_everyday_meaning_is_a_word_the_guides_use():
    """Mapping to a word no guide uses would find nothing: each meaning must find a page."""
    missing = sorted(
        {
            means
            for meanings in everyday_words().values()
            for means in meanings
            if not (search(means).guides or search(means).terms)
        }
    )
    assert missing == []


def test_the_search_page_says_what_an_everyday_word_was_searched_as(client):
    page = client.get("/learn/search/", {"q": "foamy pee"}).content.decode()
    assert "Searched “pee” as <strong>urine</strong>." in page
    assert "Showing results for" not in page


def test_a_guide_hit_points_at_the_section_that_matches():
    sections = {hit.url: hit.section_url for hit in search("foamy pee").guides}
    assert sections["/learn/symptoms/"] == "/learn/symptoms/#foam"
    assert sections["/learn/home-monitoring/"] == "/learn/home-monitoring/#foam"
    water = {hit.url: hit.section_url for hit in search("water pills").guides}
    assert water["/learn/supportive-care/"] == "/learn/supportive-care/#diuretics"


def test_no_section_is_named_when_no_section_has_every_word():
    guide = "## Weight {#weight}\n\nStep on the scale.\n\n## Foam {#foam}\n\nLook at the bowl.\n"
    assert best_section(guide, [("foam",), ("bowl",)]) == ("Foam", "foam")
    assert best_section(guide, [("scale",), ("bowl",)]) is None


def test_the_search_page_links_the_matching_section(client):
    page = client.get("/learn/search/", {"q": "foamy pee"}).content.decode()
    assert '<a href="/learn/symptoms/#foam">Foamy urine</a>' in page
