"""Project-wide middleware: session lifetime and privacy headers."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.utils.cache import add_never_cache_headers

SESSION_STARTED_KEY = "session_started_at"


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
    """End a signed-in session SESSION_ABSOLUTE_LIFETIME seconds after log-in, however active.

    The idle time-out is Django's own (SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.setdefault(SESSION_STARTED_KEY, time.time())
            if time.time() - started > settings.SESSION_ABSOLUTE_LIFETIME:
                logout(request)
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
