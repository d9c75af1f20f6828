"""Trends: the charts page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from tracker.access import patient_for
from tracker.forms.trends import TrendPeriodForm
from tracker.trends import period_links as trend_periods
from tracker.trends import trends as trends_for

# Trends ------------------------------------------------------------------------------------------


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
