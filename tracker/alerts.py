"""When to contact the care team: every alert rule of the portal, in one place.

Pure: diary values in, alerts out. Alerts are computed, never stored. Rules and defaults come from
CLINICAL.md ("When to contact the care team"); each alert names its rule, the readings that
triggered it, what to do, and the guide section (`when-to-call#<anchor>`) that explains it.

| rule                 | fires on a day when …                                        | severity  |
|----------------------|--------------------------------------------------------------|-----------|
| high_bp              | a reading at or above the crisis line: adults ≥ 180 systolic | emergency |
|                      | or ≥ 120 diastolic (fixed); children only with the crisis    |           |
|                      | number their care team gives                                 |           |
| bp_above_team_number | a reading at or above the care team's own number, on a day   | call      |
|                      | without a crisis-line reading (no default: off until set)    |           |
| weight_gain_1d       | weight - weight of the calendar day before ≥ 1 kg (2.2 lb)   | call      |
| weight_gain_7d       | weight - lowest weight of the 7 days before ≥ 2 kg (4.4 lb)  | call      |
| dipstick_relapse     | dipstick ≥ 3+ on this day and the 2 calendar days before     | call      |
| fever                | temperature ≥ 38.0 °C (100.4 °F), only while on              | call      |
|                      | immune-suppressing drugs                                     |           |
| severe_swelling      | a site newly at grade 3, or the belly at grade 3             | call      |
| less_urine           | "less urine than usual" ticked                               | call      |
| dipstick_remission   | dipstick negative/trace on this day and the 2 days before    | info      |
| blood_clot           | "one leg swollen or painful" or "chest pain or sudden        | emergency |
|                      | trouble breathing" ticked                                    |           |
| belly_pain_fever     | "belly pain" ticked and a temperature at or above the fever  | urgent    |
|                      | line on the same day (whatever the medicines)                |           |
| child_exposure       | a child on immune-suppressing medicine: "contact with        | call      |
|                      | chickenpox or measles" or "vomiting or diarrhea" ticked      |           |

`group_by_rule` turns the alerts of one rule into one group (its days newest first), for the
diary page and the visit summary alike. Days in the texts are written the portal's one way
(tracker.dates.day_text: "26 Nov 2026").

Severities, most pressing first: emergency (call the emergency number), urgent (call the care team
now), call (contact the care team today), info (good news to pass on).

Units (CLINICAL.md, the paragraph after "Results and what they mean"): a threshold is a `Limit`,
a number with the unit it was set in. The defaults are in the patient's unit (kg: 1 and 2 kg;
lb: 2.2 and 4.4 lb; °C: 38.0; °F: 100.4), the care team's numbers in the unit they were typed in.
Each reading keeps the value and unit the person typed (`DayReadings.weight`, `.temperature`).
A rule compares in its threshold's unit: a reading typed in that unit is used as typed; one typed
in the other unit is converted exactly (1 lb = 0.45359237 kg by definition; °F = °C x 9/5 + 32),
as a Fraction where the quotient has no end in decimals, so no rounding step sits between what
was typed and the comparison. "2.2 lb in a day" fires on a typed gain of exactly 2.2 lb.

Blood pressure (CLINICAL.md rows "very high blood pressure" and "above the care team's
blood-pressure number"): only the crisis line is an emergency; the care team's own number
(Patient.alert_systolic / alert_diastolic) gives a call. When the team's number is at or above
the crisis line, a reading that high gives only the emergency alert: on each day, the emergency
alert takes every reading at or above the crisis line, and the call alert is given only on days
without one (the emergency alert already says to contact the care team now).

Children (under 18): the weight rules and the crisis line run only with the care team's numbers
(see `care_team_thresholds`); the other rules run as for adults, and child_exposure runs only for
them. The ticked items come from the day form's "Anything else today?" checklist
(tracker.symptoms); for adults, the vomiting and contact ticks are recorded and shown but raise no
alert (CLINICAL.md gives no adult rule).
"""

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from tracker.dates import day_text
from tracker.symptoms import (
    BELLY_PAIN,
    CHEST_PAIN,
    INFECTION_CONTACT,
    LEG_SWOLLEN,
    VOMITING_DIARRHOEA,
)
from tracker.symptoms import labels as symptom_labels
from tracker.units import (
    CELSIUS,
    DIPSTICK_3_PLUS,
    DIPSTICK_TRACE,
    FAHRENHEIT,
    KG,
    LB,
    dipstick_label,
    localized_decimal_mark,
    rounded,
    temperature_symbol,
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
BP_ABOVE_TEAM_NUMBER = "bp_above_team_number"
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
    BP_ABOVE_TEAM_NUMBER,
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

# The pound by definition (international yard and pound agreement, 1959): exact, so a weight in
# pounds times this is an exact number of kilograms.
KG_PER_LB = Decimal("0.45359237")

# Hypertensive-crisis guidance of heart associations (CLINICAL.md): the adults' line, fixed.
ADULT_CRISIS_SYSTOLIC = 180
ADULT_CRISIS_DIASTOLIC = 120

_SITE_LABELS = {
    "face": _("face or around the eyes"),
    "hands": _("hands"),
    "belly": _("belly"),
    "legs": _("legs, ankles or feet"),
}
SWELLING_GRADE_LABELS = {0: _("none"), 1: _("mild"), 2: _("moderate"), 3: _("severe")}

# Thresholds that are adult defaults: for a child they run only with the care team's numbers.
_ADULT_ONLY_THRESHOLDS = ("weight_gain_1d", "weight_gain_7d")
# The crisis line: adults use crisis_*, children child_crisis_* (None until the team gives it).
_CRISIS_THRESHOLDS = ("crisis_systolic", "crisis_diastolic")

CHILD_THRESHOLDS_NOTE = _(
    "For children under 18, the portal uses no adult weight or blood pressure numbers: a safe "
    "change depends on the child's age and size. Enter the numbers from your child's care team "
    "to turn on these checks. Until then, the other checks still run: dipstick, urine amount, "
    "swelling, signs of a blood clot, and belly pain with fever. While your child takes medicine "
    "that weakens the immune system, the fever check and the check for contact with chickenpox "
    "or measles, or vomiting or diarrhea, run too."
)


@dataclass(frozen=True)
class Limit:
    """An alert number with the unit it was set in ("kg"/"lb" or "C"/"F")."""

    value: Decimal
    unit: str


DEFAULT_WEIGHT_GAIN_1D = {KG: Limit(Decimal("1.0"), KG), LB: Limit(Decimal("2.2"), LB)}
DEFAULT_WEIGHT_GAIN_7D = {KG: Limit(Decimal("2.0"), KG), LB: Limit(Decimal("4.4"), LB)}
DEFAULT_FEVER = {
    CELSIUS: Limit(Decimal("38.0"), CELSIUS),
    FAHRENHEIT: Limit(Decimal("100.4"), FAHRENHEIT),
}


def weight_in(value: Decimal, unit: str, target: str) -> Decimal | Fraction:
    """A weight typed in `unit`, exactly in `target`: as typed when the units match; pounds to
    kilograms is an exact Decimal product; kilograms to pounds a Fraction (the quotient by
    0.45359237 does not end in decimals)."""
    if unit == target:
        return value
    if (unit, target) == (LB, KG):
        return value * (Fraction(KG_PER_LB) if isinstance(value, Fraction) else KG_PER_LB)
    if (unit, target) == (KG, LB):
        return Fraction(value) / Fraction(KG_PER_LB)
    raise ValueError(f"Unknown weight unit {unit!r} or {target!r}: expected kg or lb.")


def temperature_in(value: Decimal, unit: str, target: str) -> Decimal | Fraction:
    """A temperature typed in `unit`, exactly in `target`: °C to °F (x 9/5 + 32) is an exact
    Decimal; °F to °C a Fraction (a ninth does not end in decimals)."""
    if unit == target:
        return value
    if (unit, target) == (CELSIUS, FAHRENHEIT):
        return value * (Fraction(9, 5) if isinstance(value, Fraction) else Decimal("1.8")) + 32
    if (unit, target) == (FAHRENHEIT, CELSIUS):
        return (Fraction(value) - 32) * Fraction(5, 9)
    raise ValueError(f"Unknown temperature unit {unit!r} or {target!r}: expected C or F.")


def _exact(value) -> Fraction:
    return value if isinstance(value, Fraction) else Fraction(value)


def _minus(a, b):
    """a - b without rounding, for Decimals and Fractions alike."""
    if isinstance(a, Fraction) or isinstance(b, Fraction):
        return _exact(a) - _exact(b)
    return a - b


def _plus(a, b):
    if isinstance(a, Fraction) or isinstance(b, Fraction):
        return _exact(a) + _exact(b)
    return a + b


def as_decimal(value) -> Decimal:
    """A Decimal for display or statistics (a Fraction is rounded to 28 digits here, never before
    a comparison)."""
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    return value


@dataclass(frozen=True)
class DayReadings:
    """One diary day. Weight and temperature as typed (`weight` in `weight_unit` "kg"/"lb",
    `temperature` in `temperature_unit` "C"/"F") for the rules, and canonical (`weight_kg`,
    `temperature_c`) for charts and statistics. Give either: a day given only canonical values
    counts as typed in kg and °C; one given only typed values gets its canonical values by exact
    conversion. Swelling 0-3 per recorded site (a site not recorded is absent or None: it is
    not a grade), foam 0-3 or None (not recorded), dipstick code 0-5. `logged` marks a day the
    diary holds an entry for, whatever it recorded (a day of blood pressure readings alone has
    none)."""

    date: date
    weight_kg: Decimal | None = None
    swelling: Mapping[str, int] = field(default_factory=dict)
    foam: int | None = None
    dipstick: int | None = None
    temperature_c: Decimal | None = None
    less_urine: bool = False
    blood_pressures: tuple[tuple[int, int], ...] = ()  # (systolic, diastolic) in mmHg
    weight: Decimal | None = None
    weight_unit: str = KG
    temperature: Decimal | None = None
    temperature_unit: str = CELSIUS
    # Codes ticked on the day's "Anything else today?" checklist (tracker.symptoms.CODES).
    symptoms: frozenset[str] = frozenset()
    logged: bool = False

    def __post_init__(self):
        if self.weight is None and self.weight_kg is not None:
            object.__setattr__(self, "weight", self.weight_kg)
            object.__setattr__(self, "weight_unit", KG)
        elif self.weight is not None and self.weight_kg is None:
            kg = as_decimal(weight_in(self.weight, self.weight_unit, KG))
            object.__setattr__(self, "weight_kg", kg)
        if self.temperature is None and self.temperature_c is not None:
            object.__setattr__(self, "temperature", self.temperature_c)
            object.__setattr__(self, "temperature_unit", CELSIUS)
        elif self.temperature is not None and self.temperature_c is None:
            celsius = as_decimal(temperature_in(self.temperature, self.temperature_unit, CELSIUS))
            object.__setattr__(self, "temperature_c", celsius)


@dataclass(frozen=True)
class Thresholds:
    """Alert numbers. None turns a rule off.

    Defaults are CLINICAL.md's adult defaults in kg and °C (`default_thresholds` gives them in
    other units). `systolic`/`diastolic` are the care team's own numbers (a call; no default);
    `crisis_*` the adults' fixed crisis line and `child_crisis_*` a child's crisis number from the
    care team (the emergency). `set_by_care_team` names the fields the care team entered: for a
    child, the weight rules run only for those fields.
    """

    weight_gain_1d: Limit | None = DEFAULT_WEIGHT_GAIN_1D[KG]
    weight_gain_7d: Limit | None = DEFAULT_WEIGHT_GAIN_7D[KG]
    fever: Limit | None = DEFAULT_FEVER[CELSIUS]
    systolic: int | None = None
    diastolic: int | None = None
    crisis_systolic: int | None = ADULT_CRISIS_SYSTOLIC
    crisis_diastolic: int | None = ADULT_CRISIS_DIASTOLIC
    child_crisis_systolic: int | None = None
    child_crisis_diastolic: int | None = None
    set_by_care_team: frozenset[str] = frozenset()


DEFAULT_THRESHOLDS = Thresholds()


def default_thresholds(weight_unit: str = KG, temperature_unit: str = CELSIUS) -> Thresholds:
    """CLINICAL.md's defaults in the patient's units: 1/2 kg, 2.2/4.4 lb, 38.0 °C, 100.4 °F."""
    return Thresholds(
        weight_gain_1d=DEFAULT_WEIGHT_GAIN_1D[weight_unit],
        weight_gain_7d=DEFAULT_WEIGHT_GAIN_7D[weight_unit],
        fever=DEFAULT_FEVER[temperature_unit],
    )


def care_team_thresholds(
    *,
    weight_unit: str = KG,
    temperature_unit: str = CELSIUS,
    weight_gain_1d: Limit | None = None,
    weight_gain_7d: Limit | None = None,
    fever: Limit | None = None,
    systolic: int | None = None,
    diastolic: int | None = None,
    crisis_systolic: int | None = None,
    crisis_diastolic: int | None = None,
) -> Thresholds:
    """Thresholds with the care team's numbers where given (None = not entered: the default in
    the patient's `weight_unit` and `temperature_unit`, or the rule off where there is none).

    `crisis_*` is a child's crisis number from the care team; adults keep the fixed crisis line.
    Pass the patient's stored numbers straight in; `evaluate` then knows which ones the team set.
    """
    entered = {
        "weight_gain_1d": weight_gain_1d,
        "weight_gain_7d": weight_gain_7d,
        "fever": fever,
        "systolic": systolic,
        "diastolic": diastolic,
        "child_crisis_systolic": crisis_systolic,
        "child_crisis_diastolic": crisis_diastolic,
    }
    entered = {name: value for name, value in entered.items() if value is not None}
    return replace(
        default_thresholds(weight_unit, temperature_unit),
        **entered,
        set_by_care_team=frozenset(entered),
    )


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
    """Weight on `on` compared with the lowest weight of the `days` calendar days before it.

    `weight`, `compared` and `gain` are exact in `unit` (the threshold's unit): a Decimal as
    typed when every weight was typed in `unit`, else a Fraction; `reaches` compares them with a
    Limit without rounding. The `_kg` values are the canonical ones, for charts and statistics.
    """

    on: date
    days: int
    compared_on: date
    unit: str
    weight: Decimal | Fraction
    compared: Decimal | Fraction
    gain: Decimal | Fraction
    weight_kg: Decimal
    compared_kg: Decimal
    gain_kg: Decimal

    def reaches(self, limit: Limit) -> bool:
        if limit.unit != self.unit:
            raise ValueError(f"A gain in {self.unit} cannot be compared with {limit.unit}.")
        return self.gain >= limit.value


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


def weight_gain_over(
    days: Iterable[DayReadings], on: date, n_days: int, unit: str = KG
) -> WeightGain | None:
    """Gain on `on` over the lowest weight recorded in the `n_days` calendar days before it, in
    `unit` (exact: see `weight_in`).

    With n_days=1 that is the change since the day before (consecutive calendar days only); with
    n_days=7 it is today's weight minus the lowest of the previous 7 days, so a slow climb from a
    low point counts in full and a single low day is not missed. None without a weight on `on` or
    any weight in those days. Of equal lowest weights, the most recent one is shown.
    """
    index = by_date(days)
    return _weight_gain(index, _weights_in(index, unit), on, n_days, unit)


def weight_gains_over(
    days: Iterable[DayReadings], on: Iterable[date], n_days: int, unit: str = KG
) -> dict[date, WeightGain]:
    """weight_gain_over for each date in `on` that has a gain: the days indexed (and converted)
    once, for charts of a year."""
    index = by_date(days)
    weights = _weights_in(index, unit)
    return {
        day: gain
        for day in on
        if (gain := _weight_gain(index, weights, day, n_days, unit)) is not None
    }


def _weights_in(index: Mapping[date, DayReadings], unit: str) -> dict[date, Decimal | Fraction]:
    """Each day's weight, exactly in `unit` (as typed when typed in it)."""
    return {
        on: weight_in(day.weight, day.weight_unit, unit)
        for on, day in index.items()
        if day.weight is not None
    }


@functools.cache
def _days_back(n_days: int) -> tuple[timedelta, ...]:
    return tuple(timedelta(days=back) for back in range(1, n_days + 1))


def _weight_gain(
    index: Mapping[date, DayReadings],
    weights: Mapping[date, Decimal | Fraction],
    on: date,
    n_days: int,
    unit: str,
) -> WeightGain | None:
    today = weights.get(on)
    if today is None:
        return None
    lowest = lowest_on = None
    for back in _days_back(n_days):  # newest first: of equal lows, the most recent is kept
        value = weights.get(on - back)
        if value is not None and (lowest is None or value < lowest):
            lowest, lowest_on = value, on - back
    if lowest is None:
        return None
    weight_kg, compared_kg = index[on].weight_kg, index[lowest_on].weight_kg
    return WeightGain(
        on=on,
        days=n_days,
        compared_on=lowest_on,
        unit=unit,
        weight=today,
        compared=lowest,
        gain=_minus(today, lowest),
        weight_kg=weight_kg,
        compared_kg=compared_kg,
        gain_kg=weight_kg - compared_kg,
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
    """The number a rule uses (a Limit for weight and fever, mmHg for blood pressure); None when
    it is off (unset, or an adult default for a child). For "crisis_systolic"/"crisis_diastolic"
    a child gets the care team's crisis number, an adult the fixed adult line."""
    if is_child and name in _CRISIS_THRESHOLDS:
        return getattr(thresholds, f"child_{name}")
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

    if is_off("crisis_systolic") and is_off("crisis_diastolic"):
        off.append(HIGH_BP)
    if is_off("systolic") and is_off("diastolic"):
        off.append(BP_ABOVE_TEAM_NUMBER)
    if is_off("weight_gain_1d"):
        off.append(WEIGHT_GAIN_1D)
    if is_off("weight_gain_7d"):
        off.append(WEIGHT_GAIN_7D)
    if not on_immunosuppression or is_off("fever"):
        off.append(FEVER)
    if is_child and not on_immunosuppression:
        off.append(CHILD_EXPOSURE)
    return off


def latest_per_rule(alerts: Iterable[Alert]) -> list[Alert]:
    """The most recent alert of each rule, keeping the order of `evaluate` (for the diary page)."""
    seen: dict[str, Alert] = {}
    for alert in _sorted(alerts):
        seen.setdefault(alert.rule, alert)
    return _sorted(seen.values())


@dataclass(frozen=True)
class AlertGroup:
    """The alerts of one rule, newest first: "Weight up 1 kg in 1 day: 3 days", with the days
    listed inside. A rule has one severity, so the group has it too."""

    rule: str
    severity: str
    alerts: tuple[Alert, ...]

    @property
    def latest(self) -> Alert:
        return self.alerts[0]

    @property
    def title(self) -> str:
        return self.latest.title

    @property
    def dates(self) -> list[date]:
        """The days it fired, newest first (a rule fires at most once a day)."""
        return sorted({alert.triggered_on for alert in self.alerts}, reverse=True)

    @property
    def days(self) -> int:
        return len(self.dates)

    @property
    def first(self) -> date:
        return self.dates[-1]

    @property
    def last(self) -> date:
        return self.dates[0]

    @property
    def severity_word(self) -> str:
        return str(SEVERITY_WORDS[self.severity])


def group_by_rule(alerts: Iterable[Alert]) -> list[AlertGroup]:
    """One group per rule, in `evaluate`'s order: most pressing first, then the group with the
    newest alert, then the rules' order. Within a group, the newest alert first. A 3-day dipstick
    run alerts every day it lasts: grouped, the diary and the summary list it once."""
    by_rule: dict[str, list[Alert]] = {}
    for alert in _sorted(alerts):
        by_rule.setdefault(alert.rule, []).append(alert)
    groups = [AlertGroup(rule, items[0].severity, tuple(items)) for rule, items in by_rule.items()]
    return sorted(
        groups,
        key=lambda group: (
            _SEVERITY_ORDER[group.severity],
            -group.last.toordinal(),
            RULES.index(group.rule),
        ),
    )


# Text helpers ------------------------------------------------------------------------------------


def typed_text(value: Decimal | Fraction) -> str:
    """A number as typed (a Fraction, from a conversion, to 0.1): at least one decimal, no
    trailing zeros past it ("70" -> "70.0", "2.20" -> "2.2", "70.25" stays)."""
    if isinstance(value, Fraction):
        return str(rounded(as_decimal(value), 1))
    text = f"{value:f}"
    whole, _point, decimals = text.partition(".")
    return f"{whole}.{decimals.rstrip('0') or '0'}"


_OTHER_WEIGHT_UNIT = {KG: LB, LB: KG}
_OTHER_TEMPERATURE_UNIT = {CELSIUS: FAHRENHEIT, FAHRENHEIT: CELSIUS}


def weight_text(value: Decimal | Fraction, unit: str) -> str:
    """A weight in `unit` as typed, the other unit in brackets (to 0.1), with the active
    language's decimal mark ("70,5 kg" in Spanish)."""
    other = _OTHER_WEIGHT_UNIT[unit]
    converted = rounded(as_decimal(weight_in(value, unit, other)), 1)
    return str(
        _("%(value)s %(unit)s (%(other)s %(other_unit)s)")
        % {
            "value": localized_decimal_mark(typed_text(value)),
            "unit": unit,
            "other": localized_decimal_mark(str(converted)),
            "other_unit": other,
        }
    )


def temperature_text(value: Decimal | Fraction, unit: str) -> str:
    """A temperature in `unit` as typed, the other unit in brackets (to 0.1)."""
    other = _OTHER_TEMPERATURE_UNIT[unit]
    converted = rounded(as_decimal(temperature_in(value, unit, other)), 1)
    return str(
        _("%(value)s %(unit)s (%(other)s %(other_unit)s)")
        % {
            "value": localized_decimal_mark(typed_text(value)),
            "unit": temperature_symbol(unit),
            "other": localized_decimal_mark(str(converted)),
            "other_unit": temperature_symbol(other),
        }
    )


def _weight_reading(day: DayReadings) -> str:
    return str(
        _("Weight %(weight)s on %(date)s")
        % {"weight": weight_text(day.weight, day.weight_unit), "date": day_text(day.date)}
    )


def _temperature_reading(day: DayReadings) -> str:
    return str(
        _("Temperature %(temperature)s on %(date)s")
        % {
            "temperature": temperature_text(day.temperature, day.temperature_unit),
            "date": day_text(day.date),
        }
    )


def _dipstick_reading(day: DayReadings) -> str:
    return str(
        _("Dipstick protein %(grade)s on %(date)s")
        % {"grade": _grade_label(day.dipstick), "date": day_text(day.date)}
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
            "date": day_text(day),
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
    weights = _weights_in(context.index, limit.unit)
    alerts = []
    for on in context.shown_dates:
        gain = _weight_gain(context.index, weights, on, n_days, limit.unit)
        if gain is None or not gain.reaches(limit):
            continue
        gain_shown = gain.gain
        if {context.index[on].weight_unit, context.index[gain.compared_on].weight_unit} != {
            limit.unit
        }:
            gain_shown = rounded(as_decimal(gain.gain), 1)  # converted: not as typed
        gain_text = weight_text(gain_shown, limit.unit)
        limit_text = weight_text(limit.value, limit.unit)
        if n_days == 1:
            title = _("Weight up %(gain)s in 1 day") % {"gain": gain_text}
            rule_text = _("Weight gain of %(limit)s or more from one day to the next.") % {
                "limit": limit_text
            }
        else:
            title = _("Weight up %(gain)s over %(days)s days") % {
                "gain": gain_text,
                "days": n_days,
            }
            rule_text = _(
                "Weight gain of %(limit)s or more over %(days)s days, compared with the lowest "
                "weight in the %(days)s days before."
            ) % {"limit": limit_text, "days": n_days}
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
                    _weight_reading(context.index[gain.compared_on]),
                    _weight_reading(context.index[on]),
                ],
                what_to_do=str(_WEIGHT_WHAT_TO_DO),
                rule_text=f"{rule_text} {provenance}",
                guide_anchor="weight-gain",
            )
        )
    return alerts


