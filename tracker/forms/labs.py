"""Lab results and the baseline."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from tracker import units
from tracker.forms.fields import DateInput, check_date, column_limits, number_field, range_error
from tracker.models import (
    LAB_SHORT_NAMES,
    LabKind,
    LabResult,
    Patient,
)
from tracker.units import LAB_UNITS

# Labs --------------------------------------------------------------------------------------------

# Plausible results in the canonical unit: wide enough for severe nephrotic syndrome, narrow
# enough to catch a unit mix-up or a typo.
LAB_RANGES: dict[str, tuple[Decimal, Decimal]] = {
    "upcr": (Decimal("0"), Decimal("50")),
    "acr": (Decimal("0"), Decimal("30000")),
    "protein_24h": (Decimal("0"), Decimal("50")),
    "albumin": (Decimal("5"), Decimal("70")),
    "creatinine": (Decimal("0.1"), Decimal("30")),
    "egfr": (Decimal("1"), Decimal("200")),
    "cholesterol": (Decimal("40"), Decimal("1500")),
    "tacrolimus": (Decimal("0"), Decimal("100")),
    "cyclosporine": (Decimal("0"), Decimal("3000")),
}
OTHER_LAB_MAX = Decimal("1000000")
ALL_LAB_UNITS = list(
    dict.fromkeys(unit for kind_units in LAB_UNITS.values() for unit in kind_units)
)


# Which tests each unit fits, for static/js/lab-units.js to offer only those (the server checks
# the pair in LabResultForm.clean either way).
KINDS_BY_UNIT: dict[str, list[str]] = {
    unit: [kind for kind, kind_units in LAB_UNITS.items() if unit in kind_units]
    for unit in ALL_LAB_UNITS
}


class UnitSelect(forms.Select):
    """A unit <select> whose options name the tests they fit (data-kinds="upcr acr")."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value in KINDS_BY_UNIT:
            option["attrs"]["data-kinds"] = " ".join(KINDS_BY_UNIT[value])
        return option


class LabResultForm(forms.ModelForm):
    value_entered = number_field(
        _("Result"),
        required=True,
        example="1.2",
        limits=column_limits(LabResult, "value_entered"),
    )
    unit_entered = forms.ChoiceField(
        label=_("Unit"),
        required=False,
        widget=UnitSelect(attrs={"data-lab-units": "kind"}),
        choices=[("", _("Choose the unit on the report")), *[(u, u) for u in ALL_LAB_UNITS]],
        help_text=_(
            "As printed on the lab report. UPCR: g/g, mg/g or mg/mmol. Albumin: g/L or g/dL. "
            "Creatinine: mg/dL or µmol/L. Cholesterol: mg/dL or mmol/L."
        ),
    )
    other_unit = forms.CharField(label=_("Unit, for another test"), required=False, max_length=20)

    class Meta:
        model = LabResult
        fields = ["date", "kind", "other_name", "value_entered", "note"]
        widgets = {"date": DateInput()}
        error_messages = {"date": {"invalid": _("Type a date, like 2025-03-01.")}}
        help_texts = {"other_name": _("Only for another test, for example potassium.")}

    def __init__(self, *args, patient: Patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.fields["kind"].choices = [("", _("Choose a test")), *LabKind.choices]

    def clean(self):
        cleaned = super().clean()
        check_date(self.patient, cleaned.get("date"), "date", self)
        kind, value = cleaned.get("kind"), cleaned.get("value_entered")
        if not kind:
            return cleaned
        if kind == LabKind.OTHER:
            self._clean_other(cleaned, value)
            return cleaned
        unit = cleaned.get("unit_entered")
        if not unit:
            self.add_error("unit_entered", _("Choose the unit printed on the report."))
            return cleaned
        try:
            canonical = units.to_canonical(kind, Decimal(1), unit)
        except ValueError:
            self.add_error(
                "unit_entered",
                _("%(unit)s is not a unit for %(test)s: use %(units)s.")
                % {
                    "unit": unit,
                    "test": LAB_SHORT_NAMES[kind],
                    "units": _(" or ").join(LAB_UNITS[kind]),
                },
            )
            return cleaned
        if value is None:
            return cleaned
        canonical = units.to_canonical(kind, value, unit)
        low, high = LAB_RANGES[kind]
        if not low <= canonical <= high:
            self.add_error(
                "value_entered",
                range_error(
                    LAB_SHORT_NAMES[kind],
                    units.from_canonical(kind, low, unit),
                    units.from_canonical(kind, high, unit),
                    unit,
                    value,
                ),
            )
            return cleaned
        self.instance.unit_entered = unit
        self.instance.value = canonical.quantize(Decimal("0.000001"))
        self.instance.other_name = ""
        return cleaned

    def _clean_other(self, cleaned, value):
        if not cleaned.get("other_name"):
            self.add_error("other_name", _("Type the name of the test."))
        unit = cleaned.get("other_unit", "").strip()
        if not unit:
            self.add_error("other_unit", _("Type the unit printed on the report."))
        if value is not None and not 0 <= value <= OTHER_LAB_MAX:
            self.add_error(
                "value_entered", range_error(_("The result"), 0, OTHER_LAB_MAX, unit, value)
            )
        elif value is not None:
            self.instance.unit_entered = unit
            self.instance.value = value

    def save_for(self, user) -> LabResult:
        result = self.save(commit=False)
        result.patient, result.entered_by = self.patient, user
        result.save()
        return result


class BaselineForm(forms.Form):
    """The UPCR the care team calls the baseline, in any UPCR unit; empty clears it."""

    baseline = number_field(
        _("Baseline UPCR"), example="4.2", limits=column_limits(Patient, "baseline_upcr")
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=[(u, u) for u in units.UPCR_UNITS])

    def clean(self):
        cleaned = super().clean()
        value, unit = cleaned.get("baseline"), cleaned.get("unit")
        cleaned["baseline_g_per_g"] = None
        if value is not None and unit:
            grams = units.upcr_to_g_per_g(value, unit)
            low, high = LAB_RANGES["upcr"]
            if not low <= grams <= high:
                self.add_error(
                    "baseline",
                    range_error(
                        "UPCR",
                        units.upcr_from_g_per_g(low, unit),
                        units.upcr_from_g_per_g(high, unit),
                        unit,
                        value,
                    ),
                )
            else:
                cleaned["baseline_g_per_g"] = grams.quantize(Decimal("0.000001"))
        return cleaned
