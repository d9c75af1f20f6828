"""Server-made SVG charts for the trends page and the visit summary (the same SVG in both).

Pure: values in, SVG out; no ORM, no request. Every builder returns a `Chart`: the SVG, a title,
one plain-language sentence (the chart's text alternative, also shown on the page), and the data
table shown under the chart. With too little data for a fair chart, `enough_data` is False and the
SVG is a short note saying so, so the page never draws a misleading chart.

One `DateAxis` per period: every chart built with it puts a day at the same x, so the summary's
charts line up on one timeline. A day is a cell `day_width` wide; points sit in the middle of the
cell, tiles fill it, and a dose step starts at its left edge.

Sizes. Timeline charts are CHART_WIDTH = 720 units wide and meant for the full width of the page.
The summary prints them at about 180 mm (A4 less 2 x 16 mm margins = 178 mm; US Letter 184 mm), so
1 unit = 180 / 720 = 0.25 mm, and text of FONT_SIZE = 12 units is 12 x 0.25 mm = 3.0 mm = 8.5 pt
(1 pt = 0.3528 mm). Even at MIN_PRINT_WIDTH_MM = 170 mm it is 12 x 170 / 720 = 2.83 mm = 8.0 pt.
The dipstick stacked bar is BAR_WIDTH = 360 units, for a half-width column of at least 85 mm:
12 x 85 / 360 = 2.83 mm = 8.0 pt. No text in any chart is smaller than FONT_SIZE.

Rules every SVG keeps (tests check them): Okabe–Ito colours, and a second cue for grayscale (marker
shape, dash pattern or fill pattern); a unit on every value axis; `font-family` on the root element,
because WeasyPrint's SVG text does not inherit the page font; no `style` attribute or element (the
CSP forbids inline styles), only presentation attributes; ids prefixed per chart (`id_prefix`), so
two charts on one page never share a pattern id; every text escaped.
"""

import html
import itertools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import cached_property

from django.utils import dateformat, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tracker.alerts import (
    SWELLING_GRADE_LABELS,
    SWELLING_SITES,
    DayReadings,
    Limit,
    typed_text,
    weight_gains_over,
    weight_in,
)
from tracker.alerts import as_decimal as as_exact_decimal
from tracker.symptoms import SYMPTOMS
from tracker.symptoms import labels as symptom_labels
from tracker.units import (
    DIPSTICK_GRADES,
    as_decimal,
    dipstick_label,
    lb_from_kg,
    localized_decimal_mark,
    number_text,
    rounded,
)

CHART_WIDTH = 720
BAR_WIDTH = 360
MIN_PRINT_WIDTH_MM = 170
FONT_SIZE = 12
FONT_FAMILY = "Atkinson Hyperlegible, DejaVu Sans, sans-serif"
# Widest average glyph of the two fonts (DejaVu Sans digits are 0.636 em): a safe text width guess.
CHAR_WIDTH_EM = 0.65
LINE_HEIGHT = 16
LEGEND_TOP = 4  # a chart's legend starts this far down
MIN_TICK_GAP = 14  # units between y-axis labels (12-unit text)

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour deficiency.
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
GRID = "#DDDDDD"
# Target and alert bands: light tints, under everything else; their labelled edges are the
# dashed lines drawn on top, so a band reads in grayscale as "the shaded room under the line".
WEIGHT_BAND_FILL = "#FBE5D6"  # a tint of vermillion, the alert line's colour
SYSTOLIC_BAND_FILL = "#FCEBDD"
DIASTOLIC_BAND_FILL = "#DDEBF5"  # a tint of Okabe-Ito blue, dotted in the pattern
MUTED = "#555555"

# Up to 2 missing days between two readings are bridged by the line; a longer gap breaks it.
MAX_BRIDGED_GAP_DAYS = 2
WEEKLY_AFTER_DAYS = 90  # longer periods draw blood pressure as weekly averages
AVERAGE_WINDOW_DAYS = 7
AVERAGE_MIN_READINGS = 3
ALERT_WINDOW_DAYS = 7  # the 7-day weight-gain rule of alerts.py (weight_gain_7d)
# A fair weight or blood-pressure chart needs at least two readings in the period (a line needs
# two points); tiles, strips and labs are fair from one (missing days stay visible).
MIN_LINE_READINGS = 2
SWELLING_MAX_GRADE = 3
DIPSTICK_MAX_CODE = len(DIPSTICK_GRADES) - 1


def _site_row_labels() -> dict[str, str]:
    """Short row labels for the swelling strip, in SWELLING_SITES order (alerts.py's site codes)."""
    return {
        "face": _("Eyes/face"),
        "hands": _("Hands"),
        "belly": _("Belly"),
        "legs": _("Legs/feet"),
    }


def _foam_words() -> dict[int, str]:
    """CLINICAL.md, urine foam 0-3, in a few words each."""
    return {0: _("none"), 1: _("thin layer"), 2: _("lasting layer"), 3: _("thick foam")}


def _dipstick_short(code: int) -> str:
    """The label written under a dipstick tile: short enough for a one-day tile."""
    return {0: "−", 1: _("tr")}.get(code, str(dipstick_label(code)))


# Fills: (colour, pattern) per grade. Patterns repeat the grade for grayscale print and colour
# blindness: none, dots, diagonal lines, cross-hatch. Ramps are ordered by lightness.
_SWELLING_FILLS = {
    0: ("#EBEBEB", None),
    1: (YELLOW, "dots"),
    2: (ORANGE, "diagonal"),
    3: (VERMILLION, "cross"),
}
# Dipstick: tints and a shade of Okabe–Ito blue, light (negative) to dark (4+).
_DIPSTICK_FILLS = {
    0: ("#E0EEF6", None),
    1: ("#B2D5E8", None),
    2: ("#73B1D5", "dots"),
    3: ("#338EC1", "diagonal"),
    4: (BLUE, "cross"),
    5: ("#00446B", None),
}


# The chart ---------------------------------------------------------------------------------------


class LazyRows(Sequence):
    """A data table's rows, built the first time they are read. The trends page shows each
    chart's table; the visit summary draws the same charts and never shows their tables, so a
    year's summary builds no rows. Pickles (the trends cache) as the plain list of rows."""

    def __init__(self, build: Callable[[], list[list[str]]]):
        self._build: Callable[[], list[list[str]]] | None = build
        self._language = translation.get_language()  # the chart's, whenever the rows are read
        self._rows: list[list[str]] = []

    def _all(self) -> list[list[str]]:
        if self._build is not None:
            with translation.override(self._language):
                self._rows, self._build = list(self._build()), None
        return self._rows

    def __getitem__(self, index):
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and list(self._all()) == list(other)

    __hash__ = None

    def __repr__(self) -> str:
        return repr(self._all())

    def __reduce__(self):
        return (list, (self._all(),))


@dataclass(frozen=True)
class Chart:
    """One chart: SVG for the page and the PDF, its text alternative and its data table."""

    svg: SafeString
    title: str
    summary: str
    table_caption: str
    table_header: list[str]
    table_rows: Sequence[list[str]]  # a list, or LazyRows built when first read
    enough_data: bool


# The date axis -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tick:
    """A labelled date on the axis; `sublabel` (the year) goes on a second line."""

    day: date
    x: float
    label: str
    sublabel: str = ""


@dataclass(frozen=True)
class DateAxis:
    """The period from `start` to `end` (both included) across `width` units, less the margins.

    Every chart built with one axis puts a day at the same x, so charts stacked on a page line up.
    """

    start: date
    end: date
    width: int = CHART_WIDTH
    left: int = 96
    right: int = 24
    # False: the axis line and tick marks only, no date labels (charts stacked above one that
    # has them, as on the visit summary; dataclasses.replace keeps every x the same).
    tick_labels: bool = True

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError(f"The period ends ({self.end}) before it starts ({self.start}).")
        if self.width - self.left - self.right < 2 * FONT_SIZE:
            raise ValueError("The margins leave no room for the chart.")

    @property
    def day_count(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def plot_right(self) -> float:
        return self.width - self.right

    @cached_property
    def day_width(self) -> float:
        return (self.width - self.left - self.right) / self.day_count

    def edge(self, day: date) -> float:
        """The left edge of the day's cell (a dose change takes effect here)."""
        return self.left + (day - self.start).days * self.day_width

    def x(self, day: date) -> float:
        """The middle of the day's cell (points are drawn here)."""
        return self.left + ((day - self.start).days + 0.5) * self.day_width

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def days(self) -> list[date]:
        return [self.start + timedelta(days=offset) for offset in range(self.day_count)]

    @cached_property
    def _tick_choice(self) -> tuple[str, tuple[Tick, ...]]:
        return _choose_ticks(self)

    @property
    def tick_unit(self) -> str:
        """ "day", "week", "month" or "year": what the labelled ticks count."""
        return self._tick_choice[0]

    @property
    def ticks(self) -> tuple[Tick, ...]:
        """Labelled ticks: days up to 31 days, else weeks, months or years; never overlapping."""
        return self._tick_choice[1]

    @property
    def label_rows(self) -> int:
        return 2 if any(tick.sublabel for tick in self.ticks) else 1


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """A generous estimate of the width of `text` in SVG units (no font metrics on the server)."""
    return len(text) * size * CHAR_WIDTH_EM


def _day_label(day: date) -> str:
    return dateformat.format(day, "j M")


def _month_candidates(axis: DateAxis, step: int) -> list[date]:
    first = date(axis.start.year, axis.start.month, 1)
    if first < axis.start:
        first = _add_months(first, 1)
    days = []
    day = first
    while day <= axis.end:
        if (day.month - 1) % step == 0:
            days.append(day)
        day = _add_months(day, 1)
    return days


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _tick_candidates(axis: DateAxis):
    """(unit, days, label function, with years) from the finest to the coarsest."""
    if axis.day_count <= 31:
        for step in (1, 2, 3, 7):
            days = [axis.start + timedelta(days=k) for k in range(0, axis.day_count, step)]
            yield "day", days, _day_label, False
    else:
        monday = axis.start + timedelta(days=(7 - axis.start.weekday()) % 7)
        for weeks in (1, 2):
            days = []
            day = monday
            while day <= axis.end:
                days.append(day)
                day += timedelta(weeks=weeks)
            yield "week", days, _day_label, False
    for months in (1, 2, 3, 6):
        yield "month", _month_candidates(axis, months), lambda d: dateformat.format(d, "M"), True
    for years in (1, 2, 5, 10, 25, 50, 100):
        days = [date(y, 1, 1) for y in range(axis.start.year, axis.end.year + 1) if y % years == 0]
        days = [day for day in days if axis.contains(day)]
        yield "year", days, lambda d: str(d.year), False


def _choose_ticks(axis: DateAxis) -> tuple[str, tuple[Tick, ...]]:
    gap = FONT_SIZE * 0.75
    fallback = None
    for unit, days, label_of, with_years in _tick_candidates(axis):
        # Cheap test first: labels need at least ~3 characters of room between ticks.
        if len(days) > 1 and (days[1] - days[0]).days * axis.day_width < text_width("000"):
            continue
        ticks = []
        previous_year = None
        for day in days:
            sublabel = ""
            if with_years and day.year != previous_year:
                sublabel = str(day.year)
            previous_year = day.year
            ticks.append(Tick(day, axis.x(day), label_of(day), sublabel))
        ticks = [tick for tick in ticks if _tick_fits_width(tick, axis)]
        if not _ticks_overlap(ticks, gap):
            if len(ticks) >= 2:
                return unit, tuple(ticks)
            if fallback is None and ticks:
                fallback = (unit, tuple(ticks))
    if fallback is not None:
        return fallback
    return "day", (Tick(axis.start, axis.x(axis.start), _day_label(axis.start)),)


def tick_extent(tick: Tick) -> tuple[float, float]:
    """Left and right x of a tick's label (labels are centred on the tick)."""
    half = max(text_width(tick.label), text_width(tick.sublabel)) / 2
    return tick.x - half, tick.x + half


def _tick_fits_width(tick: Tick, axis: DateAxis) -> bool:
    low, high = tick_extent(tick)
    return low >= 0 and high <= axis.width


def _ticks_overlap(ticks: Sequence[Tick], gap: float) -> bool:
    return any(
        tick_extent(before)[1] + gap > tick_extent(after)[0]
        for before, after in itertools.pairwise(ticks)
    )


# Small value helpers -----------------------------------------------------------------------------


def _decimal_or_none(value) -> Decimal | None:
    if value is None:
        return None
    try:
        return as_decimal(value)
    except ValueError:
        return None


def _int_or_none(value, low: int, high: int) -> int | None:
    """An int in [low, high], or None for anything else (bad input is shown as not recorded)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if number != value or not low <= number <= high:
        return None
    return number


def _by_day(pairs: Iterable, clean) -> dict[date, object]:
    """{date: cleaned value} in date order; None values dropped; of two for one date, the last."""
    index = {}
    for pair in pairs:
        day, value = pair[0], clean(pair[1])
        if isinstance(day, date) and value is not None:
            index[day] = value
    return dict(sorted(index.items()))


def rolling_averages(
    readings: Mapping[date, Decimal],
    start: date,
    end: date,
    days: int = AVERAGE_WINDOW_DAYS,
    min_readings: int = AVERAGE_MIN_READINGS,
) -> dict[date, Decimal]:
    """{day: mean of the readings in the `days` calendar days ending on that day (included)} for
    each day from `start` to `end` that has at least `min_readings` readings in its window.

    A sliding sum (exact in Decimal), so a year of days costs one pass.
    """
    total, count, averages = Decimal(0), 0, {}
    day = start - timedelta(days=days - 1)
    while day <= end:
        value = readings.get(day)
        if value is not None:
            total, count = total + value, count + 1
        if day >= start and count >= min_readings:
            averages[day] = total / count
        # The day leaving the window was added only if it is not before the first day added.
        leaving = readings.get(day - timedelta(days=days - 1)) if day >= start else None
        if leaving is not None:
            total, count = total - leaving, count - 1
        day += timedelta(days=1)
    return averages


def _number(value: Decimal) -> str:
    """A Decimal as typed, without exponent or trailing zeros, with the language's decimal mark:
    7.50 -> 7.5 (7,5 in Spanish), 1E+1 -> 10."""
    return number_text(value)


def _fixed(value: Decimal) -> str:
    """A rounded Decimal as it stands (150.0 keeps its zero), with the language's decimal mark."""
    return localized_decimal_mark(str(value))


def _iso(day: date) -> str:
    return day.isoformat()


def _segments(days: Sequence[date], max_gap_days: int = MAX_BRIDGED_GAP_DAYS) -> list[list[date]]:
    """Runs of dates where no two neighbours are more than `max_gap_days` missing days apart."""
    runs: list[list[date]] = []
    for day in days:
        if runs and (day - runs[-1][-1]).days <= max_gap_days + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


# SVG helpers -------------------------------------------------------------------------------------


def _escape(text) -> str:
    return html.escape(str(text), quote=True)


def _f(number: float) -> str:
    """A coordinate with one decimal at most: short SVG, sharp enough at 0.25 mm per unit."""
    return f"{number:.1f}".removesuffix(".0")


def _safe_id(prefix: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", str(prefix)).strip("-").lower()
    if not cleaned or not cleaned[0].isalpha():
        cleaned = "chart-" + cleaned
    return cleaned


def _text(x: float, y: float, text, *, anchor: str = "start", fill: str = BLACK, bold=False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}" fill="{fill}"{weight}>'
        f"{_escape(text)}</text>"
    )


def _svg(prefix: str, width: int, height: float, title: str, desc: str, body: Iterable[str]):
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {_f(height)}"'
        f' preserveAspectRatio="xMidYMid meet" role="img"'
        f' aria-labelledby="{prefix}-title {prefix}-desc" font-family="{FONT_FAMILY}"'
        f' font-size="{FONT_SIZE}">'
        f'<title id="{prefix}-title">{_escape(title)}</title>'
        f'<desc id="{prefix}-desc">{_escape(desc)}</desc>'
    )
    # Every text inside was escaped by _escape(); the markup around it is ours.
    return SafeString(head + "".join(body) + "</svg>")


