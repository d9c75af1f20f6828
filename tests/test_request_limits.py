"""Bounded requests (fsgs_portal/limits.py): a body over REQUEST_MAX_BYTES is refused with
413 from its Content-Length before anything reads it; a body of unknown length with 411.
tests/test_gunicorn.py sends the same through a real gunicorn."""

import io

import pytest
from django.conf import settings
from django.urls import reverse

from fsgs_portal.redirects import LoginView

pytestmark = pytest.mark.django_db

HUGE = 200 * 1024 * 1024


class RecordingStream(io.BytesIO):
    """wsgi.input that remembers whether anyone read it."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.reads = 0

    def read(self, *args):
        self.reads += 1
        return super().read(*args)

    def readline(self, *args):
        self.reads += 1
        return super().readline(*args)


@pytest.fixture
def view_must_not_run(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the view ran")

    monkeypatch.setattr(LoginView, "dispatch", refuse)


def post(client, length: str | None, body: bytes = b"username=a&password=b", **extra):
    stream = RecordingStream(body)
    environ = {"wsgi.input": stream, **extra}
    if length is not None:
        environ["CONTENT_LENGTH"] = length
    response = client.generic(
        "POST", reverse("login"), content_type="application/x-www-form-urlencoded", **environ
    )
    return response, stream


def test_a_200_mb_body_is_refused_unread(client, view_must_not_run):
    response, stream = post(client, str(HUGE))
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")
    assert "too much" in response.content.decode()
    assert stream.reads == 0


def test_just_over_the_limit_is_refused_and_at_the_limit_is_let_through(client, settings):
    settings.REQUEST_MAX_BYTES = 1000
    assert post(client, "1001")[0].status_code == 413
    response, _stream = post(client, "21", b"username=a&password=b")
    assert response.status_code == 200  # the log-in page again: wrong password


def test_a_body_without_a_length_is_refused_unread(client, view_must_not_run):
    response, stream = post(client, None, HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 411
    assert stream.reads == 0


def test_a_nonsense_length_is_a_bad_request(client, view_must_not_run):
    assert post(client, "lots")[0].status_code == 400


def test_the_limit_is_the_first_middleware():
    assert settings.MIDDLEWARE[0] == "fsgs_portal.limits.RequestSizeLimitMiddleware"


def test_body_limits_are_set_on_purpose():
    import_limit = 2 * 1024 * 1024  # the diary import's own limit (tracker forms)
    assert import_limit < settings.REQUEST_MAX_BYTES <= 10 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == settings.REQUEST_MAX_BYTES
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= settings.REQUEST_MAX_BYTES
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 1
