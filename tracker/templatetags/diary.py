"""Show canonical values (kg, °C, dipstick codes) in the patient's units and words."""

import base64

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tracker import dates, units
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
def day_text(day) -> str:
    """A day in running text, the portal's one format (tracker.dates): "26 Nov 2026"."""
    return "" if day is None else dates.day_text(day)


@register.filter
def span_to(first, last) -> str:
    """{{ first|span_to:last }}: "8 Feb to 4 Mar 2026" (tracker.dates.span_text)."""
    return dates.span_text(first, last)


@register.filter
def heading_date(day) -> str:
    """A day in a page heading (tracker.dates): "Thursday 26 November 2026"."""
    return "" if day is None else dates.heading_date(day)


@register.filter
def phone_uri(number: str) -> str:
    """A tel: URI body: the digits, with a leading + kept."""
    digits = "".join(character for character in number if character.isdigit())
    return f"+{digits}" if number.strip().startswith("+") else digits


@register.filter
def dipstick(code) -> str:
    return "" if code is None else str(units.dipstick_label(code))


@register.filter
def grade(value) -> str:
    """A foam or swelling grade for a table cell: the number, or a dash when not recorded."""
    return "—" if value is None else str(value)


@register.filter
def swelling(day) -> str:
    """The sites with any swelling, worst first: "legs, ankles or feet 2 (moderate), hands 1";
    "none" when every recorded site is at 0, "not recorded" when no site has a grade."""
    if day is None:
        return ""
    recorded = day.swelling
    if not recorded:
        return _("not recorded")
    graded = sorted(
        ((grade, site) for site, grade in recorded.items() if grade),
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


# Django widget templates whose whole markup is django/forms/widgets/input.html.
PLAIN_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in [
        "text",
        "number",
        "email",
        "password",
        "url",
        "hidden",
        "date",
        "time",
        "datetime",
        "checkbox",
    ]
)

TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


def _html_attrs(attrs: dict) -> SafeString:
    """Attributes as django/forms/widgets/attrs.html writes them (True: the bare name)."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def render_widget(field, attrs: dict) -> SafeString:
    """What `field.as_widget(attrs=attrs)` renders, built in Python for plain <input> and
    <textarea> widgets (from Django's own get_context, so the same attributes, value and aria-*)
    and through Django's template for any other widget. A widget template costs about 0.25 ms
    to render; the diary page has ten such widgets."""
    widget = field.field.widget
    plain = widget.template_name in PLAIN_INPUT_TEMPLATES
    if not (plain or widget.template_name == TEXTAREA_TEMPLATE) or field.field.localize:
        return field.as_widget(attrs=attrs)
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    value = context["value"]
    if not plain:
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>',
            context["name"],
            _html_attrs(context["attrs"]),
            value or "",
        )
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        context["type"],
        context["name"],
        format_html(' value="{}"', value) if value is not None else "",
        _html_attrs(context["attrs"]),
    )


def bootstrap_widget(field) -> SafeString:
    """The field's own widget with Bootstrap's class, and is-invalid on errors."""
    css = WIDGET_CLASSES.get(field.widget_type, "form-control")
    if field.errors:
        css += " is-invalid"
    return render_widget(field, {"class": css})


def _feedback(field) -> SafeString:
    """The field's errors and help text, with the ids its control points to."""
    parts = []
    if field.errors:
        parts.append(
            format_html(
                '<div class="invalid-feedback d-block" id="{}_error">{}</div>',
                field.auto_id,
                format_html_join("", "<strong>{}</strong> ", ((error,) for error in field.errors)),
            )
        )
    if field.help_text:
        parts.append(
            format_html(
                '<div class="form-text" id="{}_helptext">{}</div>', field.auto_id, field.help_text
            )
        )
    return mark_safe("".join(parts))  # noqa: S308 (each part built by format_html)


def _radio_group(field, inline: bool) -> SafeString:
    invalid = " is-invalid" if field.errors else ""
    radios = format_html_join(
        "",
        '<div class="form-check{}"><input type="radio" class="form-check-input{}" name="{}"'
        ' value="{}" id="{}"{}><label class="form-check-label" for="{}">{}</label></div>',
        (
            (
                " form-check-inline" if inline else "",
                invalid,
                radio.data["name"],
                radio.data["value"],
                radio.id_for_label,
                mark_safe(" checked") if radio.data["selected"] else "",
                radio.id_for_label,
                radio.choice_label,
            )
            for radio in field
        ),
    )
    described_by = field.aria_describedby
    return format_html(
        '<fieldset class="mb-3{}"{}><legend class="form-label fs-6 mb-1">{}{}</legend>{}{}'
        "</fieldset>",
        " grade-inline" if inline else "",
        format_html(' aria-describedby="{}"', described_by) if described_by else "",
        field.label,
        format_html('<span class="visually-hidden"> {}</span>', _("(required)"))
        if field.field.required
        else "",
        radios,
        _feedback(field),
    )


def _select(field) -> SafeString:
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (
                option.data["value"],
                mark_safe(" selected") if option.data["selected"] else "",
                option.choice_label,
            )
            for option in field
        ),
    )
    described_by = field.aria_describedby
    return format_html(
        '<div class="mb-3"><label class="form-label" for="{}">{}</label>'
        '<select name="{}" id="{}" class="form-select{}"{}{}>{}</select>{}</div>',
        field.id_for_label,
        field.label,
        field.html_name,
        field.auto_id,
        " is-invalid" if field.errors else "",
        mark_safe(' aria-invalid="true"') if field.errors else "",
        format_html(' aria-describedby="{}"', described_by) if described_by else "",
        options,
        _feedback(field),
    )


@register.simple_tag
def form_field(field, inline: bool = False) -> SafeString:
    """One form field in Bootstrap 5 markup: a label (a legend for radio buttons), the control,
    its errors and help text, linked by aria-describedby.

    The diary form is the portal's hottest page: built here in Python it renders several times
    faster than through crispy-forms or a template per field."""
    if field.is_hidden:
        return render_widget(field, {})
    kind = field.widget_type
    if kind == "radioselect":
        return _radio_group(field, inline)
    if kind == "select":
        return _select(field)
    if kind == "checkbox":
        return format_html(
            '<div class="mb-3"><div class="form-check">{}<label class="form-check-label" for="{}">'
            "{}</label></div>{}</div>",
            bootstrap_widget(field),
            field.id_for_label,
            field.label,
            _feedback(field),
        )
    return format_html(
        '<div class="mb-3"><label class="form-label" for="{}">{}</label>{}{}</div>',
        field.id_for_label,
        field.label,
        bootstrap_widget(field),
        _feedback(field),
    )


@register.filter
def svg_data_uri(svg: str) -> str:
    """A chart as a data: URI for an <img> in a print document: WeasyPrint then reads the SVG
    once as an image, instead of parsing it as HTML and styling each shape with the page's CSS
    first (a third of the time of a chart-heavy PDF). The page itself keeps inline SVG."""
    return "data:image/svg+xml;base64," + base64.b64encode(str(svg).encode()).decode("ascii")
