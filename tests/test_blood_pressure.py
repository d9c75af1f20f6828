"""Blood pressure readings, added and deleted in place on the diary and day pages."""

from datetime import date, time

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_patient
from tests.test_diary import HTMX, VALID
from tracker.models import BloodPressure, DiaryDay

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 10)
DAY = date(2025, 3, 3)
READING = {"time": "08:15", "systolic": "128", "diastolic": "84", "pulse": "70"}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-03-10 12:00Z", tick=False):
        yield


def add_url(patient, day=DAY) -> str:
    return reverse("blood_pressure_add", kwargs={"pid": patient.public_id, "day": day})


def delete_url(patient, reading) -> str:
    return reverse("blood_pressure_delete", kwargs={"pid": patient.public_id, "pk": reading.pk})


def make_reading(patient, day=DAY, **fields):
    fields = {"time": time(8), "systolic": 120, "diastolic": 80, **fields}
    return BloodPressure.objects.create(patient=patient, date=day, **fields)


def test_anonymous_visitors_are_sent_to_log_in(client, patient):
    response = client.post(add_url(patient), READING)
    assert response["Location"].startswith("/accounts/login/")
    assert not BloodPressure.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("stranger", 404), ("revoked", 404), ("viewer", 403)])
def test_only_people_who_may_edit_add_or_delete_readings(request, client_for, patient, who, status):
    reading = make_reading(patient)
    client = client_for(request.getfixturevalue(who))
    assert client.post(add_url(patient), READING).status_code == status
    assert client.post(delete_url(patient, reading)).status_code == status
    assert list(BloodPressure.objects.all()) == [reading]


def test_a_reading_of_another_patient_is_404(client_for, patient, owner, stranger):
    theirs = make_reading(make_patient(stranger))
    assert client_for(owner).post(delete_url(patient, theirs)).status_code == 404
    assert BloodPressure.objects.filter(pk=theirs.pk).exists()


def test_get_is_405(client_for, patient, owner):
    reading = make_reading(patient)
    client = client_for(owner)
    assert client.get(add_url(patient)).status_code == 405
    assert client.get(delete_url(patient, reading)).status_code == 405


def test_a_reading_for_a_future_day_is_404(client_for, patient, owner):
    response = client_for(owner).post(add_url(patient, date(2025, 3, 11)), READING)
    assert response.status_code == 404
    assert not BloodPressure.objects.exists()


def test_without_javascript_a_reading_is_saved_and_the_page_reloads(client_for, patient, owner):
    client = client_for(owner)
    response = client.post(add_url(patient), READING)
    assert response["Location"] == reverse(
        "diary_day", kwargs={"pid": patient.public_id, "day": DAY}
    )
    response = client.post(add_url(patient, TODAY), {**READING, "back": "diary"})
    assert response["Location"] == reverse("patient_diary", kwargs={"pid": patient.public_id})
    reading = BloodPressure.objects.get(date=TODAY)
    assert (reading.patient, reading.entered_by, reading.time) == (patient, owner, time(8, 15))
    assert (reading.systolic, reading.diastolic, reading.pulse) == (128, 84, 70)


def test_with_htmx_a_very_high_reading_shows_its_alert_in_place(client_for, patient, owner):
    data = {**READING, "systolic": "185", "diastolic": "95", "back": "diary"}
    response = client_for(owner).post(add_url(patient, TODAY), data, **HTMX)
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="diary-main">')
    assert "Act now:" in page
    assert "Blood pressure 185/95 mmHg on 10 Mar 2025" in page
    assert 'href="/learn/when-to-call/#high-blood-pressure"' in page
    assert "<td>185/95</td>" in page


def test_the_diary_offers_the_current_time_for_todays_reading(client_for, patient, owner):
    page = client_for(owner).get(reverse("patient_diary", args=[patient.public_id])).content
    assert b'name="bp-0-time" value="12:00"' in page


BAD_READINGS = [
    (
        {"systolic": "49"},
        "systolic",
        "The top number must be between 50 and 300 mmHg — you typed 49.",
    ),
    (
        {"systolic": "301"},
        "systolic",
        "The top number must be between 50 and 300 mmHg — you typed 301.",
    ),
    (
        {"diastolic": "19"},
        "diastolic",
        "The bottom number must be between 20 and 200 mmHg — you typed 19.",
    ),
    (
        {"systolic": "250", "diastolic": "201"},
        "diastolic",
        "The bottom number must be between 20 and 200 mmHg — you typed 201.",
    ),
    (
        {"systolic": "84", "diastolic": "128"},
        "diastolic",
        "The bottom number must be lower than the top number — you typed 84 over 128.",
    ),
    (
        {"systolic": "90", "diastolic": "90"},
        "diastolic",
        "The bottom number must be lower than the top number — you typed 90 over 90.",
    ),
    ({"pulse": "19"}, "pulse", "Pulse must be between 20 and 250 beats a minute — you typed 19."),
    ({"systolic": "high"}, "systolic", "Type a whole number, like 120."),
    ({"time": ""}, "time", "Type the time of this reading, like 08:30."),
    ({"time": "8 o'clock"}, "time", "Type a time, like 08:30."),
]


def as_day_form(reading: dict) -> dict:
    """A day's values with `reading` typed in the day form's first row of new readings."""
    rows = {f"bp-0-{name}": value for name, value in reading.items()}
    return {**VALID, **rows, "bp-TOTAL_FORMS": "1", "bp-INITIAL_FORMS": "0"}


@pytest.mark.parametrize(("changes", "field", "message"), BAD_READINGS)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("via", ["reading form", "day form"])
def test_bad_readings_are_explained_next_to_the_field_and_nothing_is_saved(
    client_for, patient, owner, changes, field, message, htmx, via
):
    data = {**READING, **changes}
    if via == "day form":
        url = reverse("diary_day", kwargs={"pid": patient.public_id, "day": DAY})
        data = as_day_form(data)
    else:
        url = add_url(patient)
    response = client_for(owner).post(url, data, **(HTMX if htmx else {}))
    assert response.status_code == 200
    page = response.content.decode()
    assert message.replace("'", "&#x27;") in page
    assert f'id="id_bp-0-{field}_error"' in page
    assert not BloodPressure.objects.exists()
    assert not DiaryDay.objects.exists()  # the day's values wait for a complete reading


def test_posting_patient_date_or_entered_by_changes_nothing(client_for, patient, owner, stranger):
    other = make_patient(stranger)
    data = {**READING, "patient": other.pk, "date": "2020-01-01", "entered_by": stranger.pk}
    client_for(owner).post(add_url(patient), data)
    reading = BloodPressure.objects.get()
    assert (reading.patient, reading.date, reading.entered_by) == (patient, DAY, owner)


def test_deleting_a_reading_in_place(client_for, patient, owner):
    reading = make_reading(patient, TODAY, systolic=190)
    client = client_for(owner)
    response = client.post(delete_url(patient, reading), {"back": "diary"}, **HTMX)
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="diary-main">')
    assert "Very high blood pressure" not in page
    assert not BloodPressure.objects.exists()
    other = make_reading(patient, DAY)
    response = client.post(delete_url(patient, other))
    assert response["Location"] == reverse(
        "diary_day", kwargs={"pid": patient.public_id, "day": DAY}
    )
