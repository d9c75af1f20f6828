"""Offline in a real browser (issue #15), with Playwright's offline mode: a guide opens again
without a connection; a day logged offline waits on the device and is saved when the connection
returns; a day changed on the server meanwhile shows both versions and loses neither; a value
the server refuses comes back on the day's form; log-out clears every stored day and page; on a
shared device a waiting day is sent only for the person who saved it.
Screenshots of the offline states go to /work/notes/ when that folder exists (the lead's notes)."""

import time
from datetime import timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import F
from django.test import Client

from tests.browser.conftest import VIEWPORTS, PageProblems, assert_accessible
from tests.browser.test_diary import log_in
from tests.factories import grant_access, make_day, make_patient, make_user
from tracker.models import DiaryDay, Role
from tracker.views import diary as diary_views

pytestmark = pytest.mark.django_db(transaction=True)

NOTES = Path("/work/notes")


@pytest.fixture
def page(browser, live_server):
    """One phone-sized page: service workers need a real origin (the live server)."""
    context = browser.new_context(viewport=VIEWPORTS["phone"], base_url=live_server.url)
    context.set_default_timeout(15000)
    page = context.new_page()
    page.problems = PageProblems(page)
    yield page
    context.close()


@pytest.fixture
def diary(live_server, guides):
    user = make_user("offline@example.org")
    patient = make_patient(user, display_name="Ola Offline")
    yesterday = patient.today() - timedelta(days=1)
    make_day(patient, yesterday, user, weight_kg=D("70.0"), foam=1)
    return user, patient


def screenshot(page, name):
    if NOTES.is_dir():
        page.screenshot(path=str(NOTES / f"offline-{name}.png"), full_page=True)


def open_through_worker(page, path):
    """Open `path` with the service worker in control, so its copy is kept; wait for the copy."""
    page.goto(path)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.reload()
    page.wait_for_function("(path) => caches.match(path).then(Boolean)", arg=path)


def go_offline(page):
    page.context.set_offline(True)
    page.wait_for_function("() => !navigator.onLine")


def log_day_offline(page, path, weight):
    """Open the day form at `path` online (so it is kept), reload it offline, save a weight."""
    open_through_worker(page, path)
    go_offline(page)
    page.reload()
    assert page.get_by_text("You are offline.").is_visible()
    page.locator("#id_weight").fill(weight)
    page.locator("#save-day").click()
    page.get_by_text("Saved on this device and waiting to send").wait_for()


