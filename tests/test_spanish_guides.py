"""Spanish guides (issue #17): loading both languages, /es/learn/ URLs with hreflang and lang,
each query in the page's language, and the reading_levels command. Two sample Spanish guides in
tests/fixtures/es/ stand in for the real ones (education/content/es/), with their English twins."""

import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.template.defaultfilters import floatformat
from django.utils import translation
from pypdf import PdfReader

from education.loader import CONTENT_DIR, ContentError, load_content
from education.models import GlossaryTerm, Guide
from tracker.guides import guide_url

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "es"
SPANISH_SLUGS = ["kidney-biopsy", "what-is-fsgs"]
# English guides loaded beside them: the two twins and one guide that has no Spanish version.
ENGLISH_SLUGS = [*SPANISH_SLUGS, "symptoms"]


def sample_content(folder: Path) -> Path:
    """A content folder: a few English guides and the glossary, plus the Spanish samples."""
    (folder / "es").mkdir(parents=True)
    for slug in ENGLISH_SLUGS:
        shutil.copy(CONTENT_DIR / f"{slug}.md", folder)
    shutil.copy(CONTENT_DIR / "glossary.yaml", folder)
    for path in FIXTURES.iterdir():
        shutil.copy(path, folder / "es")
    return folder


@pytest.fixture(autouse=True)
def _language_reset():
    """A request to /es/… leaves Spanish active in this thread; later tests expect the default."""
    yield
    translation.deactivate()


@pytest.fixture
def spanish(db, tmp_path):
    """The sample guides loaded in both languages; returns their content folder."""
    folder = sample_content(tmp_path / "content")
    load_content(folder)
    return folder


def spanish_guide(slug="what-is-fsgs"):
    return Guide.objects.get(slug=slug, language="es")


# Loading -----------------------------------------------------------------------------------------


def test_loader_loads_each_language_and_reports_each(db, tmp_path):
    folder = sample_content(tmp_path / "content")
    report = load_content(folder)
    assert sorted(report.created + report.updated + report.unchanged) == sorted(ENGLISH_SLUGS)
    [spanish_report] = report.translations
    assert spanish_report.language == "es"
    loaded = spanish_report.created + spanish_report.updated + spanish_report.unchanged
    assert sorted(loaded) == SPANISH_SLUGS
    assert spanish_report.terms == 3
    assert set(Guide.objects.filter(language="es").values_list("slug", flat=True)) == set(
        SPANISH_SLUGS
    )
    assert GlossaryTerm.objects.get(slug="biopsy", language="es").term == "Biopsia"
    assert GlossaryTerm.objects.get(slug="biopsy", language="en").term == "Biopsy"
    # Topic stays the English key, so both languages group the same way.
    assert spanish_guide().topic == Guide.objects.get(slug="what-is-fsgs", language="en").topic


def test_loader_is_idempotent_per_language(spanish):
    again = load_content(spanish)
    assert again.created == []
    assert again.updated == []
    assert again.translations[0].created == []
    assert again.translations[0].unchanged == SPANISH_SLUGS


def test_loader_removes_a_spanish_guide_whose_file_went_and_keeps_the_english_one(spanish):
    (spanish / "es" / "kidney-biopsy.md").unlink()
    report = load_content(spanish)
    assert report.translations[0].removed == ["kidney-biopsy"]
    assert report.removed == []
    assert Guide.objects.filter(slug="kidney-biopsy", language="en").exists()


def test_a_spanish_guide_without_an_english_twin_is_an_error(spanish):
    shutil.copy(FIXTURES / "what-is-fsgs.md", spanish / "es" / "que-es-la-gefs.md")
    before = Guide.objects.count()
    with pytest.raises(ContentError, match=re.escape("que-es-la-gefs.md")):
        load_content(spanish)
    assert Guide.objects.count() == before


def test_the_load_guides_command_reports_each_language(db):
    out = _call("load_guides")
    assert out.startswith("Guides: ")
    found = re.search(r"Guides \(es\): (\d+) new, (\d+) updated, (\d+) unchanged, 0 removed", out)
    assert sum(map(int, found.groups())) == len(list((CONTENT_DIR / "es").glob("*.md")))


