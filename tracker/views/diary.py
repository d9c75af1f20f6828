"""Patient pages. Each view: method decorator → patient through access.patient_for (404 when not
yours, 403 when you may only view and try to change something) → form → render.

Pages that htmx enhances render their `_name.html` partial for htmx requests and the full page
otherwise (hence `vary_on_headers("HX-Request")`); without JavaScript, forms post and redirect.
"""

import copy
import json
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core import serializers
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import get_valid_filename, slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from fsgs_portal.middleware import client_address
from fsgs_portal.pdf import pdf_response
from tracker import alerts, erase, exports, importer, sharing, summary, symptoms
from tracker.access import patient_for, reached
from tracker.contexts import diary_window, labs_overview, one_day
from tracker.forms.diary import (
    SWELLING_SCALE,
    AnswerForm,
    BaselineForm,
    BloodPressureForm,
    ClinicianLinkForm,
    DeleteWithPasswordForm,
    DiaryDayForm,
    DiaryImportForm,
    DoseStepFormSet,
    EventForm,
    InviteForm,
    LabResultForm,
    MedicationForm,
    PatientForm,
    QuestionForm,
    RoleForm,
    StaleEdit,
    StopMedicationForm,
    SummaryPeriodForm,
    TrendPeriodForm,
)
from tracker.guides import measure_link
from tracker.middleware import redacted_path, user_label
from tracker.models import (
    CLINICIAN_LINK_MAX_DAYS,
    INVITATION_DAYS,
    SWELLING_FIELDS,
    AccessAction,
    AccessLog,
    CareAccess,
    ClinicianLink,
    DiaryDay,
    DoseStep,
    Invitation,
    Paper,
    Patient,
    QuestionStatus,
    Role,
    hash_token,
)
from tracker.trends import period_links as trend_periods
from tracker.trends import trends as trends_for

UNDO_SECONDS = 5 * 60
UNDO_SESSION_KEY = "diary_undo"


def long_date(day: date) -> str:
    return date_format(day, "l j F Y")


def page_or_partial(request, page: str, partial: str, context: dict) -> HttpResponse:
    return render(request, partial if request.htmx else page, context)


# Patients ----------------------------------------------------------------------------------------


@require_safe
def diary_home(request: HttpRequest) -> HttpResponse:
    """Straight to the diary with one patient, a chooser with several, a form with none."""
    patients = list(Patient.objects.for_user(request.user).with_role(request.user))
    if not patients:
        return redirect("patient_create")
    if len(patients) == 1:
        return redirect("patient_diary", pid=patients[0].public_id)
    return render(request, "tracker/patient_chooser.html", {"patients": patients})


@require_http_methods(["GET", "POST"])
def patient_create(request: HttpRequest) -> HttpResponse:
    form = PatientForm(request.POST or None, initial={"time_zone": "UTC"})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            patient = form.save()
            CareAccess.objects.create(user=request.user, patient=patient, role=Role.OWNER)
        messages.success(request, _("%(name)s’s diary is ready.") % {"name": patient.display_name})
        return redirect("patient_diary", pid=patient.public_id)
    return render(request, "tracker/patient_form.html", {"form": form, "creating": True})


@require_http_methods(["GET", "POST"])
def patient_edit(request: HttpRequest, pid: str) -> HttpResponse:
    patient = patient_for(request.user, pid, write=request.method == "POST")
    form = PatientForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Profile saved."))
        return redirect("patient_diary", pid=patient.public_id)
    return render(
        request,
        "tracker/patient_form.html",
        {"form": form, "patient": patient, "creating": False, "section": "profile"},
    )


# Diary: today and one day ------------------------------------------------------------------------


@dataclass(frozen=True)
class StaleNotice:
    """Why a save was refused, who saved in between, and what the refused form held."""

    saved_by: str
    saved_at: datetime | None
    deleted: bool
    refused_values: list[tuple[str, str]]


def stale_notice(form: DiaryDayForm, current: DiaryDay | None) -> StaleNotice:
    return StaleNotice(
        saved_by=str(current.entered_by) if current and current.entered_by else "",
        saved_at=current.updated_at if current else None,
        deleted=current is None,
        refused_values=form.typed_values(),
    )


def blood_pressure_form(patient: Patient, day: date) -> BloodPressureForm:
    """A blank reading form; for today the time starts at the patient's current time."""
    initial = {}
    if day == patient.today():
        initial["time"] = timezone.localtime(timezone=patient.tz).strftime("%H:%M")
    return BloodPressureForm(patient=patient, day=day, initial=initial)


def day_form_context(action: str, submit_label: str) -> dict:
    """What the day form's template needs besides the form."""
    return {
        "action": action,
        "submit_label": submit_label,
        "swelling_scale": SWELLING_SCALE,
        "measure_swelling": measure_link("swelling", _("swelling")),
        "child_note": alerts.CHILD_THRESHOLDS_NOTE,
    }


