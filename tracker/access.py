"""The one way views reach a patient: through the user's access grant, else 404."""

from contextvars import ContextVar

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from tracker.models import Patient, Role

# The patient (and role) the current request reached through patient_for: the access log
# (tracker.middleware) records the request against it without querying again.
reached: ContextVar[Patient | None] = ContextVar("reached_patient", default=None)


def patient_for(user, public_id: str, *, write: bool = False, owner: bool = False) -> Patient:
    """The patient with this public id if the user may see it, with `.role` set.

    Not yours, or revoked: 404 (a 403 would tell a stranger the patient exists).
    Yours to view only, asking to write: 403. Owner-only pages (owner=True), for a caregiver:
    403, as the caregiver knows the patient exists.
    """
    patient = get_object_or_404(
        Patient.objects.for_user(user).with_role(user).with_owner().with_patient_count(user),
        public_id=public_id,
    )
    reached.set(patient)
    if write and patient.role == Role.VIEW:
        raise PermissionDenied
    if owner and patient.role != Role.OWNER:
        raise PermissionDenied
    return patient
