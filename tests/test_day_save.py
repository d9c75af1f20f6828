"""One save (issue #11): the day's values and its new blood pressure readings go in one POST,
all or nothing, with and without JavaScript; the save button and its status sit together."""

import re
from datetime import date, time, timedelta
from decimal import Decimal as D

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_day, make_patient
from tests.test_diary import HTMX, VALID
from tracker.models import BloodPressure, DiaryDay

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 10)
PAST = date(2025, 3, 3)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-03-10 12:00Z", tick=False):
        yield


def diary_url(patient) -> str:
    return reverse("patient_diary", kwargs={"pid": patient.public_id})


def day_url(patient, day=PAST) -> str:
    return reverse("diary_day", kwargs={"pid": patient.public_id, "day": day})


def with_rows(*rows: dict, **day) -> dict:
    """The day form's data with `rows` of new readings (time, systolic, diastolic, pulse)."""
    data = {**VALID, **day, "bp-TOTAL_FORMS": str(len(rows)), "bp-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        data.update({f"bp-{index}-{name}": value for name, value in row.items()})
    return data


READING = {"time": "08:15", "systolic": "128", "diastolic": "84", "pulse": "70"}
EMPTY_ROW = {"time": "12:00", "systolic": "", "diastolic": "", "pulse": ""}


# One save ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_one_post_saves_the_weight_and_a_reading(client_for, patient, owner, htmx):
    data = with_rows(READING, EMPTY_ROW, weight="71.2")
    response = client_for(owner).post(diary_url(patient), data, **(HTMX if htmx else {}))
    assert response.status_code == (200 if htmx else 302)
    day = DiaryDay.objects.get()
    assert (day.date, day.weight_kg, day.entered_by) == (TODAY, D("71.200"), owner)
    reading = BloodPressure.objects.get()  # the empty row is ignored
    assert (reading.date, reading.time, reading.entered_by) == (TODAY, time(8, 15), owner)
    assert (reading.systolic, reading.diastolic, reading.pulse) == (128, 84, 70)
    page = client_for(owner).get(diary_url(patient)).content.decode()
    assert 'name="weight" value="71.2"' in page
    assert "<td>128/84</td>" in page


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({"systolic": "128"}, "diastolic", "Type the bottom number too, or clear this reading."),
        ({"diastolic": "84"}, "systolic", "Type the top number too, or clear this reading."),
        ({"pulse": "70"}, "systolic", "Type the top number too, or clear this reading."),
    ],
)
def test_a_half_typed_reading_saves_nothing_and_says_why(
    client_for, patient, owner, htmx, row, field, message
):
    data = with_rows(READING, {**EMPTY_ROW, **row}, weight="71.2")
    response = client_for(owner).post(diary_url(patient), data, **(HTMX if htmx else {}))
    assert response.status_code == 200
    page = response.content.decode()
    error = re.search(
        rf'<div class="invalid-feedback d-block" id="id_bp-1-{field}_error">(.*?)</div>', page
    )
    assert message in error.group(1)
    assert "Nothing was saved. Please check the fields marked in red." in page
    assert not DiaryDay.objects.exists()
    assert not BloodPressure.objects.exists()
    # What was typed is still in the form, ready to complete.
    assert 'name="weight" value="71.2"' in page
    assert 'name="bp-0-systolic" value="128"' in page


def test_more_rows_than_allowed_are_refused(client_for, patient, owner):
    data = with_rows(*[READING] * 7)
    response = client_for(owner).post(diary_url(patient), data)
    assert response.status_code == 200
    assert not BloodPressure.objects.exists()
    assert not DiaryDay.objects.exists()


def test_a_reading_added_to_a_saved_day_leaves_the_day_as_it_was(client_for, patient, editor):
    saved = make_day(patient, PAST, None, weight_kg=D("70.5"), swelling_legs=1, foam=1, version=3)
    data = with_rows(READING, version="3", swelling_legs="1", foam="1", swelling_face="0")
    data.update(swelling_face="", swelling_hands="", swelling_belly="", dipstick="")
    data.update(medicines_taken="")
    response = client_for(editor).post(day_url(patient), data)
    assert response.status_code == 302
    day = DiaryDay.objects.get()
    assert (day.version, day.entered_by, day.updated_at) == (3, None, saved.updated_at)
    assert BloodPressure.objects.get().entered_by == editor


def test_ticked_readings_are_deleted_by_the_save_and_only_the_days_own(client_for, patient, owner):
    ours = [
        BloodPressure.objects.create(
            patient=patient, date=PAST, time=time(hour), systolic=130, diastolic=80
        )
        for hour in (8, 20)
    ]
    theirs = BloodPressure.objects.create(
        patient=make_patient(display_name="Someone Else"),
        date=PAST,
        time=time(8),
        systolic=120,
        diastolic=80,
    )
    data = with_rows(EMPTY_ROW, delete_reading=[str(ours[0].pk), str(theirs.pk)])
    assert client_for(owner).post(day_url(patient), data).status_code == 302
    assert set(BloodPressure.objects.all()) == {ours[1], theirs}