def render_diary(
    request, patient: Patient, *, form=None, bp_form=None, stale=None, saved=False
) -> HttpResponse:
    today = patient.today()
    window = diary_window(patient, today)
    prefilled_from = None
    if patient.can_edit and form is None:
        if window.end_day:
            form = DiaryDayForm(patient=patient, day=today, instance=window.end_day)
        else:
            previous = window.previous_day()
            initial = DiaryDayForm.prefill_from(previous, patient) if previous else {}
            form = DiaryDayForm(patient=patient, day=today, instance=DiaryDay(), initial=initial)
            prefilled_from = previous and previous.date
    context = {
        "patient": patient,
        "section": "diary",
        "window": window,
        "day": today,
        "form": form,
        "bp_form": bp_form or (patient.can_edit and blood_pressure_form(patient, today)),
        "blood_pressures": window.end_blood_pressures,
        "prefilled_from": prefilled_from,
        "stale": stale,
        "saved": saved,
        "undo": pending_undo(request, patient),
        "target": "#diary-main",
        "back": "diary",
        **day_form_context(
            reverse("patient_diary", kwargs={"pid": patient.public_id}),
            _("Save today"),
        ),
    }
    return page_or_partial(request, "tracker/diary.html", "tracker/_diary_main.html", context)


def render_day(
    request, patient: Patient, day: date, *, form=None, bp_form=None, stale=None, saved=False
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
        "form": form,
        "bp_form": bp_form or (patient.can_edit and blood_pressure_form(patient, day)),
        "blood_pressures": window.end_blood_pressures,
        "previous_date": day - timedelta(days=1),
        "next_date": day + timedelta(days=1) if day < patient.today() else None,
        "stale": stale,
        "saved": saved,
        "target": "#day-main",
        "back": "day",
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
    """Save the day's form; refuse a stale edit and show what is saved now."""
    saved = patient.diary_days.filter(date=day).first()
    form = DiaryDayForm(request.POST, patient=patient, day=day, instance=saved or DiaryDay())
    if not form.is_valid():
        return render_diary_or_day(request, patient, day, back, form=form)
    try:
        form.save_for(request.user)
    except StaleEdit as error:
        notice = stale_notice(form, error.current)
        return render_diary_or_day(request, patient, day, back, stale=notice)
    if request.htmx:
        return render_diary_or_day(request, patient, day, back, saved=True)
    messages.success(request, _("Saved the entry for %(date)s.") % {"date": long_date(day)})
    return redirect(diary_or_day_url(patient, day, back))


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
    patient = patient_for(request.user, pid, write=True)
    valid_day(patient, day)
    back = "diary" if request.POST.get("back") == "diary" else "day"
    form = BloodPressureForm(request.POST, patient=patient, day=day)
    if not form.is_valid():
        return render_diary_or_day(request, patient, day, back, bp_form=form)
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


# Labs --------------------------------------------------------------------------------------------


def render_labs(request, patient: Patient, *, form=None, baseline_form=None) -> HttpResponse:
    labs = list(patient.labs.all())
    overview = labs_overview(patient, labs, patient.today())
    if patient.can_edit:
        form = form or LabResultForm(patient=patient)
        baseline_form = baseline_form or BaselineForm(
            initial={
                "baseline": overview.marked_baseline and overview.marked_baseline.value,
                "unit": patient.upcr_unit,
            }
        )
    return render(
        request,
        "tracker/labs.html",
        {
            "patient": patient,
            "section": "labs",
            "overview": overview,
            "form": form,
            "baseline_form": baseline_form,
        },
    )


@require_http_methods(["GET", "POST"])
def lab_list(request: HttpRequest, pid: str) -> HttpResponse:
    patient = patient_for(request.user, pid, write=request.method == "POST")
    if request.method == "POST":
        form = LabResultForm(request.POST, patient=patient)
        if form.is_valid():
            result = form.save_for(request.user)
            messages.success(request, _("Saved the %(test)s result.") % {"test": result.short_name})
            return redirect("lab_list", pid=pid)
        return render_labs(request, patient, form=form)
    return render_labs(request, patient)


@require_POST
def lab_baseline(request: HttpRequest, pid: str) -> HttpResponse:
    patient = patient_for(request.user, pid, write=True)
    form = BaselineForm(request.POST)
    if not form.is_valid():
        return render_labs(request, patient, baseline_form=form)
    patient.baseline_upcr = form.cleaned_data["baseline_g_per_g"]
    patient.save(update_fields=["baseline_upcr", "updated_at"])
    messages.success(request, _("Saved the baseline UPCR."))
    return redirect("lab_list", pid=pid)


@require_http_methods(["GET", "POST"])
def lab_delete(request: HttpRequest, pid: str, pk: int) -> HttpResponse:
    patient = patient_for(request.user, pid, write=True)
    result = get_object_or_404(patient.labs, pk=pk)
    what = _("the %(test)s result of %(date)s") % {
        "test": result.short_name,
        "date": long_date(result.date),
    }
    return confirm_delete(request, patient, result, what, "labs", reverse("lab_list", args=[pid]))


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


# Medicines ---------------------------------------------------------------------------------------


def medications_of(patient: Patient):
    return patient.medications.prefetch_related(
        Prefetch("dose_steps", queryset=DoseStep.objects.order_by("starts_on"))
    )


@require_http_methods(["GET", "POST"])
def medication_list(request: HttpRequest, pid: str) -> HttpResponse:
    patient = patient_for(request.user, pid, write=request.method == "POST")
    form = MedicationForm(request.POST or None, patient=patient) if patient.can_edit else None
    if request.method == "POST" and form.is_valid():
        medication = form.save_for(request.user)
        messages.success(request, _("Added %(name)s.") % {"name": medication.name})
        return redirect("medication_detail", pid=pid, pk=medication.pk)
    today = patient.today()
    medications = list(medications_of(patient))
    current = [medication for medication in medications if medication.is_active_on(today)]
    return render(
        request,
        "tracker/medications.html",
        {
            "patient": patient,
            "section": "medications",
            "today": today,
            "current": [(medication, medication.dose_on(today)) for medication in current],
            "other": [medication for medication in medications if medication not in current],
            "form": form,
        },
    )


@require_http_methods(["GET", "POST"])
def medication_detail(request: HttpRequest, pid: str, pk: int) -> HttpResponse:
    """The medicine's dose steps, and adding dose changes or a taper (several dated steps)."""
    patient = patient_for(request.user, pid, write=request.method == "POST")
    medication = get_object_or_404(medications_of(patient), pk=pk)
    formset = stop_form = None
    if patient.can_edit:
        formset = dose_step_formset(medication, request.POST or None)
        stop_form = StopMedicationForm(instance=medication)
    if request.method == "POST" and formset.is_valid():
        steps = formset.save_for(medication, request.user)
        if steps:
            messages.success(request, _("Saved %(count)s dose steps.") % {"count": len(steps)})
        else:
            messages.info(request, _("No dose steps were filled in."))
        return redirect("medication_detail", pid=pid, pk=pk)
    return render_medication(request, patient, medication, formset, stop_form)


def dose_step_formset(medication, data=None):
    taken = {step.starts_on for step in medication.dose_steps.all()}
    return DoseStepFormSet(data, form_kwargs={"medication": medication, "taken_dates": taken})


def render_medication(request, patient, medication, formset, stop_form) -> HttpResponse:
    today = patient.today()
    return render(
        request,
        "tracker/medication_detail.html",
        {
            "patient": patient,
            "section": "medications",
            "medication": medication,
            "today": today,
            "current_step": medication.dose_on(today),
            "formset": formset,
            "stop_form": stop_form,
        },
    )


@require_POST
def medication_stop(request: HttpRequest, pid: str, pk: int) -> HttpResponse:
    patient = patient_for(request.user, pid, write=True)
    medication = get_object_or_404(medications_of(patient), pk=pk)
    form = StopMedicationForm(request.POST, instance=copy.copy(medication))
    if not form.is_valid():
        formset = dose_step_formset(medication)
        return render_medication(request, patient, medication, formset, form)
    stopped = form.save(commit=False)
    stopped.entered_by = request.user
    stopped.save(update_fields=["stopped_on", "entered_by"])
    messages.success(request, _("Saved the stop date of %(name)s.") % {"name": medication.name})
    return redirect("medication_detail", pid=pid, pk=pk)


@require_http_methods(["GET", "POST"])
def medication_delete(request: HttpRequest, pid: str, pk: int) -> HttpResponse:
    patient = patient_for(request.user, pid, write=True)
    medication = get_object_or_404(patient.medications, pk=pk)
    what = _("%(name)s and all its doses") % {"name": medication.name}
    back = reverse("medication_list", args=[pid])
    return confirm_delete(request, patient, medication, what, "medications", back)


@require_POST
def dose_step_delete(request: HttpRequest, pid: str, pk: int, step: int) -> HttpResponse:
    patient = patient_for(request.user, pid, write=True)
    medication = get_object_or_404(patient.medications, pk=pk)
    dose = get_object_or_404(medication.dose_steps, pk=step)
    if dose.starts_on == medication.started_on:
        messages.error(
            request,
            _("The first dose cannot be deleted: delete the medicine instead, or add a new dose."),
        )
    else:
        dose.delete()
        messages.success(
            request, _("Deleted the dose from %(date)s.") % {"date": long_date(dose.starts_on)}
        )
    return redirect("medication_detail", pid=pid, pk=pk)


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


# Questions ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def question_list(request: HttpRequest, pid: str) -> HttpResponse:
    patient = patient_for(request.user, pid, write=request.method == "POST")
    form = QuestionForm(request.POST or None, patient=patient) if patient.can_edit else None
    if request.method == "POST" and form.is_valid():
        form.save_for(request.user)
        messages.success(request, _("Saved your question."))
        return redirect("question_list", pid=pid)
    questions = list(patient.questions.all())
    if patient.can_edit:
        for question in questions:
            question.answer_form = answer_form(question)
    return render(
        request,
        "tracker/questions.html",
        {
            "patient": patient,
            "section": "questions",
            "open": [question for question in questions if question.is_open],
            "answered": [question for question in questions if not question.is_open],
            "form": form,
        },
    )


def answer_form(question, data=None) -> AnswerForm:
    """Prefixed per question: several answer forms share one page."""
    return AnswerForm(data, instance=copy.copy(question), prefix=f"question-{question.pk}")


@require_POST
@vary_on_headers("HX-Request")
def question_answer(request: HttpRequest, pid: str, pk: int) -> HttpResponse:
    """Mark a question answered, with what the care team said; htmx swaps it in place."""
    patient = patient_for(request.user, pid, write=True)
    question = get_object_or_404(patient.questions, pk=pk)
    form = answer_form(question, request.POST)
    if form.is_valid():
        question = form.save(commit=False)
        question.status = QuestionStatus.ANSWERED
        question.answered_at = timezone.now()
        question.entered_by = request.user
        question.save()
    if request.htmx:
        return render(
            request,
            "tracker/_question.html",
            {
                "patient": patient,
                "question": question,
                "answer_form": form,
                "just_answered": form.is_valid(),
            },
        )
    if form.is_valid():
        messages.success(request, _("Marked as answered."))
    else:
        messages.error(request, " ".join(form.errors.get("answer", [])))
    return redirect("question_list", pid=pid)


@require_http_methods(["GET", "POST"])
def question_delete(request: HttpRequest, pid: str, pk: int) -> HttpResponse:
    patient = patient_for(request.user, pid, write=True)
    question = get_object_or_404(patient.questions, pk=pk)
    what = _("the question “%(text)s”") % {"text": question.text}
    back = reverse("question_list", args=[pid])
    return confirm_delete(request, patient, question, what, "questions", back)


# Sharing: caregivers, invitations, the access log; deleting a patient ----------------------------
# Owner-only pages: a caregiver gets 403 (they know the patient exists), anyone else 404.

ACCESS_LOG_PAGE_SIZE = 25


@dataclass(frozen=True)
class LogLine:
    at: datetime
    who: str
    what: str
    ip: str


def sharing_words() -> dict[str, str]:
    """Sharing changes read better by what was done than by the page they were sent to."""
    return {
        "invitation_accept": _("accepted the invitation"),
        "sharing_invite": _("sent an invitation"),
        "invitation_cancel": _("cancelled an invitation"),
        "caregiver_access": _("changed what a caregiver may do"),
        "caregiver_revoke": _("removed a caregiver’s access"),
        **clinician_words(),
    }


def log_lines(rows) -> list[LogLine]:
    lines = []
    words = sharing_words()
    for row in rows:
        if row.page in words:
            what = words[row.page]
        elif row.action == AccessAction.CHANGE:
            what = _("changed %(what)s") % {"what": sharing.what_was_opened(row.path)}
        else:
            what = _("looked at %(what)s") % {"what": sharing.what_was_opened(row.path)}
        lines.append(LogLine(at=row.at, who=row.who, what=what, ip=row.ip or _("unknown")))
    return lines


def render_sharing(
    request,
    patient: Patient,
    *,
    invite_form=None,
    new_link=None,
    clinician_form=None,
    new_clinician_link=None,
    status=200,
):
    log_page = Paginator(patient.access_log.all(), ACCESS_LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "patient": patient,
        "section": "sharing",
        "caregivers": patient.access.active()
        .exclude(role=Role.OWNER)
        .select_related("user")
        .order_by("created_at"),
        "invitations": patient.invitations.pending(),
        "invite_form": invite_form or InviteForm(request=request, patient=patient),
        "new_link": new_link,
        "invitation_days": INVITATION_DAYS,
        "log_page": log_page,
        "log_lines": log_lines(log_page.object_list),
        **clinician_context(request, patient, clinician_form, new_clinician_link),
    }
    return render(request, "tracker/sharing.html", context, status=status)


@require_safe
def sharing_page(request: HttpRequest, pid: str) -> HttpResponse:
    patient = patient_for(request.user, pid, owner=True)
    return render_sharing(request, patient)


def send_invitation(request, invitation: Invitation, link: str) -> None:
    inviter = request.user.name or request.user.email
    body = render_to_string(
        "tracker/invitation_email.txt",
        {"inviter": inviter, "link": link, "days": INVITATION_DAYS, "role": invitation.role},
    )
    subject = _("%(inviter)s invited you to a shared diary") % {"inviter": inviter}
    send_mail(subject, body, None, [invitation.email])


@require_POST
def sharing_invite(request: HttpRequest, pid: str) -> HttpResponse:
    """Invite by email; the link is shown once on the page (and emailed): only its hash is kept."""
    patient = patient_for(request.user, pid, owner=True)
    form = InviteForm(request.POST, request=request, patient=patient)
    if not form.is_valid():
        return render_sharing(request, patient, invite_form=form)
    form.confirmed()
    invitation, token = Invitation.issue(
        patient, form.cleaned_data["email"], form.cleaned_data["role"], request.user
    )
    link = request.build_absolute_uri(reverse("invitation_accept", kwargs={"token": token}))
    send_invitation(request, invitation, link)
    return render_sharing(request, patient, new_link={"url": link, "invitation": invitation})


@require_POST
def invitation_cancel(request: HttpRequest, pid: str, pk: int) -> HttpResponse:
    patient = patient_for(request.user, pid, owner=True)
    invitation = get_object_or_404(patient.invitations.pending(), pk=pk)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    messages.success(
        request, _("Cancelled the invitation to %(email)s.") % {"email": invitation.email}
    )
    return redirect("sharing_page", pid=pid)


def caregiver_grant(patient: Patient, pk: int) -> CareAccess:
    return get_object_or_404(
        patient.access.active().exclude(role=Role.OWNER).select_related("user"), pk=pk
    )


@require_http_methods(["GET", "POST"])
def caregiver_access(request: HttpRequest, pid: str, pk: int) -> HttpResponse:
    """Change a caregiver's role (after the password, as any grant of access)."""
    patient = patient_for(request.user, pid, owner=True)
    grant = caregiver_grant(patient, pk)
    form = RoleForm(request.POST or None, request=request, initial={"role": grant.role})
    if request.method == "POST" and form.is_valid():
        form.confirmed()
        grant.role = form.cleaned_data["role"]
        grant.save(update_fields=["role"])
        messages.success(
            request,
            _("%(who)s: %(role)s.") % {"who": grant.user, "role": Role(grant.role).label},
        )
        return redirect("sharing_page", pid=pid)
    return render(
        request,
        "tracker/caregiver_access.html",
        {"patient": patient, "section": "sharing", "grant": grant, "form": form},
    )


@require_POST
def caregiver_revoke(request: HttpRequest, pid: str, pk: int) -> HttpResponse:
    """Take access away; it ends at the caregiver's next request (for_user skips revoked)."""
    patient = patient_for(request.user, pid, owner=True)
    grant = caregiver_grant(patient, pk)
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])
    messages.success(
        request,
        _("%(who)s can no longer see %(name)s’s diary.")
        % {"who": grant.user, "name": patient.display_name},
    )
    return redirect("sharing_page", pid=pid)


