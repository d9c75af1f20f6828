"""When to contact the care team: every alert rule of the portal, in one place.

Pure: diary values in, alerts out. Alerts are computed, never stored. Rules and defaults come from
CLINICAL.md ("When to contact the care team"); each alert names its rule, the readings that
triggered it, what to do, and the guide section (`when-to-call#<anchor>`) that explains it.

| rule               | fires on a day when …                                          | severity  |
|--------------------|----------------------------------------------------------------|-----------|
| weight_gain_1d     | weight - weight of the calendar day before ≥ 1.0 kg            | call      |
| weight_gain_7d     | weight - lowest weight of the 7 days before ≥ 2.0 kg           | call      |
| dipstick_relapse   | dipstick ≥ 3+ on this day and the 2 calendar days before       | call      |
| dipstick_remission | dipstick negative/trace on this day and the 2 days before      | info      |
| fever              | temperature ≥ 38.0 °C, only while on immune-suppressing drugs  | call      |
| high_bp            | any reading ≥ 180 systolic or ≥ 120 diastolic                  | emergency |
| severe_swelling    | a site newly at grade 3, or the belly at grade 3               | call      |
| less_urine         | "less urine than usual" ticked                                 | call      |
| blood_clot         | "one leg swollen or painful" or "chest pain or sudden          | emergency |
|                    | breathlessness" ticked                                         |           |
| belly_pain_fever   | "belly pain" ticked and a temperature at or above the fever    | urgent    |
|                    | line on the same day (whatever the medicines)                  |           |
| child_exposure     | a child on immune-suppressing medicine: "contact with          | call      |
|                    | chickenpox or measles" or "vomiting or diarrhoea" ticked       |           |

Severities, most pressing first: emergency (call the emergency number), urgent (call the care team
now), call (contact the care team today), info (good news to pass on).

Children (under 18): the weight and blood-pressure rules run only with the care team's numbers
(see `care_team_thresholds`); the other rules run as for adults, and child_exposure runs only for
them. The ticked items come from the day form's "Anything else today?" checklist
(tracker.symptoms); for adults, the vomiting and contact ticks are recorded and shown but raise no
alert (CLINICAL.md gives no adult rule).
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from tracker.symptoms import (
    BELLY_PAIN,
    CHEST_PAIN,
    INFECTION_CONTACT,
    LEG_SWOLLEN,
    VOMITING_DIARRHOEA,
)
from tracker.symptoms import labels as symptom_labels
from tracker.units import (
    DIPSTICK_3_PLUS,
    DIPSTICK_TRACE,
    dipstick_label,
    fahrenheit_from_celsius,
    lb_from_kg,
    rounded,
)

GUIDE_SLUG = "when-to-call"

EMERGENCY = "emergency"
URGENT = "urgent"
CALL = "call"
INFO = "info"
SEVERITIES = (EMERGENCY, URGENT, CALL, INFO)  # most pressing first
_SEVERITY_ORDER = {severity: rank for rank, severity in enumerate(SEVERITIES)}
# Each severity as a plain word, so a page never says it by colour alone.
SEVERITY_WORDS = {
    EMERGENCY: _("Emergency"),
    URGENT: _("Urgent"),
    CALL: _("Call"),
    INFO: _("Good news"),
}

WEIGHT_GAIN_1D = "weight_gain_1d"
WEIGHT_GAIN_7D = "weight_gain_7d"
DIPSTICK_RELAPSE = "dipstick_relapse"
DIPSTICK_REMISSION = "dipstick_remission"
FEVER = "fever"
HIGH_BP = "high_bp"
SEVERE_SWELLING = "severe_swelling"
LESS_URINE = "less_urine"
BLOOD_CLOT = "blood_clot"
BELLY_PAIN_FEVER = "belly_pain_fever"
CHILD_EXPOSURE = "child_exposure"
# The rules the "Anything else today?" checklist feeds (tracker.symptoms).
CHECKLIST_RULES = (BLOOD_CLOT, BELLY_PAIN_FEVER, CHILD_EXPOSURE)
RULES = (
    BLOOD_CLOT,
    HIGH_BP,
    BELLY_PAIN_FEVER,
    WEIGHT_GAIN_1D,
    WEIGHT_GAIN_7D,
    DIPSTICK_RELAPSE,
    FEVER,
    SEVERE_SWELLING,
    LESS_URINE,
    CHILD_EXPOSURE,
    DIPSTICK_REMISSION,
)

# The longest look-back of any rule (7-day weight): load this many days before the first day shown.
LOOK_BACK_DAYS = 7

SWELLING_SITES = ("face", "hands", "belly", "legs")
SEVERE_SWELLING_GRADE = 3
DIPSTICK_DAYS_IN_A_ROW = 3

_SITE_LABELS = {
    "face": _("face or around the eyes"),
    "hands": _("hands"),
    "belly": _("belly"),
    "legs": _("legs, ankles or feet"),
}
SWELLING_GRADE_LABELS = {0: _("none"), 1: _("mild"), 2: _("moderate"), 3: _("severe")}

# Rules that use adult numbers: for a child they run only with the care team's numbers.
_ADULT_ONLY_THRESHOLDS = ("weight_gain_1d_kg", "weight_gain_7d_kg", "systolic", "diastolic")

CHILD_THRESHOLDS_NOTE = _(
    "For children under 18, the portal uses no adult weight or blood pressure numbers: a safe "
    "change depends on the child's age and size. Enter the numbers from your child's care team "
    "to turn on these checks. Until then, the other checks still run: dipstick, urine amount, "
    "swelling, signs of a blood clot, and belly pain with fever. While your child takes medicine "
    "that weakens the immune system, the fever check and the check for contact with chickenpox "
    "or measles, or vomiting or diarrhoea, run too."
)


@dataclass(frozen=True)
class DayReadings:
    """One diary day: weight in kg, swelling 0-3 per site, foam 0-3, dipstick code 0-5, °C."""

    date: date
    weight_kg: Decimal | None = None
    swelling: Mapping[str, int] = field(default_factory=dict)
    foam: int | None = None
    dipstick: int | None = None
    temperature_c: Decimal | None = None
    less_urine: bool = False
    blood_pressures: tuple[tuple[int, int], ...] = ()  # (systolic, diastolic) in mmHg
    # Codes ticked on the day's "Anything else today?" checklist (tracker.symptoms.CODES).
    symptoms: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Thresholds:
    """Alert numbers. None turns a rule off.

    Defaults are CLINICAL.md's adult defaults. `set_by_care_team` names the fields the care team
    entered: for a child, the weight and blood-pressure rules run only for those fields.
    """

    weight_gain_1d_kg: Decimal | None = Decimal("1.0")
    weight_gain_7d_kg: Decimal | None = Decimal("2.0")
    systolic: int | None = 180
    diastolic: int | None = 120
    fever_c: Decimal | None = Decimal("38.0")
    set_by_care_team: frozenset[str] = frozenset()


DEFAULT_THRESHOLDS = Thresholds()


def care_team_thresholds(
    *,
    weight_gain_1d_kg: Decimal | None = None,
    weight_gain_7d_kg: Decimal | None = None,
    systolic: int | None = None,
    diastolic: int | None = None,
    fever_c: Decimal | None = None,
) -> Thresholds:
    """Thresholds with the care team's numbers where given (None = not entered, keep the default).

    Pass the patient's stored numbers straight in; `evaluate` then knows which ones the team set.
    """
    entered = {
        "weight_gain_1d_kg": weight_gain_1d_kg,
        "weight_gain_7d_kg": weight_gain_7d_kg,
        "systolic": systolic,
        "diastolic": diastolic,
        "fever_c": fever_c,
    }
    entered = {name: value for name, value in entered.items() if value is not None}
    return Thresholds(**entered, set_by_care_team=frozenset(entered))


@dataclass(frozen=True)
class Alert:
    """A reason to contact the care team (or, for `info`, to tell them good news)."""

    rule: str
    severity: str
    title: str
    triggered_on: date
    readings: list[str]
    what_to_do: str
    rule_text: str
    guide_slug: str = GUIDE_SLUG
    guide_anchor: str = ""


@dataclass(frozen=True)
class WeightGain:
    """Weight on `on` compared with the lowest weight of the `days` calendar days before it."""

    on: date
    weight_kg: Decimal
    days: int
    compared_on: date
    compared_kg: Decimal
    gain_kg: Decimal


# Small pure helpers ----------------------------------------------------------------------------


def by_date(days: Iterable[DayReadings]) -> dict[date, DayReadings]:
    """Days keyed by date, in date order; with two entries for one date, the last one given wins."""
    index = {}
    for day in days:
        index[day.date] = day
    return dict(sorted(index.items()))


def window(days: Iterable[DayReadings], start: date, end: date) -> list[DayReadings]:
    """The days from `start` to `end` (both included), in date order."""
    return [day for day in by_date(days).values() if start <= day.date <= end]


def weight_gain_over(days: Iterable[DayReadings], on: date, n_days: int) -> WeightGain | None:
    """Gain on `on` over the lowest weight recorded in the `n_days` calendar days before it.

    With n_days=1 that is the change since the day before (consecutive calendar days only); with
    n_days=7 it is today's weight minus the lowest of the previous 7 days, so a slow climb from a
    low point counts in full and a single low day is not missed. None without a weight on `on` or
    any weight in those days. Of equal lowest weights, the most recent one is shown.
    """
    return _weight_gain(by_date(days), on, n_days)


def weight_gains_over(
    days: Iterable[DayReadings], on: Iterable[date], n_days: int
) -> dict[date, WeightGain]:
    """weight_gain_over for each date in `on` that has a gain: the days indexed once, for charts
    of a year."""
    index = by_date(days)
    return {day: gain for day in on if (gain := _weight_gain(index, day, n_days)) is not None}


def _weight_gain(index: Mapping[date, DayReadings], on: date, n_days: int) -> WeightGain | None:
    today = index.get(on)
    if today is None or today.weight_kg is None:
        return None
    earlier = [
        (index[day].weight_kg, day)
        for day in (on - timedelta(days=back) for back in range(1, n_days + 1))
        if day in index and index[day].weight_kg is not None
    ]
    if not earlier:
        return None
    lowest_kg, lowest_on = min(earlier, key=lambda item: (item[0], -item[1].toordinal()))
    return WeightGain(
        on=on,
        weight_kg=today.weight_kg,
        days=n_days,
        compared_on=lowest_on,
        compared_kg=lowest_kg,
        gain_kg=today.weight_kg - lowest_kg,
    )


def dipstick_run_ending(
    index: Mapping[date, DayReadings],
    on: date,
    qualifies: Callable[[int], bool],
    days_in_a_row: int = DIPSTICK_DAYS_IN_A_ROW,
) -> list[DayReadings] | None:
    """The `days_in_a_row` days ending on `on` if each has a dipstick that `qualifies`, else None.

    A missing day, or a day without a dipstick reading, breaks the run.
    """
    run = []
    for back in range(days_in_a_row - 1, -1, -1):
        day = index.get(on - timedelta(days=back))
        if day is None or day.dipstick is None or not qualifies(day.dipstick):
            return None
        run.append(day)
    return run


def active_threshold(thresholds: Thresholds, name: str, *, is_child: bool):
    """The number a rule uses; None when it is off (unset, or an adult default for a child)."""
    value = getattr(thresholds, name)
    if value is None:
        return None
    if is_child and name in _ADULT_ONLY_THRESHOLDS and name not in thresholds.set_by_care_team:
        return None
    return value


def inactive_rules(
    thresholds: Thresholds, *, is_child: bool, on_immunosuppression: bool
) -> list[str]:
    """Rule codes that cannot fire for this patient, so the page can say which checks are off.

    child_exposure is listed for a child not on immune-suppressing medicine; for an adult it is
    not a rule at all (CLINICAL.md gives none), so it is not listed as "off"."""
    off = []

    def is_off(name):
        return active_threshold(thresholds, name, is_child=is_child) is None

    if is_off("weight_gain_1d_kg"):
        off.append(WEIGHT_GAIN_1D)
    if is_off("weight_gain_7d_kg"):
        off.append(WEIGHT_GAIN_7D)
    if not on_immunosuppression or is_off("fever_c"):
        off.append(FEVER)
    if is_off("systolic") and is_off("diastolic"):
        off.append(HIGH_BP)
    if is_child and not on_immunosuppression:
        off.append(CHILD_EXPOSURE)
    return off


def latest_per_rule(alerts: Iterable[Alert]) -> list[Alert]:
    """The most recent alert of each rule, keeping the order of `evaluate` (for the diary page)."""
    seen: dict[str, Alert] = {}
    for alert in _sorted(alerts):
        seen.setdefault(alert.rule, alert)
    return _sorted(seen.values())


# Text helpers ------------------------------------------------------------------------------------


def _kg(value: Decimal, unit: str = "kg") -> str:
    """A weight in the patient's unit first, the other in brackets."""
    kg, lb = rounded(value, 1), rounded(lb_from_kg(value), 1)
    if unit == "lb":
        return str(_("%(lb)s lb (%(kg)s kg)") % {"kg": kg, "lb": lb})
    return str(_("%(kg)s kg (%(lb)s lb)") % {"kg": kg, "lb": lb})


