"""What the diary and labs pages show, built from one patient's records.

Each builder reads a bounded set of rows (the diary reads a fixed window of days, never the whole
history), hands plain values to the rule modules (alerts, remission, egfr, units) and returns a
dataclass the templates render. The visit summary can reuse them.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from tracker import alerts, charts, egfr, remission, units
from tracker.guides import guide_url
from tracker.models import (
    AlertContact,
    BloodPressure,
    DiaryDay,
    LabKind,
    LabResult,
    Patient,
    UpcrUnit,
    day_readings,
)

RECENT_DAYS = 14  # rows in the diary's "recent days" table
ALERT_DAYS = 7  # the diary shows alerts triggered in the last week
PREFILL_DAYS = 7  # the quick entry starts from the latest day this recent


@dataclass(frozen=True)
class ShownAlert:
    """An alert with the URL of the guide section that explains it."""

    alert: alerts.Alert
    guide_url: str

    @property
    def severity_class(self) -> str:
        """Bootstrap's colour; the heading's words (alerts.SEVERITY_WORDS) say it without colour."""
        return {
            alerts.EMERGENCY: "danger",
            alerts.URGENT: "danger",
            alerts.CALL: "warning",
            alerts.INFO: "success",
        }[self.alert.severity]


def shown(found: Sequence[alerts.Alert]) -> list[ShownAlert]:
    return [ShownAlert(alert, guide_url(alert.guide_slug, alert.guide_anchor)) for alert in found]


# Alert groups and "I contacted the care team" marks (issue #11) --------------------------------


@dataclass(frozen=True)
class ShownGroup:
    """An alert group (alerts.group_by_rule) as the diary and day pages show it: its latest alert
    in full, the days it fired, and the marks "I contacted the care team" by the day they are on.
    The mark form acts on the latest alert."""

    group: alerts.AlertGroup
    guide_url: str
    contacts: dict[date, AlertContact] = field(default_factory=dict)

    @property
    def alert(self) -> alerts.Alert:
        return self.group.latest

    @property
    def severity_class(self) -> str:
        return ShownAlert(self.alert, self.guide_url).severity_class

    @property
    def contact(self) -> AlertContact | None:
        """The mark on the latest alert, if any."""
        return self.contacts.get(self.alert.triggered_on)

    @property
    def days(self) -> list[tuple[date, AlertContact | None]]:
        """Each day the rule fired, newest first, with its mark."""
        return [(on, self.contacts.get(on)) for on in self.group.dates]

    @property
    def dom_id(self) -> str:
        """The element id htmx swaps after a mark: one per rule and day."""
        return f"alert-{self.group.rule}-{self.alert.triggered_on.isoformat()}"


def shown_groups(patient: Patient, found: Sequence[alerts.Alert]) -> list[ShownGroup]:
    """The alerts grouped by rule, with their marks: one query, and none without alerts."""
    groups = alerts.group_by_rule(found)
    marks: dict[tuple[str, date], AlertContact] = {}
    if groups:
        days = [on for group in groups for on in group.dates]
        for mark in patient.alert_contacts.filter(
            rule__in=[group.rule for group in groups], triggered_on__range=(min(days), max(days))
        ):
            marks[mark.rule, mark.triggered_on] = mark
    return [
        ShownGroup(
            group,
            guide_url(group.latest.guide_slug, group.latest.guide_anchor),
            {on: marks[group.rule, on] for on in group.dates if (group.rule, on) in marks},
        )
        for group in groups
    ]


# ------------------------------------------------------------------------------------------------


@dataclass
class RecentDay:
    """One calendar date of the recent-days table (a date nobody logged has `day=None`)."""

    date: date
    day: DiaryDay | None
    blood_pressures: list[BloodPressure] = field(default_factory=list)


@dataclass
class DiaryWindow:
    """Days up to `end` (today on the diary page, the day itself on a day's page)."""

    end: date
    days: dict[date, DiaryDay]
    blood_pressures: dict[date, list[BloodPressure]]
    alerts: list[ShownAlert]
    inactive_rules: list[str]
    is_child: bool
    groups: list[ShownGroup] = field(default_factory=list)  # the alerts by rule, with marks

    @property
    def end_day(self) -> DiaryDay | None:
        return self.days.get(self.end)

    @property
    def end_blood_pressures(self) -> list[BloodPressure]:
        return self.blood_pressures.get(self.end, [])

    def previous_day(self) -> DiaryDay | None:
        """The latest day before `end` within PREFILL_DAYS: the quick entry's starting point."""
        for back in range(1, PREFILL_DAYS + 1):
            if day := self.days.get(self.end - timedelta(days=back)):
                return day
        return None

    def recent(self) -> list[RecentDay]:
        return [
            RecentDay(on, self.days.get(on), self.blood_pressures.get(on, []))
            for on in (self.end - timedelta(days=back) for back in range(RECENT_DAYS))
        ]


def diary_window(
    patient: Patient,
    end: date,
    *,
    shown_days: int = RECENT_DAYS,
    alert_days: int = ALERT_DAYS,
    latest_per_rule: bool = True,
) -> DiaryWindow:
    """The `shown_days` days up to `end` plus the alert rules' look-back (three queries, however
    long the history), with the alerts triggered in the last `alert_days` days: the latest of
    each rule for the diary page, or all of them."""
    start = end - timedelta(days=shown_days - 1 + alerts.LOOK_BACK_DAYS)
    # entered_by joined in: the pages name who entered a day when it was not the owner.
    days = list(patient.diary_days.filter(date__range=(start, end)).select_related("entered_by"))
    pressures = list(patient.blood_pressures.filter(date__range=(start, end)))
    by_date: dict[date, list[BloodPressure]] = {}
    for reading in pressures:
        by_date.setdefault(reading.date, []).append(reading)
    is_child = patient.is_child(end)
    on_immunosuppression = patient.on_immunosuppression(end)
    thresholds = patient.alert_thresholds()
    found = alerts.evaluate(
        day_readings(days, pressures),
        thresholds,
        is_child=is_child,
        on_immunosuppression=on_immunosuppression,
        today=end,
        since=end - timedelta(days=alert_days - 1),
    )
    return DiaryWindow(
        end=end,
        days={day.date: day for day in days},
        blood_pressures=by_date,
        alerts=shown(alerts.latest_per_rule(found) if latest_per_rule else found),
        inactive_rules=alerts.inactive_rules(
            thresholds, is_child=is_child, on_immunosuppression=on_immunosuppression
        ),
        is_child=is_child,
        groups=shown_groups(patient, found),
    )


def one_day(patient: Patient, day: date) -> DiaryWindow:
    """One day with its look-back and every alert triggered on it."""
    return diary_window(patient, day, shown_days=1, alert_days=1, latest_per_rule=False)


# Labs ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    value: Decimal
    unit: str

    def __str__(self):
        return f"{units.number_text(self.value, 2)} {self.unit}"


@dataclass
class LabRow:
    lab: LabResult
    converted: Measure | None
    calculated_egfr: Decimal | None = None
    egfr_stage: egfr.Category | None = None
    egfr_note: str = ""


def converted_unit(lab: LabResult, patient: Patient) -> str | None:
    """The unit to show beside the typed one: the patient's UPCR unit, else the canonical unit;
    when that is what was typed, the next common unit; None when there is no other unit."""
    accepted = units.LAB_UNITS.get(lab.kind)
    if not accepted:
        return None
    preferred = patient.upcr_unit if lab.kind == LabKind.UPCR else accepted[0]
    candidates = [preferred, *[unit for unit in accepted if unit != preferred]]
    if lab.kind == LabKind.UPCR:
        # mg/mg is the same number as g/g: never worth showing as the conversion.
        candidates = [unit for unit in candidates if unit != units.MG_PER_MG]
    for unit in candidates:
        if unit != lab.unit_entered:
            return unit
    return None


def lab_row(lab: LabResult, patient: Patient) -> LabRow:
    unit = converted_unit(lab, patient)
    row = LabRow(
        lab=lab,
        converted=unit and Measure(units.from_canonical(lab.kind, lab.value, unit), unit),
    )
    if lab.kind != LabKind.CREATININE:
        return row
    age = patient.age_on(lab.date)
    if age is not None and age < egfr.ADULT_AGE:
        row.egfr_note = str(
            _("Not calculated for under-18s: the adult formula does not apply. Use the lab's eGFR.")
        )
    elif patient.birth_date is None or not patient.sex:
        row.egfr_note = str(_("Add date of birth and sex in the profile to calculate eGFR."))
    elif lab.value > 0:
        row.calculated_egfr = egfr.calculated_egfr(
            lab.value, patient.birth_date, patient.sex, lab.date
        )
        if row.calculated_egfr is not None:
            row.egfr_stage = egfr.egfr_stage(row.calculated_egfr)
    return row


# Labs grouped by test (issue #11): the latest value, its change and a small trend per test -------


@dataclass(frozen=True)
class LabChange:
    """The latest result against the one before, in the latest result's unit."""

    direction: str  # "up", "down" or "same"
    amount: Measure  # the size of the change, never negative
    percent: Decimal | None  # of the previous value, whole number; None when that was 0
    previous: Measure
    previous_date: date


@dataclass
class LabGroup:
    """One test's results, newest first, with the change since the previous one and a sparkline."""

    key: str  # unique on the page, safe in an HTML id
    name: str
    rows: list[LabRow]
    change: LabChange | None = None
    trend: str | None = None  # the sparkline SVG (its text alternative is trend_text)
    trend_text: str = ""
    baseline_pk: int | None = None  # the UPCR result that is the remission baseline itself

    @property
    def latest(self) -> LabRow:
        return self.rows[0]

    @property
    def latest_is_baseline(self) -> bool:
        return self.baseline_pk is not None and self.baseline_pk == self.latest.lab.pk


def _plain(value: Decimal) -> str:
    return units.number_text(value, 2)


def _in_unit(lab: LabResult, unit: str) -> Decimal | None:
    """The result in `unit`: as typed when typed in it; None when it cannot be converted."""
    if lab.unit_entered == unit:
        return lab.value_entered
    if lab.kind == LabKind.OTHER:
        return None
    try:
        return units.from_canonical(lab.kind, lab.value, unit)
    except ValueError:
        return None


def lab_change(latest: LabResult, previous: LabResult) -> LabChange | None:
    unit = latest.unit_entered
    before = _in_unit(previous, unit)
    if before is None:
        return None
    difference = latest.value_entered - before
    direction = "up" if difference > 0 else "down" if difference < 0 else "same"
    percent = None if before == 0 else units.rounded(abs(difference) / abs(before) * 100, 0)
    return LabChange(
        direction=direction,
        amount=Measure(abs(difference), unit),
        percent=percent,
        previous=Measure(before, unit),
        previous_date=previous.date,
    )


def _group_key(lab: LabResult) -> tuple[str, str]:
    if lab.kind == LabKind.OTHER:
        return lab.kind, " ".join(lab.other_name.split()).casefold()
    return lab.kind, ""


def lab_groups(rows: Sequence[LabRow], baseline: remission.Baseline | None) -> list[LabGroup]:
    """The rows (newest first) grouped by test, in the order of the test list, other tests by
    name; each group with the change from the previous result and a sparkline of the results that
    can be shown in the latest one's unit."""
    order = {kind: position for position, kind in enumerate(LabKind.values)}
    grouped: dict[tuple[str, str], list[LabRow]] = {}
    for row in rows:
        grouped.setdefault(_group_key(row.lab), []).append(row)
    groups = []
    for number, (key, members) in enumerate(
        sorted(grouped.items(), key=lambda item: (order[item[0][0]], item[0][1]))
    ):
        latest = members[0].lab
        group = LabGroup(key=f"lab-{key[0]}-{number}", name=latest.name, rows=list(members))
        if len(members) > 1:
            group.change = lab_change(latest, members[1].lab)
        points = [
            (row.lab.date, value)
            for row in reversed(members)
            if (value := _in_unit(row.lab, latest.unit_entered)) is not None
        ]
        if len(points) > 1:
            group.trend_text = str(
                _("%(test)s from %(first)s to %(last)s: %(values)s %(unit)s.")
                % {
                    "test": latest.short_name,
                    "first": date_format(points[0][0], "j M Y"),
                    "last": date_format(points[-1][0], "j M Y"),
                    "values": ", ".join(_plain(value) for _day, value in points),
                    "unit": latest.unit_entered,
                }
            )
            group.trend = charts.sparkline(
                f"{group.key}-trend",
                points,
                title=str(_("Trend of %(test)s") % {"test": latest.short_name}),
                desc=group.trend_text,
            )
        if key[0] == LabKind.UPCR and baseline is not None and baseline.result is not None:
            group.baseline_pk = next(
                (
                    row.lab.pk
                    for row in members
                    if row.lab.date == baseline.result.date
                    and row.lab.value_entered == baseline.result.value
                    and row.lab.unit_entered == baseline.result.unit
                ),
                None,
            )
        groups.append(group)
    return groups


@dataclass
class LabsOverview:
    rows: list[LabRow]
    remission: remission.RemissionStatus
    remission_guide_url: str
    baseline: Measure | None  # in the patient's UPCR unit
    marked_baseline: Measure | None
    status_meanings: list[tuple[str, str]] = field(default_factory=list)
    is_child: bool = False
    groups: list[LabGroup] = field(default_factory=list)


def upcr_measure(value: Decimal | None, patient: Patient) -> Measure | None:
    if value is None:
        return None
    unit = patient.upcr_unit or UpcrUnit.G_PER_G
    return Measure(units.upcr_from_g_per_g(value, unit), unit)


def upcr_results(labs) -> list[remission.UpcrResult]:
    """The UPCR rows as the lab reported them (value and unit typed), oldest first."""
    return sorted(
        (
            remission.upcr_result(lab.date, lab.value_entered, lab.unit_entered, lab.value)
            for lab in labs
            if lab.kind == LabKind.UPCR
        ),
        key=lambda result: result.date,
    )


def labs_overview(patient: Patient, labs: Sequence[LabResult], today: date) -> LabsOverview:
    """Every lab shown as typed and converted, calculated eGFR beside creatinine, and the
    remission status of the latest UPCR with the rule, the line and the baseline used (one
    query for the recent dipsticks, which children's rules and the relapse-sign note use)."""
    upcr = upcr_results(labs)
    baseline = remission.choose_baseline(
        upcr, patient.baseline_upcr, patient.first_treatment_date()
    )
    is_child = patient.is_child(today)
    since = today - timedelta(days=RECENT_DAYS)
    dipsticks = list(
        patient.diary_days.filter(date__gte=since, dipstick__isnull=False).values_list(
            "date", "dipstick"
        )
    )
    albumin = [(lab.date, lab.value) for lab in labs if lab.kind == LabKind.ALBUMIN]
    status = remission.remission_status(
        upcr[-1] if upcr else None,
        baseline,
        is_child=is_child,
        previous_complete_remission=remission.had_complete_remission(upcr[:-1], baseline, is_child),
        recent_dipsticks=dipsticks,
        albumin_g_per_l=albumin,
    )
    rows = [lab_row(lab, patient) for lab in labs]
    return LabsOverview(
        rows=rows,
        groups=lab_groups(rows, baseline),
        remission=status,
        remission_guide_url=guide_url(status.guide_slug, status.guide_anchor),
        baseline=upcr_measure(baseline.value, patient) if baseline else None,
        marked_baseline=upcr_measure(patient.baseline_upcr, patient),
        status_meanings=remission.status_meanings(is_child),
        is_child=is_child,
    )
