"""The visit summary: one context that both the page and the PDF render (DESIGN.md "The visit
summary"), in its fixed order:

1. header: patient, age, FSGS type, period, printed on, units, who entered the data, and the
   completeness line;
2. key numbers beside their targets: weight, blood pressure, dipstick days per grade, remission
   status (with the rule and the baseline used), eGFR and its stage;
3. the aligned timeline (tracker.charts on one DateAxis);
4. labs table with the change from baseline;
5. medicines now, and every start, stop and dose change in the period;
6. events, the days with "Anything else today?" items ticked (and the alerts they raised), and
   the alerts that fired in the period; the open questions ticked for this visit;
7. a short glossary of the terms used, and the "patient-reported" footer.

`build_summary` reads a fixed number of queries whatever the period or the length of the history
(diary and blood pressure only inside the period plus the alert look-back; labs, medicines,
questions whole, as they are small). Everything else is pure functions of plain values, tested
without a database. Facts and rules: CLINICAL.md, through alerts, remission, egfr and units.
"""

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Prefetch
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from fsgs_portal.pdf import SUMMARY_STYLESHEETS, render_pdf
from tracker import alerts, caching, charts, egfr, remission, symptoms, units
from tracker.dates import day_text, span_text
from tracker.guides import guide_url
from tracker.models import (
    IMMUNOSUPPRESSING_PURPOSES,
    SWELLING_FIELDS,
    DoseStep,
    LabKind,
    Paper,
    Patient,
    Purpose,
    QuestionStatus,
    SummaryPrint,
    day_readings,
)

DEFAULT_DAYS = 28
QUICK_CHOICES = (14, 28, 90)
MAX_DAYS = 366 * 2  # longest period a person may ask for
# A summary printed this recently was for the same visit: reprinting keeps its start.
SAME_VISIT_DAYS = 7
CHILD_DIPSTICK_LOOK_BACK = 14  # days of dipstick a child's remission status looks at
FIRST_PAGE_DAYS = 31  # DESIGN.md: one page up to 31 days, at most two for 90

# Plot heights (SVG units; 1 unit = 0.235 mm in print), weight and blood pressure first: tall
# enough that a 1 kg (2 lb) step or a 10 mmHg change shows, while the relapse month (the densest:
# every chart, alerts, new medicines) still fits one page in A4 and in US Letter, which is
# 17.6 mm (75 units) shorter. The UPCR log axis needs 14 units a decade (100, 1000, 10000 mg/g).
PLOT_HEIGHTS = {
    Paper.A4: {"weight": 52, "blood_pressure": 56, "dose": 20, "lab": 32},
    Paper.LETTER: {"weight": 36, "blood_pressure": 40, "dose": 16, "lab": 28},
}
# A chart said in words instead leaves its height (SVG units, legend and axis included) to the
# weight and blood-pressure plots, 40% each (the rest is slack), up to MAX_LINE_PLOT_HEIGHT.
FREED_BY = {"swelling": 110, "dose": 50, "lab": 56}
FREED_SHARE = 0.4
MAX_LINE_PLOT_HEIGHT = 120
# Over 3 x FIRST_PAGE_DAYS the print has two pages: the charts take the room the lists leave.
LONG_PERIOD_PLOT_HEIGHTS = {"weight": 110, "blood_pressure": 110, "dose": 40, "lab": 60}
# UPCR log axis: at least 0.1 to 10 g/g (complete remission to well into the nephrotic range).
UPCR_LOG_RANGE_G_PER_G = (Decimal("0.1"), Decimal("10"))
# SVG width per paper size: 12-unit chart text prints at 8.0 pt across the printable width
# (A4 210 - 2 x 12 mm = 186 mm: 12 x 186 / 790 = 2.83 mm = 8.0 pt; US Letter 191.9 mm / 815).
CHART_WIDTHS = {Paper.A4: 790, Paper.LETTER: 815}


# Plain-language definitions of the terms the summary uses (tracker does not import education;
# the page links each term to /learn/glossary/#<slug>). Consistent with CLINICAL.md.
GLOSSARY = {
    "upcr": (
        gettext_lazy("UPCR"),
        gettext_lazy("Urine protein-to-creatinine ratio: the protein leak. Lower is better."),
    ),
    "dipstick": (
        gettext_lazy("Dipstick"),
        gettext_lazy("A urine test strip: protein from negative to 4+."),
    ),
    "remission": (
        gettext_lazy("Remission"),
        gettext_lazy("The leak stopped (complete) or fell a lot (partial)."),
    ),
    "egfr": (
        gettext_lazy("eGFR"),
        gettext_lazy("How well the kidneys filter, from creatinine, age, sex."),
    ),
    "albumin": (
        gettext_lazy("Albumin"),
        gettext_lazy("The main blood protein; it falls when much protein leaks into urine."),
    ),
    "creatinine": (
        gettext_lazy("Creatinine"),
        gettext_lazy("A waste product the kidneys clear; it rises when they filter less."),
    ),
    "edema": (
        gettext_lazy("Edema"),
        gettext_lazy("Swelling from held fluid, 0 (none) to 3 (severe)."),
    ),
    "taper": (
        gettext_lazy("Taper"),
        gettext_lazy("Lowering a steroid dose step by step instead of stopping at once."),
    ),
}


# The period -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both included (the patient's local calendar days)."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def __str__(self):
        return _("%(start)s to %(end)s (%(days)d days)") % {
            "start": day_text(self.start),
            "end": day_text(self.end),
            "days": self.days,
        }


def last_days(today: date, days: int) -> Period:
    return Period(today - timedelta(days=days - 1), today)


def default_period(today: date, last_print: tuple[date, date] | None) -> Period:
    """Since the last summary was made, else the last DEFAULT_DAYS days.

    `last_print` is the (start, end) of the last summary made. Made within SAME_VISIT_DAYS: a
    reprint for the same visit, so the same start; older: from the day after it ended. Never
    longer than MAX_DAYS, never empty.
    """
    if last_print is None:
        return last_days(today, DEFAULT_DAYS)
    start, end = last_print
    reprint = (today - end).days < SAME_VISIT_DAYS
    start = min(start, today) if reprint else end + timedelta(days=1)
    start = max(start, today - timedelta(days=MAX_DAYS - 1))
    return Period(start, today)


def filename(patient_name: str, period: Period) -> str:
    """A safe file name: letters, digits and dashes of the name, then the period."""
    cleaned = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in patient_name)
    cleaned = "-".join(part for part in cleaned.split("-") if part)[:40] or "patient"
    return f"visit-summary-{cleaned}-{period.start.isoformat()}-to-{period.end.isoformat()}.pdf"


# 1. Completeness --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Completeness:
    """How many days of the period have each kind of reading."""

    days: int
    diary_days: int
    weight_days: int
    dipstick_days: int
    blood_pressure_days: int

    def __str__(self):
        return " · ".join(
            [
                _("diary %(count)d of %(days)d days")
                % {"count": self.diary_days, "days": self.days},
                _("weight %(count)d of %(days)d") % {"count": self.weight_days, "days": self.days},
                _("dipstick %(count)d of %(days)d")
                % {"count": self.dipstick_days, "days": self.days},
                _("BP %(count)d of %(days)d")
                % {"count": self.blood_pressure_days, "days": self.days},
            ]
        )


