"""The reminders page, the calendar feed and the one-click unsubscribe link (issue #14)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from tests.factories import make_medication
from tests.push_service import use_new_vapid_keys
from tracker.models import CalendarFeed, DoseStep, Purpose, ReminderSettings, SentReminder
from tracker.reminder_delivery import unsubscribe_token

pytestmark = pytest.mark.django_db

VALID = {
    "email_enabled": "on",
    "diary_enabled": "on",
    "diary_time": "20:00",
    "medicine_times": "08:00, 20:00",
    "taper_enabled": "on",
    "labs_every_weeks": "4",
    "next_visit_at": "2025-04-02T09:30",
    "notice_time": "18:00",
    "quiet_start": "",
    "quiet_end": "",
}


def page(patient) -> str:
    return reverse("reminders_page", kwargs={"pid": patient.public_id})


def test_the_page_shows_the_form_and_the_nav_links_to_it(client_for, owner, patient):
    response = client_for(owner).get(page(patient))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="medicine_times"' in html
    diary = client_for(owner).get(reverse("patient_diary", kwargs={"pid": patient.public_id}))
    assert page(patient) in diary.content.decode()


def test_anonymous_goes_to_log_in_and_a_stranger_gets_404(client, client_for, patient, stranger):
    assert client.get(page(patient))["Location"].startswith("/accounts/login/")
    assert client_for(stranger).get(page(patient)).status_code == 404
    assert client_for(stranger).post(page(patient), VALID).status_code == 404
    assert not ReminderSettings.objects.exists()


def test_wrong_method_is_405(client_for, owner, patient):
    url = reverse("calendar_feed_create", kwargs={"pid": patient.public_id})
    assert client_for(owner).get(url).status_code == 405


def test_saving_keeps_times_in_the_diary_s_time_zone(client_for, owner, patient):
    patient.time_zone = "America/New_York"
    patient.save()
    response = client_for(owner).post(page(patient), VALID)
    assert response.status_code == 302
    saved = ReminderSettings.objects.get(user=owner, patient=patient)
    assert saved.medicine_times == ["08:00", "20:00"]
    assert saved.diary_time == time(20, 0)
    assert saved.next_visit_at == datetime(2025, 4, 2, 9, 30, tzinfo=ZoneInfo("America/New_York"))
    again = client_for(owner).get(page(patient)).content.decode()
    assert 'value="2025-04-02T09:30"' in again


def test_a_view_only_caregiver_sets_their_own_reminders(client_for, owner, patient, viewer):
    assert client_for(viewer).post(page(patient), VALID).status_code == 302
    assert ReminderSettings.objects.filter(user=viewer, patient=patient).exists()
    assert not ReminderSettings.objects.filter(user=owner).exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"medicine_times": "8am"}, "medicine_times", "“8am” is not a time"),
        ({"medicine_times": "06:00 08:00 12:00 18:00 22:00"}, "medicine_times", "at most 4"),
        ({"labs_every_weeks": "60"}, "labs_every_weeks", "from 1 to 52"),
        ({"quiet_start": "22:00"}, "quiet_end", "both times for quiet hours"),
        ({"diary_time": "25:00"}, "diary_time", "Type a time like 08:00"),
        ({"email_enabled": ""}, "email_enabled", "Choose email or push"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(
    client_for, owner, patient, change, field, message
):
    data = {**VALID, **change}
    response = client_for(owner).post(page(patient), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field])
    assert not ReminderSettings.objects.exists()


def test_recent_sends_and_failures_show_on_the_page(client_for, owner, patient):
    ReminderSettings.objects.create(user=owner, patient=patient)
    SentReminder.objects.create(
        user=owner,
        patient=patient,
        kind="diary",
        due_at=datetime(2025, 3, 1, 20, tzinfo=ZoneInfo("UTC")),
        send_at=datetime(2025, 3, 1, 20, tzinfo=ZoneInfo("UTC")),
        title="Time for Pat's diary",
        text="x",
        status="failed",
        last_error="Email could not be sent (connection refused).",
    )
    html = client_for(owner).get(page(patient)).content.decode()
    assert "Could not be sent" in html
    assert "connection refused" in html


# Calendar feed -----------------------------------------------------------------------------------


@pytest.fixture
def taper(patient, owner):
    medication = make_medication(patient, Purpose.STEROID, date(2025, 3, 1), dose="30")
    DoseStep.objects.create(medication=medication, starts_on=date(2025, 3, 15), dose="25")
    DoseStep.objects.create(medication=medication, starts_on=date(2025, 3, 29), dose="20")
    return medication


def make_feed(client, patient, **data) -> str:
    url = reverse("calendar_feed_create", kwargs={"pid": patient.public_id})
    response = client.post(url, data)
    assert response.status_code == 200
    url = response.context["new_feed_url"]
    html = response.content.decode()
    assert f'value="{url}"' in html  # shown this once, with its copy button
    assert 'data-copy="calendar-link"' in html
    return url


@time_machine.travel("2025-03-10 12:00Z", tick=False)
def test_the_calendar_feed_holds_the_taper_steps_and_parses(client_for, owner, patient, taper):
    client = client_for(owner)
    feed_url = make_feed(client, patient)
    assert feed_url.endswith(".ics")
    client.logout()
    response = client.get(feed_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    starts = sorted(event.decoded("dtstart") for event in events)
    assert starts == [date(2025, 3, 15), date(2025, 3, 29)]
    for event in events:
        assert str(event["summary"]) == "Medicine change for Pat"
        assert "mg" not in str(event["description"])  # doses are off by default


@time_machine.travel("2025-03-10 12:00Z", tick=False)
def test_doses_show_only_when_ticked(client_for, owner, patient, taper):
    client = client_for(owner)
    feed_url = make_feed(client, patient, show_doses="on")
    events = Calendar.from_ical(client.get(feed_url).content).walk("VEVENT")
    assert any("Prednisone 25 mg" in str(event["description"]) for event in events)
    assert all("Prednisone" not in str(event["summary"]) for event in events)


def test_a_revoked_or_replaced_feed_is_404(client_for, owner, patient, taper):
    client = client_for(owner)
    first = make_feed(client, patient)
    second = make_feed(client, patient)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    revoke = reverse("calendar_feed_revoke", kwargs={"pid": patient.public_id})
    assert client.post(revoke).status_code == 302
    assert client.get(second).status_code == 404
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 0


def test_a_feed_stops_when_its_person_loses_access(client_for, patient, viewer, taper):
    feed_url = make_feed(client_for(viewer), patient)
    patient.access.filter(user=viewer).update(
        revoked_at=datetime(2025, 3, 1, tzinfo=ZoneInfo("UTC"))
    )
    assert client_for(viewer).get(feed_url).status_code == 404


def test_a_made_up_feed_address_is_404(client):
    assert (
        client.get(reverse("calendar_feed", kwargs={"token": "x" * 43 + ".ics"})).status_code == 404
    )
    assert client.get(reverse("calendar_feed", kwargs={"token": "x" * 43})).status_code == 404


# Unsubscribe -------------------------------------------------------------------------------------


def unsubscribe_url(user, patient) -> str:
    return reverse("reminder_unsubscribe", kwargs={"token": unsubscribe_token(user.pk, patient.pk)})


def test_get_asks_and_one_click_post_stops_emails_without_log_in(client, owner, patient):
    ReminderSettings.objects.create(user=owner, patient=patient, email_enabled=True)
    url = unsubscribe_url(owner, patient)
    asked = client.get(url)
    assert asked.status_code == 200
    assert '<form method="post"' in asked.content.decode()
    assert ReminderSettings.objects.get(user=owner).email_enabled
    # What a mail app sends (RFC 8058): no cookie, no CSRF token.
    client.handler.enforce_csrf_checks = True
    done = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert not ReminderSettings.objects.get(user=owner).email_enabled


def test_a_forged_unsubscribe_token_is_404(client, owner, patient):
    ReminderSettings.objects.create(user=owner, patient=patient)
    token = unsubscribe_token(owner.pk, patient.pk)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.post(reverse("reminder_unsubscribe", kwargs={"token": forged})).status_code == 404
    assert ReminderSettings.objects.get(user=owner).email_enabled


def test_the_push_choice_shows_only_where_the_site_has_push_keys(
    client_for, owner, patient, settings
):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    html = client_for(owner).get(page(patient)).content.decode()
    assert 'name="push_enabled"' not in html
    assert 'id="push-panel"' in html  # the panel: "not on this site", and email instead
    use_new_vapid_keys(settings)
    assert 'name="push_enabled"' in client_for(owner).get(page(patient)).content.decode()
