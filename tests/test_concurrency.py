"""Several writers at once: no "database is locked", no lost row (SECURITY.md "Reliability")."""

import threading

import pytest
from django.db import connection, connections, transaction

from tests.factories import make_user
from tracker.models import CareAccess, Patient, Role

THREADS = 6
WRITES_PER_THREAD = 10


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_lose_nothing():
    if connection.vendor == "sqlite":
        assert connection.settings_dict["NAME"] != ":memory:"
        assert "memory" not in str(connection.settings_dict["NAME"])
    users = [make_user() for _ in range(THREADS)]
    errors = []
    start = threading.Barrier(THREADS)

    def writer(user):
        try:
            start.wait()
            for index in range(WRITES_PER_THREAD):
                # Read then write in one transaction: the pattern that deadlocks with
                # deferred SQLite transactions ("database is locked").
                with transaction.atomic():
                    Patient.objects.count()
                    patient = Patient.objects.create(display_name=f"{user.email} {index}")
                    CareAccess.objects.create(user=user, patient=patient, role=Role.OWNER)
        except Exception as error:
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert Patient.objects.count() == THREADS * WRITES_PER_THREAD
    assert CareAccess.objects.count() == THREADS * WRITES_PER_THREAD
