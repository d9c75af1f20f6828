"""The CSV and FHIR JSON exports: who may download, headers, a query count that does not grow
with the data, and the FHIR Bundle valid against the R4 models."""

import csv
import io
import json
from datetime import date, time, timedelta
from decimal import Decimal as D

import pytest
import time_machine
from django.urls import reverse
from fhir.resources.bundle import Bundle

from tests.factories import make_day
from tracker.models import BloodPressure, DiaryDay, LabResult

pytestmark = pytest.mark.django_db
TODAY = date(2025, 3, 10)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-03-10 12:00Z", tick=False):
        yield


def url(name, patient):
    return reverse(name, kwargs={"pid": patient.public_id})


def fill(patient, days):
    start = TODAY - timedelta(days=days - 1)
    DiaryDay.objects.bulk_create(
        DiaryDay(patient=patient, date=start + timedelta(days=n), weight_kg=D("70.1"), dipstick=2)
        for n in range(days)
    )
    BloodPressure.objects.bulk_create(
        BloodPressure(
            patient=patient,
            date=start + timedelta(days=n),
            time=time(8),
            systolic=125,
            diastolic=80,
        )
        for n in range(days)
    )
    LabResult.objects.bulk_create(
        LabResult(
            patient=patient,
            date=start + timedelta(days=n),
            kind="albumin",
            value_entered=D("3.1"),
            unit_entered="g/dL",
            value=D("31"),
        )
        for n in range(0, days, 30)
    )


@pytest.mark.parametrize("name", ["export_csv", "export_json"])
def test_download_headers(client_for, owner, patient, name):
    response = client_for(owner).get(url(name, patient))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    extension = "csv" if name == "export_csv" else "json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="fsgs-diary-pat-patient-2025-03-10.{extension}"'
    )


def test_file_name_is_safe_whatever_the_patient_is_called(client_for, owner, patient):
    patient.display_name = '../"evil"\r\nX-Header: 1'
    patient.save()
    disposition = client_for(owner).get(url("export_csv", patient))["Content-Disposition"]
    assert disposition == 'attachment; filename="fsgs-diary-evil-x-header-1-2025-03-10.csv"'


def test_csv_content(client_for, owner, patient):
    make_day(patient, TODAY, owner, weight_kg=D("70.250"), note="@cmd", swelling_legs=2)
    BloodPressure.objects.create(
        patient=patient, date=TODAY, time=time(7, 30), systolic=131, diastolic=84, pulse=70
    )
    BloodPressure.objects.create(
        patient=patient, date=TODAY - timedelta(days=1), time=time(8), systolic=120, diastolic=80
    )
    response = client_for(owner).get(url("export_csv", patient))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["date"] for row in rows] == ["2025-03-09", "2025-03-10"]
    assert rows[0]["weight_kg"] == ""
    assert rows[0]["blood_pressure_mmhg"] == "08:00 120/80"
    assert rows[1]["weight_kg"] == "70.25"
    assert rows[1]["swelling_legs"] == "2"
    assert rows[1]["note"] == "'@cmd"
    assert rows[1]["blood_pressure_mmhg"] == "07:30 131/84 pulse 70"


def test_json_is_a_valid_fhir_r4_bundle(client_for, owner, patient):
    fill(patient, 40)
    response = client_for(owner).get(url("export_json", patient))
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    found = json.loads(response.content)
    bundle = Bundle.parse_obj(found)
    assert bundle.type == "collection"
    kinds = [entry["resource"]["resourceType"] for entry in found["entry"]]
    assert kinds[0] == "Patient"
    # 40 days x (weight, dipstick, one blood pressure) + 2 albumins; swelling and foam were
    # not recorded, and a grade not recorded is no Observation (not a 0).
    assert kinds.count("Observation") == 40 * 3 + 2


@pytest.mark.parametrize("name", ["export_csv", "export_json"])
@pytest.mark.parametrize("days", [30, 1825])
def test_query_count_does_not_grow(
    client_for, owner, patient, django_assert_num_queries, name, days
):
    fill(patient, days)
    client = client_for(owner)
    client.get(url(name, patient))  # the session's first save
    # session, user, patient; days, blood pressure (and labs for JSON)
    with django_assert_num_queries(6 if name == "export_json" else 5):
        assert client.get(url(name, patient)).status_code == 200


@pytest.mark.parametrize("name", ["export_csv", "export_json"])
def test_viewer_may_download(client_for, viewer, patient, name):
    assert client_for(viewer).get(url(name, patient)).status_code == 200


@pytest.mark.parametrize("name", ["export_csv", "export_json"])
def test_stranger_and_revoked_get_404(client_for, stranger, revoked, patient, name):
    assert client_for(stranger).get(url(name, patient)).status_code == 404
    assert client_for(revoked).get(url(name, patient)).status_code == 404


@pytest.mark.parametrize("name", ["export_csv", "export_json"])
def test_anonymous_goes_to_log_in(client, patient, name):
    response = client.get(url(name, patient))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("name", ["export_csv", "export_json"])
def test_post_is_405(client_for, owner, patient, name):
    assert client_for(owner).post(url(name, patient)).status_code == 405
