"""Log-out on a shared device, in Chromium (issues #15 and #14): the device's push subscription
is turned off on the server and in the browser, and the log-out response's Clear-Site-Data
empties the site's storage even when no script ran. (Two people taking turns with waiting diary
days: tests/browser/test_offline.py.)"""

import json

import pytest

from tests.browser.test_diary import log_in
from tests.browser.test_push import FAKE_PUSH_MANAGER, FCM_ENDPOINT, open_panel
from tests.factories import make_patient, make_user
from tests.push_service import FakeDevice, use_new_vapid_keys
from tracker.models import PushSubscription

pytestmark = pytest.mark.django_db(transaction=True)


def test_log_out_turns_push_off_on_the_device_and_on_the_server(browser, live_server, settings):
    use_new_vapid_keys(settings)
    person = make_user("push@example.org")
    make_patient(person, display_name="Mia")
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15000)
    context.grant_permissions(["notifications"], origin=live_server.url)
    page = context.new_page()
    page.add_init_script(
        FAKE_PUSH_MANAGER % (json.dumps(FakeDevice().keys()), json.dumps(FCM_ENDPOINT))
    )
    dropped = []
    page.expose_function("pushDropped", lambda: dropped.append(True))
    # Tell the test when the browser drops the subscription (the fake keeps it in localStorage).
    page.add_init_script(
        """(() => {
          const removeItem = Storage.prototype.removeItem;
          Storage.prototype.removeItem = function (name) {
            if (name === "fake-push") window.pushDropped();
            return removeItem.call(this, name);
          };
        })();"""
    )
    open_panel(page, person)
    page.get_by_role("button", name="Turn on notifications on this device").click()
    page.get_by_text("Notifications are on for this device.").wait_for()
    assert PushSubscription.objects.filter(user=person).count() == 1

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{live_server.url}/")

    assert not PushSubscription.objects.exists()
    assert dropped == [True]
    context.close()


FILL_THE_DEVICE = """async () => {
  await new Promise((resolve) => {
    const open = indexedDB.open("fsgs-offline", 1);
    open.onupgradeneeded = () => open.result.createObjectStore("waiting",
      {keyPath: "id", autoIncrement: true});
    open.onsuccess = () => {
      const done = open.result.transaction("waiting", "readwrite");
      done.objectStore("waiting").put({url: location.pathname, status: "waiting"});
      done.oncomplete = () => { open.result.close(); resolve(); };
    };
  });
  const cache = await caches.open("fsgs-private");
  await cache.put(location.pathname, new Response("a stored diary page"));
  localStorage.setItem("left-behind", "1");
}"""

STORAGE_LEFT = """async () => ({
  databases: (await indexedDB.databases()).map((db) => db.name),
  caches: await caches.keys(),
  local: localStorage.length,
})"""


def test_the_log_out_response_clears_the_device_when_no_script_does(browser, live_server):
    """form.submit() fires no submit event, so offline.js does not run; no service worker sees
    the request either (blocked here). Only the response's Clear-Site-Data clears the device."""
    parent = make_user("parent@example.org")
    make_patient(parent, display_name="Ola Offline")
    context = browser.new_context(base_url=live_server.url, service_workers="block")
    context.set_default_timeout(15000)
    page = context.new_page()
    log_in(page, parent)
    page.evaluate(FILL_THE_DEVICE)
    before = page.evaluate(STORAGE_LEFT)
    assert before == {"databases": ["fsgs-offline"], "caches": ["fsgs-private"], "local": 1}

    page.evaluate("() => document.querySelector('form[action=\"/accounts/logout/\"]').submit()")
    page.wait_for_url(f"{live_server.url}/")

    assert page.evaluate(STORAGE_LEFT) == {"databases": [], "caches": [], "local": 0}
    context.close()