def _call(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# Rendering ---------------------------------------------------------------------------------------


def test_spanish_guide_links_its_own_glossary_and_guides(spanish):
    html = spanish_guide().body_html
    assert 'href="/es/learn/glossary/#biopsy"' in html
    assert 'href="/es/learn/kidney-biopsy/"' in html
    assert 'href="/learn/' not in html
    english = Guide.objects.get(slug="what-is-fsgs", language="en").body_html
    assert "/es/learn/" not in english


def test_spanish_guide_stores_spanish_scores_and_no_grade(spanish):
    guide = spanish_guide()
    assert guide.reading_grade is None
    assert guide.fernandez_huerta > 70
    assert guide.szigriszt_pazos > 65
    english = Guide.objects.get(slug="what-is-fsgs", language="en")
    assert english.reading_grade is not None
    assert english.fernandez_huerta is None


# URLs, hreflang, lang ----------------------------------------------------------------------------


def test_guide_urls_carry_the_language(spanish):
    assert spanish_guide().get_absolute_url() == "/es/learn/what-is-fsgs/"
    english = Guide.objects.get(slug="what-is-fsgs", language="en")
    assert english.get_absolute_url() == "/learn/what-is-fsgs/"
    assert GlossaryTerm.objects.get(slug="edema", language="es").get_absolute_url() == (
        "/es/learn/glossary/#edema"
    )


@pytest.mark.parametrize(
    ("url", "lang", "title"),
    [("/es/learn/what-is-fsgs/", "es", "¿Qué es la GEFS?"), ("/learn/what-is-fsgs/", "en", None)],
)
def test_guide_page_is_in_its_urls_language(client, spanish, url, lang, title):
    page = client.get(url).content.decode()
    assert f'<html lang="{lang}">' in page
    expected = title or Guide.objects.get(slug="what-is-fsgs", language="en").title
    assert f"<h1>{expected}</h1>" in page


def test_guide_pages_link_to_each_other_with_hreflang(client, spanish):
    for url in ("/es/learn/what-is-fsgs/", "/learn/what-is-fsgs/"):
        page = client.get(url).content.decode()
        assert (
            '<link rel="alternate" hreflang="en" href="http://testserver/learn/what-is-fsgs/">'
        ) in page
        assert (
            '<link rel="alternate" hreflang="es" href="http://testserver/es/learn/what-is-fsgs/">'
        ) in page
        assert (
            '<link rel="alternate" hreflang="x-default" '
            'href="http://testserver/learn/what-is-fsgs/">'
        ) in page


def test_visible_link_to_the_translation_is_in_its_own_language(client, spanish):
    english = client.get("/learn/what-is-fsgs/").content.decode()
    assert (
        '<a href="/es/learn/what-is-fsgs/" hreflang="es" lang="es">Leer en español</a>' in english
    )
    assert "Read in English" not in english
    spanish_page = client.get("/es/learn/what-is-fsgs/").content.decode()
    assert '<a href="/learn/what-is-fsgs/" hreflang="en" lang="en">Read in English</a>' in (
        spanish_page
    )
    assert "Leer en español" not in spanish_page


def test_guide_without_a_translation_has_no_alternates(client, spanish):
    page = client.get("/learn/symptoms/").content.decode()
    assert 'rel="alternate"' not in page
    assert "Leer en español" not in page
    assert client.get("/es/learn/symptoms/").status_code == 404


def test_spanish_pages_link_within_spanish(client, spanish):
    page = client.get("/es/learn/what-is-fsgs/").content.decode()
    assert 'href="/es/learn/when-to-call/"' in page  # the "when to call" box
    assert 'href="/es/learn/kidney-biopsy/" rel="next"' in page
    assert 'href="/es/learn/what-is-fsgs/pdf/"' in page


def test_spanish_guide_page_shows_spanish_reading_ease(client, spanish):
    guide = spanish_guide()
    page = client.get("/es/learn/what-is-fsgs/").content.decode()
    fh, inflesz = floatformat(guide.fernandez_huerta, 0), floatformat(guide.szigriszt_pazos, 0)
    assert f"(Fernández-Huerta {fh}, INFLESZ {inflesz})" in page
    assert "Reading level: grade" not in page


def test_spanish_guide_page_uses_as_few_queries_as_the_english_one(
    client, spanish, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        assert client.get("/es/learn/what-is-fsgs/").status_code == 200


def test_index_and_glossary_show_only_their_language(client, spanish):
    index = client.get("/es/learn/").content.decode()
    assert "¿Qué es la GEFS?" in index
    assert 'href="/es/learn/kidney-biopsy/"' in index
    assert Guide.objects.get(slug="symptoms").title not in index
    assert 'hreflang="es" href="http://testserver/es/learn/"' in index
    english_index = client.get("/learn/").content.decode()
    assert "¿Qué es la GEFS?" not in english_index
    glossary = client.get("/es/learn/glossary/").content.decode()
    assert 'id="biopsy"' in glossary
    assert "Biopsia" in glossary
    assert "Albumin" not in glossary
    assert "Albumin" in client.get("/learn/glossary/").content.decode()


def test_spanish_guide_pdf_is_the_spanish_guide(client, spanish):
    from io import BytesIO

    response = client.get("/es/learn/what-is-fsgs/pdf/")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages)
    assert "¿Qué es la GEFS?" in text
    assert "Fernández-Huerta" in text


def test_other_pages_follow_the_cookie_or_browser_not_the_guide_rule(client, spanish):
    client.cookies["django_language"] = "es"
    assert '<html lang="es">' in client.get("/").content.decode()
    # An English guide URL stays English whatever the cookie says.
    assert '<html lang="en">' in client.get("/learn/what-is-fsgs/").content.decode()
    del client.cookies["django_language"]
    page = client.get("/", headers={"accept-language": "es-MX,es;q=0.9"}).content.decode()
    assert '<html lang="es">' in page
    assert '<html lang="en">' in client.get("/").content.decode()


def test_diary_links_to_guides_in_the_pages_language():
    with translation.override("en"):
        assert guide_url("home-monitoring", "weight") == "/learn/home-monitoring/#weight"
    with translation.override("es"):
        assert guide_url("home-monitoring", "weight") == "/es/learn/home-monitoring/#weight"
        assert guide_url("symptoms", language="en") == "/learn/symptoms/"


# The reading_levels command ----------------------------------------------------------------------


def test_reading_levels_prints_a_markdown_table_from_the_database(spanish):
    out = _call("reading_levels", "--language", "es")
    lines = out.strip().splitlines()
    assert lines[0].startswith("| guide | words | Fernández-Huerta | INFLESZ |")
    easy = spanish_guide()
    assert f"| what-is-fsgs | {easy.word_count} | {easy.fernandez_huerta:.1f} |" in out
    assert len(lines) == 2 + len(SPANISH_SLUGS)
    worst = _call("reading_levels", "--language", "es", "--worst", "1").strip().splitlines()
    assert worst[2].startswith("| kidney-biopsy |")


def test_reading_levels_in_english(spanish):
    out = _call("reading_levels")
    guide = Guide.objects.get(slug="symptoms", language="en")
    assert f"| symptoms | {guide.word_count} | {guide.reading_grade:.1f} |" in out


def test_choosing_a_language_on_a_guide_goes_to_its_translation(client, spanish):
    response = client.post(
        "/i18n/setlang/", {"language": "es", "next": "/learn/what-is-fsgs/#filtros"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/es/learn/what-is-fsgs/#filtros"
    back = client.post("/i18n/setlang/", {"language": "en", "next": "/es/learn/what-is-fsgs/"})
    assert back["Location"] == "/learn/what-is-fsgs/"


def test_spanish_glossary_letters_ignore_accents(client, spanish):
    GlossaryTerm.objects.create(slug="acid", language="es", term="Ácido", definition="Una prueba.")
    page = client.get("/es/learn/glossary/").content.decode()
    assert 'id="letter-Á"' not in page
    section_a = page.split('id="letter-A"')[1].split('id="letter-')[0]
    assert "Ácido" in section_a
