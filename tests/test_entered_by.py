"""Entries record who entered them; the diary and day pages name them when not the owner."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_day
from tests.test_diary import VALID
from tracker.models import DiaryDay

pytestmark = pytest.mark.django_db

DAY = date(2025, 3, 9)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-03-10 12:00Z", tick=False):
        yield


def test_a_caregiver_save_records_the_caregiver(client_for, patient, editor):
    client_for(editor).post(
        reverse("diary_day", kwargs={"pid": patient.public_id, "day": DAY}),
        VALID,
    )
    assert DiaryDay.objects.get(patient=patient, date=DAY).entered_by == editor


def test_the_diary_names_a_caregiver_but_not_the_owner(client_for, patient, owner, editor):
    editor.name = "Eddie Editor"
    editor.save()
    make_day(patient, DAY, editor, weight_kg=70)
    make_day(patient, date(2025, 3, 8), owner, weight_kg=70)
    page = client_for(owner).get(reverse("patient_diary", args=[patient.public_id]))
    text = page.content.decode()
    assert text.count("entered by Eddie Editor") == 1
    assert "entered by Olivia Owner" not in text


def test_the_day_page_names_a_caregiver(client_for, patient, owner, editor, viewer):
    make_day(patient, DAY, editor, weight_kg=70)
    path = reverse("diary_day", kwargs={"pid": patient.public_id, "day": DAY})
    assert "Entered by editor@example.org." in client_for(viewer).get(path).content.decode()


def test_the_day_page_does_not_name_the_owner(client_for, patient, owner):
    make_day(patient, DAY, owner, weight_kg=70)
    path = reverse("diary_day", kwargs={"pid": patient.public_id, "day": DAY})
    assert "Entered by" not in client_for(owner).get(path).content.decode()
