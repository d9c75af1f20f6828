"""Remission status from urine protein results: which published definition the latest result meets.

Definitions (CLINICAL.md, "Results and what they mean"):

- Adults, KDIGO 2021 (via Kopp 2020): complete remission UPCR < 0.3 g/g; partial remission UPCR
  0.3-3.5 g/g and more than 50% below baseline; relapse UPCR above 3.5 g/g after a complete
  remission. Troost 2018: FSGS partial remission endpoint (FPRE) UPCR < 1.5 g/g and more than 40%
  below baseline.
- Children, IPNA 2022: complete remission UPCR ≤ 20 mg/mmol (≤ 0.2 g/g, 200 mg/g) or dipstick
  negative/trace on 3 days in a row; nephrotic-range protein UPCR ≥ 200 mg/mmol (≥ 2 g/g) or
  dipstick 3+/4+; partial remission UPCR between those lines with serum albumin ≥ 30 g/L when
  known (KDIGO 2025 children's guideline adds a fall of ≥ 50% from the presenting value); relapse
  dipstick ≥ 3+ on 3 days in a row after a remission. IPNA asks for a high UPCR on 3 days running
  too, so one high lab value after a remission is only a *possible* relapse.

Units. The published lines are only roughly equal across units (20 mg/mmol is about 177 mg/g, not
200), so a result is compared with the line published in the unit the lab reported, using the
value as typed (`UpcrResult`), never a stored-and-converted round trip:

- children: mg/mmol against 20 and 200; g/g (and mg/mg, the same number) against 0.2 and 2; mg/g
  against 200 and 2000 (exactly 1000 x the g/g line);
- adults (published in g/g only): g/g and mg/mg against 0.3, 1.5 and 3.5; mg/g against 300, 1500,
  3500; mg/mmol against the g/g line times 113.1 (0.3 g/g = 33.93 mg/mmol), a product with no
  rounding step, and the status says that it converted.

Every status says which line, in which unit, it used (`RemissionStatus.line_used`). The portal never
diagnoses: labels say which definition a result *meets*, and it does not work out steroid
resistance (it explains it: `status_meanings`).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from tracker.dates import day_text
from tracker.units import (
    DIPSTICK_3_PLUS,
    DIPSTICK_TRACE,
    G_PER_G,
    MG_PER_G,
    MG_PER_MMOL,
    UPCR_MG_PER_MMOL_PER_G_PER_G,
    as_decimal,
    number_text,
    rounded,
    upcr_from_g_per_g,
    upcr_to_g_per_g,
)

ADULT_COMPLETE_BELOW_G_PER_G = Decimal("0.3")
ADULT_PARTIAL_UP_TO_G_PER_G = Decimal("3.5")
ADULT_PARTIAL_DROP_ABOVE_PERCENT = Decimal("50")
FPRE_BELOW_G_PER_G = Decimal("1.5")
FPRE_DROP_ABOVE_PERCENT = Decimal("40")
ADULT_RELAPSE_ABOVE_G_PER_G = Decimal("3.5")
# IPNA 2022 publishes each children's line in two units; each is used as published.
CHILD_COMPLETE_UP_TO_MG_PER_MMOL = Decimal("20")
CHILD_COMPLETE_UP_TO_G_PER_G = Decimal("0.2")
CHILD_RELAPSE_FROM_MG_PER_MMOL = Decimal("200")
CHILD_RELAPSE_FROM_G_PER_G = Decimal("2")
CHILD_PARTIAL_ALBUMIN_FROM_G_PER_L = Decimal("30")
CHILD_PARTIAL_FALL_FROM_PERCENT = Decimal("50")  # KDIGO 2025: a fall of 50% or more
ALBUMIN_WINDOW_DAYS = 30  # an albumin result counts for a UPCR taken up to 30 days later
CHILD_DIPSTICK_DAYS = 3
BASELINE_WINDOW_DAYS = 90

GUIDE_SLUG = "understanding-your-results"

# Baseline kinds, in the order they are tried.
BASELINE_MARKED = "marked"
BASELINE_BEFORE_TREATMENT = "highest_before_treatment"
BASELINE_FIRST_ON_RECORD = "first_on_record"

# Remission categories.
COMPLETE = "complete"
PARTIAL = "partial"
FPRE = "fpre"
RELAPSE = "relapse"
NEPHROTIC_RANGE = "nephrotic_range"
NO_REMISSION = "no_remission"
CHILD_COMPLETE = "child_complete"
CHILD_PARTIAL = "child_partial"
CHILD_POSSIBLE_RELAPSE = "child_possible_relapse"
CHILD_RELAPSE = "child_relapse"
UNKNOWN = "unknown"

COMPLETE_CATEGORIES = (COMPLETE, CHILD_COMPLETE)


@dataclass(frozen=True)
class UpcrResult:
    """A UPCR as the lab reported it: `value` in `unit` (g/g, mg/mg, mg/g or mg/mmol)."""

    date: date
    value: Decimal
    unit: str = G_PER_G

    @property
    def g_per_g(self) -> Decimal:
        """The value in g/g, for charts and the drop from baseline (exact for g/g and mg/g)."""
        return upcr_to_g_per_g(self.value, self.unit)

    @property
    def family(self) -> str:
        return upcr_unit_family(self.unit)

    def __str__(self):
        return f"{number_text(self.value)} {self.unit}"


def upcr_unit_family(unit: str) -> str:
    """G_PER_G (also for mg/mg, the same number), MG_PER_G or MG_PER_MMOL: which published line
    applies to a UPCR unit; ValueError for a unit that is not a UPCR unit."""
    per_g_per_g = upcr_from_g_per_g(Decimal(1), unit)
    if per_g_per_g == UPCR_MG_PER_MMOL_PER_G_PER_G:
        return MG_PER_MMOL
    return G_PER_G if per_g_per_g == 1 else MG_PER_G


def upcr_result(on: date, value_entered, unit_entered: str, value_g_per_g) -> UpcrResult:
    """A stored lab row as a UpcrResult: the value and unit as typed, or the stored g/g value
    when the typed unit is not a UPCR unit (an old or imported row)."""
    try:
        upcr_to_g_per_g(Decimal(1), unit_entered or "")
    except ValueError:
        return UpcrResult(on, as_decimal(value_g_per_g), G_PER_G)
    return UpcrResult(on, as_decimal(value_entered), unit_entered)


@dataclass(frozen=True)
class Baseline:
    """The UPCR (g/g) that later results are compared with, and which rule picked it.

    `source` is a sentence for people; `kind` is one of BASELINE_MARKED, BASELINE_BEFORE_TREATMENT,
    BASELINE_FIRST_ON_RECORD. `date` is None for a marked baseline (it is a value, not a result);
    `result` is the lab result as typed, when the baseline is one.
    """

    value: Decimal
    date: date | None
    source: str
    kind: str
    result: UpcrResult | None = None


@dataclass(frozen=True)
class RemissionStatus:
    """Which definition the latest result meets, the rule behind it and a plain explanation.

    `line_used` is the published line, in which unit, the result was compared with; `watch` is a
    warning that goes with the status (latest dipsticks high after a remission), or "".
    """

    category: str
    label: str
    rule: str
    baseline: Baseline | None
    explanation: str
    upcr_g_per_g: Decimal | None = None
    measured_on: date | None = None
    drop_percent: Decimal | None = None  # drop from baseline, 1 dp; negative when UPCR went up
    guide_slug: str = GUIDE_SLUG
    guide_anchor: str = "remission"
    upcr: UpcrResult | None = None
    line_used: "LineUsed | None" = None
    watch: str = ""

    @property
    def cutoff(self) -> str:
        """Which published line, in which unit, the result was compared with ("" for a
        dipstick-based status)."""
        return "" if self.line_used is None else self.line_used.sentence


def _as_result(reading) -> UpcrResult:
    """A UpcrResult, or a (date, g/g) pair taken as one."""
    if isinstance(reading, UpcrResult):
        return reading
    day, value = reading
    return UpcrResult(day, as_decimal(value), G_PER_G)


def choose_baseline(
    upcr_readings: Iterable[UpcrResult | tuple[date, Decimal]],
    marked_baseline: Decimal | None,
    first_treatment_date: date | None,
) -> Baseline | None:
    """The baseline UPCR (g/g), per CLINICAL.md, or None when there is nothing to choose from.

    In order: the value marked as baseline (g/g); else the highest UPCR from 90 days before the
    first treatment entry up to and including that day (a sample taken on the day treatment starts
    is usually taken before the first dose; the earliest wins a tie); else the first UPCR on record.
    Readings are UpcrResults, or (date, g/g) pairs.
    """
    if marked_baseline is not None:
        return Baseline(
            value=as_decimal(marked_baseline),
            date=None,
            source=str(_("The UPCR that you or your care team marked as baseline.")),
            kind=BASELINE_MARKED,
        )
    readings = sorted((_as_result(reading) for reading in upcr_readings), key=lambda r: r.date)
    if not readings:
        return None
    if first_treatment_date is not None:
        window_start = first_treatment_date - timedelta(days=BASELINE_WINDOW_DAYS)
        before_treatment = [r for r in readings if window_start <= r.date <= first_treatment_date]
        if before_treatment:
            highest = max(before_treatment, key=lambda r: (r.g_per_g, -r.date.toordinal()))
            return Baseline(
                value=highest.g_per_g,
                date=highest.date,
                source=str(
                    _("The highest UPCR in the 90 days before your first treatment on %(date)s.")
                    % {"date": day_text(first_treatment_date)}
                ),
                kind=BASELINE_BEFORE_TREATMENT,
                result=highest,
            )
    first = readings[0]
    return Baseline(
        value=first.g_per_g,
        date=first.date,
        source=str(_("The first UPCR on record.")),
        kind=BASELINE_FIRST_ON_RECORD,
        result=first,
    )


def drop_from_baseline_percent(
    upcr: UpcrResult | Decimal, baseline: Baseline | None
) -> Decimal | None:
    """How far UPCR fell below the baseline, in percent of the baseline (negative if it rose).

    `upcr` is a UpcrResult or a g/g value. When the baseline is a result in the same unit, the
    typed values are compared, so no conversion touches a 50% boundary. None without a baseline
    above zero, since a drop from zero means nothing.
    """
    if baseline is None or baseline.value <= 0:
        return None
    if isinstance(upcr, UpcrResult):
        if baseline.result is not None and baseline.result.unit == upcr.unit:
            base, now = as_decimal(baseline.result.value), as_decimal(upcr.value)
            if base > 0:
                return (base - now) / base * 100
        upcr = upcr.g_per_g
    return (baseline.value - as_decimal(upcr)) / baseline.value * 100


def albumin_for(
    upcr_on: date, albumin_g_per_l: Iterable[tuple[date, Decimal]]
) -> tuple[date, Decimal] | None:
    """The latest serum albumin (g/L) taken on the UPCR's date or in the 30 days before it.

    Choice (CLINICAL.md leaves the window open): an albumin older than 30 days, or taken after the
    UPCR, says little about the protein leak that UPCR measured, so it is left out.
    """
    window_start = upcr_on - timedelta(days=ALBUMIN_WINDOW_DAYS)
    near = [(day, value) for day, value in albumin_g_per_l if window_start <= day <= upcr_on]
    return max(near, key=lambda item: item[0]) if near else None


def remission_status(
    latest_upcr: UpcrResult | tuple[date, Decimal] | None,
    baseline: Baseline | None,
    is_child: bool,
    previous_complete_remission: bool,
    recent_dipsticks: Sequence[tuple[date, int]] = (),
    albumin_g_per_l: Sequence[tuple[date, Decimal]] = (),
) -> RemissionStatus:
    """The remission category that the latest results meet (see the module docstring for rules).

    `latest_upcr` is a UpcrResult (a (date, g/g) pair is read as g/g). Adults are judged on UPCR;
    children (`is_child`) on the latest UPCR and `recent_dipsticks` ((date, grade code 0-5)
    first-morning readings), the most recent evidence winning; `albumin_g_per_l` ((date, g/L))
    decides a child's partial remission. For both, dipsticks of 3+ or more newer than the evidence
    behind a complete remission add a `watch` warning.
    """
    latest = None if latest_upcr is None else _as_result(latest_upcr)
    if is_child:
        return _child_status(
            latest, baseline, previous_complete_remission, recent_dipsticks, albumin_g_per_l
        )
    return _adult_status(latest, baseline, previous_complete_remission, recent_dipsticks)


def had_complete_remission(
    earlier_upcr: Iterable[UpcrResult | tuple[date, Decimal]],
    baseline: Baseline | None,
    is_child: bool,
) -> bool:
    """Whether an earlier UPCR met the complete-remission definition, which is what makes a later
    high result a relapse (a partial remission does not: IPNA 2022 and KDIGO 2021 define relapse
    after a complete remission)."""
    return any(
        remission_status(
            reading, baseline, is_child=is_child, previous_complete_remission=False
        ).category
        in COMPLETE_CATEGORIES
        for reading in earlier_upcr
    )


# Lines in the lab's unit --------------------------------------------------------------------------


def line_in_unit(line_g_per_g: Decimal, unit: str) -> Decimal:
    """A line published in g/g, in `unit`: the same number for g/g and mg/mg, x 1000 for mg/g,
    x 113.1 for mg/mmol. A product, so exact: 0.3 g/g is 33.93 mg/mmol."""
    return upcr_from_g_per_g(line_g_per_g, unit)


def child_lines(unit: str) -> tuple[Decimal, Decimal]:
    """IPNA 2022's complete and nephrotic lines as published for `unit`: mg/mmol as published in
    mg/mmol, any other unit from the g/g line (exactly 1000 x for mg/g)."""
    if upcr_unit_family(unit) == MG_PER_MMOL:
        return CHILD_COMPLETE_UP_TO_MG_PER_MMOL, CHILD_RELAPSE_FROM_MG_PER_MMOL
    return (
        line_in_unit(CHILD_COMPLETE_UP_TO_G_PER_G, unit),
        line_in_unit(CHILD_RELAPSE_FROM_G_PER_G, unit),
    )


def _number(value: Decimal) -> str:
    """A number in the active language ("0,3" in Spanish)."""
    return number_text(value)


def _and(values: Sequence[str]) -> str:
    if len(values) == 1:
        return values[0]
    return str(_("%(first)s and %(second)s") % {"first": values[0], "second": values[1]})


@dataclass(frozen=True)
class LineUsed:
    """The published line(s) a result was compared with, as published and in the lab's unit."""

    name: str  # e.g. "the children's complete remission line"
    published: tuple[Decimal, ...]
    published_unit: str  # g/g, or mg/mmol for IPNA's mg/mmol lines
    lab_unit: str
    source: str

    @property
    def in_lab_unit(self) -> tuple[Decimal, ...]:
        if self.lab_unit == self.published_unit:
            return self.published
        return tuple(line_in_unit(line, self.lab_unit) for line in self.published)

    @property
    def converted(self) -> bool:
        """Only the adults' g/g lines for a mg/mmol result: x 113.1, not a power of ten."""
        return self.lab_unit != self.published_unit and upcr_unit_family(self.lab_unit) == (
            MG_PER_MMOL
        )

    def _values(self) -> dict[str, str]:
        return {
            "name": self.name,
            "line": _and([f"{_number(line)} {self.published_unit}" for line in self.published]),
            "source": self.source,
            "unit": self.lab_unit,
            "in_unit": _and([f"{_number(line)} {self.lab_unit}" for line in self.in_lab_unit]),
        }

    @property
    def sentence(self) -> str:
        values = self._values()
        if self.lab_unit == self.published_unit:
            return str(
                _("Compared with %(name)s of %(line)s (%(source)s), the unit your lab used.")
                % values
            )
        if self.converted:
            return str(
                _(
                    "Compared with %(name)s of %(line)s (%(source)s). Your lab used %(unit)s, so "
                    "the portal converted it with 1 g/g = 113.1 mg/mmol: %(in_unit)s."
                )
                % values
            )
        return str(
            _(
                "Compared with %(name)s of %(line)s (%(source)s), which is exactly %(in_unit)s "
                "in the unit your lab used."
            )
            % values
        )

    @property
    def short(self) -> str:
        """The line in the lab's unit in a few words, beside a rule that quotes the published
        numbers (the visit summary's key numbers)."""
        values = self._values()
        if self.converted:
            return str(_("Line used: %(in_unit)s, converted from %(line)s.") % values)
        return str(_("Line used: %(in_unit)s, the lab's unit.") % values)


