"""/patients/<pid>/diary/<yyyy-mm-dd>/: one day, to view, edit, delete (with undo)."""

from datetime import date, time, timedelta
from decimal import Decimal as D

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_day, make_patient
from tests.test_diary import HTMX, VALID, make_history
from tracker.models import BloodPressure, DiaryDay

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 10)
DAY = date(2025, 3, 3)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel("2025-03-10 12:00Z", tick=False) as traveller:
        yield traveller


def url(patient, day=DAY, name="diary_day") -> str:
    return reverse(name, kwargs={"pid": patient.public_id, "day": day})


# Who may open it ---------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, patient):
    for name in ("diary_day", "diary_day_delete"):
        response = client.get(url(patient, name=name))
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["stranger", "revoked"])
@pytest.mark.parametrize("name", ["diary_day", "diary_day_delete"])
def test_someone_without_access_gets_404(request, client_for, patient, owner, who, name):
    make_day(patient, DAY, owner)
    client = client_for(request.getfixturevalue(who))
    assert client.get(url(patient, name=name)).status_code == 404
    assert client.post(url(patient, name=name), VALID).status_code == 404
    assert DiaryDay.objects.count() == 1


def test_a_view_only_caregiver_reads_the_day_but_cannot_change_or_delete_it(
    client_for, patient, owner, viewer
):
    make_day(patient, DAY, owner, weight_kg=D("70"), dipstick=3, note="felt fine")
    client = client_for(viewer)
    page = client.get(url(patient)).content.decode()
    assert "70.0 kg" in page
    assert "felt fine" in page
    assert "Delete this day" not in page
    assert 'id="save-day"' not in page
    assert client.post(url(patient), {**VALID, "version": "1"}).status_code == 403
    assert client.get(url(patient, name="diary_day_delete")).status_code == 403
    assert client.post(url(patient, name="diary_day_delete")).status_code == 403
    assert DiaryDay.objects.get().weight_kg == D("70")


@pytest.mark.parametrize("method", ["put", "delete"])
def test_other_methods_are_405(client_for, patient, owner, method):
    client = client_for(owner)
    assert getattr(client, method)(url(patient)).status_code == 405
    assert getattr(client, method)(url(patient, name="diary_day_delete")).status_code == 405


@pytest.mark.parametrize("day", ["2025-03-11", "1980-04-30", "2025-02-30"])
def test_days_the_diary_cannot_hold_are_404(client_for, patient, owner, day):
    path = f"/patients/{patient.public_id}/diary/{day}/"
    assert client_for(owner).get(path).status_code == 404
    assert client_for(owner).post(path, VALID).status_code == 404
    assert not DiaryDay.objects.exists()


# Viewing and editing -----------------------------------------------------------------------------


def test_the_full_page_and_the_htmx_partial(client_for, patient, owner):
    client = client_for(owner)
    full = client.get(url(patient))
    partial = client.get(url(patient), **HTMX)
    assert "Pat Patient’s diary: Monday 3 March 2025" in full.content.decode()
    assert partial.content.decode().lstrip().startswith('<div id="day-main">')
    assert "HX-Request" in full["Vary"]


def test_a_day_links_to_the_days_around_it_but_not_to_tomorrow(client_for, patient, owner):
    client = client_for(owner)
    page = client.get(url(patient)).content.decode()
    assert url(patient, date(2025, 3, 2)) in page
    assert url(patient, date(2025, 3, 4)) in page
    today = client.get(url(patient, TODAY)).content.decode()
    assert url(patient, date(2025, 3, 11)) not in today


def test_an_empty_past_day_can_be_logged_without_javascript(client_for, patient, editor):
    response = client_for(editor).post(url(patient), VALID)
    assert response.status_code == 302
    assert response["Location"] == url(patient) + "#save-status"
    day = DiaryDay.objects.get()
    assert (day.date, day.entered_by, day.weight_kg) == (DAY, editor, D("70.500"))


def test_an_edit_with_htmx_updates_the_day_in_place(client_for, patient, owner):
    make_day(patient, DAY, owner, weight_kg=D("70"))
    response = client_for(owner).post(
        url(patient), {**VALID, "version": "1", "swelling_belly": "3"}, **HTMX
    )
    page = response.content.decode()
    assert "<html" not in page
    assert "Saved the entry for 3 Mar 2025." in page
    assert 'New alert: <a href="#alerts-title">Severe swelling</a>' in page
    assert DiaryDay.objects.get().version == 2


def test_a_stale_edit_is_refused_and_the_saved_values_kept(client_for, patient, owner, editor):
    make_day(patient, DAY, editor, weight_kg=D("72"), version=4)
    response = client_for(owner).post(url(patient), {**VALID, "version": "3"})
    page = response.content.decode()
    assert "Your changes were not saved" in page
    assert 'name="weight" value="72.0"' in page
    assert DiaryDay.objects.get().weight_kg == D("72")


def test_the_day_shows_the_alerts_triggered_on_it_only(client_for, patient, owner):
    for offset, grade in enumerate([4, 4, 4, 4]):
        make_day(patient, DAY - timedelta(days=2) + timedelta(days=offset), owner, dipstick=grade)
    page = client_for(owner).get(url(patient)).content.decode()
    assert page.count("Dipstick 3+ or more on 3 days in a row</h3>") == 0  # heading has a prefix
    assert "Dipstick 3+ or more on 3 days in a row" in page
    assert "Dipstick protein 3+ on 1 Mar 2025" in page
    earlier = client_for(owner).get(url(patient, DAY - timedelta(days=1))).content.decode()
    assert "No alerts on this day." in earlier


