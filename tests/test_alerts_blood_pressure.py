"""Blood pressure alerts (CLINICAL.md rows "very high blood pressure" and "above the care team's
blood-pressure number"): the crisis line is an emergency, the care team's own number a call.
No database."""

from datetime import date, timedelta

import pytest

from tracker.alerts import (
    DEFAULT_THRESHOLDS,
    DayReadings,
    care_team_thresholds,
    evaluate,
    inactive_rules,
)

DAY_1 = date(2026, 5, 1)


def pressures(*readings, offset: int = 0) -> list[DayReadings]:
    return [DayReadings(date=DAY_1 + timedelta(days=offset), blood_pressures=tuple(readings))]


def found(days, thresholds=DEFAULT_THRESHOLDS, *, child=False) -> list[tuple[str, str]]:
    alerts = evaluate(days, thresholds, is_child=child, on_immunosuppression=False)
    return [(alert.rule, alert.severity) for alert in alerts]


EMERGENCY = [("high_bp", "emergency")]
CALL = [("bp_above_team_number", "call")]


# Adults: the fixed crisis line -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reading", "expected"),
    [
        ((179, 119), []),
        ((180, 80), EMERGENCY),
        ((181, 80), EMERGENCY),
        ((150, 119), []),
        ((150, 120), EMERGENCY),
        ((150, 121), EMERGENCY),
    ],
)
def test_an_adults_crisis_line_is_180_or_120(reading, expected):
    assert found(pressures(reading)) == expected


def test_the_emergency_says_rest_measure_again_and_when_to_call_the_emergency_number():
    alert = evaluate(pressures((185, 100)), is_child=False, on_immunosuppression=False)[0]
    assert alert.title == "Very high blood pressure"
    assert alert.readings == ["Blood pressure 185/100 mmHg on 1 May 2026"]
    assert "rest for 5 minutes" in alert.what_to_do
    assert "call the emergency number" in alert.what_to_do
    assert "180 or more systolic" in alert.rule_text
    assert "120 or more diastolic" in alert.rule_text
    assert "heart associations" in alert.rule_text
    assert alert.guide_anchor == "high-blood-pressure"


def test_a_childs_crisis_number_does_not_move_an_adults_line():
    thresholds = care_team_thresholds(crisis_systolic=130, crisis_diastolic=85)
    assert found(pressures((150, 90)), thresholds) == []
    assert found(pressures((180, 90)), thresholds) == EMERGENCY


# Adults: the care team's own number ------------------------------------------------------------


@pytest.mark.parametrize(
    ("reading", "expected"),
    [
        ((139, 80), []),
        ((140, 80), CALL),
        ((141, 80), CALL),
        ((130, 89), []),
        ((130, 90), CALL),
        ((179, 119), CALL),
        ((180, 80), EMERGENCY),  # the crisis line: the emergency alone
    ],
)
def test_the_care_teams_number_gives_a_call(reading, expected):
    thresholds = care_team_thresholds(systolic=140, diastolic=90)
    assert found(pressures(reading), thresholds) == expected


def test_the_call_says_tell_your_care_team_and_links_the_guide():
    thresholds = care_team_thresholds(systolic=140)
    days = pressures((142, 80))
    (alert,) = evaluate(days, thresholds, is_child=False, on_immunosuppression=False)
    assert alert.severity == "call"
    assert alert.readings == ["Blood pressure 142/80 mmHg on 1 May 2026"]
    assert "Tell your care team" in alert.what_to_do
    assert "140 or more systolic" in alert.rule_text
    assert "number your care team set" in alert.rule_text
    assert "not an emergency" in alert.rule_text
    assert alert.guide_anchor == "high-blood-pressure"


def test_without_a_team_number_only_the_crisis_line_runs():
    assert found(pressures((170, 110))) == []
    assert "bp_above_team_number" in inactive_rules(
        DEFAULT_THRESHOLDS, is_child=False, on_immunosuppression=False
    )


def test_a_day_with_a_crisis_reading_gets_only_the_emergency():
    thresholds = care_team_thresholds(systolic=140)
    days = [*pressures((150, 85), (185, 100)), *pressures((150, 85), offset=1)]
    alerts = evaluate(days, thresholds, is_child=False, on_immunosuppression=False)
    assert [(alert.rule, alert.triggered_on.day) for alert in alerts] == [
        ("high_bp", 1),
        ("bp_above_team_number", 2),
    ]
    assert alerts[0].readings == ["Blood pressure 185/100 mmHg on 1 May 2026"]


@pytest.mark.parametrize(
    ("reading", "expected"), [((179, 119), []), ((185, 90), EMERGENCY), ((195, 90), EMERGENCY)]
)
def test_a_team_number_at_or_above_the_crisis_line_gives_only_the_emergency(reading, expected):
    thresholds = care_team_thresholds(systolic=190, diastolic=125)
    assert found(pressures(reading), thresholds) == expected


# Children ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("reading", [(179, 119), (180, 80), (200, 130)])
def test_a_child_without_team_numbers_gets_no_blood_pressure_alert(reading):
    assert found(pressures(reading), child=True) == []
    off = inactive_rules(DEFAULT_THRESHOLDS, is_child=True, on_immunosuppression=False)
    assert {"high_bp", "bp_above_team_number"} <= set(off)


@pytest.mark.parametrize(
    ("reading", "expected"),
    [
        ((124, 70), []),
        ((125, 70), CALL),
        ((126, 70), CALL),
        ((200, 130), CALL),  # no crisis number given: no emergency line for a child
    ],
)
def test_a_childs_team_number_gives_a_call(reading, expected):
    thresholds = care_team_thresholds(systolic=125)
    assert found(pressures(reading), thresholds, child=True) == expected


@pytest.mark.parametrize(
    ("reading", "expected"),
    [
        ((119, 70), []),
        ((120, 70), CALL),
        ((129, 84), CALL),
        ((130, 70), EMERGENCY),
        ((131, 70), EMERGENCY),
        ((110, 85), EMERGENCY),
    ],
)
def test_a_childs_crisis_number_gives_the_emergency(reading, expected):
    thresholds = care_team_thresholds(
        systolic=120, diastolic=80, crisis_systolic=130, crisis_diastolic=85
    )
    assert found(pressures(reading), thresholds, child=True) == expected
    (alert,) = evaluate(
        pressures((131, 70)), thresholds, is_child=True, on_immunosuppression=False
    )[:1]
    assert "crisis number your child's care team set" in alert.rule_text
    assert "heart associations" not in alert.rule_text


def test_a_child_with_only_a_crisis_number_gets_the_emergency_and_no_call():
    thresholds = care_team_thresholds(crisis_systolic=130)
    assert found(pressures((129, 80)), thresholds, child=True) == []
    assert found(pressures((130, 80)), thresholds, child=True) == EMERGENCY
    off = inactive_rules(thresholds, is_child=True, on_immunosuppression=False)
    assert "high_bp" not in off
    assert "bp_above_team_number" in off