def _weight_gain_1d_alerts(context: _Context) -> list[Alert]:
    return _weight_gain_alerts(context, WEIGHT_GAIN_1D, 1, "weight_gain_1d")


def _weight_gain_7d_alerts(context: _Context) -> list[Alert]:
    return _weight_gain_alerts(context, WEIGHT_GAIN_7D, 7, "weight_gain_7d")


def _dipstick_run_alerts(context: _Context, in_run, **alert) -> list[Alert]:
    """An alert (fields in `alert`) on each shown day that ends 3 dipstick days in a row whose
    grades all pass `in_run`, with those readings."""
    alerts = []
    texts: dict[date, str] = {}  # a day is in up to 3 runs: its reading is written once
    for on in context.shown_dates:
        run = dipstick_run_ending(context.index, on, in_run)
        if run is not None:
            readings = [
                texts.get(day.date) or texts.setdefault(day.date, _dipstick_reading(day))
                for day in run
            ]
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
    limit = context.threshold("fever")
    if limit is None or not context.on_immunosuppression:
        return []
    rule_text = _(
        "Temperature of %(limit)s or higher while taking medicine that weakens the immune system "
        "(common guidance: call the same day)."
    ) % {"limit": temperature_text(limit.value, limit.unit)}
    return [
        Alert(
            rule=FEVER,
            severity=CALL,
            title=str(_("Fever while on immune-suppressing medicine")),
            triggered_on=day.date,
            readings=[_temperature_reading(day)],
            what_to_do=str(
                _(
                    "Call your care team today. A fever can be serious when you take medicine "
                    "that weakens the immune system."
                )
            ),
            rule_text=f"{rule_text} {_provenance(context.thresholds, ['fever'])}",
            guide_anchor="fever",
        )
        for day in context.shown_days
        if _has_fever(day, limit)
    ]


