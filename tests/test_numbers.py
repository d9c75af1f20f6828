"""Numbers as people type them (tracker/forms/fields.py): decimal commas, no exponent or NaN,
and nothing a column cannot store (issue #12: a 0.0004 mg dose answered with a 500)."""

from datetime import date
from decimal import Decimal as D

import pytest
import time_machine
from django import forms
from django.db import models, transaction
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.factories import make_medication, make_user
from tracker.forms.diary import BloodPressureForm, DiaryDayForm
from tracker.forms.fields import column_limits, number_field, parse_number
from tracker.forms.labs import BaselineForm, LabResultForm
from tracker.forms.medicines import DoseStepForm, MedicationForm
from tracker.forms.patients import PatientForm
from tracker.models import DoseStep, LabResult, Medication, Patient, Purpose

TODAY = date(2025, 3, 10)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-03-10 12:00Z", tick=False):
        yield


def dose_field():
    return number_field("Dose", required=True, example="40", limits=column_limits(DoseStep, "dose"))


def problem(field: forms.Field, text: str) -> list[str]:
    try:
        field.clean(text)
    except forms.ValidationError as error:
        return error.messages
    return []


# Reading what was typed --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("72,5", D("72.5")),
        ("72.5", D("72.5")),
        (" 72,50 ", D("72.5")),
        ("0,125", D("0.125")),
        (",5", D("0.5")),
        ("5.", D("5")),
        ("+3", D("3")),
        ("\u22122", D("-2")),
        ("-0", D("0")),
        ("1.234", D("1.234")),
        ("1234,5", D("1234.5")),
    ],
)
def test_a_point_or_one_decimal_comma_is_read_as_the_decimal_mark(text, number):
    value = parse_number(text, "70.5")
    assert value == number
    assert str(value) == str(number)


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("1.234,5", "Type the number without a thousands separator"),
        ("1,234.5", "Type the number without a thousands separator"),
        ("1 000", "Type the number without a thousands separator"),
        ("1,2,3", "Type the number without a thousands separator"),
        ("1,234", "Is 1,234 a number with decimals, or in the thousands?"),
        ("12,500", "Is 12,500 a number with decimals, or in the thousands?"),
        ("1e-400", "Type the number in full, without “e”"),
        ("2E3", "Type the number in full, without “e”"),
        ("NaN", "Type a number, like 40."),
        ("Infinity", "Type a number, like 40."),
        ("-inf", "Type a number, like 40."),
        ("0x10", "Type a number, like 40."),
        ("\u0663", "Type a number, like 40."),
        ("9" * 41, "Type a number, like 40."),
        (".", "Type a number, like 40."),
    ],
)
def test_what_is_not_one_plain_number_is_refused_with_a_plain_message(text, start):
    messages = problem(dose_field(), text)
    assert len(messages) == 1
    assert messages[0].startswith(start)


def test_the_limits_come_from_the_model_column():
    limits = column_limits(DoseStep, "dose")
    field = DoseStep._meta.get_field("dose")
    assert (limits.max_digits, limits.decimal_places) == (field.max_digits, field.decimal_places)
    assert (
        column_limits(Patient, "alert_systolic").low,
        column_limits(Patient, "alert_systolic").high,
    ) == (0, 32767)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0.0004", "That is too small to record here: the smallest is 0.001 — you typed 0.0004."),
        ("0.1234", "Type at most 3 digits after the decimal point, like 40."),
        ("1000000", "That number is too big to record here — you typed 1000000."),
    ],
)
def test_a_dose_the_column_cannot_hold_is_refused_not_rounded(text, message):
    assert problem(dose_field(), text) == [message]


def test_the_largest_dose_the_column_holds_is_accepted():
    assert dose_field().clean("999999,999") == D("999999.999")


# The 500 from issue #12 --------------------------------------------------------------------------

MEDICATION = {
    "name": "Prednisone",
    "purpose": "steroid",
    "started_on": "2025-01-06",
    "dose": "60",
    "unit": "mg",
    "frequency": "1/day",
}


