"""The one WeasyPrint entry refuses every URL but our static files and data: URIs (SSRF)."""

import io
import socket
import threading

import pytest
from pypdf import PdfReader

from fsgs_portal.pdf import (
    PDF_BASE_URL,
    SUMMARY_STYLESHEETS,
    pdf_response,
    render_pdf,
    static_file_for,
)


@pytest.fixture
def listener():
    """A TCP server on loopback that counts connection attempts."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    attempts = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            attempts.append(1)
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], attempts
    stop.set()
    thread.join()
    server.close()


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def image_count(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_it_makes_no_connection_for_http_https_or_ftp_urls(listener):
    port, attempts = listener
    document = f"""<html><head>
      <link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">
      <style>@import url("https://127.0.0.1:{port}/x.css");
             body {{ background: url("http://127.0.0.1:{port}/bg.png"); }}</style></head>
      <body><p>Probe</p><img src="http://127.0.0.1:{port}/"><img src="ftp://127.0.0.1:{port}/f">
      <iframe src="http://127.0.0.1:{port}/frame"></iframe></body></html>"""
    pdf = render_pdf(document)
    assert "Probe" in pdf_text(pdf)
    assert attempts == []
    assert image_count(pdf) == 0


def test_it_does_not_read_local_files():
    document = """<link rel="stylesheet" href="file:///etc/passwd">
      <p>Files</p><img src="file:///etc/passwd"><object data="file:///etc/passwd"></object>
      <img src="/static/../../../../etc/passwd">"""
    pdf = render_pdf(document)
    assert "root:" not in pdf_text(pdf)
    assert b"root:x:" not in pdf
    assert image_count(pdf) == 0


def test_it_embeds_our_static_files_and_data_uris():
    pixel = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
        "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    )
    pdf = render_pdf(f'<img src="/static/img/favicon.svg" width="40"><img src="{pixel}">')
    assert image_count(pdf) >= 1  # the PNG; the SVG is drawn as vectors
    assert static_file_for(PDF_BASE_URL + "static/css/pdf.css") is not None


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/static/css/pdf.css",
        PDF_BASE_URL + "media/x.png",
        PDF_BASE_URL + "static/../fsgs_portal/settings.py",
        PDF_BASE_URL + "static/%2e%2e/%2e%2e/etc/passwd",
        PDF_BASE_URL + "static/no-such-file.css",
    ],
)
def test_static_file_for_refuses_anything_else(url):
    assert static_file_for(url) is None


def test_user_text_in_a_template_renders_as_text_not_markup(listener):
    from django.template import engines

    port, attempts = listener
    note = f'<img src="http://127.0.0.1:{port}/"> file:///etc/passwd'
    template = engines["django"].from_string("<p>Note: {{ note }}</p>")
    pdf = render_pdf(template.render({"note": note}))
    assert f'<img src="http://127.0.0.1:{port}/">' in pdf_text(pdf)
    assert attempts == []


def test_pdf_response_headers():
    response = pdf_response(b"%PDF-1.7", "summary for Zoë/..\\x.pdf")
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert "/" not in response["Content-Disposition"].split("filename=")[1]
    assert "\\" not in response["Content-Disposition"]


def fonts_of(pdf: bytes) -> set[str]:
    fonts = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


@pytest.mark.parametrize("debug", [False, True])
def test_print_stylesheets_style_every_document_not_just_the_first(settings, debug):
    """The parsed stylesheets and their fonts are kept per thread (made anew with DEBUG on)."""
    settings.DEBUG = debug
    document = "<p>One</p><p><strong>Two</strong></p>"
    for _ in range(3):
        pdf = render_pdf(document, SUMMARY_STYLESHEETS)
        assert any("Atkinson-Hyperlegible" in font for font in fonts_of(pdf))
        assert any("Atkinson-Hyperlegible-Bold" in font for font in fonts_of(pdf))
    assert not any("Atkinson" in font for font in fonts_of(render_pdf(document)))
