"""The clinician link: the owner makes one (password again) for a period, valid 1–30 days, sees
its address once, revokes it; /c/<token>/ and its PDF show only that period's summary, without an
account, each use logged for the owner without the token."""

import io
import re
from datetime import date, time, timedelta

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import resolve, reverse
from pypdf import PdfReader

from tests.factories import PASSWORD, make_day, make_patient
from tracker.middleware import redacted_path
from tracker.models import AccessLog, BloodPressure, ClinicianLink, hash_token

pytestmark = pytest.mark.django_db

START, END = date(2025, 2, 10), date(2025, 3, 9)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-03-10 12:00Z", tick=False):
        yield


def sharing(patient, name="sharing_page", **kwargs):
    return reverse(name, kwargs={"pid": patient.public_id, **kwargs})


def make(client, patient, start=START, end=END, days=7, password=PASSWORD):
    data = {"clinician-start": start, "clinician-end": end, "clinician-days": days}
    if password is not None:
        data["clinician-password"] = password
    return client.post(sharing(patient, "clinician_link_create"), data)


def token_in(response) -> str:
    return re.search(r"/c/([A-Za-z0-9_-]{43})/", response.content.decode()).group(1)


@pytest.fixture
def link(patient, owner):
    return ClinicianLink.issue(patient, START, END, 7, owner)


def page(token):
    return reverse("clinician_summary", kwargs={"token": token})


def pdf(token):
    return reverse("clinician_summary_pdf", kwargs={"token": token})


# Making and revoking -----------------------------------------------------------------------------


def test_the_owner_makes_a_link_and_sees_its_address_once(client_for, owner, patient):
    client = client_for(owner)
    response = make(client, patient, days=14)
    assert response.status_code == 200
    token = token_in(response)
    assert f"http://testserver/c/{token}/" in response.content.decode()
    link = ClinicianLink.objects.get()
    assert link.token_hash == hash_token(token)
    assert (link.start, link.end, link.created_by) == (START, END, owner)
    assert link.expires_at - link.created_at == timedelta(days=14)
    again = client.get(sharing(patient))
    assert token not in again.content.decode()
    assert "Revoke" in again.content.decode()


def test_making_a_link_asks_for_the_password(client_for, owner, patient):
    client = client_for(owner)
    assert "clinician-password" in make(client, patient, password=None).content.decode()
    wrong = make(client, patient, password="not my password at all")
    assert "That is not your password" in wrong.content.decode()
    assert not ClinicianLink.objects.exists()


@pytest.mark.parametrize("days", [0, 31, ""])
def test_the_link_works_for_1_to_30_days(client_for, owner, patient, days):
    response = make(client_for(owner), patient, days=days)
    assert response.status_code == 200
    assert response.context["clinician_form"].errors["days"]
    assert not ClinicianLink.objects.exists()


def test_30_days_is_allowed(client_for, owner, patient):
    make(client_for(owner), patient, days=30)
    assert ClinicianLink.objects.get().expires_at.date() == date(2025, 4, 9)


def test_the_period_must_end_after_it_starts(client_for, owner, patient):
    response = make(client_for(owner), patient, start=END, end=START)
    assert "must be on or after the start date" in response.content.decode()
    assert not ClinicianLink.objects.exists()


def test_the_owner_revokes_a_link(client_for, owner, patient, link):
    made, token = link
    response = client_for(owner).post(sharing(patient, "clinician_link_revoke", pk=made.pk))
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.revoked_at is not None
    assert client_for(owner).get(page(token)).status_code == 404


@pytest.mark.parametrize(("who", "status"), [("editor", 403), ("viewer", 403), ("stranger", 404)])
def test_only_the_owner_makes_or_revokes(request, client_for, patient, link, who, status):
    client = client_for(request.getfixturevalue(who))
    assert make(client, patient).status_code == status
    revoke = client.post(sharing(patient, "clinician_link_revoke", pk=link[0].pk))
    assert revoke.status_code == status
    assert ClinicianLink.objects.count() == 1
    assert ClinicianLink.objects.get().revoked_at is None


def test_another_patients_link_cannot_be_revoked_through_mine(client_for, owner, patient):
    other = make_patient(owner, display_name="Second Child")
    theirs, _ = ClinicianLink.issue(other, START, END, 7, owner)
    response = client_for(owner).post(sharing(patient, "clinician_link_revoke", pk=theirs.pk))
    assert response.status_code == 404


def test_revoke_takes_post_only(client_for, owner, patient, link):
    response = client_for(owner).get(sharing(patient, "clinician_link_revoke", pk=link[0].pk))
    assert response.status_code == 405


# Opening the link --------------------------------------------------------------------------------


