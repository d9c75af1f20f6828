"""Notifications on this device, in Chromium with notification permission granted.

What this Chromium cannot do, and why: `pushManager.subscribe()` cannot succeed here, for two
reasons found by trying. A Playwright context (browser.new_context) is an off-the-record profile,
like an incognito window, and Chromium has no Push API there: subscribe() fails at once with
"AbortError: Registration failed - permission denied" and the console says "Chrome currently does
not support the Push API in incognito mode (https://crbug.com/41124656)", whatever
grant_permissions says. In a normal profile (launch_persistent_context, with notifications allowed
in its Preferences) subscribe() starts but never settles: Chromium's push service is Google's
(FCM, through the browser's GCM driver), which must check in with Google's servers, and this
machine cannot reach them (tried without --disable-background-networking: 40 s, no answer). So:

1. the real path runs as far as it can: the permission is granted, /sw.js registers and becomes
   active, subscribe() is called with the server's key, and the page says it could not, offering
   email instead;
2. with only PushManager's two methods replaced (by a script that answers as Chromium's would,
   with real P-256 keys and an FCM address), the page's own code stores the subscription: a
   PushSubscription row appears, and "Turn off on this device" removes it;
3. the service worker's push handler is driven through DevTools (ServiceWorker.deliverPushMessage,
   as the Application panel's "Push" button does): the notification shows the payload's title and
   body, and a link to another site becomes this site's home page.
"""

import base64
import json

import pytest

from tests.browser.conftest import VIEWPORTS, PageProblems, assert_accessible
from tests.browser.test_diary import log_in
from tests.factories import make_patient, make_user
from tests.push_service import FakeDevice, use_new_vapid_keys
from tracker.models import Patient, PushSubscription

pytestmark = pytest.mark.django_db(transaction=True)

FCM_ENDPOINT = "https://fcm.googleapis.com/fcm/send/browser-test-device"

# PushManager as Chromium's would answer, had it a push service: one subscription per page.
FAKE_PUSH_MANAGER = """
(() => {
  const keys = %s;
  let current = null;
  const toBytes = (text) => Uint8Array.from(
    atob(text.replace(/-/g, "+").replace(/_/g, "/") + "==".slice(0, (4 - text.length %% 4) %% 4)),
    (c) => c.charCodeAt(0));
  function subscription() {
    return {
      endpoint: %s,
      expirationTime: null,
      getKey: (name) => toBytes(keys[name]).buffer,
      toJSON() { return { endpoint: this.endpoint, expirationTime: null, keys }; },
      unsubscribe() {
        current = null;
        localStorage.removeItem("fake-push");
        return Promise.resolve(true);
      },
    };
  }
  if (localStorage.getItem("fake-push")) current = subscription();
  PushManager.prototype.subscribe = function (options) {
    const key = new Uint8Array(options.applicationServerKey);
    window.pushServerKey = btoa(String.fromCharCode(...key));
    window.pushUserVisibleOnly = options.userVisibleOnly;
    current = subscription();
    localStorage.setItem("fake-push", "1");
    return Promise.resolve(current);
  };
  PushManager.prototype.getSubscription = function () { return Promise.resolve(current); };
})();
"""


@pytest.fixture
def vapid(settings):
    return use_new_vapid_keys(settings)


@pytest.fixture
def granted(browser, live_server):
    """A desktop page whose origin may show notifications."""
    context = browser.new_context(viewport=VIEWPORTS["desktop"], base_url=live_server.url)
    context.set_default_timeout(15000)
    context.grant_permissions(["notifications"], origin=live_server.url)
    page = context.new_page()
    page.problems = PageProblems(page)
    yield page
    context.close()


@pytest.fixture
def person(live_server):
    user = make_user("push@example.org", name="Pat Push")
    make_patient(user, display_name="Mia")
    return user


def open_panel(page, user, where="notifications"):
    """The panel on the account's notifications page, or on a diary's reminders page."""
    log_in(page, user)
    if where == "reminders":
        patient = Patient.objects.get(access__user=user)
        page.goto(f"/patients/{patient.public_id}/reminders/")
    else:
        page.goto("/accounts/notifications/")
    page.locator("#push-panel").wait_for(state="visible")


def status(page):
    return page.locator("[data-push-status]")


