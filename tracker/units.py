"""Unit conversions for diary readings and lab results.

Pure functions: Decimal in, Decimal out, no rounding (callers round for display). Factors come from
CLINICAL.md ("Unit conversions"): UPCR 1 g/g = 1 mg/mg = 1000 mg/g = 113.1 mg/mmol; albumin
1 g/dL = 10 g/L; creatinine 1 mg/dL = 88.4 µmol/L; weight 1 kg = 2.20462 lb.

Stored values are canonical (kg, °C, g/g, g/L, mg/dL, ...); `to_canonical` turns a lab value typed
in any accepted unit into its canonical unit, and `from_canonical` turns it back for display.
"""

import functools
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NamedTuple

from django.utils.formats import get_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LB_PER_KG = Decimal("2.20462")
UPCR_MG_PER_MMOL_PER_G_PER_G = Decimal("113.1")
UPCR_MG_PER_G_PER_G_PER_G = Decimal("1000")
ALBUMIN_G_PER_L_PER_G_PER_DL = Decimal("10")
CREATININE_UMOL_PER_MG_DL = Decimal("88.4")
# ACR: 1 mg/mmol = 8.84 mg/g (creatinine's molar mass, 113.1 g/mol, over 1000 mg/g x 100).
ACR_MG_PER_G_PER_MG_PER_MMOL = Decimal("8.84")
PROTEIN_MG_PER_G = Decimal("1000")
CHOLESTEROL_MG_DL_PER_MMOL_L = Decimal("38.67")

# Unit spellings as shown to people; `_unit_key` makes look-ups forgive case, spaces and µ/u.
G_PER_G = "g/g"
MG_PER_MG = "mg/mg"
MG_PER_G = "mg/g"
MG_PER_MMOL = "mg/mmol"
G_PER_DAY = "g/day"
MG_PER_DAY = "mg/day"
G_PER_L = "g/L"
G_PER_DL = "g/dL"
MG_PER_DL = "mg/dL"
UMOL_PER_L = "µmol/L"
MMOL_PER_L = "mmol/L"
ML_PER_MIN_PER_1_73M2 = "mL/min/1.73m2"
NG_PER_ML = "ng/mL"
UG_PER_L = "µg/L"

UPCR_UNITS = (G_PER_G, MG_PER_G, MG_PER_MMOL, MG_PER_MG)

# Lab kind -> accepted units, canonical unit first.
LAB_UNITS: dict[str, list[str]] = {
    "upcr": [G_PER_G, MG_PER_G, MG_PER_MMOL, MG_PER_MG],
    "acr": [MG_PER_G, MG_PER_MMOL],
    "protein_24h": [G_PER_DAY, MG_PER_DAY],
    "albumin": [G_PER_L, G_PER_DL],
    "creatinine": [MG_PER_DL, UMOL_PER_L],
    "egfr": [ML_PER_MIN_PER_1_73M2],
    "cholesterol": [MG_PER_DL, MMOL_PER_L],
    "tacrolimus": [NG_PER_ML, UG_PER_L],
    "cyclosporine": [NG_PER_ML, UG_PER_L],
}

ONE = Decimal("1")

# Lab kind -> {unit key: (multiply, divide)}: canonical = value x multiply / divide. Kept as a pair
# so that no factor is itself a rounded quotient (1/113.1 is not exact in Decimal).
_LAB_FACTORS: dict[str, dict[str, tuple[Decimal, Decimal]]] = {
    "upcr": {
        "g/g": (ONE, ONE),
        "mg/mg": (ONE, ONE),
        "mg/g": (ONE, UPCR_MG_PER_G_PER_G_PER_G),
        "mg/mmol": (ONE, UPCR_MG_PER_MMOL_PER_G_PER_G),
    },
    "acr": {"mg/g": (ONE, ONE), "mg/mmol": (ACR_MG_PER_G_PER_MG_PER_MMOL, ONE)},
    "protein_24h": {"g/day": (ONE, ONE), "mg/day": (ONE, PROTEIN_MG_PER_G)},
    "albumin": {"g/l": (ONE, ONE), "g/dl": (ALBUMIN_G_PER_L_PER_G_PER_DL, ONE)},
    "creatinine": {"mg/dl": (ONE, ONE), "umol/l": (ONE, CREATININE_UMOL_PER_MG_DL)},
    "egfr": {"ml/min/1.73m2": (ONE, ONE)},
    "cholesterol": {"mg/dl": (ONE, ONE), "mmol/l": (CHOLESTEROL_MG_DL_PER_MMOL_L, ONE)},
    "tacrolimus": {"ng/ml": (ONE, ONE), "ug/l": (ONE, ONE)},
    "cyclosporine": {"ng/ml": (ONE, ONE), "ug/l": (ONE, ONE)},
}


class DipstickGrade(NamedTuple):
    """One grade of the urine dipstick protein test (first-morning urine)."""

    code: int
    label: str
    approx_mg_dl: str