@pytest.mark.django_db
@pytest.mark.parametrize("dose", ["0.0004", "1e-400", "0,0004"])
def test_a_tiny_dose_gets_a_message_by_the_field_and_nothing_is_saved(
    client_for, patient, owner, dose
):
    url = reverse("medication_list", kwargs={"pid": patient.public_id})
    response = client_for(owner).post(url, {**MEDICATION, "dose": dose})
    assert response.status_code == 200
    page = response.content.decode()
    assert "the smallest is 0.001" in page or "without “e”" in page
    assert not Medication.objects.exists()
    assert not DoseStep.objects.exists()


@pytest.mark.django_db
def test_a_dose_with_a_decimal_comma_is_saved(client_for, patient, owner):
    url = reverse("medication_list", kwargs={"pid": patient.public_id})
    client_for(owner).post(url, {**MEDICATION, "dose": "2,5"})
    assert DoseStep.objects.get().dose == D("2.5")


@pytest.mark.django_db
def test_a_lab_result_and_a_weight_take_a_decimal_comma(patient):
    form = LabResultForm(
        {"date": "2025-03-01", "kind": "albumin", "value_entered": "32,5", "unit_entered": "g/L"},
        patient=patient,
    )
    assert form.is_valid(), form.errors
    assert form.save_for(make_user()).value_entered == D("32.5")
    day = DiaryDayForm(
        {"weight": "70,25", "weight_unit": "kg", "temperature_unit": "C", "version": "0"}
        | {f"swelling_{s}": "0" for s in ("face", "hands", "belly", "legs")}
        | {"foam": "0"},
        patient=patient,
        day=TODAY,
    )
    assert day.is_valid(), day.errors
    assert day.save_for(make_user()).weight_entered == D("70.25")


# No input gives a server error -------------------------------------------------------------------

TYPED = st.one_of(
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "0.0004",
            "1e-400",
            "1e400",
            "NaN",
            "-Infinity",
            "72,5",
            "1.234,5",
            "99999999999",
            "0,001",
            " 7 ",
            "\u0663",
            "1,234",
            "-0",
            "+.5",
        ]
    ),
    st.text(max_size=30).map(lambda text: text.replace("\x00", "")),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=5).map(str),
    st.floats().map(repr),
    st.integers().map(str),
)
PROPERTY = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def fits_its_columns(row: models.Model) -> bool:
    """Every decimal of a saved row is one its column holds exactly (PostgreSQL would refuse or
    round it; SQLite stores it anyway, so the test checks what PostgreSQL would)."""
    for field in row._meta.concrete_fields:
        value = getattr(row, field.attname)
        if isinstance(field, models.DecimalField) and value is not None:
            places, whole = field.decimal_places, field.max_digits - field.decimal_places
            if value != value.quantize(D(1).scaleb(-places)) or abs(value) >= 10**whole:
                return False
    return True


def saves_or_explains(form: forms.BaseForm, save) -> None:
    """A valid form saves (in a transaction rolled back afterwards); an invalid one names a
    field. Either way, no exception."""
    if not form.is_valid():
        assert form.errors
        return
    with transaction.atomic():
        saved = save()
        for row in saved:
            assert fits_its_columns(row), row
        transaction.set_rollback(True)


@pytest.mark.django_db
@PROPERTY
@given(weight=TYPED, temperature=TYPED, unit=st.sampled_from(["kg", "lb"]))
@example(weight="70.0004", temperature="37.001", unit="kg")
def test_any_diary_day_numbers_save_or_get_a_message(patient, owner, weight, temperature, unit):
    data = {"weight": weight, "weight_unit": unit, "temperature": temperature}
    data |= {"temperature_unit": "F" if unit == "lb" else "C", "version": "0", "foam": "0"}
    data |= {f"swelling_{site}": "0" for site in ("face", "hands", "belly", "legs")}
    form = DiaryDayForm(data, patient=patient, day=TODAY)
    saves_or_explains(form, lambda: [form.save_for(owner)])