def test_real_chromium_asks_its_push_service_and_the_page_offers_email_when_it_fails(
    granted, person, vapid
):
    open_panel(granted, person)
    assert granted.evaluate("Notification.permission") == "granted"
    status(granted).get_by_text("Notifications are off on this device.").wait_for()
    assert_accessible(granted)

    granted.get_by_role("button", name="Turn on notifications on this device").click()

    granted.get_by_text("This browser could not turn on notifications.").wait_for()
    assert "AbortError" in granted.locator("#push-panel").get_attribute("data-push-error")
    scope = granted.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope == granted.evaluate("location.origin") + "/"
    assert granted.get_by_role("button", name="Turn on notifications on this device").is_visible()
    assert not PushSubscription.objects.exists()
    incognito = "does not support the Push API in incognito mode"
    assert any(incognito in error for error in granted.problems.errors)
    granted.problems.errors = [e for e in granted.problems.errors if incognito not in e]
    assert_accessible(granted)


@pytest.mark.parametrize("where", ["reminders", "notifications"])
def test_the_page_stores_the_subscription_and_turns_it_off_again(granted, person, vapid, where):
    device = FakeDevice()
    granted.add_init_script(
        FAKE_PUSH_MANAGER % (json.dumps(device.keys()), json.dumps(FCM_ENDPOINT))
    )
    open_panel(granted, person, where)

    granted.get_by_role("button", name="Turn on notifications on this device").click()

    granted.get_by_text("Notifications are on for this device.").wait_for()
    stored = PushSubscription.objects.get()
    assert (stored.user, stored.endpoint) == (person, FCM_ENDPOINT)
    assert (stored.p256dh, stored.auth) == (device.keys()["p256dh"], device.keys()["auth"])
    assert "Chrome" in stored.user_agent
    sent_key = base64.b64decode(granted.evaluate("window.pushServerKey"))
    assert sent_key == base64.urlsafe_b64decode(vapid + "=" * (-len(vapid) % 4))
    assert granted.evaluate("window.pushUserVisibleOnly") is True
    assert granted.get_by_role("button", name="Send a test").is_visible()
    assert_accessible(granted)

    granted.reload()  # still on after a reload, and listed as a device
    granted.get_by_text("Notifications are on for this device.").wait_for()
    assert granted.locator(".push-devices strong", has_text=stored.user_agent).is_visible()

    granted.get_by_role("button", name="Turn off on this device").click()

    granted.get_by_text("Notifications are off on this device.").wait_for()
    assert not PushSubscription.objects.exists()


# Waits in the page (evaluate awaits a promise; wait_for_function would take one as truthy).
FIRST_NOTIFICATION = """async () => {
  const registration = await navigator.serviceWorker.ready;
  for (let tries = 0; tries < 400; tries += 1) {  // up to 20 s: a busy machine is slow
    const shown = await registration.getNotifications();
    if (shown.length) {
      shown.forEach((notification) => notification.close());
      const first = shown[0];
      return {title: first.title, body: first.body, url: first.data.url, count: shown.length};
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return null;
}"""


def deliver_push(page, payload: dict) -> dict | None:
    """Push `payload` to the page's service worker through DevTools; the notification it shows."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    cdp = page.context.new_cdp_session(page)
    registrations = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    for _ in range(100):  # the registration events arrive soon after enable()
        if registrations:
            break
        page.wait_for_timeout(50)
    [registration_id] = {r["registrationId"] for r in registrations if not r["isDeleted"]}
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": page.evaluate("location.origin"),
            "registrationId": registration_id,
            "data": json.dumps(payload),
        },
    )
    return page.evaluate(FIRST_NOTIFICATION)


@pytest.mark.parametrize(
    ("link", "opens"),
    [("/patients/abc/diary/", "/patients/abc/diary/"), ("https://example.org/phish", "/")],
    ids=["own page", "another site"],
)
def test_the_service_worker_shows_the_push_and_links_only_to_this_site(
    granted, person, vapid, link, opens
):
    open_panel(granted, person)

    shown = deliver_push(
        granted, {"title": "Time for Mia's diary", "body": "Tap to fill in today.", "url": link}
    )

    origin = granted.evaluate("location.origin")
    assert shown == {
        "title": "Time for Mia's diary",
        "body": "Tap to fill in today.",
        "url": origin + opens,
        "count": 1,
    }
    assert granted.problems.errors == []