def completeness(days: Iterable[alerts.DayReadings], period: Period) -> Completeness:
    """Days with a diary entry, a weight, a dipstick and a blood pressure reading in the period.

    `days` are alerts.DayReadings; a day made only of blood pressure readings is not a diary day.
    """
    inside = [day for day in days if period.contains(day.date)]
    return Completeness(
        days=period.days,
        # A diary entry counts whatever it recorded (swelling and foam may be "not recorded").
        diary_days=sum(1 for day in inside if day.logged or day.swelling or day.foam is not None),
        weight_days=sum(1 for day in inside if day.weight_kg is not None),
        dipstick_days=sum(1 for day in inside if day.dipstick is not None),
        blood_pressure_days=sum(1 for day in inside if day.blood_pressures),
    )


# 2. Key numbers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gain:
    """A weight gain in the unit shown: `amount` on `on`, against the weight of `compared_on`."""

    amount: Decimal
    on: date
    compared_on: date


@dataclass(frozen=True)
class WeightNumbers:
    """Weight in the patient's unit (kg or lb), rounded to 0.1."""

    unit: str
    readings: int
    latest: Decimal
    latest_on: date
    change: Decimal | None  # latest less the first reading of the period (None with one reading)
    largest_1_day: Gain | None  # the largest rise from one day to the next
    largest_7_day: Gain | None  # the largest rise over the lowest of the 7 days before
    alert_days: int  # days on which a weight-gain alert fired
    # The alert numbers as set, with their unit ("2.2 lb"; a number set in the other unit is
    # shown in that unit, so the line shown is the line compared). None: the rule is off.
    limit_1_day: str | None
    limit_7_day: str | None


def _shown_weight(kg: Decimal, unit: str) -> Decimal:
    return units.rounded(units.weight_in(kg, unit), 1)


def _limit_text(limit: alerts.Limit | None) -> str | None:
    if limit is None:
        return None
    return f"{units.localized_decimal_mark(alerts.typed_text(limit.value))} {limit.unit}"


def largest_gain(days: Sequence[alerts.DayReadings], period: Period, n_days: int) -> Gain | None:
    """The largest weight gain (kg) on a day of the period over the lowest weight of the `n_days`
    days before it (alerts.weight_gain_over: the alert rules' own measure); None when no day of
    the period weighs more than its comparison."""
    index = alerts.by_date(days)
    best = None
    gains = alerts.weight_gains_over(
        index.values(), [on for on in index if period.contains(on)], n_days
    )
    for gain in gains.values():
        if gain.gain_kg > 0 and (best is None or gain.gain_kg > best.gain_kg):
            best = gain
    if best is None:
        return None
    return Gain(best.gain_kg, best.on, best.compared_on)


def weight_numbers(
    days: Sequence[alerts.DayReadings],
    period: Period,
    unit: str,
    *,
    alert_days: int,
    limit_1_day: alerts.Limit | None,
    limit_7_day: alerts.Limit | None,
) -> WeightNumbers | None:
    """Latest weight, change over the period, the largest 1-day and 7-day gains. None without a
    weight in the period. `days` may include the 7 days before the period (the look-back)."""
    weights = [
        (day.date, day.weight_kg)
        for day in alerts.by_date(days).values()
        if day.weight_kg is not None and period.contains(day.date)
    ]
    if not weights:
        return None

    def gain_shown(gain: Gain | None) -> Gain | None:
        if gain is None:
            return None
        return Gain(_shown_weight(gain.amount, unit), gain.on, gain.compared_on)

    first_kg, (latest_on, latest_kg) = weights[0][1], weights[-1]
    return WeightNumbers(
        unit=unit,
        readings=len(weights),
        latest=_shown_weight(latest_kg, unit),
        latest_on=latest_on,
        change=_shown_weight(latest_kg - first_kg, unit) if len(weights) > 1 else None,
        largest_1_day=gain_shown(largest_gain(days, period, 1)),
        largest_7_day=gain_shown(largest_gain(days, period, 7)),
        alert_days=alert_days,
        limit_1_day=_limit_text(limit_1_day),
        limit_7_day=_limit_text(limit_7_day),
    )


@dataclass(frozen=True)
class BloodPressureNumbers:
    """Blood pressure over the period, in mmHg."""

    readings: int
    days: int
    mean_systolic: int
    mean_diastolic: int
    target: tuple[int, int] | None  # the care team's target, when entered
    above_target: int | None  # readings with systolic or diastolic above the target
    percent_above_target: int | None
    very_high_level: tuple[int | None, int | None]  # the alert rule's numbers
    very_high: int  # readings at or above the alert rule's numbers


def blood_pressure_numbers(
    readings: Iterable[tuple[date, int, int]],
    period: Period,
    target: tuple[int, int] | None,
    very_high_level: tuple[int | None, int | None],
) -> BloodPressureNumbers | None:
    """Average, and how many readings were above target (systolic or diastolic higher than the
    target's), and at or above the very-high alert level. None without a reading."""
    inside = [reading for reading in readings if period.contains(reading[0])]
    if not inside:
        return None
    count = len(inside)
    above = None
    percent = None
    if target is not None:
        above = sum(1 for _day, s, d in inside if s > target[0] or d > target[1])
        percent = int(units.rounded(Decimal(above) * 100 / count, 0))
    high_s, high_d = very_high_level
    very_high = sum(
        1
        for _day, s, d in inside
        if (high_s is not None and s >= high_s) or (high_d is not None and d >= high_d)
    )
    return BloodPressureNumbers(
        readings=count,
        days=len({reading[0] for reading in inside}),
        mean_systolic=int(units.rounded(Decimal(sum(r[1] for r in inside)) / count, 0)),
        mean_diastolic=int(units.rounded(Decimal(sum(r[2] for r in inside)) / count, 0)),
        target=target,
        above_target=above,
        percent_above_target=percent,
        very_high_level=very_high_level,
        very_high=very_high,
    )


@dataclass(frozen=True)
class EgfrNumbers:
    """The latest eGFR (mL/min/1.73 m²) and its KDIGO stage; `calculated` says where it came from
    (CKD-EPI 2021 from creatinine, or the lab's own value)."""

    value: Decimal
    stage: egfr.Category
    measured_on: date
    calculated: bool
    note: str = ""


def egfr_numbers(
    creatinine: Sequence[tuple[date, Decimal]],
    lab_egfr: Sequence[tuple[date, Decimal]],
    birth_date: date | None,
    sex: str,
    end: date,
) -> tuple[EgfrNumbers | None, str]:
    """(the latest eGFR up to `end`, a note). Adults with date of birth and sex: CKD-EPI 2021 from
    the latest creatinine; under-18s (CLINICAL.md: the formula is not for children), or without
    date of birth or sex: the lab's latest eGFR."""
    age = egfr.age_in_years(birth_date, end) if birth_date and birth_date <= end else None
    latest_creatinine = max((r for r in creatinine if r[0] <= end), default=None)
    latest_lab = max((r for r in lab_egfr if r[0] <= end), default=None)
    note = ""
    if age is not None and age < egfr.ADULT_AGE:
        note = _("Under 18: the adult formula does not apply, so this is the lab's own eGFR.")
    elif birth_date is None or not sex:
        note = _("Date of birth or sex is missing, so eGFR is not calculated: the lab's value.")
    elif latest_creatinine is not None and latest_creatinine[1] > 0:
        value = egfr.calculated_egfr(latest_creatinine[1], birth_date, sex, latest_creatinine[0])
        if value is not None:
            return (
                EgfrNumbers(value, egfr.egfr_stage(value), latest_creatinine[0], True),
                _("Calculated from creatinine (CKD-EPI 2021)."),
            )
    if latest_lab is None:
        return None, note or _("No creatinine or eGFR result yet.")
    value = units.rounded(latest_lab[1], 0)
    return EgfrNumbers(value, egfr.egfr_stage(value), latest_lab[0], False, note), note


