"""One patient's records over a period, for the trends page and the visit summary.

`gather(patient, period)` reads everything the charts need in four queries, whatever the period's
length or the history's size (days with their 7-day look-back, blood pressure readings, labs,
steroid dose steps), and returns plain values: no model objects leave this module.
`build_charts(data)` turns them into charts.py charts on ONE shared DateAxis, so every chart puts
a day at the same x.

Periods: the last 14, 28, 90 or 365 days ending on the patient's today, or a custom start and end
(at most MAX_PERIOD_DAYS long, not in the future).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property
from html import escape

from django.db.models import Q
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tracker import alerts, caching, charts, remission, symptoms, units
from tracker.models import (
    LAB_SHORT_NAMES,
    SWELLING_FIELDS,
    DoseStep,
    DoseUnit,
    Frequency,
    LabKind,
    Patient,
    Purpose,
)
from tracker.summary import UPCR_LOG_RANGE_G_PER_G, upcr_lines

PERIOD_CHOICES = (14, 28, 90, 365)
DEFAULT_PERIOD_DAYS = 28
MAX_PERIOD_DAYS = 1827  # five years, leap days included
# The 7-day average and the 7-day alert line of the weight chart look back this far.
LOOK_BACK_DAYS = max(charts.AVERAGE_WINDOW_DAYS, charts.ALERT_WINDOW_DAYS)

# Labs drawn besides UPCR, each only when the period has a result.
OTHER_LABS = (LabKind.ALBUMIN, LabKind.CREATININE, LabKind.EGFR)
CHARTED_LABS = (LabKind.UPCR, *OTHER_LABS)
# CLINICAL.md "Nephrotic syndrome": blood albumin below 30 g/L.
LOW_ALBUMIN_G_PER_L = Decimal("30")

# A dose in mg, g or µg turns into mg; a unit like tablets or mL cannot be drawn in mg/day.
MG_PER_DOSE_UNIT = {
    DoseUnit.MG: Decimal(1),
    DoseUnit.G: Decimal(1000),
    DoseUnit.MICROGRAM: Decimal("0.001"),
}
# Doses a day for each frequency; "when needed" and "other" have no daily amount.
DOSES_PER_DAY = {
    Frequency.ONCE_DAILY: Decimal(1),
    Frequency.TWICE_DAILY: Decimal(2),
    Frequency.THREE_DAILY: Decimal(3),
    Frequency.FOUR_DAILY: Decimal(4),
    Frequency.EVERY_OTHER_DAY: Decimal("0.5"),
    Frequency.WEEKLY: Decimal(1) / Decimal(7),
}


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both included; `preset` is 14/28/90/365 or None for a custom one."""

    start: date
    end: date
    preset: int | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @classmethod
    def last(cls, days: int, today: date) -> "Period":
        preset = days if days in PERIOD_CHOICES else None
        return cls(today - timedelta(days=days - 1), today, preset)


def mg_per_day(dose: Decimal, unit: str, frequency: str) -> Decimal | None:
    """The daily amount in mg of a dose step (60 mg every other day = 30 mg/day), or None when
    the unit is not a weight or the frequency has no daily amount (when needed, other)."""
    per_day = DOSES_PER_DAY.get(frequency)
    if per_day is None:
        return None
    if unit not in MG_PER_DOSE_UNIT:
        return None
    milligrams = dose * MG_PER_DOSE_UNIT[unit]
    return units.rounded(milligrams * per_day, 3).normalize()


@dataclass
class SteroidCourse:
    """One steroid (by name) as dated daily doses; a stop is a step of 0 the day after."""

    name: str
    steps: list[tuple[date, Decimal]] = field(default_factory=list)
    skipped: int = 0  # steps without a daily amount in mg (tablets, "when needed", ...)


@dataclass
class TrendData:
    """Plain values for one period: canonical units (kg, mmHg, each lab's canonical unit)."""

    period: Period
    weight_unit: str
    upcr_unit: str
    is_child: bool
    weight_alert_limit: alerts.Limit | None  # the 7-day rule's number, with its unit
    blood_pressure_target: tuple[int, int] | None
    weights: list[tuple[date, Decimal]]  # includes LOOK_BACK_DAYS before the period
    swelling_foam: list[tuple[date, dict[str, int], int]]
    dipsticks: list[tuple[date, int]]
    blood_pressures: list[tuple[date, object, int, int, int | None]]  # date, time, sys, dia, pulse
    labs: dict[str, list[tuple[date, Decimal]]]
    lab_units: dict[str, str]  # the unit each lab kind is shown in (as the lab reported it)
    steroids: list[SteroidCourse]
    # Days with "Anything else today?" items ticked, in the period (tracker.symptoms codes).
    symptoms: list[tuple[date, frozenset[str]]] = field(default_factory=list)
    # The weights as typed, with their unit (what the alert rule compares), by date.
    typed_weights: dict[date, tuple[Decimal, str]] = field(default_factory=dict)

    @property
    def logged_days(self) -> int:
        return len(self.swelling_foam)