def _celsius(value: Decimal, unit: str = "C") -> str:
    """A temperature in the patient's unit first, the other in brackets."""
    c, f = rounded(value, 1), rounded(fahrenheit_from_celsius(value), 1)
    if unit == "F":
        return str(_("%(f)s °F (%(c)s °C)") % {"c": c, "f": f})
    return str(_("%(c)s °C (%(f)s °F)") % {"c": c, "f": f})


def _weight_reading(day: date, kg: Decimal, unit: str = "kg") -> str:
    return str(
        _("Weight %(weight)s on %(date)s") % {"weight": _kg(kg, unit), "date": day.isoformat()}
    )


def _dipstick_reading(day: DayReadings) -> str:
    return str(
        _("Dipstick protein %(grade)s on %(date)s")
        % {"grade": _grade_label(day.dipstick), "date": day.date.isoformat()}
    )


def _grade_label(code: int) -> str:
    try:
        return str(dipstick_label(code))
    except ValueError:
        return str(code)


def _swelling_reading(site: str, grade: int, day: date) -> str:
    return str(
        _("Swelling of the %(site)s: grade %(grade)s (%(label)s) on %(date)s")
        % {
            "site": _SITE_LABELS.get(site, site),
            "grade": grade,
            "label": SWELLING_GRADE_LABELS.get(min(max(grade, 0), 3)),
            "date": day.isoformat(),
        }
    )


