"""The new-diary form (the minimum to start) and the profile (name, birth date, units, the care
team's alert numbers)."""

import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker import alerts, units
from tracker.forms.fields import (
    DateInput,
    as_typed,
    column_limits,
    interpolate_lazy,
    number_field,
    range_error,
    whole_number_field,
)
from tracker.models import (
    ALERT_DIASTOLIC_MAX,
    ALERT_DIASTOLIC_MIN,
    ALERT_FEVER_RANGES,
    ALERT_SYSTOLIC_MAX,
    ALERT_SYSTOLIC_MIN,
    ALERT_WEIGHT_GAIN_RANGES,
    Patient,
    Sex,
    time_zone_choices,
)

ALERT_EMPTY_HELP = _(
    "In the weight unit chosen above. Leave empty for the default, %(default)s for adults: a "
    "default your care team can change. For a child, this check stays off until you enter the "
    "number from the care team."
)
BP_CALL_HELP = _(
    "The number your care team gives you, in mmHg. A reading at or above it gives a “call your "
    "care team” alert, not an emergency. There is no default: leave it empty and this check "
    "stays off."
)
BP_CRISIS_HELP = _(
    "Children only, in mmHg. A reading at or above it gives an emergency alert. For adults this "
    "emergency line is fixed at %(adult)s (hypertensive-crisis guidance of heart associations), "
    "so leave it empty. For a child there is no adult default: type the number your child’s "
    "care team gives to turn this check on."
)


def checked_birth_date(birth_date):
    """A date of birth that is neither in the future nor before 1900 (typos), or a form error."""
    if birth_date and birth_date > timezone.localdate():
        raise forms.ValidationError(_("Date of birth cannot be in the future."))
    if birth_date and birth_date.year < 1900:
        raise forms.ValidationError(_("Please check the year of birth."))
    return birth_date


# The new-diary form (issue #11) ------------------------------------------------------------------

# The fallback list when the browser does not say its time zone (static/js/timezone.js adds the
# detected zone when it is not here). Any zone the server knows is accepted.
COMMON_TIME_ZONES = [
    "UTC",
    "Africa/Cairo",
    "Africa/Johannesburg",
    "Africa/Lagos",
    "Africa/Nairobi",
    "America/Anchorage",
    "America/Argentina/Buenos_Aires",
    "America/Bogota",
    "America/Chicago",
    "America/Denver",
    "America/Halifax",
    "America/Lima",
    "America/Los_Angeles",
    "America/Mexico_City",
    "America/New_York",
    "America/Phoenix",
    "America/Sao_Paulo",
    "America/St_Johns",
    "America/Toronto",
    "America/Vancouver",
    "Asia/Bangkok",
    "Asia/Dhaka",
    "Asia/Dubai",
    "Asia/Hong_Kong",
    "Asia/Jakarta",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Manila",
    "Asia/Seoul",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Adelaide",
    "Australia/Brisbane",
    "Australia/Perth",
    "Australia/Sydney",
    "Europe/Amsterdam",
    "Europe/Athens",
    "Europe/Berlin",
    "Europe/Dublin",
    "Europe/Istanbul",
    "Europe/Lisbon",
    "Europe/London",
    "Europe/Madrid",
    "Europe/Paris",
    "Europe/Rome",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Pacific/Auckland",
    "Pacific/Honolulu",
]
ADULT = "adult"
CHILD = "child"


class TimeZoneField(forms.ChoiceField):
    """A short list of common zones to pick from, accepting any zone the server knows (the one
    the browser reported may not be on the list)."""

    def __init__(self, **kwargs):
        choices = [(name, name.replace("_", " ")) for name in COMMON_TIME_ZONES]
        super().__init__(choices=choices, **kwargs)

    def valid_value(self, value) -> bool:
        return value in zoneinfo.available_timezones()


