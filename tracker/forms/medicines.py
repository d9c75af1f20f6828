"""Medicines, dose steps (tapers) and stopping a medicine."""

from decimal import Decimal

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from tracker.forms.fields import DateInput, check_plan_date, column_limits, number_field, typed
from tracker.models import (
    DoseStep,
    DoseUnit,
    Frequency,
    Medication,
    Patient,
    Purpose,
)

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

    dose = number_field(
        _("Dose"), required=True, example="40", limits=column_limits(DoseStep, "dose")
    )
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

    dose = number_field(
        _("Dose"), required=True, example="35", limits=column_limits(DoseStep, "dose")
    )

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
    default_error_messages = {
        "too_many_forms": ngettext_lazy(
            "Save at most %(num)d dose step at a time.",
            "Save at most %(num)d dose steps at a time; add the rest after saving these.",
            "num",
        ),
    }

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
# Issue #12: a posted TOTAL_FORMS is never trusted. absolute_max caps the forms Django builds
# (its default lets 1,000 more through), validate_max turns a bigger count into a message.
MAX_STEPS_AT_ONCE = 30
DoseStepFormSet = forms.formset_factory(
    DoseStepForm,
    formset=BaseDoseStepFormSet,
    extra=TAPER_ROWS,
    max_num=MAX_STEPS_AT_ONCE,
    absolute_max=MAX_STEPS_AT_ONCE,
    validate_max=True,
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