# 4. Labs ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabLine:
    """One row of the labs table: the latest result up to the period's end, against a baseline."""

    kind: str
    name: str
    unit: str
    latest: Decimal
    latest_on: date
    in_period: int  # results of this kind inside the period
    baseline: Decimal | None
    baseline_on: date | None
    baseline_label: str
    decimals: int = 2
    is_baseline: bool = False  # the latest result is the baseline itself (issue #11)

    @property
    def change(self) -> Decimal | None:
        return None if self.baseline is None else self.latest - self.baseline

    @property
    def change_percent(self) -> Decimal | None:
        if self.baseline is None or self.baseline == 0:
            return None
        return units.rounded((self.latest - self.baseline) / self.baseline * 100, 0)

    def shown(self, value: Decimal | None) -> str:
        if value is None:
            return "–"
        return units.number_text(value, self.decimals)

    @property
    def latest_shown(self) -> str:
        return self.shown(self.latest)

    @property
    def baseline_shown(self) -> str:
        return self.shown(self.baseline)

    @property
    def change_text(self) -> str:
        if self.is_baseline:
            return str(_("baseline"))
        change = self.change
        if change is None:
            return "–"
        sign = "+" if change > 0 else ("−" if change < 0 else "±")
        text = f"{sign}{self.shown(abs(change))}"
        if self.change_percent is not None:
            text += f" ({'+' if self.change_percent > 0 else ''}{self.change_percent}%)"
        return text


# kind, unit shown, decimals: the table's fixed rows (DESIGN.md: UPCR, albumin, creatinine, eGFR).
def lab_lines(
    results: Sequence[tuple[date, str, Decimal]],
    period: Period,
    *,
    upcr_unit: str,
    upcr_baseline: remission.Baseline | None,
    egfr_series: Sequence[tuple[date, Decimal]],
    egfr_calculated: bool,
    albumin_unit: str = units.G_PER_L,
) -> list[LabLine]:
    """Latest UPCR, albumin, creatinine and eGFR up to the period's end, each with its change from
    baseline: for UPCR the remission baseline (remission.choose_baseline); for the others the
    first result on record. `results` are (date, kind, canonical value); `egfr_series` the eGFR
    values used (calculated for adults, else the lab's); `albumin_unit` the unit the latest albumin
    was reported in (g/L or g/dL, albumin_unit_of), as the trends chart shows it."""
    lines = []
    series: dict[str, list[tuple[date, Decimal]]] = {}
    for day, kind, value in sorted(results, key=lambda r: r[0]):
        if day <= period.end:
            series.setdefault(kind, []).append((day, value))
    rows = [
        (LabKind.UPCR, "UPCR", upcr_unit, 2 if upcr_unit == units.G_PER_G else 0),
        (LabKind.ALBUMIN, _("Albumin"), albumin_unit, 0 if albumin_unit == units.G_PER_L else 1),
        (LabKind.CREATININE, _("Creatinine"), units.MG_PER_DL, 2),
    ]
    for kind, name, unit, decimals in rows:
        values = series.get(kind)
        if not values:
            continue

        def show(value, kind=kind, unit=unit):
            return units.from_canonical(kind, value, unit)

        latest_on, latest = values[-1]
        is_baseline = False
        if kind == LabKind.UPCR:
            baseline = upcr_baseline
            base_value = None if baseline is None else show(baseline.value)
            base_on = None if baseline is None else baseline.date
            label = _remission_baseline_label(baseline)
            # The latest UPCR is the baseline result itself: say so, not "±0 (0%)".
            is_baseline = (
                baseline is not None and baseline.result is not None and baseline.date == latest_on
            )
        else:
            base_on, first = values[0]
            base_value, label = show(first), _("first on record")
            if base_on == latest_on:
                base_value = base_on = None
                label = ""
        lines.append(
            LabLine(
                kind=kind,
                name=str(name),
                unit=unit,
                latest=show(latest),
                latest_on=latest_on,
                in_period=sum(1 for day, _value in values if period.contains(day)),
                baseline=base_value,
                baseline_on=base_on,
                baseline_label=str(label),
                decimals=decimals,
                is_baseline=is_baseline,
            )
        )
    shown_egfr = [(day, value) for day, value in egfr_series if day <= period.end]
    if shown_egfr:
        (first_on, first), (latest_on, latest) = shown_egfr[0], shown_egfr[-1]
        same = first_on == latest_on
        lines.append(
            LabLine(
                kind=LabKind.EGFR,
                name=str(_("eGFR (calculated)") if egfr_calculated else _("eGFR (lab)")),
                unit="mL/min/1.73 m²",
                latest=latest,
                latest_on=latest_on,
                in_period=sum(1 for day, _value in shown_egfr if period.contains(day)),
                baseline=None if same else first,
                baseline_on=None if same else first_on,
                baseline_label="" if same else str(_("first on record")),
                decimals=0,
            )
        )
    return lines


def albumin_unit_of(lab_values: Sequence[tuple]) -> str:
    """The unit of the latest albumin result in `lab_values` ((date, kind, value, value entered,
    unit entered), oldest first): g/L or g/dL as the lab reported it; g/L with no albumin."""
    reported = [unit for _day, kind, _v, _e, unit in lab_values if kind == LabKind.ALBUMIN]
    return units.shown_lab_unit(LabKind.ALBUMIN, reported[-1] if reported else None)


def _remission_baseline_label(baseline: remission.Baseline | None) -> str:
    if baseline is None:
        return ""
    return {
        remission.BASELINE_MARKED: _("marked as baseline"),
        remission.BASELINE_BEFORE_TREATMENT: _("highest before treatment"),
        remission.BASELINE_FIRST_ON_RECORD: _("first on record"),
    }[baseline.kind]


# 5. Medicines -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """A dose from `starts_on`: `text` is e.g. "40 mg once a day"."""

    starts_on: date
    dose: Decimal
    unit: str
    frequency: str  # Frequency code
    text: str


@dataclass(frozen=True)
class Medicine:
    """A medicine as plain values: what the summary needs of Medication and its DoseSteps."""

    name: str
    purpose: str
    purpose_label: str
    started_on: date
    stopped_on: date | None
    steps: tuple[Step, ...]
    note: str = ""

    def is_active_on(self, day: date) -> bool:
        return self.started_on <= day and (self.stopped_on is None or self.stopped_on >= day)

    def step_on(self, day: date) -> Step | None:
        current = None
        for step in self.steps:
            if step.starts_on <= day:
                current = step
        return current

    def active_in(self, period: Period) -> bool:
        return self.started_on <= period.end and (
            self.stopped_on is None or self.stopped_on >= period.start
        )


@dataclass(frozen=True)
class MedicineNow:
    name: str
    purpose_label: str
    dose: str
    since: date
    started_in_period: bool = False  # then `since` is its start, not listed again as a change


