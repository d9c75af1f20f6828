"""The one way views reach a patient: through the user's access grant, else 404."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from tracker.models import Patient, Role


def patient_for(user, public_id: str, *, write: bool = False) -> Patient:
    """The patient with this public id if the user may see it, with `.role` set.

    Not yours, or revoked: 404 (a 403 would tell a stranger the patient exists).
    Yours to view only, asking to write: 403.
    """
    patient = get_object_or_404(Patient.objects.for_user(user).with_role(user), public_id=public_id)
    if write and patient.role == Role.VIEW:
        raise PermissionDenied
    return patient
