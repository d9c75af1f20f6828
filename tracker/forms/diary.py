"""A diary day and a blood pressure reading."""

from decimal import Decimal

from django import forms
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from tracker import symptoms, units
from tracker.forms.fields import (
    as_typed,
    column_limits,
    interpolate_lazy,
    number_field,
    range_error,
    temperature_shown,
    typed,
    weight_shown,
    whole_number_field,
)
from tracker.guides import help_with_link
from tracker.models import (
    DIASTOLIC_MAX,
    DIASTOLIC_MIN,
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
    Foam,
    MedicinesTaken,
    Patient,
    Swelling,
    TemperatureUnit,
    WeightUnit,
)

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
FOAM_SCALE = [
    (Foam.NONE, _("None, or a few big bubbles that vanish.")),
    (Foam.LITTLE, _("A thin layer of small bubbles that stays a little.")),
    (Foam.CLEAR, _("A clear layer of foam that lasts over a minute.")),
    (Foam.THICK, _("Thick foam like beaten egg white, lasting several minutes.")),
]
DIPSTICK_FORM_CHOICES = [
    ("", _("Not tested")),
    *[
        (
            grade.code,
            interpolate_lazy(
                _("%(label)s (%(mg)s mg/dL)"), {"label": grade.label, "mg": grade.approx_mg_dl}
            ),
        )
        for grade in units.DIPSTICK_GRADES
    ],
]
GRADE_ERROR = _("Choose a grade from 0 to 3.")
# The first choice of every grade: a grade the person did not pick is saved as None, never as 0,
# and a grade picked by mistake can be taken back.
NOT_RECORDED = ("", _("Not recorded"))
FOAM_SHORT_CHOICES = [NOT_RECORDED, *Foam.choices]
SWELLING_SHORT_CHOICES = [NOT_RECORDED, *Swelling.choices]


# What "Nothing changed: save these values" may carry from the latest day: feelings, not
# measurements (issue #11).
CARRIED_OVER = [*SWELLING_FIELDS.values(), "foam", "medicines_taken"]

# The day form's order, by how often a value changes from one day to the next: weight (every
# morning), swelling and foam (change with the fluid), blood pressure, the dipstick (not every
# day), temperature (when unwell), then the one-off ticks, medicines taken and the note.
FIELD_ORDER = [
    "weight",
    *SWELLING_FIELDS.values(),
    "foam",
    "dipstick",
    "temperature",
    "less_urine",
    *symptoms.FIELDS,
    "medicines_taken",
    "note",
]


class StaleEdit(Exception):
    """Someone saved (or deleted) the day after this form was opened; nothing was written."""

    def __init__(self, current: DiaryDay | None):
        super().__init__("stale diary day version")
        self.current = current