@dataclass(frozen=True)
class MedicineChange:
    on: date
    name: str
    what: str


def started_unchanged(medicine: Medicine, period: Period) -> bool:
    """Started inside the period and still taken at its end at the dose it started on."""
    if not period.contains(medicine.started_on) or not medicine.is_active_on(period.end):
        return False
    step = medicine.step_on(period.end)
    return step is None or step.starts_on <= medicine.started_on


def current_medicines(medicines: Iterable[Medicine], period: Period) -> list[MedicineNow]:
    """Medicines taken on the period's last day, with the dose then; by name."""
    now = []
    for medicine in medicines:
        if medicine.is_active_on(period.end):
            step = medicine.step_on(period.end)
            now.append(
                MedicineNow(
                    medicine.name,
                    medicine.purpose_label,
                    step.text if step else "–",
                    step.starts_on if step else medicine.started_on,
                    started_unchanged(medicine, period),
                )
            )
    return sorted(now, key=lambda line: line.name.lower())


def medicine_changes(
    medicines: Iterable[Medicine],
    period: Period,
    *,
    omit_listed_starts: bool = False,
    omit: Medicine | None = None,
) -> list[MedicineChange]:
    """Every start, dose change and stop inside the period, in date order.

    With omit_listed_starts, a start is left out when the medicines-now list already says it
    (started in the period, same dose at its end): the printed page says it once. `omit` is a
    medicine said elsewhere (a steroid taper, in one line beside its dose chart)."""
    changes = []
    for medicine in medicines:
        if medicine is omit:
            continue
        listed = omit_listed_starts and started_unchanged(medicine, period)
        if period.contains(medicine.started_on) and not listed:
            first = medicine.step_on(medicine.started_on)
            what = _("started") + (f", {first.text}" if first else "")
            changes.append(MedicineChange(medicine.started_on, medicine.name, what))
        previous = None
        for step in medicine.steps:
            changed = previous is not None and step.starts_on != medicine.started_on
            if changed and period.contains(step.starts_on):
                changes.append(
                    MedicineChange(
                        step.starts_on,
                        medicine.name,
                        _("dose %(before)s → %(after)s")
                        % {"before": previous.text, "after": step.text},
                    )
                )
            previous = step
        if medicine.stopped_on is not None and period.contains(medicine.stopped_on):
            changes.append(MedicineChange(medicine.stopped_on, medicine.name, _("stopped")))
    return sorted(changes, key=lambda change: (change.on, change.name.lower()))


_PER_DAY = {"1/day": 1, "2/day": 2, "3/day": 3, "4/day": 4}
TAPER_MIN_STEPS = 2  # two or more dose changes (a stop counts) in the period make a taper


def _steroid_in(medicines: Iterable[Medicine], period: Period) -> Medicine | None:
    """The steroid the dose chart draws: of those taken in the period, the first started."""
    steroids = [
        medicine
        for medicine in medicines
        if medicine.purpose == Purpose.STEROID and medicine.active_in(period)
    ]
    return min(steroids, key=lambda m: m.started_on) if steroids else None


def _dose_short(step: Step) -> str:
    """ "60 mg" for a once-a-day dose, else the dose with its frequency."""
    if step.frequency == "1/day":
        return f"{units.number_text(step.dose)} {step.unit}"
    return step.text


@dataclass(frozen=True)
class SteroidCourse:
    """A steroid taper in the period, said once: "Prednisone 60 mg → stopped, 20 Feb 2026 to
    21 Aug 2026, 10 steps" (beside the dose chart, instead of a line per step)."""

    medicine: Medicine
    text: str
    steps: int


def steroid_course(medicines: Iterable[Medicine], period: Period) -> SteroidCourse | None:
    """The charted steroid's course when it was tapered in the period (TAPER_MIN_STEPS or more
    dose changes, a stop included), else None (a single change stays in the changes list).

    From the dose in effect when the course (or the period) starts to the dose at the period's end
    or "stopped"; dates from the course's start to its stop (or "still taken")."""
    medicine = _steroid_in(medicines, period)
    if medicine is None:
        return None
    changes = [
        step
        for step in medicine.steps
        if step.starts_on != medicine.started_on and period.contains(step.starts_on)
    ]
    stopped = medicine.stopped_on is not None and period.contains(medicine.stopped_on)
    steps = len(changes) + (1 if stopped else 0)
    if steps < TAPER_MIN_STEPS:
        return None
    first_day = max(medicine.started_on, period.start)
    first = medicine.step_on(first_day) or (medicine.steps[0] if medicine.steps else None)
    last = medicine.step_on(period.end)
    to = _("stopped") if stopped else (_dose_short(last) if last else "–")
    if stopped:
        when = span_text(medicine.started_on, medicine.stopped_on)
    else:
        when = _("since %(date)s, still taken") % {"date": day_text(medicine.started_on)}
    text = ngettext(
        "%(name)s %(from)s → %(to)s, %(when)s, %(count)d step",
        "%(name)s %(from)s → %(to)s, %(when)s, %(count)d steps",
        steps,
    ) % {
        "name": medicine.name,
        "from": _dose_short(first) if first else "–",
        "to": to,
        "when": when,
        "count": steps,
    }
    return SteroidCourse(medicine, text, steps)


def steroid_doses(
    medicines: Iterable[Medicine], period: Period
) -> tuple[str, list[tuple[date, Decimal]]] | None:
    """(name, [(date, mg a day)]) of the steroid taken in the period, for charts.dose_steps; a stop
    is a 0 step the day after the last day taken. None when no steroid was taken in the period.

    Doses in mg taken 1-4 times a day are multiplied out; every other day is halved (the average a
    day); other units or "when needed" are left off the line (the medicines table shows them)."""
    medicine = _steroid_in(medicines, period)
    if medicine is None:
        return None
    series = []
    for step in medicine.steps:
        if step.unit != "mg":
            continue
        if step.frequency in _PER_DAY:
            series.append((step.starts_on, step.dose * _PER_DAY[step.frequency]))
        elif step.frequency == "alt":
            series.append((step.starts_on, step.dose / 2))
    if medicine.stopped_on is not None:
        series.append((medicine.stopped_on + timedelta(days=1), Decimal(0)))
    if not series:
        return None
    return medicine.name, series


# 6. Events, alerts, questions -------------------------------------------------------------------


@dataclass(frozen=True)
class EventLine:
    on: date
    kind: str
    note: str


@dataclass(frozen=True)
class ContactLine:
    """A mark "I contacted the care team" on one alert of the period: the day the alert fired,
    the day of the contact (in the patient's time zone), who marked it, and their short note."""

    triggered_on: date
    contacted_on: date
    by: str
    note: str = ""


@dataclass(frozen=True)
class AlertGroup:
    """The alerts of one rule in the period (alerts.group_by_rule): how many days, the first and
    last, the latest title, and the marks "I contacted the care team" on its days, newest first."""

    rule: str
    severity: str
    title: str
    days: int
    first: date
    last: date
    rule_text: str
    guide_url: str
    contacts: tuple[ContactLine, ...] = ()

    @property
    def severity_word(self) -> str:
        return str(alerts.SEVERITY_WORDS[self.severity])


