"""Untouched means not recorded (issue #11): swelling and foam a person did not grade are None
everywhere, never a 0: the day form, alerts, summary, charts, exports and the importer."""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_day
from tests.test_diary import HTMX
from tracker import charts, exports, importer
from tracker.alerts import DayReadings, evaluate
from tracker.models import DiaryDay, day_readings
from tracker.summary import Period, completeness
from tracker.templatetags.diary import grade, swelling

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 10)
GRADES = ["swelling_face", "swelling_hands", "swelling_belly", "swelling_legs", "foam"]
ONLY_A_WEIGHT = {"weight": "70.5", "weight_unit": "kg", "temperature_unit": "C", "version": "0"}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-03-10 12:00Z", tick=False):
        yield


def diary_url(patient) -> str:
    return reverse("patient_diary", kwargs={"pid": patient.public_id})


# The day form ------------------------------------------------------------------------------------


def test_a_new_day_shows_every_grade_as_not_recorded(client_for, patient, owner):
    page = client_for(owner).get(diary_url(patient)).content.decode()
    for name in GRADES:
        checked = re.findall(rf'name="{name}" value="([^"]*)" id="[^"]+" checked', page)
        assert checked == [""], name  # the "Not recorded" radio, and only it
        not_recorded = re.search(rf'value="" id="(id_{name}_0)" checked>', page).group(1)
        assert f'<label class="form-check-label" for="{not_recorded}">Not recorded</label>' in page


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_a_day_saved_with_only_a_weight_keeps_its_grades_not_recorded(
    client_for, patient, owner, htmx
):
    # The radios post "" for "Not recorded"; a browser posts nothing for an untouched group.
    for data in ({**ONLY_A_WEIGHT, **dict.fromkeys(GRADES, "")}, ONLY_A_WEIGHT):
        DiaryDay.objects.all().delete()
        response = client_for(owner).post(diary_url(patient), data, **(HTMX if htmx else {}))
        assert response.status_code == (200 if htmx else 302)
        day = DiaryDay.objects.get()
        assert day.weight_kg == D("70.500")
        assert [getattr(day, name) for name in GRADES] == [None] * 5
        assert (day.swelling, day.max_swelling) == ({}, None)
    page = client_for(owner).get(diary_url(patient)).content.decode()
    for name in GRADES:
        assert re.search(rf'name="{name}" value="" id="[^"]+" checked', page), name


def test_a_grade_picked_by_mistake_can_be_taken_back(client_for, patient, owner):
    make_day(patient, TODAY, owner, swelling_hands=2, foam=1)
    data = {**ONLY_A_WEIGHT, "version": "1", "swelling_hands": "", "foam": ""}
    assert client_for(owner).post(diary_url(patient), data).status_code == 302
    day = DiaryDay.objects.get()
    assert (day.swelling_hands, day.foam) == (None, None)


def test_grade_zero_stays_a_recorded_none(client_for, patient, owner):
    data = {**ONLY_A_WEIGHT, **dict.fromkeys(GRADES, "0")}
    client_for(owner).post(diary_url(patient), data)
    day = DiaryDay.objects.get()
    assert [getattr(day, name) for name in GRADES] == [0] * 5
    assert swelling(day) == "none"


def test_the_day_values_and_recent_days_say_not_recorded(client_for, patient, viewer, owner):
    make_day(patient, TODAY, owner, weight_kg=D("70"))
    page = client_for(viewer).get(diary_url(patient)).content.decode()
    values = re.search(r'<dl class="row day-values">(.*?)</dl>', page, re.S).group(1)
    assert re.search(r"Swelling</dt><dd[^>]*>not recorded</dd>", values)
    assert re.search(r"Urine foam</dt><dd[^>]*>not recorded</dd>", values)
    assert "None" not in values
    assert (grade(None), grade(0), grade(2)) == ("—", "0", "2")


def test_swelling_words_tell_none_from_not_recorded(patient):
    assert swelling(DiaryDay(swelling_legs=2, swelling_hands=0)) == (
        "legs, ankles or feet 2 (moderate)"
    )
    assert swelling(DiaryDay(swelling_face=0)) == "none"
    assert swelling(DiaryDay()) == "not recorded"


# Alerts and the summary --------------------------------------------------------------------------


def alerts_of(days):
    return evaluate(days, is_child=False, on_immunosuppression=False)


def severe(days):
    return [alert for alert in alerts_of(days) if alert.rule == "severe_swelling"]


