"""Remission status from urine protein results: which published definition the latest result meets.

All UPCR values are in g/g. Definitions (CLINICAL.md, "Results and what they mean"):

- Adults, KDIGO 2021 (via Kopp 2020): complete remission UPCR < 0.3 g/g; partial remission UPCR
  0.3-3.5 g/g and more than 50% below baseline; relapse UPCR above 3.5 g/g after a complete
  remission.
- Adults, Troost 2018: FSGS partial remission endpoint (FPRE) UPCR < 1.5 g/g and more than 40% below
  baseline.
- Children, IPNA 2022: complete remission UPCR ≤ 20 mg/mmol or dipstick negative/trace on 3 days
  in a row; relapse dipstick ≥ 3+ on 3 days in a row or UPCR ≥ 200 mg/mmol. The published cut-offs
  are in mg/mmol, so a g/g value is converted exactly (x 113.1) and compared at the 0.1 mg/mmol
  that labs report (a value typed as 200 mg/mmol and stored in g/g still counts as 200).

The portal never diagnoses: labels say which definition a result *meets*.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from tracker.units import (
    DIPSTICK_3_PLUS,
    DIPSTICK_TRACE,
    UPCR_MG_PER_MMOL_PER_G_PER_G,
    as_decimal,
    rounded,
)

ADULT_COMPLETE_BELOW_G_PER_G = Decimal("0.3")
ADULT_PARTIAL_UP_TO_G_PER_G = Decimal("3.5")
ADULT_PARTIAL_DROP_ABOVE_PERCENT = Decimal("50")
FPRE_BELOW_G_PER_G = Decimal("1.5")
FPRE_DROP_ABOVE_PERCENT = Decimal("40")
ADULT_RELAPSE_ABOVE_G_PER_G = Decimal("3.5")
CHILD_COMPLETE_UP_TO_MG_PER_MMOL = Decimal("20")
CHILD_RELAPSE_FROM_MG_PER_MMOL = Decimal("200")
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
CHILD_RELAPSE = "child_relapse"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Baseline:
    """The UPCR (g/g) that later results are compared with, and which rule picked it.

    `source` is a sentence for people; `kind` is one of BASELINE_MARKED, BASELINE_BEFORE_TREATMENT,
    BASELINE_FIRST_ON_RECORD. `date` is None for a marked baseline (it is a value, not a result).
    """

    value: Decimal
    date: date | None
    source: str
    kind: str


@dataclass(frozen=True)
class RemissionStatus:
    """Which definition the latest result meets, the rule behind it and a plain explanation."""

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


def choose_baseline(
    upcr_readings: Iterable[tuple[date, Decimal]],
    marked_baseline: Decimal | None,
    first_treatment_date: date | None,
) -> Baseline | None:
    """The baseline UPCR (g/g), per CLINICAL.md, or None when there is nothing to choose from.

    In order: the value marked as baseline; else the highest UPCR from 90 days before the first
    treatment entry up to and including that day (a sample taken on the day treatment starts is
    usually taken before the first dose; the earliest wins a tie); else the first UPCR on record.
    """
    if marked_baseline is not None:
        return Baseline(
            value=as_decimal(marked_baseline),
            date=None,
            source=str(_("The UPCR that you or your care team marked as baseline.")),
            kind=BASELINE_MARKED,
        )
    readings = sorted(upcr_readings, key=lambda reading: reading[0])
    if not readings:
        return None
    if first_treatment_date is not None:
        window_start = first_treatment_date - timedelta(days=BASELINE_WINDOW_DAYS)
        before_treatment = [
            (day, value) for day, value in readings if window_start <= day <= first_treatment_date
        ]
        if before_treatment:
            day, value = max(
                before_treatment, key=lambda reading: (reading[1], -reading[0].toordinal())
            )
            return Baseline(
                value=as_decimal(value),
                date=day,
                source=str(
                    _("The highest UPCR in the 90 days before your first treatment on %(date)s.")
                    % {"date": first_treatment_date.isoformat()}
                ),
                kind=BASELINE_BEFORE_TREATMENT,
            )
    day, value = readings[0]
    return Baseline(
        value=as_decimal(value),
        date=day,
        source=str(_("The first UPCR on record.")),
        kind=BASELINE_FIRST_ON_RECORD,
    )


def drop_from_baseline_percent(upcr_g_per_g: Decimal, baseline: Baseline | None) -> Decimal | None:
    """How far UPCR fell below the baseline, in percent of the baseline (negative if it rose).

    None without a baseline above zero, since a drop from zero means nothing.
    """
    if baseline is None or baseline.value <= 0:
        return None
    return (baseline.value - as_decimal(upcr_g_per_g)) / baseline.value * 100


def remission_status(
    latest_upcr: tuple[date, Decimal] | None,
    baseline: Baseline | None,
    is_child: bool,
    previous_complete_remission: bool,
    recent_dipsticks: Sequence[tuple[date, int]] = (),
) -> RemissionStatus:
    """The remission category that the latest results meet (see the module docstring for rules).

    `latest_upcr` is (date, g/g). Adults are judged on UPCR alone; children (`is_child`) on the
    latest UPCR and `recent_dipsticks` ((date, grade code 0-5) first-morning readings), the most
    recent evidence winning.
    """
    if is_child:
        return _child_status(latest_upcr, baseline, previous_complete_remission, recent_dipsticks)
    return _adult_status(latest_upcr, baseline, previous_complete_remission)


# Adults -------------------------------------------------------------------------------------------


def _adult_status(
    latest_upcr: tuple[date, Decimal] | None,
    baseline: Baseline | None,
    previous_complete_remission: bool,
) -> RemissionStatus:
    if latest_upcr is None:
        return _unknown(baseline, _("There is no UPCR result yet, so the portal cannot tell."))
    measured_on, raw_value = latest_upcr
    upcr = as_decimal(raw_value)
    drop = drop_from_baseline_percent(upcr, baseline)

    def status(category, label, rule, explanation, anchor="remission"):
        return RemissionStatus(
            category=category,
            label=str(label),
            rule=str(rule),
            baseline=baseline,
            explanation=str(explanation),
            upcr_g_per_g=upcr,
            measured_on=measured_on,
            drop_percent=None if drop is None else rounded(drop, 1),
            guide_anchor=anchor,
        )

    reading = _upcr_sentence(upcr, measured_on)
    drop_text = _drop_sentence(drop, baseline)

    if upcr < ADULT_COMPLETE_BELOW_G_PER_G:
        return status(
            COMPLETE,
            _("Meets the complete remission definition"),
            _("KDIGO 2021: UPCR below 0.3 g/g"),
            _sentences(
                [
                    reading,
                    str(_("That is below 0.3 g/g.")),
                    str(
                        _(
                            "This looks at urine protein only. The full definition also asks for "
                            "stable kidney function and normal blood albumin, which your care team "
                            "checks."
                        )
                    ),
                ]
            ),
        )
    if upcr > ADULT_RELAPSE_ABOVE_G_PER_G and previous_complete_remission:
        return status(
            RELAPSE,
            _("Meets the relapse definition"),
            _("KDIGO 2021: UPCR above 3.5 g/g after a complete remission"),
            _sentences(
                [
                    reading,
                    str(_("That is above 3.5 g/g, after a complete remission.")),
                    str(_("Contact your care team.")),
                ]
            ),
            anchor="relapse",
        )
    meets_partial = (
        upcr <= ADULT_PARTIAL_UP_TO_G_PER_G
        and drop is not None
        and drop > ADULT_PARTIAL_DROP_ABOVE_PERCENT
    )
    meets_fpre = upcr < FPRE_BELOW_G_PER_G and drop is not None and drop > FPRE_DROP_ABOVE_PERCENT
    if meets_partial:
        parts = [
            reading,
            drop_text,
            str(_("That is between 0.3 and 3.5 g/g and more than 50% lower.")),
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
        )
    if upcr > ADULT_PARTIAL_UP_TO_G_PER_G:
        return status(
            NEPHROTIC_RANGE,
            _("Protein is in the nephrotic range"),
            _(
                "KDIGO 2021: nephrotic-range protein is above 3.5 g/day; the portal uses UPCR "
                "above 3.5 g/g"
            ),
            _sentences([reading, str(_("That is above 3.5 g/g."))]),
        )
    if drop is None:
        return _unknown(
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
            upcr=upcr,
            measured_on=measured_on,
        )
    return status(
        NO_REMISSION,
        _("Does not meet a remission definition"),
        _(
            "KDIGO 2021 and Troost 2018: not below 0.3 g/g, and not enough lower than baseline "
            "(more than 50%, or more than 40% with UPCR below 1.5 g/g)"
        ),
        _sentences([reading, drop_text]),
    )


# Children -----------------------------------------------------------------------------------------

_RELAPSE_EVIDENCE = "relapse"
_COMPLETE_EVIDENCE = "complete"
_NEITHER_EVIDENCE = "neither"
# On the same day, a relapse sign wins (safety), then a lab result over a dipstick (accuracy).
_EVIDENCE_PRIORITY = {_COMPLETE_EVIDENCE: 0, _NEITHER_EVIDENCE: 1, _RELAPSE_EVIDENCE: 2}


def upcr_mg_per_mmol(upcr_g_per_g: Decimal) -> Decimal:
    """UPCR g/g in mg/mmol (1 g/g = 113.1 mg/mmol), for comparing with IPNA's cut-offs."""
    return as_decimal(upcr_g_per_g) * UPCR_MG_PER_MMOL_PER_G_PER_G


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


