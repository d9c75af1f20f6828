"""Guide pages as a visitor reaches them: index, guide, glossary, search, PDF."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from education.models import Guide

pytestmark = pytest.mark.django_db


def test_index_groups_guides_by_topic_in_order(client):
    page = client.get(reverse("education:index")).content.decode()
    topics = re.findall(r'<h2 id="topic-\d+" class="h3">([^<]+)</h2>', page)
    assert topics == [
        "Understanding FSGS",
        "Tests and results",
        "Treatment",
        "Staying safe",
        "Daily life and home care",
    ]
    assert page.count('class="guide-card') == Guide.objects.filter(language="en").count()
    assert 'action="/learn/search/"' in page


def test_index_uses_two_queries_or_fewer(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        client.get(reverse("education:index"))


def test_guide_page_shows_level_review_sources_call_box_and_navigation(client):
    guide = Guide.objects.get(language="en", slug="plasmapheresis")
    page = client.get(guide.get_absolute_url()).content.decode()
    assert f"<h1>{guide.title}</h1>" in page
    assert f"Reading level: grade {round(guide.reading_grade)}" in page
    assert f"Last reviewed {guide.last_reviewed.day} {guide.last_reviewed:%B %Y}" in page
    assert "KDIGO 2021" in page
    assert "When to call your care team" in page
    assert 'rel="prev"' in page
    assert 'rel="next"' in page
    assert reverse("education:guide_pdf", kwargs={"slug": "plasmapheresis"}) in page
    assert 'href="#central-line"' in page  # on this page
    assert "Related guides" in page


def test_guide_page_query_count(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        client.get(reverse("education:guide", kwargs={"slug": "when-to-call"}))


def test_first_use_of_a_glossary_term_links_to_its_definition(client):
    page = client.get(reverse("education:guide", kwargs={"slug": "plasmapheresis"})).content
    page = page.decode()
    assert page.count('href="/learn/glossary/#plasma"') == 1
    assert 'aria-describedby="term-plasma"' in page
    assert 'id="term-plasma"' in page
    assert 'role="tooltip"' in page


def test_unknown_guide_is_404(client):
    assert (
        client.get(reverse("education:guide", kwargs={"slug": "no-such-guide"})).status_code == 404
    )


def test_glossary_has_an_anchor_per_term(client):
    page = client.get(reverse("education:glossary")).content.decode()
    assert '<dt id="albumin"' in page
    assert '<dt id="plasmapheresis"' in page
    assert len(re.findall(r'<dt id="[a-z0-9-]+"', page)) >= 40


@pytest.mark.parametrize("name", ["index", "glossary", "search"])
def test_public_pages_take_get_only(client, name):
    assert client.post(reverse(f"education:{name}")).status_code == 405


def test_search_page_without_a_query_shows_the_form(client):
    page = client.get(reverse("education:search")).content.decode()
    assert 'name="q"' in page
    assert "result" not in page


def test_search_escapes_the_query(client):
    page = client.get(reverse("education:search"), {"q": "<script>alert(1)</script>"})
    assert "<script>alert(1)" not in page.content.decode()
    assert "&lt;script&gt;" in page.content.decode()


def test_search_finds_misspellings_and_says_what_it_searched(client):
    page = client.get(reverse("education:search"), {"q": "plasmapheresys"}).content.decode()
    assert "Showing results for <strong>plasmapheresis</strong>" in page
    assert 'href="/learn/plasmapheresis/"' in page
    assert "<mark>" in page


def test_search_with_no_result_suggests_terms_and_topics(client):
    page = client.get(reverse("education:search"), {"q": "zzzxqj"}).content.decode()
    assert "0 results" in page
    assert "Browse by topic" in page
    assert 'href="/learn/search/?q=' in page


def test_guide_pdf_downloads_with_text_fonts_and_safe_headers(client):
    response = client.get(reverse("education:guide_pdf", kwargs={"slug": "kidney-biopsy"}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="fsgs-guide-kidney-biopsy.pdf"'
    assert "no-store" in response["Cache-Control"]
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    guide = Guide.objects.get(language="en", slug="kidney-biopsy")
    assert guide.title in text
    assert f"Page 1 of {len(reader.pages)}" in text
    reviewed = guide.last_reviewed
    assert f"Last reviewed {reviewed.day} {reviewed:%B %Y}" in text
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object().get("/FontDescriptor")
            if descriptor is None:
                descendants = font.get_object()["/DescendantFonts"]
                descriptor = descendants[0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.add(str(descriptor["/FontName"]))
    assert any("Atkinson" in name for name in fonts), fonts


def test_glossary_letters_are_unique_whatever_the_case(client):
    page = client.get(reverse("education:glossary")).content.decode()
    letters = re.findall(r'<h2 id="letter-(\w)"', page)
    assert len(letters) == len(set(letters))
    assert "E" in letters
