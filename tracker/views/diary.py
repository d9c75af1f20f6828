"""The diary: today, one day, delete and undo, blood pressure readings."""

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.core import serializers
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from tracker import alerts
from tracker.access import patient_for
from tracker.contexts import diary_window, one_day
from tracker.forms.diary import (
    FOAM_SCALE,
    NEW_READINGS_MAX,
    NEW_READINGS_PREFIX,
    SWELLING_SCALE,
    BloodPressureForm,
    DiaryDayForm,
    StaleEdit,
    as_first_row,
    new_readings_formset,
    readings_to_delete,
)
from tracker.guides import measure_link
from tracker.models import (
    DiaryDay,
    Patient,
)
from tracker.views.helpers import long_date, page_or_partial

UNDO_SECONDS = 5 * 60
UNDO_SESSION_KEY = "diary_undo"


# Diary: today and one day ------------------------------------------------------------------------


@dataclass(frozen=True)
class StaleNotice:
    """Why a save was refused, who saved in between, and what the refused form held."""

    saved_by: str
    saved_at: datetime | None
    deleted: bool
    refused_values: list[tuple[str, str]]


def stale_notice(form: DiaryDayForm, current: DiaryDay | None, readings=()) -> StaleNotice:
    refused = form.typed_values()
    refused += [(_("Blood pressure"), reading.reading_text()) for reading in readings]
    return StaleNotice(
        saved_by=str(current.entered_by) if current and current.entered_by else "",
        saved_at=current.updated_at if current else None,
        deleted=current is None,
        refused_values=refused,
    )


@dataclass(frozen=True)
class SaveStatus:
    """What the message next to the save button says after a save: where the person looks."""

    text: str
    alerts: list[str]


SAVED_SESSION_KEY = "diary_saved"


def save_status(request, patient: Patient, day: date, window, saved: bool) -> SaveStatus | None:
    """After an htmx save (`saved`), or on the page a save without JavaScript redirected to:
    the confirmation, and the titles of the alerts the saved day raised."""
    flag = request.session.get(SAVED_SESSION_KEY)
    if flag == [patient.public_id, day.isoformat()]:
        del request.session[SAVED_SESSION_KEY]
    elif not saved:
        return None
    titles = [shown.alert.title for shown in window.alerts if shown.alert.triggered_on == day]
    return SaveStatus(_("Saved the entry for %(date)s.") % {"date": long_date(day)}, titles)


def now_for(patient: Patient, day: date) -> str:
    """The time a new reading starts at: the patient's current time for today, else empty."""
    if day != patient.today():
        return ""
    return timezone.localtime(timezone=patient.tz).strftime("%H:%M")


def blood_pressure_form(patient: Patient, day: date) -> BloodPressureForm:
    """A blank reading form; for today the time starts at the patient's current time."""
    initial = {"time": now} if (now := now_for(patient, day)) else {}
    return BloodPressureForm(patient=patient, day=day, initial=initial)


def day_form_context(action: str, submit_label: str) -> dict:
    """What the day form's template needs besides the form."""
    return {
        "action": action,
        "submit_label": submit_label,
        "swelling_scale": SWELLING_SCALE,
        "foam_scale": FOAM_SCALE,
        "measure_swelling": measure_link("swelling", _("swelling")),
        "measure_blood_pressure": measure_link("blood-pressure", _("blood pressure")),
        "child_note": alerts.CHILD_THRESHOLDS_NOTE,
        "readings_max": NEW_READINGS_MAX,
    }


def editing_context(request, patient: Patient, day: date, window, form, readings, saved) -> dict:
    """The form, its rows of new readings and the save status, shared by both pages."""
    if patient.can_edit and readings is None:
        readings = new_readings_formset(patient, day, now=now_for(patient, day))
    return {
        "form": form,
        "readings": readings if patient.can_edit else None,
        "blood_pressures": window.end_blood_pressures,
        "status": save_status(request, patient, day, window, saved) if patient.can_edit else None,
    }


def render_diary(
    request, patient: Patient, *, form=None, readings=None, stale=None, saved=False
) -> HttpResponse:
    today = patient.today()
    window = diary_window(patient, today)
    prefilled_from = None
    if patient.can_edit and form is None:
        if window.end_day:
            form = DiaryDayForm(patient=patient, day=today, instance=window.end_day)
        else:
            previous = window.previous_day()
            initial = DiaryDayForm.prefill_from(previous) if previous else {}
            form = DiaryDayForm(patient=patient, day=today, instance=DiaryDay(), initial=initial)
            prefilled_from = previous.date if initial else None
    context = {
        "patient": patient,
        "section": "diary",
        "window": window,
        "day": today,
        "prefilled_from": prefilled_from,
        "stale": stale,
        "saved": saved,
        "undo": pending_undo(request, patient),
        "target": "#diary-main",
        "back": "diary",
        **editing_context(request, patient, today, window, form, readings, saved),
        **day_form_context(
            reverse("patient_diary", kwargs={"pid": patient.public_id}),
            _("Save today"),
        ),
    }
    return page_or_partial(request, "tracker/diary.html", "tracker/_diary_main.html", context)


