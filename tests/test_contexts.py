"""tracker/contexts.py: the diary window and the labs overview handed to the templates."""

from datetime import date, time, timedelta
from decimal import Decimal as D

import pytest

from tests.factories import make_day, make_medication, make_patient
from tracker import alerts, remission
from tracker.contexts import (
    RECENT_DAYS,
    converted_unit,
    diary_window,
    lab_change,
    lab_groups,
    lab_row,
    labs_overview,
    one_day,
)
from tracker.dates import day_text
from tracker.models import BloodPressure, LabResult, Purpose

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 10)


def on(back: int) -> date:
    return TODAY - timedelta(days=back)


def lab(patient, kind, value, unit, canonical=None, day=TODAY):
    return LabResult(
        patient=patient,
        date=day,
        kind=kind,
        value_entered=D(value),
        unit_entered=unit,
        value=D(canonical or value),
    )


def test_the_window_holds_the_shown_days_and_the_rules_look_back_only(patient):
    for back in range(40):
        make_day(patient, on(back), weight_kg=D("70"))
    window = diary_window(patient, TODAY)
    assert min(window.days) == on(RECENT_DAYS - 1 + alerts.LOOK_BACK_DAYS)
    assert max(window.days) == TODAY
    assert len(window.recent()) == RECENT_DAYS


def test_the_window_ignores_days_after_its_end(patient):
    make_day(patient, TODAY + timedelta(days=1), dipstick=5)
    assert TODAY + timedelta(days=1) not in diary_window(patient, TODAY).days


def test_the_latest_alert_of_each_rule_from_the_last_week(patient):
    for back in range(5):
        make_day(patient, on(back), dipstick=4)
    BloodPressure.objects.create(
        patient=patient, date=on(1), time=time(8), systolic=190, diastolic=90
    )
    window = diary_window(patient, TODAY)
    assert [shown.alert.rule for shown in window.alerts] == ["high_bp", "dipstick_relapse"]
    assert window.alerts[1].alert.triggered_on == TODAY
    assert window.alerts[0].guide_url == "/learn/when-to-call/#high-blood-pressure"
    assert window.alerts[0].severity_class == "danger"


def test_the_fever_rule_follows_the_medicines(patient):
    make_day(patient, TODAY, temperature_c=D("38.4"))
    assert "fever" in diary_window(patient, TODAY).inactive_rules
    make_medication(patient, Purpose.STEROID, on(30))
    window = diary_window(patient, TODAY)
    assert [shown.alert.rule for shown in window.alerts] == ["fever"]


def test_the_care_teams_numbers_are_used(patient):
    make_day(patient, on(1), weight_kg=D("70"))
    make_day(patient, TODAY, weight_kg=D("70.6"))
    assert diary_window(patient, TODAY).alerts == []
    patient.alert_weight_gain_1d = D("0.5")
    (shown,) = diary_window(patient, TODAY).alerts
    assert "This is the number your care team set." in shown.alert.rule_text


def test_the_quick_entry_starts_from_the_latest_day_of_the_past_week(patient):
    make_day(patient, on(9), weight_kg=D("69"))
    assert diary_window(patient, TODAY).previous_day() is None
    make_day(patient, on(3), weight_kg=D("70"))
    assert diary_window(patient, TODAY).previous_day().date == on(3)


def test_one_day_keeps_every_alert_of_that_day(patient):
    make_day(patient, on(1), weight_kg=D("70"))
    make_day(patient, TODAY, weight_kg=D("72.5"))
    window = one_day(patient, TODAY)
    assert {shown.alert.rule for shown in window.alerts} == {"weight_gain_1d", "weight_gain_7d"}
    assert window.end_day.date == TODAY


@pytest.mark.parametrize(
    ("kind", "entered", "preferred", "shown"),
    [
        ("upcr", "mg/mmol", "g/g", "g/g"),
        ("upcr", "g/g", "g/g", "mg/g"),
        ("upcr", "mg/mg", "mg/mmol", "mg/mmol"),
        ("creatinine", "mg/dL", "g/g", "µmol/L"),
        ("creatinine", "µmol/L", "g/g", "mg/dL"),
        ("egfr", "mL/min/1.73m2", "g/g", None),
        ("other", "mmol/L", "g/g", None),
    ],
)
def test_labs_are_converted_to_a_unit_other_than_the_one_typed(kind, entered, preferred, shown):
    patient = make_patient(upcr_unit=preferred)
    assert converted_unit(lab(patient, kind, "1", entered), patient) == shown


def test_a_creatinine_row_carries_the_calculated_egfr_and_stage():
    adult = make_patient(birth_date=date(1965, 1, 1), sex="male")
    row = lab_row(lab(adult, "creatinine", "2.0", "mg/dL", day=date(2025, 3, 1)), adult)
    assert (row.calculated_egfr, row.egfr_stage.code) == (D("37.5"), "G3b")  # CLINICAL.md
    assert str(row.converted) == "176.8 µmol/L"


