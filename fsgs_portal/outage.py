"""When the database cannot be reached: a plain 503 page, never a bare "Server Error (500)", and
one log line per interval instead of a traceback per request (SECURITY.md "Logs, limits and
outages").

Two ways in, because a database error can be raised in two places:
- in a view: DatabaseOutageMiddleware.process_exception answers it;
- in middleware (the session lookup, the signed-in user's lookup): Django turns the exception into
  its handler500 response, and `server_error` (handler500 in fsgs_portal/urls.py) answers it.
Both build the same response with `outage_response`, which first makes sure nothing after it
touches the database: the user is set to anonymous, the session is marked untouched (not saved,
its cookie kept) and pending messages are dropped. The page is rendered without a request, so no
context processor runs.

Recovery needs nothing: the next request opens a new connection. The log says so once.
"""

import logging
import sqlite3
import sys
import threading
import time

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions import middleware as sessions_middleware
from django.contrib.sessions.exceptions import SessionInterrupted
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger("fsgs_portal.outage")

# Errors that mean "the database cannot be reached or cannot answer now". Django wraps the
# drivers' errors (psycopg's, sqlite3's) in its own, connection failures included; the drivers'
# own classes are listed too, for one that escapes the wrapping.
DATABASE_DOWN_ERRORS: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    sqlite3.OperationalError,
    sqlite3.InterfaceError,
)
try:
    import psycopg
except ImportError:  # pragma: no cover - SQLite-only installs
    pass
else:
    DATABASE_DOWN_ERRORS += (psycopg.OperationalError, psycopg.InterfaceError)
RETRY_AFTER_SECONDS = 30
LOG_INTERVAL_SECONDS = 30


class OutageLog:
    """One WARNING when the outage starts, then at most one per interval with the number of
    requests refused since the last line, and one when a request reaches the database again.
    Per process (each gunicorn worker keeps its own count); no traceback."""

    def __init__(self, interval: float = LOG_INTERVAL_SECONDS):
        self.interval = interval
        self.lock = threading.Lock()
        self.down = False
        self.started = 0.0
        self.last_line = 0.0
        self.refused_since_line = 0
        self.refused_total = 0

    def refused(self, error: Exception) -> None:
        with self.lock:
            now = time.time()
            self.refused_since_line += 1
            self.refused_total += 1
            if self.down and now - self.last_line < self.interval:
                return
            if not self.down:
                self.down = True
                self.started = now
            logger.warning(
                "Database unavailable (%s): %d request(s) answered 503 since the last line, "
                "%d since the outage began %.0f s ago.",
                type(error).__name__,
                self.refused_since_line,
                self.refused_total,
                now - self.started,
            )
            self.last_line = now
            self.refused_since_line = 0

    def recovered(self) -> None:
        with self.lock:
            if not self.down:
                return
            logger.warning(
                "Database reachable again after %.0f s; %d request(s) were answered 503.",
                time.time() - self.started,
                self.refused_total,
            )
            self.down = False
            self.refused_since_line = 0
            self.refused_total = 0


outage_log = OutageLog()


def is_database_down(error: BaseException | None) -> bool:
    return isinstance(error, DATABASE_DOWN_ERRORS)


def quiet_request(request) -> None:
    """Make sure the middleware the response still passes through does not reach for the
    database: no user lookup, no session save (the cookie stays: the person stays signed in),
    no messages stored."""
    request.user = AnonymousUser()
    session = getattr(request, "session", None)
    if session is not None:
        session.modified = False
        session.accessed = False
    if hasattr(request, "_messages"):
        del request._messages


def outage_response(request, error: Exception) -> HttpResponse:
    """The 503 page: plain words, Retry-After, never cached."""
    outage_log.refused(error)
    if request is not None:
        quiet_request(request)
    body = loader.get_template("503.html").render(
        {"SITE_NAME": settings.SITE_NAME, "retry_after": RETRY_AFTER_SECONDS}
    )
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    response.database_outage = True
    # Counted above; Django's request logger would add a traceback per request.
    response._has_been_logged = True
    return response


def server_error(request) -> HttpResponse:
    """handler500: the 503 page when the cause is the database, else the friendly 500 page
    (rendered without a request: whatever failed may fail again)."""
    error = sys.exc_info()[1]
    if is_database_down(error):
        return outage_response(request, error)
    body = loader.get_template("500.html").render({"SITE_NAME": settings.SITE_NAME})
    return HttpResponseServerError(body)


class DatabaseOutageMiddleware:
    """Answers a database error raised in a view with the 503 page, and notices the first
    request that reaches the database again after an outage (for the log). Place it before
    SessionMiddleware so it wraps every middleware that may use the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not outage_log.down:
            return self.get_response(request)
        reached = []

        def watch(execute, sql, params, many, context):
            result = execute(sql, params, many, context)
            reached.append(True)
            return result

        with connection.execute_wrapper(watch):
            response = self.get_response(request)
        if reached and not getattr(response, "database_outage", False):
            outage_log.recovered()
        return response

    def process_exception(self, request, exception):
        if is_database_down(exception):
            return outage_response(request, exception)
        return None


class SessionMiddleware(sessions_middleware.SessionMiddleware):
    """Django's session middleware, except that a session save the database refuses is the 503
    page. Django turns a failed update into SessionInterrupted, a 400 that tells the person their
    session "was deleted"; when the database went down between the view and the save, that is an
    outage, not something they did (seen in the two-server load test during a restart)."""

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except SessionInterrupted as interrupted:
            # SessionInterrupted <- UpdateError <- the database's own error.
            update_error = interrupted.__context__
            database_error = getattr(update_error, "__context__", None)
            if is_database_down(database_error):
                return outage_response(request, database_error)
            raise
