"""Every PDF is tagged PDF/UA-1 (issue #13): a structure tree a screen reader can follow, the
document's language and title, headings, lists and table header cells as structure, and each chart
a figure with its text alternative. Real PDFs from the seeded demo and a guide, read with pypdf."""

import io
import logging
import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from education.models import Guide
from education.views import guide_context
from fsgs_portal.management.commands.seed_demo import RELAPSE_START
from fsgs_portal.pdf import GUIDE_STYLESHEETS, render_pdf
from tests.test_summary_views import demo, demo_client  # noqa: F401  (the seeded demo)
from tracker import summary

pytestmark = pytest.mark.django_db


def kids(element) -> list:
    found = element.get("/K")
    if found is None:
        return []
    found = found.get_object()
    return [kid.get_object() for kid in (found if isinstance(found, list) else [found])]


def structure(pdf: bytes) -> tuple[dict, list[dict]]:
    """(the catalog, every structure element of the tree in reading order)."""
    catalog = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    elements = []

    def walk(element):
        if not hasattr(element, "get"):  # a marked-content id
            return
        if element.get("/S"):
            elements.append(element)
        for kid in kids(element):
            walk(kid)

    walk(catalog["/StructTreeRoot"].get_object())
    return catalog, elements


def tags(elements) -> list[str]:
    return [str(element["/S"]) for element in elements]


def flat(text) -> str:
    return re.sub(r"\s+", " ", str(text)).strip()


def assert_tagged_pdf_ua(pdf: bytes, title: str, lang: str = "en") -> list[dict]:
    reader = PdfReader(io.BytesIO(pdf))
    catalog, elements = structure(pdf)
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == lang
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert reader.metadata.title == title
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert 'pdfuaid:part="1"' in xmp
    assert title in xmp
    assert tags(elements).count("/Document") == 1
    return elements


def relapse_month(patient):
    start = patient.today() - timedelta(days=RELAPSE_START)
    return start, start + timedelta(days=30)


def last_year(patient):
    end = patient.today()
    return end - timedelta(days=364), end


@pytest.mark.parametrize("period_of", [relapse_month, last_year])
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_summary_pdf_is_tagged_with_headings_lists_tables_and_figures(
    demo_client,  # noqa: F811
    demo,  # noqa: F811
    period_of,
    paper,
    caplog,
):
    start, end = period_of(demo)
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        response = demo_client.get(
            reverse("patient_summary_pdf", kwargs={"pid": demo.public_id}),
            {"start": start.isoformat(), "end": end.isoformat(), "paper": paper},
        )
    # WeasyPrint logs an error for an image without alt text or a document without a language.
    assert not [record.getMessage() for record in caplog.records if record.levelno >= 40]
    elements = assert_tagged_pdf_ua(response.content, "Visit summary: Alex Rivera (demo)")
    found = tags(elements)
    assert found.count("/H1") == 1
    assert found.count("/H2") >= 7  # key numbers, timeline, labs, medicines, events, ...
    assert "/H3" in found
    assert found.count("/L") >= 3
    assert "/LBody" in found
    # Table cells point at their header cells (<th scope="row"> and <th scope="col">).
    assert found.count("/TH") >= 10
    cells = [element for element in elements if element["/S"] == "/TD"]
    assert cells
    assert all(len(cell["/A"]["/Headers"]) >= 1 for cell in cells)
    # Each chart is a figure whose text alternative is the chart's own words.
    visit = summary.build_summary(demo, start, end, today=demo.today(), printed_by="test")
    expected = [visit.dipstick_bar.summary] + [
        f"{chart.title}. {chart.summary}" for chart in visit.timeline
    ]
    figures = [element for element in elements if element["/S"] == "/Figure"]
    assert [flat(figure["/Alt"]) for figure in figures] == [flat(text) for text in expected]


def guide_pdf(slug: str = "kidney-biopsy") -> bytes:
    return render_pdf(render_to_string("pdf/guide.html", guide_context(slug)), GUIDE_STYLESHEETS)


def test_a_guide_pdf_is_tagged_with_its_title_headings_and_lists(client):
    guide = Guide.objects.get(language="en", slug="kidney-biopsy")
    response = client.get(reverse("education:guide_pdf", kwargs={"slug": guide.slug}))
    elements = assert_tagged_pdf_ua(response.content, guide.title)
    found = tags(elements)
    assert found.count("/H1") == 1
    headings = [element for element in elements if element["/S"] == "/H2"]
    # The guide's own sections, "When to call your care team" (when it has one) and "Sources".
    assert len(headings) == guide.body_html.count("<h2") + bool(guide.when_to_call) + 1
    assert "/L" in found
    assert "/LI" in found


def test_the_pdf_language_is_the_language_it_is_written_in():
    with translation.override("es"):
        catalog, _elements = structure(guide_pdf())
    assert catalog["/Lang"] == "es"


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler's pdfinfo is not installed")
def test_pdfinfo_reads_the_summary_and_a_guide_as_tagged(demo_client, demo, tmp_path):  # noqa: F811
    start, end = relapse_month(demo)
    summary_pdf = demo_client.get(
        reverse("patient_summary_pdf", kwargs={"pid": demo.public_id}),
        {"start": start.isoformat(), "end": end.isoformat()},
    ).content
    for name, pdf in (("summary.pdf", summary_pdf), ("guide.pdf", guide_pdf())):
        path = tmp_path / name
        path.write_bytes(pdf)
        info = subprocess.run(
            ["pdfinfo", str(path)], capture_output=True, text=True, check=True, timeout=60
        ).stdout
        assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE), info
        assert re.search(r"^PDF version:\s+1\.7$", info, re.MULTILINE), info


def test_an_untagged_pdf_would_fail_these_checks():
    """The checks can fail: WeasyPrint without the PDF/UA variant makes no structure tree."""
    from weasyprint import HTML

    plain = HTML(string='<html lang="en"><title>t</title><p>x</p>').write_pdf()
    catalog = PdfReader(io.BytesIO(plain)).trailer["/Root"]
    assert "/StructTreeRoot" not in catalog
    assert "/MarkInfo" not in catalog
