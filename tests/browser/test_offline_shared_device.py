"""Offline on a shared device, in Chromium (issues #15 and #14). A day waiting on the device is
its person's: when someone else signs in on the same browser it is neither sent nor shown, and it
goes; when its own person signs in again after their session ended by itself, it is sent. At
log-out the device's push subscription is turned off, and the log-out response's Clear-Site-Data
empties the site's storage even when no script ran."""

import json
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.contrib.sessions.models import Session

from tests.browser.conftest import VIEWPORTS, PageProblems
from tests.browser.test_diary import log_in
from tests.browser.test_offline import log_day_offline, wait_for, waiting_entries
from tests.browser.test_push import FAKE_PUSH_MANAGER, FCM_ENDPOINT, open_panel
from tests.factories import grant_access, make_day, make_patient, make_user
from tests.push_service import FakeDevice, use_new_vapid_keys
from tracker.models import PushSubscription, Role

pytestmark = pytest.mark.django_db(transaction=True)

# Every stored copy of a page, as text: whose pages the device keeps.
STORED_PAGES = """async () => {
  const texts = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      texts.push(await (await cache.match(request)).text());
    }
  }
  return texts;
}"""


@pytest.fixture
def page(browser, live_server):
    """One phone-sized page, as in test_offline.py: one browser, shared by the family."""
    context = browser.new_context(viewport=VIEWPORTS["phone"], base_url=live_server.url)
    context.set_default_timeout(15000)
    page = context.new_page()
    page.problems = PageProblems(page)
    yield page
    context.close()


@pytest.fixture
def family(live_server, guides):
    """Ola's parent keeps the diary; a grandparent may edit it too, on the same phone."""
    parent = make_user("parent@example.org")
    patient = make_patient(parent, display_name="Ola Offline")
    make_day(patient, patient.today() - timedelta(days=1), parent, weight_kg=D("70.0"))
    grandparent = make_user("grandparent@example.org")
    grant_access(grandparent, patient, Role.EDIT, invited_by=parent)
    return parent, grandparent, patient


def session_ends_by_itself(page):
    """The idle time-out, as the server sees it: the session is gone; the page is left as it was."""
    Session.objects.all().delete()
    page.context.set_offline(False)
    page.wait_for_function("() => navigator.onLine")


def test_someone_else_signing_in_neither_sends_nor_shows_the_waiting_day_and_it_goes(page, family):
    parent, grandparent, patient = family
    log_in(page, parent)
    diary_path = f"/patients/{patient.public_id}/diary/"
    log_day_offline(page, diary_path, "72.4")
    [entry] = waiting_entries(page)
    assert entry["owner"] == parent.offline_key
    session_ends_by_itself(page)
    page.wait_for_timeout(1000)  # the online event's attempt finds no session: the day waits
    assert [entry["status"] for entry in waiting_entries(page)] == ["waiting"]

    log_in(page, grandparent)  # lands on Ola's diary, which the grandparent may edit

    assert wait_for(lambda: waiting_entries(page) == [])
    assert page.locator("#id_weight").input_value() != "72.4"
    assert not page.locator("[data-offline-waiting]").is_visible()
    page.wait_for_timeout(1000)
    assert not patient.diary_days.filter(date=patient.today()).exists()
    stored = page.evaluate(STORED_PAGES)
    assert not [text for text in stored if parent.offline_key in text]


def test_the_same_person_signing_in_again_finds_the_waiting_day_sent(page, family):
    parent, _grandparent, patient = family
    log_in(page, parent)
    log_day_offline(page, f"/patients/{patient.public_id}/diary/", "72.4")
    session_ends_by_itself(page)
    page.wait_for_timeout(1000)
    assert [entry["status"] for entry in waiting_entries(page)] == ["waiting"]
    assert not patient.diary_days.filter(date=patient.today()).exists()

    log_in(page, parent)

    assert wait_for(lambda: patient.diary_days.filter(date=patient.today()).exists())
    day = patient.diary_days.get(date=patient.today())
    assert (day.weight_kg, day.entered_by) == (D("72.400"), parent)
    assert wait_for(lambda: waiting_entries(page) == [])


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


def test_the_log_out_response_clears_the_device_when_no_script_does(browser, live_server, family):
    """form.submit() fires no submit event, so offline.js does not run; no service worker sees
    the request either (blocked here). Only the response's Clear-Site-Data clears the device."""
    parent, _grandparent, _patient = family
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
