"""CSV import of past days: per-row problems in plain words, nothing saved while a row is bad
unless the valid rows are chosen, existing days skipped or replaced with confirmation, and the
export -> import round trip returning the same data."""

from datetime import date, time, timedelta
from decimal import Decimal as D

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import make_day, make_patient
from tracker import exports
from tracker.models import BloodPressure, DiaryDay

pytestmark = pytest.mark.django_db
TODAY = date(2025, 3, 10)
HEADER = ",".join(exports.COLUMN_NAMES) + "\n"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-03-10 12:00Z", tick=False):
        yield


def url(patient):
    return reverse("diary_import", kwargs={"pid": patient.public_id})


def upload(client, patient, text: str, **options):
    data = {"file": SimpleUploadedFile("days.csv", text.encode()), "existing": "skip", **options}
    return client.post(url(patient), data)


def row(on="2025-03-01", weight="70.5", bp="08:00 120/80", note="", **cells) -> str:
    values = {
        "date": on,
        "weight_kg": weight,
        "blood_pressure_mmhg": bp,
        "note": note,
        "urine_foam": "1",
        **cells,
    }
    return ",".join(values.get(name, "") for name in exports.COLUMN_NAMES) + "\n"


def test_valid_file_is_imported_and_says_so(client_for, owner, patient):
    response = upload(client_for(owner), patient, HEADER + row() + row("2025-03-02", bp=""))
    assert response.status_code == 302
    assert [day.date for day in DiaryDay.objects.filter(patient=patient)] == [
        date(2025, 3, 2),
        date(2025, 3, 1),
    ]
    day = DiaryDay.objects.get(patient=patient, date=date(2025, 3, 1))
    assert (day.weight_kg, day.foam, day.entered_by) == (D("70.500"), 1, owner)
    reading = BloodPressure.objects.get(patient=patient)
    assert (reading.time, reading.systolic, reading.diastolic) == (time(8), 120, 80)
    page = client_for(owner).get(response["Location"]).content.decode()
    assert "Imported 2 days." in page


def test_a_bad_row_saves_nothing_and_lists_problems(client_for, owner, patient):
    text = (
        HEADER
        + row()
        + row("2025-03-02", weight="4000", bp="08:00 80/120")
        + row("2025-03-99")
        + row("2025-03-20")
        + row("2025-03-03", swelling_legs="5", dipstick_protein="lots", less_urine="maybe")
        + row("2025-03-01")
    )
    response = upload(client_for(owner), patient, text)
    assert response.status_code == 200
    assert not DiaryDay.objects.exists()
    assert not BloodPressure.objects.exists()
    problems = [(p.row, p.column, p.message) for p in response.context["result"].problems]
    assert (3, "weight_kg", "Weight must be between 2 and 400 kg — you typed 4000.") in problems
    assert (
        3,
        "blood_pressure_mmhg",
        "reading 1: The bottom number must be lower than the top number — you typed 80 over 120.",
    ) in problems
    assert (4, "date", "“2025-03-99” is not a date like 2025-03-01") in problems
    assert (
        5,
        "date",
        "The date cannot be in the future — you chose 2025-03-20.",
    ) in problems
    assert (6, "swelling_legs", "Choose a grade from 0 to 3.") in problems
    assert (6, "dipstick_protein", "Choose a dipstick result from the list.") in problems
    assert (6, "less_urine", "write yes or no — it says “maybe”") in problems
    assert (7, "date", "2025-03-01 is already on row 2; each day can appear once") in problems
    page = response.content.decode()
    assert "5 of 6 rows have problems. Nothing was saved." in page
    assert "<caption" in page


def test_import_the_valid_rows_when_chosen(client_for, owner, patient):
    text = HEADER + row() + row("2025-03-02", weight="4000")
    response = upload(client_for(owner), patient, text, import_valid="on")
    assert response.status_code == 200
    assert list(DiaryDay.objects.values_list("date", flat=True)) == [date(2025, 3, 1)]
    assert "Imported 1 day. Left out 1 row with problems." in response.content.decode()


def test_existing_days_are_skipped_and_named(client_for, owner, patient):
    make_day(patient, date(2025, 3, 1), owner, weight_kg=D("80"))
    response = upload(client_for(owner), patient, HEADER + row() + row("2025-03-02"))
    assert response.status_code == 302
    assert DiaryDay.objects.get(date=date(2025, 3, 1)).weight_kg == D("80")
    assert not BloodPressure.objects.filter(date=date(2025, 3, 1)).exists()
    page = client_for(owner).get(response["Location"]).content.decode()
    assert (
        "Imported 1 day. Skipped 1 day that already had entries (2025-03-01): nothing there was "
        "changed."
    ) in page