def _bp_rule_text(systolic: int | None, diastolic: int | None) -> str:
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
    return str(rule_text % values)


def _at_or_above(systolic: int | None, diastolic: int | None):
    def test(reading: tuple[int, int]) -> bool:
        top, bottom = reading
        return (systolic is not None and top >= systolic) or (
            diastolic is not None and bottom >= diastolic
        )

    return test


def _bp_readings(day: DayReadings, readings) -> list[str]:
    return [
        str(
            _("Blood pressure %(systolic)s/%(diastolic)s mmHg on %(date)s")
            % {"systolic": top, "diastolic": bottom, "date": day_text(day.date)}
        )
        for top, bottom in readings
    ]


def _bp_alerts(context: _Context, in_alert, *, skip_day=None, **alert) -> list[Alert]:
    """An alert (fields in `alert`) on each shown day with readings that pass `in_alert`, listing
    those readings; days for which `skip_day` is true are left out."""
    alerts = []
    for day in context.shown_days:
        if skip_day is not None and skip_day(day):
            continue
        high = [reading for reading in day.blood_pressures if in_alert(reading)]
        if high:
            alerts.append(
                Alert(
                    triggered_on=day.date,
                    readings=_bp_readings(day, high),
                    guide_anchor="high-blood-pressure",
                    **alert,
                )
            )
    return alerts


