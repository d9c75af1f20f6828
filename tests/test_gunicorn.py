"""A real gunicorn with the production config (fsgs_portal/gunicorn.conf.py) over the test
database (SECURITY.md "Logs, limits and outages"): no token reaches its access log or Django's
request log, and a body over the limit is refused from its Content-Length, unread."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import connection
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import make_patient, make_user
from tracker.models import ClinicianLink, Invitation, Role

# Committed rows, so the server's own connection sees them; transactional tests run last
# (conftest), so both tests here run together and share one server.
pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(settings.BASE_DIR)
# As README.md says to run it in production.
CONFIG = "fsgs_portal/gunicorn.conf.py"
COMMAND = [sys.executable, "-m", "gunicorn", "-c", CONFIG, "fsgs_portal.wsgi"]
MADE_UP = "madeUpToken_0123456789abcdefghijklmnopqrstuv"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """The test database this process uses, for the server to share."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "")
    password = quote(db["PASSWORD"] or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{auth}{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="module")
def server(django_db_setup, tmp_path_factory):
    """gunicorn on a free port, one worker; yields (port, access log path, output path)."""
    port = free_port()
    folder = tmp_path_factory.mktemp("gunicorn")
    access_log, output = folder / "access.log", folder / "output.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.live_settings",
        "DATABASE_URL": database_url(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "1",
        "GUNICORN_ACCESS_LOG": str(access_log),
        "REQUEST_MAX_BYTES": str(3 * 1024 * 1024),
    }
    with output.open("wb") as out:
        process = subprocess.Popen(
            COMMAND,
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 15
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    assert process.poll() is None, output.read_text()
                    assert time.monotonic() < deadline, output.read_text()
                    time.sleep(0.1)
            yield port, access_log, output
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=15)


def get(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def test_no_token_reaches_gunicorn_s_or_django_s_logs(server):
    port, access_log, output = server
    owner = make_user("owner@example.org")
    patient = make_patient(owner, display_name="Pat Patient", birth_date=date(1980, 5, 1))
    today = patient.today()
    _link, link_token = ClinicianLink.issue(patient, today, today, 7, owner)
    _invitation, invitation_token = Invitation.issue(
        patient, "helper@example.org", Role.VIEW, owner
    )
    uid = urlsafe_base64_encode(force_bytes(owner.pk))
    reset_token = default_token_generator.make_token(owner)
    secrets = [link_token, invitation_token, reset_token, MADE_UP]
    visits = {
        f"/c/{link_token}/": 200,
        f"/c/{MADE_UP}/": 404,
        f"/c/{MADE_UP}/summary.pdf": 404,
        f"/c/{MADE_UP}/no-such-page": 404,
        f"/invitations/{invitation_token}/": 200,  # links to log in, ?next= the invitation
        f"/invitations/{MADE_UP}/": 404,
        f"/accounts/login/?next=/invitations/{invitation_token}/": 200,
        f"/accounts/reset/{uid}/{reset_token}/": 302,  # to .../set-password/
        f"/accounts/reset/{uid}/{MADE_UP}/": 200,  # "this link has expired"
    }
    statuses = {path: get(port, path) for path in visits}
    assert statuses == visits
    time.sleep(0.2)  # gunicorn writes the access line after the response
    logged = access_log.read_text()
    assert logged.count("[token]") >= len(visits)
    assert "/c/[token]/" in logged
    assert "/invitations/[token]/" in logged
    assert "/accounts/reset/[token]/[token]/" in logged
    printed = output.read_text()
    assert "Not Found: /c/[token]/" in printed  # Django's own warning, redacted
    for secret in secrets:
        assert secret not in logged
        assert secret not in printed


def test_gunicorn_refuses_a_huge_body_unread(server):
    port, access_log, _output = server
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 209715200\r\n\r\nusername=a&password=b"
        )
        started = time.monotonic()
        reply = sock.recv(4096).decode()
    assert reply.startswith("HTTP/1.1 413")
    assert time.monotonic() - started < 5  # answered without waiting for 200 MB
    assert get(port, "/healthz") == 200  # the one worker thread is free again
    time.sleep(0.2)
    assert '"POST /accounts/login/ HTTP/1.1" 413' in access_log.read_text()
