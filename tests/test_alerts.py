"""tracker.alerts: every "when to contact the care team" rule, at and around its threshold.
No database."""

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tracker
from tracker.alerts import (
    CHILD_THRESHOLDS_NOTE,
    DEFAULT_THRESHOLDS,
    RULES,
    Alert,
    DayReadings,
    Limit,
    Thresholds,
    care_team_thresholds,
    default_thresholds,
    evaluate,
    inactive_rules,
    latest_per_rule,
    weight_gain_over,
    weight_gains_over,
    window,
)

D = Decimal
DAY_1 = date(2025, 3, 1)
WHEN_TO_CALL_GUIDE = (
    Path(tracker.__file__).resolve().parents[1] / "education" / "content" / "when-to-call.md"
)


def on(offset: int) -> date:
    return DAY_1 + timedelta(days=offset)


def day(offset: int, **readings) -> DayReadings:
    return DayReadings(date=on(offset), **readings)


def weights(*kilograms) -> list[DayReadings]:
    """Consecutive days from DAY_1; None leaves a day without a weight."""
    return [
        day(offset, weight_kg=None if kg is None else D(kg)) for offset, kg in enumerate(kilograms)
    ]


def dipsticks(*grades, start: int = 0) -> list[DayReadings]:
    return [day(start + offset, dipstick=grade) for offset, grade in enumerate(grades)]


def alerts_for(days, thresholds=DEFAULT_THRESHOLDS, *, child=False, immunosuppressed=False, **kw):
    return evaluate(days, thresholds, is_child=child, on_immunosuppression=immunosuppressed, **kw)


def rules(alerts: list[Alert]) -> list[str]:
    return [alert.rule for alert in alerts]


def only(alerts: list[Alert], rule: str) -> list[Alert]:
    return [alert for alert in alerts if alert.rule == rule]


# Weight: 1 day ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today_kg", "fires"), [("70.9", False), ("71.0", True), ("71.1", True), ("69.0", False)]
)
def test_it_flags_a_gain_of_1_kg_or_more_from_the_day_before(today_kg, fires):
    alerts = only(alerts_for(weights("70.0", today_kg)), "weight_gain_1d")
    assert bool(alerts) is fires


def test_it_compares_only_consecutive_calendar_days_for_the_1_day_rule():
    days = [day(0, weight_kg=D("70.0")), day(2, weight_kg=D("71.5"))]
    assert only(alerts_for(days), "weight_gain_1d") == []


def test_it_names_the_weights_and_the_unconfirmed_default_for_the_1_day_rule():
    (alert,) = only(alerts_for(weights("70.0", "71.2")), "weight_gain_1d")
    assert alert.severity == "call"
    assert alert.triggered_on == on(1)
    assert alert.title == "Weight up 1.2 kg (2.6 lb) in 1 day"
    assert alert.readings == [
        "Weight 70.0 kg (154.3 lb) on 1 Mar 2025",
        "Weight 71.2 kg (157.0 lb) on 2 Mar 2025",
    ]
    assert "1.0 kg (2.2 lb) or more from one day to the next" in alert.rule_text
    assert "default your care team can change" in alert.rule_text
    assert "heart failure" in alert.rule_text
    assert "not confirmed for nephrotic syndrome" in alert.rule_text
    assert (alert.guide_slug, alert.guide_anchor) == ("when-to-call", "weight-gain")


# Weight: 7 days -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("today_kg", "fires"), [("71.9", False), ("72.0", True), ("72.1", True)])
def test_it_flags_a_gain_of_2_kg_or_more_over_the_lowest_of_the_7_days_before(today_kg, fires):
    # Lowest of the previous 7 days is 70.0 (day 2); no single day gains 1 kg.
    days = weights("70.5", "70.3", "70.0", "70.4", "70.8", "71.2", "71.5", today_kg)
    assert bool(only(alerts_for(days), "weight_gain_7d")) is fires
    assert only(alerts_for(days), "weight_gain_1d") == []


