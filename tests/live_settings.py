"""Settings for the real gunicorn that tests/test_gunicorn.py starts: production settings, with
plain static storage (the tests run no collectstatic) and no HTTPS redirect (plain HTTP)."""

from fsgs_portal.settings import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