@require_http_methods(["GET", "POST"])
def patient_delete(request: HttpRequest, pid: str) -> HttpResponse:
    """Delete the patient and every record tied to it, after the password."""
    patient = patient_for(request.user, pid, owner=True)
    form = DeleteWithPasswordForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        name = patient.display_name
        erase.erase_patient(patient)
        reached.set(None)  # nothing left to log against
        messages.success(
            request, _("Deleted %(name)s’s diary and everything in it.") % {"name": name}
        )
        return redirect("profile")
    other_owners = patient.access.active().filter(role=Role.OWNER).exclude(user=request.user)
    caregivers = patient.access.active().exclude(role=Role.OWNER).select_related("user")
    return render(
        request,
        "tracker/patient_delete.html",
        {
            "patient": patient,
            "section": "sharing",
            "form": form,
            "other_owners": list(other_owners.select_related("user")),
            "caregivers": list(caregivers),
            "days": patient.diary_days.count(),
        },
    )


# Invitations: the invitee's side ------------------------------------------------------------------


def invitation_by_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("patient", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """GET: who invited you to what (after you log in or sign up); POST: accept, once."""
    invitation = invitation_by_token(token)
    if invitation is None or not invitation.is_pending:
        return render(request, "tracker/invitation.html", {"invalid": True}, status=404)
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        return render(
            request,
            "tracker/invitation.html",
            {"invitation": invitation, "next": request.path},
        )
    context = {"invitation": invitation}
    if request.user.email.lower() != invitation.email.lower():
        context["wrong_account"] = True
        return render(request, "tracker/invitation.html", context, status=403)
    existing = invitation.patient.access.active().filter(user=request.user).first()
    if existing:
        context["already"] = existing
        return render(request, "tracker/invitation.html", context)
    if request.method == "GET":
        return render(request, "tracker/invitation.html", context)
    with transaction.atomic():
        # Single use, even when two tabs accept at once: only one update matches.
        taken = Invitation.objects.pending().filter(pk=invitation.pk)
        if not taken.update(accepted_at=timezone.now(), accepted_by=request.user):
            return render(request, "tracker/invitation.html", {"invalid": True}, status=404)
        CareAccess.objects.create(
            user=request.user,
            patient=invitation.patient,
            role=invitation.role,
            invited_by=invitation.invited_by,
        )
        AccessLog.objects.create(
            patient=invitation.patient,
            user=request.user,
            who=user_label(request.user),
            role=invitation.role,
            action=AccessAction.CHANGE,
            page="invitation_accept",
            path=reverse("sharing_page", kwargs={"pid": invitation.patient.public_id}),
            method=request.method,
            status=302,
            ip=client_address(request),
        )
    messages.success(
        request,
        _("You can now see %(name)s’s diary.") % {"name": invitation.patient.display_name},
    )
    return redirect("patient_diary", pid=invitation.patient.public_id)


# Trends, export and import -----------------------------------------------------------------------


@require_safe
def patient_trends(request: HttpRequest, pid: str) -> HttpResponse:
    """Charts over a chosen period on one date axis, each with its summary and data table."""
    patient = patient_for(request.user, pid)
    today = patient.today()
    form = TrendPeriodForm(request.GET or None, today=today)
    period = form.period()
    context = {
        "patient": patient,
        "section": "trends",
        "form": form,
        "period": period,
        "presets": trend_periods(today),
        "trends": trends_for(patient, period),
    }
    return render(request, "tracker/trends.html", context)


def export_rows(patient: Patient) -> list[exports.DayRow]:
    """Every diary day and blood pressure reading of the patient, as export rows (two queries)."""
    day_fields = [
        "date",
        "weight_kg",
        "temperature_c",
        "foam",
        "dipstick",
        "less_urine",
        "medicines_taken",
        "note",
        *SWELLING_FIELDS.values(),
        *symptoms.FIELDS,
    ]
    days = {values["date"]: values for values in patient.diary_days.values(*day_fields)}
    readings: dict[date, list[exports.Reading]] = {}
    for on, taken_at, systolic, diastolic, pulse in patient.blood_pressures.values_list(
        "date", "time", "systolic", "diastolic", "pulse"
    ):
        readings.setdefault(on, []).append(exports.Reading(taken_at, systolic, diastolic, pulse))
    return [
        exports.DayRow(on, days.get(on), readings.get(on, []))
        for on in sorted(days.keys() | readings.keys())
    ]


def download(content: str, content_type: str, patient: Patient, extension: str) -> HttpResponse:
    """An export download: never cached, saved under a safe file name."""
    name = slugify(patient.display_name) or "patient"
    filename = get_valid_filename(f"fsgs-diary-{name}-{patient.today().isoformat()}.{extension}")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def export_csv(request: HttpRequest, pid: str) -> HttpResponse:
    """One row per day, canonical units, formula-safe cells (tracker/exports.py)."""
    patient = patient_for(request.user, pid)
    return download(exports.to_csv(export_rows(patient)), "text/csv; charset=utf-8", patient, "csv")


@require_safe
def export_json(request: HttpRequest, pid: str) -> HttpResponse:
    """A FHIR R4 Bundle (collection): the Patient and an Observation per reading and lab."""
    patient = patient_for(request.user, pid)
    labs = [
        exports.Lab(lab.date, lab.kind, lab.name, lab.value, lab.value_entered, lab.unit_entered)
        for lab in patient.labs.order_by("date", "pk")
    ]
    info = exports.PatientInfo(
        patient.public_id,
        patient.display_name,
        patient.birth_date,
        patient.sex,
        patient.time_zone,
    )
    bundle = exports.fhir_bundle(info, export_rows(patient), labs, timezone.now())
    return download(
        json.dumps(bundle, ensure_ascii=False, indent=1),
        "application/fhir+json; charset=utf-8",
        patient,
        "json",
    )


@require_http_methods(["GET", "POST"])
def diary_import(request: HttpRequest, pid: str) -> HttpResponse:
    """Past days from a CSV in the export's columns; problems listed by row and column."""
    patient = patient_for(request.user, pid, write=True)
    form = DiaryImportForm(request.POST or None, request.FILES or None)
    result = None
    file_problem = ""
    if request.method == "POST" and form.is_valid():
        try:
            result = importer.import_rows(
                patient,
                request.user,
                form.cleaned_data["file"],
                existing=form.cleaned_data["existing"],
                import_valid=form.cleaned_data["import_valid"],
            )
        except exports.FileProblem as problem:
            file_problem = str(problem)
        if result is not None and result.saved_anything and not result.problems:
            messages.success(request, import_summary(result))
            return redirect("patient_diary", pid=patient.public_id)
    context = {
        "patient": patient,
        "section": "import",
        "form": form,
        "result": result,
        "summary": result and import_summary(result),
        "file_problem": file_problem,
        "columns": exports.CSV_COLUMNS,
    }
    return render(request, "tracker/import.html", context, status=200)


def import_summary(result: importer.ImportResult) -> str:
    parts = [
        ngettext("Imported %(count)d day.", "Imported %(count)d days.", len(result.saved))
        % {"count": len(result.saved)}
    ]
    if result.replaced:
        parts.append(
            ngettext(
                "Replaced %(count)d day that already had entries.",
                "Replaced %(count)d days that already had entries.",
                len(result.replaced),
            )
            % {"count": len(result.replaced)}
        )
    if result.skipped:
        parts.append(
            ngettext(
                "Skipped %(count)d day that already had entries (%(dates)s): nothing there "
                "was changed.",
                "Skipped %(count)d days that already had entries (%(dates)s): nothing there "
                "was changed.",
                len(result.skipped),
            )
            % {"count": len(result.skipped), "dates": dates_text(result.skipped)}
        )
    if result.problems and result.saved_anything:
        parts.append(
            ngettext(
                "Left out %(count)d row with problems.",
                "Left out %(count)d rows with problems.",
                result.left_out,
            )
            % {"count": result.left_out}
        )
    return " ".join(parts)


def dates_text(dates: list[date], most: int = 5) -> str:
    shown = ", ".join(day.isoformat() for day in dates[:most])
    return shown + (
        _(" and %(more)d more") % {"more": len(dates) - most} if len(dates) > most else ""
    )


# Visit summary -----------------------------------------------------------------------------------


def summary_request(request, patient: Patient):
    """(period, paper, form) from ?start=&end=&paper=; without dates, the default period (since
    the last summary was made, else the last 28 days) and the paper size used last time."""
    today = patient.today()
    previous = summary.last_print(patient)
    paper = previous.paper if previous else Paper.A4
    if request.GET.get("paper") in Paper.values:
        paper = request.GET["paper"]
    if "start" in request.GET or "end" in request.GET:
        form = SummaryPeriodForm(
            request.GET, patient=patient, max_days=summary.MAX_DAYS, initial={"paper": paper}
        )
        if form.is_valid():
            period = summary.Period(form.cleaned_data["start"], form.cleaned_data["end"])
            return period, paper, form
        return None, paper, form
    period = summary.default_period(today, previous and (previous.start, previous.end))
    form = SummaryPeriodForm(
        initial={"start": period.start, "end": period.end, "paper": paper},
        patient=patient,
        max_days=summary.MAX_DAYS,
    )
    return period, paper, form


def summary_for(request, patient: Patient, period, paper: str) -> summary.VisitSummary:
    return summary.build_summary(
        patient,
        period.start,
        period.end,
        today=patient.today(),
        printed_by=request.user.name or request.user.email,
        paper=paper,
    )


@require_safe
def patient_summary(request: HttpRequest, pid: str) -> HttpResponse:
    """The visit summary as a page: a period form, the summary, and the PDF download."""
    patient = patient_for(request.user, pid)
    period, paper, form = summary_request(request, patient)
    today = patient.today()
    quick = [(days, summary.last_days(today, days)) for days in summary.QUICK_CHOICES]
    context = {
        "patient": patient,
        "section": "summary",
        "form": form,
        "period": period,
        "paper": paper,
        "papers": Paper.choices,
        "quick": quick,
        "summary": period and summary_for(request, patient, period, paper),
    }
    return render(request, "tracker/summary.html", context, status=200 if period else 400)


@require_safe
def patient_summary_pdf(request: HttpRequest, pid: str) -> HttpResponse:
    """The same summary as a PDF (A4 or US Letter); making one is remembered for next time."""
    patient = patient_for(request.user, pid)
    period, paper, form = summary_request(request, patient)
    if period is None:
        messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
        return redirect(reverse("patient_summary", kwargs={"pid": pid}))
    visit = summary_for(request, patient, period, paper)
    pdf = summary.render_summary_pdf(visit, request)
    if request.method == "GET":
        summary.record_print(patient, period, paper, request.user)
    return pdf_response(pdf, summary.filename(patient.display_name, period))


# Clinician link: made and revoked by the owner on the sharing page; opened without an account ----


def clinician_words() -> dict[str, str]:
    return {
        "clinician_link_create": _("made a clinician link"),
        "clinician_link_revoke": _("revoked a clinician link"),
        "clinician_summary": _("opened the visit summary through a clinician link"),
        "clinician_summary_pdf": _("downloaded the visit summary PDF through a clinician link"),
    }


def clinician_context(request, patient: Patient, form=None, new_link=None) -> dict:
    today = patient.today()
    start = today - timedelta(days=27)
    return {
        "clinician_form": form
        or ClinicianLinkForm(
            prefix="clinician",
            request=request,
            patient=patient,
            max_days=summary.MAX_DAYS,
            initial={"start": max(start, patient.birth_date or start), "end": today},
        ),
        "clinician_links": patient.clinician_links.all(),
        "new_clinician_link": new_link,
        "clinician_max_days": CLINICIAN_LINK_MAX_DAYS,
        "now": timezone.now(),
    }


@require_POST
def clinician_link_create(request: HttpRequest, pid: str) -> HttpResponse:
    """Make a link; its full address is shown this once (only the token's hash is kept)."""
    patient = patient_for(request.user, pid, owner=True)
    form = ClinicianLinkForm(
        request.POST,
        prefix="clinician",
        request=request,
        patient=patient,
        max_days=summary.MAX_DAYS,
    )
    if not form.is_valid():
        return render_sharing(request, patient, clinician_form=form)
    form.confirmed()
    data = form.cleaned_data
    link, token = ClinicianLink.issue(
        patient, data["start"], data["end"], data["days"], request.user
    )
    url = request.build_absolute_uri(reverse("clinician_summary", kwargs={"token": token}))
    return render_sharing(request, patient, new_clinician_link={"url": url, "link": link})


@require_POST
def clinician_link_revoke(request: HttpRequest, pid: str, pk: int) -> HttpResponse:
    patient = patient_for(request.user, pid, owner=True)
    link = get_object_or_404(patient.clinician_links.usable(), pk=pk)
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    messages.success(request, _("The clinician link no longer works."))
    return redirect("sharing_page", pid=pid)


def clinician_link_for(request, token: str) -> ClinicianLink:
    """The usable link with this token, else 404 (unknown, expired and revoked alike)."""
    link = (
        ClinicianLink.objects.usable()
        .select_related("patient")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if link is None:
        raise Http404
    return link


def log_clinician_use(request, link: ClinicianLink, status: int) -> None:
    """Each use of a link, for the owner's access log: no user, the address, no token."""
    AccessLog.objects.create(
        patient_id=link.patient_id,
        user=None,
        who=_("Clinician link (%(start)s to %(end)s)")
        % {"start": link.start.isoformat(), "end": link.end.isoformat()},
        role="",
        action=AccessAction.VIEW,
        page=request.resolver_match.view_name[:100],
        path=redacted_path(request),
        method=request.method,
        status=status,
        ip=client_address(request),
    )


def clinician_headers(response: HttpResponse) -> HttpResponse:
    """Not cached, and no Referer carrying the token to any page the summary links to."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def clinician_visit(request, link: ClinicianLink) -> summary.VisitSummary:
    paper = request.GET.get("paper")
    return summary.build_summary(
        link.patient,
        link.start,
        link.end,
        today=link.patient.today(),
        printed_by=_("a clinician link"),
        paper=paper if paper in Paper.values else Paper.A4,
    )


@login_not_required
@require_safe
def clinician_summary(request: HttpRequest, token: str) -> HttpResponse:
    """The visit summary of the link's period only: no period choice, no diary navigation."""
    link = clinician_link_for(request, token)
    visit = clinician_visit(request, link)
    context = {
        "patient": link.patient,
        "link": link,
        "summary": visit,
        "papers": Paper.choices,
        "pdf_url": reverse("clinician_summary_pdf", kwargs={"token": token}),
    }
    response = render(request, "tracker/clinician_summary.html", context)
    log_clinician_use(request, link, response.status_code)
    return clinician_headers(response)


@login_not_required
@require_safe
def clinician_summary_pdf(request: HttpRequest, token: str) -> HttpResponse:
    link = clinician_link_for(request, token)
    visit = clinician_visit(request, link)
    response = pdf_response(
        summary.render_summary_pdf(visit, request),
        summary.filename(link.patient.display_name, summary_period(link)),
    )
    log_clinician_use(request, link, response.status_code)
    return clinician_headers(response)


def summary_period(link: ClinicianLink) -> summary.Period:
    return summary.Period(link.start, link.end)


# Everything, for the owner: the FHIR Bundle and the records FHIR leaves out -------------------


def record_values(row, drop) -> dict:
    """A row's own fields (not the database ids), and who entered it by email."""
    fields = [f.name for f in row._meta.concrete_fields if not f.is_relation and f.name not in drop]
    values = {name: getattr(row, name) for name in fields}
    if "entered_by" in drop:
        values["entered_by"] = row.entered_by.email if row.entered_by else None
    return values


def records_of(queryset, drop=("id", "patient", "entered_by")) -> list[dict]:
    related = ["entered_by"] if "entered_by" in drop else []
    return [record_values(row, drop) for row in queryset.select_related(*related)]


@require_safe
def export_everything(request: HttpRequest, pid: str) -> HttpResponse:
    """One JSON file: the FHIR Bundle (export.json) and every diary record as entered —
    days with notes and swelling, readings, labs, medicines with their dose steps, events
    and questions, which the Bundle does not carry."""
    patient = patient_for(request.user, pid, owner=True)
    labs = [
        exports.Lab(lab.date, lab.kind, lab.name, lab.value, lab.value_entered, lab.unit_entered)
        for lab in patient.labs.order_by("date", "pk")
    ]
    info = exports.PatientInfo(
        patient.public_id, patient.display_name, patient.birth_date, patient.sex, patient.time_zone
    )
    now = timezone.now()
    steps: dict[int, list[dict]] = {}
    for step in DoseStep.objects.filter(medication__patient=patient).order_by("starts_on"):
        steps.setdefault(step.medication_id, []).append(step)
    medications = []
    for medication in patient.medications.order_by("started_on", "pk").select_related("entered_by"):
        values = record_values(medication, ("id", "patient", "entered_by"))
        values["dose_steps"] = [
            record_values(step, ("id", "medication", "entered_by"))
            for step in steps.get(medication.pk, [])
        ]
        medications.append(values)
    everything = {
        "format": "fsgs-portal-export/1",
        "exported_at": now,
        "patient": record_values(patient, drop=("id",)),
        "fhir_bundle": exports.fhir_bundle(info, export_rows(patient), labs, now),
        "diary_days": records_of(patient.diary_days.order_by("date")),
        "blood_pressures": records_of(patient.blood_pressures.order_by("date", "time")),
        "labs": records_of(patient.labs.order_by("date", "pk")),
        "medications": medications,
        "events": records_of(patient.events.order_by("date", "pk")),
        "questions": records_of(patient.questions.order_by("created_at", "pk")),
    }
    response = download(
        json.dumps(everything, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
        "application/json; charset=utf-8",
        patient,
        "json",
    )
    name = response["Content-Disposition"].replace("fsgs-diary-", "fsgs-diary-everything-")
    response["Content-Disposition"] = name
    return response
