"""tracker.charts: server-made SVG charts for the trends page and the visit summary. No database."""

import itertools
import pickle
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import charts
from tracker.alerts import SWELLING_SITES
from tracker.charts import (
    BAR_WIDTH,
    CHART_WIDTH,
    FONT_FAMILY,
    FONT_SIZE,
    MIN_PRINT_WIDTH_MM,
    DateAxis,
    blood_pressure_chart,
    dipstick_grade_counts,
    dipstick_stacked_bar,
    dipstick_tiles,
    dose_steps,
    lab_points,
    rolling_averages,
    swelling_foam_strip,
    text_width,
    tick_extent,
    weight_chart,
)

D = Decimal
SVG = "{http://www.w3.org/2000/svg}"
END = date(2025, 6, 30)
MM_PER_PT = 25.4 / 72


def period(days: int, end: date = END) -> DateAxis:
    return DateAxis(end - timedelta(days=days - 1), end)


def on(axis: DateAxis, offset: int) -> date:
    return axis.start + timedelta(days=offset)


def parse(chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))  # noqa: S314 (the SVG is ours, made by the test)


def subpaths(path: ET.Element) -> list[str]:
    """The pieces of a <path> that draws many shapes (cells, dots, triangles): one per M."""
    return re.findall(r"M[^M]+", path.get("d"))


def cells(root: ET.Element, fill_prefix: str = "url(") -> list[tuple[float, float, float, float]]:
    """(x, y, width, height) of each cell drawn by the <path>s filled with `fill_prefix`..."""
    found = []
    for path in root.iter(f"{SVG}path"):
        if (path.get("fill") or "").startswith(fill_prefix):
            for piece in subpaths(path):
                x, y, width, height = (
                    float(n) for n in re.match(r"M(\S+) (\S+)h(\S+)v(\S+)h", piece).groups()
                )
                found.append((x, y, width, height))
    return found


def dots(root: ET.Element, css_class: str = "weights") -> list[tuple[float, float]]:
    """Centres of the dots drawn by the path of this class (each "M x y h0", round caps)."""
    path = next((p for p in root.iter(f"{SVG}path") if p.get("class") == css_class), None)
    if path is None:
        return []
    assert path.get("stroke-linecap") == "round"
    return [(float(x), float(y)) for x, y in re.findall(r"M(\S+) (\S+)h0", path.get("d"))]


