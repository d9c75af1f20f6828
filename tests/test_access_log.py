"""The access log (SECURITY.md "Audit"): caregivers' looks and everyone's changes, written by
one middleware for every URL with a patient id, shown to the owner, never edited."""

from datetime import date

import pytest
import time_machine
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import make_day
from tests.test_diary import VALID
from tracker import sharing
from tracker.models import AccessAction, AccessLog, Role

pytestmark = pytest.mark.django_db

DAY = date(2025, 3, 9)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-03-10 12:00Z", tick=False):
        yield


def diary(patient):
    return reverse("patient_diary", args=[patient.public_id])


@pytest.mark.parametrize(
    "path",
    [
        "/patients/{pid}/diary/",
        "/patients/{pid}/diary/2025-03-09/",
        "/patients/{pid}/labs/",
        "/patients/{pid}/medications/",
        "/patients/{pid}/events/",
        "/patients/{pid}/questions/",
    ],
)
@pytest.mark.parametrize("who", ["editor", "viewer"])
def test_every_caregiver_look_is_logged(request, client_for, patient, path, who):
    user = request.getfixturevalue(who)
    url = path.format(pid=patient.public_id)
    assert client_for(user).get(url).status_code == 200
    row = AccessLog.objects.get()
    assert row.user == user
    assert row.patient == patient
    assert row.action == AccessAction.VIEW
    assert row.path == url
    assert row.method == "GET"
    assert row.status == 200
    assert row.role == (Role.EDIT if who == "editor" else Role.VIEW)
    assert row.ip == "127.0.0.1"


def test_the_owner_looking_is_not_logged(client_for, owner, patient):
    client_for(owner).get(diary(patient))
    assert not AccessLog.objects.exists()


def test_every_change_is_logged_the_owner_s_too(client_for, owner, patient, editor):
    client_for(owner).post(diary(patient), VALID)
    row = AccessLog.objects.get()
    assert (row.user, row.action, row.method, row.status) == (owner, "change", "POST", 302)


def test_refused_and_missing_requests_are_not_logged(
    client, client_for, patient, viewer, stranger, revoked
):
    assert client_for(viewer).post(diary(patient), VALID).status_code == 403
    assert client_for(stranger).get(diary(patient)).status_code == 404
    assert client_for(revoked).get(diary(patient)).status_code == 404
    client.logout()
    assert client.get(diary(patient)).status_code == 302
    assert not AccessLog.objects.exists()


def test_a_page_that_does_not_use_patient_for_is_still_logged(rf, patient, viewer):
    """Pages added on other branches are covered even if they reach the patient another way."""
    from tracker.middleware import AccessLogMiddleware

    request = RequestFactory().get(diary(patient))
    request.user = viewer
    request.session = {}
    request.resolver_match = type("Match", (), {"kwargs": {"pid": patient.public_id}})()
    request.resolver_match.view_name = "patient_summary"

    def view(request):
        from django.http import HttpResponse

        return HttpResponse("ok")

    AccessLogMiddleware(view)(request)
    assert AccessLog.objects.get().page == "patient_summary"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "address"),
    [
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the client forged the first
        (2, "198.51.100.1, 203.0.113.7, 10.0.0.3", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.2"),  # fewer entries than proxies: trust none
    ],
)
def test_the_client_address_honours_the_proxy_count(
    client_for, settings, patient, viewer, proxies, forwarded, address
):
    settings.PROXY_COUNT = proxies
    client_for(viewer).get(diary(patient), HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.2")
    assert AccessLog.objects.get().ip == address


def test_axes_finds_the_same_address(settings, rf):
    from axes.helpers import get_client_ip_address

    settings.PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")
    assert get_client_ip_address(request) == "203.0.113.7"


def test_without_a_proxy_a_forged_header_is_ignored(client_for, settings, patient, viewer):
    settings.PROXY_COUNT = 0
    client_for(viewer).get(diary(patient), HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert AccessLog.objects.get().ip == "127.0.0.1"


def test_rows_cannot_be_changed_or_deleted(client_for, patient, viewer):
    client_for(viewer).get(diary(patient))
    row = AccessLog.objects.get()
    row.path = "/elsewhere/"
    with pytest.raises(ValueError, match="never changed"):
        row.save()
    with pytest.raises(ValueError, match="only with their patient"):
        row.delete()


def test_the_admin_offers_no_way_to_add_change_or_delete(rf, owner):
    model_admin = admin.site._registry[AccessLog]
    request = rf.get("/")
    request.user = owner
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_the_owner_reads_the_log_in_plain_words(client_for, owner, patient, viewer):
    viewer.name = "Grandma Rose"
    viewer.save()
    make_day(patient, DAY, owner, weight_kg=70)
    client_for(viewer).get(reverse("diary_day", kwargs={"pid": patient.public_id, "day": DAY}))
    page = client_for(owner).get(reverse("sharing_page", args=[patient.public_id]))
    text = page.content.decode()
    assert "Grandma Rose (viewer@example.org)" in text
    assert "looked at the diary for 9 March 2025" in text
    assert "10 Mar 2025, 12:00" in text
    assert "127.0.0.1" in text


def test_the_log_is_paginated_newest_first(client_for, owner, patient, viewer):
    client = client_for(viewer)
    for _ in range(30):
        client.get(diary(patient))
    client.get(reverse("lab_list", args=[patient.public_id]))
    owner_client = client_for(owner)
    first = owner_client.get(reverse("sharing_page", args=[patient.public_id]))
    assert len(first.context["log_lines"]) == 25
    assert first.context["log_lines"][0].what == "looked at lab results"
    second = owner_client.get(reverse("sharing_page", args=[patient.public_id]) + "?page=2")
    assert len(second.context["log_lines"]) == 6


def test_sharing_page_query_count(client_for, owner, patient, viewer, django_assert_num_queries):
    for _ in range(30):
        client_for(viewer).get(diary(patient))
    client = client_for(owner)
    # session, user, patient (and how many patients the user has: one, so the switcher needs no
    # query), log count, log page, caregivers, invitations, clinician links, then the sliding
    # session's save (savepoint, UPDATE, release): the same for 31 rows or 31,000.
    with django_assert_num_queries(11):
        client.get(reverse("sharing_page", args=[patient.public_id]))


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/patients/abcdefghijkl/diary/", "the diary"),
        ("/patients/abcdefghijkl/diary/2025-03-01/", "the diary for 1 March 2025"),
        ("/patients/abcdefghijkl/summary/?start=2025-01-01", "the visit summary"),
        ("/patients/abcdefghijkl/summary.pdf", "the visit summary PDF"),
        ("/patients/abcdefghijkl/export.csv", "the data download (CSV)"),
        ("/patients/abcdefghijkl/export.json", "the data download (JSON)"),
        ("/patients/abcdefghijkl/medications/4/", "medicines"),
        ("/patients/abcdefghijkl/something-new/", "the page /patients/abcdefghijkl/something-new/"),
    ],
)
def test_paths_read_as_plain_words(path, words):
    assert sharing.what_was_opened(path) == words


