"""Readings and alert numbers kept as typed, from the forms to the alerts: the day form, the
CSV import and the profile form store the value with its unit, and the alert rules see exactly
what was typed (no unit round trip between the form and the comparison)."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
import time_machine
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.factories import make_day, make_patient, make_user
from tracker import alerts, exports, importer
from tracker.forms.diary import DiaryDayForm
from tracker.forms.patients import PatientForm
from tracker.models import DiaryDay, day_readings

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 10)
YESTERDAY = TODAY - timedelta(days=1)
DAY = {
    "swelling_face": "0",
    "swelling_hands": "0",
    "swelling_belly": "0",
    "swelling_legs": "0",
    "foam": "0",
    "dipstick": "",
    "weight": "",
    "weight_unit": "kg",
    "temperature": "",
    "temperature_unit": "C",
    "medicines_taken": "",
    "note": "",
    "version": "0",
}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-03-10 12:00Z", tick=False):
        yield


@pytest.fixture
def person(db):
    return make_user("typist@example.org")


@pytest.fixture
def in_pounds(person):
    return make_patient(person, birth_date=date(1980, 1, 1), weight_unit="lb", temperature_unit="F")


def save_day(patient, user, on, **typed) -> DiaryDay:
    form = DiaryDayForm({**DAY, **typed}, patient=patient, day=on, instance=DiaryDay())
    assert form.is_valid(), form.errors
    return form.save_for(user)


def rules_today(patient) -> list[str]:
    found = alerts.evaluate(
        day_readings(patient.diary_days.all(), patient.blood_pressures.all()),
        patient.alert_thresholds(),
        is_child=False,
        on_immunosuppression=True,
        since=TODAY,
    )
    return [alert.rule for alert in found]


# The day form ------------------------------------------------------------------------------------


def test_the_day_form_keeps_what_was_typed_and_the_canonical_values(in_pounds, person):
    day = save_day(
        in_pounds,
        person,
        TODAY,
        weight="157.2",
        weight_unit="lb",
        temperature="100.4",
        temperature_unit="F",
    )
    day.refresh_from_db()
    assert (day.weight_entered, day.weight_entered_unit) == (D("157.200"), "lb")
    assert (day.temperature_entered, day.temperature_entered_unit) == (D("100.40"), "F")
    assert (day.weight_kg, day.temperature_c) == (D("71.305"), D("38.00"))
    (reading,) = day_readings([day], [])
    assert (reading.weight, reading.weight_unit) == (D("157.200"), "lb")
    assert (reading.temperature, reading.temperature_unit) == (D("100.40"), "F")


def test_an_edit_shows_the_day_as_typed_in_the_unit_typed(in_pounds, person):
    day = save_day(in_pounds, person, TODAY, weight="70.25", weight_unit="kg")
    initial = DiaryDayForm(patient=in_pounds, day=TODAY, instance=day).initial
    assert (initial["weight"], initial["weight_unit"]) == (D("70.25"), "kg")
    prefill = DiaryDayForm.prefill_from(day)
    assert not {"weight", "weight_unit"} & prefill.keys()  # a measurement is never copied


def test_clearing_the_weight_clears_what_was_typed(in_pounds, person):
    day = save_day(in_pounds, person, TODAY, weight="157.2", weight_unit="lb")
    form = DiaryDayForm(
        {**DAY, "weight": "", "weight_unit": "lb", "version": str(day.version)},
        patient=in_pounds,
        day=TODAY,
        instance=day,
    )
    assert form.is_valid(), form.errors
    form.save_for(person).refresh_from_db()
    day.refresh_from_db()
    assert (day.weight_kg, day.weight_entered, day.weight_entered_unit) == (None, None, "")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("weight", "70.1234", "Type at most 3 digits after the decimal point, like 70.5."),
        ("temperature", "38.123", "Type at most 2 digits after the decimal point, like 37.2."),
    ],
)
def test_more_decimals_than_are_kept_are_refused_in_plain_words(in_pounds, field, value, message):
    form = DiaryDayForm(
        {**DAY, "weight_unit": "kg", field: value},
        patient=in_pounds,
        day=TODAY,
        instance=DiaryDay(),
    )
    assert form.errors[field] == [message]


def test_a_day_saved_with_only_the_canonical_weight_counts_as_typed_in_kg(in_pounds, person):
    make_day(in_pounds, YESTERDAY, person, weight_kg=D("70.0"))
    save_day(in_pounds, person, TODAY, weight="158.0", weight_unit="lb")
    # 158.0 lb - 70.0 kg (154.32 lb) = 3.68 lb: over the 2.2 lb line.
    assert "weight_gain_1d" in rules_today(in_pounds)


# Through the form to the alert: any pair typed in pounds -----------------------------------------


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    yesterday=st.decimals(min_value=D("4.41"), max_value=D("870"), places=2),
    # Any gain or loss, and often one within a few hundredths of the line.
    change=st.decimals(min_value=D("-5"), max_value=D("11"), places=2)
    | st.decimals(min_value=D("2.15"), max_value=D("2.25"), places=2),
)
# Pairs exactly 2.2 lb apart that a kg round trip (3 decimals) put under the line.
@example(yesterday=D("100.9"), change=D("2.2"))
@example(yesterday=D("155.0"), change=D("2.2"))
@example(yesterday=D("108.7"), change=D("2.19"))
def test_pounds_typed_in_the_form_alert_exactly_at_2_2_lb(in_pounds, person, yesterday, change):
    today = max(yesterday + change, D("4.41"))
    DiaryDay.objects.filter(patient=in_pounds).delete()
    save_day(in_pounds, person, YESTERDAY, weight=str(yesterday), weight_unit="lb")
    save_day(in_pounds, person, TODAY, weight=str(today), weight_unit="lb")
    fires = "weight_gain_1d" in rules_today(in_pounds)
    assert fires is (today - yesterday >= D("2.2"))


@pytest.mark.parametrize(
    ("typed", "fires"), [("100.3", False), ("100.39", False), ("100.4", True), ("100.5", True)]
)
def test_fahrenheit_typed_in_the_form_alerts_at_100_4(in_pounds, person, typed, fires):
    save_day(in_pounds, person, TODAY, temperature=typed, temperature_unit="F")
    assert ("fever" in rules_today(in_pounds)) is fires


# CSV import --------------------------------------------------------------------------------------


def test_an_imported_day_is_kept_as_typed_in_the_files_units(in_pounds, person):
    cells = dict.fromkeys(exports.COLUMN_NAMES, "")
    cells.update(date="2025-03-01", weight_kg="70.307", temperature_c="38.05")
    text = "\n".join(
        [",".join(exports.COLUMN_NAMES), ",".join(cells[name] for name in exports.COLUMN_NAMES)]
    )
    result = importer.import_rows(in_pounds, person, text + "\n")
    assert (result.problems, result.saved) == ([], [date(2025, 3, 1)])
    day = DiaryDay.objects.get(patient=in_pounds)
    assert (day.weight_entered, day.weight_entered_unit, day.weight_kg) == (
        D("70.307"),
        "kg",
        D("70.307"),
    )
    assert (day.temperature_entered, day.temperature_entered_unit) == (D("38.05"), "C")


# The profile form --------------------------------------------------------------------------------

PROFILE = {
    "display_name": "Pat",
    "fsgs_type": "primary",
    "weight_unit": "lb",
    "upcr_unit": "g/g",
    "temperature_unit": "F",
    "time_zone": "UTC",
}


def save_profile(patient, **fields):
    form = PatientForm({**PROFILE, **fields}, instance=patient)
    assert form.is_valid(), form.errors
    return form.save()


def test_the_care_teams_2_lb_stays_2_lb(in_pounds):
    save_profile(in_pounds, alert_weight_gain_1d="2")
    in_pounds.refresh_from_db()
    assert (in_pounds.alert_weight_gain_1d, in_pounds.alert_weight_unit) == (D("2.00"), "lb")
    assert in_pounds.alert_thresholds().weight_gain_1d == alerts.Limit(D("2.00"), "lb")


def test_numbers_set_in_another_unit_survive_an_unrelated_save(in_pounds):
    in_pounds.alert_weight_gain_1d, in_pounds.alert_weight_unit = D("1.00"), "kg"
    in_pounds.alert_fever, in_pounds.alert_fever_unit = D("38.50"), "C"
    in_pounds.save()
    form = PatientForm(instance=in_pounds)
    # Shown in the patient's units, rounded.
    assert (form.initial["alert_weight_gain_1d"], form.initial["alert_fever"]) == (
        D("2.2"),
        D("101.3"),
    )
    save_profile(in_pounds, display_name="Pat B", alert_weight_gain_1d="2.2", alert_fever="101.3")
    in_pounds.refresh_from_db()
    assert (in_pounds.alert_weight_gain_1d, in_pounds.alert_weight_unit) == (D("1.00"), "kg")
    assert (in_pounds.alert_fever, in_pounds.alert_fever_unit) == (D("38.50"), "C")
    # Typing a new number stores it in the unit on the form.
    save_profile(in_pounds, alert_weight_gain_1d="2.5", alert_fever="101.3")
    in_pounds.refresh_from_db()
    assert (in_pounds.alert_weight_gain_1d, in_pounds.alert_weight_unit) == (D("2.50"), "lb")


def test_the_profile_keeps_call_and_emergency_numbers_apart(in_pounds):
    save_profile(
        in_pounds,
        alert_systolic="140",
        alert_diastolic="90",
        crisis_systolic="150",
        crisis_diastolic="100",
    )
    in_pounds.refresh_from_db()
    assert (in_pounds.alert_systolic, in_pounds.alert_diastolic) == (140, 90)
    assert (in_pounds.crisis_systolic, in_pounds.crisis_diastolic) == (150, 100)
    thresholds = in_pounds.alert_thresholds()
    assert (thresholds.child_crisis_systolic, thresholds.crisis_systolic) == (150, 180)
    form = PatientForm(instance=in_pounds)
    assert "not an emergency" in str(form.fields["alert_systolic"].label)
    assert "Emergency" in str(form.fields["crisis_systolic"].label)
    assert "fixed at 180 or more on top" in str(form.fields["crisis_systolic"].help_text)
    assert "default your care team can change" in str(form.fields["alert_fever"].help_text)
    assert "default your care team can change" in str(form.fields["alert_weight_gain_1d"].help_text)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("crisis_systolic", "300", "The number must be between 80 and 250 mmHg — you typed 300."),
        ("alert_weight_gain_1d", "2.205", "Type at most 2 digits after the decimal point, like 1."),
        (
            "alert_weight_gain_1d",
            "0.1",
            "The weight gain must be between 0.2 and 22 lb — you typed 0.1.",
        ),
    ],
)
def test_out_of_range_profile_numbers_are_refused(in_pounds, field, value, message):
    form = PatientForm({**PROFILE, field: value}, instance=in_pounds)
    assert form.errors[field] == [message]
