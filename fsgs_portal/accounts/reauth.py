"""Re-entering the password before sensitive changes (SECURITY.md "Accounts and sessions").

A form that grants or changes caregiver access carries a password field unless the password
was confirmed in this session in the last RECENT_SECONDS; deleting data always asks. The check
goes through authenticate(), so django-axes throttles guesses here as at log-in.
"""

import time

from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

CONFIRMED_AT_KEY = "password_confirmed_at"
RECENT_SECONDS = 10 * 60


def confirmed_recently(request) -> bool:
    confirmed_at = request.session.get(CONFIRMED_AT_KEY)
    return confirmed_at is not None and time.time() - confirmed_at < RECENT_SECONDS


def mark_confirmed(request) -> None:
    request.session[CONFIRMED_AT_KEY] = time.time()


class PasswordConfirmForm(forms.Form):
    """A form that asks for the user's password again when `ask_password` is on."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To keep the diary safe, enter your password again."),
    )

    def __init__(self, *args, request, ask_password: bool | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        if ask_password is None:
            ask_password = not confirmed_recently(request)
        self.ask_password = ask_password
        if not ask_password:
            del self.fields["password"]
        else:
            # Keep the password last, after the form's own fields.
            self.fields["password"] = self.fields.pop("password")

    def clean_password(self):
        password = self.cleaned_data["password"]
        user = self.request.user
        checked = authenticate(self.request, username=user.email, password=password)
        if checked is None or checked.pk != user.pk:
            raise forms.ValidationError(_("That is not your password. Please try again."))
        return password

    def confirmed(self) -> None:
        """Call after a valid submit: the next sensitive change in 10 minutes needs no password."""
        if self.ask_password:
            mark_confirmed(self.request)