def test_a_site_not_recorded_is_no_grade_for_the_severe_swelling_rule():
    grades = {"face": None, "hands": None, "belly": None, "legs": None}
    days = [DayReadings(date=TODAY - timedelta(days=back), swelling=grades) for back in (2, 1)]
    assert severe(days) == []
    # 3 after a day not recorded compares with the last day the site was recorded.
    days = [
        DayReadings(date=date(2025, 3, 1), swelling={"legs": 3}),
        DayReadings(date=date(2025, 3, 2), swelling={**grades}),
        DayReadings(date=date(2025, 3, 3), swelling={**grades, "legs": 3}),
    ]
    assert [alert.triggered_on for alert in severe(days)] == [date(2025, 3, 1)]
    days[0] = DayReadings(date=date(2025, 3, 1), swelling={"legs": 1})
    assert [alert.triggered_on for alert in severe(days)] == [date(2025, 3, 3)]


def test_saved_days_with_grades_not_recorded_raise_no_alert_and_still_count(patient, owner):
    make_day(patient, date(2025, 3, 8), owner, swelling_belly=None, weight_kg=D("70"))
    make_day(patient, date(2025, 3, 9), owner, swelling_belly=3)
    make_day(patient, date(2025, 3, 10), owner, weight_kg=D("70.1"))
    days = day_readings(patient.diary_days.all(), [])
    assert [alert.triggered_on for alert in severe(days)] == [date(2025, 3, 9)]
    found = completeness(days, Period(date(2025, 3, 8), TODAY))
    assert (found.diary_days, found.weight_days) == (3, 2)  # an entry counts, grades or not


def test_the_chart_shows_not_recorded_apart_from_grade_zero():
    axis = charts.DateAxis(date(2025, 3, 1), date(2025, 3, 3))
    chart = charts.swelling_foam_strip(
        axis,
        [
            (date(2025, 3, 1), {"face": None, "hands": None, "belly": None, "legs": None}, None),
            (date(2025, 3, 2), {"face": 0, "hands": 0, "belly": 0, "legs": 0}, 0),
            (date(2025, 3, 3), {"face": None, "hands": None, "belly": None, "legs": 2}, None),
        ],
    )
    rows = {row[0]: row[1:] for row in chart.table_rows}
    assert "2025-03-01" not in rows  # nothing recorded: no row, not a row of zeros
    assert rows["2025-03-02"] == ["0 (none)"] * 4 + ["0 (none)"]
    assert rows["2025-03-03"][:3] == ["not recorded"] * 3
    assert rows["2025-03-03"][4] == "not recorded"
    assert "Swelling was recorded on 2 of 3 days" in chart.summary


# Exports and import ------------------------------------------------------------------------------

PATIENT = exports.PatientInfo("abcdefghijkl", "Pat", date(1980, 5, 1), "female", "Europe/Paris")


def test_csv_leaves_a_grade_not_recorded_empty_and_fhir_has_no_observation():
    day = {"weight_kg": D("70.5"), "swelling_legs": 2, "swelling_face": 0, "foam": None}
    row = exports.DayRow(TODAY, day, [])
    cells = dict(zip(exports.COLUMN_NAMES, exports.csv_row(row), strict=True))
    assert (cells["swelling_legs"], cells["swelling_face"]) == ("2", "0")
    assert (cells["swelling_hands"], cells["swelling_belly"], cells["urine_foam"]) == ("", "", "")
    bundle = exports.fhir_bundle(PATIENT, [row], [], datetime(2025, 3, 10, tzinfo=UTC))
    codes = [
        entry["resource"]["code"]["coding"][0]["code"]
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == "Observation"
    ]
    assert sorted(codes) == ["29463-7", "swelling-face", "swelling-legs"]


def test_an_empty_grade_cell_imports_as_not_recorded(patient, owner):
    header = ",".join(exports.COLUMN_NAMES)
    cells = dict.fromkeys(exports.COLUMN_NAMES, "")
    cells.update(date="2025-03-01", weight_kg="70.5", swelling_legs="1", less_urine="no")
    text = header + "\r\n" + ",".join(cells[name] for name in exports.COLUMN_NAMES) + "\r\n"
    result = importer.import_rows(patient, owner, text)
    assert result.problems == []
    day = DiaryDay.objects.get()
    assert (day.swelling_legs, day.swelling_face, day.foam) == (1, None, None)
