"""The one way the portal makes a PDF: WeasyPrint with a fetcher locked to our own static files.

A PDF may hold user-written text. Even if markup slipped through, the renderer must not reach the
network or the disk: it loads only the portal's static files and data: URIs, and refuses the rest
(http, https, file, ftp ...), so a PDF can never be used to probe internal services (SSRF).

Every PDF is tagged PDF/UA-1 (ISO 14289-1): a structure tree (headings, lists, tables with their
header cells, figures with their text alternative), the document language from `<html lang>` and
the title from `<title>`, so a screen reader reads it in order instead of as a jumble.
"""

import atexit
import mimetypes
import threading
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.templatetags.static import static
from django.utils.text import get_valid_filename

# Relative URLs in print templates resolve against this origin, which exists nowhere on purpose.
PDF_BASE_URL = "https://pdf.fsgs-portal.invalid/"

# The print stylesheets (static files) of each kind of document.
GUIDE_STYLESHEETS = ("css/pdf.css",)
SUMMARY_STYLESHEETS = ("css/pdf.css", "css/summary-pdf.css")

# Tagged PDF for assistive technology; WeasyPrint also sets /MarkInfo, /Lang and the XMP title.
PDF_VARIANT = "pdf/ua-1"


def _static_prefix() -> str:
    return PDF_BASE_URL.rstrip("/") + "/" + settings.STATIC_URL.lstrip("/")


def static_file_for(url: str) -> Path | None:
    """The file on disk behind a static URL of ours, or None for anything else."""
    if not url.startswith(_static_prefix()):
        return None
    relative = unquote(urlsplit(url).path).removeprefix("/" + settings.STATIC_URL.lstrip("/"))
    if ".." in Path(relative).parts or relative.startswith("/"):
        return None
    found = finders.find(relative)
    if found:
        return Path(found)
    # Collected (hashed) names exist only under STATIC_ROOT; never step outside it.
    root = Path(settings.STATIC_ROOT).resolve()
    candidate = (root / relative).resolve()
    if candidate.is_relative_to(root) and candidate.is_file():
        return candidate
    return None


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyURLFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols=["data"], allow_redirects=False, timeout=1)

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_file_for(url)
            if path is None:
                raise ValueError(f"PDF rendering may load only the portal's static files: {url!r}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, body=path.read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticOnlyURLFetcher


_per_thread = threading.local()
# Drop the main thread's fonts before shutdown, while their cleanup can still run.
atexit.register(lambda: vars(_per_thread).clear())


def _print_styles(stylesheets: tuple[str, ...]):
    """(font configuration, parsed stylesheets) for these static stylesheets.

    Parsing the CSS and loading its fonts took a sixth of a summary PDF's time, so each thread
    keeps them (a WeasyPrint font configuration is not shared between threads). With DEBUG on,
    they are read anew every time, so edits to the CSS show at once."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    made = getattr(_per_thread, "styles", None)
    if made is None or settings.DEBUG:
        made = _per_thread.styles = {}
    if stylesheets not in made:
        fonts = FontConfiguration()
        fetcher = _fetcher_class()()
        made[stylesheets] = (
            fonts,
            [
                CSS(
                    url=PDF_BASE_URL.rstrip("/") + static(name),
                    url_fetcher=fetcher,
                    font_config=fonts,
                )
                for name in stylesheets
            ],
        )
    return made[stylesheets]


def render_pdf(html: str, stylesheets: Sequence[str] = ()) -> bytes:
    """PDF bytes from an HTML document, styled by these static stylesheets (GUIDE_STYLESHEETS,
    SUMMARY_STYLESHEETS); static URLs ({% static %}) in the document are read from disk."""
    from weasyprint import HTML  # imported here: it is heavy and only PDF views need it

    fonts, parsed = _print_styles(tuple(stylesheets)) if stylesheets else (None, [])
    fetcher = _fetcher_class()()
    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=parsed, font_config=fonts, pdf_variant=PDF_VARIANT)


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """A PDF download: never cached, saved under a safe file name."""
    response = HttpResponse(pdf, content_type="application/pdf")
    safe_name = get_valid_filename(filename) or "document.pdf"
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    response["Cache-Control"] = "no-store"
    return response
