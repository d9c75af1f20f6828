"""Show canonical values (kg, °C, dipstick codes) in the patient's units and words."""

from django import template
from django.utils.translation import gettext as _

from tracker import units
from tracker.models import SWELLING_FIELDS, SWELLING_WORDS, DiaryDay

register = template.Library()


@register.filter
def weight(kilograms, patient) -> str:
    """70.5 kg, or 155.4 lb for a patient who weighs in pounds; empty when not recorded."""
    if kilograms is None:
        return ""
    unit = patient.weight_unit
    return f"{units.rounded(units.weight_in(kilograms, unit), 1)} {unit}"


@register.filter
def temperature(celsius, patient) -> str:
    if celsius is None:
        return ""
    unit = patient.temperature_unit
    return (
        f"{units.rounded(units.temperature_in(celsius, unit), 1)} {units.temperature_symbol(unit)}"
    )


@register.filter
def phone_uri(number: str) -> str:
    """A tel: URI body: the digits, with a leading + kept."""
    digits = "".join(character for character in number if character.isdigit())
    return f"+{digits}" if number.strip().startswith("+") else digits


@register.filter
def dipstick(code) -> str:
    return "" if code is None else str(units.dipstick_label(code))


@register.filter
def swelling(day) -> str:
    """The sites with any swelling, worst first: "legs, ankles or feet 2 (moderate), hands 1"."""
    if day is None:
        return ""
    graded = sorted(
        ((grade, site) for site, grade in day.swelling.items() if grade),
        key=lambda item: -item[0],
    )
    if not graded:
        return _("none")
    return ", ".join(
        f"{SITE_NAMES[site]} {grade} ({SWELLING_WORDS[grade]})" for grade, site in graded
    )


SITE_NAMES = {
    site: DiaryDay._meta.get_field(field).verbose_name for site, field in SWELLING_FIELDS.items()
}


WIDGET_CLASSES = {"select": "form-select", "checkbox": "form-check-input"}


@register.filter
def bootstrap_widget(field) -> str:
    """The field's own widget with Bootstrap's class (and is-invalid on errors).

    The diary form is the hottest page in the portal; this lean path renders it several times
    faster than crispy-forms while keeping Django's aria-describedby and aria-invalid."""
    css = WIDGET_CLASSES.get(field.widget_type, "form-control")
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})
