"""The cast every view test uses: owner, caregivers with edit and view access, a revoked
caregiver, a stranger, and anonymous visitors."""

from datetime import date

import pytest
from django.conf import settings as django_settings
from django.utils import timezone, translation

from education.loader import load_content
from tests.factories import grant_access, make_patient, make_user
from tracker.models import Role


def pytest_collection_modifyitems(items):
    """Tests that flush the database (transactional ones, browser tests) run last, so the guides
    loaded once per session stay in place for every other test."""

    def flushes(item):
        marker = item.get_closest_marker("django_db")
        return bool(marker and marker.kwargs.get("transaction"))

    items.sort(key=lambda item: ("tests/browser/" in str(item.fspath), flushes(item)))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_content()


@pytest.fixture
def guides(db):
    """The guides and glossary from education/content (loaded again after a flush)."""
    from education.models import Guide

    if not Guide.objects.exists():
        load_content()


@pytest.fixture(autouse=True)
def _english_unless_a_test_says_otherwise():
    """Each test starts in English and leaves no language behind. A request activates the
    language of its person for the rest of the thread (the test client runs in this one), so a
    Spanish request would otherwise make the next test's direct calls (build_summary, charts)
    Spanish."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


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
