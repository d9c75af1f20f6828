from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django import forms
from django.core import validators
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fsgs_portal.accounts.reauth import PasswordConfirmForm
from tracker import alerts, symptoms, trends, units
from tracker.guides import help_with_link
from tracker.models import (
    ALERT_DIASTOLIC_MAX,
    ALERT_DIASTOLIC_MIN,
    ALERT_FEVER_RANGES,
    ALERT_SYSTOLIC_MAX,
    ALERT_SYSTOLIC_MIN,
    ALERT_WEIGHT_GAIN_RANGES,
    CLINICIAN_LINK_MAX_DAYS,
    DIASTOLIC_MAX,
    DIASTOLIC_MIN,
    LAB_SHORT_NAMES,
    PULSE_MAX,
    PULSE_MIN,
    SWELLING_FIELDS,
    SYSTOLIC_MAX,
    SYSTOLIC_MIN,
    TEMPERATURE_C_MAX,
    TEMPERATURE_C_MIN,
    WEIGHT_KG_MAX,
    WEIGHT_KG_MIN,
    BloodPressure,
    DiaryDay,
    DoseStep,
    DoseUnit,
    Event,
    EventKind,
    Foam,
    Frequency,
    LabKind,
    LabResult,
    Medication,
    MedicinesTaken,
    Paper,
    Patient,
    Purpose,
    Question,
    Role,
    Swelling,
    TemperatureUnit,
    WeightUnit,
    time_zone_choices,
)
from tracker.units import LAB_UNITS


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


