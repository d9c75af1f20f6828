"""The interface language of a signed-in person follows their account (User.language).

Visitors keep their choice in the language cookie (set by /i18n/setlang/) and the first visit
follows the browser's Accept-Language (Django's LocaleMiddleware). Once signed in, the account
wins: its language is activated on every request and written into the cookie, so logging in on
a new device brings the person's language with them, and the cookie agrees after they log out.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation

LOGIN_LANGUAGE = "account_language_at_login"


def account_language(request) -> str:
    """The signed-in person's chosen language, or "" (a visitor, or no choice made yet)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    language = user.language
    return language if language in dict(settings.LANGUAGES) else ""


def language_of(user, fallback: str | None = None) -> str:
    """The language to write to `user` in (emails, reminders, alerts): their account's, else
    `fallback`, else the active one (the request's; the site's in a background task)."""
    languages = dict(settings.LANGUAGES)
    for language in (getattr(user, "language", ""), fallback, translation.get_language()):
        if language in languages:
            return language
    return settings.LANGUAGE_CODE


def language_for_address(email: str, fallback: str | None = None) -> str:
    """The language to write to an email address in: its account's if it has one (an
    invitation to someone who already uses the portal), else as language_of."""
    from fsgs_portal.accounts.models import User

    user = User.objects.filter(email__iexact=email).only("language").first()
    return language_of(user, fallback)


def set_language_cookie(response, language: str) -> None:
    """The cookie Django's LocaleMiddleware and set_language read, with their settings."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class AccountLanguageMiddleware:
    """After AuthenticationMiddleware: a signed-in person sees their account's language, and
    the language cookie is brought in line with it (also on the response that logs them in)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = account_language(request)
        if language and language != translation.get_language():
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # Logging in happens inside this request: its response brings the account's language.
        language = getattr(request, LOGIN_LANGUAGE, "") or language
        cookie = settings.LANGUAGE_COOKIE_NAME
        if language and request.COOKIES.get(cookie) != language and cookie not in response.cookies:
            set_language_cookie(response, language)
        return response


@receiver(user_logged_in, dispatch_uid="fsgs_portal.accounts.language.language_at_log_in")
def language_at_log_in(sender, request, user, **kwargs):
    """Logging in switches to the account's language: at once for this request, and the
    middleware puts it in the cookie on the log-in's response."""
    if request is None or user.language not in dict(settings.LANGUAGES):
        return
    translation.activate(user.language)
    request.LANGUAGE_CODE = user.language
    setattr(request, LOGIN_LANGUAGE, user.language)