def render_day(
    request, patient: Patient, day: date, *, form=None, readings=None, stale=None, saved=False
) -> HttpResponse:
    window = one_day(patient, day)
    if patient.can_edit and form is None:
        form = DiaryDayForm(patient=patient, day=day, instance=window.end_day or DiaryDay())
    context = {
        "patient": patient,
        "section": "diary",
        "window": window,
        "day": day,
        "saved_day": window.end_day,
        "previous_date": day - timedelta(days=1),
        "next_date": day + timedelta(days=1) if day < patient.today() else None,
        "stale": stale,
        "saved": saved,
        "target": "#day-main",
        "back": "day",
        **editing_context(request, patient, day, window, form, readings, saved),
        **day_form_context(
            reverse("diary_day", kwargs={"pid": patient.public_id, "day": day}),
            _("Save this day"),
        ),
    }
    return page_or_partial(request, "tracker/diary_day.html", "tracker/_day_main.html", context)


def render_diary_or_day(request, patient: Patient, day: date, back: str, **context):
    if back == "diary" and day == patient.today():
        return render_diary(request, patient, **context)
    return render_day(request, patient, day, **context)


def diary_or_day_url(patient: Patient, day: date, back: str) -> str:
    if back == "diary" and day == patient.today():
        return reverse("patient_diary", kwargs={"pid": patient.public_id})
    return reverse("diary_day", kwargs={"pid": patient.public_id, "day": day})


def save_day(request, patient: Patient, day: date, back: str) -> HttpResponse:
    """Save the day's form and its new blood pressure readings in one transaction: all of it or
    nothing. A half-typed reading refuses the whole save, with the reason by its field; a stale
    edit is refused and shows what is saved now."""
    saved = patient.diary_days.filter(date=day).first()
    form = DiaryDayForm(request.POST, patient=patient, day=day, instance=saved or DiaryDay())
    # A post without the rows (an older page, the offline queue) holds no new readings.
    posted_rows = f"{NEW_READINGS_PREFIX}-TOTAL_FORMS" in request.POST
    now = now_for(patient, day)
    if posted_rows and "add_reading" in request.POST:  # without JavaScript: one more row
        more = new_readings_formset(patient, day, request.POST, now=now, extra_row=True)
        return render_diary_or_day(request, patient, day, back, form=form, readings=more)
    readings = new_readings_formset(patient, day, request.POST if posted_rows else None, now=now)
    valid = [form.is_valid(), not posted_rows or readings.is_valid()]
    if not all(valid):
        return render_diary_or_day(request, patient, day, back, form=form, readings=readings)
    new = readings.typed() if posted_rows else []
    deleted = readings_to_delete(request.POST, list(patient.blood_pressures.filter(date=day)))
    # Readings typed into an unchanged day are saved without rewriting the day.
    write_day = form.has_changed() or not (new or deleted)
    try:
        with transaction.atomic():
            if write_day:
                form.save_for(request.user)
            for row in new:
                row.save_for(request.user)
            for reading in deleted:
                reading.delete()
    except StaleEdit as error:
        notice = stale_notice(form, error.current, new)
        return render_diary_or_day(request, patient, day, back, stale=notice)
    if request.htmx:
        return render_diary_or_day(request, patient, day, back, saved=True)
    request.session[SAVED_SESSION_KEY] = [patient.public_id, day.isoformat()]
    return redirect(diary_or_day_url(patient, day, back) + "#save-status")


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def patient_diary(request: HttpRequest, pid: str) -> HttpResponse:
    """Today's quick entry (prefilled from the latest recent day), alerts and recent days."""
    patient = patient_for(request.user, pid, write=request.method == "POST")
    if request.method == "POST":
        return save_day(request, patient, patient.today(), "diary")
    return render_diary(request, patient)


def valid_day(patient: Patient, day: date) -> date:
    """A date the diary can hold: none in the future or before birth (404 otherwise)."""
    if patient.date_problem(day):
        raise Http404
    return day


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def diary_day(request: HttpRequest, pid: str, day: date) -> HttpResponse:
    patient = patient_for(request.user, pid, write=request.method == "POST")
    valid_day(patient, day)
    if request.method == "POST":
        return save_day(request, patient, day, "day")
    return render_day(request, patient, day)


