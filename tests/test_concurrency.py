"""Several writers at once: no "database is locked", no lost row (SECURITY.md "Reliability")."""

import threading
from datetime import date

import pytest
from django.db import connection, connections, transaction

from tests.factories import make_patient, make_user
from tracker.forms.diary import DiaryDayForm, StaleEdit
from tracker.models import CareAccess, DiaryDay, Patient, Role

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


@pytest.mark.django_db(transaction=True)
def test_saving_the_same_new_day_at_once_makes_one_row_and_refuses_the_rest():
    users = [make_user() for _ in range(THREADS)]
    patient = make_patient(users[0])
    day = date(2025, 3, 10)
    outcomes, errors = [], []
    start = threading.Barrier(THREADS)

    def writer(index, user):
        try:
            form = DiaryDayForm(
                {
                    "weight": f"{70 + index}",
                    "weight_unit": "kg",
                    **{f"swelling_{site}": "0" for site in ("face", "hands", "belly", "legs")},
                    "foam": "0",
                    "temperature_unit": "C",
                    "version": "0",
                },
                patient=patient,
                day=day,
                instance=DiaryDay(),
            )
            assert form.is_valid(), form.errors
            start.wait()
            try:
                form.save_for(user)
                outcomes.append("saved")
            except StaleEdit:
                outcomes.append("refused")
        except Exception as error:
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=pair) for pair in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(outcomes) == ["refused"] * (THREADS - 1) + ["saved"]
    assert DiaryDay.objects.filter(patient=patient, date=day).count() == 1
    assert DiaryDay.objects.get().version == 1