def test_it_ignores_a_weight_8_days_before_for_the_7_day_rule():
    # Day 8 is 3.0 kg above day 0 but only 1.4 kg above the lowest of days 1 to 7.
    days = weights("69.0", "70.6", None, None, None, None, None, None, "72.0")
    assert only(alerts_for(days), "weight_gain_7d") == []


def test_it_counts_a_weight_exactly_7_days_before():
    days = weights("70.0", None, None, None, None, None, None, "72.0")
    (alert,) = only(alerts_for(days), "weight_gain_7d")
    assert alert.triggered_on == on(7)
    assert alert.readings[0] == "Weight 70.0 kg (154.3 lb) on 1 Mar 2025"
    assert "2.0 kg (4.4 lb) or more over 7 days" in alert.rule_text
    assert "lowest weight in the 7 days before" in alert.rule_text


def test_it_reports_the_gain_from_the_lowest_recent_weight():
    days = weights("71.0", "70.0", "70.5", "71.0")
    gain = weight_gain_over(days, on(3), 7)
    assert (gain.compared_on, gain.compared_kg, gain.gain_kg) == (on(1), D("70.0"), D("1.0"))
    assert weight_gain_over(days, on(3), 1).gain_kg == D("0.5")


def test_it_has_no_gain_without_a_weight_today_or_before():
    assert weight_gain_over(weights("70.0", None), on(1), 1) is None
    assert weight_gain_over(weights("70.0"), on(0), 7) is None


def test_it_can_raise_both_weight_rules_on_one_day():
    days = weights("70.0", "70.5", "71.5", "72.5")
    found = alerts_for(days)
    assert {alert.triggered_on for alert in only(found, "weight_gain_7d")} == {on(3)}
    assert {alert.triggered_on for alert in only(found, "weight_gain_1d")} == {on(2), on(3)}


# Weight and blood pressure for children -----------------------------------------------------------


def test_it_runs_no_adult_weight_or_bp_default_for_a_child():
    days = [*weights("30.0", "32.0"), day(2, blood_pressures=((190, 125),))]
    assert alerts_for(days, child=True) == []


def test_it_runs_a_childs_weight_and_bp_rules_with_the_care_teams_numbers():
    thresholds = care_team_thresholds(
        weight_gain_1d=Limit(D("0.5"), "kg"), systolic=130, diastolic=85
    )
    days = [*weights("30.0", "30.5"), day(2, blood_pressures=((128, 85),))]
    found = alerts_for(days, thresholds, child=True)
    assert set(rules(found)) == {"weight_gain_1d", "bp_above_team_number"}
    (weight_alert,) = only(found, "weight_gain_1d")
    assert "number your care team set" in weight_alert.rule_text
    assert "heart failure" not in weight_alert.rule_text
    (bp_alert,) = only(found, "bp_above_team_number")
    assert bp_alert.severity == "call"
    assert "130 or more systolic" in bp_alert.rule_text
    assert "85 or more diastolic" in bp_alert.rule_text
    assert "heart associations" not in bp_alert.rule_text


def test_it_keeps_a_childs_unset_weight_rule_off_when_only_bp_is_set():
    thresholds = care_team_thresholds(systolic=125)
    days = [*weights("30.0", "32.0"), day(2, blood_pressures=((126, 60),))]
    assert rules(alerts_for(days, thresholds, child=True)) == ["bp_above_team_number"]


def test_it_says_which_rules_are_off():
    assert inactive_rules(DEFAULT_THRESHOLDS, is_child=False, on_immunosuppression=True) == [
        "bp_above_team_number"
    ]
    assert inactive_rules(DEFAULT_THRESHOLDS, is_child=True, on_immunosuppression=False) == [
        "high_bp",
        "bp_above_team_number",
        "weight_gain_1d",
        "weight_gain_7d",
        "fever",
        "child_exposure",
    ]
    assert inactive_rules(DEFAULT_THRESHOLDS, is_child=False, on_immunosuppression=False) == [
        "bp_above_team_number",
        "fever",
    ]
    team = care_team_thresholds(systolic=140, crisis_systolic=150)
    assert inactive_rules(team, is_child=True, on_immunosuppression=True) == [
        "weight_gain_1d",
        "weight_gain_7d",
    ]
    assert inactive_rules(team, is_child=False, on_immunosuppression=True) == []
    assert "care team" in str(CHILD_THRESHOLDS_NOTE)


