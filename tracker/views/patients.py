"""Patients: the `/diary/` chooser, adding a patient, the profile."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from tracker.access import patient_for
from tracker.forms.patients import NewPatientForm, PatientForm
from tracker.models import (
    CareAccess,
    Patient,
    Role,
)

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
    """The first form asks only what a diary needs to start; the care team's numbers wait for the
    profile, which the diary invites the person to fill in (issue #11)."""
    form = NewPatientForm(request.POST or None, initial={"time_zone": "UTC"})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            patient = form.save()
            CareAccess.objects.create(user=request.user, patient=patient, role=Role.OWNER)
        messages.success(request, _("%(name)s’s diary is ready.") % {"name": patient.display_name})
        return redirect("patient_diary", pid=patient.public_id)
    return render(request, "tracker/patient_new.html", {"form": form})


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
        {"form": form, "patient": patient, "section": "profile"},
    )
