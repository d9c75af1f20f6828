"""Data tables of long periods (issue #15): a row a week past 90 days, a row per few weeks past a
year, so a trends page stays small whatever its length; each row sums up its days honestly."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from tracker.charts import (
    TABLE_MAX_ROWS,
    DateAxis,
    dipstick_tiles,
    swelling_foam_strip,
    table_block_days,
    weight_chart,
)


@pytest.mark.parametrize(
    ("days", "block"),
    [(14, 1), (90, 1), (91, 7), (365, 7), (366, 7), (730, 14), (1827, 35)],
)
def test_rows_cover_a_day_up_to_90_days_then_whole_weeks(days, block):
    axis = DateAxis(date(2024, 1, 3), date(2024, 1, 3) + timedelta(days=days - 1))
    assert table_block_days(axis) == block
    monday = axis.start - timedelta(days=axis.start.weekday())
    assert block == 1 or (axis.end - monday).days // block + 1 <= TABLE_MAX_ROWS


def test_a_year_of_weights_is_a_row_a_week_with_count_average_lowest_and_highest():
    axis = DateAxis(date(2025, 1, 1), date(2025, 12, 31))  # a Wednesday to a Wednesday
    weights = [(axis.start + timedelta(days=n), D("70") + n % 7) for n in range(365)]
    chart = weight_chart(axis, weights)
    assert chart.table_header == [
        "Dates",
        "Readings",
        "Average (kg)",
        "Lowest (kg)",
        "Highest (kg)",
    ]
    assert len(chart.table_rows) == 53
    # The first week starts on the period's first day (a Wednesday) and ends on Sunday.
    assert chart.table_rows[0] == ["2025-01-01 to 2025-01-05", "5", "72.0", "70.0", "74.0"]
    assert chart.table_rows[1] == ["2025-01-06 to 2025-01-12", "7", "73.0", "70.0", "76.0"]
    assert chart.table_rows[-1][0] == "2025-12-29 to 2025-12-31"
    assert sum(int(row[1]) for row in chart.table_rows) == 365
    assert "one row per week (every day is in the CSV download)" in chart.table_caption


def test_a_week_cut_to_one_day_by_the_periods_edge_names_that_day():
    axis = DateAxis(date(2025, 11, 30), date(2026, 11, 29))  # from a Sunday
    chart = weight_chart(axis, [(date(2025, 11, 30), D("70")), (date(2025, 12, 1), D("71"))])
    assert [row[0] for row in chart.table_rows] == ["2025-11-30", "2025-12-01 to 2025-12-07"]


def test_weekly_weight_rows_count_the_days_at_or_above_the_alert_line():
    axis = DateAxis(date(2025, 1, 6), date(2025, 6, 1))
    weights = [(axis.start + timedelta(days=n), D("70")) for n in range(20)]
    weights.append((axis.start + timedelta(days=20), D("75")))  # +5 kg in a week
    chart = weight_chart(axis, weights, alert_gain_kg=D("2"))
    assert chart.table_header[-1] == "Days at or above the alert line"
    assert [row[-1] for row in chart.table_rows] == ["0", "0", "1"]


def test_weekly_swelling_rows_give_each_sites_highest_grade():
    axis = DateAxis(date(2025, 1, 6), date(2025, 6, 1))
    days = [
        (date(2025, 1, 6), {"face": 1, "legs": 0}, 0),
        (date(2025, 1, 8), {"face": 0, "legs": 2}, None),
        (date(2025, 3, 3), {}, 3),
    ]
    chart = swelling_foam_strip(axis, days)
    assert chart.table_header == [
        "Dates",
        "Days recorded",
        "Eyes/face, highest",
        "Hands, highest",
        "Belly, highest",
        "Legs/feet, highest",
        "Foam, highest",
    ]
    assert chart.table_rows == [
        [
            "2025-01-06 to 2025-01-12",
            "2",
            "1 (mild)",
            "not recorded",
            "not recorded",
            "2 (moderate)",
            "0 (none)",
        ],
        [
            "2025-03-03 to 2025-03-09",
            "1",
            "not recorded",
            "not recorded",
            "not recorded",
            "not recorded",
            "3 (thick foam)",
        ],
    ]


def test_weekly_dipstick_rows_give_the_highest_and_lowest_reading():
    axis = DateAxis(date(2025, 1, 6), date(2025, 6, 1))
    chart = dipstick_tiles(axis, [(date(2025, 1, 6), 0), (date(2025, 1, 7), 3)])
    assert chart.table_header == ["Dates", "Days tested", "Highest", "Lowest"]
    assert chart.table_rows == [["2025-01-06 to 2025-01-12", "2", "2+", "negative"]]


def test_up_to_90_days_the_tables_keep_a_row_a_day():
    axis = DateAxis(date(2025, 1, 1), date(2025, 3, 31))
    weights = [(axis.start + timedelta(days=n), D("70")) for n in range(90)]
    chart = weight_chart(axis, weights, seven_day_average=False)
    assert chart.table_header == ["Date", "Weight (kg)"]
    assert len(chart.table_rows) == 90
