"""tracker.alerts.group_by_rule: alerts of one rule become one group (the diary page and the
visit summary both use it). No database."""

from datetime import date, timedelta

from tracker import alerts
from tracker.alerts import DayReadings, evaluate, group_by_rule

START = date(2025, 3, 1)


def found(days):
    return evaluate(days, is_child=False, on_immunosuppression=False)


def dipstick_run(n_days, start=START):
    return [DayReadings(date=start + timedelta(days=n), dipstick=4) for n in range(n_days)]


def test_a_rule_that_fires_on_several_days_is_one_group_with_its_days_newest_first():
    (group,) = group_by_rule(found(dipstick_run(5)))
    assert group.rule == alerts.DIPSTICK_RELAPSE
    assert group.days == 3
    assert group.dates == [date(2025, 3, 5), date(2025, 3, 4), date(2025, 3, 3)]
    assert (group.first, group.last) == (date(2025, 3, 3), date(2025, 3, 5))
    assert group.latest.triggered_on == date(2025, 3, 5)
    assert group.title == group.latest.title


def test_groups_keep_the_severity_order_then_the_newest():
    days = [
        DayReadings(
            date=START + timedelta(days=n),
            dipstick=4,
            blood_pressures=((190, 100),) if n == 1 else (),
            less_urine=n == 3,
        )
        for n in range(5)
    ]
    groups = group_by_rule(found(days))
    # The emergency first although older; then the calls, the newest group first.
    assert [group.rule for group in groups] == [
        alerts.HIGH_BP,
        alerts.DIPSTICK_RELAPSE,
        alerts.LESS_URINE,
    ]
    assert [group.severity for group in groups] == [alerts.EMERGENCY, alerts.CALL, alerts.CALL]
    assert groups[0].severity_word == "Emergency"


def test_one_alert_is_a_group_of_one_and_no_alerts_no_groups():
    (group,) = group_by_rule(found([DayReadings(date=START, less_urine=True)]))
    assert (group.days, group.first, group.last) == (1, START, START)
    assert group_by_rule([]) == []


def test_the_order_of_the_input_does_not_matter():
    alerts_found = found(dipstick_run(6))
    assert group_by_rule(reversed(alerts_found)) == group_by_rule(alerts_found)