def gather(patient: Patient, period: Period) -> TrendData:
    """Everything the trends charts need, in four queries whatever the period's length."""
    look_back_start = period.start - timedelta(days=LOOK_BACK_DAYS)
    day_rows = patient.diary_days.filter(date__range=(look_back_start, period.end)).values_list(
        "date",
        "weight_kg",
        *SWELLING_FIELDS.values(),
        "foam",
        "dipstick",
        "weight_entered",
        "weight_entered_unit",
        *symptoms.FIELDS,
    )
    weights, swelling_foam, dipsticks, typed_weights, ticked = [], [], [], {}, []
    for row in day_rows.order_by("date"):
        on, weight, face, hands, belly, legs, foam, dipstick, entered, entered_unit, *boxes = row
        if weight is not None:
            weights.append((on, weight))
        if entered is not None:
            typed_weights[on] = (entered, entered_unit)
        if on < period.start:
            continue
        swelling = {"face": face, "hands": hands, "belly": belly, "legs": legs}
        swelling_foam.append((on, swelling, foam))
        if dipstick is not None:
            dipsticks.append((on, dipstick))
        if any(boxes):
            codes = (code for code, box in zip(symptoms.CODES, boxes, strict=True) if box)
            ticked.append((on, frozenset(codes)))
    pressures = list(
        patient.blood_pressures.filter(date__range=(period.start, period.end))
        .order_by("date", "time", "pk")
        .values_list("date", "time", "systolic", "diastolic", "pulse")
    )
    labs: dict[str, list[tuple[date, Decimal]]] = {kind: [] for kind in CHARTED_LABS}
    lab_units: dict[str, str] = {}
    for kind, on, value, unit_entered in (
        patient.labs.filter(date__range=(period.start, period.end), kind__in=CHARTED_LABS)
        .order_by("date", "pk")
        .values_list("kind", "date", "value", "unit_entered")
    ):
        labs[kind].append((on, value))
        lab_units[kind] = unit_entered  # the latest report's unit wins
    is_child = patient.is_child(period.end)
    return TrendData(
        period=period,
        weight_unit=patient.weight_unit,
        upcr_unit=patient.upcr_unit,
        is_child=is_child,
        weight_alert_limit=alerts.active_threshold(
            patient.alert_thresholds(), "weight_gain_7d", is_child=is_child
        ),
        # The portal keeps no blood pressure target yet; the alert numbers (180/120) are not one.
        blood_pressure_target=None,
        weights=weights,
        typed_weights=typed_weights,
        swelling_foam=swelling_foam,
        dipsticks=dipsticks,
        blood_pressures=pressures,
        labs=labs,
        lab_units=lab_units,
        steroids=steroid_courses(patient, period),
        symptoms=ticked,
    )


def steroid_courses(patient: Patient, period: Period) -> list[SteroidCourse]:
    """Steroids taken at some time in the period, each with its daily doses (one query)."""
    rows = (
        DoseStep.objects.filter(
            Q(medication__stopped_on__isnull=True) | Q(medication__stopped_on__gte=period.start),
            medication__patient=patient,
            medication__purpose=Purpose.STEROID,
            medication__started_on__lte=period.end,
            starts_on__lte=period.end,
        )
        .order_by("medication__started_on", "medication_id", "starts_on")
        .values_list(
            "medication__name", "medication__stopped_on", "starts_on", "dose", "unit", "frequency"
        )
    )
    courses: dict[str, SteroidCourse] = {}
    stops: dict[str, list[date]] = {}
    for name, stopped_on, starts_on, dose, unit, frequency in rows:
        key = name.strip().casefold()
        course = courses.setdefault(key, SteroidCourse(name=name.strip()))
        daily = mg_per_day(dose, unit, frequency)
        if daily is None:
            course.skipped += 1
            continue
        course.steps.append((starts_on, daily))
        if stopped_on is not None:
            stops.setdefault(key, []).append(stopped_on + timedelta(days=1))
    for key, course in courses.items():
        # A stop counts unless a later step of the same medicine (a new course) comes first.
        steps = dict(course.steps)
        for stop in stops.get(key, []):
            if stop <= period.end:
                steps.setdefault(stop, Decimal(0))
        course.steps = sorted(steps.items())
    return list(courses.values())


# Charts -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendChart:
    """A chart and a page-unique id for its section."""

    key: str
    chart: charts.Chart

    @cached_property
    def table_body(self) -> SafeString:
        """The data table's rows as HTML, built here because a year of rows through template
        loops costs more than the whole page's budget; every cell is escaped."""
        return SafeString(
            "".join(
                f'<tr><th scope="row">{escape(row[0])}</th>'
                + "".join(f"<td>{escape(cell)}</td>" for cell in row[1:])
                + "</tr>"
                for row in self.chart.table_rows
            )
        )