def test_it_turns_a_rule_off_with_none():
    thresholds = Thresholds(
        weight_gain_1d=None, weight_gain_7d=None, crisis_systolic=None, crisis_diastolic=None
    )
    days = [*weights("70.0", "72.0"), day(2, blood_pressures=((200, 130),))]
    assert rules(alerts_for(days, thresholds)) == []


def test_it_uses_an_adults_own_numbers_when_the_team_sets_them():
    thresholds = care_team_thresholds(weight_gain_1d=Limit(D("0.5"), "kg"))
    (alert,) = only(alerts_for(weights("70.0", "70.5"), thresholds), "weight_gain_1d")
    assert "0.5 kg (1.1 lb) or more" in alert.rule_text
    assert "number your care team set" in alert.rule_text


# Dipstick -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grades", "fires"),
    [
        ([4, 4, 4], True),
        ([4, 5, 4], True),
        ([5, 5, 5], True),
        ([4, 4], False),
        ([4, 3, 4], False),
        ([3, 3, 3], False),
        ([4, None, 4, 4], False),
    ],
)
def test_it_flags_3_plus_or_more_on_3_days_in_a_row(grades, fires):
    assert bool(only(alerts_for(dipsticks(*grades)), "dipstick_relapse")) is fires


def test_it_breaks_a_dipstick_run_on_a_missing_day():
    days = [day(0, dipstick=4), day(1, dipstick=4), day(3, dipstick=4)]
    assert only(alerts_for(days), "dipstick_relapse") == []


def test_it_names_each_day_of_the_dipstick_run():
    (alert,) = only(alerts_for(dipsticks(4, 4, 5)), "dipstick_relapse")
    assert alert.triggered_on == on(2)
    assert alert.readings == [
        "Dipstick protein 3+ on 1 Mar 2025",
        "Dipstick protein 3+ on 2 Mar 2025",
        "Dipstick protein 4+ on 3 Mar 2025",
    ]
    assert "IPNA 2022" in alert.rule_text
    assert "also a useful sign for adults" in alert.rule_text
    assert alert.guide_anchor == "dipstick-relapse"


def test_it_cites_ipna_for_children_without_the_adult_note():
    (alert,) = only(alerts_for(dipsticks(4, 4, 4), child=True), "dipstick_relapse")
    assert "IPNA 2022" in alert.rule_text
    assert "adults" not in alert.rule_text


def test_it_alerts_on_each_further_day_a_run_continues():
    found = only(alerts_for(dipsticks(4, 4, 4, 4)), "dipstick_relapse")
    assert [alert.triggered_on for alert in found] == [on(3), on(2)]


@pytest.mark.parametrize(
    ("grades", "fires"),
    [([0, 0, 0], True), ([1, 0, 1], True), ([0, 2, 0], False), ([0, 0], False)],
)
def test_it_tells_good_news_on_negative_or_trace_3_days_in_a_row(grades, fires):
    found = only(alerts_for(dipsticks(*grades)), "dipstick_remission")
    assert bool(found) is fires
    if fires:
        assert found[0].severity == "info"
        assert "Do not change your medicines" in found[0].what_to_do
        assert found[0].guide_anchor == "dipstick-remission"


# Fever --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("celsius", "fires"), [("37.9", False), ("38.0", True), ("38.1", True)])
def test_it_flags_a_fever_of_38_or_more_on_immune_suppressing_medicine(celsius, fires):
    found = alerts_for([day(0, temperature_c=D(celsius))], immunosuppressed=True)
    assert bool(only(found, "fever")) is fires


def test_it_raises_no_fever_alert_without_immune_suppressing_medicine():
    assert alerts_for([day(0, temperature_c=D("39.5"))], immunosuppressed=False) == []


def test_it_runs_the_fever_rule_for_a_child():
    found = alerts_for([day(0, temperature_c=D("38.5"))], child=True, immunosuppressed=True)
    assert rules(found) == ["fever"]


