"""Web Push (RFC 8030, payloads encrypted per RFC 8291, VAPID per RFC 8292) through pywebpush.

`send_push` posts one small message to each browser a user turned notifications on in. A lock
screen is public (SECURITY.md), so the payload is only {title, body, url}: callers pass words like
"Time for Mia's diary", never readings, doses or results; the details are behind the link.

A subscription the push service calls gone (404 or 410) is deleted; any other failure is
returned in PushResult.errors and kept on the subscription (last_error), so the reminder worker can
retry with back-off and the person can see what went wrong. Network failures never raise.
"""

import base64
import binascii
import json
import logging
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from py_vapid import Vapid

logger = logging.getLogger(__name__)

# A reminder still helps some hours late (a phone that was off overnight), not a day later.
PUSH_TTL_SECONDS = 12 * 60 * 60
# (connect, read) seconds: the "send a test" button waits for this, so it stays short.
PUSH_TIMEOUT_SECONDS = (3.05, 5)
GONE_STATUSES = {404, 410}
GONE = object()  # deliver(): the push service forgot this subscription, and so do we


@dataclass
class PushResult:
    sent: int = 0
    removed: int = 0
    errors: list[str] = field(default_factory=list)


def push_enabled() -> bool:
    """True when the server has VAPID keys (settings.VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY)."""
    return bool(settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY)


def send_push(user, *, title: str, body: str, url: str) -> PushResult:
    """Send {title, body, url} to every push subscription of `user`.

    `url` is a path on this site ("/patients/…/diary/"); the service worker opens only those.
    With push off (no VAPID keys) nothing is sent and nothing is an error: retrying cannot help.
    """
    if not url.startswith("/") or url.startswith("//"):
        raise ValueError(f"A push links to a path on this site, not {url!r}")
    result = PushResult()
    subscriptions = list(user.push_subscriptions.all()) if push_enabled() else []
    if not subscriptions:
        return result
    payload = json.dumps({"title": title, "body": body, "url": url})
    try:
        vapid = Vapid.from_string(settings.VAPID_PRIVATE_KEY)
    except (ValueError, binascii.Error):
        logger.error("VAPID_PRIVATE_KEY is not a key made by `manage.py vapid_keys`")
        result.errors.append(_("The server's push keys are not valid."))
        return result
    with requests.Session() as session:
        for subscription in subscriptions:
            problem = deliver(subscription, payload, vapid, session)
            if problem is None:
                result.sent += 1
            elif problem is GONE:
                result.removed += 1
            else:
                result.errors.append(f"{subscription.user_agent or _('A device')}: {problem}")
    return result


def deliver(subscription, payload: str, vapid: Vapid, session: requests.Session):
    """Post one payload; None when the push service took it, GONE when it deleted the row, else
    the problem in words (also kept on the row)."""
    # Imported here: pywebpush brings aiohttp, a quarter of a second at every web process's start.
    from pywebpush import WebPushException, webpush

    try:
        webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=payload,
            vapid_private_key=vapid,
            # A new dict each time: webpush() writes the endpoint's origin ("aud") into it.
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            ttl=PUSH_TTL_SECONDS,
            timeout=PUSH_TIMEOUT_SECONDS,
            headers={"Urgency": "normal"},
            requests_session=session,
        )
    except WebPushException as error:
        if error.status_code in GONE_STATUSES:
            subscription.delete()
            return GONE
        if error.status_code is None:
            problem = _("This device's subscription is not valid. Turn notifications on again.")
        else:
            problem = _("The push service answered with error %(status)s.") % {
                "status": error.status_code
            }
    except requests.RequestException as error:
        logger.warning("Push service unreachable: %s", type(error).__name__)
        problem = _("The push service could not be reached.")
    else:
        subscription.last_success = timezone.now()
        subscription.last_error = ""
        subscription.save(update_fields=["last_success", "last_error"])
        return None
    subscription.last_error = problem[:200]
    subscription.last_error_at = timezone.now()
    subscription.save(update_fields=["last_error", "last_error_at"])
    return problem


# What a browser sends when it subscribes, checked before the server ever posts to it -------------


def endpoint_allowed(endpoint: str) -> bool:
    """An https address on one of settings.PUSH_SERVICE_HOSTS (".push.apple.com": any
    subdomain). The server will post to it, so it must not point anywhere else."""
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host or parts.username or parts.password:
        return False
    for allowed in settings.PUSH_SERVICE_HOSTS:
        allowed = allowed.lower()
        if host == allowed or (allowed.startswith(".") and host.endswith(allowed)):
            return True
    return False


def decode_base64url(text: str) -> bytes | None:
    if not re.fullmatch(r"[A-Za-z0-9_-]+=*", text or ""):
        return None
    try:
        return base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))
    except (ValueError, binascii.Error):
        return None


def keys_valid(p256dh: str, auth: str) -> bool:
    """p256dh: a P-256 public key, uncompressed (65 bytes); auth: a 16-byte secret."""
    public = decode_base64url(p256dh)
    secret = decode_base64url(auth)
    if public is None or secret is None or len(public) != 65 or len(secret) != 16:
        return False
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), public)
    except ValueError:
        return False
    return True


BROWSERS = [("Edg/", "Edge"), ("SamsungBrowser", "Samsung Internet"), ("Firefox/", "Firefox")]
BROWSERS += [("CriOS", "Chrome"), ("Chrome/", "Chrome"), ("Safari/", "Safari")]
SYSTEMS = [("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows")]
SYSTEMS += [("Macintosh", "Mac"), ("CrOS", "ChromeOS"), ("Linux", "Linux")]


def device_label(user_agent: str) -> str:
    """'Chrome on Android' from a User-Agent header: enough for a person to tell their devices
    apart in the list, and nothing more is kept."""
    browser = next((name for mark, name in BROWSERS if mark in user_agent), _("A browser"))
    system = next((name for mark, name in SYSTEMS if mark in user_agent), None)
    if system is None:
        return browser
    return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
