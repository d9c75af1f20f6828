"""Field helpers the forms share: dates, numbers as typed, range errors, units shown.

Every number a person types goes through number_field (decimals) or whole_number_field: a
decimal comma is accepted, and a value its database column cannot hold is refused with a
message by the field (issue #12: a dose the column rounded to 0 answered with a 500)."""

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django import forms
from django.db import models
from django.utils.functional import keep_lazy_text
from django.utils.translation import gettext_lazy as _

from tracker import alerts, units
from tracker.models import (
    Patient,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


# Shared ------------------------------------------------------------------------------------------


@keep_lazy_text
def interpolate_lazy(text, values: dict) -> str:
    """`text % values`, done when the words are shown: a lazy `text` stays lazy, so a label or
    error built when the form class is defined follows the reader's language (a plain `%` would
    fix it in English at import time)."""
    return text % values


LONGEST_ECHO = 12
TYPED_PLACES_ERROR = _("Type at most %(places)s digits after the decimal point, like %(example)s.")


def typed(value) -> str:
    """A number as the person typed it, for error messages (no exponent, long input cut short)."""
    text = f"{value:f}" if isinstance(value, Decimal) else str(value)
    return text if len(text) <= LONGEST_ECHO else f"{text[:LONGEST_ECHO]}…"


def shown(value: Decimal, rounding: str) -> str:
    """A range limit for a message, rounded inward so every value it allows is accepted."""
    limit = value.quantize(Decimal("0.1"), rounding=rounding).normalize()
    return f"{limit:f}"


def range_error(what, low, high, unit: str, value) -> forms.ValidationError:
    """ "Weight must be between 2 and 400 kg — you typed 4000." """
    return forms.ValidationError(
        _("%(what)s must be between %(low)s and %(high)s %(unit)s — you typed %(typed)s."),
        code="out_of_range",
        params={
            "what": what,
            "low": shown(Decimal(low), ROUND_CEILING),
            "high": shown(Decimal(high), ROUND_FLOOR),
            "unit": unit,
            "typed": typed(value),
        },
    )


# Numbers as people type them ---------------------------------------------------------------------

LONGEST_NUMBER = 40  # characters; anything longer is not a number anyone typed
MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-"})
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)", re.ASCII)
# "1,234": a comma then exactly three digits may be a thousands separator (1234) or a decimal
# comma (1.234); a dose read a thousand times too big or small is not a risk worth taking.
AMBIGUOUS_COMMA = re.compile(r"[+-]?[1-9][0-9]{0,2},[0-9]{3}", re.ASCII)
SEPARATOR_ERROR = _(
    "Type the number without a thousands separator, with one point or comma before the "
    "decimals, like %(example)s."
)
AMBIGUOUS_ERROR = _(
    "Is %(typed)s a number with decimals, or in the thousands? Type it without the comma, like "
    "%(point)s or %(whole)s."
)
SMALLEST_ERROR = _(
    "That is too small to record here: the smallest is %(smallest)s — you typed %(typed)s."
)
BIGGEST_ERROR = _("That number is too big to record here — you typed %(typed)s.")
EXPONENT_ERROR = _("Type the number in full, without “e”, like %(example)s.")
BELOW_ERROR = _("The number cannot be below %(low)s here — you typed %(typed)s.")


@dataclass(frozen=True)
class ColumnLimits:
    """What a database column holds: digits in all and after the point (decimals), or the
    lowest and highest whole number."""

    max_digits: int | None = None
    decimal_places: int | None = None
    low: int | None = None
    high: int | None = None


# PostgreSQL's integer ranges; SQLite's columns take any size, but the portal runs on both.
INTEGER_RANGES = {
    "SmallIntegerField": (-32768, 32767),
    "PositiveSmallIntegerField": (0, 32767),
    "IntegerField": (-2147483648, 2147483647),
    "PositiveIntegerField": (0, 2147483647),
}


def column_limits(model, name: str) -> ColumnLimits:
    """The limits of `model.name`'s column, so a form refuses what the database cannot store."""
    field = model._meta.get_field(name)
    if isinstance(field, models.DecimalField):
        return ColumnLimits(field.max_digits, field.decimal_places)
    low, high = INTEGER_RANGES.get(field.get_internal_type(), (-(2**63), 2**63 - 1))
    return ColumnLimits(low=low, high=high)


def not_a_number(text: str, example: str) -> forms.ValidationError:
    """Why `text` is not one plain number, in words (built only when it is not)."""
    if len(text) <= LONGEST_NUMBER:
        if re.fullmatch(r"[+-]?[0-9.,]+[eE][+-]?[0-9]+", text, re.ASCII):
            return forms.ValidationError(EXPONENT_ERROR % {"example": example}, code="exponent")
        if re.fullmatch(r"[+-]?[0-9][0-9 .,\u00a0\u202f']*", text, re.ASCII):
            return forms.ValidationError(SEPARATOR_ERROR % {"example": example}, code="separator")
    return forms.ValidationError(
        _("Type a number, like %(example)s.") % {"example": example}, code="invalid"
    )