def _line_used(
    name: str, lines: Sequence[Decimal], published_unit: str, result: UpcrResult, source: str
) -> LineUsed:
    return LineUsed(str(name), tuple(lines), published_unit, result.unit, source)


def complete_remission_line(upcr_unit: str, is_child: bool) -> tuple[Decimal, str]:
    """The complete-remission line in a chart's UPCR unit and a label quoting the published number:
    children (IPNA 2022) 20 mg/mmol in mg/mmol, else 0.2 g/g (200 mg/g); adults (KDIGO 2021)
    0.3 g/g, in other units converted exactly (300 mg/g, 33.93 mg/mmol)."""
    if is_child:
        value = child_lines(upcr_unit)[0]
        if upcr_unit_family(upcr_unit) == MG_PER_MMOL:
            published = f"20 {MG_PER_MMOL}"
        elif upcr_unit == G_PER_G:
            published = f"{_number(Decimal('0.2'))} {G_PER_G}"
        else:
            published = f"{_number(Decimal('0.2'))} {G_PER_G} ({_number(value)} {upcr_unit})"
        label = _("Complete remission (children, IPNA 2022): %(line)s or less") % {
            "line": published
        }
        return value, str(label)
    value = line_in_unit(ADULT_COMPLETE_BELOW_G_PER_G, upcr_unit)
    published = f"{_number(Decimal('0.3'))} {G_PER_G}"
    if upcr_unit != G_PER_G:
        published += f" ({_number(value)} {upcr_unit})"
    label = _("Complete remission (adults, KDIGO 2021): below %(line)s") % {"line": published}
    return value, str(label)