def test_the_link_shows_its_periods_summary_without_an_account(client, patient, owner, link):
    _, token = link
    make_day(patient, date(2025, 3, 3), owner, weight_kg=31)
    response = client.get(page(token))
    assert response.status_code == 200
    assert response.context["summary"].period.start == START
    assert response.context["summary"].period.end == END
    body = response.content.decode()
    assert "Pat Patient" in body
    assert "/patients/" not in body  # no way into the diary
    assert reverse("clinician_summary_pdf", kwargs={"token": token}) in body


def test_the_period_cannot_be_widened_from_the_address(client, link):
    _, token = link
    response = client.get(page(token) + "?start=2024-01-01&end=2025-03-10")
    assert response.context["summary"].period.start == START
    assert response.context["summary"].period.end == END


def test_readings_outside_the_period_are_left_out(client, patient, link):
    _, token = link
    inside = BloodPressure.objects.create(
        patient=patient, date=date(2025, 3, 1), time=time(8), systolic=131, diastolic=81
    )
    outside = BloodPressure.objects.create(
        patient=patient, date=date(2025, 1, 5), time=time(8), systolic=187, diastolic=97
    )
    body = client.get(page(token)).content.decode()
    assert str(inside.systolic) in body
    assert str(outside.systolic) not in body


def test_the_link_shows_only_its_own_patient(client, owner, patient, link):
    make_patient(owner, display_name="Second Child")
    _, token = link
    body = client.get(page(token)).content.decode()
    assert "Pat Patient" in body
    assert "Second Child" not in body


def test_headers_keep_the_token_out_of_caches_and_referers(client, link):
    _, token = link
    for response in (client.get(page(token)), client.get(pdf(token))):
        assert response["Cache-Control"] == "no-store"
        assert response["Referrer-Policy"] == "no-referrer"


def test_the_pdf(client, link):
    _, token = link
    response = client.get(pdf(token) + "?paper=letter")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    reader = PdfReader(io.BytesIO(response.content))
    assert "Pat Patient" in reader.pages[0].extract_text()
    assert round(float(reader.pages[0].mediabox.width)) == 612  # US Letter, 8.5 in


def test_expired_revoked_and_unknown_links_are_404(client, patient, owner, link):
    made, token = link
    assert client.get(page("x" * 43)).status_code == 404
    assert client.get(pdf("x" * 43)).status_code == 404
    with time_machine.travel("2025-03-17 12:00:01Z", tick=False):
        assert client.get(page(token)).status_code == 404
        assert client.get(pdf(token)).status_code == 404
    made.revoked_at = made.created_at
    made.save()
    assert client.get(page(token)).status_code == 404
    assert client.get(pdf(token)).status_code == 404
    assert not AccessLog.objects.exists()  # refused uses are not logged


def test_a_link_still_works_just_before_it_expires(client, link):
    with time_machine.travel("2025-03-17 11:59:59Z", tick=False):
        assert client.get(page(link[1])).status_code == 200


def test_each_use_is_logged_for_the_owner_without_the_token(
    client, client_for, owner, patient, link
):
    _, token = link
    client.get(page(token), REMOTE_ADDR="203.0.113.9")
    client.get(pdf(token), REMOTE_ADDR="203.0.113.9")
    rows = list(AccessLog.objects.order_by("pk"))
    assert [row.page for row in rows] == ["clinician_summary", "clinician_summary_pdf"]
    assert {row.user for row in rows} == {None}
    assert {row.ip for row in rows} == {"203.0.113.9"}
    assert [row.path for row in rows] == ["/c/[token]/", "/c/[token]/summary.pdf"]
    assert not AccessLog.objects.filter(path__contains=token).exists()
    assert not AccessLog.objects.filter(who__contains=token).exists()
    body = client_for(owner).get(sharing(patient)).content.decode()
    assert "opened the visit summary through a clinician link" in body
    assert "downloaded the visit summary PDF through a clinician link" in body
    assert "Clinician link (2025-02-10 to 2025-03-09)" in body
    assert token not in body


def test_the_log_never_stores_a_token_from_a_path():
    request = RequestFactory().get("/c/secret-token-value/summary.pdf?paper=a4")
    request.resolver_match = resolve("/c/secret-token-value/summary.pdf")
    assert redacted_path(request) == "/c/[token]/summary.pdf?paper=a4"


def test_token_views_take_no_post(client, link):
    assert client.post(page(link[1])).status_code == 405
    assert client.post(pdf(link[1])).status_code == 405


def test_the_page_query_count(client, link, django_assert_num_queries):
    _, token = link
    client.get(page(token))
    # The link (with its patient), the summary's reads, and the access-log line; no session.
    with django_assert_num_queries(9):
        client.get(page(token))