def test_a_creatinine_measured_before_18_gets_no_calculated_egfr():
    patient = make_patient(birth_date=date(2007, 6, 1), sex="female")
    row = lab_row(lab(patient, "creatinine", "0.6", "mg/dL", day=date(2025, 5, 31)), patient)
    assert row.calculated_egfr is None
    assert "under-18s" in row.egfr_note


def test_the_overview_judges_the_latest_upcr_against_the_chosen_baseline(patient):
    labs = [
        lab(patient, "upcr", "5", "g/g", day=on(60)),
        lab(patient, "upcr", "0.25", "g/g", day=on(30)),
        lab(patient, "upcr", "4", "g/g", day=on(1)),
    ]
    overview = labs_overview(patient, labs, TODAY)
    assert overview.remission.category == remission.RELAPSE
    assert overview.remission.baseline.kind == remission.BASELINE_FIRST_ON_RECORD
    assert str(overview.baseline) == "5 g/g"
    assert overview.remission_guide_url == "/learn/understanding-your-results/#relapse"


def test_a_complete_remission_is_judged_by_the_rules_module():
    def result(value, unit):
        return remission.UpcrResult(TODAY, D(value), unit)

    assert remission.had_complete_remission([result("0.29", "g/g")], None, is_child=False)
    assert not remission.had_complete_remission([result("0.3", "g/g")], None, is_child=False)
    assert remission.had_complete_remission([result("0.2", "g/g")], None, is_child=True)
    assert remission.had_complete_remission([result("20", "mg/mmol")], None, is_child=True)
    assert not remission.had_complete_remission([result("20.1", "mg/mmol")], None, is_child=True)


def test_the_overview_compares_the_upcr_as_typed_with_albumin_and_dipsticks():
    child = make_patient(birth_date=date(2016, 1, 1), upcr_unit="mg/mmol")
    # Stored g/g a hair above 0.2: the status must use the 200 mg/g the lab reported.
    labs = [lab(child, "upcr", "200", "mg/g", canonical="0.200001", day=on(5))]
    overview = labs_overview(child, labs, TODAY)
    assert overview.remission.category == remission.CHILD_COMPLETE
    assert overview.remission.upcr == remission.UpcrResult(on(5), D("200"), "mg/g")
    assert overview.is_child
    assert dict(overview.status_meanings)["Steroid-resistant"].endswith("your care team decides.")
    labs = [
        lab(child, "albumin", "25", "g/L", day=on(10)),
        lab(child, "upcr", "50", "mg/mmol", canonical="0.442087", day=on(5)),
    ]
    assert labs_overview(child, labs, TODAY).remission.category == remission.NO_REMISSION
    make_day(child, on(1), dipstick=4)
    labs = [lab(child, "upcr", "10", "mg/mmol", canonical="0.088417", day=on(5))]
    assert "(" + day_text(on(1)) + ")" in labs_overview(child, labs, TODAY).remission.watch


# Labs grouped by test (issue #11) ----------------------------------------------------------------


def test_lab_change_is_in_the_latest_results_unit(patient):
    latest = lab(patient, "upcr", "150", "mg/mmol", canonical="1.326260")
    previous = lab(patient, "upcr", "3", "g/g", day=on(30))
    change = lab_change(latest, previous)
    assert (change.direction, str(change.amount), str(change.previous)) == (
        "down",
        "189.3 mg/mmol",
        "339.3 mg/mmol",
    )
    assert change.percent == D("56")
    assert lab_change(previous, latest).direction == "up"


def test_other_tests_in_different_units_have_no_change(patient):
    latest = lab(patient, "other", "4.1", "mmol/L")
    previous = lab(patient, "other", "16", "mg/dL", day=on(3))
    assert lab_change(latest, previous) is None


def test_lab_groups_follow_the_test_list_and_keep_newest_first(patient):
    rows = [
        lab_row(result, patient)
        for result in (
            lab(patient, "albumin", "30", "g/L"),
            lab(patient, "upcr", "1", "g/g"),
            lab(patient, "upcr", "2", "g/g", day=on(10)),
            lab(patient, "other", "4", "mmol/L"),
        )
    ]
    rows[3].lab.other_name = "Potassium"
    groups = lab_groups(rows, None)
    assert [group.name for group in groups] == [
        "Urine protein-to-creatinine ratio (UPCR)",
        "Blood albumin",
        "Potassium",
    ]
    upcr = groups[0]
    assert [row.lab.value_entered for row in upcr.rows] == [D("1"), D("2")]
    assert upcr.change.direction == "down"
    assert upcr.trend is not None
    assert upcr.trend_text == "UPCR from 28 Feb 2025 to 10 Mar 2025: 2, 1 g/g."
    assert groups[1].trend is None  # one result: no direction to draw
    assert len({group.key for group in groups}) == 3