# Dipsticks ----------------------------------------------------------------------------------------


def dipstick_run_end_dates(
    dipsticks: Iterable[tuple[date, int]], qualifies, days_in_a_row: int = CHILD_DIPSTICK_DAYS
) -> list[date]:
    """Each date that ends `days_in_a_row` consecutive calendar days whose grade `qualifies`.

    A missing day breaks the run. With two readings on one date, the last one given counts.
    """
    by_date = dict(dipsticks)

    def qualifying(day: date) -> bool:
        return day in by_date and qualifies(by_date[day])

    return [
        day
        for day in sorted(by_date)
        if all(qualifying(day - timedelta(days=back)) for back in range(days_in_a_row))
    ]


def latest_high_dipstick_days(
    dipsticks: Iterable[tuple[date, int]], after: date | None
) -> list[date]:
    """The latest dipstick days, in a run of calendar days at 3+ or more, that are newer than
    `after` (oldest first); [] when the latest dipstick is below 3+. A missing day ends the run."""
    by_date = dict(dipsticks)
    if not by_date:
        return []
    day, run = max(by_date), []
    while day in by_date and by_date[day] >= DIPSTICK_3_PLUS and (after is None or day > after):
        run.append(day)
        day -= timedelta(days=1)
    return run[::-1]


def _watch(dipsticks: Sequence[tuple[date, int]], after: date | None) -> str:
    """IPNA 2022 relapse sign (3+ on 3 days in a row; a reasonable signal for adults too): a
    warning when dipsticks newer than a complete remission are 3+ or more."""
    run = latest_high_dipstick_days(dipsticks, after)
    if not run:
        return ""
    dates = ", ".join(day_text(day) for day in run)
    if len(run) < CHILD_DIPSTICK_DAYS:
        return str(
            _(
                "Your latest dipsticks are 3+ or higher (%(dates)s). If this lasts 3 days in a "
                "row, it is the relapse sign: contact your care team."
            )
            % {"dates": dates}
        )
    return str(
        _(
            "Your dipsticks have been 3+ or higher on 3 days in a row or more (%(dates)s). This "
            "is the relapse sign: contact your care team."
        )
        % {"dates": dates}
    )


