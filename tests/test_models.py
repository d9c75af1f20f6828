"""The tracker's models: database constraints for every range, one day per patient and date,
and the small domain questions the views ask."""

from datetime import date, time
from decimal import Decimal as D

import pytest
import time_machine
from django.db import IntegrityError, transaction

from tests.factories import make_day, make_medication, make_patient
from tracker import alerts
from tracker.models import (
    BloodPressure,
    DiaryDay,
    DoseStep,
    Event,
    LabResult,
    Medication,
    Patient,
    Purpose,
    day_readings,
)

pytestmark = pytest.mark.django_db

DAY = date(2025, 3, 10)


def refused(create) -> bool:
    """True when the database refuses the row (the transaction is rolled back either way)."""
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize(
    ("field", "value", "is_refused"),
    [
        ("weight_kg", D("1.999"), True),
        ("weight_kg", D("2"), False),
        ("weight_kg", D("400"), False),
        ("weight_kg", D("400.001"), True),
        ("temperature_c", D("29.99"), True),
        ("temperature_c", D("30"), False),
        ("temperature_c", D("45"), False),
        ("temperature_c", D("45.01"), True),
        ("swelling_face", 3, False),
        ("swelling_face", 4, True),
        ("swelling_hands", 4, True),
        ("swelling_belly", 4, True),
        ("swelling_legs", 4, True),
        ("foam", 3, False),
        ("foam", 4, True),
        ("dipstick", 5, False),
        ("dipstick", 6, True),
        ("medicines_taken", "most", True),
        ("medicines_taken", "", False),
    ],
)
def test_the_database_refuses_diary_values_out_of_range(patient, field, value, is_refused):
    assert refused(lambda: make_day(patient, DAY, **{field: value})) is is_refused


def test_one_diary_day_per_patient_and_date(patient):
    make_day(patient, DAY)
    assert refused(lambda: make_day(patient, DAY))
    assert not refused(lambda: make_day(make_patient(), DAY))


@pytest.mark.parametrize(
    ("systolic", "diastolic", "pulse", "is_refused"),
    [
        (120, 80, 70, False),
        (49, 30, None, True),
        (50, 30, None, False),
        (300, 100, None, False),
        (301, 100, None, True),
        (120, 19, None, True),
        (250, 200, None, False),
        (250, 201, None, True),
        (80, 80, None, True),  # systolic must be above diastolic
        (79, 80, None, True),
        (120, 80, 19, True),
        (120, 80, 251, True),
    ],
)
def test_the_database_refuses_blood_pressure_out_of_range(
    patient, systolic, diastolic, pulse, is_refused
):
    def create():
        BloodPressure.objects.create(
            patient=patient,
            date=DAY,
            time=time(8),
            systolic=systolic,
            diastolic=diastolic,
            pulse=pulse,
        )

    assert refused(create) is is_refused


@pytest.mark.parametrize(
    ("field", "value", "is_refused"),
    [
        ("alert_weight_gain_1d", D("0.05"), True),
        ("alert_weight_gain_1d", D("0.5"), False),
        ("alert_weight_gain_7d", D("10.01"), True),
        ("alert_systolic", 79, True),
        ("alert_systolic", 140, False),
        ("alert_diastolic", 151, True),
        ("alert_fever", D("36.9"), True),
        ("alert_fever", D("38.5"), False),
        ("crisis_systolic", 79, True),
        ("crisis_systolic", 140, False),
        ("crisis_diastolic", 151, True),
        ("baseline_upcr", D("-0.1"), True),
    ],
)
def test_the_database_refuses_alert_numbers_out_of_range(field, value, is_refused):
    assert refused(lambda: make_patient(**{field: value})) is is_refused