@pytest.mark.django_db
@PROPERTY
@given(systolic=TYPED, diastolic=TYPED, pulse=TYPED)
def test_any_blood_pressure_saves_or_gets_a_message(patient, owner, systolic, diastolic, pulse):
    data = {"time": "08:00", "systolic": systolic, "diastolic": diastolic, "pulse": pulse}
    form = BloodPressureForm(data, patient=patient, day=TODAY)
    saves_or_explains(form, lambda: [form.save_for(owner)])


@pytest.mark.django_db
@PROPERTY
@given(value=TYPED, kind=st.sampled_from(["upcr", "albumin", "creatinine", "other"]))
@example(value="0.00001", kind="other")
@example(value="0,00001", kind="creatinine")
def test_any_lab_result_saves_or_gets_a_message(patient, owner, value, kind):
    units = {"upcr": "mg/mmol", "albumin": "g/dL", "creatinine": "µmol/L", "other": ""}
    data = {"date": "2025-03-01", "kind": kind, "value_entered": value}
    data |= {"unit_entered": units[kind], "other_name": "potassium", "other_unit": "mmol/L"}
    form = LabResultForm(data, patient=patient)
    saves_or_explains(form, lambda: [form.save_for(owner)])


@pytest.mark.django_db
@PROPERTY
@given(value=TYPED, unit=st.sampled_from(["g/g", "mg/g", "mg/mmol"]))
def test_any_baseline_fits_its_column_or_gets_a_message(patient, value, unit):
    form = BaselineForm({"baseline": value, "unit": unit})

    def save():
        patient.baseline_upcr = form.cleaned_data["baseline_g_per_g"]
        patient.save()
        return [patient]

    saves_or_explains(form, save)


@pytest.mark.django_db
@PROPERTY
@given(dose=TYPED)
@example(dose="0.0004")
@example(dose="99999999999")
def test_any_new_medicine_dose_saves_or_gets_a_message(patient, owner, dose):
    form = MedicationForm({**MEDICATION, "dose": dose}, patient=patient)

    def save():
        medication = form.save_for(owner)
        # The dose as written (read back, SQLite would show it rounded by the column).
        return [medication, DoseStep(medication=medication, dose=form.cleaned_data["dose"])]

    saves_or_explains(form, save)


@pytest.mark.django_db
@PROPERTY
@given(dose=TYPED)
@example(dose="0.0004")
@example(dose="1234567.5")
def test_any_dose_step_saves_or_gets_a_message(patient, owner, dose):
    medication = make_medication(patient, Purpose.STEROID, date(2025, 1, 6))
    data = {"starts_on": "2025-02-01", "dose": dose, "unit": "mg", "frequency": "1/day"}
    form = DoseStepForm(data, medication=medication)

    def save():
        step = form.save(commit=False)
        step.medication, step.entered_by = medication, owner
        step.save()
        return [step]

    saves_or_explains(form, save)


@pytest.mark.django_db
@PROPERTY
@given(gain=TYPED, fever=TYPED, systolic=TYPED, crisis=TYPED)
@example(gain="1.005", fever="38,004", systolic="99999", crisis="-1")
def test_any_profile_numbers_save_or_get_a_message(patient, gain, fever, systolic, crisis):
    data = {
        "display_name": "Mia",
        "birth_date": "2015-06-01",
        "weight_unit": "kg",
        "upcr_unit": "g/g",
        "temperature_unit": "C",
        "time_zone": "UTC",
        "alert_weight_gain_1d": gain,
        "alert_weight_gain_7d": gain,
        "alert_fever": fever,
        "alert_systolic": systolic,
        "crisis_diastolic": crisis,
        "bp_target_systolic": systolic,
        "bp_target_diastolic": crisis,
    }
    form = PatientForm(data, instance=Patient.objects.get(pk=patient.pk))
    saves_or_explains(form, lambda: [form.save()])


@pytest.mark.django_db
def test_the_property_check_would_see_a_dose_the_column_rounds(patient, owner):
    medication = make_medication(patient, Purpose.STEROID, date(2025, 1, 6))
    step = DoseStep(medication=medication, starts_on=TODAY, dose=D("0.5004"))
    assert not fits_its_columns(step)
    assert fits_its_columns(LabResult(value_entered=D("1.5"), value=D("1.5")))
