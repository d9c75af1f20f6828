"""A person's reminders for one diary: times in the diary's time zone, errors people understand."""

import re
from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.models import Patient, ReminderSettings
from tracker.push import push_enabled

MOST_DOSE_TIMES = 4  # the most doses a day a dose step can ask for (Frequency: 4 a day)
TIME_PATTERN = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


TIME_FIELDS = ("diary_time", "notice_time", "quiet_start", "quiet_end")
TIME_FIELDS = ("diary_time", "notice_time", "quiet_start", "quiet_end")
TIME_ERROR = {"invalid": _("Type a time like 08:00 or 20:30.")}


class ReminderSettingsForm(forms.ModelForm):
    medicine_times = forms.CharField(
        label=_("Medicine dose times"),
        required=False,
        help_text=_(
            "Up to 4 times, like 08:00, 20:00. A once-a-day medicine uses the first time; a "
            "twice-a-day one the first two, and so on. Leave empty for no medicine reminders."
        ),
    )
    next_visit_at = forms.DateTimeField(
        label=_("Next visit (date and time)"),
        required=False,
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"invalid": _("Type a date and time, like 2026-03-01 09:30.")},
    )

    class Meta:
        model = ReminderSettings
        fields = [
            "paused",
            "email_enabled",
            "push_enabled",
            "diary_enabled",
            "diary_time",
            "medicine_times",
            "taper_enabled",
            "labs_every_weeks",
            "next_visit_at",
            "notice_time",
            "quiet_start",
            "quiet_end",
        ]
        widgets = {name: TimeInput() for name in TIME_FIELDS}
        error_messages = dict.fromkeys(TIME_FIELDS, TIME_ERROR) | {
            "labs_every_weeks": {
                "min_value": _("Type a number of weeks from 1 to 52."),
                "max_value": _("Type a number of weeks from 1 to 52."),
                "invalid": _("Type a whole number of weeks, like 4."),
            }
        }
        help_texts = {
            "diary_time": _("Skipped on days the diary is already filled in."),
            "taper_enabled": _("For example: “From tomorrow: prednisone 25 mg once a day”."),
            "labs_every_weeks": _(
                "Counted from the last lab result in the diary. Ask your care team how often; "
                "leave empty for none."
            ),
            "notice_time": _("For dose changes, visits (the day before) and lab tests."),
            "quiet_end": _("Reminders that fall in quiet hours are sent when they end."),
        }

    def __init__(self, *args, patient: Patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        if not push_enabled():  # no VAPID keys on this site: push is off
            del self.fields["push_enabled"]
        self.fields["next_visit_at"].help_text = _(
            "In the diary's time zone (%(zone)s). The day before, you get a reminder to print "
            "or share the visit summary."
        ) % {"zone": patient.time_zone.replace("_", " ")}
        if not self.is_bound:
            self.initial["medicine_times"] = ", ".join(self.instance.medicine_times or [])
            if self.instance.next_visit_at:
                self.initial["next_visit_at"] = timezone.localtime(
                    self.instance.next_visit_at, patient.tz
                ).replace(tzinfo=None)

    def clean_medicine_times(self) -> list[str]:
        text = self.cleaned_data.get("medicine_times") or ""
        parts = [part.strip() for part in re.split(r"[,;\s]+", text) if part.strip()]
        found = set()
        for part in parts:
            match = TIME_PATTERN.match(part)
            if not match:
                raise forms.ValidationError(
                    _("“%(part)s” is not a time. Type times like 08:00, 20:00."),
                    params={"part": part[:12]},
                )
            found.add(time(int(match[1]), int(match[2])).strftime("%H:%M"))
        if len(found) > MOST_DOSE_TIMES:
            raise forms.ValidationError(
                _("Type at most %(most)s dose times — you typed %(count)s."),
                params={"most": MOST_DOSE_TIMES, "count": len(found)},
            )
        return sorted(found)

    def clean_next_visit_at(self) -> datetime | None:
        value = self.cleaned_data.get("next_visit_at")
        if value is None:
            return None
        # Typed in the diary's zone, whatever the server's.
        return timezone.make_aware(value.replace(tzinfo=None), self.patient.tz)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("quiet_start"), cleaned.get("quiet_end")
        if (start is None) != (end is None) and not self.errors.get("quiet_start"):
            missing = "quiet_end" if end is None else "quiet_start"
            self.add_error(missing, _("Type both times for quiet hours, or neither."))
        elif start is not None and start == end:
            self.add_error("quiet_end", _("Quiet hours must end at a different time."))
        channels = cleaned.get("email_enabled") or cleaned.get("push_enabled")
        if not channels and not cleaned.get("paused"):
            self.add_error(
                "email_enabled", _("Choose email or push notifications, or pause all reminders.")
            )
        return cleaned


class CalendarFeedForm(forms.Form):
    show_doses = forms.BooleanField(
        label=_("Show doses in my calendar"),
        required=False,
        help_text=_("Off by default: anyone who sees your calendar would see them."),
    )
