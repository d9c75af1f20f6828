"""Medicines and their dose steps (tapers)."""

import copy

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tracker.access import patient_for
from tracker.forms.medicines import DoseStepFormSet, MedicationForm, StopMedicationForm
from tracker.models import (
    DoseStep,
    Patient,
)
from tracker.views.helpers import confirm_delete, long_date

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