def parse_number(text: str, example: str) -> Decimal:
    """A typed number: spaces around it dropped, a decimal point or one decimal comma ("72,5"),
    no exponent, NaN or infinity; trailing zeros after the decimals dropped ("70.50" is 70.5)."""
    text = text.strip().translate(MINUS_SIGNS)
    if len(text) > LONGEST_NUMBER or not PLAIN_NUMBER.fullmatch(text):
        raise not_a_number(text, example)
    if AMBIGUOUS_COMMA.fullmatch(text):
        raise forms.ValidationError(
            AMBIGUOUS_ERROR
            % {
                "typed": text,
                "point": text.replace(",", "."),
                "whole": text.replace(",", ""),
            },
            code="ambiguous",
        )
    text = text.replace(",", ".")
    if "." in text:
        text = text.rstrip("0").rstrip(".") or "0"
        if text in {"+", "-"}:
            text = "0"
    number = Decimal(text)
    return number if number else Decimal(0)  # "-0" is 0


class NumberField(forms.DecimalField):
    """A decimal typed with a point or a comma, checked against the column it is stored in:
    never a value the database would round, overflow or refuse (no 500 for any input)."""

    def __init__(self, *, limits: ColumnLimits | None = None, example="70.5", **kwargs):
        self.limits, self.example = limits or ColumnLimits(), example
        super().__init__(**kwargs)
        self.decimal_places = self.limits.decimal_places
        self.error_messages["invalid"] = interpolate_lazy(
            _("Type a number, like %(example)s."), {"example": example}
        )

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int):
            return Decimal(value)
        text = str(value)
        if not text.strip():
            return None
        return parse_number(text, self.example)

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        places, digits = self.limits.decimal_places, self.limits.max_digits
        if places is not None and value.as_tuple().exponent < -places:
            smallest = Decimal(1).scaleb(-places)
            if abs(value) < smallest:
                raise forms.ValidationError(
                    SMALLEST_ERROR % {"smallest": f"{smallest:f}", "typed": typed(value)},
                    code="too_small",
                )
            raise forms.ValidationError(
                TYPED_PLACES_ERROR % {"places": places, "example": self.example},
                code="max_decimal_places",
            )
        if digits is not None and abs(value) >= Decimal(10) ** (digits - (places or 0)):
            raise forms.ValidationError(BIGGEST_ERROR % {"typed": typed(value)}, code="too_big")


def number_field(
    label, *, required=False, help_text="", example="70.5", limits: ColumnLimits | None = None
) -> forms.DecimalField:
    """A decimal input that opens the number pad on phones and explains what it wants;
    `limits` (column_limits(Model, "field")) keeps it to what its column can store."""
    return NumberField(
        label=label,
        required=required,
        help_text=help_text,
        example=example,
        limits=limits,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 8}),
    )


class WholeNumberField(forms.IntegerField):
    """A whole number ("120", " 120 ", "120.0"), kept inside what its column can store."""

    def __init__(self, *, limits: ColumnLimits | None = None, **kwargs):
        self.limits = limits or ColumnLimits()
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str) and len(value.strip()) > LONGEST_NUMBER:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        low, high = self.limits.low, self.limits.high
        if value is not None and high is not None and value > high:
            raise forms.ValidationError(BIGGEST_ERROR % {"typed": typed(value)}, code="too_big")
        if value is not None and low is not None and value < low:
            raise forms.ValidationError(
                BELOW_ERROR % {"low": low, "typed": typed(value)}, code="too_small"
            )


def whole_number_field(
    label, *, required=True, help_text="", example="120", limits: ColumnLimits | None = None
):
    return WholeNumberField(
        label=label,
        required=required,
        help_text=help_text,
        limits=limits,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 5}),
        error_messages={
            "invalid": interpolate_lazy(
                _("Type a whole number, like %(example)s."), {"example": example}
            ),
        },
    )


def check_date(patient: Patient, day, field: str, form: forms.Form) -> None:
    """Readings cannot be dated in the future or before the patient's birth."""
    if day is not None and (problem := patient.date_problem(day)):
        form.add_error(field, problem)


PLAN_DAYS_AHEAD = 365


def check_plan_date(patient: Patient, day, field: str, form: forms.Form) -> None:
    """Medicine dates may be planned (a taper), up to a year ahead, never before birth."""
    if day is None:
        return
    if patient.birth_date and day < patient.birth_date:
        form.add_error(field, patient.date_problem(day))
    elif day > patient.today() + timedelta(days=PLAN_DAYS_AHEAD):
        form.add_error(
            field,
            _("The date can be at most a year ahead — you chose %(date)s.")
            % {"date": day.isoformat()},
        )


def weight_shown(kilograms: Decimal | None, unit: str) -> Decimal | None:
    """A stored weight as the form shows it: in the patient's unit, to 0.1."""
    return None if kilograms is None else units.rounded(units.weight_in(kilograms, unit), 1)


def temperature_shown(celsius: Decimal | None, unit: str) -> Decimal | None:
    return None if celsius is None else units.rounded(units.temperature_in(celsius, unit), 1)


def as_typed(value: Decimal | None) -> Decimal | None:
    """A stored typed number for a form: trailing zeros past the first decimal dropped."""
    if value is None:
        return None
    text = alerts.typed_text(value)
    number = Decimal(text)
    return number if number else Decimal(0)  # "-0" is 0
