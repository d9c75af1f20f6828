"""The visit summary: page and PDF for the owner, and through a clinician link (no account)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from fsgs_portal.middleware import client_address
from fsgs_portal.pdf import pdf_response
from tracker import summary
from tracker.access import patient_for
from tracker.forms.summary import SummaryPeriodForm
from tracker.middleware import redacted_path
from tracker.models import (
    AccessAction,
    AccessLog,
    ClinicianLink,
    Paper,
    Patient,
    hash_token,
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


def chosen_language(request, patient: Patient | None = None) -> str:
    """The summary language from ?language=, else this person's last choice for this diary
    (none through a clinician link), else the interface's."""
    remembered = patient and summary.last_language(patient, request.user)
    return summary.summary_language(request.GET.get("language"), remembered)


def summary_for(request, patient: Patient, period, paper: str, language: str):
    return summary.build_summary_in(
        language,
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
    language = chosen_language(request, patient)
    today = patient.today()
    quick = [(days, summary.last_days(today, days)) for days in summary.QUICK_CHOICES]
    context = {
        "patient": patient,
        "section": "summary",
        "form": form,
        "period": period,
        "paper": paper,
        "papers": Paper.choices,
        "summary_language": language,
        "quick": quick,
        "summary": period and summary_for(request, patient, period, paper, language),
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
    language = chosen_language(request, patient)
    visit = summary_for(request, patient, period, paper, language)
    pdf = summary.render_summary_pdf(visit, request)
    if request.method == "GET":
        summary.record_print(patient, period, paper, request.user, language)
    return pdf_response(pdf, summary.filename(patient.display_name, period))


# Clinician link: the token in the path opens the summary ------------------------------------------


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
    return summary.build_summary_in(
        chosen_language(request),
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
