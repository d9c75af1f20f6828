"""Settings for the FSGS Portal, all from the environment (see README.md "Configuration").

Defaults suit a developer's checkout: SQLite in the project folder. Production sets DATABASE_URL,
SECRET_KEY and ALLOWED_HOSTS and runs with DEBUG off (the default).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool = False) -> bool:
    value = os.getenv(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.getenv(name) or default)


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (os.getenv(name) or default).split(",") if item.strip()]


DEBUG = envbool("DEBUG")
SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set the SECRET_KEY environment variable (required when DEBUG is off)."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_NAME = os.getenv("SITE_NAME", "FSGS Portal")

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "fsgs_portal",
    "fsgs_portal.accounts",
    "education",
    "tracker",
]

MIDDLEWARE = [
    # First: a body over REQUEST_MAX_BYTES is refused (413) before anything reads it.
    "fsgs_portal.limits.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed for the browsers that ask (a 270-day summary page: 58 KB -> 14 KB). Django
    # pads each response against BREACH, and CSRF tokens are masked per response.
    "django.middleware.gzip.GZipMiddleware",
    # Database down: a 503 page with Retry-After and one log line per interval (fsgs_portal/
    # outage.py). Before the session and auth middleware, which use the database too.
    "fsgs_portal.outage.DatabaseOutageMiddleware",
    # Django's, but a session save refused by the database is the 503 page, not a 400.
    "fsgs_portal.outage.SessionMiddleware",
    # Django's LocaleMiddleware, but only guide pages take their language from the URL.
    "fsgs_portal.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in person's language is their account's (fsgs_portal/accounts/language.py).
    "fsgs_portal.accounts.language.AccountLanguageMiddleware",
    "fsgs_portal.middleware.SessionLifetimeMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "fsgs_portal.middleware.PrivacyHeadersMiddleware",
    # After the view: logs caregivers' looks at patient pages and every change (AccessLog).
    "tracker.middleware.AccessLogMiddleware",
    # After a log-in or sign-up, back to a pending invitation (tracker/invitations.py, issue #11).
    "tracker.invitations.InvitationResumeMiddleware",
    # Last, as django-axes asks: it turns a locked-out log-in into its own response.
    "axes.middleware.AxesMiddleware",
]

# Request bodies, bounded on purpose (SECURITY.md "Logs, limits and outages"). The largest
# body is a 2 MB diary import; REQUEST_MAX_BYTES refuses anything over 3 MB unread
# (fsgs_portal/limits.py), uploads stay in memory up to that size (no health data in temporary
# files), form fields (not files) may total 1 MB, and a form has at most 1,000 fields and 1 file.
REQUEST_MAX_BYTES = envint("REQUEST_MAX_BYTES", 3 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 1

ROOT_URLCONF = "fsgs_portal.urls"
WSGI_APPLICATION = "fsgs_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fsgs_portal.context_processors.site",
                "tracker.context_processors.my_patients",
            ],
        },
    },
]

# Database: SQLite file by default; PostgreSQL in production through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
SQLITE_OPTIONS = {
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at the
    # start of a transaction so two writers queue instead of failing with "database is locked".
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
    # Tests use a file too (not memory), so concurrency behaves as in production.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "diary"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

# Log-in throttling (fsgs_portal/throttle.py): failures are counted for one account from one
# address, for one address across accounts and for one account across addresses, each with
# its own limit; the count locks log-ins for the cool-off, which runs from the failure that
# locked (tries during a lock do not extend it); then the right password works again.
LOGIN_THROTTLE = [
    (["username", "ip_address"], envint("AXES_FAILURE_LIMIT", 5)),
    (["ip_address"], envint("AXES_ADDRESS_FAILURE_LIMIT", 30)),
    (["username"], envint("AXES_ACCOUNT_FAILURE_LIMIT", 15)),
]
AXES_LOCKOUT_PARAMETERS = [params for params, _limit in LOGIN_THROTTLE]
AXES_FAILURE_LIMIT = LOGIN_THROTTLE[0][1]
AXES_HANDLER = "fsgs_portal.throttle.ThrottleHandler"
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15))
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "fsgs_portal.throttle.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # the log-in form field, though the user model keys on email
# Reverse proxies in front: the client address is the PROXY_COUNT-th X-Forwarded-For entry from
# the right. One function finds it for throttling and the access log (django-ipware is not
# installed, so without this axes would see only the proxy's address).
PROXY_COUNT = envint("PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "fsgs_portal.middleware.client_address"
AXES_VERBOSE = False

# Sessions: 30 minutes idle time-out (sliding), and at most 12 hours from log-in.
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = False  # SessionLifetimeMiddleware slides it, once a minute at most
SESSION_ABSOLUTE_LIFETIME = envint("SESSION_ABSOLUTE_HOURS", 12) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Transport security: on unless DEBUG (the TLS proxy sets X-Forwarded-Proto).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 63072000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # The web app manifest (static/manifest.webmanifest); the service worker itself is a
        # script from this origin, allowed by script-src (worker-src falls back to it).
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Internationalisation: every user-facing string is marked for translation.
LANGUAGE_CODE = "en"
# Each language named in itself: a reader looks for their own language's name.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "fsgs_portal" / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# Static files, served by whitenoise with hashed names.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Email: console in development, SMTP from the environment in production.
EMAIL_BACKEND = os.getenv(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "FSGS Portal <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Web Push (tracker/push.py): VAPID keys from `python manage.py vapid_keys`. Without both keys
# push is off, and the notifications panel says so and offers email instead.
VAPID_PUBLIC_KEY = os.getenv("VAPID_PUBLIC_KEY", "").strip()
VAPID_PRIVATE_KEY = os.getenv("VAPID_PRIVATE_KEY", "").strip()
# Push services write to VAPID_SUBJECT when something goes wrong: "mailto:you@example.org".
VAPID_SUBJECT = os.getenv("VAPID_SUBJECT", "").strip()
if VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY and not VAPID_SUBJECT.startswith(("mailto:", "https:")):
    raise ImproperlyConfigured("Set VAPID_SUBJECT to a mailto: or https: address for Web Push.")
# The server posts to the address a browser gives when it subscribes: only the push services
# browsers use (a leading dot: any subdomain), so a made-up address cannot aim it elsewhere.
PUSH_SERVICE_HOSTS = envlist(
    "PUSH_SERVICE_HOSTS",
    "fcm.googleapis.com,updates.push.services.mozilla.com,.push.apple.com,.notify.windows.com",
)
# Background work (DESIGN.md "Growing parts"): Django's tasks API through django-tasks, stored
# in the database by django-tasks-db, so nothing but the database is needed. Workers run
# `manage.py db_worker`; `manage.py run_reminders` finds due reminders every minute (README).
TASKS = {
    "default": {
        "BACKEND": os.getenv("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# The site's address for links in emails and calendar feeds (no request there to build it from).
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Django's request loggers print the path ("Not Found: /c/<token>/"): tokens blanked first,
    # by the rule every log uses (fsgs_portal/redaction.py).
    "filters": {"redact_paths": {"()": "fsgs_portal.redaction.RedactPathsFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_paths"]},
    },
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"filters": ["redact_paths"]},
        "django.security.csrf": {"filters": ["redact_paths"]},
        "django.server": {
            "handlers": ["console"],
            "filters": ["redact_paths"],
            "level": "INFO",
            "propagate": False,
        },
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO; its warnings (a refused URL) still show.
        "weasyprint": {"level": "WARNING"},
    },
}