@dataclass(frozen=True)
class SymptomLine:
    """A day with items ticked on the "Anything else today?" checklist, and the titles of the
    alerts those ticks raised that day (none for, say, an adult's vomiting)."""

    on: date
    items: list[str]
    raised: list[str]


def symptom_lines(
    days: Iterable[alerts.DayReadings], period: Period, found: Iterable[alerts.Alert]
) -> list[SymptomLine]:
    """The period's days with ticked checklist items, oldest first."""
    raised: dict[date, list[str]] = {}
    for alert in found:
        if alert.rule in alerts.CHECKLIST_RULES:
            titles = raised.setdefault(alert.triggered_on, [])
            if alert.title not in titles:
                titles.append(alert.title)
    return [
        SymptomLine(day.date, symptoms.labels(day.symptoms), raised.get(day.date, []))
        for day in sorted(days, key=lambda day: day.date)
        if day.symptoms and period.contains(day.date)
    ]


def alert_groups(
    found: Iterable[alerts.Alert], contacts: Iterable[tuple[str, ContactLine]] = ()
) -> list[AlertGroup]:
    """One line per rule, most severe first, then by the latest day (a 3-day dipstick run alerts
    every day it lasts, so a year would otherwise list hundreds of lines): alerts.group_by_rule,
    the same grouping as the diary page. `contacts` are (rule, ContactLine) pairs; a mark whose
    alert did not fire in the period is left out."""
    marks: dict[str, list[ContactLine]] = {}
    for rule, line in contacts:
        marks.setdefault(rule, []).append(line)
    groups = []
    for group in alerts.group_by_rule(found):
        latest = group.latest
        fired = set(group.dates)
        groups.append(
            AlertGroup(
                rule=group.rule,
                severity=group.severity,
                title=group.title,
                days=group.days,
                first=group.first,
                last=group.last,
                rule_text=latest.rule_text,
                guide_url=guide_url(latest.guide_slug, latest.guide_anchor),
                contacts=tuple(
                    sorted(
                        (line for line in marks.get(group.rule, []) if line.triggered_on in fired),
                        key=lambda line: line.triggered_on,
                        reverse=True,
                    )
                ),
            )
        )
    return groups


def alert_days_of(found: Iterable[alerts.Alert], rules: Iterable[str]) -> int:
    """Distinct days on which any of `rules` fired."""
    wanted = set(rules)
    return len({alert.triggered_on for alert in found if alert.rule in wanted})


# 7. Glossary ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GlossaryEntry:
    slug: str
    term: str
    definition: str

    @property
    def url(self) -> str:
        return f"/learn/glossary/#{self.slug}"


def glossary_for(slugs: Iterable[str]) -> list[GlossaryEntry]:
    """The definitions of the terms used, in GLOSSARY's order."""
    wanted = set(slugs)
    return [
        GlossaryEntry(slug, str(term), str(definition))
        for slug, (term, definition) in GLOSSARY.items()
        if slug in wanted
    ]


# The context ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitSummary:
    """Everything the summary page and PDF show; built once by build_summary."""

    patient_name: str
    age: int | None
    is_child: bool
    fsgs_type: str
    biopsy_date: date | None
    period: Period
    printed_on: date
    printed_by: str
    units_line: str
    entered_by: list[tuple[str, int]]  # (name, diary days entered) in the period
    completeness: Completeness
    weight: WeightNumbers | None
    weight_rule_note: str
    blood_pressure: BloodPressureNumbers | None
    dipstick_counts: dict[int, int]
    dipstick_bar: charts.Chart
    remission: remission.RemissionStatus
    remission_reading: str  # the latest UPCR and its drop from baseline, in one line
    remission_baseline: str  # the baseline used, in the patient's UPCR unit, with its source
    egfr: EgfrNumbers | None
    egfr_note: str
    timeline: list[charts.Chart]
    timeline_notes: list[str]  # sections left out for lack of data, said in words
    labs: list[LabLine]
    medicines_now: list[MedicineNow]
    medicine_changes: list[MedicineChange]
    events: list[EventLine]
    alerts: list[AlertGroup]
    inactive_rules: list[str]
    questions: list[str]
    glossary: list[GlossaryEntry]
    paper: str = Paper.A4
    dipstick_grades: list[tuple[int, str, int]] = field(default_factory=list)
    symptom_days: list[SymptomLine] = field(default_factory=list)
    # The page's "what the statuses mean" (with steroid resistance); the one-page PDF leaves it out.
    status_meanings: list[tuple[str, str]] = field(default_factory=list)
    # Identification (issue #13): in the header and the PDF's running header, so a printed page
    # cannot be filed under the wrong person.
    birth_date: date | None = None
    clinic_number: str = ""
    # What the labels under the dipstick tiles mean, when they are drawn (up to 31 days).
    dipstick_key: str = ""
    # A steroid taper said once, beside its dose chart (its steps are not in medicine_changes).
    steroid_course: str = ""
    # The language the summary is written in, chosen apart from the interface's (#17).
    language: str = settings.LANGUAGE_CODE

    @property
    def dipstick_recorded(self) -> int:
        return sum(self.dipstick_counts.values())

    @property
    def started_in_period(self) -> bool:
        """Some medicine in the list started in the period (so it is not repeated as a change)."""
        return any(line.started_in_period for line in self.medicines_now)

    @property
    def entered_by_text(self) -> str:
        return entered_by_text(self.entered_by)


def medicines_from(rows) -> list[Medicine]:
    """Medication rows (with dose_steps prefetched) as plain Medicine values."""
    medicines = []
    for row in rows:
        steps = tuple(
            Step(
                step.starts_on,
                step.dose,
                step.unit,
                step.frequency,
                f"{units.number_text(step.dose)} {step.unit} {step.get_frequency_display()}",
            )
            for step in sorted(row.dose_steps.all(), key=lambda step: step.starts_on)
        )
        medicines.append(
            Medicine(
                row.name,
                row.purpose,
                str(row.get_purpose_display()).split(" (")[0],
                row.started_on,
                row.stopped_on,
                steps,
                row.note,
            )
        )
    return medicines


def _upcr_reported(result: remission.UpcrResult, unit: str) -> str:
    """A UPCR as the lab reported it (what the remission status compared), and in the
    patient's unit too when that differs."""
    if result.unit == unit:
        return str(result)
    return f"{result} ({_upcr_shown(result.g_per_g, unit)})"


def _upcr_shown(value: Decimal, unit: str) -> str:
    shown = units.upcr_from_g_per_g(value, unit)
    places = 2 if unit == units.G_PER_G else 0
    return f"{units.number_text(shown, places)} {unit}"


