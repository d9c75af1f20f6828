"""Project-wide middleware: session lifetime and privacy headers."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.utils.cache import add_never_cache_headers

SESSION_STARTED_KEY = "session_started_at"
SESSION_SEEN_KEY = "session_seen_at"
# The idle time-out slides forward at most this often: saving the session on every request
# costs a database write (with fsync on SQLite) on every page.
SESSION_REFRESH_SECONDS = 60


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind PROXY_COUNT proxies the address the
    outermost of them saw (entries further left in X-Forwarded-For can be forged by the client).
    django-axes uses this too (AXES_CLIENT_IP_CALLABLE)."""
    proxies = settings.PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


class SessionLifetimeMiddleware:
    """End a signed-in session SESSION_ABSOLUTE_LIFETIME seconds after log-in, however active,
    and slide the idle time-out (SESSION_COOKIE_AGE) forward on activity, at most once a minute.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.setdefault(SESSION_STARTED_KEY, time.time())
            now = time.time()
            if now - started > settings.SESSION_ABSOLUTE_LIFETIME:
                logout(request)
            elif now - request.session.get(SESSION_SEEN_KEY, 0) > SESSION_REFRESH_SECONDS:
                request.session[SESSION_SEEN_KEY] = now  # saved, so the expiry moves on
        return self.get_response(request)


class PrivacyHeadersMiddleware:
    """Permissions-Policy on every response; no caching of anything a signed-in user sees."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