def _placeholder(prefix: str, title: str, message: str, width: int = CHART_WIDTH) -> SafeString:
    height = 44
    body = [
        f'<rect x="1" y="1" width="{width - 2}" height="{height - 2}" rx="4" fill="#FFFFFF"'
        f' stroke="{MUTED}" stroke-dasharray="6 4"/>',
        _text(width / 2, height / 2 + FONT_SIZE * 0.35, message, anchor="middle", fill=BLACK),
    ]
    return _svg(prefix, width, height, title, message, body)


def _pattern_defs(prefix: str, kind: str, fills: Mapping[int, tuple[str, str | None]]) -> str:
    """A <pattern> `<prefix>-<kind><grade>` for each grade that has one (ids unique per chart)."""
    parts = []
    for grade, (colour, pattern) in fills.items():
        if pattern is None:
            continue
        ink = "#FFFFFF" if _is_dark(colour) else BLACK
        if pattern == "dots":
            mark = f'<circle cx="3" cy="3" r="1.1" fill="{ink}" fill-opacity="0.7"/>'
        elif pattern == "diagonal":
            mark = (
                f'<path d="M-1 1L1 -1M0 6L6 0M5 7L7 5" stroke="{ink}" stroke-width="1.1"'
                ' stroke-opacity="0.75"/>'
            )
        else:
            mark = (
                f'<path d="M-1 1L1 -1M0 6L6 0M5 7L7 5M-1 5L1 7M0 0L6 6M5 -1L7 1" stroke="{ink}"'
                ' stroke-width="1" stroke-opacity="0.8"/>'
            )
        parts.append(
            f'<pattern id="{prefix}-{kind}{grade}" patternUnits="userSpaceOnUse" width="6"'
            f' height="6"><rect width="6" height="6" fill="{colour}"/>{mark}</pattern>'
        )
    return "<defs>" + "".join(parts) + "</defs>" if parts else ""


def _is_dark(colour: str) -> bool:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.299 * red + 0.587 * green + 0.114 * blue < 128


def _fill(prefix: str, kind: str, fills: Mapping[int, tuple[str, str | None]], grade: int) -> str:
    colour, pattern = fills[grade]
    return f"url(#{prefix}-{kind}{grade})" if pattern else colour


def _legend(items: Sequence[tuple[str, str]], top: float, left: float, width: float):
    """Items of (swatch markup drawn at 0,0 in a 16 x 12 box, text), wrapped to `width`.

    Returns (markup, height)."""
    parts, x, y = [], left, top
    for swatch, label in items:
        item_width = 20 + text_width(label) + 14
        if x > left and x + item_width > left + width:
            x, y = left, y + LINE_HEIGHT
        parts.append(f'<g transform="translate({_f(x)} {_f(y)})">{swatch}</g>')
        parts.append(_text(x + 20, y + 10.5, label))
        x += item_width
    return parts, y + LINE_HEIGHT - top


def _swatch_line(colour: str, *, dash: str = "", width: float = 2) -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<path d="M0 6H16" stroke="{colour}" stroke-width="{width}"{dash_attr} fill="none"/>'


def _swatch_box(fill: str, *, outline: str = MUTED, dash: str = "") -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<rect x="1" y="0.5" width="14" height="11" fill="{fill}" stroke="{outline}"'
        f' stroke-width="0.75"{dash_attr}/>'
    )


def _cells(cells: Iterable[tuple[float, float, float, float]], attributes: str) -> str:
    """One <path> for many rectangles (x, y, width, height) sharing a fill: a PDF renderer sets
    a patterned fill up once per shape, so a month of cells as one shape per grade prints several
    times faster than a <rect> a day, and looks the same (patterns sit in user space)."""
    d = "".join(f"M{_f(x)} {_f(y)}h{_f(w)}v{_f(h)}h{_f(-w)}z" for x, y, w, h in cells)
    return f'<path d="{d}" {attributes}/>' if d else ""


def _circle(x: float, y: float, r: float, fill: str) -> str:
    return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{_f(r)}" fill="{fill}"/>'


def _dots(points: Iterable[tuple[float, float]], r: float, colour: str, css_class: str) -> str:
    """Dots of radius r as one <path> of zero-length strokes with round caps, which SVG and
    PDF both paint as filled circles: one shape, and no arcs to turn into curves."""
    d = "".join(f"M{_f(x)} {_f(y)}h0" for x, y in points)
    return (
        f'<path class="{css_class}" d="{d}" stroke="{colour}" stroke-width="{_f(2 * r)}"'
        ' stroke-linecap="round" fill="none"/>'
    )


def _diamonds(
    points: Iterable[tuple[float, float]], r: float, fill: str, css_class: str = ""
) -> str:
    """Outlined diamonds of half-width r, all in one <path>."""
    d = "".join(
        f"M{_f(x)} {_f(y - r)}L{_f(x + r)} {_f(y)}L{_f(x)} {_f(y + r)}L{_f(x - r)} {_f(y)}Z"
        for x, y in points
    )
    class_attribute = f' class="{css_class}"' if css_class else ""
    return f'<path{class_attribute} d="{d}" fill="{fill}" stroke="{BLACK}" stroke-width="0.75"/>'


def _weeks(readings: Sequence[tuple[date, int, int]]) -> dict[date, list[tuple[date, int, int]]]:
    """Readings by the Monday of their week, in date order."""
    weeks: dict[date, list[tuple[date, int, int]]] = {}
    for reading in readings:
        weeks.setdefault(reading[0] - timedelta(days=reading[0].weekday()), []).append(reading)
    return weeks


# Data tables of long periods: one row per week (per few weeks past a year), so the trends page of a
# year has about 52 rows a chart, not 365 (issue #15: a bounded page for slow phones). Every day
# stays in the CSV download.
TABLE_MAX_ROWS = 53


def table_block_days(axis: "DateAxis") -> int:
    """Days per data-table row: 1 up to WEEKLY_AFTER_DAYS days, else whole weeks (from Monday,
    as the weekly blood pressure averages) and as few as keep the table within TABLE_MAX_ROWS."""
    if axis.day_count <= WEEKLY_AFTER_DAYS:
        return 1
    monday = axis.start - timedelta(days=axis.start.weekday())
    weeks = ((axis.end - monday).days + 1 + 6) // 7
    return 7 * math.ceil(weeks / TABLE_MAX_ROWS)


def _block_rows(axis: "DateAxis", items: Iterable[tuple[date, object]], summarise) -> LazyRows:
    """_block_rows_now, when the table is first read (LazyRows)."""
    items = list(items)
    return LazyRows(lambda: _block_rows_now(axis, items, summarise))


