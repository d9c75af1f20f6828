"""The cast every view test uses: owner, caregivers with edit and view access, a revoked
caregiver, a stranger, and anonymous visitors."""

from datetime import date

import pytest
from django.utils import timezone

from tests.factories import grant_access, make_patient, make_user
from tracker.models import Role


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Plain static storage: manifest storage needs collectstatic, which unit tests don't run.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
    # A fast hasher keeps the suite quick; test_accounts checks the real (Argon2id) setting.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def owner(db):
    return make_user("owner@example.org", name="Olivia Owner")


@pytest.fixture
def patient(owner):
    return make_patient(owner, display_name="Pat Patient", birth_date=date(1980, 5, 1))


@pytest.fixture
def editor(patient, owner):
    user = make_user("editor@example.org")
    grant_access(user, patient, Role.EDIT, invited_by=owner)
    return user


@pytest.fixture
def viewer(patient, owner):
    user = make_user("viewer@example.org")
    grant_access(user, patient, Role.VIEW, invited_by=owner)
    return user


@pytest.fixture
def revoked(patient, owner):
    user = make_user("revoked@example.org")
    access = grant_access(user, patient, Role.EDIT, invited_by=owner)
    access.revoked_at = timezone.now()
    access.save()
    return user


@pytest.fixture
def stranger(db):
    other = make_user("stranger@example.org")
    make_patient(other, display_name="Someone Else")
    return other


@pytest.fixture
def client_for(client):
    """Log a user in on the test client: client_for(user) -> client."""

    def log_in(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return log_in