def test_it_shows_a_fever_in_both_units():
    (alert,) = alerts_for([day(0, temperature_c=D("38.0"))], immunosuppressed=True)
    assert alert.readings == ["Temperature 38.0 °C (100.4 °F) on 1 Mar 2025"]
    assert "38.0 °C (100.4 °F) or higher" in alert.rule_text
    assert "call the same day" in alert.rule_text
    assert alert.severity == "call"
    assert alert.guide_anchor == "fever"


# Blood pressure -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reading", "fires"),
    [
        ((179, 119), False),
        ((180, 80), True),
        ((181, 80), True),
        ((150, 120), True),
        ((150, 121), True),
        ((179, 120), True),
    ],
)
def test_it_flags_180_systolic_or_120_diastolic(reading, fires):
    found = alerts_for([day(0, blood_pressures=(reading,))])
    assert bool(only(found, "high_bp")) is fires


def test_it_lists_only_the_high_readings_and_says_what_to_do():
    (alert,) = alerts_for([day(0, blood_pressures=((150, 90), (184, 100)))])
    assert alert.severity == "emergency"
    assert alert.readings == ["Blood pressure 184/100 mmHg on 1 Mar 2025"]
    assert "rest for 5 minutes" in alert.what_to_do
    assert "measure again" in alert.what_to_do
    assert "contact your care team now" in alert.what_to_do
    assert "chest pain" in alert.what_to_do
    assert "call the emergency number" in alert.what_to_do
    assert "heart associations" in alert.rule_text
    assert "For adults this line is fixed" in alert.rule_text
    assert alert.guide_anchor == "high-blood-pressure"


# Swelling -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "today", "fires"),
    [(None, 3, True), (2, 3, True), (3, 3, False), (0, 2, False), (1, 3, True)],
)
def test_it_flags_a_site_newly_at_grade_3(before, today, fires):
    days = [day(1, swelling={"legs": today})]
    if before is not None:
        days.insert(0, day(0, swelling={"legs": before}))
    found = [alert for alert in alerts_for(days) if alert.triggered_on == on(1)]
    assert bool(only(found, "severe_swelling")) is fires


def test_it_compares_swelling_with_the_last_day_it_was_recorded():
    days = [day(0, swelling={"hands": 3}), day(1, weight_kg=D("70")), day(3, swelling={"hands": 3})]
    found = only(alerts_for(days), "severe_swelling")
    assert [alert.triggered_on for alert in found] == [on(0)]


def test_it_flags_a_belly_at_grade_3_every_day():
    days = [day(0, swelling={"belly": 3}), day(1, swelling={"belly": 3})]
    found = only(alerts_for(days), "severe_swelling")
    assert [alert.triggered_on for alert in found] == [on(1), on(0)]
    assert "short of breath" in found[0].what_to_do


def test_it_names_the_swollen_sites_with_the_day_before():
    days = [day(0, swelling={"face": 2}), day(1, swelling={"face": 3, "legs": 1})]
    (alert,) = alerts_for(days)
    assert alert.readings == [
        "Swelling of the face or around the eyes: grade 2 (moderate) on 1 Mar 2025",
        "Swelling of the face or around the eyes: grade 3 (severe) on 2 Mar 2025",
    ]
    assert alert.guide_anchor == "severe-swelling"


# Urine --------------------------------------------------------------------------------------------


def test_it_flags_a_day_with_much_less_urine():
    (alert,) = alerts_for([day(0, less_urine=True), day(1, less_urine=False)])
    assert (alert.rule, alert.severity, alert.triggered_on) == ("less_urine", "call", on(0))
    assert alert.readings == ["Less urine than usual on 1 Mar 2025"]
    assert alert.guide_anchor == "less-urine"


# Ordering, dates and helpers ----------------------------------------------------------------------


