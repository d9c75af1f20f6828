"""The interface language of a signed-in person follows their account (User.language).

Visitors keep their choice in the language cookie (set by /i18n/setlang/) and the first visit
follows the browser's Accept-Language (Django's LocaleMiddleware). Once signed in, the account
wins: its language is activated on every request and written into the cookie, so logging in on
a new device brings the person's language with them, and the cookie agrees after they log out.
"""

from django.conf import settings
from django.utils import translation


def account_language(request) -> str:
    """The signed-in person's chosen language, or "" (a visitor, or no choice made yet)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    language = user.language
    return language if language in dict(settings.LANGUAGES) else ""


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
        # Read again: logging in (or choosing a language) happens inside this request.
        language = account_language(request)
        cookie = settings.LANGUAGE_COOKIE_NAME
        if language and request.COOKIES.get(cookie) != language and cookie not in response.cookies:
            set_language_cookie(response, language)
        return response