def build_summary(
    patient: Patient,
    start: date,
    end: date,
    *,
    today: date,
    printed_by: str,
    paper: str = Paper.A4,
) -> VisitSummary:
    """The visit summary of `patient` from `start` to `end` (both included): 8 queries, however
    long the period or the history, and one more for the alerts' "I contacted the care team"
    marks when any alert fired in the period."""
    period = Period(start, end)
    look_back = min(start - timedelta(days=alerts.LOOK_BACK_DAYS), end - timedelta(days=14))
    diary_rows = list(
        patient.diary_days.filter(date__range=(look_back, end)).only(
            "patient",  # set by the related manager: deferred, it would cost a query a row
            "date",
            "weight_kg",
            "weight_entered",
            "weight_entered_unit",
            *SWELLING_FIELDS.values(),
            "foam",
            "dipstick",
            "temperature_c",
            "temperature_entered",
            "temperature_entered_unit",
            "less_urine",
            *symptoms.FIELDS,
        )
    )
    # Plain rows (date, systolic, diastolic): a year of readings builds no model instances.
    pressure_rows = list(
        patient.blood_pressures.filter(date__range=(start, end))
        .order_by("date", "time", "pk")
        .values_list("date", "systolic", "diastolic", named=True)
    )
    entered_by = [
        (row["entered_by__name"] or row["entered_by__email"] or _("unknown"), row["days"])
        for row in patient.diary_days.filter(date__range=(start, end), entered_by__isnull=False)
        .values("entered_by__name", "entered_by__email")
        .annotate(days=Count("pk"))
        .order_by("-days", "entered_by__name")
    ]
    # value_entered and unit_entered: remission compares a UPCR in the unit the lab reported.
    lab_values = list(
        patient.labs.filter(date__lte=end)
        .order_by("date", "pk")
        .values_list("date", "kind", "value", "value_entered", "unit_entered")
    )
    albumin_unit = albumin_unit_of(lab_values)
    lab_rows = [(day, kind, value) for day, kind, value, _entered, _unit in lab_values]
    medicines = medicines_from(
        patient.medications.prefetch_related(
            Prefetch("dose_steps", queryset=DoseStep.objects.order_by("starts_on"))
        )
    )
    event_rows = list(patient.events.filter(date__range=(start, end)).order_by("date", "pk"))
    questions = list(
        patient.questions.filter(status=QuestionStatus.OPEN, for_next_visit=True)
        .order_by("created_at", "pk")
        .values_list("text", flat=True)
    )

    days = day_readings(diary_rows, pressure_rows)
    is_child = patient.is_child(end)
    thresholds = patient.alert_thresholds()
    on_immunosuppression = any(
        medicine.purpose in IMMUNOSUPPRESSING_PURPOSES and medicine.active_in(period)
        for medicine in medicines
    )
    found = caching.cached(
        "summary-alerts",
        (days, thresholds, is_child, on_immunosuppression, end, start),
        lambda: alerts.evaluate(
            days,
            thresholds,
            is_child=is_child,
            on_immunosuppression=on_immunosuppression,
            today=end,
            since=start,
        ),
    )
    # "I contacted the care team" marks on the period's alerts: one query, none without alerts.
    contacts = [
        (
            mark.rule,
            ContactLine(mark.triggered_on, mark.contacted_on(), mark.marked_by_name, mark.note),
        )
        for mark in (
            patient.alert_contacts.filter(triggered_on__range=(start, end)) if found else ()
        )
    ]
    weight_unit = patient.weight_unit
    limit_1 = alerts.active_threshold(thresholds, "weight_gain_1d", is_child=is_child)
    limit_7 = alerts.active_threshold(thresholds, "weight_gain_7d", is_child=is_child)
    weight = weight_numbers(
        days,
        period,
        weight_unit,
        alert_days=alert_days_of(found, (alerts.WEIGHT_GAIN_1D, alerts.WEIGHT_GAIN_7D)),
        limit_1_day=limit_1,
        limit_7_day=limit_7,
    )
    if limit_1 is None and limit_7 is None:
        weight_rule_note = str(alerts.CHILD_THRESHOLDS_NOTE) if is_child else ""
    elif {"weight_gain_1d", "weight_gain_7d"} & thresholds.set_by_care_team:
        weight_rule_note = _("Alert numbers set by the care team.")
    else:
        weight_rule_note = _(
            "Defaults (unconfirmed for nephrotic syndrome); the team can change them."
        )
    target = None
    if patient.bp_target_systolic and patient.bp_target_diastolic:
        target = (patient.bp_target_systolic, patient.bp_target_diastolic)
    bp_readings = [(row.date, row.systolic, row.diastolic) for row in pressure_rows]
    very_high = (  # the crisis line (emergency alert), not the care team's call number
        alerts.active_threshold(thresholds, "crisis_systolic", is_child=is_child),
        alerts.active_threshold(thresholds, "crisis_diastolic", is_child=is_child),
    )
    blood_pressure = blood_pressure_numbers(bp_readings, period, target, very_high)

    dipsticks = [(day.date, day.dipstick) for day in days if day.dipstick is not None]
    axis = charts.DateAxis(start, end, width=CHART_WIDTHS.get(paper, charts.CHART_WIDTH))
    dipstick_counts = charts.dipstick_grade_counts(dipsticks, axis)
    dipstick_bar = charts.dipstick_stacked_bar(
        dipstick_counts, period.days, id_prefix="summary-dipstick-bar"
    )

    # Remission: the latest UPCR up to the end, against the baseline CLINICAL.md describes,
    # compared in the unit the lab reported; the period's dipsticks feed the relapse-sign note.
    upcr = sorted((day, value) for day, kind, value in lab_rows if kind == LabKind.UPCR)
    upcr_reported = sorted(
        (
            remission.upcr_result(day, entered, unit, value)
            for day, kind, value, entered, unit in lab_values
            if kind == LabKind.UPCR
        ),
        key=lambda result: result.date,
    )
    treatment_starts = [
        medicine.started_on
        for medicine in medicines
        if medicine.purpose in IMMUNOSUPPRESSING_PURPOSES
    ]
    baseline = remission.choose_baseline(
        upcr_reported, patient.baseline_upcr, min(treatment_starts, default=None)
    )
    recent_dipsticks = [
        (day, code)
        for day, code in dipsticks
        if end - timedelta(days=CHILD_DIPSTICK_LOOK_BACK) <= day <= end
    ]
    status = remission.remission_status(
        upcr_reported[-1] if upcr_reported else None,
        baseline,
        is_child=is_child,
        previous_complete_remission=remission.had_complete_remission(
            upcr_reported[:-1], baseline, is_child
        ),
        recent_dipsticks=recent_dipsticks,
        albumin_g_per_l=[(day, value) for day, kind, value in lab_rows if kind == LabKind.ALBUMIN],
    )
    remission_reading = ""
    if status.upcr is not None:
        remission_reading = _("Latest UPCR %(value)s on %(date)s") % {
            "value": _upcr_reported(status.upcr, patient.upcr_unit),
            "date": day_text(status.upcr.date),
        }
        drop = remission.drop_from_baseline_percent(status.upcr, baseline)
        if baseline is not None and baseline.result is not None and baseline.result == status.upcr:
            remission_reading += ", " + _("the baseline")
        elif drop is not None:
            remission_reading += ", " + (
                _("%(drop)s%% below baseline") if drop >= 0 else _("%(drop)s%% above baseline")
            ) % {"drop": units.rounded(abs(drop), 0)}
        remission_reading += "."
    remission_baseline = ""
    if baseline is not None:
        remission_baseline = _upcr_shown(baseline.value, patient.upcr_unit)
        remission_baseline += f" ({_remission_baseline_label(baseline)}"
        if baseline.date:
            remission_baseline += f", {day_text(baseline.date)}"
        remission_baseline += ")"

    creatinine = [(day, value) for day, kind, value in lab_rows if kind == LabKind.CREATININE]
    lab_egfr = [(day, value) for day, kind, value in lab_rows if kind == LabKind.EGFR]
    egfr_now, egfr_note = egfr_numbers(creatinine, lab_egfr, patient.birth_date, patient.sex, end)
    calculated_series = []
    if egfr_now is not None and egfr_now.calculated:
        for day, value in sorted(creatinine):
            if value > 0:
                calculated = egfr.calculated_egfr(value, patient.birth_date, patient.sex, day)
                if calculated is not None:
                    calculated_series.append((day, calculated))
    egfr_series = calculated_series or sorted(lab_egfr)
    labs = lab_lines(
        lab_rows,
        period,
        upcr_unit=patient.upcr_unit,
        upcr_baseline=baseline,
        egfr_series=egfr_series,
        egfr_calculated=bool(calculated_series),
        albumin_unit=albumin_unit,
    )

    timeline, timeline_notes = _cached_timeline(
        axis,
        days,
        pressure_rows,
        medicines,
        upcr,
        patient,
        target,
        (limit_1, limit_7),
        found,
        paper=paper,
    )

    used = {"dipstick", "edema", "upcr", "remission"}
    if egfr_now is not None:
        used.add("egfr")
    medicines_now = current_medicines(medicines, period)
    course = steroid_course(medicines, period)
    changes = medicine_changes(
        medicines, period, omit_listed_starts=True, omit=course.medicine if course else None
    )
    # Any start, dose change or stop, including the starts only the medicines list shows.
    changed = changes or course or any(line.started_in_period for line in medicines_now)
    if changed and steroid_doses(medicines, period):
        used.add("taper")

    age = patient.age_on(end)
    unit_names = {
        "weight": weight_unit,
        "upcr": patient.upcr_unit,
        "albumin": albumin_unit,
    }
    units_line = (
        _(
            "Weight in %(weight)s · UPCR in %(upcr)s · albumin %(albumin)s (the lab's "
            "unit) · creatinine mg/dL · blood pressure mmHg"
        )
        % unit_names
    )
    return VisitSummary(
        patient_name=patient.display_name,
        age=age,
        is_child=is_child,
        fsgs_type=str(patient.get_fsgs_type_display()),
        biopsy_date=patient.biopsy_date,
        period=period,
        printed_on=today,
        printed_by=printed_by,
        units_line=units_line,
        entered_by=entered_by,
        completeness=completeness(days, period),
        weight=weight,
        weight_rule_note=weight_rule_note,
        blood_pressure=blood_pressure,
        dipstick_counts=dipstick_counts,
        dipstick_bar=dipstick_bar,
        remission=status,
        remission_reading=remission_reading,
        remission_baseline=remission_baseline,
        egfr=egfr_now,
        egfr_note=egfr_note,
        timeline=timeline,
        timeline_notes=timeline_notes,
        labs=labs,
        medicines_now=medicines_now,
        medicine_changes=changes,
        steroid_course=course.text if course else "",
        events=[EventLine(row.date, str(row.get_kind_display()), row.note) for row in event_rows],
        alerts=alert_groups(found, contacts),
        symptom_days=symptom_lines(days, period, found),
        inactive_rules=alerts.inactive_rules(
            thresholds, is_child=is_child, on_immunosuppression=on_immunosuppression
        ),
        questions=questions,
        glossary=glossary_for(used),
        status_meanings=remission.status_meanings(is_child),
        paper=paper,
        birth_date=patient.birth_date,
        clinic_number=patient.clinic_number,
        dipstick_key=dipstick_key(period, dipsticks),
        dipstick_grades=[
            (grade.code, str(grade.label), dipstick_counts[grade.code])
            for grade in units.DIPSTICK_GRADES
        ],
    )


