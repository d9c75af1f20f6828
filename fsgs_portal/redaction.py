"""One rule for paths in logs (SECURITY.md "Logs, limits and outages"): a secret in a URL
(a clinician link, an invitation, a password reset, any URL kwarg named `token`) is blanked
before the path is written anywhere. The portal's access log, gunicorn's access log and
Django's own request loggers all call `redact_path`, so a new token URL is covered once it
names its kwarg `token` (or `uidb64`), with no code of its own.

A path is resolved against the URLconf, so the rule follows the URLs rather than a copy of
them; a path that does not resolve (a made-up page under a token) is tried again without its
last parts, so `/c/<token>/nothing-here` is blanked too.
"""

import logging
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode

BLANK = "[token]"
# URL kwargs that open something without a password. uidb64 is not a secret on its own, but
# it names the account a reset link is for.
SECRET_KWARGS = frozenset({"token", "uidb64", "key", "signature"})
# Query parameters blanked wherever they appear; `next` holds a path, redacted in turn
# (a log-in page reached from an invitation carries the invitation's path).
SECRET_QUERY = frozenset({"token", "key", "signature", "sig", "code", "password", "email"})
NESTED_QUERY = frozenset({"next"})
PATH_SAFE = "/:@!$&'()*+,;=-._~[]"
MAX_LENGTH = 500
MAX_DEPTH = 8
# "GET /path?query HTTP/1.1", as runserver (django.server) and gunicorn's %(r)s write it.
REQUEST_LINE = re.compile(r"^(?P<head>\"?[A-Z]+ )(?P<uri>\S+)(?P<tail> HTTP/[0-9.]+\"?.*)$", re.S)


def _secret_values(path: str) -> set[str]:
    """The values of secret kwargs in the view this path resolves to; a path that does not
    resolve is tried as its shorter parents too (at most MAX_DEPTH parts deep)."""
    from django.urls import Resolver404, resolve

    def secrets_of(candidate: str) -> set[str] | None:
        try:
            match = resolve(candidate)
        except Resolver404:
            return None
        return {
            str(value)
            for name, value in match.kwargs.items()
            if (name in SECRET_KWARGS or name.endswith("_token")) and value
        }

    found = secrets_of(path)
    if found is not None:
        return found
    parts = path.split("/")
    found = set()
    for end in range(2, min(len(parts), MAX_DEPTH) + 1):
        candidate = "/".join(parts[:end])
        for attempt in (candidate, candidate + "/"):
            found |= secrets_of(attempt) or set()
    return found


def _redact_bare_path(raw_path: str) -> str:
    path = unquote(raw_path)
    try:
        secrets = _secret_values(path)
    except Exception:  # the URLconf could not load: keep only the first part, to be safe
        first = path.split("/")[1] if path.count("/") > 1 else ""
        return f"/{first}/{BLANK}" if first else quote(path, safe=PATH_SAFE)
    if secrets:
        parts = [BLANK if part in secrets else part for part in path.split("/")]
        path = "/".join(parts)
        for secret in secrets:  # a kwarg spanning parts (a `path` converter)
            if "/" in secret:
                path = path.replace(secret, BLANK)
    return quote(path, safe=PATH_SAFE)


def redact_query(query: str, depth: int = 0) -> str:
    """The query string with secret parameters blanked and `next` paths redacted."""
    if not query:
        return ""
    pairs = []
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name.lower() in SECRET_QUERY and value:
            value = BLANK
        elif name.lower() in NESTED_QUERY and value and depth < 2:
            value = redact_path(value, depth + 1)
        pairs.append((name, value))
    return urlencode(pairs, safe="/[]")


def redact_path(full_path: str, depth: int = 0) -> str:
    """A path with its optional query string, as it may be logged: secrets blanked.

    >>> redact_path("/c/abc123/summary.pdf?start=2025-01-01")
    '/c/[token]/summary.pdf?start=2025-01-01'
    """
    if full_path is None:
        return ""
    full_path = str(full_path)
    path, sep, query = full_path.partition("?")
    if path.startswith(("http://", "https://")):  # an absolute URI in a request line
        scheme, _, rest = path.partition("://")
        host, slash, rest = rest.partition("/")
        result = f"{scheme}://{host}" + (_redact_bare_path(slash + rest) if slash else "")
    elif path.startswith("/") and not path.startswith("//"):
        result = _redact_bare_path(path)
    else:
        result = quote(unquote(path), safe=PATH_SAFE)
    if sep:
        result += "?" + redact_query(query, depth)
    return result[:MAX_LENGTH]


def redact_request_line(line: str) -> str:
    """'GET /c/abc/ HTTP/1.1' -> 'GET /c/[token]/ HTTP/1.1'; anything else is left alone."""
    match = REQUEST_LINE.match(line or "")
    if not match:
        return line
    return match["head"] + redact_path(match["uri"]) + match["tail"]


def redact_text(value):
    """A log argument: a path or a request line is redacted, anything else kept."""
    if not isinstance(value, str):
        return value
    if value.startswith("/"):
        return redact_path(value)
    return redact_request_line(value)


class RedactPathsFilter(logging.Filter):
    """For django.request and django.server: their warnings ("Not Found: /c/<token>/",
    '"GET /c/<token>/ HTTP/1.1" 404') print the path; blank its secrets first."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact_text(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: redact_text(arg) for key, arg in record.args.items()}
        elif isinstance(record.msg, str) and not record.args:
            record.msg = redact_text(record.msg)
        return True
