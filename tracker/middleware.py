"""The access log, written in one place: every page under /patients/<pid>/ is covered,
including pages added later, without each view remembering to log."""

from fsgs_portal.middleware import client_address
from fsgs_portal.redaction import redact_path
from tracker.access import reached
from tracker.models import AccessAction, AccessLog, Patient, Role

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def redacted_path(request) -> str:
    """The request's path for the log, with any secret token in it (a clinician link, an
    invitation) blanked by the one rule every log uses (fsgs_portal.redaction): the log shows
    what was opened, never a key that opens it."""
    return redact_path(request.get_full_path())


def user_label(user) -> str:
    return f"{user.name} ({user.email})" if user.name else user.email


class AccessLogMiddleware:
    """After the response, record a request that reached a patient (its URL has `pid`, the
    status is below 400): a caregiver's look (the owner's own looks are not logged) or anyone's
    change (a POST). The client address is found as django-axes finds it (PROXY_COUNT)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = reached.set(None)
        try:
            response = self.get_response(request)
            self.record(request, response)
        finally:
            reached.reset(token)
        return response

    def record(self, request, response) -> None:
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        if match is None or "pid" not in match.kwargs or response.status_code >= 400:
            return
        if user is None or not user.is_authenticated:
            return
        patient = self.patient_reached(user, match.kwargs["pid"])
        if patient is None:
            return
        changing = request.method not in SAFE_METHODS
        if not changing and patient.role == Role.OWNER:
            return
        AccessLog.objects.create(
            patient_id=patient.pk,
            user=user,
            who=user_label(user),
            role=patient.role or "",
            action=AccessAction.CHANGE if changing else AccessAction.VIEW,
            page=match.view_name[:100],
            path=redacted_path(request),
            method=request.method,
            status=response.status_code,
            ip=client_address(request),
        )

    @staticmethod
    def patient_reached(user, public_id: str) -> Patient | None:
        """The patient patient_for found for this request; else (a view that did not use it,
        or a patient deleted by this request) look the grant up."""
        patient = reached.get()
        if patient is not None and patient.public_id == public_id:
            return patient
        return Patient.objects.for_user(user).with_role(user).filter(public_id=public_id).first()