@pytest.mark.parametrize(
    ("fields", "is_refused"),
    [
        (
            {"weight_kg": D("70.307"), "weight_entered": D("155"), "weight_entered_unit": "lb"},
            False,
        ),
        ({"weight_kg": D("70"), "weight_entered": D("70"), "weight_entered_unit": "kg"}, False),
        ({"weight_kg": D("2"), "weight_entered": D("4.41"), "weight_entered_unit": "lb"}, False),
        ({"weight_kg": D("70"), "weight_entered": D("4.39"), "weight_entered_unit": "lb"}, True),
        ({"weight_kg": D("70"), "weight_entered": D("881.86"), "weight_entered_unit": "lb"}, True),
        ({"weight_kg": D("70"), "weight_entered": D("401"), "weight_entered_unit": "kg"}, True),
        ({"weight_kg": D("70"), "weight_entered": D("155"), "weight_entered_unit": "st"}, True),
        ({"weight_kg": D("70"), "weight_entered": D("155"), "weight_entered_unit": ""}, True),
        ({"weight_entered": D("155"), "weight_entered_unit": "lb"}, True),  # no canonical value
        ({"weight_kg": D("70"), "weight_entered_unit": "lb"}, True),  # a unit without a value
        ({"weight_kg": D("70")}, False),  # canonical only: counts as typed in kg
        (
            {
                "temperature_c": D("38"),
                "temperature_entered": D("100.4"),
                "temperature_entered_unit": "F",
            },
            False,
        ),
        (
            {
                "temperature_c": D("38"),
                "temperature_entered": D("85.9"),
                "temperature_entered_unit": "F",
            },
            True,
        ),
        (
            {
                "temperature_c": D("38"),
                "temperature_entered": D("113.1"),
                "temperature_entered_unit": "F",
            },
            True,
        ),
        (
            {
                "temperature_c": D("38"),
                "temperature_entered": D("45.1"),
                "temperature_entered_unit": "C",
            },
            True,
        ),
        (
            {
                "temperature_c": D("38"),
                "temperature_entered": D("38"),
                "temperature_entered_unit": "K",
            },
            True,
        ),
    ],
)
def test_the_database_refuses_typed_values_out_of_their_units_range(patient, fields, is_refused):
    assert refused(lambda: make_day(patient, DAY, **fields)) is is_refused


@pytest.mark.parametrize(
    ("fields", "is_refused"),
    [
        ({"alert_weight_gain_1d": D("2.2"), "alert_weight_unit": "lb"}, False),
        ({"alert_weight_gain_1d": D("22.0"), "alert_weight_unit": "lb"}, False),
        ({"alert_weight_gain_1d": D("22.01"), "alert_weight_unit": "lb"}, True),
        ({"alert_weight_gain_7d": D("0.19"), "alert_weight_unit": "lb"}, True),
        ({"alert_weight_gain_7d": D("10.01"), "alert_weight_unit": "kg"}, True),
        ({"alert_weight_gain_7d": D("15"), "alert_weight_unit": "kg"}, True),
        ({"alert_weight_gain_7d": D("15"), "alert_weight_unit": "lb"}, False),
        ({"alert_weight_unit": "st"}, True),
        ({"alert_fever": D("100.4"), "alert_fever_unit": "F"}, False),
        ({"alert_fever": D("98.5"), "alert_fever_unit": "F"}, True),
        ({"alert_fever": D("105.9"), "alert_fever_unit": "F"}, True),
        ({"alert_fever": D("100.4"), "alert_fever_unit": "C"}, True),
        ({"alert_fever_unit": "K"}, True),
    ],
)
def test_the_database_refuses_alert_numbers_out_of_their_units_range(fields, is_refused):
    assert refused(lambda: make_patient(**fields)) is is_refused


def test_the_patients_thresholds_carry_their_units():
    patient = make_patient(
        weight_unit="lb",
        temperature_unit="F",
        alert_weight_gain_7d=D("1.5"),
        alert_weight_unit="kg",
        alert_systolic=140,
        crisis_diastolic=95,
    )
    thresholds = patient.alert_thresholds()
    assert thresholds.weight_gain_1d == alerts.Limit(D("2.2"), "lb")  # default, patient's unit
    assert thresholds.weight_gain_7d == alerts.Limit(D("1.5"), "kg")  # the team's, as typed
    assert thresholds.fever == alerts.Limit(D("100.4"), "F")
    assert (thresholds.systolic, thresholds.diastolic) == (140, None)
    assert (thresholds.crisis_systolic, thresholds.crisis_diastolic) == (180, 120)
    assert (thresholds.child_crisis_systolic, thresholds.child_crisis_diastolic) == (None, 95)
    assert thresholds.set_by_care_team == {"weight_gain_7d", "systolic", "child_crisis_diastolic"}