class DiaryDayForm(forms.ModelForm):
    """One diary day. Weight and temperature are typed in either unit and saved twice: as typed
    with their unit (what the alert rules compare) and canonical (kg, °C) for everything else."""

    weight = number_field(
        _("Weight"),
        limits=column_limits(DiaryDay, "weight_entered"),
        help_text=help_with_link(
            _("Each morning, after passing urine and before eating."), "weight", _("weight")
        ),
    )
    weight_unit = forms.ChoiceField(label=_("Weight unit"), choices=WeightUnit.choices)
    temperature = number_field(
        _("Temperature"),
        limits=column_limits(DiaryDay, "temperature_entered"),
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
            *SWELLING_FIELDS.values(),
            "foam",
            "dipstick",
            "less_urine",
            *symptoms.FIELDS,
            "medicines_taken",
            "note",
        ]
        widgets = {
            **dict.fromkeys(SWELLING_FIELDS.values(), forms.RadioSelect),
            "foam": forms.RadioSelect,
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
        self.fields["foam"].choices = FOAM_SHORT_CHOICES
        self.fields["dipstick"].choices = DIPSTICK_FORM_CHOICES
        self.fields["medicines_taken"].choices = [("", _("Not recorded")), *MedicinesTaken.choices]
        self.fields["medicines_taken"].label = _("Did you take your medicines as prescribed?")
        self.fields["note"].label = _("Note (optional)")
        self.fields["dipstick"].label = _("Dipstick protein (optional)")
        self.fields["less_urine"].label = _("Much less urine than usual")
        for symptom in symptoms.SYMPTOMS:
            self.fields[symptom.field].label = symptom.label
        for field in SWELLING_FIELDS.values():
            self.fields[field].choices = SWELLING_SHORT_CHOICES
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
    def prefill_from(cls, previous: DiaryDay) -> dict:
        """A starting point from an earlier day: how the person feels (swelling, foam,
        medicines taken), never a measurement. A copied weight, temperature, dipstick or blood
        pressure would be a reading nobody took: it flattens the weight chart and hides a gain.
        Less urine, the "Anything else today?" ticks and the note describe one day and are not
        carried over either, so they cannot raise an alert the person did not mean."""
        values = {field: getattr(previous, field) for field in CARRIED_OVER}
        return {field: value for field, value in values.items() if value not in (None, "")}

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
        for name in FIELD_ORDER:
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
    systolic = whole_number_field(
        _("Top number (systolic)"), example="120", limits=column_limits(BloodPressure, "systolic")
    )
    diastolic = whole_number_field(
        _("Bottom number (diastolic)"),
        example="80",
        limits=column_limits(BloodPressure, "diastolic"),
    )
    pulse = whole_number_field(
        _("Pulse (optional)"),
        required=False,
        example="72",
        limits=column_limits(BloodPressure, "pulse"),
    )

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


# New readings on the day form --------------------------------------------------------------------

# Rows of new readings one save takes: two readings a minute apart, morning and evening, with
# room to spare. A larger number posted is refused, not cut short (absolute_max).
NEW_READINGS_MAX = 6
READING_NUMBERS = ("systolic", "diastolic", "pulse")


class NewReadingForm(BloodPressureForm):
    """One row of new readings on the day form. A row without numbers is ignored (the time
    alone is not a reading); a row with some numbers must be complete."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["systolic"].error_messages["required"] = _(
            "Type the top number too, or clear this reading."
        )
        self.fields["diastolic"].error_messages["required"] = _(
            "Type the bottom number too, or clear this reading."
        )
        self.fields["time"].error_messages["required"] = _(
            "Type the time of this reading, like 08:30."
        )
        self.fields["time"].help_text = ""

    def has_changed(self) -> bool:
        return any(
            str(self.data.get(self.add_prefix(name), "")).strip() for name in READING_NUMBERS
        )

    def reading_text(self) -> str:
        """The typed reading in words, for a refused save: "08:30 128/84"."""
        data = self.cleaned_data
        return f"{data['time']:%H:%M} {data['systolic']}/{data['diastolic']}"


class BaseNewReadingFormSet(forms.BaseFormSet):
    def typed(self) -> list[NewReadingForm]:
        """The rows holding a reading (the formset is valid)."""
        return [form for form in self.forms if form.has_changed()]


NewReadingFormSet = forms.formset_factory(
    NewReadingForm,
    formset=BaseNewReadingFormSet,
    extra=1,
    max_num=NEW_READINGS_MAX,
    absolute_max=NEW_READINGS_MAX,
    validate_max=True,
)
NEW_READINGS_PREFIX = "bp"


def new_readings_formset(patient: Patient, day, data=None, *, now: str = "", extra_row=False):
    """The day form's rows of new readings (bound to `data` when posted). `now`, the patient's
    current time for today, starts every row's time. `extra_row`: one more empty row, for the
    "Add another reading" button without JavaScript."""
    if data is not None and extra_row:
        data = data.copy()
        key = f"{NEW_READINGS_PREFIX}-TOTAL_FORMS"
        total = int(data[key]) if str(data.get(key, "")).isdigit() else 1
        if total < NEW_READINGS_MAX:
            data[key] = str(total + 1)
            data[f"{NEW_READINGS_PREFIX}-{total}-time"] = now
    return NewReadingFormSet(
        data,
        prefix=NEW_READINGS_PREFIX,
        form_kwargs={"patient": patient, "day": day, "initial": {"time": now} if now else {}},
    )


def readings_to_delete(data, readings: list[BloodPressure]) -> list[BloodPressure]:
    """The day's saved readings whose "delete when I save" box was ticked (others' ids are
    ignored: they are not this day's)."""
    ticked = set(data.getlist("delete_reading"))
    return [reading for reading in readings if str(reading.pk) in ticked]


def as_first_row(data) -> dict:
    """A reading posted on its own (the older "Add reading" form) as the day form's first row
    of new readings, so its errors show by the fields of the one form the page has."""
    fields = ("time", *READING_NUMBERS)
    row = {f"{NEW_READINGS_PREFIX}-0-{name}": data.get(name, "") for name in fields}
    return {
        **row,
        f"{NEW_READINGS_PREFIX}-TOTAL_FORMS": "1",
        f"{NEW_READINGS_PREFIX}-INITIAL_FORMS": "0",
    }
