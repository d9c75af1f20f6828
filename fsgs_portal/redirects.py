"""Where to go after a form: the one helper every view that reads `?next=` uses. Only a path
on this site is followed ("/patients/…"); anything else (a bare word, "//host", a full URL,
"javascript:…") sends the person to the default page instead, and never to a server error."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.i18n import set_language as django_set_language

REDIRECT_FIELD = "next"


def is_safe_local_path(target: str | None, request: HttpRequest) -> bool:
    """True for an absolute path on this site: starts with one "/", no scheme, no host,
    no backslash or control character a browser might read as another host."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(ord(char) < 32 or char == "\\" for char in target):
        return False
    return url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next(request: HttpRequest, default: str | None = None) -> str | None:
    """The `next` address (POST, else GET) when it is a safe local path, else `default`."""
    target = request.POST.get(REDIRECT_FIELD) or request.GET.get(REDIRECT_FIELD)
    return target if is_safe_local_path(target, request) else default


class SafeNextMixin:
    """For Django's LoginView and LogoutView: `next` goes through safe_next, so an unsafe one
    falls back to the view's own default (LOGIN_REDIRECT_URL, LOGOUT_REDIRECT_URL)."""

    def get_redirect_url(self):
        return safe_next(self.request, "")


class LoginView(SafeNextMixin, auth_views.LoginView):
    pass


class LogoutView(SafeNextMixin, auth_views.LogoutView):
    pass


def set_language(request: HttpRequest):
    """Django's set_language, with `next` kept to a safe local path; anything else goes to
    the home page. (Django checks the Referer it falls back to itself.) A signed-in person's
    choice is also saved in their account, so it follows them to other devices and emails."""
    for data in (request.GET, request.POST):
        if REDIRECT_FIELD in data and not is_safe_local_path(data[REDIRECT_FIELD], request):
            data._mutable = True
            data[REDIRECT_FIELD] = "/"
            data._mutable = False
    response = django_set_language(request)
    language = request.POST.get("language") if request.method == "POST" else None
    user = request.user
    choosing = user.is_authenticated and language in dict(settings.LANGUAGES)
    if choosing and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return response
