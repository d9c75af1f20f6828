"""Plain-function factories for the cast the tests need."""

import itertools

from django.utils import timezone

from fsgs_portal.accounts.models import User
from tracker.models import (
    CareAccess,
    DiaryDay,
    DoseStep,
    Medication,
    Patient,
    Purpose,
    Role,
)

PASSWORD = "correct-horse-battery-staple"
_numbers = itertools.count(1)


def make_user(email: str | None = None, password: str = PASSWORD, **fields) -> User:
    email = email or f"person{next(_numbers)}@example.org"
    fields.setdefault("email_confirmed_at", timezone.now())  # as accounts that can log in are
    return User.objects.create_user(email=email, password=password, **fields)


def make_patient(owner: User | None = None, **fields) -> Patient:
    fields.setdefault("display_name", f"Patient {next(_numbers)}")
    patient = Patient.objects.create(**fields)
    if owner is not None:
        grant_access(owner, patient, Role.OWNER)
    return patient


def grant_access(user: User, patient: Patient, role: str, invited_by: User | None = None):
    return CareAccess.objects.create(user=user, patient=patient, role=role, invited_by=invited_by)


def make_day(patient: Patient, on, user: User | None = None, **fields) -> DiaryDay:
    return DiaryDay.objects.create(patient=patient, date=on, entered_by=user, **fields)


def make_medication(patient: Patient, purpose: str, started_on, dose="40", **fields) -> Medication:
    fields.setdefault("name", "Prednisone" if purpose == Purpose.STEROID else "Ramipril")
    medication = Medication.objects.create(
        patient=patient, purpose=purpose, started_on=started_on, **fields
    )
    DoseStep.objects.create(medication=medication, starts_on=started_on, dose=dose)
    return medication
