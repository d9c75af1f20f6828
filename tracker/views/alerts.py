"""Alerts: the mark "I contacted the care team" on an alert of the diary or a day, and its undo.

Alerts are computed (tracker.alerts), so a mark names the rule and the day the alert fired; a
mark is taken only for an alert that fired that day. The owner and caregivers who may edit mark
and unmark (view role: 403, not yours: 404). With htmx the alert is swapped in place (and the page's
status region says what happened); without JavaScript the form posts and the page comes back at
the alert.
"""

from datetime import date, timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from tracker import alerts
from tracker.access import patient_for
from tracker.contexts import ALERT_DAYS, ShownGroup, diary_window, one_day
from tracker.forms.alerts import AlertContactForm
from tracker.models import AlertContact, Patient


def back_of(request) -> str:
    return "diary" if request.POST.get("back") == "diary" else "day"


def shown_group(patient: Patient, rule: str, day: date, back: str) -> ShownGroup:
    """The group holding `rule`'s alert on `day`, as the page it came from shows it (the diary's
    groups span a week, a day page's one day); 404 when no such alert fired."""
    if rule not in alerts.RULES or patient.date_problem(day):
        raise Http404
    today = patient.today()
    if back == "diary" and today - day < timedelta(days=ALERT_DAYS):
        groups = diary_window(patient, today).groups
    else:
        groups = one_day(patient, day).groups
    for shown in groups:
        if shown.group.rule == rule and day in shown.group.dates:
            return shown
    raise Http404


def answer(request, patient: Patient, rule: str, day: date, back: str, status: str, **context):
    """htmx: the alert again, with the news for the status region; otherwise back to the page."""
    if request.htmx:
        shown = shown_group(patient, rule, day, back)
        return render(
            request,
            "tracker/_alert_swap.html",
            {"patient": patient, "shown": shown, "back": back, "status": status, **context},
        )
    if context.get("note_error"):
        messages.error(request, context["note_error"])
    else:
        messages.success(request, status)
    if back == "diary":
        url = reverse("patient_diary", kwargs={"pid": patient.public_id})
    else:
        url = reverse("diary_day", kwargs={"pid": patient.public_id, "day": day})
    return redirect(f"{url}#alert-{rule}-{day.isoformat()}")


@require_POST
@vary_on_headers("HX-Request")
def alert_contact(request: HttpRequest, pid: str, rule: str, day: date) -> HttpResponse:
    """Mark the alert "I contacted the care team" (a second mark on it keeps the first)."""
    patient = patient_for(request.user, pid, write=True)
    back = back_of(request)
    shown_group(patient, rule, day, back)
    form = AlertContactForm(request.POST)
    if not form.is_valid():
        error = " ".join(form.errors["note"])
        return answer(request, patient, rule, day, back, "", note_error=error)
    AlertContact.objects.get_or_create(
        patient=patient,
        rule=rule,
        triggered_on=day,
        defaults={
            "marked_by": request.user,
            "marked_by_name": str(request.user),
            "note": form.cleaned_data["note"],
        },
    )
    return answer(request, patient, rule, day, back, _("Marked: you contacted the care team."))


@require_POST
@vary_on_headers("HX-Request")
def alert_contact_delete(request: HttpRequest, pid: str, rule: str, day: date) -> HttpResponse:
    """Remove the mark (nothing to remove is not an error: a second click does no harm)."""
    patient = patient_for(request.user, pid, write=True)
    back = back_of(request)
    if rule not in alerts.RULES:
        raise Http404
    patient.alert_contacts.filter(rule=rule, triggered_on=day).delete()
    return answer(request, patient, rule, day, back, _("The mark is removed."))