# Adults -------------------------------------------------------------------------------------------


def _adult_status(
    latest: UpcrResult | None,
    baseline: Baseline | None,
    previous_complete_remission: bool,
    dipsticks: Sequence[tuple[date, int]],
) -> RemissionStatus:
    if latest is None:
        return _unknown(baseline, _("There is no UPCR result yet, so the portal cannot tell."))
    value = as_decimal(latest.value)
    complete_line = line_in_unit(ADULT_COMPLETE_BELOW_G_PER_G, latest.unit)
    nephrotic_line = line_in_unit(ADULT_PARTIAL_UP_TO_G_PER_G, latest.unit)
    fpre_line = line_in_unit(FPRE_BELOW_G_PER_G, latest.unit)
    drop = drop_from_baseline_percent(latest, baseline)
    source = "KDIGO 2021"

    def status(category, label, rule, explanation, line_used, anchor="remission", watch=""):
        return RemissionStatus(
            category=category,
            label=str(label),
            rule=str(rule),
            baseline=baseline,
            explanation=str(explanation),
            upcr_g_per_g=latest.g_per_g,
            measured_on=latest.date,
            drop_percent=None if drop is None else rounded(drop, 1),
            guide_anchor=anchor,
            upcr=latest,
            line_used=line_used,
            watch=watch,
        )

    reading = _upcr_sentence(latest)
    drop_text = _drop_sentence(drop, baseline, latest)
    both_lines = _line_used(
        str(_("the adults' lines")),
        [ADULT_COMPLETE_BELOW_G_PER_G, ADULT_PARTIAL_UP_TO_G_PER_G],
        G_PER_G,
        latest,
        source,
    )

    if value < complete_line:
        return status(
            COMPLETE,
            _("Meets the complete remission definition"),
            _("KDIGO 2021: UPCR below 0.3 g/g"),
            _sentences(
                [
                    reading,
                    str(_("That is below the complete remission line.")),
                    str(
                        _(
                            "This looks at urine protein only. The full definition also asks for "
                            "stable kidney function and normal blood albumin, which your care team "
                            "checks."
                        )
                    ),
                ]
            ),
            _line_used(
                str(_("the adults' complete remission line")),
                [ADULT_COMPLETE_BELOW_G_PER_G],
                G_PER_G,
                latest,
                source,
            ),
            watch=_watch(dipsticks, latest.date),
        )
    nephrotic_line_used = _line_used(
        str(_("the adults' nephrotic line")), [ADULT_PARTIAL_UP_TO_G_PER_G], G_PER_G, latest, source
    )
    if value > nephrotic_line and previous_complete_remission:
        return status(
            RELAPSE,
            _("Meets the relapse definition"),
            _("KDIGO 2021: UPCR above 3.5 g/g after a complete remission"),
            _sentences(
                [
                    reading,
                    str(_("That is above the nephrotic line, after a complete remission.")),
                    str(_("Contact your care team.")),
                ]
            ),
            nephrotic_line_used,
            anchor="relapse",
        )
    meets_partial = (
        value <= nephrotic_line and drop is not None and drop > ADULT_PARTIAL_DROP_ABOVE_PERCENT
    )
    meets_fpre = value < fpre_line and drop is not None and drop > FPRE_DROP_ABOVE_PERCENT
    if meets_partial:
        parts = [
            reading,
            drop_text,
            str(_("That is between the two lines and more than 50% lower.")),
        ]
        if meets_fpre:
            parts.append(
                str(_("It also meets the FSGS partial remission endpoint (FPRE, Troost 2018)."))
            )
        return status(
            PARTIAL,
            _("Meets the partial remission definition"),
            _("KDIGO 2021: UPCR 0.3 to 3.5 g/g and more than 50% below baseline"),
            _sentences(parts),
            both_lines,
        )
    if meets_fpre:
        return status(
            FPRE,
            _("Meets the FSGS partial remission endpoint (FPRE)"),
            _("Troost 2018: UPCR below 1.5 g/g and more than 40% below baseline"),
            _sentences(
                [
                    reading,
                    drop_text,
                    str(
                        _(
                            "That is below 1.5 g/g and more than 40% lower, but not more than "
                            "50% lower, so it does not meet the partial remission definition."
                        )
                    ),
                ]
            ),
            _line_used(
                str(_("the FPRE line")), [FPRE_BELOW_G_PER_G], G_PER_G, latest, "Troost 2018"
            ),
        )
    if value > nephrotic_line:
        return status(
            NEPHROTIC_RANGE,
            _("Protein is in the nephrotic range"),
            _(
                "KDIGO 2021: nephrotic-range protein is above 3.5 g/day; the portal uses UPCR "
                "above 3.5 g/g"
            ),
            _sentences([reading, str(_("That is above the nephrotic line."))]),
            nephrotic_line_used,
        )
    if drop is None:
        unknown = _unknown(
            baseline,
            _sentences(
                [
                    reading,
                    str(
                        _(
                            "Partial remission is judged against a baseline, and there is none. "
                            "Ask your care team which result to mark as baseline."
                        )
                    ),
                ]
            ),
            upcr=latest,
        )
        return replace(unknown, line_used=both_lines)
    return status(
        NO_REMISSION,
        _("Does not meet a remission definition"),
        _(
            "KDIGO 2021 and Troost 2018: not below 0.3 g/g, and not enough lower than baseline "
            "(more than 50%, or more than 40% with UPCR below 1.5 g/g)"
        ),
        _sentences([reading, drop_text]),
        both_lines,
    )


