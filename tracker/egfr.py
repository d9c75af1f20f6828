"""Estimated kidney function (eGFR) and the KDIGO categories used beside it.

CKD-EPI 2021 (Inker et al., NEJM 2021), race-free, for adults 18 and over:

    eGFR = 142 x min(Scr/kappa, 1)^alpha x max(Scr/kappa, 1)^-1.200 x 0.9938^age x 1.012 [if female]

Scr in mg/dL; kappa = 0.7 (female) / 0.9 (male); alpha = -0.241 (female) / -0.302 (male);
result in mL/min/1.73 m². Not for children, and unreliable when kidney function changes fast.
Stages G1-G5 and albuminuria categories A1-A3: KDIGO 2012.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

from tracker.units import as_decimal

ADULT_AGE = 18
FEMALE = "female"
MALE = "male"

_KAPPA = {FEMALE: Decimal("0.7"), MALE: Decimal("0.9")}
_ALPHA = {FEMALE: Decimal("-0.241"), MALE: Decimal("-0.302")}
_ONE = Decimal("1")


class Category(NamedTuple):
    """A KDIGO category: its code (e.g. "G3a", "A2") and a plain-language label."""

    code: str
    label: str


# Lowest eGFR (mL/min/1.73 m²) of each stage, highest stage first (KDIGO 2012).
_EGFR_STAGES = (
    (Decimal("90"), Category("G1", _("Normal or high kidney function"))),
    (Decimal("60"), Category("G2", _("Mildly decreased kidney function"))),
    (Decimal("45"), Category("G3a", _("Mildly to moderately decreased kidney function"))),
    (Decimal("30"), Category("G3b", _("Moderately to severely decreased kidney function"))),
    (Decimal("15"), Category("G4", _("Severely decreased kidney function"))),
    (Decimal("0"), Category("G5", _("Kidney failure range"))),
)

ACR_A2_FROM_MG_PER_G = Decimal("30")
ACR_A3_ABOVE_MG_PER_G = Decimal("300")


def ckd_epi_2021(creatinine_mg_dl: Decimal, age_years: int, sex: str) -> Decimal:
    """eGFR in mL/min/1.73 m² by CKD-EPI 2021, rounded half up to 1 decimal place.

    `sex` is "female" or "male". Raises ValueError for a child (under 18), a creatinine that is not
    above zero, or another sex value: the equation is defined for none of these.
    """
    creatinine = as_decimal(creatinine_mg_dl)
    if creatinine <= 0:
        raise ValueError(f"Creatinine must be above 0 mg/dL, got {creatinine}.")
    if sex not in _KAPPA:
        raise ValueError(f"Sex for eGFR must be 'female' or 'male', got {sex!r}.")
    if age_years < ADULT_AGE:
        raise ValueError(f"CKD-EPI 2021 is for adults aged 18 and over, got age {age_years}.")
    with localcontext() as context:
        context.prec = 28
        ratio = creatinine / _KAPPA[sex]
        value = (
            142
            * min(ratio, _ONE) ** _ALPHA[sex]
            * max(ratio, _ONE) ** Decimal("-1.200")
            * Decimal("0.9938") ** age_years
        )
        if sex == FEMALE:
            value *= Decimal("1.012")
        return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def age_in_years(birth_date: date, on_date: date) -> int:
    """Completed years of age on `on_date` (someone born on 29 February turns older on 1 March)."""
    if on_date < birth_date:
        raise ValueError(f"Date {on_date} is before the birth date {birth_date}.")
    had_birthday = (on_date.month, on_date.day) >= (birth_date.month, birth_date.day)
    return on_date.year - birth_date.year - (0 if had_birthday else 1)


def calculated_egfr(
    creatinine_mg_dl: Decimal | None,
    birth_date: date | None,
    sex: str | None,
    on_date: date,
) -> Decimal | None:
    """CKD-EPI 2021 eGFR for a creatinine measured on `on_date`, or None when it cannot be used.

    None when the creatinine, birth date or sex ("female"/"male") is unknown, or when the person
    was under 18 on that date (for children the portal shows only the lab's own value).
    """
    if creatinine_mg_dl is None or birth_date is None or sex not in _KAPPA:
        return None
    if on_date < birth_date:
        return None
    age = age_in_years(birth_date, on_date)
    if age < ADULT_AGE:
        return None
    return ckd_epi_2021(creatinine_mg_dl, age, sex)


def egfr_stage(value: Decimal) -> Category:
    """KDIGO 2012 GFR stage: G1 ≥ 90, G2 60-89, G3a 45-59, G3b 30-44, G4 15-29, G5 < 15.

    Stages are half-open from below (89.9 is G2), so every value has exactly one stage.
    """
    number = as_decimal(value)
    if number < 0:
        raise ValueError(f"eGFR cannot be negative, got {number}.")
    for lowest, category in _EGFR_STAGES:
        if number >= lowest:
            return category
    raise AssertionError("unreachable: the last stage starts at 0")


def acr_category(mg_per_g: Decimal) -> Category:
    """KDIGO 2012 albuminuria category from ACR in mg/g: A1 < 30, A2 30-300, A3 > 300."""
    number = as_decimal(mg_per_g)
    if number < 0:
        raise ValueError(f"ACR cannot be negative, got {number}.")
    if number < ACR_A2_FROM_MG_PER_G:
        return Category("A1", _("Normal to mildly increased"))
    if number <= ACR_A3_ABOVE_MG_PER_G:
        return Category("A2", _("Moderately increased"))
    return Category("A3", _("Severely increased"))