def _crisis_test(context: _Context):
    """Whether a reading is at or above the crisis line, or None when the line is off."""
    systolic = context.threshold("crisis_systolic")
    diastolic = context.threshold("crisis_diastolic")
    if systolic is None and diastolic is None:
        return None
    return _at_or_above(systolic, diastolic)


def _high_bp_alerts(context: _Context) -> list[Alert]:
    """The crisis line: an emergency."""
    is_crisis = _crisis_test(context)
    if is_crisis is None:
        return []
    systolic = context.threshold("crisis_systolic")
    diastolic = context.threshold("crisis_diastolic")
    if context.is_child:
        source = str(_("This is the crisis number your child's care team set."))
    else:
        source = str(
            _(
                "From the hypertensive-crisis guidance of heart associations. For adults this "
                "line is fixed; your care team can add a lower number of their own in the "
                "profile, which gives a call alert."
            )
        )
    return _bp_alerts(
        context,
        is_crisis,
        rule=HIGH_BP,
        severity=EMERGENCY,
        title=str(_("Very high blood pressure")),
        what_to_do=str(
            _(
                "Sit and rest for 5 minutes, then measure again. If it is still this high, "
                "contact your care team now. If you also have chest pain, trouble "
                "breathing, weakness, or changes in how you see or speak, call the "
                "emergency number."
            )
        ),
        rule_text=f"{_bp_rule_text(systolic, diastolic)} {source}",
    )