def all_charts(axis: DateAxis) -> list:
    """Every builder with a little of everything, as the summary page puts them together."""
    days = axis.days()
    weights = [(day, D("70.0") + D(i % 5) / 10) for i, day in enumerate(days)]
    swelling = [(day, {"face": i % 4, "legs": 1}, i % 3) for i, day in enumerate(days)]
    dipsticks = [(day, i % 6) for i, day in enumerate(days)]
    pressures = [(day, 120 + i % 20, 75 + i % 10) for i, day in enumerate(days)]
    return [
        weight_chart(axis, weights, "kg", True, D("2.0")),
        swelling_foam_strip(axis, swelling),
        dipstick_tiles(axis, dipsticks),
        dipstick_stacked_bar(dipstick_grade_counts(dipsticks), axis.day_count),
        blood_pressure_chart(axis, pressures, (130, 80)),
        dose_steps(axis, [(axis.start, D(60)), (days[len(days) // 2], D(0))]),
        lab_points(axis, [(axis.start, D("3.1")), (axis.end, D("0.2"))], "g/g", "UPCR", D("0.3")),
    ]


def empty_charts(axis: DateAxis) -> list:
    return [
        weight_chart(axis, []),
        swelling_foam_strip(axis, []),
        dipstick_tiles(axis, []),
        dipstick_stacked_bar({}, axis.day_count),
        blood_pressure_chart(axis, []),
        dose_steps(axis, []),
        lab_points(axis, [], "g/g", "UPCR", D("0.3")),
    ]


def texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def polylines(root: ET.Element, colour: str) -> list[list[tuple[float, float]]]:
    return [
        [tuple(map(float, pair.split(","))) for pair in line.get("points").split()]
        for line in root.iter(f"{SVG}polyline")
        if line.get("stroke") == colour
    ]


# Every SVG: valid, accessible, CSP-safe, printable --------------------------------------------


@pytest.mark.parametrize("days", [1, 14, 28, 90, 365])
@pytest.mark.parametrize("build", [all_charts, empty_charts])
def test_every_svg_is_valid_accessible_and_has_no_inline_style(days, build):
    for chart in build(period(days)):
        root = parse(chart)
        assert root.tag == f"{SVG}svg"
        assert root.get("role") == "img"
        assert root.get("preserveAspectRatio")
        assert root.get("font-family") == FONT_FAMILY
        title_id, desc_id = root.get("aria-labelledby").split()
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert (title.get("id"), desc.get("id")) == (title_id, desc_id)
        assert title.text == chart.title
        assert desc.text == chart.summary
        for element in root.iter():
            assert "style" not in element.attrib
            assert not element.tag.endswith("}style")
            assert not element.tag.endswith("}script")
        assert "style" not in str(chart.svg)


def test_no_text_is_smaller_than_8_pt_at_print_width():
    # 12 units of a 720-unit chart printed 170 mm wide: 12 x 170 / 720 mm = 8.0 pt.
    assert FONT_SIZE * MIN_PRINT_WIDTH_MM / CHART_WIDTH / MM_PER_PT >= 8
    assert FONT_SIZE * (MIN_PRINT_WIDTH_MM / 2) / BAR_WIDTH / MM_PER_PT >= 8
    for chart in all_charts(period(28)) + empty_charts(period(28)):
        root = parse(chart)
        width = float(root.get("viewBox").split()[2])
        assert width in (CHART_WIDTH, BAR_WIDTH)
        sizes = [float(e.get("font-size")) for e in root.iter() if e.get("font-size")]
        assert sizes
        assert min(sizes) >= FONT_SIZE


def test_value_axes_name_their_unit():
    axis = period(28)
    weight, _swelling, _tiles, _bar, pressure, dose, lab = all_charts(axis)
    assert "Weight (kg)" in texts(parse(weight))
    assert "mmHg" in texts(parse(pressure))
    assert "mg/day" in texts(parse(dose))
    assert "g/g" in texts(parse(lab))
    pounds = weight_chart(axis, [(axis.start, D(70)), (axis.end, D(71))], "lb")
    assert "Weight (lb)" in texts(parse(pounds))


def test_ids_are_unique_on_a_page_with_every_chart():
    axis = period(90)
    page = all_charts(axis)
    page.append(
        swelling_foam_strip(axis, [(axis.start, {"face": 3}, 2)], id_prefix="summary-swelling")
    )
    page.append(
        lab_points(axis, [(axis.start, D(35))], "g/L", "Albumin")  # default id from the label
    )
    ids = [element.get("id") for chart in page for element in parse(chart).iter()]
    ids = [value for value in ids if value]
    assert len(ids) == len(set(ids))
    patterns = [
        element.get("id") for chart in page for element in parse(chart).iter(f"{SVG}pattern")
    ]
    assert patterns
    # Every url(#...) reference points at an id of its own chart.
    for chart in page:
        root = parse(chart)
        own = {element.get("id") for element in root.iter() if element.get("id")}
        for reference in re.findall(r"url\(#([^)]+)\)", str(chart.svg)):
            assert reference in own


def test_a_hostile_label_is_escaped():
    axis = period(28)
    hostile = '<script>alert("x")</script> "quoted" & more'
    dose = dose_steps(axis, [(axis.start, D(10))], label=hostile)
    lab = lab_points(
        axis, [(axis.start, D(1))], hostile, hostile, D("0.3"), reference_label=hostile
    )
    for chart in (dose, lab):
        svg = str(chart.svg)
        assert "<script" not in svg
        assert "&lt;script&gt;" in svg
        root = parse(chart)
        assert not list(root.iter(f"{SVG}script"))
        assert root.find(f"{SVG}title").text == chart.title
        assert any(hostile in text for text in texts(root))
    attack = weight_chart(
        axis, [(axis.start, D(70)), (axis.end, D(71))], id_prefix='x" onload="alert(1)'
    )
    root = parse(attack)
    assert all("onload" not in element.attrib for element in root.iter())
    assert re.fullmatch(r"[a-z][a-z0-9_-]*-title", root.find(f"{SVG}title").get("id"))


# The date axis -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "unit"), [(14, "day"), (28, "day"), (31, "day"), (90, "week"), (365, "month")]
)
def test_ticks_adapt_to_the_period_and_never_overlap(days, unit):
    axis = period(days)
    assert axis.tick_unit == unit
    ticks = axis.ticks
    assert len(ticks) >= 3
    for tick in ticks:
        low, high = tick_extent(tick)
        assert low >= 0
        assert high <= axis.width
        assert axis.contains(tick.day)
    for before, after in itertools.pairwise(ticks):
        assert tick_extent(before)[1] < tick_extent(after)[0]
    # The same labels, read back from the SVG, do not overlap either.
    root = parse(all_charts(axis)[0])
    x_axis = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "x-axis")
    rows: dict[str, list[tuple[float, float]]] = {}
    for text in x_axis.iter(f"{SVG}text"):
        half = text_width(text.text) / 2
        rows.setdefault(text.get("y"), []).append(
            (float(text.get("x")) - half, float(text.get("x")) + half)
        )
    for extents in rows.values():
        extents.sort()
        for (_, right), (left, _) in itertools.pairwise(extents):
            assert right < left


def test_a_year_shows_months_with_the_year_at_the_start_and_in_january():
    axis = DateAxis(date(2024, 7, 1), date(2025, 6, 30))
    labelled = {tick.day: tick.sublabel for tick in axis.ticks if tick.sublabel}
    assert labelled == {date(2024, 7, 1): "2024", date(2025, 1, 1): "2025"}


def test_every_chart_of_a_period_puts_a_day_at_the_same_x():
    axis = period(28)
    day = on(axis, 10)
    weight = weight_chart(axis, [(on(axis, 9), D(70)), (day, D(71))], seven_day_average=False)
    assert any(x == pytest.approx(axis.x(day), abs=0.1) for x, _y in dots(parse(weight)))
    [(x, _y, width, _height)] = cells(parse(dipstick_tiles(axis, [(day, 3)])))
    assert x + width / 2 == pytest.approx(axis.x(day), abs=0.1)  # coordinates have one decimal


def test_an_axis_must_not_end_before_it_starts():
    with pytest.raises(ValueError, match="before it starts"):
        DateAxis(date(2025, 2, 1), date(2025, 1, 1))


# Weight --------------------------------------------------------------------------------------


def test_seven_day_average_on_hand_made_data():
    start = date(2025, 3, 1)
    readings = {
        start: D("70.0"),
        start + timedelta(days=1): D("71.0"),
        start + timedelta(days=3): D("72.0"),
        start + timedelta(days=9): D("80.0"),
    }
    averages = rolling_averages(readings, start, start + timedelta(days=12))
    assert start not in averages  # 1 reading
    assert start + timedelta(days=2) not in averages  # 2 readings
    assert averages[start + timedelta(days=3)] == D("71")  # (70 + 71 + 72) / 3
    assert averages[start + timedelta(days=6)] == D("71")  # window 1st-7th: the same three
    assert start + timedelta(days=7) not in averages  # 70.0 left the window: 2 readings
    assert start + timedelta(days=9) not in averages  # 72 and 80 only


def test_weight_table_rows_match_the_readings_and_averages():
    axis = DateAxis(date(2025, 3, 1), date(2025, 3, 10))
    points = [(on(axis, i), D("70.0") + i) for i in range(5)]
    chart = weight_chart(axis, points)
    assert chart.enough_data
    assert chart.table_header == ["Date", "Weight (kg)", "7-day average (kg)"]
    assert chart.table_rows == [
        ["2025-03-01", "70.0", "–"],
        ["2025-03-02", "71.0", "–"],
        ["2025-03-03", "72.0", "71.0"],
        ["2025-03-04", "73.0", "71.5"],
        ["2025-03-05", "74.0", "72.0"],
    ]
    assert chart.summary.startswith("Weight went from 70.0 kg to 74.0 kg (5 readings in 10 days)")


def test_weight_uses_readings_before_the_period_for_the_average_but_does_not_draw_them():
    axis = DateAxis(date(2025, 3, 8), date(2025, 3, 14))
    points = [(date(2025, 3, day), D(70)) for day in range(1, 15)]
    chart = weight_chart(axis, points)
    assert chart.table_rows[0][0] == "2025-03-08"
    assert chart.table_rows[0][2] == "70.0"  # 7 readings in the window, 6 of them before the period
    assert len(dots(parse(chart))) == 7  # one path of dots (the legend's is a <circle>)


def test_lines_bridge_two_missing_days_but_not_three():
    axis = DateAxis(date(2025, 3, 1), date(2025, 3, 31))
    offsets = [0, 1, 4, 5, 9, 10]  # 2 missing days (bridged), then 3 (broken)
    chart = weight_chart(axis, [(on(axis, i), D(70)) for i in offsets], seven_day_average=False)
    lines = polylines(parse(chart), charts.SKY_BLUE)
    assert [len(line) for line in lines] == [4, 2]


def test_weight_in_pounds():
    axis = period(14)
    chart = weight_chart(axis, [(axis.start, D("70")), (axis.end, D("71.5"))], "lb", False)
    assert chart.table_header == ["Date", "Weight (lb)"]
    assert chart.table_rows == [[axis.start.isoformat(), "154.3"], [axis.end.isoformat(), "157.6"]]
    assert "154.3 lb to 157.6 lb" in chart.summary
    with pytest.raises(ValueError, match="kg or lb"):
        weight_chart(axis, [], "stone")


def test_alert_line_marks_the_days_the_7_day_rule_fires():
    axis = DateAxis(date(2025, 3, 1), date(2025, 3, 10))
    kilograms = ["70.0", "70.2", "70.5", "71.0", "71.4", "71.8", "72.0", "72.3", "71.9", "70.5"]
    points = [(on(axis, i), D(kg)) for i, kg in enumerate(kilograms)]
    chart = weight_chart(axis, points, "kg", False, D("2.0"))
    flagged = [row[0] for row in chart.table_rows if row[-1] == "yes"]
    # 72.0 - 70.0 = 2.0 on the 7th, 72.3 - 70.0 on the 8th; on the 9th the lowest is 70.2 (1.7).
    assert flagged == ["2025-03-07", "2025-03-08"]
    assert chart.table_rows[6][2] == "72.0"  # the line: lowest of the 7 days before + 2.0
    assert "2 days at or above the alert line" in chart.summary
    assert len([p for p in parse(chart).iter(f"{SVG}path") if p.get("fill") == charts.VERMILLION])


# Swelling, foam, dipstick --------------------------------------------------------------------


def test_swelling_strip_rows_legend_and_table():
    axis = period(14)
    days = [
        (on(axis, 0), {"face": 1, "legs": 3, "elbow": 2}, 0),
        (on(axis, 2), {"belly": 2}, None),
        (on(axis, 2), {"hands": 2}, 3),  # the same date again: the last one wins
    ]
    chart = swelling_foam_strip(axis, days)
    words = texts(parse(chart))
    for label in ("Eyes/face", "Hands", "Belly", "Legs/feet", "Foam"):
        assert label in words
    for legend in ("0 none", "1 mild", "2 moderate", "3 severe"):
        assert legend in words
    assert chart.table_header == ["Date", "Eyes/face", "Hands", "Belly", "Legs/feet", "Foam"]
    missing = "not recorded"
    assert chart.table_rows == [
        [on(axis, 0).isoformat(), "1 (mild)", missing, missing, "3 (severe)", "0 (none)"],
        [on(axis, 2).isoformat(), missing, "2 (moderate)", missing, missing, "3 (thick foam)"],
    ]
    assert len(SWELLING_SITES) == 4
    patterns = {p.get("id") for p in parse(chart).iter(f"{SVG}pattern")}
    assert patterns == {"swelling-s1", "swelling-s2", "swelling-s3"}


def test_dipstick_tiles_label_each_day_and_outline_missing_days():
    axis = period(14)
    chart = dipstick_tiles(axis, [(on(axis, 0), 0), (on(axis, 1), 5), (on(axis, 2), None)])
    root = parse(chart)
    under_tiles = texts(root)
    assert "−" in under_tiles  # negative
    assert "4+" in under_tiles
    [missing] = [p for p in root.iter(f"{SVG}path") if p.get("stroke-dasharray") == "2 2"]
    assert len(subpaths(missing)) == 12  # an outline for each day without a reading
    tiles = len(cells(root)) + len(cells(root, "#")) - len(cells(root, "#FFFFFF"))
    assert tiles == 2  # the two days with a reading
    assert chart.table_rows == [
        [on(axis, 0).isoformat(), "negative", "< 10"],
        [on(axis, 1).isoformat(), "4+", "≥ 1000"],
    ]
    assert "Dipstick recorded on 2 of 14 days" in chart.summary


def test_dipstick_counts_and_stacked_bar():
    axis = period(10)
    days = [
        (on(axis, 0), 0),
        (on(axis, 1), 0),
        (on(axis, 1), 4),  # same date: the last one wins
        (on(axis, 2), 5),
        (on(axis, 3), None),
        (on(axis, 4), 9),  # not a grade
        (axis.start - timedelta(days=1), 1),  # before the period
    ]
    assert dipstick_grade_counts(days, axis) == {0: 1, 1: 0, 2: 0, 3: 0, 4: 1, 5: 1}
    assert dipstick_grade_counts(days)[1] == 1
    counts = dipstick_grade_counts(days, axis)
    bar = dipstick_stacked_bar(counts, axis.day_count)
    assert bar.enough_data
    assert bar.table_rows[0] == ["negative", "1", "10%"]
    assert bar.table_rows[-1] == ["not recorded", "7", "70%"]
    assert [row[1] for row in bar.table_rows] == ["1", "0", "0", "0", "1", "1", "7"]
    root = parse(bar)
    assert root.get("viewBox").split()[2] == str(BAR_WIDTH)
    segments = [r for r in root.iter(f"{SVG}rect") if r.get("height") in ("24", "23")]
    widths = [float(r.get("width")) for r in segments]
    assert sum(widths) == pytest.approx(BAR_WIDTH - 8, abs=1.5)
    assert "not recorded 7" in bar.summary


# Blood pressure, dose, labs ------------------------------------------------------------------


def test_blood_pressure_uses_two_marker_shapes_and_target_lines():
    axis = period(14)
    readings = [(on(axis, 0), 128, 82), (on(axis, 0), 141, 91), (on(axis, 3), 118, 76)]
    chart = blood_pressure_chart(axis, readings, (130, 80))
    root = parse(chart)
    shapes = {p.get("class"): p for p in root.iter(f"{SVG}path") if p.get("class")}
    # three shapes for any number of readings: the joining lines and a triangle each end
    assert len(subpaths(shapes["bp-lines"])) == 3
    assert len(subpaths(shapes["systolic"])) == len(subpaths(shapes["diastolic"])) == 3
    tip = re.findall(r"L(\S+) (\S+)Z", shapes["systolic"].get("d"))[0]
    assert float(tip[0]) == pytest.approx(axis.x(on(axis, 0)), abs=8)  # two readings spread
    dashed = [p for p in root.iter(f"{SVG}path") if p.get("stroke-dasharray") in ("6 3", "2 2")]
    assert len(dashed) >= 2
    assert chart.table_rows == [
        [on(axis, 0).isoformat(), "128", "82", "yes"],
        [on(axis, 0).isoformat(), "141", "91", "yes"],
        [on(axis, 3).isoformat(), "118", "76", "no"],
    ]
    assert "Average blood pressure 129/83 mmHg over 3 readings on 2 days" in chart.summary
    assert "2 of 3 readings (67%) above the 130/80 target" in chart.summary


def test_blood_pressure_over_90_days_is_drawn_as_weekly_averages():
    axis = DateAxis(date(2025, 1, 6), date(2025, 5, 4))  # 119 days from a Monday
    readings = [(date(2025, 1, 6), 120, 80), (date(2025, 1, 8), 140, 90)]  # one week
    readings += [(date(2025, 2, 10) + timedelta(days=n), 130, 85) for n in range(14)]  # two
    chart = blood_pressure_chart(axis, readings)
    root = parse(chart)
    shapes = {p.get("class"): p for p in root.iter(f"{SVG}path") if p.get("class")}
    assert len(subpaths(shapes["systolic"])) == 3  # one triangle a week with readings
    assert "Systolic, weekly average" in texts(root)
    # Issue #15: the table has a row a week too, each week's readings counted and averaged.
    assert chart.table_rows == [
        ["2025-01-06 to 2025-01-12", "2", "130", "85", "140", "90"],
        ["2025-02-10 to 2025-02-16", "7", "130", "85", "130", "85"],
        ["2025-02-17 to 2025-02-23", "7", "130", "85", "130", "85"],
    ]
    assert chart.table_caption.endswith("; one row per week (every day is in the CSV download)")
    assert "over 16 readings" in chart.summary
    first_tip = re.findall(r"L(\S+) (\S+)Z", shapes["systolic"].get("d"))[0]
    assert float(first_tip[0]) == pytest.approx(axis.x(date(2025, 1, 9)), abs=0.1)  # mid-week
    short = parse(
        blood_pressure_chart(period(90), [(on(period(90), n), 120, 80) for n in range(9)])
    )
    assert "Systolic" in texts(short)
    assert "Systolic, weekly average" not in texts(short)


def test_dose_steps_hold_until_the_next_step_and_go_to_zero_after_a_stop():
    axis = DateAxis(date(2025, 3, 1), date(2025, 3, 31))
    steps = [
        (date(2025, 2, 20), D(40)),  # before the period: in effect on the 1st
        (date(2025, 3, 10), D(20)),
        (date(2025, 3, 20), D(0)),
    ]
    chart = dose_steps(axis, steps)
    assert chart.table_rows == [
        ["2025-02-20", "40", "in effect when the period starts"],
        ["2025-03-10", "20", "down 20"],
        ["2025-03-20", "0", "stop"],
    ]
    assert "stopped on 2025-03-20" in chart.summary
    root = parse(chart)
    *_legend, line = (p for p in root.iter(f"{SVG}path") if p.get("stroke") == charts.BLUISH_GREEN)
    moves = re.findall(r"([MLH])([\d.]+)(?: ([\d.]+))?", line.get("d"))
    ys = [float(y) for command, _x, y in moves if command in "ML"]
    assert ys[0] < ys[1] < ys[2]  # 40, then 20, then 0 (SVG y grows downwards)
    assert float(moves[-2][1]) == pytest.approx(axis.edge(date(2025, 3, 20)), abs=0.05)
    assert float(moves[-1][1]) == pytest.approx(axis.plot_right, abs=0.05)  # zero to the end
    zero_y = ys[2]
    assert "0" in texts(root)
    axis_labels = [t for t in root.iter(f"{SVG}text") if t.text == "0"]
    assert any(
        float(t.get("y")) == pytest.approx(zero_y + FONT_SIZE * 0.35, abs=0.1) for t in axis_labels
    )


def test_dose_changes_are_described():
    axis = DateAxis(date(2025, 3, 1), date(2025, 3, 31))
    steps = [(date(2025, 3, 2), D("7.5")), (date(2025, 3, 5), D("10.0")), (date(2025, 3, 5), D(15))]
    chart = dose_steps(axis, steps, label="Prednisolone")
    assert chart.table_rows == [["2025-03-02", "7.5", "start"], ["2025-03-05", "15", "up 7.5"]]
    assert chart.summary.startswith("Prednisolone started at 7.5 mg/day on 2025-03-02")


def test_lab_points_one_result_is_enough_and_the_reference_line_is_drawn():
    axis = period(90)
    chart = lab_points(axis, [(on(axis, 5), D("0.25"))], "g/g", "UPCR", D("0.3"))
    assert chart.enough_data
    assert chart.table_rows == [[on(axis, 5).isoformat(), "0.25"]]
    assert "below the reference line (0.3 g/g)" in chart.summary
    root = parse(chart)
    assert [p for p in root.iter(f"{SVG}path") if p.get("stroke") == charts.BLUISH_GREEN]
    outside = lab_points(axis, [(axis.start - timedelta(days=1), D(2))], "g/g", "UPCR")
    assert not outside.enough_data
    assert outside.table_rows == []


# Too little data ----------------------------------------------------------------------------


def test_too_little_data_gives_a_placeholder_instead_of_a_chart():
    axis = period(28)
    for chart in empty_charts(axis):
        assert not chart.enough_data
        root = parse(chart)
        assert "Too little data to draw a fair chart" in " ".join(texts(root))
        assert chart.summary.startswith("Too little data to draw a fair chart")
        assert not list(root.iter(f"{SVG}polyline"))
    one_weight = weight_chart(axis, [(axis.start, D(70))])
    assert not one_weight.enough_data
    assert one_weight.table_rows == [[axis.start.isoformat(), "70.0", "–"]]
    assert "1 weight reading in this period" in one_weight.summary


# Any input builds ----------------------------------------------------------------------------

days_around = st.dates(min_value=date(2024, 12, 1), max_value=date(2026, 2, 1))
numbers = st.none() | st.decimals(min_value=-10, max_value=1000, places=2) | st.just(D("NaN"))
grades = st.none() | st.integers(min_value=-2, max_value=7)


@settings(max_examples=60, deadline=None)
@given(
    start=st.dates(min_value=date(2025, 1, 1), max_value=date(2025, 12, 31)),
    length=st.integers(min_value=1, max_value=400),
    weights=st.lists(st.tuples(days_around, numbers), max_size=40),
    swelling=st.lists(
        st.tuples(
            days_around,
            st.none() | st.dictionaries(st.sampled_from([*SWELLING_SITES, "elbow"]), grades),
            grades,
        ),
        max_size=30,
    ),
    dipsticks=st.lists(st.tuples(days_around, grades), max_size=30),
    pressures=st.lists(
        st.tuples(days_around, st.integers(-5, 500) | st.none(), st.integers(-5, 500) | st.none()),
        max_size=30,
    ),
    doses=st.lists(st.tuples(days_around, numbers), max_size=10),
    unit=st.sampled_from(["kg", "lb"]),
    gain=numbers,
)
def test_any_readings_build_parseable_svg(
    start, length, weights, swelling, dipsticks, pressures, doses, unit, gain
):
    axis = DateAxis(start, start + timedelta(days=length - 1))
    built = [
        weight_chart(axis, weights, unit, True, gain),
        swelling_foam_strip(axis, swelling),
        dipstick_tiles(axis, dipsticks),
        dipstick_stacked_bar(dipstick_grade_counts(dipsticks, axis), axis.day_count),
        blood_pressure_chart(axis, pressures, (130, 80)),
        dose_steps(axis, doses),
        lab_points(axis, doses, "g/g", "UPCR", D("0.3")),
    ]
    for chart in built:
        root = parse(chart)
        assert root.get("role") == "img"
        assert all(len(row) == len(chart.table_header) for row in chart.table_rows)


def test_value_labels_stay_clear_of_the_legend():
    """A value at the top of the scale is written beside its point, not up into the legend."""
    axis = period(90)
    chart = lab_points(axis, [(on(axis, 5), D(2000)), (on(axis, 60), D(180))], "mg/g", "UPCR")
    root = parse(chart)
    labels = {t.text: t for t in root.iter(f"{SVG}text") if t.text in ("2000", "180")}
    legend_bottom = max(
        float(t.get("y")) for t in root.iter(f"{SVG}text") if t.text == "UPCR (mg/g)"
    )
    assert float(labels["2000"].get("y")) > legend_bottom + 10  # beside the point, lower down
    assert float(labels["2000"].get("x")) > axis.x(on(axis, 5))
    assert labels["180"].get("text-anchor") == "middle"  # an ordinary point: above, centred
    dose = parse(dose_steps(axis, [(on(axis, 0), D(40)), (on(axis, 30), D(20))]))
    top_label = next(t for t in dose.iter(f"{SVG}text") if t.text == "40")
    legend_y = next(float(t.get("y")) for t in dose.iter(f"{SVG}text") if "Prednisone" in t.text)
    assert float(top_label.get("y")) > legend_y + 10


@pytest.mark.parametrize("height", [24, 32, 36, 40, 72, 132])
@pytest.mark.parametrize(("low", "high"), [(50, 200), (60, 180), (0, 60), (140, 170), (0, 10000)])
def test_y_axis_labels_never_crowd(height, low, high):
    scale = charts._nice_scale(low, high, 30, 30 + height, min_span=1)
    ticks = scale.ticks()
    assert len(ticks) >= 2
    gaps = [scale.y(a) - scale.y(b) for a, b in itertools.pairwise(ticks)]
    assert min(gaps) >= charts.MIN_TICK_GAP or len(ticks) == 2
    assert scale.low <= low
    assert scale.high >= high


# Fitted axes, target bands and the UPCR log axis (issue #13) ----------------------------------


def y_tick_labels(root: ET.Element) -> list[float]:
    """The numbers written at the y-axis (right-aligned in the left margin), top to bottom."""
    found = []
    for text in root.iter(f"{SVG}text"):
        if text.get("text-anchor") == "end" and re.fullmatch(r"[\d.]+", text.text or ""):
            found.append(float(text.text))
    return found


def test_a_stable_kg_weight_gets_an_axis_fitted_to_it():
    axis = period(28)
    weights = [(on(axis, k), D("70.0") + D(k % 11) / 10) for k in range(28)]  # 70.0 to 71.0
    root = parse(weight_chart(axis, weights, "kg"))
    labels = y_tick_labels(root)
    assert min(labels) >= 68
    assert max(labels) <= 73
    scale = charts.fitted_scale(70.0, 71.0, 0, 56, grain=1, min_span=3, pad=0.5)
    assert (scale.low, scale.high) == (68, 73)
    # A 1 kg step is a fifth of the plot, not a sliver.
    assert scale.y(70) - scale.y(71) == pytest.approx(56 / 5)


def test_pounds_span_at_least_6_lb_on_2_lb_grain():
    scale = charts.fitted_scale(150.2, 151.0, 0, 56, grain=2, min_span=6, pad=1)
    assert scale.low % 2 == 0
    assert scale.high % 2 == 0
    assert scale.low <= 150.2 - 1
    assert scale.high >= 151 + 1
    assert 6 <= scale.high - scale.low <= 10


def test_fitted_labels_keep_apart_and_stay_inside_the_axis():
    scale = charts.fitted_scale(145, 170, 0, 40, grain=2, min_span=6, pad=1)
    ticks = scale.ticks()
    assert all(scale.low <= tick <= scale.high for tick in ticks)
    gaps = [scale.y(a) - scale.y(b) for a, b in itertools.pairwise(ticks)]
    assert len(ticks) >= 2
    assert min(gaps) >= charts.MIN_TICK_GAP


@pytest.mark.parametrize(
    ("readings", "low_at_most", "high_at_least", "high_at_most"),
    [
        ([(110, 70), (150, 95)], 60, 160, 200),  # never 0 to 200
        ([(230, 125), (140, 90)], 60, 240, 250),  # a crisis reading reaches the top
    ],
)
def test_the_blood_pressure_axis_fits_the_readings(
    readings, low_at_most, high_at_least, high_at_most
):
    scale = charts.blood_pressure_scale([v for pair in readings for v in pair], None, 0, 60)
    assert 40 <= scale.low <= low_at_most
    assert high_at_least <= scale.high <= high_at_most
    axis = period(14)
    chart = blood_pressure_chart(axis, [(on(axis, k), s, d) for k, (s, d) in enumerate(readings)])
    labels = y_tick_labels(parse(chart))
    assert min(labels) > 0
    assert max(labels) <= high_at_most


def test_the_target_bands_are_drawn_only_with_a_target():
    axis = period(14)
    readings = [(on(axis, k), 120 + k, 78) for k in range(5)]
    plain = parse(blood_pressure_chart(axis, readings))
    assert not [r for r in plain.iter(f"{SVG}rect") if (r.get("class") or "").startswith("band")]
    chart = blood_pressure_chart(axis, readings, (130, 80))
    root = parse(chart)
    bands = {r.get("class"): r for r in root.iter(f"{SVG}rect") if r.get("class")}
    systolic, diastolic = bands["band-systolic"], bands["band-diastolic"]
    # Systolic band from 130 down to 80, diastolic from 80 down to the axis' foot: they meet.
    assert float(systolic.get("y")) + float(systolic.get("height")) == pytest.approx(
        float(diastolic.get("y")), abs=0.1
    )
    assert diastolic.get("fill").startswith("url(#")  # dotted: grayscale tells them apart
    text = "".join(root.itertext())
    assert "Target 130/80 or lower (shaded)" in text
    assert "shaded bands show the target" in chart.summary


def test_the_weight_alert_band_runs_from_the_7_day_low_to_the_line():
    axis = period(14)
    weights = [(on(axis, k) - timedelta(days=7), D("70")) for k in range(21)]
    chart = weight_chart(axis, weights, "kg", alert_limit=charts.Limit(D("2"), "kg"))
    root = parse(chart)
    band = next(p for p in root.iter(f"{SVG}path") if p.get("class") == "weight-band")
    pieces = subpaths(band)
    # A steady weight: the same low and line every day, so the 14 days are one shape wall to wall.
    assert len(pieces) == 1
    left, top, right, bottom = (
        float(n) for n in re.match(r"M(\S+) (\S+)H(\S+)V(\S+)H", pieces[0]).groups()
    )
    assert right - left == pytest.approx(14 * axis.day_width, abs=0.2)
    scale_per_kg = (bottom - top) / 2  # from 70 (the 7-day low) to 72 (the alert line)
    assert scale_per_kg > 0
    # A step in the weight splits the band where the 7-day low changes.
    stepped = [(day, D("70") if day < on(axis, 5) else D("69")) for day, _kg in weights]
    band = next(
        p
        for p in parse(
            weight_chart(axis, stepped, "kg", alert_limit=charts.Limit(D("2"), "kg"))
        ).iter(f"{SVG}path")
        if p.get("class") == "weight-band"
    )
    assert len(subpaths(band)) == 2
    assert "shaded band" in chart.summary
    no_limit = parse(weight_chart(axis, weights, "kg"))
    assert not [p for p in no_limit.iter(f"{SVG}path") if p.get("class") == "weight-band"]


def test_the_weight_alert_line_is_one_path_broken_only_over_missing_days():
    axis = period(14)
    weights = [(on(axis, k) - timedelta(days=7), D("70")) for k in range(21)]
    limit = charts.Limit(D("2"), "kg")

    def alert_line(points):
        root = parse(weight_chart(axis, points, "kg", alert_limit=limit))
        dashed = [p for p in root.iter(f"{SVG}path") if p.get("stroke-dasharray") == "5 3"]
        assert len(dashed) == 1  # one shape for the whole line, however many days
        return dashed[0].get("d")

    steady = alert_line(weights)
    assert re.fullmatch(r"M\S+ \S+H\S+", steady)  # equal days merge into one flat step
    # A day without a weight breaks the line there (no line is drawn across a missing day).
    gap = [(day, kg) for day, kg in weights if day != on(axis, 6)]
    assert steady.count("M") == 1
    assert alert_line(gap).count("M") == 2
    # A change in the 7-day low is a step: joined to the day before by a vertical line (L).
    climbing = [(day, D("70") + D("0.1") * k) for k, (day, _kg) in enumerate(weights)]
    assert alert_line(climbing).count("L") >= 13


def test_upcr_on_a_log_axis_puts_each_tenfold_at_the_same_step():
    scale = charts.log_scale(0.1, 10, 0, 60)
    assert scale.ticks() == pytest.approx([0.1, 0.3, 1, 3, 10])
    assert scale.y(0.1) == pytest.approx(60)
    assert scale.y(10) == pytest.approx(0)
    assert scale.y(0.1) - scale.y(1) == pytest.approx(scale.y(1) - scale.y(10))
    assert scale.label(0.30000000000000004) == "0.3"
    tight = charts.log_scale(100, 10000, 0, 28)  # no room for the 3s: decades only
    assert tight.ticks() == pytest.approx([100, 1000, 10000])


def test_the_upcr_chart_in_mg_per_g_spans_100_to_10000_with_both_lines():
    axis = period(90)
    points = [(on(axis, 10), D("5200")), (on(axis, 40), D("900")), (on(axis, 80), D("180"))]
    chart = lab_points(
        axis,
        points,
        "mg/g",
        "UPCR",
        D("300"),
        reference_label="Complete remission: below 300 mg/g",
        log_range=(D("100"), D("10000")),
        upper_line=(D("3500"), "Nephrotic range: above 3500 mg/g"),
        plot_height=60,
    )
    root = parse(chart)
    labels = y_tick_labels(root)
    assert labels == [100, 300, 1000, 3000, 10000] or labels == [10000, 3000, 1000, 300, 100]
    text = "".join(root.itertext())
    assert "Nephrotic range: above 3500 mg/g" in text
    assert "below 300 mg/g" in text
    ys = {
        float(t.text): float(t.get("y"))
        for t in root.iter(f"{SVG}text")
        if t.text in ("100", "10000")
    }
    assert ys[100] > ys[10000]  # 100 (0.1 g/g) at the bottom, 10000 (10 g/g) at the top
    upper = next(p for p in root.iter(f"{SVG}path") if p.get("class") == "upper-line")
    upper_y = float(re.match(r"M\S+ (\S+)H", upper.get("d")).group(1))
    assert ys[10000] < upper_y < ys[100]


def test_the_7_day_average_ignores_readings_before_its_first_window():
    readings = {date(2025, 1, 1) + timedelta(days=k): D("70") for k in range(60)}
    averages = rolling_averages(readings, date(2025, 2, 1), date(2025, 2, 20))
    assert set(averages.values()) == {D("70")}


def test_a_taper_in_one_line_beside_the_dose_chart():
    axis = period(60)
    chart = dose_steps(
        axis,
        [(on(axis, 1), D("60")), (on(axis, 20), D("40")), (on(axis, 40), D("0"))],
        "Prednisone",
        course="Prednisone 60 mg → stopped, 3 to 12 May 2025, 2 steps",
    )
    assert "Prednisone 60 mg → stopped, 3 to 12 May 2025, 2 steps" in "".join(
        parse(chart).itertext()
    )
    assert chart.summary.startswith("Prednisone 60 mg → stopped")


def test_table_rows_are_built_when_first_read_in_the_charts_language():
    axis = period(120)  # weekly rows
    weights = [(on(axis, k), D("70") + D(k % 3)) for k in range(120)]
    built = []
    chart = weight_chart(axis, weights, "kg")
    rows = chart.table_rows
    assert isinstance(rows, charts.LazyRows)
    original = rows._build
    rows._build = lambda: built.append(1) or original()
    assert built == []  # drawing the chart made no table
    first = list(rows)
    assert built == [1]
    assert rows == first  # read once, kept
    assert built == [1]
    stored = pickle.loads(pickle.dumps(rows))  # noqa: S301 (our own bytes, as the trends cache)
    assert type(stored) is list  # the trends cache stores a plain list
    assert stored == first