def _child_status(
    latest_upcr: tuple[date, Decimal] | None,
    baseline: Baseline | None,
    previous_complete_remission: bool,
    recent_dipsticks: Sequence[tuple[date, int]],
) -> RemissionStatus:
    evidence: list[tuple[date, str, str]] = []  # (date, kind, source)
    upcr = measured_on = None
    if latest_upcr is not None:
        measured_on, raw_value = latest_upcr
        upcr = as_decimal(raw_value)
        # At the 0.1 mg/mmol labs report: 200 mg/mmol stored as g/g must still count as 200.
        mg_per_mmol = rounded(upcr_mg_per_mmol(upcr), 1)
        if mg_per_mmol >= CHILD_RELAPSE_FROM_MG_PER_MMOL:
            kind = _RELAPSE_EVIDENCE
        elif mg_per_mmol <= CHILD_COMPLETE_UP_TO_MG_PER_MMOL:
            kind = _COMPLETE_EVIDENCE
        else:
            kind = _NEITHER_EVIDENCE
        evidence.append((measured_on, kind, "upcr"))
    for day in dipstick_run_end_dates(recent_dipsticks, lambda grade: grade >= DIPSTICK_3_PLUS):
        evidence.append((day, _RELAPSE_EVIDENCE, "dipstick"))
    for day in dipstick_run_end_dates(recent_dipsticks, lambda grade: 0 <= grade <= DIPSTICK_TRACE):
        evidence.append((day, _COMPLETE_EVIDENCE, "dipstick"))

    if not evidence:
        return _unknown(
            baseline,
            _(
                "There is no UPCR result and no 3 dipstick readings in a row yet, so the portal "
                "cannot tell."
            ),
        )
    latest_day, kind, source = max(
        evidence, key=lambda item: (item[0], _EVIDENCE_PRIORITY[item[1]], item[2] == "upcr")
    )
    if source == "upcr":
        reading = _upcr_sentence(upcr, measured_on, mg_per_mmol=True)
    elif kind == _RELAPSE_EVIDENCE:
        reading = str(
            _("The dipstick showed 3+ or more on 3 days in a row, up to %(date)s.")
            % {"date": latest_day.isoformat()}
        )
    else:
        reading = str(
            _("The dipstick showed negative or trace on 3 days in a row, up to %(date)s.")
            % {"date": latest_day.isoformat()}
        )

    def status(category, label, rule, explanation, anchor="children"):
        return RemissionStatus(
            category=category,
            label=str(label),
            rule=str(rule),
            baseline=baseline,
            explanation=str(explanation),
            upcr_g_per_g=upcr,
            measured_on=measured_on,
            drop_percent=None,
            guide_anchor=anchor,
        )

    if kind == _COMPLETE_EVIDENCE:
        return status(
            CHILD_COMPLETE,
            _("Meets the complete remission definition for children"),
            _(
                "IPNA 2022: UPCR 20 mg/mmol (0.2 g/g) or less, or dipstick negative or trace "
                "on 3 days in a row"
            ),
            reading,
        )
    if kind == _RELAPSE_EVIDENCE:
        had_remission = previous_complete_remission or any(
            item_kind == _COMPLETE_EVIDENCE and item_day < latest_day
            for item_day, item_kind, _source in evidence
        )
        if had_remission:
            return status(
                CHILD_RELAPSE,
                _("Meets the relapse definition for children"),
                _(
                    "IPNA 2022: dipstick 3+ or more on 3 days in a row, or UPCR 200 mg/mmol "
                    "(about 1.77 g/g) or more, after a remission"
                ),
                _sentences([reading, str(_("Contact your care team."))]),
            )
        return status(
            NEPHROTIC_RANGE,
            _("Protein is in the nephrotic range"),
            _("IPNA 2022: UPCR 200 mg/mmol (about 1.77 g/g) or more, or dipstick 3+ or 4+"),
            reading,
        )
    return status(
        NO_REMISSION,
        _("Does not meet the remission or relapse definition for children"),
        _(
            "IPNA 2022: above 20 mg/mmol (0.2 g/g) and below 200 mg/mmol (about 1.77 g/g) is "
            "neither complete remission nor relapse"
        ),
        reading,
    )


