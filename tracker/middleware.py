"""The access log, written in one place: every page under /patients/<pid>/ is covered,
including pages added later, without each view remembering to log."""

from django.db import connection

from fsgs_portal.middleware import client_address
from fsgs_portal.redaction import redact_path
from tracker.access import reached
from tracker.models import AccessAction, AccessLog, Patient, Role

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
WRITES = ("INSERT", "UPDATE", "DELETE")
DIARY_TABLES = "tracker_"  # the diary's tables: a write to one is a change to the diary


class WriteWatch:
    """Notes whether a request wrote to the diary's tables. A form refused with errors writes
    nothing there (a failed password check writes only to axes' tables), so it is no change."""

    def __init__(self):
        self.wrote = False

    def __call__(self, execute, sql, params, many, context):
        if not self.wrote and DIARY_TABLES in sql and sql.lstrip().upper().startswith(WRITES):
            self.wrote = True
        return execute(sql, params, many, context)


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
    change (a POST that wrote to the diary; a form sent back with errors is only a look). The
    client address is found as django-axes finds it (PROXY_COUNT)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = reached.set(None)
        watch = WriteWatch()
        try:
            if request.method in SAFE_METHODS:
                response = self.get_response(request)
            else:
                with connection.execute_wrapper(watch):
                    response = self.get_response(request)
            self.record(request, response, changed=watch.wrote)
        finally:
            reached.reset(token)
        return response

    def record(self, request, response, *, changed: bool = False) -> None:
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        if match is None or "pid" not in match.kwargs or response.status_code >= 400:
            return
        if user is None or not user.is_authenticated:
            return
        patient = self.patient_reached(user, match.kwargs["pid"])
        if patient is None:
            return
        changing = request.method not in SAFE_METHODS and changed
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
