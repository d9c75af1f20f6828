"""What several page families share: dates in words (tracker.dates), htmx partials, the delete
confirmation.

Each view: method decorator → patient through access.patient_for (404 when not yours, 403 when you
may only view and try to change something) → form → render. Pages that htmx enhances render their
`_name.html` partial for htmx requests and the full page otherwise (hence
`vary_on_headers("HX-Request")`); without JavaScript, forms post and redirect.
"""

from datetime import date

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tracker.dates import day_text


def long_date(day: date) -> str:
    """A day in a message or any running text: the portal's one format, "26 Nov 2026"
    (tracker.dates.day_text; the long form with the weekday is for page headings only)."""
    return day_text(day)


def page_or_partial(request, page: str, partial: str, context: dict) -> HttpResponse:
    return render(request, partial if request.htmx else page, context)


def confirm_delete(request, patient, record, what: str, section: str, back_url: str):
    """GET: ask; POST: delete and go back to the list."""
    if request.method == "POST":
        record.delete()
        messages.success(request, _("Deleted %(what)s.") % {"what": what})
        return redirect(back_url)
    return render(
        request,
        "tracker/confirm_delete.html",
        {"patient": patient, "section": section, "what": what, "cancel_url": back_url},
    )