def _site_order(item: tuple[str, int]) -> tuple[int, str]:
    site = item[0]
    return (SWELLING_SITES.index(site) if site in SWELLING_SITES else len(SWELLING_SITES), site)


def _provenance(thresholds: Thresholds, names: Sequence[str]) -> str:
    if any(name in thresholds.set_by_care_team for name in names):
        return str(_("This is the number your care team set."))
    return str(_("This is a default your care team can change."))


# The rules --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    index: Mapping[date, DayReadings]
    thresholds: Thresholds
    is_child: bool
    on_immunosuppression: bool
    weight_unit: str = "kg"
    temperature_unit: str = "C"
    since: date | None = None

    def threshold(self, name: str):
        return active_threshold(self.thresholds, name, is_child=self.is_child)

    @property
    def shown_dates(self) -> list[date]:
        """The dates an alert may be triggered on: all of them, or those from `since` on (earlier
        days only serve as look-back, so no alert text is built for them)."""
        return [on for on in self.index if self.since is None or on >= self.since]

    @property
    def shown_days(self) -> list[DayReadings]:
        return [self.index[on] for on in self.shown_dates]


_WEIGHT_WHAT_TO_DO = _(
    "Contact your care team. Fast weight gain often means your body is holding extra fluid. "
    "Weigh yourself the same way each morning: after passing urine, before eating, in similar "
    "clothes."
)
_WEIGHT_UNCONFIRMED = _(
    "It is adapted from advice for heart failure and is not confirmed for nephrotic syndrome."
)


