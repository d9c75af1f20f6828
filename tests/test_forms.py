"""Forms turn what people type into canonical values, or say plainly what is wrong."""

from datetime import date, time
from decimal import Decimal as D

import pytest
import time_machine

from tests.factories import make_day, make_medication, make_user
from tracker.alerts import Limit
from tracker.forms.diary import BloodPressureForm, DiaryDayForm, StaleEdit
from tracker.forms.events import EventForm
from tracker.forms.labs import BaselineForm, LabResultForm
from tracker.forms.medicines import DoseStepFormSet, MedicationForm, StopMedicationForm
from tracker.forms.patients import PatientForm
from tracker.models import DiaryDay, DoseStep, Medication, Purpose

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 10)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-03-10 12:00Z", tick=False):
        yield


DAY_FIELDS = {
    "weight": "70.5",
    "weight_unit": "kg",
    "swelling_face": "0",
    "swelling_hands": "0",
    "swelling_belly": "0",
    "swelling_legs": "1",
    "foam": "1",
    "dipstick": "",
    "temperature": "",
    "temperature_unit": "C",
    "medicines_taken": "all",
    "note": "",
    "version": "0",
}


def day_form(patient, day=TODAY, instance=None, **changes):
    return DiaryDayForm(
        {**DAY_FIELDS, **changes}, patient=patient, day=day, instance=instance or DiaryDay()
    )


def errors_of(form, field="__all__"):
    return form.errors.get(field, [])


# Diary day: weight and temperature ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("weight", "unit", "kilograms"),
    [
        ("70.5", "kg", D("70.500")),
        ("2", "kg", D("2.000")),
        ("400", "kg", D("400.000")),
        ("155.4", "lb", D("70.488")),
        ("4.5", "lb", D("2.041")),
        ("881.8", "lb", D("399.978")),
    ],
)
def test_weight_in_either_unit_is_stored_in_kilograms(patient, weight, unit, kilograms):
    form = day_form(patient, weight=weight, weight_unit=unit)
    assert form.is_valid(), form.errors
    assert form.save_for(make_user()).weight_kg == kilograms


@pytest.mark.parametrize(
    ("weight", "unit", "message"),
    [
        ("4000", "kg", "Weight must be between 2 and 400 kg — you typed 4000."),
        ("1.99", "kg", "Weight must be between 2 and 400 kg — you typed 1.99."),
        ("400.01", "kg", "Weight must be between 2 and 400 kg — you typed 400.01."),
        ("4.4", "lb", "Weight must be between 4.5 and 881.8 lb — you typed 4.4."),
        ("882", "lb", "Weight must be between 4.5 and 881.8 lb — you typed 882."),
        ("-70", "kg", "Weight must be between 2 and 400 kg — you typed -70."),
        ("1e9", "kg", "Type the number in full, without “e”, like 70.5."),
        ("99999", "kg", "That number is too big to record here — you typed 99999."),
        (
            "70,5,1",
            "kg",
            "Type the number without a thousands separator, with one point or comma before the "
            "decimals, like 70.5.",
        ),
        ("seventy", "kg", "Type a number, like 70.5."),
        ("NaN", "kg", "Type a number, like 70.5."),
    ],
)
def test_weight_out_of_range_is_explained_next_to_the_field(patient, weight, unit, message):
    form = day_form(patient, weight=weight, weight_unit=unit)
    assert not form.is_valid()
    assert errors_of(form, "weight") == [message]


def test_weight_may_be_left_empty(patient):
    form = day_form(patient, weight="")
    assert form.is_valid(), form.errors
    assert form.save_for(make_user()).weight_kg is None


@pytest.mark.parametrize(
    ("temperature", "unit", "celsius"),
    [
        ("38", "C", D("38.00")),
        ("100.4", "F", D("38.00")),
        ("86", "F", D("30.00")),
        ("45", "C", D("45.00")),
    ],
)
def test_temperature_in_either_unit_is_stored_in_celsius(patient, temperature, unit, celsius):
    form = day_form(patient, temperature=temperature, temperature_unit=unit)
    assert form.is_valid(), form.errors
    assert form.save_for(make_user()).temperature_c == celsius