def test_it_puts_emergencies_first_then_newest_first_and_good_news_last():
    days = [
        day(0, less_urine=True, dipstick=0),
        day(1, dipstick=0, blood_pressures=((185, 95),)),
        day(2, less_urine=True, dipstick=1),
    ]
    found = alerts_for(list(reversed(days)))
    assert [(alert.rule, alert.triggered_on) for alert in found] == [
        ("high_bp", on(1)),
        ("less_urine", on(2)),
        ("less_urine", on(0)),
        ("dipstick_remission", on(2)),
    ]


def test_it_uses_the_last_entry_given_for_a_date():
    days = [day(0, less_urine=True), day(0, less_urine=False)]
    assert alerts_for(days) == []


def test_it_ignores_days_after_today():
    days = [day(0, less_urine=True), day(5, less_urine=True)]
    found = alerts_for(days, today=on(1))
    assert [alert.triggered_on for alert in found] == [on(0)]


def test_it_uses_days_before_since_only_as_look_back():
    days = weights("70.0", "70.6", "71.2", "72.0")
    found = alerts_for(days, since=on(3))
    assert [(alert.rule, alert.triggered_on) for alert in found] == [("weight_gain_7d", on(3))]
    assert found[0].readings[0] == "Weight 70.0 kg (154.3 lb) on 1 Mar 2025"


def test_it_raises_nothing_for_calm_days():
    days = [
        day(
            offset,
            weight_kg=D("70.0"),
            swelling={"face": 0, "hands": 1, "belly": 0, "legs": 1},
            foam=1,
            dipstick=2,
            temperature_c=D("36.8"),
            blood_pressures=((128, 82), (126, 80)),
        )
        for offset in range(14)
    ]
    assert alerts_for(days, immunosuppressed=True) == []


def test_it_raises_nothing_for_no_days():
    assert alerts_for([]) == []


def test_it_selects_a_window_of_days_in_date_order():
    days = [day(3), day(0), day(1), day(5)]
    assert [d.date for d in window(days, on(1), on(3))] == [on(1), on(3)]


def test_it_keeps_the_latest_alert_of_each_rule():
    days = [day(0, less_urine=True), day(1, less_urine=True), *dipsticks(4, 4, 4, 4, start=2)]
    latest = latest_per_rule(alerts_for(days))
    assert [(alert.rule, alert.triggered_on) for alert in latest] == [
        ("dipstick_relapse", on(5)),
        ("less_urine", on(1)),
    ]


def test_it_links_every_alert_to_an_anchor_in_the_when_to_call_guide():
    anchors = set(re.findall(r"\{#([a-z0-9-]+)\}", WHEN_TO_CALL_GUIDE.read_text(encoding="utf-8")))
    days = [
        *weights("70.0", "71.0", "72.5"),
        day(3, dipstick=4, swelling={"belly": 3}, less_urine=True, blood_pressures=((150, 80),)),
        day(4, dipstick=4, temperature_c=D("38.5"), blood_pressures=((190, 100),)),
        day(5, dipstick=4, symptoms=frozenset({"leg_swollen", "belly_pain", "infection_contact"})),
        day(6, dipstick=0, temperature_c=D("38.2"), symptoms=frozenset({"belly_pain"})),
        *dipsticks(0, 0, start=7),
    ]
    team = care_team_thresholds(systolic=140)
    found = alerts_for(days, team, immunosuppressed=True) + alerts_for(
        days,
        care_team_thresholds(weight_gain_1d=Limit(D("1.0"), "kg")),
        child=True,
        immunosuppressed=True,
    )
    # Every rule of the module fires in this scenario, so every rule is checked below.
    assert set(rules(found)) == set(RULES)
    for alert in found:
        assert alert.guide_slug == "when-to-call"
        assert alert.guide_anchor in anchors, alert.rule
        assert alert.title
        assert alert.readings
        assert alert.what_to_do
        assert alert.rule_text


# Properties ---------------------------------------------------------------------------------------