# Children -----------------------------------------------------------------------------------------

_RELAPSE_EVIDENCE = "relapse"
_COMPLETE_EVIDENCE = "complete"
_NEITHER_EVIDENCE = "neither"
# On the same day, a relapse sign wins (safety), then a lab result over a dipstick (accuracy),
# except that a 3-day dipstick run wins over one high lab value (it meets the definition).
_EVIDENCE_PRIORITY = {_COMPLETE_EVIDENCE: 0, _NEITHER_EVIDENCE: 1, _RELAPSE_EVIDENCE: 2}


def upcr_mg_per_mmol(upcr_g_per_g: Decimal) -> Decimal:
    """UPCR g/g in mg/mmol (1 g/g = 113.1 mg/mmol), for showing a g/g value in mg/mmol."""
    return as_decimal(upcr_g_per_g) * UPCR_MG_PER_MMOL_PER_G_PER_G


def _child_status(
    latest: UpcrResult | None,
    baseline: Baseline | None,
    previous_complete_remission: bool,
    dipsticks: Sequence[tuple[date, int]],
    albumins: Sequence[tuple[date, Decimal]],
) -> RemissionStatus:
    evidence: list[tuple[date, str, str]] = []  # (date, kind, source)
    if latest is not None:
        complete_line, nephrotic_line = child_lines(latest.unit)
        value = as_decimal(latest.value)
        if value >= nephrotic_line:
            kind = _RELAPSE_EVIDENCE
        elif value <= complete_line:
            kind = _COMPLETE_EVIDENCE
        else:
            kind = _NEITHER_EVIDENCE
        evidence.append((latest.date, kind, "upcr"))
    for day in dipstick_run_end_dates(dipsticks, lambda grade: grade >= DIPSTICK_3_PLUS):
        evidence.append((day, _RELAPSE_EVIDENCE, "dipstick"))
    for day in dipstick_run_end_dates(dipsticks, lambda grade: 0 <= grade <= DIPSTICK_TRACE):
        evidence.append((day, _COMPLETE_EVIDENCE, "dipstick"))

    if not evidence:
        return _unknown(
            baseline,
            _(
                "There is no UPCR result and no 3 dipstick readings in a row yet, so the portal "
                "cannot tell."
            ),
        )

    def rank(item):
        day, kind, source = item
        lab_first = (source == "upcr") != (kind == _RELAPSE_EVIDENCE)
        return (day, _EVIDENCE_PRIORITY[kind], lab_first)

    latest_day, kind, source = max(evidence, key=rank)
    from_lab = source == "upcr"
    if from_lab:
        reading = _upcr_sentence(latest)
    elif kind == _RELAPSE_EVIDENCE:
        reading = str(
            _("The dipstick showed 3+ or more on 3 days in a row, up to %(date)s.")
            % {"date": day_text(latest_day)}
        )
    else:
        reading = str(
            _("The dipstick showed negative or trace on 3 days in a row, up to %(date)s.")
            % {"date": day_text(latest_day)}
        )
    drop = drop_from_baseline_percent(latest, baseline) if from_lab else None

    def status(category, label, rule, explanation, line_used=None, anchor="children", watch=""):
        return RemissionStatus(
            category=category,
            label=str(label),
            rule=str(rule),
            baseline=baseline,
            explanation=str(explanation),
            upcr_g_per_g=None if latest is None else latest.g_per_g,
            measured_on=None if latest is None else latest.date,
            drop_percent=None if drop is None else rounded(drop, 1),
            guide_anchor=anchor,
            upcr=latest,
            line_used=line_used,
            watch=watch,
        )

    def lines_for(name, lines_g_per_g, lines_mg_per_mmol):
        if not from_lab:
            return None
        if latest.family == MG_PER_MMOL:
            return _line_used(str(name), lines_mg_per_mmol, MG_PER_MMOL, latest, "IPNA 2022")
        return _line_used(str(name), lines_g_per_g, G_PER_G, latest, "IPNA 2022")

    if kind == _COMPLETE_EVIDENCE:
        return status(
            CHILD_COMPLETE,
            _("Meets the complete remission definition for children"),
            _(
                "IPNA 2022: UPCR 20 mg/mmol or less (0.2 g/g, 200 mg/g), or dipstick negative "
                "or trace on 3 days in a row"
            ),
            reading,
            lines_for(
                _("the children's complete remission line"),
                [CHILD_COMPLETE_UP_TO_G_PER_G],
                [CHILD_COMPLETE_UP_TO_MG_PER_MMOL],
            ),
            watch=_watch(dipsticks, latest_day),
        )
    if kind == _RELAPSE_EVIDENCE:
        nephrotic_line_used = lines_for(
            _("the children's nephrotic line"),
            [CHILD_RELAPSE_FROM_G_PER_G],
            [CHILD_RELAPSE_FROM_MG_PER_MMOL],
        )
        had_remission = previous_complete_remission or any(
            item_kind == _COMPLETE_EVIDENCE and item_day < latest_day
            for item_day, item_kind, _source in evidence
        )
        if had_remission and not from_lab:
            return status(
                CHILD_RELAPSE,
                _("Meets the relapse definition for children"),
                _("IPNA 2022: dipstick 3+ or more on 3 days in a row, after a remission"),
                _sentences([reading, str(_("Contact your care team."))]),
            )
        if had_remission:
            return status(
                CHILD_POSSIBLE_RELAPSE,
                _("Possible relapse: confirm with the care team"),
                _(
                    "IPNA 2022: UPCR 200 mg/mmol (2 g/g) or more after a remission is a sign of "
                    "relapse; IPNA asks for it on 3 days in a row, so one result needs confirming"
                ),
                _sentences(
                    [
                        reading,
                        str(_("That is at or above the nephrotic line, after a remission.")),
                        str(
                            _(
                                "One result is not enough to call it a relapse. Contact your "
                                "care team to confirm it."
                            )
                        ),
                    ]
                ),
                nephrotic_line_used,
            )
        return status(
            NEPHROTIC_RANGE,
            _("Protein is in the nephrotic range"),
            _("IPNA 2022: UPCR 200 mg/mmol (2 g/g) or more, or dipstick 3+ or 4+"),
            reading,
            nephrotic_line_used,
        )
    return _child_between_lines(latest, baseline, drop, albumins, reading, status, lines_for)


