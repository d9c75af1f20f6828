"""Email confirmation at sign-up, and the emails that keep sign-up from revealing who has an
account (SECURITY.md "Logs, limits and outages": sign-up reveals nothing about which emails have
accounts).

The link carries a token like a password reset's, so no table is needed: an HMAC of the account's
id, email and confirmation state, with a time stamp. Confirming changes the state, so a link works
once; it works for CONFIRMATION_DAYS days.

Email subjects say nothing about health: a lock screen shows them.
"""

from datetime import datetime

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext as _

from fsgs_portal.accounts.language import language_of

CONFIRMATION_DAYS = 3


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "fsgs_portal.accounts.EmailConfirmationTokenGenerator"
    timeout_seconds = CONFIRMATION_DAYS * 24 * 3600

    def _make_hash_value(self, user, timestamp):
        confirmed = "" if user.email_confirmed_at is None else user.email_confirmed_at.isoformat()
        return f"{user.pk}|{user.email}|{confirmed}|{timestamp}"

    def check_token(self, user, token) -> bool:
        """As Django's check, with this generator's own lifetime (not PASSWORD_RESET_TIMEOUT)."""
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if self._num_seconds(self._now()) - ts > self.timeout_seconds:
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )

    def _now(self):
        return datetime.now()


confirmation_tokens = EmailConfirmationTokenGenerator()


def uid_for(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def confirmation_link(request, user) -> str:
    token = confirmation_tokens.make_token(user)
    path = reverse("email_confirm", kwargs={"uidb64": uid_for(user), "token": token})
    return request.build_absolute_uri(path)


def send_confirmation(request, user) -> None:
    """The link that finishes a new account, in the person's language."""
    with translation.override(language_of(user)):
        body = render_to_string(
            "registration/email_confirm_email.txt",
            {
                "link": confirmation_link(request, user),
                "days": CONFIRMATION_DAYS,
                "site": settings.SITE_NAME,
            },
        )
        send_mail(_("Confirm your email address"), body, None, [user.email])


def send_signup_attempt_notice(request, user) -> None:
    """To the owner of an address someone tried to sign up with: log in, or reset the password
    (a reset also confirms the address, see ConfirmingSetPasswordForm)."""
    reset_path = reverse(
        "password_reset_confirm",
        kwargs={"uidb64": uid_for(user), "token": default_token_generator.make_token(user)},
    )
    with translation.override(language_of(user)):  # the owner's language, not the visitor's
        body = render_to_string(
            "registration/signup_attempt_email.txt",
            {
                "email": user.email,
                "login_link": request.build_absolute_uri(reverse("login")),
                "reset_link": request.build_absolute_uri(reset_path),
                "site": settings.SITE_NAME,
            },
        )
        subject = _("Someone tried to sign up with your email address")
        send_mail(subject, body, None, [user.email])