def test_labs_medicines_and_events_refuse_impossible_values(patient):
    assert refused(
        lambda: LabResult.objects.create(
            patient=patient, date=DAY, kind="upcr", value_entered=-1, unit_entered="g/g", value=-1
        )
    )
    assert refused(
        lambda: LabResult.objects.create(
            patient=patient, date=DAY, kind="sodium", value_entered=1, unit_entered="x", value=1
        )
    )
    assert refused(
        lambda: Medication.objects.create(
            patient=patient,
            name="X",
            purpose=Purpose.OTHER,
            started_on=DAY,
            stopped_on=date(2025, 3, 9),
        )
    )
    medication = make_medication(patient, Purpose.STEROID, DAY)
    assert refused(lambda: DoseStep.objects.create(medication=medication, starts_on=DAY, dose=5))
    assert refused(
        lambda: DoseStep.objects.create(medication=medication, starts_on=date(2025, 4, 1), dose=0)
    )
    assert refused(lambda: Event.objects.create(patient=patient, date=DAY, kind="party"))


@time_machine.travel("2025-03-10 03:00Z", tick=False)
def test_date_problem_follows_the_patients_clock_and_birth_date():
    # 03:00 UTC is still 9 March in Chicago.
    patient = make_patient(time_zone="America/Chicago", birth_date=date(2015, 6, 1))
    assert patient.date_problem(date(2025, 3, 9)) is None
    assert patient.date_problem(date(2025, 3, 10)) == (
        "The date cannot be in the future — you chose 2025-03-10."
    )
    assert patient.date_problem(date(2015, 5, 31)) == (
        "The date cannot be before the date of birth (2015-06-01) — you chose 2015-05-31."
    )
    assert patient.date_problem(date(2015, 6, 1)) is None


def test_alert_thresholds_use_the_care_teams_numbers_where_entered(patient):
    assert patient.alert_thresholds() == alerts.DEFAULT_THRESHOLDS
    patient.alert_systolic = 140
    thresholds = patient.alert_thresholds()
    assert thresholds.systolic == 140
    assert thresholds.diastolic == alerts.DEFAULT_THRESHOLDS.diastolic
    assert thresholds.set_by_care_team == {"systolic"}


def test_immunosuppression_follows_the_medicines_taken_on_a_day(patient):
    make_medication(patient, Purpose.ACE_ARB, date(2025, 1, 1))
    assert not patient.on_immunosuppression(DAY)
    make_medication(patient, Purpose.STEROID, date(2025, 2, 1), stopped_on=date(2025, 3, 1))
    assert patient.on_immunosuppression(date(2025, 3, 1))
    assert not patient.on_immunosuppression(date(2025, 3, 2))
    assert patient.first_treatment_date() == date(2025, 2, 1)


def test_dose_on_a_day_is_the_latest_step_started_by_then(patient):
    medication = make_medication(patient, Purpose.STEROID, date(2025, 1, 1), dose="60")
    DoseStep.objects.create(medication=medication, starts_on=date(2025, 2, 1), dose="40")
    medication = Medication.objects.prefetch_related("dose_steps").get(pk=medication.pk)
    assert medication.dose_on(date(2024, 12, 31)) is None
    assert medication.dose_on(date(2025, 1, 31)).dose == 60
    assert medication.dose_on(date(2025, 2, 1)).dose == 40
    assert str(medication.dose_on(date(2025, 2, 1))) == "40 mg once a day"


def test_day_readings_join_diary_days_and_blood_pressures_by_date(patient):
    make_day(patient, DAY, weight_kg=D("70.5"), swelling_legs=2, dipstick=4, less_urine=True)
    for day, (top, bottom) in [(DAY, (130, 85)), (DAY, (185, 95)), (date(2025, 3, 11), (120, 80))]:
        BloodPressure.objects.create(
            patient=patient, date=day, time=time(8), systolic=top, diastolic=bottom
        )
    readings = day_readings(patient.diary_days.all(), patient.blood_pressures.all())
    assert [reading.date for reading in readings] == [DAY, date(2025, 3, 11)]
    first, second = readings
    assert first.weight_kg == D("70.5")
    assert first.swelling == {"legs": 2}  # the other sites were not recorded: no grade
    assert first.foam is None
    assert (first.logged, second.logged) == (True, False)  # second: readings only
    assert first.blood_pressures == ((130, 85), (185, 95))
    assert (first.dipstick, first.less_urine) == (4, True)
    assert (second.weight_kg, second.blood_pressures) == (None, ((120, 80),))


def test_deleting_a_patient_removes_every_record(patient):
    make_day(patient, DAY)
    make_medication(patient, Purpose.STEROID, DAY)
    Event.objects.create(patient=patient, date=DAY, kind="infection")
    patient.delete()
    assert not DiaryDay.objects.exists()
    assert not Medication.objects.exists()
    assert not DoseStep.objects.exists()
    assert not Event.objects.exists()
    assert not Patient.objects.filter(pk=patient.pk).exists()