def _weight_gain_alerts(context: _Context, rule: str, n_days: int, name: str) -> list[Alert]:
    limit = context.threshold(name)
    if limit is None:
        return []
    alerts = []
    for on in context.shown_dates:
        gain = _weight_gain(context.index, on, n_days)
        if gain is None or gain.gain_kg < limit:
            continue
        if n_days == 1:
            title = _("Weight up %(gain)s in 1 day") % {
                "gain": _kg(gain.gain_kg, context.weight_unit)
            }
            rule_text = _("Weight gain of %(limit)s or more from one day to the next.") % {
                "limit": _kg(limit, context.weight_unit)
            }
        else:
            title = _("Weight up %(gain)s over %(days)s days") % {
                "gain": _kg(gain.gain_kg, context.weight_unit),
                "days": n_days,
            }
            rule_text = _(
                "Weight gain of %(limit)s or more over %(days)s days, compared with the lowest "
                "weight in the %(days)s days before."
            ) % {"limit": _kg(limit, context.weight_unit), "days": n_days}
        provenance = _provenance(context.thresholds, [name])
        if name not in context.thresholds.set_by_care_team:
            provenance = f"{provenance} {_WEIGHT_UNCONFIRMED}"
        alerts.append(
            Alert(
                rule=rule,
                severity=CALL,
                title=str(title),
                triggered_on=on,
                readings=[
                    _weight_reading(gain.compared_on, gain.compared_kg, context.weight_unit),
                    _weight_reading(on, gain.weight_kg, context.weight_unit),
                ],
                what_to_do=str(_WEIGHT_WHAT_TO_DO),
                rule_text=f"{rule_text} {provenance}",
                guide_anchor="weight-gain",
            )
        )
    return alerts


