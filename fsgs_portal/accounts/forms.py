from django import forms
from django.contrib.auth.forms import BaseUserCreationForm
from django.utils.translation import gettext_lazy as _

from fsgs_portal.accounts.models import User


class SignupForm(BaseUserCreationForm):
    """Email and password; the password rules are AUTH_PASSWORD_VALIDATORS (12+ characters)."""

    class Meta:
        model = User
        fields = ("email", "name")
        help_texts = {"name": _("Optional. How the portal greets you.")}

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("An account with this email already exists. Log in, or reset your password.")
            )
        return email
