"""Erasing a patient or a whole account (GDPR's right to erase; SECURITY.md "Reliability").

A patient row takes every record tied to it with it (all foreign keys to Patient cascade):
diary days, blood pressures, labs, medicines and their doses, events, questions, access grants,
invitations, clinician links, the access log and the alerts' "I contacted the care team" marks.
A mark another person made keeps their name (like the access log) when only their account goes.
"""

from dataclasses import dataclass

from django.db import transaction

from tracker.models import CareAccess, Patient, Role


@dataclass
class AccountErasure:
    """What deleting a user's account does to each patient they can see."""

    deleted: list[Patient]  # the user is the only owner: the patient and all records go
    kept_other_owner: list[Patient]  # someone else owns it too: only the user's grant goes
    kept_caregiver: list[Patient]  # the user only helps: only the user's grant goes


def account_erasure(user) -> AccountErasure:
    patients = list(Patient.objects.for_user(user).with_role(user))
    owned = [patient for patient in patients if patient.role == Role.OWNER]
    co_owned = set(
        CareAccess.objects.active()
        .filter(patient__in=owned, role=Role.OWNER)
        .exclude(user=user)
        .values_list("patient_id", flat=True)
    )
    return AccountErasure(
        deleted=[patient for patient in owned if patient.pk not in co_owned],
        kept_other_owner=[patient for patient in owned if patient.pk in co_owned],
        kept_caregiver=[patient for patient in patients if patient.role != Role.OWNER],
    )


def erase_patient(patient: Patient) -> None:
    with transaction.atomic():
        Patient.objects.filter(pk=patient.pk).delete()


def erase_account(user) -> AccountErasure:
    """Delete the patients only this user owns, then the user (their grants cascade; records
    they entered for other people's patients stay, with "entered by" emptied)."""
    plan = account_erasure(user)
    with transaction.atomic():
        Patient.objects.filter(pk__in=[patient.pk for patient in plan.deleted]).delete()
        user.delete()
    return plan