def _weight_gain_1d_alerts(context: _Context) -> list[Alert]:
    return _weight_gain_alerts(context, WEIGHT_GAIN_1D, 1, "weight_gain_1d_kg")


def _weight_gain_7d_alerts(context: _Context) -> list[Alert]:
    return _weight_gain_alerts(context, WEIGHT_GAIN_7D, 7, "weight_gain_7d_kg")


def _dipstick_run_alerts(context: _Context, in_run, **alert) -> list[Alert]:
    """An alert (fields in `alert`) on each shown day that ends 3 dipstick days in a row whose
    grades all pass `in_run`, with those readings."""
    alerts = []
    for on in context.shown_dates:
        run = dipstick_run_ending(context.index, on, in_run)
        if run is not None:
            readings = [_dipstick_reading(day) for day in run]
            alerts.append(Alert(triggered_on=on, readings=readings, **alert))
    return alerts


def _dipstick_relapse_alerts(context: _Context) -> list[Alert]:
    if context.is_child:
        rule_text = _(
            "Dipstick protein 3+ or more on 3 days in a row: the relapse sign for children "
            "(IPNA 2022)."
        )
    else:
        rule_text = _(
            "Dipstick protein 3+ or more on 3 days in a row: the relapse sign for children "
            "(IPNA 2022), also a useful sign for adults."
        )
    return _dipstick_run_alerts(
        context,
        lambda grade: grade >= DIPSTICK_3_PLUS,
        rule=DIPSTICK_RELAPSE,
        severity=CALL,
        title=str(_("Dipstick 3+ or more on 3 days in a row")),
        what_to_do=str(
            _(
                "Contact your care team: this can be a sign of relapse. They may want a lab test "
                "to check. Keep testing your first-morning urine each day."
            )
        ),
        rule_text=str(rule_text),
        guide_anchor="dipstick-relapse",
    )


def _dipstick_remission_alerts(context: _Context) -> list[Alert]:
    return _dipstick_run_alerts(
        context,
        lambda grade: 0 <= grade <= DIPSTICK_TRACE,
        rule=DIPSTICK_REMISSION,
        severity=INFO,
        title=str(_("Dipstick negative or trace on 3 days in a row")),
        what_to_do=str(
            _(
                "This is good news: it can be a sign of remission. Tell your care team; "
                "they may order a lab test. Do not change your medicines on your own."
            )
        ),
        rule_text=str(_("Dipstick protein negative or trace on 3 days in a row (IPNA 2022).")),
        guide_anchor="dipstick-remission",
    )


def _fever_alerts(context: _Context) -> list[Alert]:
    limit = context.threshold("fever_c")
    if limit is None or not context.on_immunosuppression:
        return []
    rule_text = _(
        "Temperature of %(limit)s or higher while taking medicine that weakens the immune system "
        "(common guidance: call the same day)."
    ) % {"limit": _celsius(limit, context.temperature_unit)}
    return [
        Alert(
            rule=FEVER,
            severity=CALL,
            title=str(_("Fever while on immune-suppressing medicine")),
            triggered_on=day.date,
            readings=[
                str(
                    _("Temperature %(temperature)s on %(date)s")
                    % {
                        "temperature": _celsius(day.temperature_c, context.temperature_unit),
                        "date": day.date.isoformat(),
                    }
                )
            ],
            what_to_do=str(
                _(
                    "Call your care team today. A fever can be serious when you take medicine "
                    "that weakens the immune system."
                )
            ),
            rule_text=f"{rule_text} {_provenance(context.thresholds, ['fever_c'])}",
            guide_anchor="fever",
        )
        for day in context.shown_days
        if day.temperature_c is not None and day.temperature_c >= limit
    ]


