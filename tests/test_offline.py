"""Offline and installable (issue #15): the service worker at /sw.js, the web app manifest, the
marks the offline scripts use on the diary and guide pages, and the size budget."""

import gzip
import json
import re
import struct
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from fsgs_portal.views import OFFLINE_SHELL, service_worker_source
from tests.factories import make_day
from tests.test_diary import VALID
from tests.test_headers import EXPECTED_CSP

pytestmark = pytest.mark.django_db

STATIC = Path(settings.BASE_DIR) / "static"
WORKER_BUDGET = 15 * 1024  # bytes, gzip: the worker and every script it imports, together


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-03-10 12:00Z", tick=False):
        yield


def manifest() -> dict:
    return json.loads((STATIC / "manifest.webmanifest").read_text())


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", header[16:24])


# The service worker -------------------------------------------------------------------------------


def test_the_worker_is_served_from_the_root_for_everyone(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    assert reverse("service_worker") == "/sw.js"


def test_the_worker_is_read_only(client):
    assert client.post("/sw.js").status_code == 405


def test_the_worker_keeps_the_strict_csp(client):
    policy = client.get("/sw.js")["Content-Security-Policy"]
    assert {part.strip() for part in policy.split(";")} == EXPECTED_CSP
    assert "unsafe-inline" not in policy


def test_the_worker_first_imports_the_push_script_then_the_queue(client):
    body = client.get("/sw.js").content.decode()
    first_call = re.search(r"^importScripts\((.*)\);$", body, re.MULTILINE)
    assert first_call is not None
    assert json.loads(f"[{first_call.group(1)}]") == [
        "/static/js/sw-push.js",
        "/static/js/offline-queue.js",
    ]
    code_before = body[: first_call.start()].splitlines()
    assert all(line.startswith("//") for line in code_before)


def test_every_placeholder_is_filled_with_this_release_s_urls(client):
    body = client.get("/sw.js").content.decode()
    assert "__" not in re.sub(r"//.*", "", body)
    shell = json.loads(re.search(r"var SHELL = (\[.*?\]);", body).group(1))
    assert shell == [f"/static/{name}" for name in OFFLINE_SHELL]
    assert 'var LOGOUT = "/accounts/logout/";' in body
    assert 'var STATIC_PREFIX = "/static/";' in body


def test_every_file_the_worker_stores_at_install_exists():
    # cache.addAll fails as a whole if one file is missing: the worker would never install.
    missing = [name for name in OFFLINE_SHELL if not finders.find(name)]
    assert missing == []


def test_the_version_changes_when_a_static_url_changes(settings):
    before = re.search(r'var VERSION = "(\w+)"', service_worker_source()).group(1)
    settings.STATIC_URL = "/assets/"
    after = re.search(r'var VERSION = "(\w+)"', service_worker_source()).group(1)
    assert len(before) == 12
    assert before != after


def test_the_worker_and_its_scripts_stay_small():
    imported = re.search(r"importScripts\((.*)\);", service_worker_source()).group(1)
    names = [url.removeprefix("/static/") for url in json.loads(f"[{imported}]")]
    sources = [service_worker_source().encode()]
    sources += [Path(finders.find(name)).read_bytes() for name in names]
    compressed = sum(len(gzip.compress(source, compresslevel=9)) for source in sources)
    assert len(names) == 2
    assert compressed <= WORKER_BUDGET, f"{compressed} bytes compressed"


# The manifest -------------------------------------------------------------------------------------


def test_the_manifest_is_valid_json_with_what_installing_needs():
    data = manifest()
    assert data["name"] == "FSGS Portal"
    assert data["short_name"]
    assert data["display"] == "standalone"
    assert data["start_url"] == reverse("diary")
    assert data["scope"] == "/"


def test_the_theme_colour_is_the_portal_s_primary_colour():
    css = (STATIC / "css" / "portal.css").read_text()
    primary = re.search(r"--bs-primary:\s*(#[0-9a-fA-F]{6})", css).group(1)
    assert manifest()["theme_color"].lower() == primary.lower()


def test_the_icons_exist_in_the_sizes_they_claim():
    icons = manifest()["icons"]
    for icon in icons:
        path = STATIC / icon["src"]
        assert path.exists(), icon["src"]
        if icon["type"] == "image/png":
            width, height = png_size(path)
            assert f"{width}x{height}" == icon["sizes"], icon["src"]
    declared = {(icon["sizes"], icon["purpose"]) for icon in icons}
    assert {("192x192", "any"), ("512x512", "any"), ("any", "any")} <= declared
    assert {("192x192", "maskable"), ("512x512", "maskable")} <= declared


def test_every_page_links_the_manifest_and_the_offline_script(client):
    page = client.get(reverse("home")).content.decode()
    assert '<link rel="manifest" href="/static/manifest.webmanifest">' in page
    script = re.search(r'<script src="/static/js/offline\.js"[^>]*>', page).group(0)
    assert 'data-sw="/sw.js"' in script
    assert 'data-logout="/accounts/logout/"' in script
    assert "data-signed-in" not in script


def test_a_signed_in_page_tells_the_script(client_for, owner, patient):
    page = client_for(owner).get(reverse("patient_diary", kwargs={"pid": patient.public_id}))
    script = re.search(r'<script src="/static/js/offline\.js"[^>]*>', page.content.decode())
    assert "data-signed-in" in script.group(0)


# The diary pages ----------------------------------------------------------------------------------


def test_today_s_form_names_its_day_page_so_an_offline_save_is_kept_for_that_day(
    client_for, owner, patient
):
    page = client_for(owner).get(reverse("patient_diary", kwargs={"pid": patient.public_id}))
    html = page.content.decode()
    day_url = reverse("diary_day", kwargs={"pid": patient.public_id, "day": date(2025, 3, 10)})
    assert f'data-day-url="{day_url}"' in html
    assert 'data-day="2025-03-10"' in html
    assert "data-offline-marks" in html
    assert "/static/js/offline-diary.js" in html


def test_the_offline_marks_are_hidden_without_javascript(client_for, owner, patient):
    url = reverse("diary_day", kwargs={"pid": patient.public_id, "day": date(2025, 3, 3)})
    html = client_for(owner).get(url).content.decode()
    for mark in ("data-offline-notice", "data-offline-waiting", "data-offline-conflict"):
        tag = re.search(rf"<[^>]*{mark}[^>]*>", html).group(0)
        assert " hidden" in tag, mark


def test_a_view_only_caregiver_gets_no_offline_form(client_for, viewer, patient):
    html = client_for(viewer).get(reverse("patient_diary", kwargs={"pid": patient.public_id}))
    html = html.content.decode()
    assert "data-day-url" not in html
    assert "data-offline-marks" not in html


def test_a_stale_save_is_marked_so_the_queue_can_tell_a_conflict(client_for, owner, patient):
    make_day(patient, date(2025, 3, 3), owner, version=2)
    url = reverse("diary_day", kwargs={"pid": patient.public_id, "day": date(2025, 3, 3)})
    response = client_for(owner).post(url, {**VALID, "version": "1"})
    assert response.status_code == 200
    assert "data-stale-notice" in response.content.decode()


def test_a_refused_value_is_not_marked_as_a_conflict(client_for, owner, patient):
    url = reverse("diary_day", kwargs={"pid": patient.public_id, "day": date(2025, 3, 3)})
    response = client_for(owner).post(url, {**VALID, "version": "0", "weight": "4000"})
    assert response.status_code == 200
    assert "data-stale-notice" not in response.content.decode()


def test_a_queued_day_sent_to_its_day_page_is_saved_there(client_for, owner, patient):
    """The queue posts today's form to the day's own page, so a day kept offline yesterday is
    not saved as today when it is sent."""
    url = reverse("diary_day", kwargs={"pid": patient.public_id, "day": date(2025, 3, 9)})
    response = client_for(owner).post(url, {**VALID, "version": "0"})
    assert response.status_code == 302
    assert response["Location"].startswith(url)
    assert patient.diary_days.get().date == date(2025, 3, 9)


# The guide pages ----------------------------------------------------------------------------------


def test_a_guide_carries_its_hidden_saved_copy_banner_with_the_review_date(client, guides):
    from education.models import Guide

    guide = Guide.objects.filter(language="en").order_by("slug").first()
    html = client.get(guide.get_absolute_url()).content.decode()
    banner = re.search(r"<p[^>]*data-offline-banner[^>]*>(.*?)</p>", html)
    assert " hidden" in banner.group(0)
    assert banner.group(1) == f"Saved copy — reviewed {guide.last_reviewed:%-d %B %Y}"


def test_the_guide_index_offers_to_save_every_guide(client, guides):
    from education.models import Guide

    html = client.get(reverse("education:index")).content.decode()
    assert re.search(r"<div[^>]*data-save-guides[^>]*hidden", html)
    assert "Save all guides for offline" in html
    linked = set(re.findall(r'<a href="([^"]+)" data-guide-link>', html))
    expected = {guide.get_absolute_url() for guide in Guide.objects.filter(language="en")}
    assert linked == expected | {reverse("education:glossary")}


def test_the_glossary_has_a_saved_copy_banner(client, guides):
    html = client.get(reverse("education:glossary")).content.decode()
    assert re.search(r"<p[^>]*data-offline-banner hidden>Saved copy</p>", html)
