"""Sharing: invitations, roles, deleting a patient, clinician links (each asks for the password)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fsgs_portal.accounts.reauth import PasswordConfirmForm
from tracker.forms.fields import DateInput
from tracker.forms.summary import check_period
from tracker.models import (
    CLINICIAN_LINK_MAX_DAYS,
    Patient,
    Role,
)

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