class PatientForm(forms.ModelForm):
    """The profile, with the care team's alert numbers kept as typed, with their units."""

    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    alert_weight_gain_1d = typed_number_field(
        _("Call when weight goes up this much in 1 day"),
        places=2,
        help_text=ALERT_EMPTY_HELP % {"default": "1 kg (2.2 lb)"},
        example="1",
    )
    alert_weight_gain_7d = typed_number_field(
        _("Call when weight goes up this much over 7 days"),
        places=2,
        help_text=ALERT_EMPTY_HELP % {"default": "2 kg (4.4 lb)"},
        example="2",
    )
    alert_systolic = whole_number_field(
        _("Call (not an emergency) when the top blood pressure number is at least"),
        required=False,
        help_text=BP_CALL_HELP,
        example="140",
    )
    alert_diastolic = whole_number_field(
        _("Call (not an emergency) when the bottom blood pressure number is at least"),
        required=False,
        help_text=BP_CALL_HELP,
        example="90",
    )
    crisis_systolic = whole_number_field(
        _("Emergency for a child when the top blood pressure number is at least"),
        required=False,
        help_text=BP_CRISIS_HELP
        % {"adult": _("%(number)s or more on top") % {"number": alerts.ADULT_CRISIS_SYSTOLIC}},
        example="140",
    )
    crisis_diastolic = whole_number_field(
        _("Emergency for a child when the bottom blood pressure number is at least"),
        required=False,
        help_text=BP_CRISIS_HELP
        % {
            "adult": _("%(number)s or more on the bottom")
            % {"number": alerts.ADULT_CRISIS_DIASTOLIC}
        },
        example="95",
    )
    alert_fever = typed_number_field(
        _("Fever: call at this temperature or higher"),
        places=2,
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
        birth_date = self.cleaned_data.get("birth_date")
        if birth_date and birth_date > timezone.localdate():
            raise forms.ValidationError(_("Date of birth cannot be in the future."))
        if birth_date and birth_date.year < 1900:
            raise forms.ValidationError(_("Please check the year of birth."))
        return birth_date

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


# Diary day ---------------------------------------------------------------------------------------

SWELLING_SCALE = [
    (Swelling.NONE, _("No swelling.")),
    (
        Swelling.MILD,
        _("Sock or ring marks; a finger press leaves a shallow dent that fills back quickly."),
    ),
    (
        Swelling.MODERATE,
        _("Clearly puffy; the dent stays a few seconds; shoes or rings feel tight."),
    ),
    (
        Swelling.SEVERE,
        _("Very swollen; a deep dent that stays; hard to walk, or belly or eyes swollen all day."),
    ),
]
FOAM_CHOICES = [
    (Foam.NONE, _("0 – none, or a few big bubbles that vanish")),
    (Foam.LITTLE, _("1 – a thin layer of small bubbles that stays a little")),
    (Foam.CLEAR, _("2 – a clear layer of foam that lasts over a minute")),
    (Foam.THICK, _("3 – thick foam like beaten egg white, lasting several minutes")),
]
DIPSTICK_FORM_CHOICES = [
    ("", _("Not tested")),
    *[
        (
            grade.code,
            _("%(label)s (%(mg)s mg/dL)") % {"label": grade.label, "mg": grade.approx_mg_dl},
        )
        for grade in units.DIPSTICK_GRADES
    ],
]
GRADE_ERROR = _("Choose a grade from 0 to 3.")


class StaleEdit(Exception):
    """Someone saved (or deleted) the day after this form was opened; nothing was written."""

    def __init__(self, current: DiaryDay | None):
        super().__init__("stale diary day version")
        self.current = current


class DiaryDayForm(forms.ModelForm):
    """One diary day. Weight and temperature are typed in either unit and saved twice: as typed
    with their unit (what the alert rules compare) and canonical (kg, °C) for everything else."""

    weight = typed_number_field(
        _("Weight"),
        places=3,
        help_text=help_with_link(
            _("Each morning, after passing urine and before eating."), "weight", _("weight")
        ),
    )
    weight_unit = forms.ChoiceField(label=_("Weight unit"), choices=WeightUnit.choices)
    temperature = typed_number_field(
        _("Temperature"),
        places=2,
        help_text=help_with_link(_("Optional."), "temperature", _("temperature")),
        example="37.2",
    )
    temperature_unit = forms.ChoiceField(
        label=_("Temperature unit"), choices=TemperatureUnit.choices
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = DiaryDay
        fields = [
            "swelling_face",
            "swelling_hands",
            "swelling_belly",
            "swelling_legs",
            "foam",
            "dipstick",
            "less_urine",
            *symptoms.FIELDS,
            "medicines_taken",
            "note",
        ]
        widgets = {
            **dict.fromkeys(SWELLING_FIELDS.values(), forms.RadioSelect),
            "foam": forms.RadioSelect(choices=FOAM_CHOICES),
            "medicines_taken": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "foam": help_with_link(
                _("Look at the toilet water after you pass urine."), "foam", _("urine foam")
            ),
            "dipstick": help_with_link(
                _("First-morning urine. Foam alone is a weak sign: a dipstick tells you more."),
                "dipstick",
                _("dipstick"),
            ),
            "less_urine": help_with_link(
                _("Tick if you passed much less urine than usual, or none."),
                "urine-amount",
                _("urine amount"),
            ),
            "medicines_taken": help_with_link("", "medicines", _("medicines")),
        }
        error_messages = {
            **{field: {"invalid_choice": GRADE_ERROR} for field in SWELLING_FIELDS.values()},
            "foam": {"invalid_choice": GRADE_ERROR},
            "dipstick": {"invalid_choice": _("Choose a dipstick result from the list.")},
            "medicines_taken": {"invalid_choice": _("Choose all, some or none.")},
        }

    def __init__(self, *args, patient: Patient, day, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient, self.day = patient, day
        self.fields["foam"].choices = FOAM_CHOICES
        self.fields["dipstick"].choices = DIPSTICK_FORM_CHOICES
        self.fields["medicines_taken"].choices = [("", _("Not recorded")), *MedicinesTaken.choices]
        self.fields["medicines_taken"].label = _("Did you take your medicines as prescribed?")
        self.fields["note"].label = _("Note (optional)")
        self.fields["dipstick"].label = _("Dipstick protein (optional)")
        self.fields["less_urine"].label = _("Much less urine than usual")
        for symptom in symptoms.SYMPTOMS:
            self.fields[symptom.field].label = symptom.label
        for field in SWELLING_FIELDS.values():
            self.fields[field].choices = Swelling.choices
        self.initial.setdefault("weight_unit", patient.weight_unit)
        self.initial.setdefault("temperature_unit", patient.temperature_unit)
        self.initial.setdefault("version", self.instance.version if self.instance.pk else 0)
        if self.instance.pk:
            self.initial.update(self.measures_of(self.instance, patient))

    @staticmethod
    def measures_of(day: DiaryDay, patient: Patient) -> dict:
        """Weight and temperature of a saved day for the form: as typed, in the unit typed (a
        day saved without them: the canonical value in the patient's unit, to 0.1)."""
        measures = {
            "weight": weight_shown(day.weight_kg, patient.weight_unit),
            "temperature": temperature_shown(day.temperature_c, patient.temperature_unit),
        }
        if day.weight_entered is not None:
            measures["weight"] = as_typed(day.weight_entered)
            measures["weight_unit"] = day.weight_entered_unit
        if day.temperature_entered is not None:
            measures["temperature"] = as_typed(day.temperature_entered)
            measures["temperature_unit"] = day.temperature_entered_unit
        return measures

    @classmethod
    def prefill_from(cls, previous: DiaryDay, patient: Patient) -> dict:
        """A starting point from an earlier day: the daily readings only. Temperature, less
        urine, the "Anything else today?" ticks and the note describe one day and are not carried
        over, so they cannot raise an alert the person did not mean."""
        values = {field: getattr(previous, field) for field in SWELLING_FIELDS.values()}
        values.update(
            foam=previous.foam,
            dipstick=previous.dipstick,
            medicines_taken=previous.medicines_taken,
        )
        measures = cls.measures_of(previous, patient)
        values["weight"] = measures["weight"]
        if "weight_unit" in measures:
            values["weight_unit"] = measures["weight_unit"]
        return values

    def clean(self):
        cleaned = super().clean()
        if problem := self.patient.date_problem(self.day):
            raise forms.ValidationError(problem)
        weight, unit = cleaned.get("weight"), cleaned.get("weight_unit")
        if weight is not None and unit:
            kilograms = units.kg_from(weight, unit)
            if not WEIGHT_KG_MIN <= kilograms <= WEIGHT_KG_MAX:
                self.add_error(
                    "weight",
                    range_error(
                        _("Weight"),
                        units.weight_in(WEIGHT_KG_MIN, unit),
                        units.weight_in(WEIGHT_KG_MAX, unit),
                        unit,
                        weight,
                    ),
                )
            else:
                self.instance.weight_kg = kilograms.quantize(Decimal("0.001"))
                self.instance.weight_entered, self.instance.weight_entered_unit = weight, unit
        elif "weight" in cleaned:
            self.instance.weight_kg = None
            self.instance.weight_entered, self.instance.weight_entered_unit = None, ""
        temperature, unit = cleaned.get("temperature"), cleaned.get("temperature_unit")
        if temperature is not None and unit:
            celsius = units.celsius_from(temperature, unit)
            if not TEMPERATURE_C_MIN <= celsius <= TEMPERATURE_C_MAX:
                self.add_error(
                    "temperature",
                    range_error(
                        _("Temperature"),
                        units.temperature_in(TEMPERATURE_C_MIN, unit),
                        units.temperature_in(TEMPERATURE_C_MAX, unit),
                        units.temperature_symbol(unit),
                        temperature,
                    ),
                )
            else:
                self.instance.temperature_c = celsius.quantize(Decimal("0.01"))
                self.instance.temperature_entered = temperature
                self.instance.temperature_entered_unit = unit
        elif "temperature" in cleaned:
            self.instance.temperature_c = None
            self.instance.temperature_entered, self.instance.temperature_entered_unit = None, ""
        return cleaned

    def typed_values(self) -> list[tuple[str, str]]:
        """What this (valid) form holds, as (label, text): shown when a save is refused."""
        values = []
        for name in [
            "weight",
            *SWELLING_FIELDS.values(),
            "foam",
            "dipstick",
            "temperature",
            "less_urine",
            *symptoms.FIELDS,
            "medicines_taken",
            "note",
        ]:
            field, value = self.fields[name], self.cleaned_data.get(name)
            if name == "weight" and value is not None:
                text = f"{typed(value)} {self.cleaned_data['weight_unit']}"
            elif name == "temperature" and value is not None:
                symbol = units.temperature_symbol(self.cleaned_data["temperature_unit"])
                text = f"{typed(value)} {symbol}"
            elif name == "less_urine":
                text = str(_("yes") if value else _("no"))
            elif name in symptoms.FIELDS:
                if not value:
                    continue
                text = str(_("ticked"))
            elif value in (None, ""):
                continue
            elif name in SWELLING_FIELDS.values():
                text = str(Swelling(value).label)
            elif hasattr(field, "choices"):
                text = str(dict(field.choices).get(value, value))
            else:
                text = str(value)
            label = field.label
            if name in SWELLING_FIELDS.values():
                label = _("Swelling: %(site)s") % {"site": field.label}
            values.append((str(label), text))
        return values

    def save_for(self, user) -> DiaryDay:
        """Save as `user`, unless the day changed since the form was opened (StaleEdit).

        The version check and the write happen under one lock (select_for_update; SQLite's
        IMMEDIATE transactions serialise writers), so two saves can never both win.
        """
        expected = self.cleaned_data["version"]
        day = self.instance
        try:
            with transaction.atomic():
                current = (
                    DiaryDay.objects.select_for_update()
                    .filter(patient=self.patient, date=self.day)
                    .first()
                )
                if (current.version if current else 0) != expected:
                    raise StaleEdit(current)
                day.pk = current.pk if current else None
                day.patient, day.date = self.patient, self.day
                day.entered_by = user
                day.version = expected + 1
                day.save(force_insert=current is None)
        except IntegrityError:
            # Two first saves of one day at once (PostgreSQL): the other one won.
            current = DiaryDay.objects.filter(patient=self.patient, date=self.day).first()
            if current is None:
                raise
            raise StaleEdit(current) from None
        return day


# Blood pressure ----------------------------------------------------------------------------------


class BloodPressureForm(forms.ModelForm):
    systolic = whole_number_field(_("Top number (systolic)"), example="120")
    diastolic = whole_number_field(_("Bottom number (diastolic)"), example="80")
    pulse = whole_number_field(_("Pulse (optional)"), required=False, example="72")

    class Meta:
        model = BloodPressure
        fields = ["time", "systolic", "diastolic", "pulse"]
        widgets = {"time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
        error_messages = {"time": {"invalid": _("Type a time, like 08:30.")}}

    def __init__(self, *args, patient: Patient, day, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient, self.day = patient, day
        self.fields["time"].help_text = help_with_link(
            _("Sit and rest 5 minutes first, arm at heart level."),
            "blood-pressure",
            _("blood pressure"),
        )

    def clean_systolic(self):
        value = self.cleaned_data["systolic"]
        if value is not None and not SYSTOLIC_MIN <= value <= SYSTOLIC_MAX:
            raise range_error(_("The top number"), SYSTOLIC_MIN, SYSTOLIC_MAX, "mmHg", value)
        return value

    def clean_diastolic(self):
        value = self.cleaned_data["diastolic"]
        if value is not None and not DIASTOLIC_MIN <= value <= DIASTOLIC_MAX:
            raise range_error(_("The bottom number"), DIASTOLIC_MIN, DIASTOLIC_MAX, "mmHg", value)
        return value

    def clean_pulse(self):
        value = self.cleaned_data["pulse"]
        if value is not None and not PULSE_MIN <= value <= PULSE_MAX:
            raise range_error(_("Pulse"), PULSE_MIN, PULSE_MAX, _("beats a minute"), value)
        return value

    def clean(self):
        cleaned = super().clean()
        if problem := self.patient.date_problem(self.day):
            raise forms.ValidationError(problem)
        top, bottom = cleaned.get("systolic"), cleaned.get("diastolic")
        if top is not None and bottom is not None and top <= bottom:
            self.add_error(
                "diastolic",
                _(
                    "The bottom number must be lower than the top number — you typed "
                    "%(top)s over %(bottom)s."
                )
                % {"top": top, "bottom": bottom},
            )
        return cleaned

    def save_for(self, user) -> BloodPressure:
        reading = self.save(commit=False)
        reading.patient, reading.date, reading.entered_by = self.patient, self.day, user
        reading.save()
        return reading


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


class LabResultForm(forms.ModelForm):
    value_entered = number_field(_("Result"), required=True, example="1.2")
    unit_entered = forms.ChoiceField(
        label=_("Unit"),
        required=False,
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

    baseline = number_field(_("Baseline UPCR"), example="4.2")
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


# Medicines ---------------------------------------------------------------------------------------

DOSE_MAX = Decimal("100000")


def clean_dose(value):
    if value is not None and not Decimal("0") < value <= DOSE_MAX:
        raise forms.ValidationError(
            _("The dose must be more than 0 and at most %(max)s — you typed %(typed)s.")
            % {"max": DOSE_MAX, "typed": typed(value)}
        )
    return value


class MedicationForm(forms.ModelForm):
    """A new medicine with its first dose."""

    dose = number_field(_("Dose"), required=True, example="40")
    unit = forms.ChoiceField(label=_("Unit"), choices=DoseUnit.choices, initial=DoseUnit.MG)
    frequency = forms.ChoiceField(
        label=_("How often"), choices=Frequency.choices, initial=Frequency.ONCE_DAILY
    )

    class Meta:
        model = Medication
        fields = ["name", "purpose", "started_on", "note"]
        widgets = {"started_on": DateInput()}
        error_messages = {"started_on": {"invalid": _("Type a date, like 2025-03-01.")}}

    def __init__(self, *args, patient: Patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.fields["purpose"].choices = [("", _("Choose what it is for")), *Purpose.choices]

    def clean_dose(self):
        return clean_dose(self.cleaned_data["dose"])

    def clean(self):
        cleaned = super().clean()
        check_plan_date(self.patient, cleaned.get("started_on"), "started_on", self)
        return cleaned

    def save_for(self, user) -> Medication:
        with transaction.atomic():
            medication = self.save(commit=False)
            medication.patient, medication.entered_by = self.patient, user
            medication.save()
            DoseStep.objects.create(
                medication=medication,
                starts_on=medication.started_on,
                dose=self.cleaned_data["dose"],
                unit=self.cleaned_data["unit"],
                frequency=self.cleaned_data["frequency"],
                entered_by=user,
            )
        return medication


class DoseStepForm(forms.ModelForm):
    """One dated dose: a dose change, or one step of a taper."""

    dose = number_field(_("Dose"), required=True, example="35")

    class Meta:
        model = DoseStep
        fields = ["starts_on", "dose", "unit", "frequency"]
        widgets = {"starts_on": DateInput()}
        error_messages = {"starts_on": {"invalid": _("Type a date, like 2025-03-01.")}}

    def __init__(self, *args, medication: Medication, taken_dates=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.medication, self.taken_dates = medication, taken_dates
        # New steps start with the unit and frequency of the latest one (a taper keeps them).
        latest = max(medication.dose_steps.all(), key=lambda step: step.starts_on, default=None)
        if latest:
            self.fields["unit"].initial = latest.unit
            self.fields["frequency"].initial = latest.frequency

    def clean_dose(self):
        return clean_dose(self.cleaned_data["dose"])

    def clean_starts_on(self):
        day = self.cleaned_data["starts_on"]
        medication = self.medication
        if day < medication.started_on:
            raise forms.ValidationError(
                _("A dose cannot start before the medicine started (%(date)s).")
                % {"date": medication.started_on.isoformat()}
            )
        if medication.stopped_on and day > medication.stopped_on:
            raise forms.ValidationError(
                _("A dose cannot start after the medicine was stopped (%(date)s).")
                % {"date": medication.stopped_on.isoformat()}
            )
        if day in self.taken_dates:
            raise forms.ValidationError(
                _("There is already a dose from %(date)s.") % {"date": day.isoformat()}
            )
        return day

    def clean(self):
        cleaned = super().clean()
        check_plan_date(self.medication.patient, cleaned.get("starts_on"), "starts_on", self)
        return cleaned


class BaseDoseStepFormSet(forms.BaseFormSet):
    def clean(self):
        seen = set()
        for form in self.forms:
            day = form.cleaned_data.get("starts_on") if form.has_changed() else None
            if day is None:
                continue
            if day in seen:
                form.add_error(
                    "starts_on",
                    _("Two steps start on %(date)s: give each step its own date.")
                    % {"date": day.isoformat()},
                )
            seen.add(day)

    def save_for(self, medication: Medication, user) -> list[DoseStep]:
        steps = []
        with transaction.atomic():
            for form in self.forms:
                if not form.has_changed():
                    continue
                step = form.save(commit=False)
                step.medication, step.entered_by = medication, user
                step.save()
                steps.append(step)
        return steps


TAPER_ROWS = 6
DoseStepFormSet = forms.formset_factory(
    DoseStepForm, formset=BaseDoseStepFormSet, extra=TAPER_ROWS, max_num=30, validate_max=True
)


class StopMedicationForm(forms.ModelForm):
    class Meta:
        model = Medication
        fields = ["stopped_on"]
        widgets = {"stopped_on": DateInput()}
        error_messages = {"stopped_on": {"invalid": _("Type a date, like 2025-03-01.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stopped_on"].required = True

    def clean_stopped_on(self):
        day = self.cleaned_data["stopped_on"]
        if day < self.instance.started_on:
            raise forms.ValidationError(
                _("The stop date cannot be before the start date (%(date)s).")
                % {"date": self.instance.started_on.isoformat()}
            )
        return day

    def clean(self):
        cleaned = super().clean()
        check_plan_date(self.instance.patient, cleaned.get("stopped_on"), "stopped_on", self)
        return cleaned


# Events and questions ----------------------------------------------------------------------------


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["date", "kind", "note"]
        widgets = {"date": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"date": {"invalid": _("Type a date, like 2025-03-01.")}}

    def __init__(self, *args, patient: Patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.fields["kind"].choices = [("", _("Choose what happened")), *EventKind.choices]

    def clean(self):
        cleaned = super().clean()
        check_date(self.patient, cleaned.get("date"), "date", self)
        return cleaned

    def save_for(self, user) -> Event:
        event = self.save(commit=False)
        event.patient, event.entered_by = self.patient, user
        event.save()
        return event


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["text", "for_next_visit"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, patient: Patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.fields["text"].label = _("Your question")

    def save_for(self, user) -> Question:
        question = self.save(commit=False)
        question.patient, question.entered_by = self.patient, user
        question.save()
        return question


class AnswerForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["answer"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 2})}
        labels = {"answer": _("What the care team said (optional)")}


# Sharing -----------------------------------------------------------------------------------------

CAREGIVER_ROLES = [(Role.EDIT, Role.EDIT.label), (Role.VIEW, Role.VIEW.label)]


class InviteForm(PasswordConfirmForm):
    """Invite a caregiver by email; refuses people who already have access."""

    email = forms.EmailField(label=_("Their email address"))
    role = forms.ChoiceField(
        label=_("What they may do"),
        choices=CAREGIVER_ROLES,
        widget=forms.RadioSelect,
        initial=Role.VIEW,
    )

    def __init__(self, *args, patient: Patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if self.patient.access.active().filter(user__email__iexact=email).exists():
            raise forms.ValidationError(
                _("%(email)s can already see this diary. Change their access below instead.")
                % {"email": email}
            )
        return email


class RoleForm(PasswordConfirmForm):
    role = forms.ChoiceField(label=_("Access"), choices=CAREGIVER_ROLES)


class DeleteWithPasswordForm(PasswordConfirmForm):
    """Deleting always asks for the password, however recently it was entered."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, ask_password=True, **kwargs)


# Trends period and CSV import ---------------------------------------------------------------------


class TrendPeriodForm(forms.Form):
    """A period for the trends page: the last 14/28/90/365 days, or a custom start and end.

    Dates are read by hand (not a DateField) so each message can say what was typed."""

    days = forms.TypedChoiceField(
        label=_("Period"),
        choices=[(days, days) for days in trends.PERIOD_CHOICES],
        coerce=int,
        required=False,
        error_messages={"invalid_choice": _("Choose 14, 28, 90 or 365 days.")},
    )
    start = forms.CharField(label=_("From"), required=False, widget=DateInput)
    end = forms.CharField(label=_("To"), required=False, widget=DateInput)

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def _date(self, name: str):
        text = self.cleaned_data.get(name, "").strip()
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.add_error(
                name,
                _("Type a date like %(example)s — you typed “%(typed)s”.")
                % {"example": self.today.isoformat(), "typed": typed(text)},
            )
            return None

    def clean(self):
        cleaned = super().clean()
        start, end = self._date("start"), self._date("end")
        if self.errors:
            return cleaned
        if (start is None) != (end is None):
            missing = "end" if end is None else "start"
            self.add_error(
                missing,
                _("Choose an end date too.") if missing == "end" else _("Choose a start date too."),
            )
            return cleaned
        if start is None:
            return cleaned
        if end > self.today:
            self.add_error(
                "end",
                _("The end cannot be in the future — you chose %(date)s; today is %(today)s.")
                % {"date": end.isoformat(), "today": self.today.isoformat()},
            )
        if start > end:
            self.add_error(
                "start",
                _("The start (%(start)s) must be on or before the end (%(end)s).")
                % {"start": start.isoformat(), "end": end.isoformat()},
            )
        elif (end - start).days + 1 > trends.MAX_PERIOD_DAYS:
            self.add_error(
                "start",
                _("A period can be at most 5 years (%(most)d days) — you chose %(days)d days.")
                % {"most": trends.MAX_PERIOD_DAYS, "days": (end - start).days + 1},
            )
        cleaned["start_date"], cleaned["end_date"] = start, end
        return cleaned

    def period(self) -> "trends.Period":
        """The chosen period; the default (28 days to today) when none or a wrong one is given."""
        if self.is_bound and self.is_valid():
            if self.cleaned_data.get("start_date"):
                return trends.Period(self.cleaned_data["start_date"], self.cleaned_data["end_date"])
            if self.cleaned_data.get("days"):
                return trends.Period.last(self.cleaned_data["days"], self.today)
        return trends.Period.last(trends.DEFAULT_PERIOD_DAYS, self.today)


IMPORT_MAX_BYTES = 2 * 1024 * 1024


class DiaryImportForm(forms.Form):
    """A diary CSV to import, and what to do with dates that already have entries."""

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("The same columns as the CSV export; at most 2 MB."),
        error_messages={"required": _("Choose a CSV file to import.")},
    )
    existing = forms.ChoiceField(
        label=_("Days that already have entries"),
        choices=[
            ("skip", _("Keep what is saved and skip those rows")),
            ("replace", _("Replace what is saved with the file’s values")),
        ],
        initial="skip",
        widget=forms.RadioSelect,
    )
    confirm_replace = forms.BooleanField(
        label=_("Yes, replace the saved entries (and blood pressure readings) for those dates"),
        required=False,
    )
    import_valid = forms.BooleanField(
        label=_("Import the valid rows, and leave out any row with a problem"),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the most is 2 MB. Split it into smaller files.")
                % {"size": f"{upload.size / 1024 / 1024:.1f} MB"}
            )
        raw = upload.read()
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("The file is not UTF-8 text. In a spreadsheet, save it as “CSV UTF-8”.")
            ) from None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("existing") == "replace" and not cleaned.get("confirm_replace"):
            self.add_error(
                "confirm_replace",
                _("Tick this box to confirm that the file’s days replace what is saved."),
            )
        return cleaned


# Visit summary -----------------------------------------------------------------------------------


def check_period(form, start, end) -> None:
    """Errors next to a period's dates: each a day the diary can hold, start not after end, at
    most form.max_days days (the summary's period form and the clinician link share this)."""
    for name, day in (("start", start), ("end", end)):
        if day and (problem := form.patient.date_problem(day)):
            form.add_error(name, problem)
    if not (start and end) or "start" in form.errors or "end" in form.errors:
        return
    if start > end:
        form.add_error(
            "end",
            _("The end date must be on or after the start date — you chose %(start)s to %(end)s.")
            % {"start": start.isoformat(), "end": end.isoformat()},
        )
    elif (end - start).days + 1 > form.max_days:
        form.add_error(
            "start",
            _("Choose at most %(max)d days — you chose %(days)d.")
            % {"max": form.max_days, "days": (end - start).days + 1},
        )


class SummaryPeriodForm(forms.Form):
    """The summary's period from ?start=&end= (GET): dates the diary can hold, start not after end,
    at most summary.MAX_DAYS days."""

    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())
    paper = forms.ChoiceField(
        label=_("Paper size"), choices=Paper.choices, required=False, widget=forms.RadioSelect
    )

    def __init__(self, *args, patient, max_days: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient, self.max_days = patient, max_days

    def clean(self):
        cleaned = super().clean()
        check_period(self, cleaned.get("start"), cleaned.get("end"))
        return cleaned


# Clinician link -----------------------------------------------------------------------------------


class ClinicianLinkForm(PasswordConfirmForm):
    """A read-only link to the visit summary of one period, valid 1 to 30 days (the password
    again, as every grant of access)."""

    start = forms.DateField(label=_("Summary from"), widget=DateInput())
    end = forms.DateField(label=_("Summary to"), widget=DateInput())
    days = forms.IntegerField(
        label=_("The link works for (days)"),
        min_value=1,
        max_value=CLINICIAN_LINK_MAX_DAYS,
        initial=7,
        help_text=_("From 1 to 30 days. You can revoke it sooner."),
    )

    def __init__(self, *args, patient: Patient, max_days: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient, self.max_days = patient, max_days
        if "password" in self.fields:
            # The invitation form on the same page asks too: each label says which form it is.
            self.fields["password"].label = _("Password again, to make the link")

    def clean(self):
        cleaned = super().clean()
        check_period(self, cleaned.get("start"), cleaned.get("end"))
        return cleaned
