"""The mark "I contacted the care team" on an alert: an optional short note."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.models import ALERT_CONTACT_NOTE_LENGTH


class AlertContactForm(forms.Form):
    note = forms.CharField(required=False, strip=True)

    def clean_note(self) -> str:
        note = " ".join(self.cleaned_data["note"].split())
        if len(note) > ALERT_CONTACT_NOTE_LENGTH:
            raise forms.ValidationError(
                _("Keep the note to %(most)d characters or fewer. Yours has %(length)d.")
                % {"most": ALERT_CONTACT_NOTE_LENGTH, "length": len(note)}
            )
        return note
