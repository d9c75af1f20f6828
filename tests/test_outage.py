"""Database outage: a 503 page with Retry-After, one log line per interval, and recovery
(SECURITY.md "Logs, limits and outages"). The database is "down" when every attempt to use the
connection raises OperationalError, as Django raises it for an unreachable PostgreSQL or an
unopenable SQLite file; this works on both."""

import logging
import sqlite3
from datetime import timedelta

import psycopg
import pytest
import time_machine
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fsgs_portal import outage

pytestmark = pytest.mark.django_db

MESSAGE = "Nothing you saved is lost. Please try again in a minute."


@pytest.fixture(autouse=True)
def fresh_outage_log(monkeypatch):
    monkeypatch.setattr(outage, "outage_log", outage.OutageLog())


@pytest.fixture
def database_down(monkeypatch):
    """Every use of the connection fails until `back()` is called."""

    def refuse(*args, **kwargs):
        raise OperationalError("connection to server failed: Connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refuse)

    class Switch:
        @staticmethod
        def back():
            monkeypatch.undo()

    return Switch


@pytest.fixture
def browser():
    # Django's test client re-raises an exception that reached handler500; a browser sees the page.
    return Client(raise_request_exception=False)


def outage_lines(caplog):
    return [r for r in caplog.records if r.name == "fsgs_portal.outage"]


def assert_outage_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "The diary is unavailable for a moment" in page
    assert MESSAGE in page
    assert "Server Error" not in page


def test_a_signed_in_person_gets_the_503_page_when_the_session_lookup_fails(
    browser, owner, patient, monkeypatch
):
    browser.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    monkeypatch.setattr(connection, "ensure_connection", _refuse)
    response = browser.get(reverse("diary"))
    assert_outage_page(response)
    # The person stays signed in: the session cookie is neither deleted nor replaced.
    assert "sessionid" not in response.cookies


def _refuse(*args, **kwargs):
    raise OperationalError("connection to server failed: Connection refused")


def test_a_view_that_fails_on_the_database_answers_503_without_a_traceback(
    guides, browser, database_down, caplog
):
    with caplog.at_level(logging.INFO):
        response = browser.get(reverse("education:index"))
    assert_outage_page(response)
    assert not [r for r in caplog.records if r.exc_info]
    assert not [r for r in caplog.records if r.name == "django.request"]


def test_anonymous_visitors_to_the_diary_still_go_to_log_in_and_pages_that_need_data_say_503(
    browser, database_down
):
    response = browser.get(reverse("diary"))
    assert response.status_code == 302  # deciding that needs no database
    assert response["Location"].startswith(reverse("login"))
    response = browser.post(
        reverse("login"), {"username": "owner@example.org", "password": "whatever it is"}
    )
    assert_outage_page(response)


def test_the_outage_is_logged_once_per_interval_with_a_count_then_once_on_recovery(
    browser, owner, patient, caplog
):
    browser.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    with caplog.at_level(logging.INFO), time_machine.travel(timezone.now(), tick=False) as clock:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(connection, "ensure_connection", _refuse)
            for _ in range(20):
                assert browser.get(reverse("diary")).status_code == 503
            assert len(outage_lines(caplog)) == 1
            clock.shift(timedelta(seconds=outage.LOG_INTERVAL_SECONDS + 1))
            for _ in range(5):
                assert browser.get(reverse("diary")).status_code == 503
            lines = outage_lines(caplog)
            assert len(lines) == 2
            assert "20 request(s) answered 503 since the last line" in lines[1].getMessage()
        # The database is back: the next request works, with no restart.
        response = browser.get(reverse("diary"))
    assert response.status_code in (200, 302)
    lines = outage_lines(caplog)
    assert len(lines) == 3
    assert "reachable again" in lines[2].getMessage()
    assert "25 request(s)" in lines[2].getMessage()
    assert all(r.levelno == logging.WARNING and not r.exc_info for r in lines)
    assert not [r for r in caplog.records if r.name == "django.request"]
    # Further requests log nothing more.
    browser.get(reverse("diary"))
    assert len(outage_lines(caplog)) == 3


def test_a_request_that_needs_no_database_does_not_count_as_recovery(browser, database_down):
    outage.outage_log.refused(OperationalError("down"))
    assert browser.get(reverse("robots_txt")).status_code == 200
    assert outage.outage_log.down


def test_healthz_still_answers_503(client, database_down):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "error"


def test_other_errors_get_the_friendly_500_page(browser, monkeypatch, settings):
    settings.DEBUG = False

    def broken(request):
        raise RuntimeError("a bug")

    monkeypatch.setattr("fsgs_portal.views.render", lambda *a, **k: broken(None))
    response = browser.get(reverse("home"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert 'href="/"' in page


def test_the_500_page_renders_with_no_context_at_all():
    from django.template import loader

    page = loader.get_template("500.html").render()
    assert "Something went wrong on our side" in page
    assert "FSGS Portal" in page


def test_a_missing_page_gets_the_friendly_404_page(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "We cannot find this page" in page
    assert 'href="/"' in page


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("server closed the connection unexpectedly"),
        InterfaceError("connection already closed"),
        sqlite3.OperationalError("unable to open database file"),
        psycopg.OperationalError("connection failed: Connection refused"),
    ],
    ids=["django-operational", "django-interface", "sqlite3", "psycopg"],
)
def test_each_kind_of_connection_error_from_a_view_gets_the_503_page(browser, monkeypatch, error):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr("fsgs_portal.views.render", fail)
    assert_outage_page(browser.get(reverse("home")))


def test_nothing_after_the_503_touches_the_database(browser, monkeypatch):
    """A view that changed the session and added a message before the database went away: the
    503 page is answered once, with no session save (its cookie is not even set)."""
    from django.contrib import messages

    def view_then_outage(request, *args, **kwargs):
        request.session["draft"] = "kept in the browser only"
        messages.info(request, "a message that would be stored")
        monkeypatch.setattr(connection, "ensure_connection", _refuse)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("fsgs_portal.views.render", view_then_outage)
    response = browser.get(reverse("home"))
    assert_outage_page(response)
    assert outage.outage_log.refused_total == 1
    assert "sessionid" not in response.cookies
    assert "messages" not in response.cookies


def test_a_session_save_the_database_refuses_is_the_503_page_not_a_400(
    browser, owner, patient, monkeypatch, settings, caplog
):
    # Found by the two-server load test: the database went down between the view and the session
    # save, and Django answered 400 "the session was deleted". It is an outage.
    from django.contrib.sessions.backends.base import UpdateError
    from django.contrib.sessions.backends.db import SessionStore

    browser.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    settings.SESSION_SAVE_EVERY_REQUEST = True

    def refused_update(self, must_create=False):
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError:
            raise UpdateError from None

    monkeypatch.setattr(SessionStore, "save", refused_update)
    with caplog.at_level(logging.WARNING):
        response = browser.get(reverse("diary"))
    assert_outage_page(response)
    assert len(outage_lines(caplog)) == 1


def test_a_session_interrupted_for_another_reason_is_still_a_400(
    browser, owner, patient, monkeypatch, settings
):
    from django.contrib.sessions.backends.base import UpdateError
    from django.contrib.sessions.backends.db import SessionStore

    browser.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    settings.SESSION_SAVE_EVERY_REQUEST = True

    def deleted_meanwhile(self, must_create=False):
        raise UpdateError

    monkeypatch.setattr(SessionStore, "save", deleted_meanwhile)
    assert browser.get(reverse("diary")).status_code == 400
