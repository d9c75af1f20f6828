"""The printable aids (issue #16): a "When to call" card and a swelling + dipstick chart, each one
tagged page on A4 and on US Letter, public under /learn/, linked from their two guides."""

import io
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from pypdf import PdfReader

from education.readability import plain_text, reading_grade
from education.views import PRINTABLE_AIDS
from tests.test_pdf_structure import assert_tagged_pdf_ua, flat

pytestmark = pytest.mark.django_db

CARD = "when-to-call-card"
CHART = "swelling-and-dipstick-chart"
# Points: A4 is 210 x 297 mm, Letter 8.5 x 11 in.
PAGE_SIZES = {"a4": (595, 842), "letter": (612, 792)}
KEY_TEXT = {
    CARD: [
        "Call the emergency number now",
        "Call your care team today, even after hours",
        "Call your care team in office hours",
        "One leg is swollen, painful, red or warm",
        "38.0 °C (100.4 °F)",
        "180 or more on top, or 120 or more on the bottom",
        "1 kg (2.2 lb) or more in 1 day, or 2 kg (4.4 lb) or more over 7 days",
        # The safety-critical numbers in words (issue #16).
        "3+ (“three plus”) means a lot of protein in the urine",
        "Negative means no protein was found. Trace means only a tiny bit.",
        "Your care team may set other numbers for you.",
    ],
    CHART: [
        "Swelling: press, lift, look",
        "The dent is shallow and fills back fast",
        "The dent stays a few seconds",
        "Call your care team if grade 3 is new",
        "Dipstick: protein in first-morning urine",
        "Only a tiny bit of protein",
        "3+ or more on 3 days in a row: call your care team",
        "Negative or trace on 3 days in a row is good news",
    ],
}


def aid_url(name: str) -> str:
    return reverse("education:printable_aid", kwargs={"name": name})


def get_pdf(client, name: str, paper: str) -> bytes:
    response = client.get(aid_url(name), {"paper": paper} if paper != "a4" else {})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="fsgs-{name}-{paper}.pdf"'
    return response.content


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("name", [CARD, CHART])
def test_each_aid_is_one_tagged_page_with_its_key_text(client, name, paper):
    pdf = get_pdf(client, name, paper)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == PAGE_SIZES[paper]
    text = flat(reader.pages[0].extract_text())
    for phrase in KEY_TEXT[name]:
        assert flat(phrase) in text, phrase
    assert_tagged_pdf_ua(pdf, str(PRINTABLE_AIDS[name].title))


def test_the_chart_shows_both_diagrams_with_their_text_alternative(client):
    from tests.test_pdf_structure import structure

    _catalog, elements = structure(get_pdf(client, CHART, "a4"))
    alts = [flat(element["/Alt"]) for element in elements if element["/S"] == "/Figure"]
    assert len(alts) == 2
    assert alts[0].startswith("Four pictures of a foot")
    assert alts[1].startswith("A dipstick in a cup of urine")


@pytest.mark.parametrize("name", [CARD, CHART])
def test_each_aid_reads_at_grade_8_or_below(name):
    html = render_to_string(PRINTABLE_AIDS[name].template, {"paper": "a4"})
    body = re.search(r"<body[^>]*>(.*)</body>", html, re.DOTALL).group(1)
    assert reading_grade(plain_text(body)) <= 8


def test_an_unknown_aid_is_not_found_and_only_reads_are_allowed(client):
    assert client.get(aid_url("recipes")).status_code == 404
    assert client.post(aid_url(CARD)).status_code == 405


def test_an_unknown_paper_size_falls_back_to_a4(client):
    response = client.get(aid_url(CARD), {"paper": "tabloid"})
    assert 'filename="fsgs-when-to-call-card-a4.pdf"' in response["Content-Disposition"]


@pytest.mark.parametrize("slug", ["when-to-call", "home-monitoring"])
def test_the_two_guides_link_both_aids_on_both_papers(client, slug):
    html = client.get(reverse("education:guide", kwargs={"slug": slug})).content.decode()
    for name in (CARD, CHART):
        assert f'href="{aid_url(name)}"' in html
        assert f'href="{aid_url(name)}?paper=letter"' in html
    assert "Print and keep" in html


def test_other_guides_do_not_offer_the_aids(client):
    html = client.get(reverse("education:guide", kwargs={"slug": "kidney-biopsy"})).content
    assert aid_url(CARD).encode() not in html