def _bp_above_team_number_alerts(context: _Context) -> list[Alert]:
    """The care team's own number: a call. A day with a reading at or above the crisis line
    gets the emergency alert only."""
    systolic = context.threshold("systolic")
    diastolic = context.threshold("diastolic")
    if systolic is None and diastolic is None:
        return []
    is_high = _at_or_above(systolic, diastolic)
    is_crisis = _crisis_test(context)
    rule_text = " ".join(
        [
            _bp_rule_text(systolic, diastolic),
            str(_("This is the number your care team set: a reason to call, not an emergency.")),
        ]
    )
    return _bp_alerts(
        context,
        is_high,
        skip_day=lambda day: is_crisis is not None and any(map(is_crisis, day.blood_pressures)),
        rule=BP_ABOVE_TEAM_NUMBER,
        severity=CALL,
        title=str(_("Blood pressure at or above your care team's number")),
        what_to_do=str(
            _(
                "Tell your care team about this reading. Sit and rest for 5 minutes, "
                "then measure again and write it down too. If you also have chest pain, "
                "trouble breathing, weakness, or changes in how you see or speak, call "
                "the emergency number."
            )
        ),
        rule_text=rule_text,
    )


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
            readings=[str(_("Less urine than usual on %(date)s") % {"date": day_text(day.date)})],
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
        str(_("Ticked “%(item)s” on %(date)s") % {"item": label, "date": day_text(day.date)})
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