@pytest.mark.parametrize(
    ("temperature", "unit", "message"),
    [
        ("29.9", "C", "Temperature must be between 30 and 45 °C — you typed 29.9."),
        ("100.4", "C", "Temperature must be between 30 and 45 °C — you typed 100.4."),
        ("38", "F", "Temperature must be between 86 and 113 °F — you typed 38."),
        ("113.5", "F", "Temperature must be between 86 and 113 °F — you typed 113.5."),
    ],
)
def test_temperature_out_of_range_is_explained(patient, temperature, unit, message):
    form = day_form(patient, temperature=temperature, temperature_unit=unit)
    assert not form.is_valid()
    assert errors_of(form, "temperature") == [message]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("swelling_face", "4", "Choose a grade from 0 to 3."),
        ("swelling_legs", "-1", "Choose a grade from 0 to 3."),
        ("foam", "9", "Choose a grade from 0 to 3."),
        ("dipstick", "6", "Choose a dipstick result from the list."),
        ("medicines_taken", "most", "Choose all, some or none."),
        (
            "weight_unit",
            "stone",
            "Select a valid choice. stone is not one of the available choices.",
        ),
    ],
)
def test_choices_out_of_range_are_refused(patient, field, value, message):
    form = day_form(patient, **{field: value})
    assert not form.is_valid()
    assert errors_of(form, field) == [message]


def test_a_day_in_the_future_or_before_birth_is_refused(patient):
    assert errors_of(day_form(patient, day=date(2025, 3, 11))) == [
        "The date cannot be in the future — you chose 2025-03-11."
    ]
    assert errors_of(day_form(patient, day=date(1980, 4, 30))) == [
        "The date cannot be before the date of birth (1980-05-01) — you chose 1980-04-30."
    ]


# Diary day: saving and stale versions ------------------------------------------------------------


def test_saving_records_who_entered_it_and_raises_the_version(patient, owner, editor):
    form = day_form(patient)
    assert form.is_valid()
    day = form.save_for(owner)
    assert (day.version, day.entered_by, day.patient, day.date) == (1, owner, patient, TODAY)
    form = day_form(patient, instance=day, version="1", weight="71")
    assert form.is_valid()
    day = form.save_for(editor)
    assert (day.version, day.entered_by, day.weight_kg) == (2, editor, D("71.000"))
    assert DiaryDay.objects.count() == 1


def test_an_edit_based_on_an_old_version_is_refused_and_keeps_the_other_values(
    patient, owner, editor
):
    saved = make_day(patient, TODAY, owner, weight_kg=D("70"))
    mine = day_form(patient, instance=DiaryDay.objects.get(pk=saved.pk), version="1", weight="80")
    theirs = day_form(patient, instance=DiaryDay.objects.get(pk=saved.pk), version="1", weight="72")
    assert theirs.is_valid()
    theirs.save_for(editor)
    assert mine.is_valid()
    with pytest.raises(StaleEdit) as refused:
        mine.save_for(owner)
    assert refused.value.current.weight_kg == D("72.000")
    assert refused.value.current.entered_by == editor
    saved.refresh_from_db()
    assert (saved.weight_kg, saved.version) == (D("72.000"), 2)


def test_a_second_first_save_of_the_same_day_is_refused(patient, owner, editor):
    first, second = day_form(patient, weight="70"), day_form(patient, weight="90")
    assert first.is_valid()
    assert second.is_valid()
    first.save_for(owner)
    with pytest.raises(StaleEdit):
        second.save_for(editor)
    assert list(DiaryDay.objects.values_list("weight_kg", flat=True)) == [D("70.000")]