def _child_between_lines(latest, baseline, drop, albumins, reading, status, lines_for):
    """IPNA 2022 partial remission: between the lines, with albumin ≥ 30 g/L when known; KDIGO
    2025 also asks for a fall of ≥ 50% from the presenting value, said in words (not a gate)."""
    lines = lines_for(
        _("the children's lines"),
        [CHILD_COMPLETE_UP_TO_G_PER_G, CHILD_RELAPSE_FROM_G_PER_G],
        [CHILD_COMPLETE_UP_TO_MG_PER_MMOL, CHILD_RELAPSE_FROM_MG_PER_MMOL],
    )
    between = str(_("That is above the complete remission line and below the nephrotic line."))
    albumin = albumin_for(latest.date, albumins)
    if albumin is not None and as_decimal(albumin[1]) < CHILD_PARTIAL_ALBUMIN_FROM_G_PER_L:
        return status(
            NO_REMISSION,
            _("Does not meet a remission definition for children"),
            _(
                "IPNA 2022: partial remission needs blood albumin of 30 g/L or more when it "
                "is known"
            ),
            _sentences(
                [
                    reading,
                    between,
                    str(
                        _("But blood albumin was %(value)s g/L on %(date)s, below 30 g/L.")
                        % {"value": _number(albumin[1]), "date": day_text(albumin[0])}
                    ),
                ]
            ),
            lines,
        )
    if albumin is None:
        albumin_text = str(
            _(
                "There is no blood albumin result from the 30 days before it, so the portal "
                "could not check albumin (partial remission asks for 30 g/L or more)."
            )
        )
    else:
        albumin_text = str(
            _("Blood albumin was %(value)s g/L on %(date)s: 30 g/L or more.")
            % {"value": _number(albumin[1]), "date": day_text(albumin[0])}
        )
    if drop is None:
        fall_text = str(
            _(
                "There is no baseline, so the portal cannot judge the fall of 50% or more that "
                "the KDIGO 2025 guideline also asks for."
            )
        )
    elif drop >= CHILD_PARTIAL_FALL_FROM_PERCENT:
        fall_text = _sentences(
            [
                _drop_sentence(drop, baseline, latest),
                str(_("That meets the fall of 50% or more that KDIGO 2025 also asks for.")),
            ]
        )
    else:
        fall_text = _sentences(
            [
                _drop_sentence(drop, baseline, latest),
                str(
                    _(
                        "That is not the fall of 50% or more that KDIGO 2025 also asks for, so "
                        "ask your care team how they read it."
                    )
                ),
            ]
        )
    return status(
        CHILD_PARTIAL,
        _("Meets the partial remission definition for children"),
        _(
            "IPNA 2022: UPCR above 20 and below 200 mg/mmol (above 0.2 and below 2 g/g), with "
            "blood albumin 30 g/L or more when known; KDIGO 2025 also asks for a fall of 50% "
            "or more"
        ),
        _sentences([reading, between, albumin_text, fall_text]),
        lines,
    )


