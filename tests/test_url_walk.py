"""Deny by default: walk every URL pattern as an anonymous visitor."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

# Pages anyone may open. Everything else must send an anonymous visitor to log in.
PUBLIC = {
    "home",
    "healthz",
    "robots_txt",
    "service_worker",  # /sw.js: the same static script for everyone (issue #15)
    "signup",
    "signup_done",  # the same "check your email" page for every address
    "email_confirm",  # a token in the path; wrong or used: 404
    "email_confirm_resend",  # answers the same for any address
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    "admin:login",
    "invitation_accept",  # says "log in or sign up" without telling who invited whom
    "clinician_summary",  # a token in the path; unknown, expired or revoked: 404
    "clinician_summary_pdf",
    "calendar_feed",  # a token in the path; unknown or revoked: 404
    "reminder_unsubscribe",  # a signed token in the path; a bad one: 404
}
PUBLIC_PREFIXES = ("education:",)

SAMPLE_KWARGS = {
    "pid": "A" * 12,
    "day": "2025-03-01",
    "uidb64": "MQ",
    "token": "set-password",
    "slug": "what-is-fsgs",
}


def walk(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def sample_url(name, pattern):
    keys = pattern.pattern.converters or pattern.pattern.regex.groupindex
    kwargs = {key: SAMPLE_KWARGS.get(key, "1") for key in keys}
    if name.startswith("admin:") and "app_label" in kwargs:
        kwargs["app_label"] = "tracker"
    if "object_id" in kwargs:
        kwargs["object_id"] = "1"
    if "model_name" in kwargs:
        kwargs["model_name"] = "patient"
    return reverse(name, kwargs=kwargs)


ALL_ROUTES = sorted(set(walk()))


def test_the_walk_finds_the_routes():
    names = {name for name, _ in ALL_ROUTES}
    assert {"home", "diary", "patient_diary", "patient_create", "profile"} <= names


@pytest.mark.parametrize(("name", "pattern"), ALL_ROUTES, ids=[n for n, _ in ALL_ROUTES])
def test_anonymous_visitors_reach_only_public_pages(client, name, pattern):
    url = sample_url(name, pattern)
    response = client.get(url)
    is_public = name in PUBLIC or name.startswith(PUBLIC_PREFIXES)
    if is_public:
        assert response.status_code in (200, 302, 404, 405), name
        if response.status_code == 302:
            assert "/accounts/login/" not in response["Location"] or name == "admin:index"
    else:
        assert response.status_code == 302, name
        assert response["Location"].startswith(("/accounts/login/", "/admin/login/")), name