def _high_bp_alerts(context: _Context) -> list[Alert]:
    systolic = context.threshold("systolic")
    diastolic = context.threshold("diastolic")
    if systolic is None and diastolic is None:
        return []
    values = {"systolic": systolic, "diastolic": diastolic}
    if systolic is not None and diastolic is not None:
        rule_text = _(
            "Blood pressure of %(systolic)s or more systolic (top number), or %(diastolic)s or "
            "more diastolic (bottom number)."
        )
    elif systolic is not None:
        rule_text = _("Blood pressure of %(systolic)s or more systolic (top number).")
    else:
        rule_text = _("Blood pressure of %(diastolic)s or more diastolic (bottom number).")
    rule_text = str(rule_text % values)
    if context.is_child:
        source = ""
    else:
        source = str(_("From the hypertensive-crisis guidance of heart associations."))
    provenance = _provenance(context.thresholds, ["systolic", "diastolic"])

    def is_high(reading):
        top, bottom = reading
        return (systolic is not None and top >= systolic) or (
            diastolic is not None and bottom >= diastolic
        )

    alerts = []
    for day in context.shown_days:
        high = [reading for reading in day.blood_pressures if is_high(reading)]
        if not high:
            continue
        alerts.append(
            Alert(
                rule=HIGH_BP,
                severity=EMERGENCY,
                title=str(_("Very high blood pressure")),
                triggered_on=day.date,
                readings=[
                    str(
                        _("Blood pressure %(systolic)s/%(diastolic)s mmHg on %(date)s")
                        % {"systolic": top, "diastolic": bottom, "date": day.date.isoformat()}
                    )
                    for top, bottom in high
                ],
                what_to_do=str(
                    _(
                        "Sit and rest for 5 minutes, then measure again. If it is still this high, "
                        "contact your care team now. If you also have chest pain, trouble "
                        "breathing, weakness, or changes in how you see or speak, call the "
                        "emergency number."
                    )
                ),
                rule_text=" ".join(part for part in (rule_text, source, provenance) if part),
                guide_anchor="high-blood-pressure",
            )
        )
    return alerts


def _severe_swelling_alerts(context: _Context) -> list[Alert]:
    alerts = []
    last_seen: dict[str, tuple[int, date]] = {}  # site -> (grade, date) on its last recorded day
    for day in context.shown_days:
        readings = []
        for site, grade in sorted(day.swelling.items(), key=_site_order):
            if grade is None:
                continue
            previous = last_seen.get(site)
            is_new = grade >= SEVERE_SWELLING_GRADE and (
                previous is None or previous[0] < SEVERE_SWELLING_GRADE
            )
            is_belly = site == "belly" and grade >= SEVERE_SWELLING_GRADE
            if is_new or is_belly:
                if previous is not None:
                    readings.append(_swelling_reading(site, previous[0], previous[1]))
                readings.append(_swelling_reading(site, grade, day.date))
            last_seen[site] = (grade, day.date)
        if readings:
            alerts.append(
                Alert(
                    rule=SEVERE_SWELLING,
                    severity=CALL,
                    title=str(_("Severe swelling")),
                    triggered_on=day.date,
                    readings=readings,
                    what_to_do=str(
                        _(
                            "Contact your care team and tell them where the swelling is and "
                            "since when. Call them now if your belly is swollen and you feel short "
                            "of breath. For sudden chest pain or trouble breathing, call the "
                            "emergency number."
                        )
                    ),
                    rule_text=str(
                        _(
                            "Swelling at grade 3 (severe) at a body part that was below grade 3 on "
                            "the last day it was recorded, or a belly at grade 3 (the portal's "
                            "0 to 3 swelling scale)."
                        )
                    ),
                    guide_anchor="severe-swelling",
                )
            )
    return alerts