# What the statuses mean ---------------------------------------------------------------------------


def status_meanings(is_child: bool) -> list[tuple[str, str]]:
    """(status, what it means) for the labs page's explanation, children's or adults' (both
    include steroid resistance, which the portal explains but never works out)."""
    if is_child:
        return [
            (
                str(_("Complete remission")),
                str(
                    _(
                        "UPCR of 20 mg/mmol or less, or 0.2 g/g (200 mg/g) or less, or a "
                        "dipstick of negative or trace on 3 days in a row (IPNA 2022)."
                    )
                ),
            ),
            (
                str(_("Partial remission")),
                str(
                    _(
                        "UPCR above the complete remission line and below the nephrotic line: "
                        "above 20 and below 200 mg/mmol, or above 0.2 and below 2 g/g. Blood "
                        "albumin must be 30 g/L or more when it is known (IPNA 2022). The KDIGO "
                        "2025 guideline also asks for a fall of 50% or more from the first high "
                        "result."
                    )
                ),
            ),
            (
                str(_("Possible relapse")),
                str(
                    _(
                        "One UPCR of 200 mg/mmol (2 g/g) or more after a remission. IPNA asks "
                        "for 3 days in a row, so your care team confirms it."
                    )
                ),
            ),
            (
                str(_("Relapse")),
                str(
                    _("A dipstick of 3+ or more on 3 days in a row after a remission (IPNA 2022).")
                ),
            ),
            (
                str(_("Nephrotic range")),
                str(
                    _(
                        "UPCR at or above the nephrotic line, or a dipstick of 3+ or more on 3 "
                        "days in a row, before any remission."
                    )
                ),
            ),
            (
                str(_("Steroid-resistant")),
                str(
                    _(
                        "No complete remission after 4 weeks of daily prednisone at full dose, "
                        "with 2 more weeks to confirm (IPNA 2020). Most children with FSGS are "
                        "steroid-resistant. The portal does not work this out: your care team "
                        "decides."
                    )
                ),
            ),
        ]
    return [
        (
            str(_("Complete remission")),
            str(_("UPCR below 0.3 g/g (300 mg/g), with stable kidney function (KDIGO 2021).")),
        ),
        (
            str(_("Partial remission")),
            str(_("UPCR from 0.3 to 3.5 g/g and more than 50% below your baseline (KDIGO 2021).")),
        ),
        (
            str(_("FSGS partial remission endpoint (FPRE)")),
            str(_("UPCR below 1.5 g/g and more than 40% below your baseline (Troost 2018).")),
        ),
        (
            str(_("Relapse")),
            str(_("UPCR back above 3.5 g/g after a complete remission (KDIGO 2021).")),
        ),
        (
            str(_("Steroid-resistant")),
            str(
                _(
                    "Guidelines describe heavy protein that is still there after 16 weeks of "
                    "high-dose prednisone. This time frame is not confirmed in our sources. The "
                    "portal does not work this out: your care team decides."
                )
            ),
        ),
    ]