def _lab_unit(data: TrendData, kind: str) -> str:
    """The latest result's unit in the period, as the summary shows it (units.shown_lab_unit)."""
    return units.shown_lab_unit(kind, data.lab_units.get(kind))


def build_charts(data: TrendData) -> list[TrendChart]:
    """The trends charts in the summary's timeline order, all on one DateAxis."""
    period = data.period
    axis = charts.DateAxis(period.start, period.end)
    found = [
        TrendChart(
            "weight",
            charts.weight_chart(
                axis,
                data.weights,
                data.weight_unit,
                alert_limit=data.weight_alert_limit,
                typed=data.typed_weights,
            ),
        ),
        TrendChart("swelling", charts.swelling_foam_strip(axis, data.swelling_foam)),
        TrendChart("dipstick", charts.dipstick_tiles(axis, data.dipsticks)),
        TrendChart(
            "blood-pressure",
            charts.blood_pressure_chart(
                axis,
                [(reading[0], reading[2], reading[3]) for reading in data.blood_pressures],
                data.blood_pressure_target,
            ),
        ),
    ]
    courses = data.steroids or [SteroidCourse(name=_("Steroid"))]
    for index, course in enumerate(courses):
        found.append(
            TrendChart(
                f"steroid-{index}",
                charts.dose_steps(
                    axis, course.steps, course.name, id_prefix=f"steroid-dose-{index}"
                ),
            )
        )
    reference, reference_label = remission.complete_remission_line(data.upcr_unit, data.is_child)
    # As on the visit summary: a log axis (results span 100 to 10,000 mg/g), at least 0.1 to 10 g/g,
    # with the nephrotic-range line too.
    low, high = (units.upcr_from_g_per_g(v, data.upcr_unit) for v in UPCR_LOG_RANGE_G_PER_G)
    found.append(
        TrendChart(
            "upcr",
            charts.lab_points(
                axis,
                [
                    (on, units.upcr_from_g_per_g(value, data.upcr_unit))
                    for on, value in data.labs[LabKind.UPCR]
                ],
                data.upcr_unit,
                _("UPCR (urine protein)"),
                reference,
                reference_label=reference_label,
                id_prefix="lab-upcr",
                log_range=(low, high),
                upper_line=upcr_lines(data.upcr_unit, data.is_child)[1],
            ),
        )
    )
    for kind in OTHER_LABS:
        if not data.labs[kind]:
            continue
        unit = _lab_unit(data, kind)
        reference = reference_label = None
        if kind == LabKind.ALBUMIN:
            reference = units.rounded(
                units.from_canonical(kind, LOW_ALBUMIN_G_PER_L, unit), 2
            ).normalize()
            reference_label = _("%(value)s %(unit)s: below this is low (nephrotic range)") % {
                "value": f"{reference:f}",
                "unit": unit,
            }
        found.append(
            TrendChart(
                f"lab-{kind}",
                charts.lab_points(
                    axis,
                    [
                        (on, units.from_canonical(kind, value, unit))
                        for on, value in data.labs[kind]
                    ],
                    unit,
                    str(LAB_SHORT_NAMES[kind]),
                    reference,
                    reference_label=reference_label,
                    id_prefix=f"lab-{kind}",
                ),
            )
        )
    # The checklist's events last: a marker lane on the same axis, drawn when something was ticked.
    found.append(TrendChart("symptoms", charts.symptom_marks(axis, data.symptoms)))
    return found


@dataclass
class Trends:
    """What the trends page shows."""

    data: TrendData
    charts: list[TrendChart]
    dose_notes: list[str]


def charts_for(data: TrendData) -> list[TrendChart]:
    """build_charts(data), cached under a digest of the data itself and the language
    (tracker.caching): a year of charts takes longer to draw than the page's budget."""

    def draw() -> list[TrendChart]:
        found = build_charts(data)
        for item in found:
            item.table_body  # noqa: B018  (built once, cached with the chart)
        return found

    return caching.cached("trend-charts", data, draw)


def trends(patient: Patient, period: Period) -> Trends:
    data = gather(patient, period)
    notes = [
        _(
            "%(count)d dose step(s) of %(medicine)s are not drawn: their unit or how often they "
            "are taken gives no amount in mg a day."
        )
        % {"count": course.skipped, "medicine": course.name}
        for course in data.steroids
        if course.skipped
    ]
    return Trends(data=data, charts=charts_for(data), dose_notes=notes)


def period_links(today: date) -> Sequence[Period]:
    return [Period.last(days, today) for days in PERIOD_CHOICES]
