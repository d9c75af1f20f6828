"""Field helpers the forms share: dates, numbers as typed, range errors, units shown."""

from datetime import timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django import forms
from django.core import validators
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

LONGEST_ECHO = 12


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


def number_field(label, *, required=False, help_text="", example="70.5") -> forms.DecimalField:
    """A decimal input that opens the number pad on phones and explains what it wants."""
    return forms.DecimalField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 8}),
        error_messages={
            "invalid": _("Type a number, like %(example)s.") % {"example": example},
        },
    )


def whole_number_field(label, *, required=True, help_text="", example="120"):
    return forms.IntegerField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 5}),
        error_messages={
            "invalid": _("Type a whole number, like %(example)s.") % {"example": example},
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


TYPED_PLACES_ERROR = _("Type at most %(places)s digits after the decimal point, like %(example)s.")


def typed_number_field(label, *, places: int, help_text="", example="70.5"):
    """A number kept as typed: at most `places` decimals (what its column holds)."""
    field = number_field(label, help_text=help_text, example=example)
    field.decimal_places = places
    field.validators.append(validators.DecimalValidator(max_digits=None, decimal_places=places))
    field.error_messages["max_decimal_places"] = TYPED_PLACES_ERROR % {
        "places": places,
        "example": example,
    }
    return field


def as_typed(value: Decimal | None) -> Decimal | None:
    """A stored typed number for a form: trailing zeros past the first decimal dropped."""
    if value is None:
        return None
    text = alerts.typed_text(value)
    return Decimal(text)
