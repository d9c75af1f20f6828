"""Notifications on this device: the page, subscribe / unsubscribe / send a test (JSON, CSRF,
each user only their own subscriptions), and the service worker at /sw.js."""

import json

import pytest
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse

from tests.push_service import HEALTH_WORDS, FakeDevice, FakePushService, use_new_vapid_keys
from tracker.models import PushSubscription

pytestmark = pytest.mark.django_db

ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
FCM = "https://fcm.googleapis.com/fcm/send/"


@pytest.fixture
def vapid(settings):
    return use_new_vapid_keys(settings)


def subscription_json(endpoint: str, device: FakeDevice | None = None) -> dict:
    """What PushSubscription.toJSON() gives in a browser."""
    return {"endpoint": endpoint, "expirationTime": None, "keys": (device or FakeDevice()).keys()}


def post_json(client, name: str, data) -> object:
    return client.post(
        reverse(name),
        json.dumps(data),
        content_type="application/json",
        headers={"user-agent": ANDROID_CHROME},
    )


def test_the_page_offers_the_panel_with_the_servers_public_key(client_for, owner, vapid):
    response = client_for(owner).get(reverse("notifications"))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="push-panel"' in page
    assert f'data-public-key="{vapid}"' in page
    assert "js/push.js" in page
    assert "Turn on notifications on this device" in page


def test_without_server_keys_the_panel_has_no_key_to_subscribe_with(client_for, owner, settings):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""

    page = client_for(owner).get(reverse("notifications")).content.decode()

    assert 'data-public-key=""' in page
    assert "This site is not set up to send notifications yet." in page
    assert "Reminders by email work on every device." in page


def test_the_account_page_links_to_notifications(client_for, owner):
    page = client_for(owner).get(reverse("profile")).content.decode()

    assert reverse("notifications") in page


def test_the_page_lists_only_the_users_own_devices(client_for, owner, stranger, vapid):
    PushSubscription.objects.create(user=owner, endpoint=FCM + "mine", user_agent="Firefox on Mac")
    PushSubscription.objects.create(
        user=stranger, endpoint=FCM + "theirs", user_agent="Edge on Windows"
    )

    page = client_for(owner).get(reverse("notifications")).content.decode()

    assert "Firefox on Mac" in page
    assert "Edge on Windows" not in page


def test_subscribing_stores_the_browsers_subscription(client_for, owner, vapid):
    device = FakeDevice()

    response = post_json(client_for(owner), "push_subscribe", subscription_json(FCM + "1", device))

    assert response.status_code == 200
    assert response.json()["ok"] is True
    stored = PushSubscription.objects.get()
    assert (stored.user, stored.endpoint) == (owner, FCM + "1")
    assert (stored.p256dh, stored.auth) == (device.keys()["p256dh"], device.keys()["auth"])
    assert stored.user_agent == "Chrome on Android"


def test_subscribing_again_refreshes_the_keys(client_for, owner, vapid):
    client = client_for(owner)
    post_json(client, "push_subscribe", subscription_json(FCM + "1"))
    PushSubscription.objects.update(last_error="The push service answered with error 500.")
    fresh = FakeDevice()

    post_json(client, "push_subscribe", subscription_json(FCM + "1", fresh))

    stored = PushSubscription.objects.get()
    assert stored.p256dh == fresh.keys()["p256dh"]
    assert stored.last_error == ""


def test_a_browser_shared_by_two_people_reminds_the_one_who_turned_it_on_last(
    client_for, owner, stranger, vapid
):
    PushSubscription.objects.create(user=owner, endpoint=FCM + "shared", **FakeDevice().keys())

    post_json(client_for(stranger), "push_subscribe", subscription_json(FCM + "shared"))

    assert PushSubscription.objects.get().user == stranger


def test_a_person_keeps_at_most_ten_devices_the_newest(client_for, owner, vapid):
    client = client_for(owner)
    for number in range(12):
        post_json(client, "push_subscribe", subscription_json(f"{FCM}{number}"))

    kept = set(PushSubscription.objects.values_list("endpoint", flat=True))
    assert kept == {f"{FCM}{number}" for number in range(2, 12)}


@pytest.mark.parametrize(
    "data",
    [
        subscription_json("http://127.0.0.1:8000/internal"),
        subscription_json("https://push.example.org/abc"),
        {"endpoint": FCM + "1", "keys": {"p256dh": "short", "auth": "short"}},
        {"endpoint": FCM + "1"},
        ["not", "an", "object"],
        "not json at all",
    ],
    ids=["local address", "unknown service", "bad keys", "no keys", "a list", "text"],
)
def test_a_subscription_the_server_cannot_use_is_refused(client_for, owner, vapid, data):
    client = client_for(owner)
    if isinstance(data, str):
        response = client.post(reverse("push_subscribe"), data, content_type="application/json")
    else:
        response = post_json(client, "push_subscribe", data)

    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert response.json()["message"]
    assert not PushSubscription.objects.exists()


