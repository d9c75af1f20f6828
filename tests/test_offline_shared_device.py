"""Offline on a shared device (issues #15 and #14): diary days kept on a device belong to the
person who saved them (the page's <meta name="offline-user">), and an explicit log-out clears the
device with Clear-Site-Data even when JavaScript is off."""

import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from fsgs_portal.accounts.views import CLEAR_SITE_DATA
from fsgs_portal.middleware import SESSION_STARTED_KEY
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

META = re.compile(r'<meta name="offline-user" content="([^"]*)">')


def offline_meta(response) -> list[str]:
    return META.findall(response.content.decode())


def queue_owner_pattern() -> re.Pattern:
    """The pattern static/js/offline-queue.js reads a page's owner with (JS and Python agree)."""
    source = Path(finders.find("js/offline-queue.js")).read_text()
    return re.compile(re.search(r"var OWNER = /(.*)/;", source).group(1))


# The key in the page ------------------------------------------------------------------------------


def test_a_signed_out_page_names_nobody(client):
    assert offline_meta(client.get(reverse("home"))) == []
    assert offline_meta(client.get(reverse("login"))) == []


def test_a_signed_in_page_carries_the_person_s_key_and_nothing_that_names_them(client_for):
    user = make_user("ada.lovelace@example.org", name="Ada")
    html = client_for(user).get(reverse("home")).content.decode()
    [key] = META.findall(html)
    assert key == user.offline_key
    assert re.fullmatch(r"[0-9a-f]{32}", key)
    assert key not in {str(user.pk), user.email}


def test_each_person_has_their_own_key(client_for):
    first, second = make_user(), make_user()
    first_key = offline_meta(client_for(first).get(reverse("home")))
    second_key = offline_meta(client_for(second).get(reverse("home")))
    assert first_key != second_key
    assert len(set(first_key + second_key)) == 2


def test_the_key_outlives_the_session_so_a_person_finds_their_waiting_days_again(client_for):
    user = make_user("back@example.org")
    client = client_for(user)
    before = offline_meta(client.get(reverse("home")))
    client.logout()
    assert offline_meta(client.get(reverse("home"))) == []
    assert offline_meta(client_for(user).get(reverse("home"))) == before == [user.offline_key]


def test_the_key_is_a_keyed_hash_not_something_anyone_could_compute(settings):
    user = make_user()
    before = user.offline_key
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789abcdefghijklmnop"
    assert user.offline_key != before


def test_the_queue_reads_the_key_the_page_carries(client_for, owner, patient):
    page = client_for(owner).get(reverse("patient_diary", kwargs={"pid": patient.public_id}))
    found = queue_owner_pattern().search(page.content.decode())
    assert found is not None
    assert found.group(1) == owner.offline_key


def test_the_offline_script_knows_where_to_turn_push_off_at_log_out(client):
    page = client.get(reverse("home")).content.decode()
    script = re.search(r'<script src="/static/js/offline\.js"[^>]*>', page).group(0)
    assert f'data-push-off="{reverse("push_unsubscribe")}"' in script


# Log-out clears the device ------------------------------------------------------------------------


def test_log_out_tells_the_browser_to_clear_the_site_s_cache_and_storage(client_for):
    response = client_for(make_user()).post(reverse("logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert CLEAR_SITE_DATA == '"cache", "storage"'


def test_log_out_keeps_cookies_so_the_next_page_still_works(client_for):
    # "cookies" would drop the CSRF and language cookies too; the session is ended on the server.
    response = client_for(make_user()).post(reverse("logout"))
    assert "cookies" not in response["Clear-Site-Data"]


def test_log_out_by_get_is_refused_and_clears_nothing(client_for):
    response = client_for(make_user()).get(reverse("logout"))
    assert response.status_code == 405
    assert "Clear-Site-Data" not in response


def test_other_pages_clear_nothing(client_for, owner, patient):
    signed_in = client_for(owner)
    for url in (reverse("home"), reverse("patient_diary", kwargs={"pid": patient.public_id})):
        assert "Clear-Site-Data" not in signed_in.get(url)


def test_deleting_the_account_clears_the_device_too(client_for):
    user = make_user()
    response = client_for(user).post(reverse("account_delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == CLEAR_SITE_DATA


def test_a_session_that_ends_by_itself_keeps_the_device_s_waiting_days(client_for, owner):
    client = client_for(owner)
    session = client.session
    session[SESSION_STARTED_KEY] = time.time() - settings.SESSION_ABSOLUTE_LIFETIME - 1
    session.save()
    response = client.get(reverse("profile"))
    assert response.status_code == 302  # signed out by the absolute lifetime
    assert "Clear-Site-Data" not in response