def test_replacing_needs_confirmation(client_for, owner, patient):
    make_day(patient, date(2025, 3, 1), owner, weight_kg=D("80"))
    response = upload(client_for(owner), patient, HEADER + row(), existing="replace")
    assert "Tick this box to confirm" in response.content.decode()
    assert DiaryDay.objects.get(date=date(2025, 3, 1)).weight_kg == D("80")


def test_replace_overwrites_the_day_and_its_readings(client_for, owner, editor, patient):
    old = make_day(patient, date(2025, 3, 1), owner, weight_kg=D("80"), note="old")
    BloodPressure.objects.create(
        patient=patient, date=date(2025, 3, 1), time=time(9), systolic=150, diastolic=95
    )
    response = upload(
        client_for(editor), patient, HEADER + row(), existing="replace", confirm_replace="on"
    )
    assert response.status_code == 302
    day = DiaryDay.objects.get(date=date(2025, 3, 1))
    assert (day.pk, day.weight_kg, day.note, day.version, day.entered_by) == (
        old.pk,
        D("70.500"),
        "",
        old.version + 1,
        editor,
    )
    assert list(BloodPressure.objects.values_list("systolic", flat=True)) == [120]


def test_a_file_that_cannot_be_read_says_why(client_for, owner, patient):
    response = upload(client_for(owner), patient, "weight,when\n70,today\n")
    assert "The file could not be read. Nothing was saved." in response.content.decode()
    response = client_for(owner).post(
        url(patient),
        {
            "file": SimpleUploadedFile("x.csv", "date\n2025-03-01\n".encode("utf-16")),
            "existing": "skip",
        },
    )
    assert "The file is not UTF-8 text" in response.content.decode()


def test_round_trip_export_then_import_into_a_fresh_patient(client_for, owner, patient):
    start = TODAY - timedelta(days=20)
    for offset in range(0, 20, 2):
        make_day(
            patient,
            start + timedelta(days=offset),
            owner,
            weight_kg=D("70.125") + offset,
            temperature_c=D("37.45"),
            swelling_face=offset % 4,
            foam=offset % 3,
            dipstick=offset % 6 if offset % 4 else None,
            less_urine=offset == 4,
            medicines_taken=["all", "some", "none", ""][offset % 4],
            note=["", "=SUM(A1)", "'quoted", 'tired, "dizzy"\nline two', "-5 kg"][offset % 5],
        )
        BloodPressure.objects.create(
            patient=patient,
            date=start + timedelta(days=offset + 1),
            time=time(8, 15),
            systolic=128,
            diastolic=82,
            pulse=66,
        )
    client = client_for(owner)
    exported = client.get(reverse("export_csv", kwargs={"pid": patient.public_id})).content
    fresh = make_patient(owner, display_name="Fresh", birth_date=date(1980, 5, 1))
    assert upload(client, fresh, exported.decode()).status_code == 302
    again = client.get(reverse("export_csv", kwargs={"pid": fresh.public_id})).content
    assert again == exported
    fields = [
        "date",
        "weight_kg",
        "temperature_c",
        "swelling_face",
        "foam",
        "dipstick",
        "less_urine",
        "medicines_taken",
        "note",
    ]
    assert list(fresh.diary_days.values_list(*fields)) == list(
        patient.diary_days.values_list(*fields)
    )
    reading_fields = ["date", "time", "systolic", "diastolic", "pulse"]
    assert list(fresh.blood_pressures.values_list(*reading_fields)) == list(
        patient.blood_pressures.values_list(*reading_fields)
    )


def test_get_shows_the_columns(client_for, owner, patient):
    page = client_for(owner).get(url(patient)).content.decode()
    for name in exports.COLUMN_NAMES:
        assert f"<code>{name}</code>" in page


def test_viewer_may_not_import(client_for, viewer, patient):
    assert client_for(viewer).get(url(patient)).status_code == 403
    assert upload(client_for(viewer), patient, HEADER + row()).status_code == 403
    assert not DiaryDay.objects.exists()


def test_stranger_gets_404(client_for, stranger, patient):
    assert upload(client_for(stranger), patient, HEADER + row()).status_code == 404


def test_anonymous_goes_to_log_in(client, patient):
    response = client.get(url(patient))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
