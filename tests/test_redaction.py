"""One rule blanks secrets in every logged path (SECURITY.md "Logs, limits and outages"):
fsgs_portal.redaction, used by the portal's access log, gunicorn's logger and Django's request
loggers. Every URL with a secret kwarg is found from the URLconf, so a new one is covered."""

import logging
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from fsgs_portal.gunicorn_logger import RedactingLogger
from fsgs_portal.redaction import (
    BLANK,
    SECRET_KWARGS,
    RedactPathsFilter,
    redact_path,
    redact_request_line,
)

SECRET = "s3cretT0ken_abcdefghijklmnopqrstuvwxyz012345"
SECRET_LIKE = ("token", "key", "secret", "sig", "code", "uid", "hash")


def named_patterns(resolvers=None, namespace=""):
    """(view name, kwarg names) of every named URL in the URLconf."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", list(entry.pattern.converters)


def secret_urls():
    return [
        (name, kwargs)
        for name, kwargs in named_patterns()
        if any(kwarg in SECRET_KWARGS for kwarg in kwargs)
    ]


def test_the_token_urls_are_found():
    names = {name for name, _kwargs in secret_urls()}
    assert {
        "clinician_summary",
        "clinician_summary_pdf",
        "invitation_accept",
        "password_reset_confirm",
        "calendar_feed",
        "reminder_unsubscribe",
    } <= names


def test_no_url_kwarg_looks_secret_without_being_blanked():
    for name, kwargs in named_patterns():
        for kwarg in kwargs:
            if any(word in kwarg.lower() for word in SECRET_LIKE):
                assert kwarg in SECRET_KWARGS or kwarg.endswith("_token"), (name, kwarg)


@pytest.mark.parametrize(("name", "kwargs"), secret_urls())
def test_every_token_url_is_blanked_made_up_token_or_not(name, kwargs):
    values = {kwarg: (SECRET if kwarg in SECRET_KWARGS else "x1") for kwarg in kwargs}
    path = reverse(name, kwargs=values)
    for variant in (path, path + "?paper=a4", path + "nothing-here/deeper"):
        redacted = redact_path(variant)
        assert SECRET not in redacted
        assert BLANK in redacted


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/c/abc123/summary.pdf?paper=a4", "/c/[token]/summary.pdf?paper=a4"),
        ("/accounts/reset/MQ/set-password/", "/accounts/reset/[token]/[token]/"),
        ("/invitations/abc%2Ddef/", "/invitations/[token]/"),
        (
            "/accounts/login/?next=/invitations/abc/&email=sam%40example.org",
            "/accounts/login/?next=/invitations/[token]/&email=[token]",
        ),
        (f"/calendar/{'c' * 43}.ics", "/calendar/[token]"),
        ("/learn/?q=foam", "/learn/?q=foam"),
        ("/patients/ab12/diary/", "/patients/ab12/diary/"),
        ("/no/such/page", "/no/such/page"),
    ],
)
def test_redact_path(path, expected):
    assert redact_path(path) == expected


def test_a_request_line_is_redacted_and_anything_else_kept():
    assert redact_request_line("GET /c/abc/ HTTP/1.1") == "GET /c/[token]/ HTTP/1.1"
    assert redact_request_line("something else") == "something else"


class Captured(logging.Handler):
    """Formats each record as it arrives, on the logger itself (before the root's handlers)."""

    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture
def captured():
    handler = Captured()
    loggers = [logging.getLogger(name) for name in ("django.request", "django.security.csrf")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


def test_django_s_not_found_warning_prints_no_token(client, captured, db):
    assert client.get(f"/c/{SECRET}/").status_code == 404
    assert f"Not Found: /c/{BLANK}/" in captured.lines
    assert SECRET not in " ".join(captured.lines)


def test_django_s_csrf_warning_prints_no_token(db, captured):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert client.post(f"/invitations/{SECRET}/").status_code == 403
    assert any(f"/invitations/{BLANK}/" in line for line in captured.lines)
    assert SECRET not in " ".join(captured.lines)


def test_the_console_handler_redacts_whatever_reaches_it():
    from django.conf import settings

    assert "redact_paths" in settings.LOGGING["handlers"]["console"]["filters"]


def test_the_filter_redacts_runserver_s_request_line():
    line = f"GET /c/{SECRET}/ HTTP/1.1"
    args = (line, 404, 9)
    record = logging.LogRecord("django.server", logging.INFO, "", 0, '"%s" %s %s', args, None)
    assert RedactPathsFilter().filter(record)
    assert record.getMessage() == '"GET /c/[token]/ HTTP/1.1" 404 9'


class FakeResponse:
    status = "404 Not Found"
    sent = 9
    headers = ()


def test_gunicorn_s_atoms_are_redacted():
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/c/{SECRET}/?next=/c/{SECRET}/",
        "PATH_INFO": f"/c/{SECRET}/",
        "QUERY_STRING": f"next=/c/{SECRET}/&token={SECRET}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://portal.example/invitations/{SECRET}/",
    }
    logger = RedactingLogger.__new__(RedactingLogger)
    atoms = logger.atoms(FakeResponse(), [], environ, timedelta(milliseconds=3))
    for key in ("r", "U", "q", "f", "{raw_uri}e", "{path_info}e", "{query_string}e"):
        assert SECRET not in str(atoms[key]), key
        assert BLANK in str(atoms[key]), key
    assert atoms["r"] == "GET /c/[token]/?next=/c/[token]/ HTTP/1.1"
