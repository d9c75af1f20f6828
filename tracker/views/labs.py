"""Lab results and the baseline."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tracker.access import patient_for
from tracker.contexts import labs_overview
from tracker.forms.labs import BaselineForm, LabResultForm
from tracker.models import (
    Patient,
)
from tracker.views.helpers import confirm_delete, long_date

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
            messages.success(
                request,
                _("Saved the %(test)s result: %(value)s %(unit)s on %(date)s.")
                % {
                    "test": result.short_name,
                    "value": f"{result.value_entered.normalize():f}",
                    "unit": result.unit_entered,
                    "date": long_date(result.date),
                },
            )
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
