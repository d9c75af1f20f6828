"""Plain-function factories for the cast the tests need."""

import itertools

from fsgs_portal.accounts.models import User
from tracker.models import CareAccess, Patient, Role

PASSWORD = "correct-horse-battery-staple"
_numbers = itertools.count(1)


def make_user(email: str | None = None, password: str = PASSWORD, **fields) -> User:
    email = email or f"person{next(_numbers)}@example.org"
    return User.objects.create_user(email=email, password=password, **fields)


def make_patient(owner: User | None = None, **fields) -> Patient:
    fields.setdefault("display_name", f"Patient {next(_numbers)}")
    patient = Patient.objects.create(**fields)
    if owner is not None:
        grant_access(owner, patient, Role.OWNER)
    return patient


def grant_access(user: User, patient: Patient, role: str, invited_by: User | None = None):
    return CareAccess.objects.create(user=user, patient=patient, role=role, invited_by=invited_by)