@require_safe
def diary_day_go(request: HttpRequest, pid: str) -> HttpResponse:
    """The "open a day" form: from ?date= to the day's page (a form cannot build the path)."""
    patient = patient_for(request.user, pid)
    try:
        day = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        messages.error(request, _("Type a date, like 2025-03-01."))
        return redirect("patient_diary", pid=pid)
    if problem := patient.date_problem(day):
        messages.error(request, problem)
        return redirect("patient_diary", pid=pid)
    return redirect("diary_day", pid=pid, day=day)


@require_http_methods(["GET", "POST"])
def diary_day_delete(request: HttpRequest, pid: str, day: date) -> HttpResponse:
    """Confirm, then delete the day and its blood pressure readings; undo stays possible for
    UNDO_SECONDS in this session."""
    patient = patient_for(request.user, pid, write=True)
    saved = get_object_or_404(patient.diary_days, date=day)
    readings = list(patient.blood_pressures.filter(date=day))
    if request.method == "GET":
        return render(
            request,
            "tracker/confirm_delete.html",
            {
                "patient": patient,
                "section": "diary",
                "what": _("the diary entry for %(date)s") % {"date": long_date(day)},
                "also": len(readings),
                "cancel_url": reverse("diary_day", kwargs={"pid": pid, "day": day}),
                "undo_minutes": UNDO_SECONDS // 60,
            },
        )
    rows = serializers.serialize("json", [saved, *readings])
    with transaction.atomic():
        patient.blood_pressures.filter(date=day).delete()
        saved.delete()
    request.session[UNDO_SESSION_KEY] = {
        "patient": patient.public_id,
        "date": day.isoformat(),
        "rows": rows,
        "until": time.time() + UNDO_SECONDS,
    }
    messages.success(request, _("Deleted the entry for %(date)s.") % {"date": long_date(day)})
    return redirect("patient_diary", pid=pid)


def pending_undo(request, patient: Patient) -> dict | None:
    """The deletion this session may still undo for this patient, or None (expired ones go)."""
    pending = request.session.get(UNDO_SESSION_KEY)
    if not pending:
        return None
    if pending["until"] < time.time():
        del request.session[UNDO_SESSION_KEY]
        return None
    if pending["patient"] != patient.public_id:
        return None
    return {"date": date.fromisoformat(pending["date"])}


@require_POST
def diary_day_undo(request: HttpRequest, pid: str) -> HttpResponse:
    patient = patient_for(request.user, pid, write=True)
    if pending_undo(request, patient) is None:
        messages.error(request, _("There is nothing to undo: the time to undo has passed."))
        return redirect("patient_diary", pid=pid)
    pending = request.session.pop(UNDO_SESSION_KEY)
    day = date.fromisoformat(pending["date"])
    restored = list(serializers.deserialize("json", pending["rows"]))
    if any(row.object.patient_id != patient.pk for row in restored):
        raise PermissionDenied
    try:
        with transaction.atomic():
            for row in restored:
                row.save()
    except IntegrityError:
        messages.error(
            request,
            _(
                "A new entry for %(date)s was saved after the delete, so the deleted one was "
                "not brought back."
            )
            % {"date": long_date(day)},
        )
        return redirect("diary_day", pid=pid, day=day)
    messages.success(request, _("Brought back the entry for %(date)s.") % {"date": long_date(day)})
    return redirect("diary_day", pid=pid, day=day)


# Blood pressure -----------------------------------------------------------------------------------


@require_POST
@vary_on_headers("HX-Request")
def blood_pressure_add(request: HttpRequest, pid: str, day: date) -> HttpResponse:
    """One reading posted on its own. The pages now take new readings in the day form (one
    save); this stays for pages opened before that change. Its errors show in the day form's
    first row of new readings."""
    patient = patient_for(request.user, pid, write=True)
    valid_day(patient, day)
    back = "diary" if request.POST.get("back") == "diary" else "day"
    form = BloodPressureForm(request.POST, patient=patient, day=day)
    if not form.is_valid():
        rows = new_readings_formset(patient, day, as_first_row(request.POST))
        return render_diary_or_day(request, patient, day, back, readings=rows)
    form.save_for(request.user)
    if request.htmx:
        return render_diary_or_day(request, patient, day, back, saved=True)
    messages.success(request, _("Saved the blood pressure reading."))
    return redirect(diary_or_day_url(patient, day, back))


@require_POST
@vary_on_headers("HX-Request")
def blood_pressure_delete(request: HttpRequest, pid: str, pk: int) -> HttpResponse:
    patient = patient_for(request.user, pid, write=True)
    reading = get_object_or_404(patient.blood_pressures, pk=pk)
    reading.delete()
    back = "diary" if request.POST.get("back") == "diary" else "day"
    if request.htmx:
        return render_diary_or_day(request, patient, reading.date, back)
    messages.success(request, _("Deleted the blood pressure reading."))
    return redirect(diary_or_day_url(patient, reading.date, back))