def _cached_timeline(
    axis, days, pressure_rows, medicines, upcr, patient, target, limits, found, paper=Paper.A4
):
    """_timeline, cached as trends caches its charts (tracker.caching): under everything the
    charts are drawn from. A year's charts take most of the summary page's time; the page and
    then its PDF, or a second look, draw them once. Their data tables are not kept (the summary
    never shows them)."""
    period = Period(axis.start, axis.end)
    inputs = (
        str(paper),  # Paper.A4 from the form, "a4" from the last print: one key
        # The axis by its fields: once drawn it also holds its cached ticks.
        tuple(getattr(axis, f.name) for f in dataclasses.fields(axis)),
        tuple(days),
        tuple(tuple(row) for row in pressure_rows),
        steroid_doses(medicines, period),
        steroid_course(medicines, period),
        tuple(upcr),
        patient.weight_unit,
        patient.upcr_unit,
        patient.is_child(axis.end),
        target,
        tuple(limits),
        any(alert.rule == alerts.WEIGHT_GAIN_7D for alert in found),
    )

    def draw():
        timeline, notes = _timeline(
            axis, days, pressure_rows, medicines, upcr, patient, target, limits, found, paper
        )
        return [dataclasses.replace(chart, table_rows=[]) for chart in timeline], notes

    return caching.cached("summary-timeline", inputs, draw)