def _less_urine_alerts(context: _Context) -> list[Alert]:
    return [
        Alert(
            rule=LESS_URINE,
            severity=CALL,
            title=str(_("Much less urine than usual")),
            triggered_on=day.date,
            readings=[str(_("Less urine than usual on %(date)s") % {"date": day.date.isoformat()})],
            what_to_do=str(
                _("Call your care team today. If you pass no urine at all, call them now.")
            ),
            rule_text=str(_("Much less urine than usual, or none, for a day.")),
            guide_anchor="less-urine",
        )
        for day in context.shown_days
        if day.less_urine
    ]


def _ticked_readings(day: DayReadings, codes: Sequence[str]) -> list[str]:
    """One line per ticked item of `codes` on the day, in the checklist's order."""
    return [
        str(_("Ticked “%(item)s” on %(date)s") % {"item": label, "date": day.date.isoformat()})
        for label in symptom_labels(set(codes) & day.symptoms)
    ]


_CLOT_SIGNS = (LEG_SWOLLEN, CHEST_PAIN)


def _blood_clot_alerts(context: _Context) -> list[Alert]:
    """CLINICAL.md table, "blood clot signs" (one leg swollen, painful, red or warm; sudden chest
    pain or breathlessness): an emergency, call the emergency number. Nephrotic syndrome raises
    the risk of clots (CLINICAL.md "Nephrotic syndrome"). Runs for everyone, adults and children."""
    return [
        Alert(
            rule=BLOOD_CLOT,
            severity=EMERGENCY,
            title=str(_("Signs of a possible blood clot")),
            triggered_on=day.date,
            readings=_ticked_readings(day, _CLOT_SIGNS),
            what_to_do=str(
                _(
                    "Call the emergency number now. A swollen, painful leg, or sudden chest pain "
                    "or trouble breathing, can be a sign of a blood clot. Do not wait to see if "
                    "it gets better."
                )
            ),
            rule_text=str(
                _(
                    "One leg swollen or painful, or chest pain or sudden breathlessness, ticked "
                    "on the day. These are signs of a blood clot, and nephrotic syndrome raises "
                    "the risk of clots (common guidance: an emergency)."
                )
            ),
            guide_anchor="blood-clots",
        )
        for day in context.shown_days
        if day.symptoms & set(_CLOT_SIGNS)
    ]


def _fever_line(context: _Context) -> Decimal:
    """The fever line the belly-pain rule uses: the fever threshold in use (the care team's
    number, else the 38.0 °C default), whatever the medicines."""
    limit = context.thresholds.fever_c
    return limit if limit is not None else DEFAULT_THRESHOLDS.fever_c


def _belly_pain_fever_alerts(context: _Context) -> list[Alert]:
    """IPNA 2022; KDIGO 2021 (CLINICAL.md "Vaccines and infections", and its table): belly pain
    with fever on the same day is urgent, since nephrotic syndrome raises the risk of peritonitis:
    call the care team now, the emergency number if very unwell. Runs for everyone, on
    immune-suppressing medicine or not. The alert says "can be a sign of", never a diagnosis.

    The temperature is held to the fever line exactly as the fever rule holds it (keep the two
    tests in step)."""
    limit = _fever_line(context)
    rule_text = _(
        "Belly pain ticked and a temperature of %(limit)s or higher on the same day. Nephrotic "
        "syndrome raises the risk of a serious belly infection (peritonitis), so belly pain with "
        "fever needs urgent care (IPNA 2022; KDIGO 2021)."
    ) % {"limit": _celsius(limit, context.temperature_unit)}
    rule_text = f"{rule_text} {_provenance(context.thresholds, ['fever_c'])}"
    return [
        Alert(
            rule=BELLY_PAIN_FEVER,
            severity=URGENT,
            title=str(_("Belly pain with fever")),
            triggered_on=day.date,
            readings=[
                *_ticked_readings(day, (BELLY_PAIN,)),
                str(
                    _("Temperature %(temperature)s on %(date)s")
                    % {
                        "temperature": _celsius(day.temperature_c, context.temperature_unit),
                        "date": day.date.isoformat(),
                    }
                ),
            ],
            what_to_do=str(
                _(
                    "Call your care team now. Belly pain with a fever can be a sign of a serious "
                    "belly infection (peritonitis). If you feel very unwell, call the emergency "
                    "number."
                )
            ),
            rule_text=rule_text,
            guide_anchor="belly-pain-fever",
        )
        for day in context.shown_days
        if BELLY_PAIN in day.symptoms
        and day.temperature_c is not None
        and day.temperature_c >= limit
    ]