def waiting_entries(page):
    return page.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open("fsgs-offline", 1);
            open.onupgradeneeded = () => open.result.createObjectStore("waiting",
                {keyPath: "id", autoIncrement: true});
            open.onsuccess = () => {
                const request = open.result.transaction("waiting").objectStore("waiting").getAll();
                request.onsuccess = () => { open.result.close(); resolve(request.result); };
            };
        })"""
    )


def wait_for(condition, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_guide_opened_once_opens_again_offline(page, live_server, guides):
    open_through_worker(page, "/learn/kidney-biopsy/")
    go_offline(page)
    page.reload()
    banner = page.locator("[data-offline-banner]")
    assert banner.is_visible()
    assert banner.inner_text().startswith("Saved copy — reviewed ")
    assert page.get_by_role("heading", level=1).inner_text()
    screenshot(page, "guide")


def test_save_all_guides_then_open_one_never_opened_offline(page, live_server, guides):
    page.goto("/learn/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.get_by_role("button", name="Save all guides for offline").click()
    page.get_by_text("All guides are saved on this device").wait_for()
    assert_accessible(page)
    go_offline(page)
    page.goto("/learn/plasmapheresis/")
    assert page.locator("[data-offline-banner]").is_visible()
    page.goto("/learn/glossary/")
    assert page.locator("[data-offline-banner]").inner_text() == "Saved copy"


def test_a_day_logged_offline_waits_then_is_saved_when_back_online(page, diary):
    user, patient = diary
    log_in(page, user)
    open_through_worker(page, "/learn/symptoms/")
    diary_path = f"/patients/{patient.public_id}/diary/"
    log_day_offline(page, diary_path, "72.4")
    # A saved guide is the signed-out page: reading it offline keeps the diary's copy.
    page.goto("/learn/symptoms/")
    assert page.locator("[data-offline-banner]").is_visible()
    page.goto(diary_path)
    assert page.locator("#id_weight").input_value() == "72.4"  # the waiting day, shown again
    assert page.locator("[data-offline-waiting] li").inner_text().endswith(": waiting to send")
    assert [entry["status"] for entry in waiting_entries(page)] == ["waiting"]
    assert not patient.diary_days.filter(date=patient.today()).exists()
    assert_accessible(page)
    screenshot(page, "diary-waiting")

    page.context.set_offline(False)
    assert wait_for(lambda: patient.diary_days.filter(date=patient.today()).exists())
    day = patient.diary_days.get(date=patient.today())
    assert (day.weight_kg, day.entered_by) == (D("72.400"), user)
    page.get_by_text("Sent the entry for").first.wait_for()
    assert waiting_entries(page) == []
    assert not page.get_by_text("You are offline.").is_visible()
    screenshot(page, "diary-sent")


def test_a_day_changed_on_the_server_meanwhile_shows_both_versions(page, diary):
    user, patient = diary
    yesterday = patient.today() - timedelta(days=1)
    log_in(page, user)
    log_day_offline(page, f"/patients/{patient.public_id}/diary/{yesterday:%Y-%m-%d}/", "71.6")
    # Meanwhile a caregiver saves the same day from another device.
    DiaryDay.objects.filter(patient=patient, date=yesterday).update(
        weight_kg=D("69.3"), version=F("version") + 1
    )

    page.context.set_offline(False)
    panel = page.locator("[data-offline-conflict]")
    panel.wait_for()
    assert "71.6" in panel.inner_text()  # what this device saved
    assert page.locator("#id_weight").input_value() == "69.3"  # what is saved now
    assert patient.diary_days.get(date=yesterday).weight_kg == D("69.300")
    assert [entry["status"] for entry in waiting_entries(page)] == ["conflict"]
    assert_accessible(page)
    screenshot(page, "conflict")

    page.get_by_role("button", name="Use what I saved on this device").click()
    assert wait_for(lambda: patient.diary_days.get(date=yesterday).weight_kg == D("71.600"))
    assert waiting_entries(page) == []


def test_a_value_the_server_refuses_comes_back_on_the_day_s_form(page, diary):
    user, patient = diary
    log_in(page, user)
    log_day_offline(page, f"/patients/{patient.public_id}/diary/", "4000")
    page.context.set_offline(False)
    weight = page.locator("#id_weight.is-invalid")
    weight.wait_for()
    assert weight.input_value() == "4000"
    assert "Nothing was saved" in page.locator("#save-status").inner_text()
    assert not patient.diary_days.filter(date=patient.today()).exists()
    assert waiting_entries(page) == []
    screenshot(page, "refused-value")


def test_log_out_clears_the_waiting_day_and_every_stored_page(
    page, live_server, diary, monkeypatch
):
    user, patient = diary
    log_in(page, user)
    log_day_offline(page, f"/patients/{patient.public_id}/diary/", "73.0")
    # Back online, but the server cannot take the day yet: it keeps waiting.
    monkeypatch.setattr(diary_views, "save_day", lambda *args: diary_views.HttpResponse(status=503))
    page.context.set_offline(False)
    page.reload()
    assert [entry["status"] for entry in waiting_entries(page)] == ["waiting"]
    assert "fsgs-private" in page.evaluate("() => caches.keys()")

    page.get_by_role("button", name="Show or hide the menu").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{live_server.url}/")
    databases = page.evaluate("() => indexedDB.databases().then((all) => all.map((db) => db.name))")
    assert databases == []
    stored = page.evaluate("() => caches.keys()")
    assert [name for name in stored if not name.startswith("fsgs-static-")] == []
    assert not patient.diary_days.filter(date=patient.today()).exists()


# A shared device --------------------------------------------------------------------------------


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


def test_a_page_of_another_person_clears_the_first_person_s_days_and_pages(page, family):
    """No signed-out page in between (the grandparent signed in from another tab): the day is
    not sent under the grandparent's session, and their first diary page clears the parent's."""
    parent, grandparent, patient = family
    log_in(page, parent)
    diary_path = f"/patients/{patient.public_id}/diary/"
    log_day_offline(page, diary_path, "72.4")
    Session.objects.all().delete()
    other_tab = Client()
    other_tab.force_login(grandparent, backend="django.contrib.auth.backends.ModelBackend")
    cookie = other_tab.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": page.url}]
    )
    page.context.set_offline(False)  # the parent's page asks to send: the server says no
    page.wait_for_timeout(1000)
    assert not patient.diary_days.filter(date=patient.today()).exists()

    page.goto(diary_path)

    assert wait_for(lambda: waiting_entries(page) == [])
    owner_mark = "() => caches.match('/offline-user').then((mark) => mark && mark.text())"
    page.wait_for_function(f"{owner_mark}.then((key) => key === {grandparent.offline_key!r})")
    stored = page.evaluate(STORED_PAGES)
    assert [text for text in stored if grandparent.offline_key in text]
    assert not [text for text in stored if parent.offline_key in text]
    assert not patient.diary_days.filter(date=patient.today()).exists()