grades = st.one_of(st.none(), st.integers(min_value=0, max_value=5))
kilograms = st.one_of(st.none(), st.decimals(min_value=D("2"), max_value=D("400"), places=1))
day_readings = st.builds(
    DayReadings,
    date=st.dates(min_value=date(2025, 1, 1), max_value=date(2025, 2, 15)),
    weight_kg=kilograms,
    swelling=st.dictionaries(
        st.sampled_from(["face", "hands", "belly", "legs"]), st.integers(min_value=0, max_value=3)
    ),
    foam=st.one_of(st.none(), st.integers(min_value=0, max_value=3)),
    dipstick=grades,
    temperature_c=st.one_of(st.none(), st.decimals(min_value=D("34"), max_value=D("42"), places=1)),
    less_urine=st.booleans(),
    blood_pressures=st.lists(
        st.tuples(
            st.integers(min_value=60, max_value=260), st.integers(min_value=30, max_value=160)
        ),
        max_size=3,
    ).map(tuple),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(day_readings, max_size=40),
    st.booleans(),
    st.booleans(),
    st.one_of(st.none(), st.dates(min_value=date(2025, 1, 1), max_value=date(2025, 2, 15))),
)
def test_it_never_raises_and_keeps_its_promises(days, is_child, immunosuppressed, today):
    found = evaluate(
        days,
        DEFAULT_THRESHOLDS,
        is_child=is_child,
        on_immunosuppression=immunosuppressed,
        today=today,
    )
    dates = {d.date for d in days}
    severities = [alert.severity for alert in found]
    assert severities == sorted(severities, key=["emergency", "call", "info"].index)
    for alert in found:
        assert alert.triggered_on in dates
        assert today is None or alert.triggered_on <= today
        assert alert.readings
        if is_child:
            assert alert.rule not in {"weight_gain_1d", "weight_gain_7d", "high_bp"}
        if not immunosuppressed:
            assert alert.rule != "fever"


@settings(max_examples=100, deadline=None)
@given(st.lists(day_readings, max_size=20))
def test_it_gives_the_same_alerts_whatever_the_order_of_days(days):
    unique = list({d.date: d for d in days}.values())
    forward = evaluate(unique, is_child=False, on_immunosuppression=True)
    backward = evaluate(list(reversed(unique)), is_child=False, on_immunosuppression=True)
    assert forward == backward


def test_alert_text_puts_the_typed_unit_first_and_the_limit_in_its_own_unit():
    days = [
        DayReadings(date=date(2026, 3, 1), weight=D("154.3"), weight_unit="lb"),
        DayReadings(
            date=date(2026, 3, 2),
            weight=D("157.6"),
            weight_unit="lb",
            temperature=D("100.8"),
            temperature_unit="F",
        ),
    ]
    in_lb = evaluate(
        days,
        default_thresholds("lb", "F"),
        is_child=False,
        on_immunosuppression=True,
    )
    weight = next(alert for alert in in_lb if alert.rule == "weight_gain_1d")
    assert weight.title == "Weight up 3.3 lb (1.5 kg) in 1 day"
    assert weight.readings[1] == "Weight 157.6 lb (71.5 kg) on 2 Mar 2026"
    assert "2.2 lb (1.0 kg) or more from one day to the next" in weight.rule_text
    fever = next(alert for alert in in_lb if alert.rule == "fever")
    assert fever.readings == ["Temperature 100.8 °F (38.2 °C) on 2 Mar 2026"]
    assert "100.4 °F (38.0 °C) or higher" in fever.rule_text
    in_kg = evaluate(days, is_child=False, on_immunosuppression=True)
    weight_kg = next(a for a in in_kg if a.rule == "weight_gain_1d")
    assert weight_kg.title.startswith("Weight up 1.5 kg")
    assert weight_kg.readings[1] == "Weight 157.6 lb (71.5 kg) on 2 Mar 2026"


def test_weight_gains_over_match_weight_gain_over_day_by_day():
    days = weights(70, 70.4, 71.1, None, 72.9, 73.5, 71.8, 74.6, 75.0, 73.1)
    every_date = [on(n) for n in range(12)]
    gains = weight_gains_over(days, every_date, 7)
    for when in every_date:
        assert gains.get(when) == weight_gain_over(days, when, 7)
    assert on(0) not in gains  # nothing before it to compare with
    assert len(gains) == 8  # every later day with a weight