_CHILD_EXPOSURE_SIGNS = (INFECTION_CONTACT, VOMITING_DIARRHOEA)


def _child_exposure_alerts(context: _Context) -> list[Alert]:
    """CLINICAL.md (IPNA 2022; KDIGO 2021): a child on steroids who meets chickenpox or measles,
    or has vomiting with diarrhoea, needs a call to the care team the same day.

    "On steroids" is read as `on_immunosuppression` (steroids are immune-suppressing medicines,
    and the others weaken the immune system as well). Children only: CLINICAL.md gives no adult
    rule, so an adult's ticks are recorded and shown but raise no alert."""
    if not (context.is_child and context.on_immunosuppression):
        return []
    return [
        Alert(
            rule=CHILD_EXPOSURE,
            severity=CALL,
            title=str(_("Illness or contact with chickenpox or measles")),
            triggered_on=day.date,
            readings=_ticked_readings(day, _CHILD_EXPOSURE_SIGNS),
            what_to_do=str(
                _(
                    "Call your child's care team today. After contact with chickenpox or "
                    "measles, a medicine can help prevent the illness. Tell them about vomiting "
                    "or diarrhoea too."
                )
            ),
            rule_text=str(
                _(
                    "Contact with chickenpox or measles, or vomiting or diarrhoea, ticked for a "
                    "child taking medicine that weakens the immune system, such as steroids "
                    "(IPNA 2022; KDIGO 2021: call the same day)."
                )
            ),
            guide_anchor="child-exposures",
        )
        for day in context.shown_days
        if day.symptoms & set(_CHILD_EXPOSURE_SIGNS)
    ]


_RULE_FUNCTIONS = (
    _blood_clot_alerts,
    _belly_pain_fever_alerts,
    _high_bp_alerts,
    _weight_gain_1d_alerts,
    _weight_gain_7d_alerts,
    _dipstick_relapse_alerts,
    _fever_alerts,
    _severe_swelling_alerts,
    _less_urine_alerts,
    _child_exposure_alerts,
    _dipstick_remission_alerts,
)


def _sorted(alerts: Iterable[Alert]) -> list[Alert]:
    return sorted(
        alerts,
        key=lambda alert: (
            _SEVERITY_ORDER[alert.severity],
            -alert.triggered_on.toordinal(),
            RULES.index(alert.rule),
        ),
    )


def evaluate(
    days: Iterable[DayReadings],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    *,
    is_child: bool,
    on_immunosuppression: bool,
    today: date | None = None,
    since: date | None = None,
    weight_unit: str = "kg",
    temperature_unit: str = "C",
) -> list[Alert]:
    """Every alert the diary days trigger: emergencies first, then urgent ones, then calls, then
    good news (info); newest first within each.

    `days` may come in any order; a rule fires on each day it holds (a 3-day dipstick run alerts
    on its third day and on each further day it continues). Days after `today` are ignored, so a
    future-dated entry raises nothing. For a child, the weight and blood-pressure rules run only
    with the care team's numbers (see `care_team_thresholds`); the fever rule runs only while on
    immune-suppressing medicine.

    `since` keeps only alerts triggered on or after that date, while earlier days still serve as
    look-back: to show a period, pass its days plus the LOOK_BACK_DAYS before it.
    Weights and temperatures in the text come in `weight_unit` ("kg"/"lb") and
    `temperature_unit` ("C"/"F") first, the other unit in brackets.
    """
    index = by_date(day for day in days if today is None or day.date <= today)
    context = _Context(
        index=index,
        thresholds=thresholds,
        is_child=is_child,
        on_immunosuppression=on_immunosuppression,
        weight_unit=weight_unit,
        temperature_unit=temperature_unit,
        since=since,
    )
    alerts = []
    for rule in _RULE_FUNCTIONS:
        alerts.extend(rule(context))
    return _sorted(alerts)