# Shared -------------------------------------------------------------------------------------------


def _sentences(parts) -> str:
    return " ".join(str(part) for part in parts if part)


def _unknown(baseline, explanation, *, upcr: UpcrResult | None = None) -> RemissionStatus:
    return RemissionStatus(
        category=UNKNOWN,
        label=str(_("Not enough results to tell")),
        rule=str(_("A remission definition needs a UPCR result (and for adults, a baseline)")),
        baseline=baseline,
        explanation=str(explanation),
        upcr_g_per_g=None if upcr is None else upcr.g_per_g,
        measured_on=None if upcr is None else upcr.date,
        upcr=upcr,
    )


def _upcr_sentence(result: UpcrResult) -> str:
    return str(
        _("The latest UPCR was %(value)s on %(date)s.")
        % {"value": str(result), "date": day_text(result.date)}
    )


def _drop_sentence(drop: Decimal | None, baseline: Baseline | None, latest: UpcrResult) -> str:
    """The drop from baseline, with the baseline in the latest result's unit."""
    if drop is None or baseline is None:
        return ""
    if baseline.result is not None and baseline.result == latest:
        # The baseline itself (say the first UPCR on record): "0% lower" would read as news.
        return str(_("This result is the baseline: later results are compared with it."))
    if baseline.result is not None and baseline.result.unit == latest.unit:
        base = str(baseline.result)
    else:
        places = 2 if latest.family == G_PER_G else 1 if latest.family == MG_PER_MMOL else 0
        shown = rounded(upcr_from_g_per_g(baseline.value, latest.unit), places)
        base = f"{shown:f} {latest.unit}"
        if baseline.result is not None:  # as the lab reported it, then in this result's unit
            base = f"{baseline.result} ({base})"
    values = {"drop": rounded(abs(drop), 1), "baseline": base}
    if drop >= 0:
        return str(_("That is %(drop)s%% lower than the baseline of %(baseline)s.") % values)
    return str(_("That is %(drop)s%% higher than the baseline of %(baseline)s.") % values)
