"""Migration 0007: swelling and foam may be "not recorded" (NULL); every existing row keeps the
grades it had, and the range checks still refuse a grade above 3."""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("tracker", "0006_diary_day_symptom_checklist")]
AFTER = [("tracker", "0007_swelling_foam_not_recorded")]
GRADES = ["swelling_face", "swelling_hands", "swelling_belly", "swelling_legs", "foam"]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_the_latest_schema():
    """Leave the shared test database at the newest migrations whatever happens."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_the_latest_schema")
def test_existing_grades_stay_and_new_rows_may_leave_them_not_recorded():
    old = migrate(BEFORE)
    Patient, DiaryDay = old.get_model("tracker", "Patient"), old.get_model("tracker", "DiaryDay")
    patient = Patient.objects.create(display_name="Old data")
    graded = dict(zip(GRADES, [0, 1, 2, 3, 1], strict=True))
    DiaryDay.objects.create(patient=patient, date=date(2025, 3, 1), **graded)
    DiaryDay.objects.create(patient=patient, date=date(2025, 3, 2))  # the old default: 0

    new = migrate(AFTER)
    DiaryDay = new.get_model("tracker", "DiaryDay")
    rows = {day.date: [getattr(day, name) for name in GRADES] for day in DiaryDay.objects.all()}
    assert rows == {date(2025, 3, 1): [0, 1, 2, 3, 1], date(2025, 3, 2): [0] * 5}
    patient_id = DiaryDay.objects.first().patient_id
    not_recorded = DiaryDay.objects.create(patient_id=patient_id, date=date(2025, 3, 3))
    assert [getattr(not_recorded, name) for name in GRADES] == [None] * 5
    with pytest.raises(IntegrityError), transaction.atomic():
        DiaryDay.objects.create(patient_id=patient_id, date=date(2025, 3, 4), foam=4)