def test_subscribing_while_push_is_off_is_refused(client_for, owner, settings):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""

    response = post_json(client_for(owner), "push_subscribe", subscription_json(FCM + "1"))

    assert response.status_code == 409
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize("name", ["push_subscribe", "push_unsubscribe", "push_test"])
def test_the_endpoints_take_only_post(client_for, owner, vapid, name):
    assert client_for(owner).get(reverse(name)).status_code == 405


@pytest.mark.parametrize("name", ["push_subscribe", "push_unsubscribe", "push_test"])
def test_the_endpoints_need_the_csrf_token(owner, vapid, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")

    response = post_json(client, name, subscription_json(FCM + "1"))

    assert response.status_code == 403
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize("name", ["notifications", "push_subscribe", "push_test"])
def test_anonymous_visitors_are_sent_to_log_in(client, name):
    response = client.post(reverse(name)) if name != "notifications" else client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_unsubscribing_removes_this_devices_subscription(client_for, owner, vapid):
    PushSubscription.objects.create(user=owner, endpoint=FCM + "1", **FakeDevice().keys())
    PushSubscription.objects.create(user=owner, endpoint=FCM + "2", **FakeDevice().keys())

    response = post_json(client_for(owner), "push_unsubscribe", {"endpoint": FCM + "1"})

    assert response.json()["ok"] is True
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [FCM + "2"]


def test_nobody_can_unsubscribe_someone_elses_device(client_for, owner, stranger, vapid):
    theirs = PushSubscription.objects.create(user=owner, endpoint=FCM + "1", **FakeDevice().keys())
    client = client_for(stranger)

    post_json(client, "push_unsubscribe", {"endpoint": FCM + "1"})
    client.post(reverse("push_unsubscribe"), {"device": theirs.pk})

    assert PushSubscription.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize(
    ("next_page", "back_to"),
    [("", "/accounts/notifications/"), ("/diary/", "/diary/"), ("https://evil.example/", None)],
)
def test_the_device_list_removes_a_device_without_javascript(
    client_for, owner, vapid, next_page, back_to
):
    mine = PushSubscription.objects.create(user=owner, endpoint=FCM + "1", **FakeDevice().keys())

    response = client_for(owner).post(
        reverse("push_unsubscribe"), {"device": mine.pk, "next": next_page}
    )

    assert response.status_code == 302
    assert response["Location"] == (back_to or reverse("notifications"))
    assert not PushSubscription.objects.exists()


def test_send_a_test_reaches_each_of_the_users_devices_and_nobody_else(
    client_for, owner, stranger, vapid
):
    device = FakeDevice()
    with FakePushService() as service:
        mine = service.url("/ok/mine")
        PushSubscription.objects.create(
            user=owner, endpoint=mine, user_agent="Safari on Mac", **device.keys()
        )
        PushSubscription.objects.create(
            user=stranger, endpoint=service.url("/ok/theirs"), **FakeDevice().keys()
        )

        response = client_for(owner).post(reverse("push_test"))

    answer = response.json()
    assert (answer["ok"], answer["sent"], answer["errors"]) == (True, 1, [])
    assert answer["message"] == "Test sent to 1 device."
    [request] = service.received
    assert request.path == "/ok/mine"
    payload = device.decrypt(request.body)
    assert set(payload) == {"title", "body", "url"}
    assert payload["url"] == reverse("notifications")
    assert not HEALTH_WORDS.search(payload["title"] + payload["body"])


def test_send_a_test_says_what_went_wrong(client_for, owner, vapid):
    with FakePushService() as service:
        broken = service.url("/broken/1")
        keys = FakeDevice().keys()
        PushSubscription.objects.create(
            user=owner, endpoint=broken, user_agent="Safari on Mac", **keys
        )

        answer = client_for(owner).post(reverse("push_test")).json()

    assert answer["ok"] is False
    assert answer["message"] == (
        "Test sent to 0 devices. Safari on Mac: The push service answered with error 500."
    )


def test_the_service_worker_is_served_from_the_root_for_anyone(client):
    response = client.get(reverse("service_worker"))

    assert reverse("service_worker") == "/sw.js"
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    # The push listeners are the first script the worker imports (static URL of this release).
    first_line = next(
        line for line in response.content.decode().splitlines() if "importScripts" in line
    )
    assert static("js/sw-push.js") in first_line
