"""The visit summary period."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.forms.fields import DateInput
from tracker.models import (
    Paper,
)

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
