"""Which language a request is served in.

Guide URLs carry their language (/learn/… is English, /es/learn/… Spanish). Django's
LocaleMiddleware, once i18n_patterns are in use without a prefix for the default language,
serves every unprefixed page in LANGUAGE_CODE and ignores the language cookie and the browser's
choice; here only the guide pages are held to their URL, and every other page still follows the
cookie, then the browser (Accept-Language), then LANGUAGE_CODE.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

# Unprefixed paths whose language is the default one, because the prefixed twin is another.
DEFAULT_LANGUAGE_PATHS = ("/learn/",)


def language_for(request) -> str:
    from_path = translation.get_language_from_path(request.path_info)
    if from_path:
        return from_path
    if request.path_info.startswith(DEFAULT_LANGUAGE_PATHS):
        return settings.LANGUAGE_CODE
    return translation.get_language_from_request(request, check_path=False)


class LanguageMiddleware(LocaleMiddleware):
    """LocaleMiddleware with the rule above; responses are handled as Django's are."""

    def process_request(self, request):
        translation.activate(language_for(request))
        request.LANGUAGE_CODE = translation.get_language()
