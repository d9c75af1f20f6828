"""Events worth telling the care team."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.forms.fields import DateInput, check_date
from tracker.models import (
    Event,
    EventKind,
    Patient,
)

# Events -------------------------------------------------------------------------------------------


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
