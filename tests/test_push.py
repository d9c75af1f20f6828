"""tracker.push.send_push against a real local HTTP server standing in for the push service: the
payload is decrypted with the subscription's own keys, and the service's answers decide what
happens to each subscription."""

import base64
import socket
from io import StringIO

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.management import call_command
from py_vapid import Vapid

from tests.factories import make_user
from tests.push_service import HEALTH_WORDS, FakeDevice, FakePushService, use_new_vapid_keys
from tracker.models import PushSubscription
from tracker.push import (
    PUSH_TTL_SECONDS,
    device_label,
    endpoint_allowed,
    keys_valid,
    send_push,
)

pytestmark = pytest.mark.django_db

MESSAGE = {"title": "Time for Pat's diary", "body": "Tap to fill in today.", "url": "/diary/"}


@pytest.fixture
def vapid(settings):
    return use_new_vapid_keys(settings)


@pytest.fixture
def service():
    with FakePushService() as running:
        yield running


def subscribe(user, endpoint: str, device: FakeDevice | None = None) -> PushSubscription:
    device = device or FakeDevice()
    return PushSubscription.objects.create(
        user=user, endpoint=endpoint, user_agent="Chrome on Android", **device.keys()
    )


def test_the_payload_decrypts_to_title_body_and_url_only(owner, vapid, service):
    device = FakeDevice()
    subscribe(owner, service.url("/ok/1"), device)

    result = send_push(owner, **MESSAGE)

    assert (result.sent, result.removed, result.errors) == (1, 0, [])
    [request] = service.received
    payload = device.decrypt(request.body)
    assert payload == MESSAGE
    assert not HEALTH_WORDS.search(payload["title"] + payload["body"])
    assert owner.email not in request.body.decode("latin-1")


def test_the_request_is_signed_with_the_servers_vapid_key(owner, vapid, service):
    subscribe(owner, service.url("/ok/1"))

    send_push(owner, **MESSAGE)

    headers = {key.lower(): value for key, value in service.received[0].headers.items()}
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["ttl"] == str(PUSH_TTL_SECONDS)
    assert headers["authorization"].startswith("vapid t=")
    assert headers["authorization"].endswith(f"k={vapid}")


@pytest.mark.parametrize("answer", ["gone", "missing"])
def test_a_subscription_the_service_says_is_gone_is_removed(owner, vapid, service, answer):
    subscribe(owner, service.url(f"/{answer}/1"))

    result = send_push(owner, **MESSAGE)

    assert (result.sent, result.removed, result.errors) == (0, 1, [])
    assert not PushSubscription.objects.exists()


def test_a_server_error_is_returned_and_kept_on_the_subscription(owner, vapid, service):
    kept = subscribe(owner, service.url("/broken/1"))

    result = send_push(owner, **MESSAGE)

    assert (result.sent, result.removed) == (0, 0)
    assert len(result.errors) == 1
    assert "500" in result.errors[0]
    assert "Chrome on Android" in result.errors[0]
    kept.refresh_from_db()
    assert "500" in kept.last_error
    assert kept.last_error_at is not None
    assert kept.last_success is None


def test_each_subscription_gets_its_own_outcome(owner, vapid, service):
    working = subscribe(owner, service.url("/ok/1"))
    subscribe(owner, service.url("/gone/2"))
    subscribe(owner, service.url("/broken/3"))

    result = send_push(owner, **MESSAGE)

    assert (result.sent, result.removed, len(result.errors)) == (1, 1, 1)
    assert len(service.received) == 3
    working.refresh_from_db()
    assert working.last_success is not None
    assert working.last_error == ""
    assert PushSubscription.objects.count() == 2


def test_an_unreachable_push_service_is_an_error_not_an_exception(owner, vapid):
    with socket.socket() as probe:  # a port nothing listens on once the socket is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    kept = subscribe(owner, f"http://127.0.0.1:{port}/ok/1")

    result = send_push(owner, **MESSAGE)

    assert (result.sent, result.removed) == (0, 0)
    assert result.errors == ["Chrome on Android: The push service could not be reached."]
    kept.refresh_from_db()
    assert kept.last_error == "The push service could not be reached."


def test_only_the_users_own_devices_get_it(owner, stranger, vapid, service):
    subscribe(owner, service.url("/ok/owner"))
    subscribe(stranger, service.url("/ok/stranger"))

    result = send_push(owner, **MESSAGE)

    assert result.sent == 1
    assert [request.path for request in service.received] == ["/ok/owner"]


def test_without_vapid_keys_nothing_is_sent(owner, service, settings):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    subscribe(owner, service.url("/ok/1"))

    result = send_push(owner, **MESSAGE)

    assert (result.sent, result.removed, result.errors) == (0, 0, [])
    assert service.received == []


@pytest.mark.parametrize("url", ["https://example.org/", "//example.org/", "javascript:alert(1)"])
def test_a_push_links_only_to_this_site(owner, vapid, url):
    with pytest.raises(ValueError, match="path on this site"):
        send_push(owner, title="Hello", body="", url=url)


# What a browser sends when it subscribes ---------------------------------------------------------


@pytest.mark.parametrize(
    ("endpoint", "allowed"),
    [
        ("https://fcm.googleapis.com/fcm/send/abc", True),
        ("https://updates.push.services.mozilla.com/wpush/v2/abc", True),
        ("https://web.push.apple.com/QGn", True),
        ("https://wns2-par02p.notify.windows.com/w/?token=abc", True),
        ("http://fcm.googleapis.com/fcm/send/abc", False),  # not https
        ("https://fcm.googleapis.com.evil.example/abc", False),
        ("https://evilpush.apple.com.example/abc", False),
        ("https://user:pw@fcm.googleapis.com/abc", False),
        ("https://169.254.169.254/latest/meta-data", False),
        ("https://localhost/abc", False),
    ],
)
def test_only_known_push_services_are_accepted(endpoint, allowed):
    assert endpoint_allowed(endpoint) is allowed


def test_keys_must_be_a_p256_point_and_a_16_byte_secret():
    good = FakeDevice().keys()
    assert keys_valid(good["p256dh"], good["auth"])
    assert not keys_valid(good["p256dh"], good["auth"][:-4])
    assert not keys_valid(good["p256dh"][:-4], good["auth"])
    assert not keys_valid("B" + "A" * 86, good["auth"])  # 65 bytes, but not on the curve
    assert not keys_valid("not base64!", good["auth"])


@pytest.mark.parametrize(
    ("user_agent", "label"),
    [
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari on iPhone",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Firefox on Windows",
        ),
        ("", "A browser"),
    ],
)
def test_a_device_is_named_by_browser_and_system(user_agent, label):
    assert device_label(user_agent) == label


def test_vapid_keys_prints_a_working_pair():
    out = StringIO()
    call_command("vapid_keys", stdout=out)

    lines = dict(
        line.split("=", 1) for line in out.getvalue().splitlines() if not line.startswith("#")
    )
    public = base64.urlsafe_b64decode(lines["VAPID_PUBLIC_KEY"] + "==")
    signer = Vapid.from_string(lines["VAPID_PRIVATE_KEY"])
    assert signer.public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint) == public
    assert lines["VAPID_SUBJECT"].startswith("mailto:")
    second = StringIO()
    call_command("vapid_keys", stdout=second)
    assert lines["VAPID_PRIVATE_KEY"] not in second.getvalue()


def test_a_users_subscriptions_go_with_the_account(vapid):
    user = make_user()
    subscribe(user, "https://fcm.googleapis.com/fcm/send/1")

    user.delete()

    assert not PushSubscription.objects.exists()