# Ordered, code = index. Concentrations from CLINICAL.md ("Urine dipstick protein").
DIPSTICK_GRADES: list[DipstickGrade] = [
    DipstickGrade(0, _("negative"), "< 10"),
    DipstickGrade(1, _("trace"), "10-20"),
    DipstickGrade(2, _("1+"), "30"),
    DipstickGrade(3, _("2+"), "100"),
    DipstickGrade(4, _("3+"), "300"),
    DipstickGrade(5, _("4+"), "≥ 1000"),
]
DIPSTICK_NEGATIVE = 0
DIPSTICK_TRACE = 1
DIPSTICK_3_PLUS = 4
DIPSTICK_4_PLUS = 5


def dipstick_label(code: int) -> str:
    """The label of a dipstick grade code (0 negative … 5 for 4+)."""
    if not 0 <= code < len(DIPSTICK_GRADES):
        raise ValueError(f"Unknown dipstick grade code {code!r}: expected 0 to 5.")
    return DIPSTICK_GRADES[code].label


def as_decimal(value: Decimal | int | str) -> Decimal:
    """`value` as a finite Decimal; ValueError for anything else (floats go through str)."""
    if isinstance(value, bool):
        raise ValueError(f"Expected a number, got {value!r}.")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as error:
        raise ValueError(f"Expected a number, got {value!r}.") from error
    if not number.is_finite():
        raise ValueError(f"Expected a finite number, got {value!r}.")
    return number


def rounded(value: Decimal, places: int = 1) -> Decimal:
    """`value` rounded half up to `places` decimal places, for display; stored values stay exact."""
    return as_decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def number_text(value: Decimal | int | str, places: int | None = None) -> str:
    """A number for people to read, in the active language: rounded to `places` when given,
    no exponent, no trailing zeros, no thousands separator, and the language's decimal mark:
    "150.4" in English, "150,4" in Spanish. Exports (CSV, FHIR) keep their own machine format."""
    number = as_decimal(value) if places is None else rounded(value, places)
    text = f"{number.normalize():f}"
    return localized_decimal_mark(text)


def localized_decimal_mark(text: str) -> str:
    """`text` (a number written with ".") with the active language's decimal mark."""
    if "." not in text:
        return text
    mark = _decimal_mark(get_language())
    return text if mark == "." else text.replace(".", mark)


@functools.cache
def _decimal_mark(language: str | None) -> str:
    """The decimal mark of a language (a year's charts write thousands of numbers)."""
    return get_format("DECIMAL_SEPARATOR", lang=language)


def _unit_key(unit: str) -> str:
    """Normalise a unit spelling: lower case, no spaces, micro sign or Greek mu as 'u', ² as 2."""
    return (
        unit.strip()
        .lower()
        .replace(" ", "")
        .replace("\u00b5", "u")  # micro sign
        .replace("\u03bc", "u")  # Greek small mu
        .replace("²", "2")
    )


def _unknown_unit(unit: str, what: str, accepted) -> ValueError:
    return ValueError(f"Unknown unit {unit!r} for {what}: expected one of {', '.join(accepted)}.")


# Weight -------------------------------------------------------------------------------------------


def kg_from_lb(pounds: Decimal) -> Decimal:
    """Pounds to kilograms (1 kg = 2.20462 lb)."""
    return as_decimal(pounds) / LB_PER_KG


def lb_from_kg(kilograms: Decimal) -> Decimal:
    """Kilograms to pounds (1 kg = 2.20462 lb)."""
    return as_decimal(kilograms) * LB_PER_KG


# Unit codes a patient chooses for weight and temperature (Patient.weight_unit, temperature_unit).
KG = "kg"
LB = "lb"
CELSIUS = "C"
FAHRENHEIT = "F"


def kg_from(value: Decimal, unit: str) -> Decimal:
    """A weight typed in `unit` ("kg" or "lb"), in kilograms."""
    if unit == KG:
        return as_decimal(value)
    if unit == LB:
        return kg_from_lb(value)
    raise _unknown_unit(unit, "weight", (KG, LB))


def weight_in(kilograms: Decimal, unit: str) -> Decimal:
    """A weight in kilograms, expressed in `unit` ("kg" or "lb")."""
    if unit == KG:
        return as_decimal(kilograms)
    if unit == LB:
        return lb_from_kg(kilograms)
    raise _unknown_unit(unit, "weight", (KG, LB))


# Temperature --------------------------------------------------------------------------------------


def celsius_from_fahrenheit(fahrenheit: Decimal) -> Decimal:
    """°F to °C: (F - 32) x 5/9."""
    return (as_decimal(fahrenheit) - 32) * 5 / 9


def fahrenheit_from_celsius(celsius: Decimal) -> Decimal:
    """°C to °F: C x 9/5 + 32."""
    return as_decimal(celsius) * 9 / 5 + 32