def test_an_edit_of_a_day_deleted_meanwhile_is_refused(patient, owner):
    saved = make_day(patient, TODAY, owner)
    form = day_form(patient, instance=DiaryDay.objects.get(pk=saved.pk), version="1")
    saved.delete()
    assert form.is_valid()
    with pytest.raises(StaleEdit) as refused:
        form.save_for(owner)
    assert refused.value.current is None
    assert not DiaryDay.objects.exists()


def test_prefill_carries_how_the_person_feels_but_no_measurement(patient, owner):
    yesterday = make_day(
        patient,
        date(2025, 3, 9),
        owner,
        weight_kg=D("70"),
        swelling_legs=2,
        foam=1,
        dipstick=3,
        temperature_c=D("38.5"),
        less_urine=True,
        medicines_taken="all",
        note="felt tired",
    )
    initial = DiaryDayForm.prefill_from(yesterday)
    assert (initial["swelling_legs"], initial["foam"]) == (2, 1)
    assert initial["medicines_taken"] == "all"
    measurements = {"weight", "weight_unit", "temperature", "dipstick"}
    assert not (measurements | {"less_urine", "note"}) & initial.keys()


def test_prefill_leaves_a_grade_not_recorded_as_not_recorded(patient, owner):
    yesterday = make_day(patient, date(2025, 3, 9), owner, swelling_legs=1)
    initial = DiaryDayForm.prefill_from(yesterday)
    assert initial == {"swelling_legs": 1}
    form = DiaryDayForm(patient=patient, day=TODAY, instance=DiaryDay(), initial=initial)
    assert form["swelling_legs"].value() == 1
    assert form["swelling_face"].value() is None
    assert form["foam"].value() is None


def test_an_existing_day_shows_its_values_in_the_patients_units(patient, owner):
    patient.weight_unit, patient.temperature_unit = "lb", "F"
    day = make_day(patient, TODAY, owner, weight_kg=D("70"), temperature_c=D("38"))
    form = DiaryDayForm(patient=patient, day=TODAY, instance=day)
    assert form.initial["weight"] == D("154.3")
    assert form.initial["temperature"] == D("100.4")
    assert (form.initial["weight_unit"], form.initial["temperature_unit"]) == ("lb", "F")
    assert form.initial["version"] == 1


def test_every_field_has_a_how_do_i_measure_this_link(patient):
    form = DiaryDayForm(patient=patient, day=TODAY, instance=DiaryDay())
    for field, anchor in [
        ("weight", "figure-weighing"),
        ("foam", "foam"),
        ("dipstick", "figure-dipstick-pads"),
        ("temperature", "temperature"),
        ("less_urine", "urine-amount"),
        ("medicines_taken", "medicines"),
    ]:
        assert f'href="/learn/home-monitoring/#{anchor}"' in form[field].help_text, field
    form = BloodPressureForm(patient=patient, day=TODAY)
    assert 'href="/learn/home-monitoring/#figure-blood-pressure-position"' in form["time"].help_text


# Blood pressure ----------------------------------------------------------------------------------

BP = {"time": "08:15", "systolic": "125", "diastolic": "82", "pulse": "70"}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"systolic": "49"},
            "systolic",
            "The top number must be between 50 and 300 mmHg — you typed 49.",
        ),
        (
            {"systolic": "301"},
            "systolic",
            "The top number must be between 50 and 300 mmHg — you typed 301.",
        ),
        (
            {"diastolic": "19"},
            "diastolic",
            "The bottom number must be between 20 and 200 mmHg — you typed 19.",
        ),
        (
            {"diastolic": "201", "systolic": "250"},
            "diastolic",
            "The bottom number must be between 20 and 200 mmHg — you typed 201.",
        ),
        (
            {"systolic": "80", "diastolic": "80"},
            "diastolic",
            "The bottom number must be lower than the top number — you typed 80 over 80.",
        ),
        (
            {"systolic": "80", "diastolic": "120"},
            "diastolic",
            "The bottom number must be lower than the top number — you typed 80 over 120.",
        ),
        (
            {"pulse": "300"},
            "pulse",
            "Pulse must be between 20 and 250 beats a minute — you typed 300.",
        ),
        ({"systolic": "12O"}, "systolic", "Type a whole number, like 120."),
        ({"time": "25:00"}, "time", "Type a time, like 08:30."),
        ({"systolic": ""}, "systolic", "This field is required."),
    ],
)
def test_blood_pressure_out_of_range_is_explained(patient, changes, field, message):
    form = BloodPressureForm({**BP, **changes}, patient=patient, day=TODAY)
    assert not form.is_valid()
    assert errors_of(form, field) == [message]


