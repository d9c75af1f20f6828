from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm, SetPasswordForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fsgs_portal.accounts.models import User


class SignupForm(BaseUserCreationForm):
    """Email and password; the password rules are AUTH_PASSWORD_VALIDATORS (12+ characters).

    Whether the email already has an account is not checked here: the form must answer the
    same either way (the sign-up view sends that person an email instead)."""

    class Meta:
        model = User
        fields = ("email", "name")
        help_texts = {"name": _("Optional. How the portal greets you.")}

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def validate_unique(self):
        """Skipped: "this email is taken" would tell anyone who has an account."""


class LoginForm(AuthenticationForm):
    """Log-in, for confirmed addresses only. The "confirm first" message shows only after the
    right password, so it tells nothing to someone who does not have it."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "unconfirmed": _(
            "Please confirm your email address first: open the link we emailed you when you "
            "signed up."
        ),
    }
    unconfirmed = False

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.email_confirmed_at is None:
            self.unconfirmed = True
            raise forms.ValidationError(self.error_messages["unconfirmed"], code="unconfirmed")


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class ConfirmingSetPasswordForm(SetPasswordForm):
    """A password reset proves the address, as the confirmation link does: it confirms an
    account that was not confirmed yet (for example, one someone else started with this
    address: the reset also replaces their password)."""

    def save(self, commit=True):
        if self.user.email_confirmed_at is None:
            self.user.email_confirmed_at = timezone.now()
        return super().save(commit=commit)


class LanguageForm(forms.ModelForm):
    """The portal's language for this account: pages, emails, alerts and reminders."""

    class Meta:
        model = User
        fields = ("language",)
        labels = {"language": _("Language")}
        help_texts = {
            "language": _(
                "Pages, emails and reminders use this language. The visit summary "
                "has its own choice on its page."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["language"]
        field.required = True
        field.choices = [(code, name) for code, name in field.choices if code]
