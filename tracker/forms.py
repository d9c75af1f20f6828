from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.models import Patient, time_zone_choices


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PatientForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

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
        }

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
        return cleaned