def celsius_from(value: Decimal, unit: str) -> Decimal:
    """A temperature typed in `unit` ("C" or "F"), in °C."""
    if unit == CELSIUS:
        return as_decimal(value)
    if unit == FAHRENHEIT:
        return celsius_from_fahrenheit(value)
    raise _unknown_unit(unit, "temperature", (CELSIUS, FAHRENHEIT))


def temperature_in(celsius: Decimal, unit: str) -> Decimal:
    """A temperature in °C, expressed in `unit` ("C" or "F")."""
    if unit == CELSIUS:
        return as_decimal(celsius)
    if unit == FAHRENHEIT:
        return fahrenheit_from_celsius(celsius)
    raise _unknown_unit(unit, "temperature", (CELSIUS, FAHRENHEIT))


def temperature_symbol(unit: str) -> str:
    """°C or °F for a temperature unit code."""
    return {CELSIUS: "°C", FAHRENHEIT: "°F"}[unit]


# Urine protein-to-creatinine ratio ---------------------------------------------------------------


def upcr_to_g_per_g(value: Decimal, unit: str) -> Decimal:
    """UPCR in g/g from g/g, mg/mg (the same), mg/g or mg/mmol (1 g/g = 113.1 mg/mmol)."""
    return _to_canonical("upcr", value, unit, what="UPCR")


def upcr_from_g_per_g(value: Decimal, unit: str) -> Decimal:
    """UPCR given in g/g, expressed in `unit` (g/g, mg/mg, mg/g or mg/mmol)."""
    return _from_canonical("upcr", value, unit, what="UPCR")


# Albumin and creatinine ---------------------------------------------------------------------------


def albumin_g_per_l_from_g_per_dl(value: Decimal) -> Decimal:
    """Serum albumin g/dL to g/L (1 g/dL = 10 g/L)."""
    return as_decimal(value) * ALBUMIN_G_PER_L_PER_G_PER_DL


def albumin_g_per_dl_from_g_per_l(value: Decimal) -> Decimal:
    """Serum albumin g/L to g/dL (1 g/dL = 10 g/L)."""
    return as_decimal(value) / ALBUMIN_G_PER_L_PER_G_PER_DL


def creatinine_mg_dl_from_umol_l(value: Decimal) -> Decimal:
    """Serum creatinine µmol/L to mg/dL (1 mg/dL = 88.4 µmol/L)."""
    return as_decimal(value) / CREATININE_UMOL_PER_MG_DL


def creatinine_umol_l_from_mg_dl(value: Decimal) -> Decimal:
    """Serum creatinine mg/dL to µmol/L (1 mg/dL = 88.4 µmol/L)."""
    return as_decimal(value) * CREATININE_UMOL_PER_MG_DL


# Any lab kind -------------------------------------------------------------------------------------


def canonical_unit(kind: str) -> str:
    """The unit a lab kind is stored in (the first of LAB_UNITS[kind])."""
    return _accepted_units(kind)[0]


def to_canonical(kind: str, value: Decimal, unit: str) -> Decimal:
    """A lab value typed in `unit`, in the canonical unit of `kind` (see LAB_UNITS).

    upcr → g/g, acr → mg/g, protein_24h → g/day, albumin → g/L, creatinine → mg/dL,
    egfr → mL/min/1.73m2, cholesterol → mg/dL, tacrolimus and cyclosporine troughs → ng/mL.
    """
    return _to_canonical(kind, value, unit, what=kind)


def from_canonical(kind: str, value: Decimal, unit: str) -> Decimal:
    """A lab value stored in the canonical unit of `kind`, expressed in `unit`."""
    return _from_canonical(kind, value, unit, what=kind)


def shown_lab_unit(kind: str, reported: str | None) -> str:
    """The unit to show results of `kind` in: the one the lab reported (`reported`, as typed with
    the latest result), spelled as LAB_UNITS spells it; the canonical unit when none was reported
    or the portal does not know that unit. The trends charts, the summary page and its PDF all use
    this, so albumin reads 3.9 g/dL in all three places, or 39 g/L in all three."""
    accepted = _accepted_units(kind)
    key = _unit_key(reported or "")
    return next((unit for unit in accepted if _unit_key(unit) == key), accepted[0])


def _accepted_units(kind: str) -> list[str]:
    try:
        return LAB_UNITS[kind]
    except KeyError:
        raise ValueError(
            f"Unknown lab kind {kind!r}: expected one of {', '.join(LAB_UNITS)}."
        ) from None


def _factor(kind: str, unit: str, what: str) -> tuple[Decimal, Decimal]:
    accepted = _accepted_units(kind)
    try:
        return _LAB_FACTORS[kind][_unit_key(unit)]
    except KeyError:
        raise _unknown_unit(unit, what, accepted) from None


def _to_canonical(kind: str, value: Decimal, unit: str, *, what: str) -> Decimal:
    multiply, divide = _factor(kind, unit, what)
    return as_decimal(value) * multiply / divide


def _from_canonical(kind: str, value: Decimal, unit: str, *, what: str) -> Decimal:
    multiply, divide = _factor(kind, unit, what)
    return as_decimal(value) * divide / multiply