def _fever_line(context: _Context) -> Limit:
    """The fever line the belly-pain rule uses: the fever threshold in use (the care team's
    number, else the default in the patient's unit), whatever the medicines; 38.0 °C when the
    fever number is turned off."""
    limit = context.thresholds.fever
    return limit if limit is not None else DEFAULT_FEVER[CELSIUS]


def _has_fever(day: DayReadings, limit: Limit) -> bool:
    """The day's temperature, as typed, at or above `limit` in the limit's unit (no rounding)."""
    return (
        day.temperature is not None
        and temperature_in(day.temperature, day.temperature_unit, limit.unit) >= limit.value
    )


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
    ) % {"limit": temperature_text(limit.value, limit.unit)}
    rule_text = f"{rule_text} {_provenance(context.thresholds, ['fever'])}"
    return [
        Alert(
            rule=BELLY_PAIN_FEVER,
            severity=URGENT,
            title=str(_("Belly pain with fever")),
            triggered_on=day.date,
            readings=[
                *_ticked_readings(day, (BELLY_PAIN,)),
                _temperature_reading(day),
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
        if BELLY_PAIN in day.symptoms and _has_fever(day, limit)
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
    _bp_above_team_number_alerts,
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
) -> list[Alert]:
    """Every alert the diary days trigger: emergencies first, then urgent ones, then calls, then
    good news (info); newest first within each.

    `days` may come in any order; a rule fires on each day it holds (a 3-day dipstick run alerts
    on its third day and on each further day it continues). Days after `today` are ignored, so a
    future-dated entry raises nothing. For a child, the weight rules and the crisis line run only
    with the care team's numbers (see `care_team_thresholds`); the fever rule runs only while on
    immune-suppressing medicine.

    `since` keeps only alerts triggered on or after that date, while earlier days still serve as
    look-back: to show a period, pass its days plus the LOOK_BACK_DAYS before it.
    Readings are shown as typed (their unit first, the other in brackets); limits and gains in
    the threshold's unit first.
    """
    index = by_date(day for day in days if today is None or day.date <= today)
    context = _Context(
        index=index,
        thresholds=thresholds,
        is_child=is_child,
        on_immunosuppression=on_immunosuppression,
        since=since,
    )
    alerts = []
    for rule in _RULE_FUNCTIONS:
        alerts.extend(rule(context))
    return _sorted(alerts)