def test_blood_pressure_is_saved_for_the_day_and_the_person(patient, owner):
    form = BloodPressureForm(BP, patient=patient, day=TODAY)
    assert form.is_valid(), form.errors
    reading = form.save_for(owner)
    assert (reading.patient, reading.date, reading.time, reading.entered_by) == (
        patient,
        TODAY,
        time(8, 15),
        owner,
    )
    assert (reading.systolic, reading.diastolic, reading.pulse) == (125, 82, 70)


# Labs --------------------------------------------------------------------------------------------

LAB = {"date": "2025-03-01", "kind": "upcr", "value_entered": "350", "unit_entered": "mg/mmol"}


@pytest.mark.parametrize(
    ("kind", "value", "unit", "canonical"),
    [
        ("upcr", "350", "mg/mmol", D("3.094607")),
        ("upcr", "2.5", "g/g", D("2.5")),
        ("upcr", "800", "mg/g", D("0.8")),
        ("albumin", "2.8", "g/dL", D("28")),
        ("creatinine", "88.4", "µmol/L", D("1")),
        ("cholesterol", "7.5", "mmol/L", D("290.025")),
    ],
)
def test_lab_values_are_stored_canonical_and_as_entered(
    patient, owner, kind, value, unit, canonical
):
    form = LabResultForm(
        {**LAB, "kind": kind, "value_entered": value, "unit_entered": unit}, patient=patient
    )
    assert form.is_valid(), form.errors
    result = form.save_for(owner)
    assert (result.value, result.value_entered, result.unit_entered) == (canonical, D(value), unit)
    assert result.entered_by == owner


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"unit_entered": "µmol/L"},
            "unit_entered",
            "µmol/L is not a unit for UPCR: use g/g or mg/g or mg/mmol or mg/mg.",
        ),
        ({"unit_entered": ""}, "unit_entered", "Choose the unit printed on the report."),
        (
            {"value_entered": "6000"},
            "value_entered",
            "UPCR must be between 0 and 5655 mg/mmol — you typed 6000.",
        ),
        (
            {"kind": "albumin", "value_entered": "40", "unit_entered": "g/dL"},
            "value_entered",
            "Albumin must be between 0.5 and 7 g/dL — you typed 40.",
        ),
        (
            {"value_entered": "-1"},
            "value_entered",
            "UPCR must be between 0 and 5655 mg/mmol — you typed -1.",
        ),
        (
            {"date": "2025-03-11"},
            "date",
            "The date cannot be in the future — you chose 2025-03-11.",
        ),
        (
            {"date": "1979-01-01"},
            "date",
            "The date cannot be before the date of birth (1980-05-01) — you chose 1979-01-01.",
        ),
        (
            {"kind": "potassium"},
            "kind",
            "Select a valid choice. potassium is not one of the available choices.",
        ),
        ({"kind": "other"}, "other_name", "Type the name of the test."),
        (
            {"kind": "other", "other_name": "Potassium"},
            "other_unit",
            "Type the unit printed on the report.",
        ),
    ],
)
def test_bad_lab_input_is_explained(patient, changes, field, message):
    form = LabResultForm({**LAB, **changes}, patient=patient)
    assert not form.is_valid()
    assert errors_of(form, field) == [message]


