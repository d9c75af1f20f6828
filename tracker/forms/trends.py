"""The trends page period."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from tracker import trends
from tracker.forms.fields import DateInput, typed

# Trends period ------------------------------------------------------------------------------------


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
