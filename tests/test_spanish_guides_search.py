"""Search in Spanish (issue #17): accents ignored (riñón = rinon), plurals, typos and everyday
words (pis, burbujas, hinchado) over the Spanish guides only. The same tests run on SQLite (the
Python search) and on PostgreSQL (spanish + unaccent); the last test is PostgreSQL's own."""

import pytest
from django.db import connection

from education import search as search_module
from education.search import fold, search, spanish_stem
from tests.test_spanish_guides import FIXTURES, _language_reset, spanish  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _spanish_everyday_words(monkeypatch):
    """The sample everyday words stand in for education/content/es/synonyms.yaml."""
    files = {**search_module.SYNONYMS_FILES, "es": FIXTURES / "synonyms.yaml"}
    monkeypatch.setattr(search_module, "SYNONYMS_FILES", files)


def urls(results) -> list[str]:
    return [hit.url for hit in results.guides]


@pytest.mark.parametrize("query", ["riñón", "rinon", "RIÑONES", "riñones", "Rinones"])
@pytest.mark.usefixtures("spanish")
def test_accents_and_case_do_not_matter(query):
    assert "/es/learn/what-is-fsgs/" in urls(search(query, "es"))


@pytest.mark.usefixtures("spanish")
def test_the_snippet_keeps_the_accents_it_matched():
    [hit] = [hit for hit in search("rinon", "es").guides if hit.url == "/es/learn/what-is-fsgs/"]
    assert "<mark>riñ" in hit.snippet


@pytest.mark.usefixtures("spanish")
def test_spanish_search_finds_only_spanish_guides_and_terms():
    results = search("biopsia", "es")
    assert urls(results)
    assert all(url.startswith("/es/learn/") for url in urls(results))
    assert [hit.url for hit in results.terms] == ["/es/learn/glossary/#biopsy"]
    english = search("biopsy")
    assert english.guides
    assert not any("/es/" in url for url in urls(english))


@pytest.mark.parametrize(
    ("query", "means"), [("pis", "orina"), ("burbujas", "espuma"), ("hinchado", "hinchazon")]
)
@pytest.mark.usefixtures("spanish")
def test_everyday_spanish_words_find_the_guide_words(query, means):
    results = search(query, "es")
    assert "/es/learn/what-is-fsgs/" in urls(results)
    assert any(typed == query and means in meaning for typed, meaning in results.everyday)


@pytest.mark.usefixtures("spanish")
def test_misspelt_spanish_words_are_corrected():
    results = search("cicatrises", "es")
    assert results.corrected == "cicatrices"
    assert "/es/learn/what-is-fsgs/" in urls(results)


@pytest.mark.usefixtures("spanish")
def test_every_word_must_match():
    assert search("riñón zzzxqj", "es").guides == []


@pytest.mark.usefixtures("spanish")
def test_spanish_search_page(client):
    page = client.get("/es/learn/search/", {"q": "riñones"}).content.decode()
    assert '<html lang="es">' in page
    assert 'href="/es/learn/what-is-fsgs/"' in page
    assert 'action="/es/learn/search/"' in page


@pytest.mark.parametrize(
    ("word", "stem"),
    [("riñones", "riñon"), ("pastillas", "pastilla"), ("pies", "pie"), ("orina", "orina"),
     ("mes", "mes"), ("análisis", "análisi")],
)  # fmt: skip
def test_spanish_plurals_are_cut_simply(word, stem):
    assert spanish_stem(word) == stem


def test_folding_keeps_every_letters_place():
    assert fold("Riñón, PROTEÍNA, pingüino") == "Rinon, PROTEINA, pinguino"
    text = "ﬁltro ½ ß"
    assert len(fold(text)) == len(text)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own search")
def test_postgres_spanish_configuration_ignores_accents_and_stems(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('spanish_unaccent', 'Los riñones')::text")
        assert cursor.fetchone()[0] == "'rinon':2"
        cursor.execute("SELECT to_tsquery('spanish_unaccent', 'riñón:*')::text")
        assert cursor.fetchone()[0] == "'rinon':*"


@pytest.mark.skipif(
    not search_module.SYNONYMS_FILES["es"].exists(), reason="no es/synonyms.yaml yet"
)
def test_every_spanish_everyday_meaning_is_a_word_the_spanish_guides_use(guides):
    """As in English: a meaning no Spanish guide uses would find nothing."""
    real = {"es": search_module.CONTENT_DIR / "es" / "synonyms.yaml"}
    search_module.SYNONYMS_FILES.update(real)  # undone by the autouse fixture
    meanings = {m for means in search_module.everyday_words("es").values() for m in means}
    missing = sorted(m for m in meanings if not (search(m, "es").guides or search(m, "es").terms))
    assert missing == []