def test_another_test_keeps_its_own_name_and_unit(patient, owner):
    data = {**LAB, "kind": "other", "other_name": "Potassium", "other_unit": "mmol/L"}
    form = LabResultForm({**data, "value_entered": "4.1"}, patient=patient)
    assert form.is_valid(), form.errors
    result = form.save_for(owner)
    assert (result.name, result.value, result.unit_entered) == ("Potassium", D("4.1"), "mmol/L")


def test_baseline_upcr_is_converted_to_g_per_g():
    form = BaselineForm({"baseline": "452.4", "unit": "mg/mmol"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["baseline_g_per_g"] == D("4.000000")
    form = BaselineForm({"baseline": "", "unit": "g/g"})
    assert form.is_valid()
    assert form.cleaned_data["baseline_g_per_g"] is None
    form = BaselineForm({"baseline": "51", "unit": "g/g"})
    assert form.errors["baseline"] == ["UPCR must be between 0 and 50 g/g — you typed 51."]


# Medicines ---------------------------------------------------------------------------------------

MEDICATION = {
    "name": "Prednisone",
    "purpose": "steroid",
    "started_on": "2025-01-06",
    "dose": "60",
    "unit": "mg",
    "frequency": "1/day",
    "note": "",
}


def test_a_new_medicine_is_saved_with_its_first_dose(patient, owner):
    form = MedicationForm(MEDICATION, patient=patient)
    assert form.is_valid(), form.errors
    medication = form.save_for(owner)
    (step,) = medication.dose_steps.all()
    assert (step.starts_on, step.dose, step.unit, step.entered_by) == (
        date(2025, 1, 6),
        D("60"),
        "mg",
        owner,
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"dose": "0"}, "dose", "The dose must be more than 0 and at most 100000 — you typed 0."),
        ({"purpose": ""}, "purpose", "This field is required."),
        (
            {"started_on": "2026-03-11"},
            "started_on",
            "The date can be at most a year ahead — you chose 2026-03-11.",
        ),
        (
            {"started_on": "1970-01-01"},
            "started_on",
            "The date cannot be before the date of birth (1980-05-01) — you chose 1970-01-01.",
        ),
    ],
)
def test_bad_medicine_input_is_explained_and_nothing_is_saved(patient, changes, field, message):
    form = MedicationForm({**MEDICATION, **changes}, patient=patient)
    assert not form.is_valid()
    assert errors_of(form, field) == [message]
    assert not Medication.objects.exists()


def taper_data(*steps):
    data = {"form-TOTAL_FORMS": "6", "form-INITIAL_FORMS": "0"}
    for index, (starts_on, dose) in enumerate(steps):
        data[f"form-{index}-starts_on"] = starts_on
        data[f"form-{index}-dose"] = dose
        data[f"form-{index}-unit"] = "mg"
        data[f"form-{index}-frequency"] = "1/day"
    for index in range(len(steps), 6):
        data[f"form-{index}-unit"] = "mg"
        data[f"form-{index}-frequency"] = "1/day"
    return data


def taper_formset(medication, *steps):
    return DoseStepFormSet(
        taper_data(*steps),
        form_kwargs={
            "medication": medication,
            "taken_dates": set(medication.dose_steps.values_list("starts_on", flat=True)),
        },
    )