def test_last_saved_by_is_shown_in_the_patients_time(client_for, owner):
    patient = make_patient(owner, time_zone="America/Chicago")
    make_day(patient, DAY, owner)
    page = client_for(owner).get(url(patient)).content.decode()
    assert "Last saved by Olivia Owner on 10 Mar 2025, 07:00." in page


# As the diary page: the day and its look-back come in one window, its alerts' marks in one more.
DAY_PAGE_QUERIES = 10


@pytest.mark.parametrize("days", [30, 1825])
def test_the_day_page_reads_a_bounded_window(
    client_for, patient, owner, days, django_assert_num_queries
):
    make_history(patient, days, end=TODAY)
    client = client_for(owner)
    with django_assert_num_queries(DAY_PAGE_QUERIES):
        response = client.get(url(patient))
    assert response.status_code == 200
    assert len(response.context["window"].days) == 8


# Opening another day -----------------------------------------------------------------------------


def test_open_a_day_goes_to_its_page(client_for, patient, owner):
    go = reverse("diary_day_go", kwargs={"pid": patient.public_id})
    client = client_for(owner)
    assert client.get(go, {"date": "2025-03-03"})["Location"] == url(patient)
    response = client.get(go, {"date": "2025-03-11"}, follow=True)
    assert "The date cannot be in the future — you chose 2025-03-11." in response.content.decode()
    response = client.get(go, {"date": "March"}, follow=True)
    assert "Type a date, like 2025-03-01." in response.content.decode()
    assert client.post(go).status_code == 405


# Delete and undo ---------------------------------------------------------------------------------


def make_day_with_readings(patient, user):
    day = make_day(patient, DAY, user, weight_kg=D("70.4"), swelling_legs=2, note="ok", version=3)
    for hour in (8, 20):
        BloodPressure.objects.create(
            patient=patient, date=DAY, time=time(hour), systolic=130, diastolic=85, entered_by=user
        )
    return day


def test_delete_asks_first_and_says_what_goes_with_the_day(client_for, patient, owner):
    make_day_with_readings(patient, owner)
    page = client_for(owner).get(url(patient, name="diary_day_delete")).content.decode()
    assert "You are about to delete the diary entry for 3 Mar 2025." in page
    assert "The 2 blood pressure readings of that day are deleted with it." in page
    assert "You can undo this for 5 minutes." in page
    assert DiaryDay.objects.exists()


def test_delete_then_undo_brings_everything_back_as_it_was(client_for, patient, owner, editor):
    original = make_day_with_readings(patient, editor)
    client = client_for(owner)
    response = client.post(url(patient, name="diary_day_delete"), follow=True)
    assert not DiaryDay.objects.exists()
    assert not BloodPressure.objects.exists()
    page = response.content.decode()
    assert "Deleted the entry for 3 Mar 2025." in page
    assert "Undo the delete" in page
    response = client.post(reverse("diary_day_undo", kwargs={"pid": patient.public_id}))
    assert response["Location"] == url(patient)
    restored = DiaryDay.objects.get()
    assert (restored.pk, restored.weight_kg, restored.note, restored.version) == (
        original.pk,
        D("70.400"),
        "ok",
        3,
    )
    assert restored.entered_by == editor
    assert BloodPressure.objects.filter(patient=patient, date=DAY).count() == 2
    assert "Undo the delete" not in client.get(url(patient, TODAY)).content.decode()


def test_undo_is_refused_after_five_minutes(client_for, patient, owner, clock):
    make_day_with_readings(patient, owner)
    client = client_for(owner)
    client.post(url(patient, name="diary_day_delete"))
    clock.shift(timedelta(minutes=5, seconds=1))
    response = client.post(
        reverse("diary_day_undo", kwargs={"pid": patient.public_id}), follow=True
    )
    assert "the time to undo has passed" in response.content.decode()
    assert not DiaryDay.objects.exists()


def test_undo_does_not_overwrite_a_day_logged_again_since(client_for, patient, owner):
    make_day_with_readings(patient, owner)
    client = client_for(owner)
    client.post(url(patient, name="diary_day_delete"))
    client.post(url(patient), {**VALID, "weight": "75"})
    response = client.post(
        reverse("diary_day_undo", kwargs={"pid": patient.public_id}), follow=True
    )
    assert "so the deleted one was not brought back" in response.content.decode()
    assert DiaryDay.objects.get().weight_kg == D("75.000")
    assert not BloodPressure.objects.exists()


def test_undo_belongs_to_the_patient_it_was_deleted_from(client_for, patient, owner):
    make_day_with_readings(patient, owner)
    other = make_patient(owner)
    client = client_for(owner)
    client.post(url(patient, name="diary_day_delete"))
    response = client.post(reverse("diary_day_undo", kwargs={"pid": other.public_id}))
    assert response.status_code == 302
    assert not DiaryDay.objects.exists()
    assert (
        client.post(reverse("diary_day_undo", kwargs={"pid": patient.public_id})).status_code == 302
    )
    assert DiaryDay.objects.filter(patient=patient).exists()


def test_deleting_a_day_that_was_never_logged_is_404(client_for, patient, owner):
    assert client_for(owner).get(url(patient, name="diary_day_delete")).status_code == 404
    assert client_for(owner).post(url(patient, name="diary_day_delete")).status_code == 404