class NewPatientForm(forms.ModelForm):
    """What a diary needs to start: who, adult or child, units and clock. The care team's numbers
    wait for the profile (CLINICAL.md: for a child the weight and blood-pressure checks stay off
    until the family types the team's numbers)."""

    age_group = forms.ChoiceField(
        label=_("Is the diary for an adult or a child?"),
        choices=[(ADULT, _("An adult (18 or older)")), (CHILD, _("A child (under 18)"))],
        widget=forms.RadioSelect,
    )
    time_zone = TimeZoneField(
        label=_("Time zone"),
        help_text=_("Diary days follow this clock. Filled in from this device when it can be."),
        widget=forms.Select(attrs={"data-detect-time-zone": ""}),
    )

    class Meta:
        model = Patient
        fields = [
            "display_name",
            "birth_date",
            "sex",
            "weight_unit",
            "upcr_unit",
            "temperature_unit",
            "time_zone",
        ]
        widgets = {"birth_date": DateInput()}
        help_texts = {
            "display_name": _("The name shown on the diary and the visit summary."),
            "birth_date": _(
                "Needed for a child: the diary uses the children’s rules. Optional for an adult "
                "(it lets the portal calculate kidney function, eGFR)."
            ),
            "sex": _("Optional. The eGFR formula (CKD-EPI 2021) uses the sex recorded at birth."),
        }

    field_order = ["display_name", "age_group", "birth_date", "sex"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sex"].choices = [("", _("Not given")), *Sex.choices]
        if self.is_bound:  # the person's own choice, sent back with an error: keep it
            self.fields["time_zone"].widget.attrs.pop("data-detect-time-zone", None)

    def clean_birth_date(self):
        return checked_birth_date(self.cleaned_data.get("birth_date"))

    def clean(self):
        cleaned = super().clean()
        group, birth = cleaned.get("age_group"), cleaned.get("birth_date")
        if group == CHILD and birth is None and not self.has_error("birth_date"):
            self.add_error(
                "birth_date",
                _(
                    "Type the child’s date of birth: the diary uses it to pick the children’s "
                    "rules."
                ),
            )
        elif group and birth is not None:
            is_child = Patient(birth_date=birth).is_child(timezone.localdate())
            if group == CHILD and not is_child:
                self.add_error(
                    "birth_date",
                    _(
                        "This date of birth makes them 18 or older: choose adult, or check the "
                        "date."
                    ),
                )
            elif group == ADULT and is_child:
                self.add_error(
                    "birth_date",
                    _("This date of birth makes them under 18: choose child, or check the date."),
                )
        return cleaned


# The profile: everything, including the care team's numbers --------------------------------------


class PatientForm(forms.ModelForm):
    """The profile, with the care team's alert numbers kept as typed, with their units."""

    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    alert_weight_gain_1d = number_field(
        _("Call when weight goes up this much in 1 day"),
        limits=column_limits(Patient, "alert_weight_gain_1d"),
        help_text=interpolate_lazy(ALERT_EMPTY_HELP, {"default": "1 kg (2.2 lb)"}),
        example="1",
    )
    alert_weight_gain_7d = number_field(
        _("Call when weight goes up this much over 7 days"),
        limits=column_limits(Patient, "alert_weight_gain_7d"),
        help_text=interpolate_lazy(ALERT_EMPTY_HELP, {"default": "2 kg (4.4 lb)"}),
        example="2",
    )
    alert_systolic = whole_number_field(
        _("Call (not an emergency) when the top blood pressure number is at least"),
        required=False,
        limits=column_limits(Patient, "alert_systolic"),
        help_text=BP_CALL_HELP,
        example="140",
    )
    alert_diastolic = whole_number_field(
        _("Call (not an emergency) when the bottom blood pressure number is at least"),
        required=False,
        limits=column_limits(Patient, "alert_diastolic"),
        help_text=BP_CALL_HELP,
        example="90",
    )
    crisis_systolic = whole_number_field(
        _("Emergency for a child when the top blood pressure number is at least"),
        required=False,
        limits=column_limits(Patient, "crisis_systolic"),
        help_text=interpolate_lazy(
            BP_CRISIS_HELP,
            {
                "adult": interpolate_lazy(
                    _("%(number)s or more on top"), {"number": alerts.ADULT_CRISIS_SYSTOLIC}
                )
            },
        ),
        example="140",
    )
    crisis_diastolic = whole_number_field(
        _("Emergency for a child when the bottom blood pressure number is at least"),
        required=False,
        limits=column_limits(Patient, "crisis_diastolic"),
        help_text=interpolate_lazy(
            BP_CRISIS_HELP,
            {
                "adult": interpolate_lazy(
                    _("%(number)s or more on the bottom"), {"number": alerts.ADULT_CRISIS_DIASTOLIC}
                )
            },
        ),
        example="95",
    )
    alert_fever = number_field(
        _("Fever: call at this temperature or higher"),
        limits=column_limits(Patient, "alert_fever"),
        help_text=_(
            "In the temperature unit chosen above. Leave empty for the default, 38.0 °C "
            "(100.4 °F), for anyone taking medicine that weakens the immune system: a default "
            "your care team can change."
        ),
        example="38",
    )

    class Meta:
        model = Patient
        fields = [
            "display_name",
            "birth_date",
            "sex",
            "fsgs_type",
            "biopsy_date",
            "care_team_phone",
            "clinic_number",
            "weight_unit",
            "upcr_unit",
            "temperature_unit",
            "time_zone",
            "bp_target_systolic",
            "bp_target_diastolic",
        ]
        widgets = {"birth_date": DateInput(), "biopsy_date": DateInput()}
        help_texts = {
            "display_name": _("The name shown on the diary and the visit summary."),
            "birth_date": _(
                "Optional. Needed to calculate kidney function (eGFR) for adults and to use "
                "the right rules for children."
            ),
            "sex": _("Optional. The eGFR formula (CKD-EPI 2021) uses the sex recorded at birth."),
            "care_team_phone": _("Shown beside alerts so the number is at hand."),
            "clinic_number": _(
                "Optional: the number your hospital or clinic gives you. It is printed on each "
                "page of the visit summary, with the date of birth, so no page gets mixed up "
                "with someone else's."
            ),
            "time_zone": _("Diary days follow this clock."),
            "bp_target_systolic": _(
                "Optional: the target your care team gave you, in mmHg. The visit summary "
                "counts readings above it."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        patient = self.instance
        if patient.pk:
            self.initial.update(
                alert_weight_gain_1d=self._shown_weight_limit(patient.alert_weight_gain_1d),
                alert_weight_gain_7d=self._shown_weight_limit(patient.alert_weight_gain_7d),
                alert_systolic=patient.alert_systolic,
                alert_diastolic=patient.alert_diastolic,
                crisis_systolic=patient.crisis_systolic,
                crisis_diastolic=patient.crisis_diastolic,
                alert_fever=self._shown_fever_limit(patient.alert_fever),
            )

    def _shown_weight_limit(self, value):
        """A stored weight-gain number in the patient's unit: as typed when typed in it."""
        patient = self.instance
        if value is None or patient.alert_weight_unit == patient.weight_unit:
            return as_typed(value)
        exact = alerts.weight_in(value, patient.alert_weight_unit, patient.weight_unit)
        return units.rounded(alerts.as_decimal(exact), 1)

    def _shown_fever_limit(self, value):
        patient = self.instance
        if value is None or patient.alert_fever_unit == patient.temperature_unit:
            return as_typed(value)
        exact = alerts.temperature_in(value, patient.alert_fever_unit, patient.temperature_unit)
        return units.rounded(alerts.as_decimal(exact), 1)

    def _unchanged(self, cleaned, fields, unit_field) -> bool:
        """The numbers and their unit as they were shown: keep what is stored (no round trip
        through a rounded conversion)."""
        return (
            self.instance.pk is not None
            and not any(field in self.changed_data for field in fields)
            and cleaned.get(unit_field) == getattr(self.instance, unit_field)
        )

    def _clean_alert_numbers(self, cleaned):
        weight_unit = cleaned.get("weight_unit") or self.instance.weight_unit
        weight_fields = ("alert_weight_gain_1d", "alert_weight_gain_7d")
        low, high = ALERT_WEIGHT_GAIN_RANGES[weight_unit]
        typed_weights = {}
        for field in weight_fields:
            value = cleaned.get(field)
            if value is not None and not low <= value <= high:
                self.add_error(
                    field, range_error(_("The weight gain"), low, high, weight_unit, value)
                )
            elif field in cleaned:
                typed_weights[field] = value
        if len(typed_weights) == len(weight_fields) and not self._unchanged(
            cleaned, weight_fields, "weight_unit"
        ):
            for field, value in typed_weights.items():
                setattr(self.instance, field, value)
            self.instance.alert_weight_unit = weight_unit
        for field, low, high in (
            ("alert_systolic", ALERT_SYSTOLIC_MIN, ALERT_SYSTOLIC_MAX),
            ("alert_diastolic", ALERT_DIASTOLIC_MIN, ALERT_DIASTOLIC_MAX),
            ("crisis_systolic", ALERT_SYSTOLIC_MIN, ALERT_SYSTOLIC_MAX),
            ("crisis_diastolic", ALERT_DIASTOLIC_MIN, ALERT_DIASTOLIC_MAX),
        ):
            value = cleaned.get(field)
            if value is not None and not low <= value <= high:
                self.add_error(field, range_error(_("The number"), low, high, "mmHg", value))
            elif field in cleaned:
                setattr(self.instance, field, value)
        temperature_unit = cleaned.get("temperature_unit") or self.instance.temperature_unit
        value = cleaned.get("alert_fever")
        low, high = ALERT_FEVER_RANGES[temperature_unit]
        if value is not None and not low <= value <= high:
            self.add_error(
                "alert_fever",
                range_error(
                    _("The fever temperature"),
                    low,
                    high,
                    units.temperature_symbol(temperature_unit),
                    value,
                ),
            )
        elif "alert_fever" in cleaned and not self._unchanged(
            cleaned, ["alert_fever"], "temperature_unit"
        ):
            self.instance.alert_fever = value
            self.instance.alert_fever_unit = temperature_unit

    def clean_birth_date(self):
        return checked_birth_date(self.cleaned_data.get("birth_date"))

    def clean(self):
        cleaned = super().clean()
        biopsy, birth = cleaned.get("biopsy_date"), cleaned.get("birth_date")
        if biopsy and biopsy > timezone.localdate():
            self.add_error("biopsy_date", _("The biopsy date cannot be in the future."))
        elif biopsy and birth and biopsy < birth:
            self.add_error("biopsy_date", _("The biopsy date cannot be before the date of birth."))
        self._clean_alert_numbers(cleaned)
        systolic, diastolic = cleaned.get("bp_target_systolic"), cleaned.get("bp_target_diastolic")
        if (systolic is None) != (diastolic is None) and not self.has_error("bp_target_systolic"):
            self.add_error(
                "bp_target_diastolic" if diastolic is None else "bp_target_systolic",
                _("Type both target numbers, or leave both empty."),
            )
        elif systolic is not None and diastolic is not None and systolic <= diastolic:
            self.add_error(
                "bp_target_systolic",
                _("The top number must be higher than the bottom number — you typed %(s)s/%(d)s.")
                % {"s": systolic, "d": diastolic},
            )
        return cleaned
