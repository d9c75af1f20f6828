"""Exports (CSV, JSON, everything) and the CSV import."""

import json
from datetime import date

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import get_valid_filename, slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from tracker import exports, importer, symptoms
from tracker.access import patient_for
from tracker.forms.imports import DiaryImportForm
from tracker.models import (
    SWELLING_FIELDS,
    DoseStep,
    Patient,
)

# Export and import --------------------------------------------------------------------------------


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
    days with notes and swelling, readings, labs, medicines with their dose steps, events,
    questions and the alerts' "I contacted the care team" marks, which the Bundle does not carry."""
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
        # "I contacted the care team" marks on alerts, with who marked them by email.
        "alert_contacts": [
            record_values(mark, ("id", "patient", "marked_by"))
            | {"marked_by": mark.marked_by.email if mark.marked_by else None}
            for mark in patient.alert_contacts.order_by("triggered_on", "rule").select_related(
                "marked_by"
            )
        ],
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
