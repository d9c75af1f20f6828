"""Sharing: caregivers, invitations, the access log, clinician links; deleting a patient."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fsgs_portal.accounts.language import language_for_address
from fsgs_portal.middleware import client_address
from tracker import erase, invitations, sharing, summary
from tracker.access import patient_for, reached
from tracker.forms.sharing import ClinicianLinkForm, DeleteWithPasswordForm, InviteForm, RoleForm
from tracker.middleware import user_label
from tracker.models import (
    CLINICIAN_LINK_MAX_DAYS,
    INVITATION_DAYS,
    AccessAction,
    AccessLog,
    CareAccess,
    ClinicianLink,
    Invitation,
    Patient,
    Role,
    hash_token,
)

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
    """The email names who invited and whose diary it is; the subject carries no health data
    (SECURITY.md: lock screens are public), only who invited."""
    inviter = str(request.user)
    # In the language of the person invited when they have an account, else the inviter's.
    with translation.override(language_for_address(invitation.email)):
        body = render_to_string(
            "tracker/invitation_email.txt",
            {
                "inviter": inviter,
                "name": invitation.patient.display_name,
                "link": link,
                "days": INVITATION_DAYS,
                "role": invitation.role,
            },
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
        invitations.forget(request)
        return render(request, "tracker/invitation.html", {"invalid": True}, status=404)
    if not request.user.is_authenticated:
        # Kept for after log-in or sign-up, whichever link on the page the visitor follows.
        invitations.remember(request, token)
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
    invitations.forget(request)
    messages.success(
        request,
        _("You can now see %(name)s’s diary.") % {"name": invitation.patient.display_name},
    )
    return redirect("patient_diary", pid=invitation.patient.public_id)


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