def _block_rows_now(
    axis: "DateAxis", items: Iterable[tuple[date, object]], summarise
) -> list[list]:
    """One row per block of table_block_days(axis) days that has items: its dates (one date when
    the period's edge leaves a single day), then summarise(the block's values in date order)."""
    block = table_block_days(axis)
    monday = axis.start - timedelta(days=axis.start.weekday())
    blocks: dict[int, list] = {}
    for day, value in items:
        blocks.setdefault((day - monday).days // block, []).append(value)
    rows = []
    for index, values in blocks.items():
        first = max(monday + timedelta(days=index * block), axis.start)
        last = min(monday + timedelta(days=(index + 1) * block - 1), axis.end)
        dates = _dates_text(first, last) if first < last else _iso(first)
        rows.append([dates, *summarise(values)])
    return rows


def _block_caption(caption: str, axis: "DateAxis") -> str:
    """The caption of a table with one row per week or per few weeks."""
    weeks = table_block_days(axis) // 7
    return (
        caption
        + "; "
        + ngettext(
            "one row per week (every day is in the CSV download)",
            "one row per %(count)d weeks (every day is in the CSV download)",
            weeks,
        )
        % {"count": weeks}
    )


def _mean(values: Sequence) -> Decimal:
    return Decimal(sum(values)) / len(values)


def _triangle_path(x: float, y: float, size: float, *, pointing: str) -> str:
    """Path data of a triangle whose tip is at (x, y): "down" for systolic (from above), "up"
    for diastolic."""
    base = y - size * 1.6 if pointing == "down" else y + size * 1.6
    return f"M{_f(x - size)} {_f(base)}L{_f(x + size)} {_f(base)}L{_f(x)} {_f(y)}Z"


def _triangle(x: float, y: float, size: float, fill: str, *, pointing: str) -> str:
    return f'<path d="{_triangle_path(x, y, size, pointing=pointing)}" fill="{fill}"/>'


@dataclass(frozen=True)
class _Scale:
    """A linear value axis from `low` (at `bottom`) to `high` (at `top`), with nice ticks."""

    low: float
    high: float
    top: float
    bottom: float
    step: float
    decimals: int
    # Labelled values when they are not every `step` from `low` (fitted and log axes).
    tick_values: tuple[float, ...] | None = None
    log: bool = False

    def y(self, value: float) -> float:
        if self.log:
            low, high = math.log10(self.low), math.log10(self.high)
            value = math.log10(min(max(float(value), self.low), self.high))
        else:
            low, high, value = self.low, self.high, float(value)
        return self.bottom - (value - low) / (high - low) * (self.bottom - self.top)

    def ticks(self) -> list[float]:
        if self.tick_values is not None:
            return list(self.tick_values)
        count = round((self.high - self.low) / self.step)
        return [self.low + k * self.step for k in range(count + 1)]

    def label(self, value: float) -> str:
        if self.log:
            return _number(Decimal(f"{value:.3g}"))
        return localized_decimal_mark(f"{value:.{self.decimals}f}")


def fitted_scale(
    low: float,
    high: float,
    top: float,
    bottom: float,
    *,
    grain: float,
    min_span: float,
    pad: float,
) -> _Scale:
    """A value axis fitted to the data: `low` to `high` widened to at least `min_span`, `pad`
    added on both sides, then rounded out to whole `grain`s (e.g. 1 kg, 2 lb, 10 mmHg). Labels
    are every 1/2/4/5 x 10^n step that keeps them MIN_TICK_GAP units apart, and only inside the
    limits, so the axis needs not start or end on a label (a 1 kg step stays tall)."""
    if high - low < min_span:
        middle = (high + low) / 2
        low, high = middle - min_span / 2, middle + min_span / 2
    low = math.floor((low - pad) / grain + 1e-9) * grain
    high = math.ceil((high + pad) / grain - 1e-9) * grain
    if high <= low:
        high = low + grain
    per_unit = (bottom - top) / (high - low)
    magnitude = 10 ** math.floor(math.log10(grain))
    step = grain
    for factor in itertools.count():
        for multiplier in (1, 2, 4, 5):  # 4: blood pressure labelled every 40 mmHg
            step = multiplier * magnitude * 10**factor
            if step >= grain * 0.999 and step * per_unit >= MIN_TICK_GAP:
                break
        else:
            continue
        break
    first = math.ceil(low / step - 1e-9) * step
    values = []
    value = first
    while value <= high + 1e-9:
        values.append(round(value, 6))
        value += step
    decimals = max(0, -Decimal(f"{step:.6g}").normalize().as_tuple().exponent)
    return _Scale(low, high, top, bottom, step, decimals, tuple(values))


def log_scale(low: float, high: float, top: float, bottom: float) -> _Scale:
    """A log10 value axis from the decade at or below `low` to the decade at or above `high`,
    labelled at 1, 3, 10, 30 … (the 3s only where there is room): values that span a
    hundredfold (UPCR 100 to 10,000 mg/g) each get their share of the height."""
    low_exponent = math.floor(math.log10(low) + 1e-9)
    high_exponent = math.ceil(math.log10(high) - 1e-9)
    if high_exponent <= low_exponent:
        high_exponent = low_exponent + 1
    decades = high_exponent - low_exponent
    with_threes = (bottom - top) / (2 * decades) >= MIN_TICK_GAP
    values = []
    for exponent in range(low_exponent, high_exponent + 1):
        values.append(10.0**exponent)
        if with_threes and exponent < high_exponent:
            values.append(3 * 10.0**exponent)
    return _Scale(
        10.0**low_exponent, 10.0**high_exponent, top, bottom, 0, 0, tuple(values), log=True
    )


def _nice_scale(
    low: float,
    high: float,
    top: float,
    bottom: float,
    *,
    min_span: float,
    from_zero: bool = False,
    pad: float = 0.0,
    multipliers: Sequence[float] = (1, 2, 5),
) -> _Scale:
    """Round limits and a 1/2/5 x 10^n step, at most one tick per 20 units of height (and
    three ticks from 30 units up).

    `pad` (a fraction of the span) keeps points off the frame when the limits are not rounded."""
    if from_zero:
        low = min(0.0, low)
        high = max(high, low + min_span)
    else:
        if high - low < min_span:
            middle = (high + low) / 2
            low, high = middle - min_span / 2, middle + min_span / 2
        low, high = low - (high - low) * pad, high + (high - low) * pad
    # A low plot (the summary's) still gets a middle tick: two labels alone say little.
    max_ticks = max(3 if bottom - top >= 30 else 2, int((bottom - top) // 20) + 1)
    raw = (high - low) / (max_ticks - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (*multipliers, 10) if m * magnitude >= raw * 0.999)
    while True:
        nice_low = math.floor(low / step + 1e-9) * step
        nice_high = math.ceil(high / step - 1e-9) * step
        count = round((nice_high - nice_low) / step) + 1
        # One tick more than asked is fine, but never labels closer than MIN_TICK_GAP.
        roomy = (bottom - top) / max(count - 1, 1) >= MIN_TICK_GAP
        if count <= 2 or (count <= max_ticks + 1 and roomy):
            break
        step *= 2
    decimals = max(0, -Decimal(f"{step:.6g}").normalize().as_tuple().exponent)
    if nice_high == nice_low:
        nice_high = nice_low + step
    return _Scale(nice_low, nice_high, top, bottom, step, decimals)


def _legend_over_plot(items: Sequence[tuple[str, str]], axis: DateAxis) -> tuple[list[str], float]:
    """A plotted chart's legend across the plot's width, and the y where the plot then starts:
    room for the top tick label, no more (the unit label shares the legend's first row)."""
    legend, height = _legend(items, LEGEND_TOP, axis.left, axis.plot_right - axis.left)
    return legend, LEGEND_TOP + height + 6


def _y_axis(scale: _Scale, axis: DateAxis, unit_label: str) -> list[str]:
    """Grid, tick labels and the axis line; the unit label sits in the left margin on the
    legend's first row, so it takes no height of its own."""
    parts = [_text(axis.left - 8, LEGEND_TOP + 10.5, unit_label, anchor="end", bold=True)]
    ticks = scale.ticks()
    grid = "".join(f"M{axis.left} {_f(scale.y(value))}H{_f(axis.plot_right)}" for value in ticks)
    parts.append(f'<path class="y-grid" d="{grid}" stroke="{GRID}" stroke-width="0.75"/>')
    for value in ticks:
        y = scale.y(value)
        parts.append(_text(axis.left - 8, y + FONT_SIZE * 0.35, scale.label(value), anchor="end"))
    parts.append(
        f'<path d="M{axis.left} {_f(scale.top)}V{_f(scale.bottom)}" stroke="{BLACK}"'
        ' stroke-width="1"/>'
    )
    return parts


def _x_grid(axis: DateAxis, top: float, bottom: float) -> list[str]:
    if not axis.ticks:
        return []
    d = "".join(f"M{_f(tick.x)} {_f(top)}V{_f(bottom)}" for tick in axis.ticks)
    return [f'<path d="{d}" stroke="{GRID}" stroke-width="0.75"/>']


def _x_axis(axis: DateAxis, y: float) -> tuple[list[str], float]:
    """The date axis line, tick marks and labels below `y`; returns (markup, height used)."""
    marks = "".join(f"M{_f(tick.x)} {_f(y)}v4" for tick in axis.ticks)
    parts = [
        f'<g class="x-axis"><path d="M{axis.left} {_f(y)}H{_f(axis.plot_right)}{marks}"'
        f' stroke="{BLACK}" stroke-width="1"/>'
    ]
    if not axis.tick_labels:
        return [*parts, "</g>"], 6
    for tick in axis.ticks:
        parts.append(_text(tick.x, y + 4 + FONT_SIZE, tick.label, anchor="middle"))
        if tick.sublabel:
            parts.append(
                _text(tick.x, y + 4 + FONT_SIZE + LINE_HEIGHT, tick.sublabel, anchor="middle")
            )
    parts.append("</g>")
    return parts, 4 + FONT_SIZE + LINE_HEIGHT * (axis.label_rows - 1) + 6


def _polyline(points: Sequence[tuple[float, float]], colour: str, width: float, dash="") -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    coordinates = " ".join(f"{_f(x)},{_f(y)}" for x, y in points)
    return (
        f'<polyline points="{coordinates}" fill="none" stroke="{colour}" stroke-width="{width}"'
        f' stroke-linejoin="round" stroke-linecap="round"{dash_attr}/>'
    )


def _dates_text(first: date, last: date) -> str:
    return _("%(start)s to %(end)s") % {"start": _iso(first), "end": _iso(last)}


def _period_text(axis: DateAxis) -> str:
    return _dates_text(axis.start, axis.end)


def _too_little(what: str) -> str:
    return _("Too little data to draw a fair chart: %(what)s.") % {"what": what}


# 1. Weight ---------------------------------------------------------------------------------------


def weight_chart(
    axis: DateAxis,
    points: Iterable[tuple[date, Decimal | None]],
    unit: str = "kg",
    seven_day_average: bool = True,
    alert_gain_kg: Decimal | None = None,
    *,
    alert_limit: Limit | None = None,
    typed: Mapping[date, tuple[Decimal, str]] | None = None,
    id_prefix: str = "weight",
    plot_height: int = 132,
) -> Chart:
    """Daily weight (points given in kg) with its 7-day average and the weight-gain alert line.

    Values are shown in `unit` ("kg" or "lb", converted with units.lb_from_kg). The 7-day average of
    a day is the mean of the readings in the 7 days ending that day, drawn where there are at least
    3. `alert_limit` is the 7-day rule's number with its unit (Thresholds.weight_gain_7d, through
    alerts.active_threshold; `alert_gain_kg` is the same in kg): the alert line of a day is the
    lowest weight of the 7 days before it plus that gain (alerts.weight_gains_over, in the limit's
    unit), so a point on or above it is a day the rule fires. `typed` gives each day's weight as
    typed, with its unit (the rule compares those; a day without one counts as typed in kg).
    Pass readings from 7 days before the period too: the average and the alert line look back.
    Lines join readings at most MAX_BRIDGED_GAP_DAYS missing days apart.
    """
    if unit not in ("kg", "lb"):
        raise ValueError(f"Unknown weight unit {unit!r}: expected kg or lb.")
    prefix = _safe_id(id_prefix)
    title = _("Weight")
    readings: dict[date, Decimal] = _by_day(points, _positive_decimal)
    shown = [day for day in readings if axis.contains(day)]

    def display(kg: Decimal) -> Decimal:
        return kg if unit == "kg" else lb_from_kg(kg)

    averages = rolling_averages(readings, axis.start, axis.end) if seven_day_average else {}
    if alert_limit is None and _positive_decimal(alert_gain_kg) is not None:
        alert_limit = Limit(_positive_decimal(alert_gain_kg), "kg")
    if alert_limit is not None and not alert_limit.value > 0:
        alert_limit = None
    alert_gain = alert_limit  # drawn when set
    alert_lines: dict[date, tuple[Decimal, bool]] = {}
    band_lows: dict[date, Decimal] = {}
    if alert_limit is not None:
        alert_lines = _alert_lines(readings, shown, alert_limit, typed or {}, band_lows)
    alert_days = {day for day, (_line, reached) in alert_lines.items() if reached}
    # Everything in the unit shown, converted once.
    weight_shown = {day: display(readings[day]) for day in shown}
    average_shown = {day: display(value) for day, value in averages.items()}
    line_shown = {day: display(line) for day, (line, _reached) in alert_lines.items()}
    low_shown = {day: display(low) for day, low in band_lows.items()}

    header = [_date_header(), _("Weight (%(unit)s)") % {"unit": unit}]
    if seven_day_average:
        header.append(_("7-day average (%(unit)s)") % {"unit": unit})
    if alert_gain is not None:
        header += [
            _("Alert line (%(unit)s)") % {"unit": unit},
            _("At or above the alert line"),
        ]
    yes, no = _("yes"), _("no")  # translated once: a year of rows stays fast

    def daily_rows() -> list[list[str]]:
        rows = []
        for day in shown:
            row = [_iso(day), _fixed(rounded(weight_shown[day]))]
            if seven_day_average:
                row.append(_fixed(rounded(average_shown[day])) if day in average_shown else "–")
            if alert_gain is not None:
                line = line_shown.get(day)
                row.append(_fixed(rounded(line)) if line is not None else "–")
                row.append(yes if day in alert_lines and alert_lines[day][1] else no)
            rows.append(row)
        return rows

    rows = LazyRows(daily_rows)
    caption = _("Daily weight in %(unit)s, %(period)s") % {
        "unit": unit,
        "period": _period_text(axis),
    }
    if table_block_days(axis) > 1:
        header = [
            _dates_header(),
            _("Readings"),
            _("Average (%(unit)s)") % {"unit": unit},
            _("Lowest (%(unit)s)") % {"unit": unit},
            _("Highest (%(unit)s)") % {"unit": unit},
        ]
        if alert_gain is not None:
            header.append(_("Days at or above the alert line"))

        def summarise(days: list[date]) -> list[str]:
            values = [weight_shown[day] for day in days]
            row = [str(len(days))] + [
                _fixed(rounded(value)) for value in (_mean(values), min(values), max(values))
            ]
            if alert_gain is not None:
                row.append(str(sum(1 for day in days if day in alert_days)))
            return row

        rows = _block_rows(axis, ((day, day) for day in shown), summarise)
        caption = _block_caption(caption, axis)

    if len(shown) < MIN_LINE_READINGS:
        what = ngettext(
            "%(count)d weight reading in this period (at least 2 are needed)",
            "%(count)d weight readings in this period (at least 2 are needed)",
            len(shown),
        ) % {"count": len(shown)}
        message = _too_little(what)
        return Chart(
            _placeholder(prefix, title, message), title, message, caption, header, rows, False
        )

    summary = _("Weight went from %(first)s %(unit)s to %(last)s %(unit)s") % {
        "first": _fixed(rounded(weight_shown[shown[0]])),
        "last": _fixed(rounded(weight_shown[shown[-1]])),
        "unit": unit,
    }
    summary += " " + ngettext(
        "(%(count)d reading in %(days)d days)",
        "(%(count)d readings in %(days)d days)",
        len(shown),
    ) % {"count": len(shown), "days": axis.day_count}
    if alert_gain is not None:
        summary += "; " + ngettext(
            "%(count)d day at or above the alert line",
            "%(count)d days at or above the alert line",
            len(alert_days),
        ) % {"count": len(alert_days)}
        summary += "; " + _(
            "the shaded band runs from the lowest weight of the 7 days before up to the alert line"
        )
    summary += "."

    # Legend, then the plot.
    # Short labels: the legend fits one row of an A4 page (the table and summary say it in full).
    legend_items = [(_circle(8, 6, 3, BLUE), _("Weight"))]
    if seven_day_average:
        legend_items.append((_swatch_line(BLACK, width=2.5), _("7-day average")))
    if alert_gain is not None:
        # The band's swatch with its dashed top edge: the shaded room up to the alert line.
        legend_items.append(
            (
                f'<rect x="1" y="1" width="14" height="10" fill="{WEIGHT_BAND_FILL}"/>'
                + f'<path d="M1 1H15" stroke="{VERMILLION}" stroke-width="1.5"'
                ' stroke-dasharray="4 2"/>',
                _("Alert line: 7-day low + %(gain)s %(unit)s")
                % {
                    "gain": localized_decimal_mark(typed_text(alert_limit.value)),
                    "unit": alert_limit.unit,
                },
            )
        )
        legend_items.append((_diamonds([(8, 6)], 5, VERMILLION), _("At or above it")))
    legend, top = _legend_over_plot(legend_items, axis)
    bottom = top + plot_height

    values = [
        *weight_shown.values(),
        *average_shown.values(),
        *line_shown.values(),
        *low_shown.values(),
    ]
    # 1 kg (2 lb) grain, at least 3 kg (6 lb) tall: a 1 kg day-to-day step is a third of the plot.
    grain, min_span, pad = (1.0, 3.0, 0.5) if unit == "kg" else (2.0, 6.0, 1.0)
    scale = fitted_scale(
        float(min(values)),
        float(max(values)),
        top,
        bottom,
        grain=grain,
        min_span=min_span,
        pad=pad,
    )
    body = legend + _x_grid(axis, top, bottom)
    if low_shown:
        body.append(_weight_band(axis, scale, line_shown, low_shown))
    body += _y_axis(scale, axis, _("Weight (%(unit)s)") % {"unit": unit})

    for run in _segments(shown):
        if len(run) > 1:
            body.append(
                _polyline(
                    [(axis.x(day), scale.y(weight_shown[day])) for day in run], SKY_BLUE, 1.25
                )
            )
    if alert_lines:
        steps = [(day, scale.y(line_shown[day])) for day in line_shown]
        body.append(
            f'<path d="{_step_line(axis, steps)}" fill="none" stroke="{VERMILLION}"'
            ' stroke-width="1.5" stroke-dasharray="5 3"/>'
        )
    for run in _segments(list(averages), max_gap_days=0):
        if len(run) > 1:
            body.append(
                _polyline([(axis.x(day), scale.y(average_shown[day])) for day in run], BLACK, 2.5)
            )
    radius = 3.0 if axis.day_width >= 6 else 2.0
    dots, diamonds = [], []  # one shape each, however many days
    for day in shown:
        x, y = axis.x(day), scale.y(weight_shown[day])
        if day in alert_lines and alert_lines[day][1]:
            diamonds.append((x, y))
        else:
            dots.append((x, y))
    if dots:
        body.append(_dots(dots, radius, BLUE, "weights"))
    if diamonds:
        body.append(_diamonds(diamonds, radius + 2.5, VERMILLION, "alert-weights"))
    axis_parts, axis_height = _x_axis(axis, bottom)
    body += axis_parts
    svg = _svg(prefix, axis.width, bottom + axis_height, title, summary, body)
    return Chart(svg, title, summary, caption, header, rows, True)


def _weight_band(
    axis: DateAxis,
    scale: _Scale,
    line_shown: Mapping[date, Decimal],
    low_shown: Mapping[date, Decimal],
) -> str:
    """The room a weight has before the 7-day rule fires, AGP-style: a light band from each
    day's 7-day low up to its alert line (the dashed line is its labelled top edge), one shape."""
    d = []
    for x_start, x_end, (top, low) in _merged_days(
        axis,
        [
            (day, (_f(scale.y(line_shown[day])), _f(scale.y(low_shown[day]))))
            for day in line_shown
            if day in low_shown
        ],
    ):
        d.append(f"M{_f(x_start)} {top}H{_f(x_end)}V{low}H{_f(x_start)}z")
    return f'<path class="weight-band" d="{"".join(d)}" fill="{WEIGHT_BAND_FILL}"/>' if d else ""


def _merged_days(axis: DateAxis, values: Sequence[tuple[date, object]]):
    """(x from, x to, value) for runs of consecutive days with the same (drawn) value: a year of
    day-wide steps becomes the few dozen shapes the eye sees, so the PDF draws what shows, not
    one shape a day."""
    merged: list[list] = []
    for day, value in values:
        x = axis.edge(day)
        if merged and merged[-1][2] == value and merged[-1][3] == day - timedelta(days=1):
            merged[-1][1], merged[-1][3] = x + axis.day_width, day
        else:
            merged.append([x, x + axis.day_width, value, day])
    return [(x_start, x_end, value) for x_start, x_end, value, _day in merged]


def _step_line(axis: DateAxis, steps: Sequence[tuple[date, float]]) -> str:
    """Path data of a day-wide step line (each day a flat step at its value), one path for all
    runs, a step joined to the next day's by a vertical line and broken over a missing day."""
    d, last_end = [], None
    for x_start, x_end, y in _merged_days(axis, [(day, _f(y)) for day, y in steps]):
        joined = last_end is not None and abs(x_start - last_end) < 0.01
        d.append(f"{'L' if joined else 'M'}{_f(x_start)} {y}H{_f(x_end)}")
        last_end = x_end
    return "".join(d)


def _positive_decimal(value) -> Decimal | None:
    number = _decimal_or_none(value)
    return number if number is not None and number > 0 else None


def _date_header() -> str:
    return _("Date")


def _dates_header() -> str:
    """The first column of a table with one row per week (table_block_days)."""
    return _("Dates")


def _alert_lines(
    readings: Mapping[date, Decimal],
    shown: Sequence[date],
    limit: Limit,
    typed: Mapping[date, tuple[Decimal, str]],
    lows: dict[date, Decimal] | None = None,
) -> dict[date, tuple[Decimal, bool]]:
    """{day: (alert line in kg, weight at or above it)} for shown days with a reading to compare;
    `lows`, when given, is filled with each day's 7-day low in kg (the band's lower edge).

    The rule itself is alerts.weight_gains_over (gain over the lowest weight of the 7 days before)
    in the limit's unit, on the weights as typed, here for every shown day at once; the line is
    converted to kg for drawing only."""
    diary = []
    for day, kg in readings.items():
        value, typed_unit = typed.get(day, (None, "kg"))
        diary.append(DayReadings(date=day, weight_kg=kg, weight=value, weight_unit=typed_unit))
    gains = weight_gains_over(diary, shown, ALERT_WINDOW_DAYS, limit.unit)
    lows = {} if lows is None else lows
    lines = {}
    for day, gain in gains.items():
        line = as_exact_decimal(
            weight_in(_plus_limit(gain.compared, limit.value), limit.unit, "kg")
        )
        lines[day] = (line, gain.reaches(limit))
        lows[day] = as_exact_decimal(weight_in(gain.compared, limit.unit, "kg"))
    return lines


def _plus_limit(compared, limit: Decimal):
    return compared + (Fraction(limit) if isinstance(compared, Fraction) else limit)


# 2. Swelling and foam ----------------------------------------------------------------------------


def swelling_foam_strip(
    axis: DateAxis,
    days: Iterable[tuple[date, Mapping[str, int] | None, int | None]],
    *,
    id_prefix: str = "swelling",
) -> Chart:
    """A heat strip: one row per swelling site (alerts.SWELLING_SITES) and one for urine foam.

    Grades 0-3 (CLINICAL.md "Home monitoring scales") are shaded light to dark and carry a fill
    pattern each (none, dots, lines, cross-hatch); a blank cell is a day not recorded.
    """
    prefix = _safe_id(id_prefix)
    title = _("Swelling and urine foam")
    site_labels = _site_row_labels()
    grade_words = {grade: str(word) for grade, word in SWELLING_GRADE_LABELS.items()}
    foam_words = _foam_words()

    def clean(entry):
        swelling, foam = entry
        grades = {}
        for site, grade in (swelling or {}).items() if isinstance(swelling, Mapping) else ():
            grade = _int_or_none(grade, 0, SWELLING_MAX_GRADE)
            if site in site_labels and grade is not None:
                grades[site] = grade
        foam = _int_or_none(foam, 0, SWELLING_MAX_GRADE)
        return (grades, foam) if grades or foam is not None else None

    entries: dict[date, tuple[dict[str, int], int | None]] = _by_day(
        ((entry[0], (entry[1], entry[2])) for entry in days), clean
    )
    shown = [day for day in entries if axis.contains(day)]
    rows_keys = [*SWELLING_SITES, "foam"]

    header = [_date_header(), *[site_labels[site] for site in SWELLING_SITES], _("Foam")]
    not_recorded = _("not recorded")

    def daily_rows() -> list[list[str]]:
        rows = []
        for day in shown:
            grades, foam = entries[day]
            row = [_iso(day)]
            for site in SWELLING_SITES:
                grade = grades.get(site)
                row.append(not_recorded if grade is None else f"{grade} ({grade_words[grade]})")
            row.append(not_recorded if foam is None else f"{foam} ({foam_words[foam]})")
            rows.append(row)
        return rows

    rows = LazyRows(daily_rows)
    caption = _("Swelling by body site and urine foam, grade 0 to 3, %(period)s") % {
        "period": _period_text(axis)
    }
    if table_block_days(axis) > 1:
        header = [
            _dates_header(),
            _("Days recorded"),
            *[_("%(site)s, highest") % {"site": site_labels[site]} for site in SWELLING_SITES],
            _("Foam, highest"),
        ]

        def summarise(days: list[date]) -> list[str]:
            row = [str(len(days))]
            for key in rows_keys:
                words = foam_words if key == "foam" else grade_words
                grades = [
                    entries[day][1] if key == "foam" else entries[day][0].get(key) for day in days
                ]
                highest = max((grade for grade in grades if grade is not None), default=None)
                row.append(not_recorded if highest is None else f"{highest} ({words[highest]})")
            return row

        rows = _block_rows(axis, ((day, day) for day in shown), summarise)
        caption = _block_caption(caption, axis)
    if not shown:
        message = _too_little(_("no swelling or foam recorded in this period"))
        return Chart(
            _placeholder(prefix, title, message), title, message, caption, header, rows, False
        )

    swelling_days = [day for day in shown if entries[day][0]]
    foam_days = [day for day in shown if entries[day][1] is not None]
    parts = []
    if swelling_days:
        highest = max(max(entries[day][0].values()) for day in swelling_days)
        on_days = sum(1 for day in swelling_days if max(entries[day][0].values()) == highest)
        parts.append(
            _(
                "Swelling was recorded on %(recorded)d of %(days)d days, highest grade %(grade)d "
                "(%(word)s) on %(count)d"
            )
            % {
                "recorded": len(swelling_days),
                "days": axis.day_count,
                "grade": highest,
                "word": grade_words[highest],
                "count": on_days,
            }
            + " "
            + ngettext("day", "days", on_days)
        )
    else:
        parts.append(_("No swelling was recorded"))
    if foam_days:
        highest_foam = max(entries[day][1] for day in foam_days)
        foam_on = sum(1 for day in foam_days if entries[day][1] == highest_foam)
        parts.append(
            _(
                "foam was recorded on %(recorded)d days, highest grade %(grade)d (%(word)s) on "
                "%(count)d"
            )
            % {
                "recorded": len(foam_days),
                "grade": highest_foam,
                "word": foam_words[highest_foam],
                "count": foam_on,
            }
            + " "
            + ngettext("day", "days", foam_on)
        )
    else:
        parts.append(_("no foam was recorded"))
    summary = "; ".join(parts) + "."

    body = [_pattern_defs(prefix, "s", _SWELLING_FILLS)]
    top = 4
    row_height, row_gap, foam_gap = 12, 2, 4
    row_tops = {}
    y = top
    for key in rows_keys:
        if key == "foam":
            y += foam_gap - row_gap
        row_tops[key] = y
        y += row_height + row_gap
    bottom = y - row_gap
    body += _x_grid(axis, top, bottom)
    separate = axis.day_width >= 8  # short periods: one cell per day with a gap; long: merged runs
    cells_by_fill: dict[str, list[tuple[float, float, float, float]]] = {}
    for key in rows_keys:
        row_top = row_tops[key]
        label = _("Foam") if key == "foam" else site_labels[key]
        body.append(
            _text(axis.left - 8, row_top + row_height / 2 + FONT_SIZE * 0.35, label, anchor="end")
        )
        body.append(
            f'<rect x="{axis.left}" y="{row_top}" width="{_f(axis.plot_right - axis.left)}"'
            f' height="{row_height}" fill="none" stroke="{GRID}" stroke-width="0.75"/>'
        )
        grade_by_day = {}
        for day in shown:
            grades, foam = entries[day]
            grade = foam if key == "foam" else grades.get(key)
            if grade is not None:
                grade_by_day[day] = grade
        for first, length, grade in _runs(grade_by_day, merge=not separate):
            inset = min(4.0, axis.day_width * 0.12) if separate else 0.0
            x = axis.edge(first) + inset / 2
            width = axis.day_width * length - inset
            fill = _fill(prefix, "s", _SWELLING_FILLS, grade)
            cells_by_fill.setdefault(fill, []).append((x, row_top, width, row_height))
    body += [_cells(cells, f'fill="{fill}"') for fill, cells in cells_by_fill.items()]
    axis_parts, axis_height = _x_axis(axis, bottom + 2)
    body += axis_parts
    legend_top = bottom + 2 + axis_height + 2
    legend_items = [
        (_swatch_box(_fill(prefix, "s", _SWELLING_FILLS, grade)), f"{grade} {grade_words[grade]}")
        for grade in range(SWELLING_MAX_GRADE + 1)
    ]
    legend_items.append((_swatch_box("#FFFFFF", dash="2 2"), _("blank: not recorded")))
    legend, legend_height = _legend(
        [(_swatch_box("none", outline="none"), _("Swelling grade:")), *legend_items],
        legend_top,
        8,
        axis.width - 16,
    )
    body += legend
    foam_line = _("Foam grade: %(words)s") % {
        "words": ", ".join(f"{grade} {word}" for grade, word in foam_words.items())
    }
    body.append(_text(8 + 20, legend_top + legend_height + 10.5, foam_line))
    height = legend_top + legend_height + LINE_HEIGHT + 2
    svg = _svg(prefix, axis.width, height, title, summary, body)
    return Chart(svg, title, summary, caption, header, rows, True)


def _runs(grade_by_day: Mapping[date, int], *, merge: bool) -> list[tuple[date, int, int]]:
    """(first day, length in days, grade) for consecutive days of one grade (or one per day)."""
    runs: list[list] = []
    for day, grade in grade_by_day.items():
        last = runs[-1] if runs else None
        if merge and last and last[2] == grade and (day - last[0]).days == last[1]:
            last[1] += 1
        else:
            runs.append([day, 1, grade])
    return [tuple(run) for run in runs]


# 3. Urine dipstick -------------------------------------------------------------------------------


def _dipstick_days(days: Iterable[tuple[date, int | None]]) -> dict[date, int]:
    return _by_day(days, lambda code: _int_or_none(code, 0, DIPSTICK_MAX_CODE))


def dipstick_grade_counts(
    days: Iterable[tuple[date, int | None]], axis: DateAxis | None = None
) -> dict[int, int]:
    """Days per dipstick grade code (0 negative … 5 for 4+), every code present; one reading per
    date (the last given); within the axis' period when one is given."""
    counts = dict.fromkeys(range(DIPSTICK_MAX_CODE + 1), 0)
    for day, code in _dipstick_days(days).items():
        if axis is None or axis.contains(day):
            counts[code] += 1
    return counts


def _dipstick_legend_items(prefix: str, kind: str, counts: Mapping[int, int] | None = None):
    """Every grade with its amount; with `counts`, only the grades counted, with their days (a
    grade with no day has no part to explain; its 0 is in the summary and the table)."""
    items = []
    for grade in DIPSTICK_GRADES:
        label = f"{grade.label} ({grade.approx_mg_dl} mg/dL)"
        if counts is not None:
            if not counts.get(grade.code):
                continue
            label = f"{grade.label}: {counts[grade.code]}"
        items.append((_swatch_box(_fill(prefix, kind, _DIPSTICK_FILLS, grade.code)), label))
    return items


def _dipstick_counts_text(counts: Mapping[int, int]) -> str:
    return ", ".join(f"{grade.label} {counts.get(grade.code, 0)}" for grade in DIPSTICK_GRADES)


def dipstick_tiles(
    axis: DateAxis,
    days: Iterable[tuple[date, int | None]],
    *,
    id_prefix: str = "dipstick",
    legend: bool = True,
) -> Chart:
    """One tile per day, shaded by dipstick protein grade (units.DIPSTICK_GRADES), labelled under
    the tile when the period is short enough; a day without a reading is an empty outline."""
    prefix = _safe_id(id_prefix)
    title = _("Urine dipstick protein")
    codes = _dipstick_days(days)
    shown = {day: code for day, code in codes.items() if axis.contains(day)}
    header = [_date_header(), _("Dipstick protein"), _("About (mg/dL)")]
    grade_labels = [str(grade.label) for grade in DIPSTICK_GRADES]
    rows = [
        [_iso(day), grade_labels[code], DIPSTICK_GRADES[code].approx_mg_dl]
        for day, code in shown.items()
    ]
    caption = _("Urine dipstick protein, first-morning urine, %(period)s") % {
        "period": _period_text(axis)
    }
    if table_block_days(axis) > 1:
        header = [_dates_header(), _("Days tested"), _("Highest"), _("Lowest")]
        rows = _block_rows(
            axis,
            shown.items(),
            lambda codes: [str(len(codes)), grade_labels[max(codes)], grade_labels[min(codes)]],
        )
        caption = _block_caption(caption, axis)
    if not shown:
        message = _too_little(_("no dipstick result in this period"))
        return Chart(
            _placeholder(prefix, title, message), title, message, caption, header, rows, False
        )

    counts = dipstick_grade_counts(shown.items())
    summary = _("Dipstick recorded on %(recorded)d of %(days)d days: %(counts)s") % {
        "recorded": len(shown),
        "days": axis.day_count,
        "counts": _dipstick_counts_text(counts),
    }
    last_day = next(reversed(shown))
    summary += "; " + _("latest %(grade)s on %(date)s.") % {
        "grade": DIPSTICK_GRADES[shown[last_day]].label,
        "date": _iso(last_day),
    }

    body = [_pattern_defs(prefix, "d", _DIPSTICK_FILLS)]
    top, tile_height = 4, 18
    bottom = top + tile_height
    body.append(
        _text(axis.left - 8, top + tile_height / 2 + FONT_SIZE * 0.35, _("Dipstick"), anchor="end")
    )
    separate = axis.day_width >= 4
    inset = min(4.0, axis.day_width * 0.12) if separate else 0.0
    # Missing days: one outline per run of missing days (one per day when tiles are separate).
    missing = {day: -1 for day in axis.days() if day not in shown}
    body.append(
        _cells(
            (
                (
                    axis.edge(first) + inset / 2,
                    top + 0.5,
                    max(axis.day_width * length - inset, 0.5),
                    tile_height - 1,
                )
                for first, length, _grade in _runs(missing, merge=not separate)
            ),
            f'fill="#FFFFFF" stroke="{MUTED}" stroke-width="0.75" stroke-dasharray="2 2"',
        )
    )
    tiles_by_fill: dict[str, list[tuple[float, float, float, float]]] = {}
    for first, length, code in _runs(shown, merge=not separate):
        tiles_by_fill.setdefault(_fill(prefix, "d", _DIPSTICK_FILLS, code), []).append(
            (
                axis.edge(first) + inset / 2,
                top,
                max(axis.day_width * length - inset, 0.5),
                tile_height,
            )
        )
    body += [_cells(tiles, f'fill="{fill}"') for fill, tiles in tiles_by_fill.items()]
    labels = {code: _dipstick_short(code) for code in range(DIPSTICK_MAX_CODE + 1)}
    label_room = axis.day_width - 2
    label_parts = []
    if all(text_width(label) <= label_room for label in labels.values()):
        for day, code in shown.items():
            label_parts.append(
                _text(axis.x(day), bottom + 4 + FONT_SIZE, labels[code], anchor="middle")
            )
    axis_top = bottom
    if label_parts:
        body += label_parts
        axis_top = bottom + LINE_HEIGHT + 4
    axis_parts, axis_height = _x_axis(axis, axis_top + 2)
    body += axis_parts
    legend_top = axis_top + 2 + axis_height + 2
    if not legend:  # the shades are explained elsewhere on the page (the summary's stacked bar)
        svg = _svg(prefix, axis.width, legend_top, title, summary, body)
        return Chart(svg, title, summary, caption, header, rows, True)
    legend_items = _dipstick_legend_items(prefix, "d")
    legend_items.append((_swatch_box("#FFFFFF", dash="2 2"), _("outline: not recorded")))
    legend_parts, legend_height = _legend(legend_items, legend_top, 8, axis.width - 16)
    body += legend_parts
    svg = _svg(prefix, axis.width, legend_top + legend_height + 2, title, summary, body)
    return Chart(svg, title, summary, caption, header, rows, True)


def dipstick_stacked_bar(
    counts: Mapping[int, int], total_days: int, *, id_prefix: str = "dipstick-bar"
) -> Chart:
    """Days per dipstick grade as one horizontal stacked bar (the summary's key numbers), with the
    days not recorded (`total_days` less the counted days) as a last, outlined part.

    BAR_WIDTH units wide, for a column of at least 85 mm (text 8 pt or more)."""
    prefix = _safe_id(id_prefix)
    title = _("Dipstick results by grade")
    clean = {
        code: max(0, _int_or_none(counts.get(code, 0), 0, 10**9) or 0)
        for code in range(DIPSTICK_MAX_CODE + 1)
    }
    recorded = sum(clean.values())
    total = max(int(total_days or 0), recorded)
    not_recorded = total - recorded
    header = [_("Dipstick protein"), _("Days"), _("Share of days")]
    rows = [
        [str(grade.label), str(clean[grade.code]), _percent(clean[grade.code], total)]
        for grade in DIPSTICK_GRADES
    ]
    rows.append([_("not recorded"), str(not_recorded), _percent(not_recorded, total)])
    caption = _("Days per dipstick grade, out of %(total)d days") % {"total": total}
    if recorded == 0:
        message = _too_little(_("no dipstick result"))
        return Chart(
            _placeholder(prefix, title, message, BAR_WIDTH),
            title,
            message,
            caption,
            header,
            rows,
            False,
        )
    summary = _(
        "Dipstick on %(recorded)d of %(total)d days: %(counts)s; not recorded %(missing)d."
    ) % {
        "recorded": recorded,
        "total": total,
        "counts": _dipstick_counts_text(clean),
        "missing": not_recorded,
    }
    left, width, top, bar_height = 4, BAR_WIDTH - 8, 4, 24
    body = [_pattern_defs(prefix, "b", _DIPSTICK_FILLS)]
    x = float(left)
    for code, count in clean.items():
        if not count:
            continue
        part = width * count / total
        body.append(
            f'<rect x="{_f(x)}" y="{top}" width="{_f(part)}" height="{bar_height}"'
            f' fill="{_fill(prefix, "b", _DIPSTICK_FILLS, code)}" stroke="#FFFFFF"'
            ' stroke-width="0.75"/>'
        )
        text = str(count)
        if text_width(text) + 4 <= part:
            ink = "#FFFFFF" if _is_dark(_DIPSTICK_FILLS[code][0]) else BLACK
            plate = ""
            if _DIPSTICK_FILLS[code][1]:  # keep the number readable on a pattern
                plate_width = text_width(text) + 2
                plate = (
                    f'<rect x="{_f(x + part / 2 - plate_width / 2)}" y="{top + 5}"'
                    f' width="{_f(plate_width)}" height="14" fill="#FFFFFF"/>'
                )
                ink = BLACK
            body.append(
                plate
                + _text(
                    x + part / 2,
                    top + bar_height / 2 + FONT_SIZE * 0.35,
                    text,
                    anchor="middle",
                    fill=ink,
                )
            )
        x += part
    if not_recorded:
        part = width * not_recorded / total
        body.append(
            f'<rect x="{_f(x + 0.5)}" y="{top + 0.5}" width="{_f(max(part - 1, 0.5))}"'
            f' height="{bar_height - 1}" fill="#FFFFFF" stroke="{MUTED}" stroke-dasharray="2 2"/>'
        )
        if text_width(str(not_recorded)) + 4 <= part:
            body.append(
                _text(
                    x + part / 2,
                    top + bar_height / 2 + FONT_SIZE * 0.35,
                    str(not_recorded),
                    anchor="middle",
                )
            )
    legend_items = _dipstick_legend_items(prefix, "b", clean)
    if not_recorded:
        legend_items.append(
            (
                _swatch_box("#FFFFFF", dash="2 2"),
                _("no test: %(count)d") % {"count": not_recorded},
            )
        )
    legend, legend_height = _legend(legend_items, top + bar_height + 4, left, width)
    body += legend
    height = top + bar_height + 4 + legend_height + 2
    svg = _svg(prefix, BAR_WIDTH, height, title, summary, body)
    return Chart(svg, title, summary, caption, header, rows, True)


def _percent(part: int, total: int) -> str:
    if not total:
        return "–"
    return f"{rounded(Decimal(part) * 100 / total, 0)}%"


# 4. Blood pressure -------------------------------------------------------------------------------


def blood_pressure_chart(
    axis: DateAxis,
    readings: Iterable[tuple[date, int, int]],
    target: tuple[int, int] | None = None,
    *,
    id_prefix: str = "blood-pressure",
    plot_height: int = 132,
) -> Chart:
    """Each reading as a down-pointing triangle at the systolic and an up-pointing one at the
    diastolic value (the charting convention), joined by a line; dashed target lines when given.
    Over WEEKLY_AFTER_DAYS days a reading's triangles would be a pixel apart: each week's
    average is drawn instead (the legend says so; the summary counts every reading, and the
    table has a row a week with each week's readings, averages and highest values).

    A reading is above target when its systolic or its diastolic is higher than the target's.
    """
    prefix = _safe_id(id_prefix)
    title = _("Blood pressure")
    clean: list[tuple[date, int, int]] = []
    for reading in readings:
        if len(reading) < 3 or not isinstance(reading[0], date):
            continue
        systolic = _int_or_none(reading[1], 1, 400)
        diastolic = _int_or_none(reading[2], 1, 400)
        if systolic is not None and diastolic is not None and axis.contains(reading[0]):
            clean.append((reading[0], systolic, diastolic))
    clean.sort(key=lambda reading: reading[0])
    target_pair = None
    if target is not None and len(target) == 2:
        target_systolic, target_diastolic = (_int_or_none(v, 1, 400) for v in target)
        if target_systolic is not None and target_diastolic is not None:
            target_pair = (target_systolic, target_diastolic)

    def above(systolic: int, diastolic: int) -> bool:
        return target_pair is not None and (systolic > target_pair[0] or diastolic > target_pair[1])

    header = [_date_header(), _("Systolic (mmHg)"), _("Diastolic (mmHg)")]
    if target_pair:
        header.append(
            _("Above the %(s)d/%(d)d target") % {"s": target_pair[0], "d": target_pair[1]}
        )
    yes, no = _("yes"), _("no")

    def daily_rows() -> list[list[str]]:
        rows = []
        for day, systolic, diastolic in clean:
            row = [_iso(day), str(systolic), str(diastolic)]
            if target_pair:
                row.append(yes if above(systolic, diastolic) else no)
            rows.append(row)
        return rows

    rows = LazyRows(daily_rows)
    caption = _("Blood pressure readings in mmHg, %(period)s") % {"period": _period_text(axis)}
    if table_block_days(axis) > 1:
        header = [
            _dates_header(),
            _("Readings"),
            _("Average systolic (mmHg)"),
            _("Average diastolic (mmHg)"),
            _("Highest systolic (mmHg)"),
            _("Highest diastolic (mmHg)"),
        ]
        if target_pair:
            header.append(
                _("Readings above the %(s)d/%(d)d target")
                % {"s": target_pair[0], "d": target_pair[1]}
            )

        def summarise(week: list[tuple[date, int, int]]) -> list[str]:
            systolic, diastolic = [r[1] for r in week], [r[2] for r in week]
            row = [
                str(len(week)),
                *(_fixed(rounded(_mean(values), 0)) for values in (systolic, diastolic)),
                str(max(systolic)),
                str(max(diastolic)),
            ]
            if target_pair:
                row.append(str(sum(1 for r in week if above(r[1], r[2]))))
            return row

        rows = _block_rows(axis, ((reading[0], reading) for reading in clean), summarise)
        caption = _block_caption(caption, axis)
    if len(clean) < MIN_LINE_READINGS:
        what = ngettext(
            "%(count)d blood pressure reading in this period (at least 2 are needed)",
            "%(count)d blood pressure readings in this period (at least 2 are needed)",
            len(clean),
        ) % {"count": len(clean)}
        message = _too_little(what)
        return Chart(
            _placeholder(prefix, title, message), title, message, caption, header, rows, False
        )

    count = len(clean)
    mean_systolic = rounded(Decimal(sum(r[1] for r in clean)) / count, 0)
    mean_diastolic = rounded(Decimal(sum(r[2] for r in clean)) / count, 0)
    reading_days = len({r[0] for r in clean})
    summary = _("Average blood pressure %(s)s/%(d)s mmHg over %(count)d readings on %(days)d") % {
        "s": mean_systolic,
        "d": mean_diastolic,
        "count": count,
        "days": reading_days,
    }
    summary += " " + ngettext("day", "days", reading_days)
    if target_pair:
        above_count = sum(1 for r in clean if above(r[1], r[2]))
        summary += "; " + _(
            "%(count)d of %(total)d readings (%(percent)s) above the %(s)d/%(d)d target"
        ) % {
            "count": above_count,
            "total": count,
            "percent": _percent(above_count, count),
            "s": target_pair[0],
            "d": target_pair[1],
        }
        summary += "; " + _(
            "shaded bands show the target: systolic up to %(s)d, diastolic up to %(d)d"
        ) % {"s": target_pair[0], "d": target_pair[1]}
    summary += "."

    weekly = axis.day_count > WEEKLY_AFTER_DAYS
    legend_items = [
        (
            _triangle(8, 11, 4, VERMILLION, pointing="down"),
            _("Systolic, weekly average") if weekly else _("Systolic"),
        ),
        (
            _triangle(8, 1, 4, BLUE, pointing="up"),
            _("Diastolic, weekly average") if weekly else _("Diastolic"),
        ),
    ]
    if target_pair:
        # One entry for both bands: systolic's (top half) over diastolic's dotted one, each with
        # its dashed edge, as in the plot.
        legend_items.append(
            (
                f'<rect x="1" y="0" width="14" height="6" fill="{SYSTOLIC_BAND_FILL}"/>'
                f'<rect x="1" y="6" width="14" height="6" fill="url(#{prefix}-band-diastolic)"/>'
                f'<path d="M1 0.5H15" stroke="{VERMILLION}" stroke-width="1.25"'
                ' stroke-dasharray="4 2"/>'
                f'<path d="M1 6H15" stroke="{BLUE}" stroke-width="1.25" stroke-dasharray="2 2"/>',
                _("Target %(s)d/%(d)d or lower (shaded)")
                % {"s": target_pair[0], "d": target_pair[1]},
            )
        )
    legend, top = _legend_over_plot(legend_items, axis)
    bottom = top + plot_height
    scale = blood_pressure_scale(
        [value for reading in clean for value in reading[1:]], target_pair, top, bottom
    )
    body = []
    if target_pair:
        body.append(
            f'<defs><pattern id="{prefix}-band-diastolic" patternUnits="userSpaceOnUse"'
            f' width="8" height="8"><rect width="8" height="8" fill="{DIASTOLIC_BAND_FILL}"/>'
            f'<circle cx="4" cy="4" r="0.9" fill="{BLUE}" fill-opacity="0.45"/></pattern></defs>'
        )
    body += legend + _x_grid(axis, top, bottom)
    if target_pair:
        body += _target_bands(axis, scale, target_pair, prefix)
    body += _y_axis(scale, axis, "mmHg")
    if target_pair:
        for value, colour, dash in (
            (target_pair[0], VERMILLION, "6 3"),
            (target_pair[1], BLUE, "2 2"),
        ):
            y = _f(scale.y(value))
            body.append(
                f'<path d="M{axis.left} {y}H{_f(axis.plot_right)}" stroke="{colour}"'
                f' stroke-width="1.25" stroke-dasharray="{dash}"/>'
            )
    per_day: dict[date, list[tuple[float, float]]] = {}
    if weekly:
        for week_start, week in _weeks(clean).items():
            middle = min(week_start + timedelta(days=3), axis.end)
            per_day[max(middle, axis.start)] = [
                (
                    sum(reading[1] for reading in week) / len(week),
                    sum(reading[2] for reading in week) / len(week),
                )
            ]
    else:
        for day, systolic, diastolic in clean:
            per_day.setdefault(day, []).append((systolic, diastolic))
    size = 4.0 if axis.day_width >= 6 or weekly else 3.0
    # Three shapes however many readings: the lines joining each pair, then every systolic and
    # every diastolic triangle (a PDF renderer paints a shape, not a point, at a time).
    connector = 1 if axis.day_width >= 4 else 0.5  # a year of readings: keep the triangles in front
    lines, tops, bottoms = [], [], []
    for day, day_readings in per_day.items():
        spread = axis.day_width >= 8 and len(day_readings) > 1
        for index, (systolic, diastolic) in enumerate(day_readings):
            x = (
                axis.edge(day) + axis.day_width * (index + 1) / (len(day_readings) + 1)
                if spread
                else axis.x(day)
            )
            y_systolic, y_diastolic = scale.y(systolic), scale.y(diastolic)
            lines.append(f"M{_f(x)} {_f(y_systolic)}V{_f(y_diastolic)}")
            tops.append(_triangle_path(x, y_systolic, size, pointing="down"))
            bottoms.append(_triangle_path(x, y_diastolic, size, pointing="up"))
    body.append(
        f'<path class="bp-lines" d="{"".join(lines)}" stroke="{MUTED}"'
        f' stroke-width="{connector}" fill="none"/>'
    )
    body.append(f'<path class="systolic" d="{"".join(tops)}" fill="{VERMILLION}"/>')
    body.append(f'<path class="diastolic" d="{"".join(bottoms)}" fill="{BLUE}"/>')
    axis_parts, axis_height = _x_axis(axis, bottom)
    body += axis_parts
    svg = _svg(prefix, axis.width, bottom + axis_height, title, summary, body)
    return Chart(svg, title, summary, caption, header, rows, True)


def blood_pressure_scale(
    values: Sequence[int], target: tuple[int, int] | None, top: float, bottom: float
) -> _Scale:
    """The blood-pressure axis: 60 to 160 mmHg at least (never from 0, where no reading is),
    wider in 10 mmHg steps when a reading or the target needs it (a 230 reaches 240), labelled
    every 20 mmHg or more so labels keep apart."""
    low = min([60, *(value - 10 for value in values), *((target[1] - 10,) if target else ())])
    high = max([160, *(value + 10 for value in values), *((target[0] + 10,) if target else ())])
    return fitted_scale(low, high, top, bottom, grain=10, min_span=40, pad=0)


def _target_bands(axis: DateAxis, scale: _Scale, target: tuple[int, int], prefix: str) -> list[str]:
    """The care team's target range as two bands, AGP-style. A systolic triangle is on target
    inside the upper band (from the systolic target down to the diastolic one); a diastolic
    triangle is on target inside the lower, dotted band (from the diastolic target down to the
    axis' foot). Their top edges are the dashed target lines drawn over them."""
    systolic, diastolic = target
    width = _f(axis.plot_right - axis.left)
    parts = []
    if systolic > diastolic:
        y_top, y_low = scale.y(systolic), scale.y(diastolic)
        parts.append(
            f'<rect class="band-systolic" x="{axis.left}" y="{_f(y_top)}" width="{width}"'
            f' height="{_f(y_low - y_top)}" fill="{SYSTOLIC_BAND_FILL}"/>'
        )
    y_top = scale.y(diastolic)
    parts.append(
        f'<rect class="band-diastolic" x="{axis.left}" y="{_f(y_top)}" width="{width}"'
        f' height="{_f(scale.bottom - y_top)}" fill="url(#{prefix}-band-diastolic)"/>'
    )
    return parts


# 5. Steroid dose ---------------------------------------------------------------------------------


def dose_steps(
    axis: DateAxis,
    steps: Iterable[tuple[date, Decimal]],
    label: str = "Prednisone",
    *,
    id_prefix: str | None = None,
    plot_height: int = 72,
    course: str = "",
) -> Chart:
    """The daily dose (mg/day) as a step line: each step holds from its date until the next one;
    a step of 0 is a stop, and the line stays at zero until a new step. Before the first step the
    dose is unknown and nothing is drawn. `course` is the taper in one line ("Prednisone 60 mg →
    stopped, …, 10 steps"), written beside the legend and first in the text alternative."""
    prefix = _safe_id(id_prefix or f"dose-{label}")
    title = _("%(medicine)s dose") % {"medicine": label}
    doses: dict[date, Decimal] = _by_day(steps, _non_negative_decimal)
    before = [day for day in doses if day < axis.start]
    inside = [day for day in doses if axis.contains(day)]
    # The dose in effect on the first day, from the last step before the period.
    drawn = ([before[-1]] if before else []) + inside
    unit = "mg/day"
    header = [
        _date_header(),
        _("%(medicine)s (%(unit)s)") % {"medicine": label, "unit": unit},
        _("Change"),
    ]
    rows = []
    previous = doses[before[-1]] if before else None
    if before:
        rows.append([_iso(before[-1]), _number(previous), _("in effect when the period starts")])
    for day in inside:
        dose = doses[day]
        rows.append([_iso(day), _number(dose), _change_word(previous, dose)])
        previous = dose
    caption = _("%(medicine)s dose in %(unit)s, %(period)s") % {
        "medicine": label,
        "unit": unit,
        "period": _period_text(axis),
    }
    if not drawn:
        message = _too_little(
            _("no %(medicine)s dose recorded in this period") % {"medicine": label}
        )
        return Chart(
            _placeholder(prefix, title, message), title, message, caption, header, rows, False
        )

    start_dose = doses[before[-1]] if before else None
    end_dose = doses[drawn[-1]]
    changes = len(inside)
    stopped = [day for day in inside if doses[day] == 0]
    parts = []
    if start_dose is not None:
        parts.append(
            _("%(medicine)s was %(dose)s mg/day when the period started")
            % {"medicine": label, "dose": _number(start_dose)}
        )
    else:
        parts.append(
            _("%(medicine)s started at %(dose)s mg/day on %(date)s")
            % {"medicine": label, "dose": _number(doses[inside[0]]), "date": _iso(inside[0])}
        )
    parts.append(_("%(dose)s mg/day at the end") % {"dose": _number(end_dose)})
    parts.append(
        ngettext("%(count)d change in the period", "%(count)d changes in the period", changes)
        % {"count": changes}
    )
    if stopped and end_dose == 0:
        parts.append(_("stopped on %(date)s") % {"date": _iso(stopped[-1])})
    summary = "; ".join(parts) + "."
    if course:
        summary = f"{course}. {summary}"

    legend_items = [
        (
            _swatch_line(BLUISH_GREEN, width=2.5),
            _("%(medicine)s, %(unit)s") % {"medicine": label, "unit": unit},
        )
    ]
    if course:
        legend_items.append((_swatch_box("none", outline="none"), course))
    legend, top = _legend_over_plot(legend_items, axis)
    bottom = top + plot_height
    highest = float(max(doses[day] for day in drawn))
    scale = _nice_scale(0.0, highest, top, bottom, min_span=5.0, from_zero=True)
    body = legend + _x_grid(axis, top, bottom) + _y_axis(scale, axis, unit)
    d = []
    for index, day in enumerate(drawn):
        x0 = max(axis.edge(day), axis.left)
        x1 = axis.edge(drawn[index + 1]) if index + 1 < len(drawn) else axis.plot_right
        y = _f(scale.y(doses[day]))
        d.append(f"{'L' if d else 'M'}{_f(x0)} {y}H{_f(x1)}")
    first_x = max(axis.edge(drawn[0]), axis.left)
    path = "".join(d)
    body.append(
        f'<path d="{path}V{_f(bottom)}H{_f(first_x)}Z" fill="{BLUISH_GREEN}" fill-opacity="0.15"/>'
    )
    body.append(f'<path d="{path}" fill="none" stroke="{BLUISH_GREEN}" stroke-width="2.5"/>')
    # Dose values at each change, left to right, skipping any that would overlap the one before.
    last_right = -math.inf
    for day in drawn:
        x = max(axis.edge(day), axis.left) + 3
        text = _("stop") if doses[day] == 0 else _number(doses[day])
        if x >= last_right + 4 and x + text_width(text) <= axis.plot_right:
            y = scale.y(doses[day])
            # Above the line, unless that would reach into the legend: then just under it.
            body.append(_text(x, y - 5 if y - 5 >= top else y + FONT_SIZE + 2, text))
            last_right = x + text_width(text)
    axis_parts, axis_height = _x_axis(axis, bottom)
    body += axis_parts
    svg = _svg(prefix, axis.width, bottom + axis_height, title, summary, body)
    return Chart(svg, title, summary, caption, header, rows, True)


def _non_negative_decimal(value) -> Decimal | None:
    number = _decimal_or_none(value)
    return number if number is not None and number >= 0 else None


def _change_word(previous: Decimal | None, dose: Decimal) -> str:
    if dose == 0:
        return _("stop")
    if previous is None or previous == 0:
        return _("start")
    if dose < previous:
        return _("down %(by)s") % {"by": _number(previous - dose)}
    if dose > previous:
        return _("up %(by)s") % {"by": _number(dose - previous)}
    return _("no change")


# 6. Lab results ----------------------------------------------------------------------------------


def lab_points(
    axis: DateAxis,
    points: Iterable[tuple[date, Decimal]],
    unit: str,
    label: str,
    reference: Decimal | None = None,
    *,
    reference_label: str | None = None,
    id_prefix: str | None = None,
    plot_height: int = 96,
    log_range: tuple[Decimal, Decimal] | None = None,
    upper_line: tuple[Decimal, str] | None = None,
) -> Chart:
    """Lab results (in `unit`, as the caller wants them shown) as points joined by a thin line, with
    a dashed reference line (e.g. UPCR 0.3 g/g, remission.ADULT_COMPLETE_BELOW_G_PER_G). Labs come
    every 4-8 weeks, so one result is enough for a chart. The value axis starts at zero, or, with
    `log_range` (low, high in `unit`), is a log axis over at least that range (UPCR: 0.1 to 10 g/g,
    where a value 10 times another is the same step up wherever it is). `upper_line` is a second
    labelled line (value, label), e.g. the nephrotic line above the remission line."""
    prefix = _safe_id(id_prefix or f"lab-{label}")
    title = str(label)
    values: dict[date, Decimal] = _by_day(points, _non_negative_decimal)
    shown = [day for day in values if axis.contains(day)]
    reference_value = _non_negative_decimal(reference)
    header = [_date_header(), f"{label} ({unit})"]
    rows = [[_iso(day), _number(values[day])] for day in shown]
    caption = _("%(lab)s in %(unit)s, %(period)s") % {
        "lab": label,
        "unit": unit,
        "period": _period_text(axis),
    }
    if not shown:
        message = _too_little(_("no %(lab)s result in this period") % {"lab": label})
        return Chart(
            _placeholder(prefix, title, message), title, message, caption, header, rows, False
        )

    first, last = shown[0], shown[-1]
    if len(shown) == 1:
        summary = _("One %(lab)s result: %(value)s %(unit)s on %(date)s") % {
            "lab": label,
            "value": _number(values[first]),
            "unit": unit,
            "date": _iso(first),
        }
    else:
        summary = _(
            "%(lab)s went from %(first)s %(unit)s on %(first_date)s to %(last)s %(unit)s on "
            "%(last_date)s (%(count)d results)"
        ) % {
            "lab": label,
            "first": _number(values[first]),
            "first_date": _iso(first),
            "last": _number(values[last]),
            "last_date": _iso(last),
            "unit": unit,
            "count": len(shown),
        }
    if reference_value is not None:
        side = (
            _("above")
            if values[last] > reference_value
            else (_("at") if values[last] == reference_value else _("below"))
        )
        summary += "; " + _(
            "the latest is %(side)s the reference line (%(reference)s %(unit)s)"
        ) % {
            "side": side,
            "reference": _number(reference_value),
            "unit": unit,
        }
    summary += "."

    # With two lines the legend needs its row: the unit is on the axis already.
    legend_items = [(_circle(8, 6, 4, BLUE), label if upper_line else f"{label} ({unit})")]
    if reference_value is not None:
        legend_items.append(
            (
                _swatch_line(BLUISH_GREEN, dash="6 3", width=1.5),
                reference_label
                or _("Reference: %(value)s %(unit)s")
                % {"value": _number(reference_value), "unit": unit},
            )
        )
    upper_value = _positive_decimal(upper_line[0]) if upper_line else None
    if upper_value is not None:
        legend_items.append((_swatch_line(VERMILLION, dash="2 2", width=1.5), upper_line[1]))
    legend, top = _legend_over_plot(legend_items, axis)
    bottom = top + plot_height
    lines = [line for line in (reference_value, upper_value) if line is not None]
    if log_range is not None:
        positive = [float(values[day]) for day in shown if values[day] > 0]
        scale = log_scale(
            min([float(log_range[0]), *positive, *(float(line) for line in lines if line > 0)]),
            max([float(log_range[1]), *positive, *(float(line) for line in lines)]),
            top,
            bottom,
        )
    else:
        highest = max([float(values[day]) for day in shown] + [float(line) for line in lines])
        scale = _nice_scale(0.0, highest * 1.1 or 1.0, top, bottom, min_span=0.0001, from_zero=True)
    body = legend + _x_grid(axis, top, bottom) + _y_axis(scale, axis, unit)
    if reference_value is not None:
        y = _f(scale.y(reference_value))
        body.append(
            f'<path d="M{axis.left} {y}H{_f(axis.plot_right)}" stroke="{BLUISH_GREEN}"'
            ' stroke-width="1.5" stroke-dasharray="6 3"/>'
        )
    if upper_value is not None:
        y = _f(scale.y(upper_value))
        body.append(
            f'<path class="upper-line" d="M{axis.left} {y}H{_f(axis.plot_right)}"'
            f' stroke="{VERMILLION}" stroke-width="1.5" stroke-dasharray="2 2"/>'
        )
    if len(shown) > 1:
        body.append(_polyline([(axis.x(day), scale.y(values[day])) for day in shown], BLUE, 1.25))
    body.append(_dots([(axis.x(day), scale.y(values[day])) for day in shown], 4, BLUE, "results"))
    last_right = -math.inf
    for day in shown:
        x, y = axis.x(day), scale.y(values[day])
        text = _number(values[day])
        if y - 8 >= top:  # above the point
            left_edge, right_edge = x - text_width(text) / 2, x + text_width(text) / 2
            label = _text(x, y - 8, text, anchor="middle")
        else:  # a point at the top: beside it, clear of the legend
            left_edge, right_edge = x + 7, x + 7 + text_width(text)
            label = _text(x + 7, y + FONT_SIZE * 0.35, text)
        if left_edge >= last_right + 4 and right_edge <= axis.width:
            body.append(label)
            last_right = right_edge
    axis_parts, axis_height = _x_axis(axis, bottom)
    body += axis_parts
    svg = _svg(prefix, axis.width, bottom + axis_height, title, summary, body)
    return Chart(svg, title, summary, caption, header, rows, True)


# 7. "Anything else today?" marks ----------------------------------------------------------------


def _symptom_row_labels() -> dict[str, str]:
    """Short row labels (they fit the axis' left margin); the key under the lane spells them out."""
    return {
        "leg_swollen": _("Leg"),
        "chest_pain": _("Chest"),
        "belly_pain": _("Belly pain"),
        "vomiting_diarrhoea": _("Vomiting"),
        "infection_contact": _("Contact"),
    }


def symptom_marks(
    axis: DateAxis,
    days: Iterable[tuple[date, Iterable[str]]],
    *,
    id_prefix: str = "symptoms",
) -> Chart:
    """A marker lane of the days something was ticked under "Anything else today?": one row per
    checklist item (tracker.symptoms.SYMPTOMS order), a diamond on each day it was ticked. The row
    (and its label) is the second cue besides colour; the key spells out each short label."""
    prefix = _safe_id(id_prefix)
    title = _("Anything else today? (ticked items)")
    row_labels = _symptom_row_labels()
    ticked: dict[date, frozenset[str]] = {}
    for day, codes in days:
        known = frozenset(codes) & set(row_labels)
        if known and axis.contains(day):
            ticked[day] = known
    ticked = dict(sorted(ticked.items()))
    header = [_date_header(), _("Ticked")]
    rows = [[_iso(day), "; ".join(symptom_labels(codes))] for day, codes in ticked.items()]
    caption = _("Items ticked under “Anything else today?”, %(period)s") % {
        "period": _period_text(axis)
    }
    if not ticked:
        message = _("Nothing was ticked under “Anything else today?” in this period.")
        return Chart(
            _placeholder(prefix, title, message), title, message, caption, header, rows, False
        )
    counts = [
        (str(symptom.label), sum(1 for codes in ticked.values() if symptom.code in codes))
        for symptom in SYMPTOMS
    ]
    summary = _("Something was ticked on %(ticked)d of %(days)d days: %(counts)s.") % {
        "ticked": len(ticked),
        "days": axis.day_count,
        "counts": ", ".join(
            f"{label} {count} " + ngettext("day", "days", count) for label, count in counts if count
        ),
    }

    top, row_height, row_gap = 4, 14, 2
    body = []
    bottom = top + len(SYMPTOMS) * (row_height + row_gap) - row_gap
    body += _x_grid(axis, top, bottom)
    radius = max(2.5, min(6.0, axis.day_width * 0.45))
    for index, symptom in enumerate(SYMPTOMS):
        row_top = top + index * (row_height + row_gap)
        middle = row_top + row_height / 2
        body.append(
            _text(axis.left - 8, middle + FONT_SIZE * 0.35, row_labels[symptom.code], anchor="end")
        )
        body.append(
            f'<rect x="{axis.left}" y="{row_top}" width="{_f(axis.plot_right - axis.left)}"'
            f' height="{row_height}" fill="none" stroke="{GRID}" stroke-width="0.75"/>'
        )
        points = [(axis.x(day), middle) for day, codes in ticked.items() if symptom.code in codes]
        if points:
            body.append(_diamonds(points, radius, VERMILLION, "symptom-mark"))
    axis_parts, axis_height = _x_axis(axis, bottom + 2)
    body += axis_parts
    legend_top = bottom + 2 + axis_height + 2
    diamond = f'<path d="M8 0L14 6L8 12L2 6Z" fill="{VERMILLION}" stroke="{BLACK}"/>'
    key = [(diamond, _("ticked that day"))]
    key += [
        (_swatch_box("none", outline="none"), f"{row_labels[symptom.code]}: {symptom.label}")
        for symptom in SYMPTOMS
        if row_labels[symptom.code] != str(symptom.label)
    ]
    legend, legend_height = _legend(key, legend_top, 8, axis.width - 16)
    body += legend
    svg = _svg(prefix, axis.width, legend_top + legend_height + 2, title, summary, body)
    return Chart(svg, title, summary, caption, header, rows, True)


# Sparklines (labs page) ---------------------------------------------------------------------------

SPARK_WIDTH = 120
SPARK_HEIGHT = 32
SPARK_PAD = 4


def sparkline(
    id_prefix: str, points: Sequence[tuple[date, Decimal]], *, title: str, desc: str
) -> SafeString | None:
    """A tiny line of one test's results over time, the latest point marked: no axes, no text, so
    it fits beside the latest value on a phone. The numbers are in `desc` (the text alternative),
    which the page also shows; the line only shows the direction. None with fewer than 2 points,
    since one point has no direction."""
    if len(points) < 2:
        return None
    ordered = sorted(points, key=lambda point: point[0])
    first_day, last_day = ordered[0][0], ordered[-1][0]
    span_days = max((last_day - first_day).days, 1)
    values = [float(value) for _day, value in ordered]
    low, high = min(values), max(values)
    inner_width, inner_height = SPARK_WIDTH - 2 * SPARK_PAD, SPARK_HEIGHT - 2 * SPARK_PAD

    def place(day: date, value: float) -> tuple[float, float]:
        x = SPARK_PAD + (day - first_day).days / span_days * inner_width
        share = 0.5 if high == low else (value - low) / (high - low)
        return x, SPARK_PAD + (1 - share) * inner_height

    xy = [place(day, value) for (day, _value), value in zip(ordered, values, strict=True)]
    prefix = _safe_id(id_prefix)
    last_x, last_y = xy[-1]
    return SafeString(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" width="{SPARK_WIDTH}"'
        f' height="{SPARK_HEIGHT}" viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" role="img"'
        f' aria-labelledby="{prefix}-title {prefix}-desc" focusable="false">'
        f'<title id="{prefix}-title">{_escape(title)}</title>'
        f'<desc id="{prefix}-desc">{_escape(desc)}</desc>'
        + _polyline(xy, BLUE, 2)
        + _circle(last_x, last_y, 3.5, BLACK)
        + "</svg>"
    )