def test_sharing_changes_read_as_what_was_done(client_for, owner, patient, viewer):
    from tests.factories import PASSWORD

    client = client_for(owner)
    client.post(
        reverse("sharing_invite", args=[patient.public_id]),
        {"email": "new@example.org", "role": "view", "password": PASSWORD},
    )
    grant = patient.access.get(user=viewer)
    client.post(reverse("caregiver_revoke", args=[patient.public_id, grant.pk]))
    whats = [
        line.what
        for line in client.get(reverse("sharing_page", args=[patient.public_id])).context[
            "log_lines"
        ]
    ]
    assert whats == ["removed a caregiver’s access", "sent an invitation"]


# A refused form (errors shown again) is not a change --------------------------------------------


def test_a_refused_diary_form_is_not_logged_as_a_change(client_for, owner, patient, editor):
    refused = {**VALID, "weight": "7000"}
    response = client_for(owner).post(diary(patient), refused)
    assert response.status_code == 200  # the form comes back with its errors
    assert not patient.diary_days.exists()
    assert not AccessLog.objects.exists()  # the owner's look is not logged either
    response = client_for(editor).post(diary(patient), refused)
    assert response.status_code == 200
    row = AccessLog.objects.get()
    assert (row.user, row.action) == (editor, AccessAction.VIEW)  # a caregiver saw the page
    client_for(editor).post(diary(patient), VALID)
    assert AccessLog.objects.filter(action=AccessAction.CHANGE).get().user == editor


def test_a_wrong_password_on_the_sharing_page_is_not_logged_as_a_change(client_for, owner, patient):
    response = client_for(owner).post(
        reverse("sharing_invite", args=[patient.public_id]),
        {"email": "new@example.org", "role": "view", "password": "not my password at all"},
    )
    assert "That is not your password" in response.content.decode()
    assert not AccessLog.objects.exists()


def test_a_change_answered_with_the_page_itself_is_still_logged(client_for, owner, patient):
    """Sending an invitation shows the sharing page (200) with the new link: that is a change."""
    from tests.factories import PASSWORD

    response = client_for(owner).post(
        reverse("sharing_invite", args=[patient.public_id]),
        {"email": "new@example.org", "role": "view", "password": PASSWORD},
    )
    assert response.status_code == 200
    row = AccessLog.objects.get()
    assert (row.action, row.page, row.status) == (AccessAction.CHANGE, "sharing_invite", 200)


def test_a_stale_post_that_writes_nothing_is_not_a_change(rf, patient, owner):
    from django.http import HttpResponse

    from tracker.middleware import AccessLogMiddleware

    request = RequestFactory().post(diary(patient))
    request.user = owner
    request.session = {}
    request.resolver_match = type("Match", (), {"kwargs": {"pid": patient.public_id}})()
    request.resolver_match.view_name = "patient_diary"

    def reads_only(request):
        list(patient.diary_days.all())
        return HttpResponse("the form again")

    def writes(request):
        make_day(patient, DAY)
        return HttpResponse("saved")

    AccessLogMiddleware(reads_only)(request)
    assert not AccessLog.objects.exists()
    AccessLogMiddleware(writes)(request)
    assert AccessLog.objects.get().action == AccessAction.CHANGE
