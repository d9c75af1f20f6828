"""tracker.alerts in the units people type: each weight and fever rule just below, exactly at and
just above its line, in kg and lb, °C and °F, with thresholds in either unit and readings mixed
across days (CLINICAL.md: "a weight typed in pounds is held to the pound thresholds"). No
database."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.alerts import (
    KG_PER_LB,
    DayReadings,
    Limit,
    care_team_thresholds,
    default_thresholds,
    evaluate,
    weight_gain_over,
)

D = Decimal
DAY_1 = date(2026, 5, 1)


def on(offset: int) -> date:
    return DAY_1 + timedelta(days=offset)


def weighed(offset: int, value: str, unit: str) -> DayReadings:
    return DayReadings(date=on(offset), weight=D(value), weight_unit=unit)


def fired(days, thresholds, rule: str, *, child=False, immunosuppressed=True) -> list:
    found = evaluate(
        days, thresholds, is_child=child, on_immunosuppression=immunosuppressed, since=days[-1].date
    )
    return [alert for alert in found if alert.rule == rule]


# Weight, 1 day: the line in the patient's unit ---------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "yesterday", "today", "fires"),
    [
        ("kg", "70.0", "70.9", False),
        ("kg", "70.0", "70.99", False),
        ("kg", "70.0", "71.0", True),
        ("kg", "70.0", "71.01", True),
        ("lb", "155.0", "157.1", False),
        ("lb", "155.0", "157.19", False),
        ("lb", "155.0", "157.2", True),  # exactly 2.2 lb: the case that used to be missed
        ("lb", "155.0", "157.21", True),
        ("lb", "154.3", "156.5", True),
        ("lb", "200.4", "202.6", True),
    ],
)
def test_the_1_day_rule_holds_the_typed_gain_to_the_line_in_its_unit(unit, yesterday, today, fires):
    days = [weighed(0, yesterday, unit), weighed(1, today, unit)]
    alerts = fired(days, default_thresholds(unit), "weight_gain_1d")
    assert bool(alerts) is fires


@pytest.mark.parametrize(
    ("unit", "low", "today", "fires"),
    [
        ("kg", "70.0", "71.9", False),
        ("kg", "70.0", "72.0", True),
        ("kg", "70.0", "72.1", True),
        ("lb", "155.0", "159.3", False),
        ("lb", "155.0", "159.39", False),
        ("lb", "155.0", "159.4", True),  # exactly 4.4 lb
        ("lb", "155.0", "159.5", True),
    ],
)
def test_the_7_day_rule_holds_the_typed_gain_to_the_line_in_its_unit(unit, low, today, fires):
    days = [weighed(0, low, unit), weighed(7, today, unit)]
    assert bool(fired(days, default_thresholds(unit), "weight_gain_7d")) is fires


def test_a_gain_of_exactly_2_2_lb_says_so_in_pounds():
    days = [weighed(0, "155.0", "lb"), weighed(1, "157.2", "lb")]
    (alert,) = fired(days, default_thresholds("lb"), "weight_gain_1d")
    assert alert.title == "Weight up 2.2 lb (1.0 kg) in 1 day"
    assert alert.readings == [
        "Weight 155.0 lb (70.3 kg) on 1 May 2026",
        "Weight 157.2 lb (71.3 kg) on 2 May 2026",
    ]
    assert "2.2 lb (1.0 kg) or more from one day to the next" in alert.rule_text
    assert "default your care team can change" in alert.rule_text


def test_the_old_round_trip_would_have_missed_it():
    # What the portal stored before: kg to 3 decimals, compared with 1 kg.
    stored = [round(D(lb) * KG_PER_LB, 3) for lb in ("155.0", "157.2")]
    assert stored[1] - stored[0] < D("1.0")
    days = [weighed(0, "155.0", "lb"), weighed(1, "157.2", "lb")]
    assert fired(days, default_thresholds("lb"), "weight_gain_1d")


# Weight: the care team's number in either unit ---------------------------------------------------


@pytest.mark.parametrize(
    ("limit", "yesterday", "today", "fires"),
    [
        (Limit(D("2"), "lb"), ("150.0", "lb"), ("151.9", "lb"), False),
        (Limit(D("2"), "lb"), ("150.0", "lb"), ("152.0", "lb"), True),
        (Limit(D("2"), "lb"), ("150.0", "lb"), ("152.1", "lb"), True),
        (Limit(D("0.5"), "kg"), ("60.0", "kg"), ("60.49", "kg"), False),
        (Limit(D("0.5"), "kg"), ("60.0", "kg"), ("60.5", "kg"), True),
        # Team number in kg, a pound reading: 1 kg = 2.2046226... lb, so 2.2 lb is under it.
        (Limit(D("1"), "kg"), ("155.0", "lb"), ("157.2", "lb"), False),
        (Limit(D("1"), "kg"), ("155.0", "lb"), ("157.21", "lb"), True),
    ],
)
def test_the_care_teams_weight_number_is_compared_in_its_own_unit(limit, yesterday, today, fires):
    thresholds = care_team_thresholds(weight_unit="lb", weight_gain_1d=limit)
    days = [weighed(0, *yesterday), weighed(1, *today)]
    alerts = fired(days, thresholds, "weight_gain_1d")
    assert bool(alerts) is fires
    if fires:
        assert "number your care team set" in alerts[0].rule_text
        assert "heart failure" not in alerts[0].rule_text


# Weight: readings typed in both units ------------------------------------------------------------


@pytest.mark.parametrize(
    ("yesterday", "today", "line_unit", "fires"),
    [
        # Pound line; 157.2 lb = 71.30472056... kg: the kg reading is converted exactly.
        (("155.0", "lb"), ("71.304", "kg"), "lb", False),
        (("155.0", "lb"), ("71.305", "kg"), "lb", True),
        # Kilogram line; 71.0 kg = 156.5284... lb.
        (("70.0", "kg"), ("156.528", "lb"), "kg", False),
        (("70.0", "kg"), ("156.529", "lb"), "kg", True),
    ],
)
def test_mixed_units_across_days_are_converted_exactly(yesterday, today, line_unit, fires):
    days = [weighed(0, *yesterday), weighed(1, *today)]
    alerts = fired(days, default_thresholds(line_unit), "weight_gain_1d")
    assert bool(alerts) is fires
    if fires:
        # Each reading as typed, in its own unit first.
        assert alerts[0].readings[1].startswith(f"Weight {today[0]} {today[1]} (")


def test_the_7_day_rule_finds_the_lowest_weight_across_units():
    days = [
        weighed(0, "70.0", "kg"),  # 154.32 lb: the lowest
        weighed(2, "154.9", "lb"),
        weighed(7, "158.8", "lb"),  # 4.48 lb over 70.0 kg
    ]
    (alert,) = fired(days, default_thresholds("lb"), "weight_gain_7d")
    assert alert.readings[0] == "Weight 70.0 kg (154.3 lb) on 1 May 2026"
    assert alert.title == "Weight up 4.5 lb (2.0 kg) over 7 days"


def test_weight_gain_over_gives_the_gain_in_the_unit_asked_and_in_kg():
    days = [weighed(0, "155.0", "lb"), weighed(1, "157.2", "lb")]
    in_lb = weight_gain_over(days, on(1), 1, "lb")
    assert (in_lb.unit, in_lb.gain) == ("lb", D("2.2"))
    assert in_lb.reaches(Limit(D("2.2"), "lb"))
    in_kg = weight_gain_over(days, on(1), 1, "kg")
    assert in_kg.gain == D("2.2") * KG_PER_LB
    assert not in_kg.reaches(Limit(D("1.0"), "kg"))
    assert in_lb.gain_kg == in_kg.gain_kg == D("2.2") * KG_PER_LB
    with pytest.raises(ValueError, match="cannot be compared"):
        in_lb.reaches(Limit(D("1.0"), "kg"))


# Weight for children ----------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["kg", "lb"])
def test_a_child_gets_no_default_weight_line_in_either_unit(unit):
    days = [weighed(0, "30.0", unit), weighed(1, "35.0", unit)]
    assert fired(days, default_thresholds(unit), "weight_gain_1d", child=True) == []


@pytest.mark.parametrize(
    ("today", "fires"), [("67.0", False), ("67.09", False), ("67.1", True), ("67.2", True)]
)
def test_a_childs_weight_line_in_pounds_from_the_care_team(today, fires):
    thresholds = care_team_thresholds(weight_unit="lb", weight_gain_1d=Limit(D("1.1"), "lb"))
    days = [weighed(0, "66.0", "lb"), weighed(1, today, "lb")]
    assert bool(fired(days, thresholds, "weight_gain_1d", child=True)) is fires


# Fever -------------------------------------------------------------------------------------------


def warm(value: str, unit: str) -> list[DayReadings]:
    return [DayReadings(date=on(0), temperature=D(value), temperature_unit=unit)]


@pytest.mark.parametrize(
    ("line_unit", "value", "unit", "fires"),
    [
        ("C", "37.9", "C", False),
        ("C", "37.99", "C", False),
        ("C", "38.0", "C", True),
        ("C", "38.1", "C", True),
        ("F", "100.3", "F", False),
        ("F", "100.39", "F", False),
        ("F", "100.4", "F", True),
        ("F", "100.5", "F", True),
        # Typed in the other unit: converted exactly.
        ("C", "100.3", "F", False),
        ("C", "100.4", "F", True),  # (100.4 - 32) x 5/9 = 38 exactly
        ("F", "37.99", "C", False),
        ("F", "38.0", "C", True),  # 38 x 9/5 + 32 = 100.4 exactly
        ("F", "38.01", "C", True),
    ],
)
def test_the_fever_line_in_each_unit(line_unit, value, unit, fires):
    thresholds = default_thresholds("kg", line_unit)
    for child in (False, True):
        assert bool(fired(warm(value, unit), thresholds, "fever", child=child)) is fires


def test_a_fever_in_fahrenheit_is_shown_as_typed():
    (alert,) = fired(warm("100.4", "F"), default_thresholds("lb", "F"), "fever")
    assert alert.readings == ["Temperature 100.4 °F (38.0 °C) on 1 May 2026"]
    assert "100.4 °F (38.0 °C) or higher" in alert.rule_text


@pytest.mark.parametrize(
    ("value", "unit", "fires"),
    [("101.9", "F", False), ("102.0", "F", True), ("38.9", "C", True), ("38.8", "C", False)],
)
def test_the_care_teams_fever_number_in_fahrenheit(value, unit, fires):
    # 102.0 °F = 38.888... °C: a reading of 38.9 °C is over it, 38.8 °C is not.
    thresholds = care_team_thresholds(temperature_unit="C", fever=Limit(D("102.0"), "F"))
    alerts = fired(warm(value, unit), thresholds, "fever")
    assert bool(alerts) is fires
    if fires:
        assert "102.0 °F (38.9 °C) or higher" in alerts[0].rule_text
        assert "number your care team set" in alerts[0].rule_text


# Properties --------------------------------------------------------------------------------------

pounds = st.decimals(min_value=D("4.41"), max_value=D("881.84"), places=2)
kilograms = st.decimals(min_value=D("2"), max_value=D("400"), places=3)


def near(line: str):
    """A change within a few hundredths of `line`, or any change."""
    at = D(line)
    return st.decimals(min_value=at - D("0.05"), max_value=at + D("0.05"), places=2) | st.decimals(
        min_value=D("-5"), max_value=D("11"), places=2
    )


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=D("4.41"), max_value=D("870"), places=2), near("2.2"))
def test_in_pounds_the_1_day_alert_fires_exactly_at_2_2_lb(yesterday, change):
    today = max(yesterday + change, D("4.41"))
    days = [
        DayReadings(date=on(0), weight=yesterday, weight_unit="lb"),
        DayReadings(date=on(1), weight=today, weight_unit="lb"),
    ]
    alerts = fired(days, default_thresholds("lb"), "weight_gain_1d")
    assert bool(alerts) is (today - yesterday >= D("2.2"))


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=D("2"), max_value=D("395"), places=3), near("1.0"))
def test_in_kilograms_the_1_day_alert_fires_exactly_at_1_kg(yesterday, change):
    today = max(yesterday + change, D("2"))
    days = [
        DayReadings(date=on(0), weight=yesterday, weight_unit="kg"),
        DayReadings(date=on(1), weight=today, weight_unit="kg"),
    ]
    alerts = fired(days, default_thresholds("kg"), "weight_gain_1d")
    assert bool(alerts) is (today - yesterday >= D("1.0"))


def exact_lb(value: Decimal, unit: str) -> Fraction:
    return Fraction(value) if unit == "lb" else Fraction(value) / Fraction(KG_PER_LB)


@settings(max_examples=300, deadline=None)
@given(
    st.tuples(kilograms, st.just("kg")) | st.tuples(pounds, st.just("lb")),
    st.tuples(kilograms, st.just("kg")) | st.tuples(pounds, st.just("lb")),
    st.sampled_from(["kg", "lb"]),
)
def test_mixed_units_fire_exactly_when_the_exact_gain_reaches_the_line(yesterday, today, line):
    days = [
        DayReadings(date=on(0), weight=yesterday[0], weight_unit=yesterday[1]),
        DayReadings(date=on(1), weight=today[0], weight_unit=today[1]),
    ]
    gain_lb = exact_lb(*today) - exact_lb(*yesterday)
    limit_lb = Fraction("2.2") if line == "lb" else 1 / Fraction(KG_PER_LB)
    alerts = fired(days, default_thresholds(line), "weight_gain_1d")
    assert bool(alerts) is (gain_lb >= limit_lb)


@settings(max_examples=300, deadline=None)
@given(
    st.tuples(st.decimals(min_value=D("30"), max_value=D("45"), places=2), st.just("C"))
    | st.tuples(st.decimals(min_value=D("86"), max_value=D("113"), places=2), st.just("F")),
    st.sampled_from(["C", "F"]),
)
def test_fever_fires_exactly_when_the_typed_value_reaches_the_line(reading, line):
    value, unit = reading
    celsius = Fraction(value) if unit == "C" else (Fraction(value) - 32) * Fraction(5, 9)
    limit_c = Fraction(38) if line == "C" else (Fraction("100.4") - 32) * Fraction(5, 9)
    alerts = fired(warm(str(value), unit), default_thresholds("kg", line), "fever")
    assert bool(alerts) is (celsius >= limit_c)
