"""The guide PDF defines each glossary term at its first use: paper has no hover (issue 16)."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from education.models import GlossaryTerm, Guide
from education.rendering import define_terms_for_print, link_glossary

pytestmark = pytest.mark.django_db


def pdf_text(client, slug: str) -> str:
    response = client.get(reverse("education:guide_pdf", kwargs={"slug": slug}))
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_a_linked_term_gets_its_definition_in_brackets_and_no_tooltip():
    term = GlossaryTerm(slug="plasma", term="Plasma", definition="The liquid part of blood.")
    linked = link_glossary("<p>Plasma is removed. Plasma is replaced.</p>", [term])
    printed = define_terms_for_print(linked)
    assert "Plasma <span" in printed
    assert "(The liquid part of blood.)" in printed
    assert printed.count("(The liquid part of blood.)") == 1, "first use only"
    assert "tooltip" not in printed
    assert "<a " not in printed


def test_text_without_terms_is_left_alone():
    assert define_terms_for_print("<p>No terms here.</p>") == "<p>No terms here.</p>"


def test_the_guide_pdf_defines_every_term_it_links_on_the_page(client):
    guide = Guide.objects.get(language="en", slug="plasmapheresis")
    text = pdf_text(client, "plasmapheresis")
    terms = GlossaryTerm.objects.filter(language="en")
    linked = [term for term in terms if f'id="term-{term.slug}"' in guide.body_html]
    assert linked, "the guide links some glossary terms"
    for term in linked:
        opening = " ".join(term.definition.split())[:30]
        assert f"({opening}" in text, term.slug


def test_the_web_page_keeps_the_tooltip_and_not_the_brackets(client):
    url = reverse("education:guide", kwargs={"slug": "plasmapheresis"})
    page = client.get(url).content.decode()
    assert 'role="tooltip"' in page
    assert "term-print" not in page