# Shared -------------------------------------------------------------------------------------------


def _sentences(parts) -> str:
    return " ".join(str(part) for part in parts if part)


def _unknown(baseline, explanation, *, upcr=None, measured_on=None) -> RemissionStatus:
    return RemissionStatus(
        category=UNKNOWN,
        label=str(_("Not enough results to tell")),
        rule=str(_("A remission definition needs a UPCR result (and for adults, a baseline)")),
        baseline=baseline,
        explanation=str(explanation),
        upcr_g_per_g=upcr,
        measured_on=measured_on,
    )


def _upcr_sentence(upcr: Decimal, measured_on: date, *, mg_per_mmol: bool = False) -> str:
    if mg_per_mmol:
        return str(
            _("The latest UPCR was %(value)s g/g (%(mmol)s mg/mmol) on %(date)s.")
            % {
                "value": rounded(upcr, 2),
                "mmol": rounded(upcr_mg_per_mmol(upcr), 1),
                "date": measured_on.isoformat(),
            }
        )
    return str(
        _("The latest UPCR was %(value)s g/g on %(date)s.")
        % {"value": rounded(upcr, 2), "date": measured_on.isoformat()}
    )


def _drop_sentence(drop: Decimal | None, baseline: Baseline | None) -> str:
    if drop is None or baseline is None:
        return ""
    values = {"drop": rounded(abs(drop), 1), "baseline": rounded(baseline.value, 2)}
    if drop >= 0:
        return str(_("That is %(drop)s%% lower than the baseline of %(baseline)s g/g.") % values)
    return str(_("That is %(drop)s%% higher than the baseline of %(baseline)s g/g.") % values)
