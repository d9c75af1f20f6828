"""Events: hospital stays, infections, relapses and other things worth telling the care team."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tracker.access import patient_for
from tracker.forms.events import EventForm
from tracker.views.helpers import confirm_delete, long_date

# Events ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def event_list(request: HttpRequest, pid: str) -> HttpResponse:
    patient = patient_for(request.user, pid, write=request.method == "POST")
    form = EventForm(request.POST or None, patient=patient) if patient.can_edit else None
    if request.method == "POST" and form.is_valid():
        event = form.save_for(request.user)
        messages.success(request, _("Saved: %(event)s.") % {"event": event.get_kind_display()})
        return redirect("event_list", pid=pid)
    return render(
        request,
        "tracker/events.html",
        {"patient": patient, "section": "events", "events": patient.events.all(), "form": form},
    )


@require_http_methods(["GET", "POST"])
def event_delete(request: HttpRequest, pid: str, pk: int) -> HttpResponse:
    patient = patient_for(request.user, pid, write=True)
    event = get_object_or_404(patient.events, pk=pk)
    what = _("%(event)s on %(date)s") % {
        "event": event.get_kind_display(),
        "date": long_date(event.date),
    }
    return confirm_delete(
        request, patient, event, what, "events", reverse("event_list", args=[pid])
    )
