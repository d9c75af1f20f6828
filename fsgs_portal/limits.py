"""Bounded work per request (SECURITY.md "Logs, limits and outages"): a body larger than
REQUEST_MAX_BYTES is refused with 413 from its Content-Length alone, before anything reads it,
so a 200 MB upload costs the server nothing. The largest body the portal takes is a 2 MB diary
import, with room for the form around it.

A body without Content-Length (Transfer-Encoding: chunked) is refused with 411: Django reads
only Content-Length bytes of a body (none here), and no browser sends a form that way.
"""

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _


class PlainResponse(HttpResponse):
    def __init__(self, text: str, status: int):
        super().__init__(text, status=status, content_type="text/plain; charset=utf-8")
        self["X-Content-Type-Options"] = "nosniff"


def body_too_large(meta, limit: int) -> int | None:
    """The status to refuse this request with (413, 411), or None to let it through."""
    length = meta.get("CONTENT_LENGTH") or ""
    if length:
        try:
            size = int(length)
        except ValueError:
            return 400
        return 413 if size > limit or size < 0 else None
    if meta.get("HTTP_TRANSFER_ENCODING"):
        return 411
    return None


class RequestSizeLimitMiddleware:
    """First in MIDDLEWARE: refuse an oversized or unsized body before any other code runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        status = body_too_large(request.META, settings.REQUEST_MAX_BYTES)
        if status == 413:
            megabytes = settings.REQUEST_MAX_BYTES / 1024 / 1024
            return PlainResponse(
                _("This is too much to send at once (the most is %(size)s MB).")
                % {"size": f"{megabytes:.0f}"},
                status=413,
            )
        if status == 411:
            return PlainResponse(_("Please send the size of what you send."), status=411)
        if status == 400:
            return PlainResponse(_("This request could not be read."), status=400)
        return self.get_response(request)