def _timeline(
    axis, days, pressure_rows, medicines, upcr, patient, target, limits, found, paper=Paper.A4
):
    """The aligned charts, top to bottom, dates written under the last (grid lines carry them up
    through the others, as on a glucose profile); a section
    with nothing to draw (no steroid, no UPCR, no swelling or foam above grade 0) is said in
    words instead, since a flat line or an empty strip would take room and tell no more."""
    period = Period(axis.start, axis.end)
    builders, notes = [], []
    limit_7 = limits[1]
    heights = {}  # set below, once it is known whether the swelling strip takes its room
    # The 7-day alert line only when it fired: otherwise the chart's legend takes room for nothing.
    fired_7 = any(alert.rule == alerts.WEIGHT_GAIN_7D for alert in found)
    builders.append(
        lambda axis: charts.weight_chart(
            axis,
            [(day.date, day.weight_kg) for day in days],
            unit=patient.weight_unit,
            alert_limit=limit_7 if fired_7 else None,
            typed={
                day.date: (day.weight, day.weight_unit) for day in days if day.weight is not None
            },
            id_prefix="summary-weight",
            plot_height=heights["weight"],
        )
    )
    inside = [day for day in days if period.contains(day.date)]
    recorded = [day for day in inside if day.swelling or day.foam is not None]
    highest = max((max([*day.swelling.values(), day.foam or 0]) for day in recorded), default=None)
    if highest:
        builders.append(
            lambda axis: charts.swelling_foam_strip(
                axis,
                [(day.date, day.swelling or None, day.foam) for day in days],
                id_prefix="summary-swelling",
            )
        )
    elif highest == 0:
        notes.append(
            ngettext(
                "Swelling and urine foam: none (grade 0) on the %(count)d day recorded.",
                "Swelling and urine foam: none (grade 0) on all %(count)d days recorded.",
                len(recorded),
            )
            % {"count": len(recorded)}
        )
    else:
        notes.append(_("Swelling and urine foam: not recorded in this period."))
    freed = 0 if highest else FREED_BY["swelling"]
    # Up to 31 days each tile is labelled with its grade, and the key numbers' stacked bar
    # explains the shades: the tiles need no legend of their own.
    builders.append(
        lambda axis: charts.dipstick_tiles(
            axis,
            [(day.date, day.dipstick) for day in days],
            id_prefix="summary-dipstick",
            legend=period.days > FIRST_PAGE_DAYS,
        )
    )
    builders.append(
        lambda axis: charts.blood_pressure_chart(
            axis,
            [(row.date, row.systolic, row.diastolic) for row in pressure_rows],
            target=target,
            id_prefix="summary-blood-pressure",
            plot_height=heights["blood_pressure"],
        )
    )
    steroid = steroid_doses(medicines, period)
    if steroid is not None:
        name, steps = steroid
        course = steroid_course(medicines, period)
        builders.append(
            lambda axis: charts.dose_steps(
                axis,
                steps,
                label=name,
                id_prefix="summary-dose",
                plot_height=heights["dose"],
                course=course.text if course else "",
            )
        )
    else:
        notes.append(_("No steroid was taken in this period."))
        freed += FREED_BY["dose"]
    upcr_in_period = [(day, value) for day, value in upcr if axis.contains(day)]
    if len(upcr_in_period) == 1:  # one point makes no trend: say it (the labs table has it too)
        (day, value), unit = upcr_in_period[0], patient.upcr_unit
        notes.append(
            _("One UPCR result in this period: %(value)s on %(date)s.")
            % {"value": _upcr_shown(value, unit), "date": day_text(day)}
        )
    elif upcr_in_period:
        unit = patient.upcr_unit
        is_child = patient.is_child(axis.end)
        line, line_label = upcr_lines(unit, is_child)[0]
        low, high = (units.upcr_from_g_per_g(value, unit) for value in UPCR_LOG_RANGE_G_PER_G)
        builders.append(
            lambda axis, line=line, line_label=line_label, unit=unit: charts.lab_points(
                axis,
                [(day, units.upcr_from_g_per_g(value, unit)) for day, value in upcr_in_period],
                unit,
                "UPCR",
                reference=line,
                reference_label=line_label,
                id_prefix="summary-upcr",
                plot_height=heights["lab"],
                log_range=(low, high),
                upper_line=upcr_lines(unit, is_child)[1],
            )
        )
    else:
        notes.append(_("No UPCR result in this period (the labs table shows the latest)."))
    if len(upcr_in_period) < 2:
        freed += FREED_BY["lab"]
    if period.days > FIRST_PAGE_DAYS * 3:  # the year: two pages, charts take what lists leave
        heights.update(LONG_PERIOD_PLOT_HEIGHTS)
    else:
        heights.update(PLOT_HEIGHTS.get(paper, PLOT_HEIGHTS[Paper.A4]))
        for chart in ("weight", "blood_pressure"):
            heights[chart] = min(MAX_LINE_PLOT_HEIGHT, heights[chart] + int(freed * FREED_SHARE))
    unlabelled = dataclasses.replace(axis, tick_labels=False)
    last = len(builders) - 1
    timeline = [
        build(axis if index == last else unlabelled) for index, build in enumerate(builders)
    ]
    return timeline, notes


def dipstick_key(period: Period, dipsticks: Sequence[tuple[date, int]]) -> str:
    """The key to the dipstick tiles' labels, which the timeline writes under each day up to 31
    days (longer periods draw a legend instead): "−" is a negative test, not a missing one, and
    a day without a test is an empty dashed box. Shown beside the key numbers' dipstick bar,
    where the shades are explained; empty when the timeline draws no labelled tile."""
    if period.days > FIRST_PAGE_DAYS or not any(period.contains(day) for day, _ in dipsticks):
        return ""
    return _("Timeline: − negative · tr trace · dashed box: not tested")


def upcr_lines(upcr_unit: str, is_child: bool) -> tuple[tuple[Decimal, str], tuple[Decimal, str]]:
    """The complete-remission and nephrotic-range lines in the chart's UPCR unit, each with a short
    label in that unit (the source is in the key numbers' remission rule). Adults, KDIGO 2021:
    below 0.3 g/g (300 mg/g, 33.9 mg/mmol) and above 3.5 g/g (3500 mg/g, 396 mg/mmol); children,
    IPNA 2022: 0.2 g/g or less (200 mg/g, or 20 mg/mmol as published) and 2 g/g or more (2000
    mg/g, 200 mg/mmol as published). remission.py holds the published numbers."""
    if is_child:
        complete, nephrotic = remission.child_lines(upcr_unit)
        complete_text = _("Complete remission: %(line)s or less")
        nephrotic_text = _("Nephrotic range: %(line)s or more")
    else:
        complete = remission.line_in_unit(remission.ADULT_COMPLETE_BELOW_G_PER_G, upcr_unit)
        nephrotic = remission.line_in_unit(remission.ADULT_RELAPSE_ABOVE_G_PER_G, upcr_unit)
        complete_text = _("Complete remission: below %(line)s")
        nephrotic_text = _("Nephrotic range: above %(line)s")

    def shown(value: Decimal) -> str:
        return f"{units.number_text(value, 1 if value < 100 else 0)} {upcr_unit}"

    return (
        (complete, str(complete_text % {"line": shown(complete)})),
        (nephrotic, str(nephrotic_text % {"line": shown(nephrotic)})),
    )


def grade_counts_text(counts: Mapping[int, int]) -> str:
    """ "negative 20 · trace 3 · 1+ 1" — grades with at least one day."""
    return " · ".join(
        f"{grade.label} {counts[grade.code]}"
        for grade in units.DIPSTICK_GRADES
        if counts.get(grade.code)
    )


def entered_by_text(entered_by: Sequence[tuple[str, int]]) -> str:
    if not entered_by:
        return _("no diary entries in this period")
    return ", ".join(
        ngettext("%(name)s (%(count)d day)", "%(name)s (%(count)d days)", count)
        % {"name": name, "count": count}
        for name, count in entered_by
    )


def render_summary_pdf(summary: VisitSummary, request=None) -> bytes:
    """The summary as PDF bytes, in the summary's language: the print template through the one
    WeasyPrint entry."""
    with translation.override(summary.language):
        html = render_to_string("pdf/summary.html", {"summary": summary}, request=request)
    return render_pdf(html, SUMMARY_STYLESHEETS)


def summary_language(choice: str | None, remembered: str | None = None) -> str:
    """The summary's language: the one asked for (?language=), else the one this person used
    last time for this diary, else the interface's."""
    languages = dict(settings.LANGUAGES)
    for language in (choice, remembered):
        if language in languages:
            return language
    current = translation.get_language() or settings.LANGUAGE_CODE
    return current if current in languages else settings.LANGUAGE_CODE


def build_summary_in(language: str, *args, **kwargs) -> VisitSummary:
    """build_summary with every word written in `language` (the summary's, not the page's)."""
    with translation.override(language):
        visit = build_summary(*args, **kwargs)
    return dataclasses.replace(visit, language=language)


def record_print(
    patient: Patient, period: Period, paper: str, user, language: str = ""
) -> SummaryPrint:
    """Remember that a summary PDF was made: the next default period, the paper size and
    (for this person) the summary language."""
    return SummaryPrint.objects.create(
        patient=patient,
        start=period.start,
        end=period.end,
        paper=paper,
        language=language,
        made_by=user,
    )


def last_print(patient: Patient) -> SummaryPrint | None:
    return patient.summary_prints.first()


def last_language(patient: Patient, user) -> str | None:
    """The summary language this person chose last time for this diary, if any."""
    prints = patient.summary_prints.filter(made_by=user).exclude(language="")
    return prints.values_list("language", flat=True).first()