def test_a_steroid_taper_is_saved_as_dated_steps_and_empty_rows_are_ignored(patient, owner):
    medication = make_medication(patient, Purpose.STEROID, date(2025, 1, 6), dose="60")
    formset = taper_formset(
        medication, ("2025-03-03", "50"), ("2025-03-17", "40"), ("2025-03-31", "30")
    )
    assert formset.is_valid(), formset.errors
    formset.save_for(medication, owner)
    assert list(medication.dose_steps.values_list("dose", flat=True)) == [60, 50, 40, 30]


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([("2025-01-05", "50")], "A dose cannot start before the medicine started (2025-01-06)."),
        ([("2025-01-06", "50")], "There is already a dose from 2025-01-06."),
        (
            [("2025-03-03", "50"), ("2025-03-03", "40")],
            "Two steps start on 2025-03-03: give each step its own date.",
        ),
        ([("2026-04-01", "5")], "The date can be at most a year ahead — you chose 2026-04-01."),
    ],
)
def test_bad_taper_steps_are_explained_and_nothing_is_saved(patient, steps, message):
    medication = make_medication(patient, Purpose.STEROID, date(2025, 1, 6), dose="60")
    formset = taper_formset(medication, *steps)
    assert not formset.is_valid()
    assert message in str(formset.errors)
    assert DoseStep.objects.count() == 1


def test_a_dose_cannot_start_after_the_medicine_stopped(patient):
    medication = make_medication(
        patient, Purpose.STEROID, date(2025, 1, 6), stopped_on=date(2025, 2, 1)
    )
    formset = taper_formset(medication, ("2025-02-02", "5"))
    assert "A dose cannot start after the medicine was stopped (2025-02-01)." in str(formset.errors)


def test_a_medicine_cannot_stop_before_it_started(patient):
    medication = make_medication(patient, Purpose.STEROID, date(2025, 1, 6))
    form = StopMedicationForm({"stopped_on": "2025-01-05"}, instance=medication)
    assert form.errors["stopped_on"] == [
        "The stop date cannot be before the start date (2025-01-06)."
    ]


# Events ------------------------------------------------------------------------------------------


def test_an_event_in_the_future_is_refused(patient):
    form = EventForm({"date": "2025-03-11", "kind": "infection"}, patient=patient)
    assert form.errors["date"] == ["The date cannot be in the future — you chose 2025-03-11."]


# The care team's alert numbers -------------------------------------------------------------------

PROFILE = {
    "display_name": "Pat",
    "fsgs_type": "primary",
    "weight_unit": "lb",
    "upcr_unit": "g/g",
    "temperature_unit": "F",
    "time_zone": "UTC",
}


def test_alert_numbers_are_kept_as_typed_with_the_patients_units(patient):
    data = {
        **PROFILE,
        "alert_weight_gain_1d": "2.2",
        "alert_weight_gain_7d": "",
        "alert_systolic": "150",
        "alert_fever": "100.4",
    }
    form = PatientForm(data, instance=patient)
    assert form.is_valid(), form.errors
    form.save()
    patient.refresh_from_db()
    assert (patient.alert_weight_gain_1d, patient.alert_weight_unit) == (D("2.20"), "lb")
    assert patient.alert_weight_gain_7d is None
    assert (patient.alert_systolic, patient.alert_diastolic) == (150, None)
    assert (patient.alert_fever, patient.alert_fever_unit) == (D("100.40"), "F")
    initial = PatientForm(instance=patient).initial
    assert (initial["alert_weight_gain_1d"], initial["alert_fever"]) == (D("2.2"), D("100.4"))
    thresholds = patient.alert_thresholds()
    assert thresholds.weight_gain_1d == Limit(D("2.20"), "lb")
    assert thresholds.fever == Limit(D("100.40"), "F")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "alert_weight_gain_1d",
            "50",
            "The weight gain must be between 0.2 and 22 lb — you typed 50.",
        ),
        ("alert_systolic", "300", "The number must be between 80 and 250 mmHg — you typed 300."),
        ("alert_diastolic", "30", "The number must be between 40 and 150 mmHg — you typed 30."),
        (
            "alert_fever",
            "38",
            "The fever temperature must be between 98.6 and 105.8 °F — you typed 38.",
        ),
    ],
)
def test_alert_numbers_out_of_range_are_refused(patient, field, value, message):
    form = PatientForm({**PROFILE, field: value}, instance=patient)
    assert not form.is_valid()
    assert form.errors[field] == [message]