def test_a_refused_save_deletes_nothing(client_for, patient, owner):
    reading = BloodPressure.objects.create(
        patient=patient, date=PAST, time=time(8), systolic=130, diastolic=80
    )
    data = with_rows(EMPTY_ROW, weight="4000", delete_reading=str(reading.pk))
    assert client_for(owner).post(day_url(patient), data).status_code == 200
    assert BloodPressure.objects.filter(pk=reading.pk).exists()


def test_a_stale_edit_saves_no_reading_and_shows_it_back(client_for, patient, owner, editor):
    make_day(patient, PAST, editor, weight_kg=D("72"), version=2)
    data = with_rows(READING, version="1", weight="80")
    page = client_for(owner).post(day_url(patient), data).content.decode()
    assert "Your changes were not saved" in page
    assert re.search(r"<dt[^>]*>Blood pressure</dt><dd[^>]*>08:15 128/84</dd>", page)
    assert not BloodPressure.objects.exists()
    assert DiaryDay.objects.get().weight_kg == D("72")


def test_without_javascript_another_row_is_added_and_nothing_saved(client_for, patient, owner):
    data = with_rows(READING, weight="71.2", add_reading="1")
    response = client_for(owner).post(diary_url(patient), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="bp-TOTAL_FORMS" value="2"' in page
    assert 'name="bp-0-systolic" value="128"' in page
    assert 'name="bp-1-time" value="12:00"' in page
    assert 'name="weight" value="71.2"' in page
    assert not DiaryDay.objects.exists()
    assert not BloodPressure.objects.exists()


def test_an_older_post_without_rows_still_saves_the_day(client_for, patient, owner):
    assert client_for(owner).post(diary_url(patient), VALID).status_code == 302
    assert DiaryDay.objects.get().weight_kg == D("70.500")


# Where the person is looking ---------------------------------------------------------------------


def test_without_javascript_the_save_lands_on_its_status_with_the_new_alert(
    client_for, patient, owner
):
    make_day(patient, TODAY - timedelta(days=1), owner, weight_kg=D("70"))
    client = client_for(owner)
    response = client.post(diary_url(patient), with_rows(EMPTY_ROW, weight="71.5"))
    assert response["Location"] == diary_url(patient) + "#save-status"
    page = client.get(diary_url(patient)).content.decode()
    status = re.search(r'<div id="save-status"[^>]*>(.*?)</div>', page).group(1)
    assert "Saved the entry for 10 Mar 2025." in status
    assert "Weight up 1.5 kg (3.3 lb) in 1 day" in status
    # Told once: the next visit shows no stale confirmation.
    page = client.get(diary_url(patient)).content.decode()
    assert re.search(r'<div id="save-status"[^>]*></div>', page)


def test_the_save_button_and_its_status_share_the_bar(client_for, patient, owner):
    page = client_for(owner).get(diary_url(patient)).content.decode()
    bar = re.search(r'<div class="save-bar">(.*?)</form>', page, re.S).group(1)
    assert 'id="save-day"' in bar
    assert re.search(r'<div id="save-status" class="save-status" role="status" tabindex="-1">', bar)
    assert '<script src="/static/js/unsaved.js" defer></script>' in page
    assert '<script src="/static/js/day-form.js" defer></script>' in page


def test_the_form_is_ordered_by_how_often_values_change(client_for, patient, owner):
    page = client_for(owner).get(diary_url(patient)).content.decode()
    form = re.search(r'<form method="post" action="[^"]*" hx-post.*?</form>', page, re.S).group(0)
    names = list(dict.fromkeys(re.findall(r'name="([a-z_]+|bp-0-[a-z]+)"', form)))
    order = [
        "weight",
        "swelling_face",
        "foam",
        "bp-0-time",
        "bp-0-systolic",
        "dipstick",
        "temperature",
        "symptom_leg_swollen",
        "medicines_taken",
        "note",
    ]
    assert [name for name in names if name in order] == order


def test_a_view_only_caregiver_sees_the_readings_without_a_form(client_for, patient, viewer):
    BloodPressure.objects.create(
        patient=patient, date=TODAY, time=time(8), systolic=130, diastolic=80
    )
    page = client_for(viewer).get(diary_url(patient)).content.decode()
    assert "<td>130/80</td>" in page
    assert "bp-TOTAL_FORMS" not in page
    assert "delete_reading" not in page
    assert "unsaved.js" not in page
