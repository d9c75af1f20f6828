"""The "Anything else today?" checklist (tracker.symptoms) and the rules that use it in
tracker.alerts: blood clot signs, belly pain with fever, a child's exposure. No database."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.test_alerts import WHEN_TO_CALL_GUIDE
from tracker import symptoms
from tracker.alerts import (
    BELLY_PAIN_FEVER,
    BLOOD_CLOT,
    CALL,
    CHILD_EXPOSURE,
    DEFAULT_THRESHOLDS,
    EMERGENCY,
    INFO,
    RULES,
    SEVERITIES,
    SEVERITY_WORDS,
    URGENT,
    DayReadings,
    Limit,
    care_team_thresholds,
    evaluate,
    inactive_rules,
)

D = Decimal
DAY_1 = date(2025, 3, 1)


def day(offset: int = 0, *ticked: str, **readings) -> DayReadings:
    return DayReadings(date=DAY_1 + timedelta(days=offset), symptoms=frozenset(ticked), **readings)


def found(days, thresholds=DEFAULT_THRESHOLDS, *, child=False, immunosuppressed=False, **kw):
    return evaluate(days, thresholds, is_child=child, on_immunosuppression=immunosuppressed, **kw)


def rules(alerts) -> list[str]:
    return [alert.rule for alert in alerts]


# The list --------------------------------------------------------------------------------------


def test_the_checklist_has_the_five_items_in_order_with_their_codes():
    assert symptoms.CODES == (
        "leg_swollen",
        "chest_pain",
        "belly_pain",
        "vomiting_diarrhoea",
        "infection_contact",
    )
    assert [str(item.label) for item in symptoms.SYMPTOMS] == [
        "One leg swollen or painful",
        "Chest pain or sudden trouble breathing",
        "Belly pain",
        "Vomiting or diarrhea",
        "Contact with chickenpox or measles",
    ]
    assert tuple(f"symptom_{code}" for code in symptoms.CODES) == symptoms.FIELDS


@given(st.sets(st.sampled_from(symptoms.CODES)))
def test_the_cell_text_reads_back_to_the_same_codes_in_the_fixed_order(codes):
    text = symptoms.to_text(sorted(codes, reverse=True))
    assert symptoms.from_text(text) == (frozenset(codes), [])
    assert text.split(";") == ([code for code in symptoms.CODES if code in codes] or [""])


def test_the_cell_reader_forgives_case_and_spaces_and_names_unknown_parts():
    assert symptoms.from_text(" Belly_Pain ; ;chest_pain;") == (
        frozenset({"belly_pain", "chest_pain"}),
        [],
    )
    assert symptoms.from_text("belly_pain;fever;rash") == (
        frozenset({"belly_pain"}),
        ["fever", "rash"],
    )


def test_codes_of_reads_objects_and_mappings():
    assert symptoms.codes_of({"symptom_chest_pain": True, "symptom_belly_pain": False}) == {
        "chest_pain"
    }

    class Day:
        symptom_infection_contact = True

    assert symptoms.codes_of(Day()) == {"infection_contact"}


# Severity --------------------------------------------------------------------------------------


def test_urgent_sits_between_emergency_and_call_and_has_a_word():
    assert SEVERITIES == (EMERGENCY, URGENT, CALL, INFO)
    assert {str(SEVERITY_WORDS[severity]) for severity in SEVERITIES} == {
        "Emergency",
        "Urgent",
        "Call",
        "Good news",
    }
    assert {BLOOD_CLOT, BELLY_PAIN_FEVER, CHILD_EXPOSURE} <= set(RULES)


def test_alerts_come_most_pressing_first():
    days = [
        day(0, "belly_pain", temperature_c=D("38.5")),
        day(1, "infection_contact"),
        day(2, "chest_pain"),
    ]
    alerts = found(days, child=True, immunosuppressed=True)
    assert [(alert.rule, alert.severity) for alert in alerts] == [
        (BLOOD_CLOT, EMERGENCY),
        (BELLY_PAIN_FEVER, URGENT),
        (CHILD_EXPOSURE, CALL),  # newest first within a severity
        ("fever", CALL),
    ]


# Blood clot signs ------------------------------------------------------------------------------


@pytest.mark.parametrize("child", [False, True])
@pytest.mark.parametrize(
    "ticked", [("leg_swollen",), ("chest_pain",), ("leg_swollen", "chest_pain")]
)
def test_blood_clot_signs_are_an_emergency_for_everyone(ticked, child):
    (alert,) = found([day(0, *ticked)], child=child)
    assert (alert.rule, alert.severity, alert.guide_anchor) == (
        BLOOD_CLOT,
        EMERGENCY,
        "blood-clots",
    )
    assert "call the emergency number" in alert.what_to_do.lower()
    labels = symptoms.labels(ticked)
    assert alert.readings == [f"Ticked “{label}” on 1 Mar 2025" for label in labels]
    assert "blood clot" in alert.rule_text


@pytest.mark.parametrize(
    "ticked", [(), ("belly_pain",), ("vomiting_diarrhoea", "infection_contact")]
)
def test_other_ticks_are_no_clot_sign(ticked):
    assert BLOOD_CLOT not in rules(found([day(0, *ticked)], child=True, immunosuppressed=True))


# Belly pain with fever -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("celsius", "fires"), [("37.9", False), ("37.99", False), ("38.0", True), ("38.1", True)]
)
@pytest.mark.parametrize("immunosuppressed", [False, True])
@pytest.mark.parametrize("child", [False, True])
def test_belly_pain_with_a_temperature_at_the_fever_line_is_urgent(
    celsius, fires, immunosuppressed, child
):
    alerts = found(
        [day(0, "belly_pain", temperature_c=D(celsius))],
        child=child,
        immunosuppressed=immunosuppressed,
    )
    belly = [alert for alert in alerts if alert.rule == BELLY_PAIN_FEVER]
    assert bool(belly) is fires
    if fires:
        (alert,) = belly
        assert (alert.severity, alert.guide_anchor) == (URGENT, "belly-pain-fever")
        assert alert.readings == [
            "Ticked “Belly pain” on 1 Mar 2025",
            f"Temperature {D(celsius)} °C ({(D(celsius) * 9 / 5 + 32).quantize(D('0.1'))} °F)"
            " on 1 Mar 2025",
        ]
        assert "call your care team now" in alert.what_to_do.lower()
        assert "emergency number" in alert.what_to_do
        assert "peritonitis" in alert.what_to_do
        assert "can be a sign of" in alert.what_to_do
        assert "38.0 °C" in alert.rule_text


def test_belly_pain_and_fever_must_be_on_the_same_day():
    days = [day(0, "belly_pain", temperature_c=D("37.0")), day(1, temperature_c=D("38.6"))]
    assert BELLY_PAIN_FEVER not in rules(found(days, immunosuppressed=True))
    assert rules(found([day(0, "belly_pain")])) == []  # no temperature taken
    assert rules(found([day(0, temperature_c=D("39.0"))])) == []  # fever alone, no medicine


def test_belly_pain_uses_the_care_teams_fever_line_in_its_unit():
    thresholds = care_team_thresholds(fever=Limit(D("99.5"), "F"))
    typed = {"temperature_unit": "F"}
    assert found([day(0, "belly_pain", temperature=D("99.4"), **typed)], thresholds) == []
    (alert,) = found([day(0, "belly_pain", temperature=D("99.5"), **typed)], thresholds)
    assert alert.rule == BELLY_PAIN_FEVER
    assert "99.5 °F (37.5 °C) or higher" in alert.rule_text
    assert "the number your care team set" in alert.rule_text
    # 37.5 °C is 99.5 °F exactly: the same line in the other unit, with no rounding step.
    (alert,) = found([day(0, "belly_pain", temperature_c=D("37.5"))], thresholds)
    assert "Temperature 37.5 °C (99.5 °F)" in alert.readings[-1]


# A child's exposure ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ticked",
    [("infection_contact",), ("vomiting_diarrhoea",), ("infection_contact", "vomiting_diarrhoea")],
)
def test_a_child_on_immune_suppressing_medicine_gets_a_call_alert(ticked):
    (alert,) = found([day(0, *ticked)], child=True, immunosuppressed=True)
    assert (alert.rule, alert.severity, alert.guide_anchor) == (
        CHILD_EXPOSURE,
        CALL,
        "child-exposures",
    )
    assert "today" in alert.what_to_do
    assert len(alert.readings) == len(ticked)


@pytest.mark.parametrize(
    ("child", "immunosuppressed"), [(True, False), (False, True), (False, False)]
)
def test_no_exposure_alert_for_adults_or_a_child_off_immune_suppressing_medicine(
    child, immunosuppressed
):
    days = [day(0, "infection_contact", "vomiting_diarrhoea")]
    assert found(days, child=child, immunosuppressed=immunosuppressed) == []


def test_the_exposure_check_is_said_to_be_off_for_a_child_without_such_medicine():
    assert CHILD_EXPOSURE in inactive_rules(
        DEFAULT_THRESHOLDS, is_child=True, on_immunosuppression=False
    )
    assert CHILD_EXPOSURE not in inactive_rules(
        DEFAULT_THRESHOLDS, is_child=True, on_immunosuppression=True
    )
    assert CHILD_EXPOSURE not in inactive_rules(
        DEFAULT_THRESHOLDS, is_child=False, on_immunosuppression=False
    )


def test_alerts_after_today_or_before_since_are_left_out():
    days = [day(0, "chest_pain"), day(5, "chest_pain")]
    assert [a.triggered_on for a in found(days, today=DAY_1 + timedelta(days=3))] == [DAY_1]
    assert [a.triggered_on for a in found(days, since=DAY_1 + timedelta(days=1))] == [
        DAY_1 + timedelta(days=5)
    ]


def test_the_guide_explains_the_clot_and_exposure_rules():
    """belly-pain-fever is added to the guide by the guides' own change (education/content)."""
    anchors = set(re.findall(r"\{#([a-z0-9-]+)\}", WHEN_TO_CALL_GUIDE.read_text(encoding="utf-8")))
    assert {"blood-clots", "child-exposures"} <= anchors
