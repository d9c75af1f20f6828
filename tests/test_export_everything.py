"""Download everything (the account page's "Your data"): one JSON file with the FHIR Bundle and
every record the Bundle leaves out; the owner's alone."""

import json
from datetime import date, time

import pytest
from django.urls import reverse

from tests.factories import make_day, make_medication, make_patient
from tracker.models import BloodPressure, DoseStep, Event, LabResult, Purpose, Question

pytestmark = pytest.mark.django_db


def url(patient):
    return reverse("export_everything", kwargs={"pid": patient.public_id})


@pytest.fixture
def records(patient, owner, editor):
    make_day(patient, date(2025, 3, 3), editor, weight_kg=31, note="tired")
    BloodPressure.objects.create(
        patient=patient, date=date(2025, 3, 3), time=time(8), systolic=120, diastolic=80
    )
    LabResult.objects.create(
        patient=patient,
        date=date(2025, 3, 3),
        kind="upcr",
        value_entered=1,
        unit_entered="g/g",
        value=1,
    )
    for name in ("Prednisolone", "Enalapril"):
        medication = make_medication(patient, Purpose.STEROID, date(2025, 1, 6), name=name)
        DoseStep.objects.create(medication=medication, starts_on=date(2025, 2, 1), dose=30)
    Event.objects.create(patient=patient, date=date(2025, 3, 4), kind="infection", note="cold")
    Question.objects.create(patient=patient, text="When can we taper?")


def test_the_owner_downloads_everything(client_for, owner, patient, records):
    response = client_for(owner).get(url(patient))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith(
        'attachment; filename="fsgs-diary-everything-pat-patient-'
    )
    data = json.loads(response.content)
    assert data["fhir_bundle"]["resourceType"] == "Bundle"
    assert data["patient"]["display_name"] == "Pat Patient"
    assert data["diary_days"][0]["note"] == "tired"
    assert data["diary_days"][0]["entered_by"] == "editor@example.org"
    assert data["blood_pressures"][0]["systolic"] == 120
    assert data["labs"][0]["kind"] == "upcr"
    assert [m["name"] for m in data["medications"]] == ["Prednisolone", "Enalapril"]
    assert [s["dose"] for s in data["medications"][0]["dose_steps"]] == ["40.000", "30.000"]
    assert data["events"][0]["note"] == "cold"
    assert data["questions"][0]["text"] == "When can we taper?"
    assert "id" not in data["events"][0]


def test_query_count_does_not_grow_with_medicines(
    client_for, owner, patient, records, django_assert_num_queries
):
    client = client_for(owner)
    client.get(url(patient))
    with django_assert_num_queries(14):  # 13, and the alerts' marks
        client.get(url(patient))


@pytest.mark.parametrize(("who", "status"), [("editor", 403), ("viewer", 403), ("stranger", 404)])
def test_only_the_owner(request, client_for, patient, who, status):
    assert client_for(request.getfixturevalue(who)).get(url(patient)).status_code == status


def test_the_account_page_links_downloads_for_owned_diaries(client_for, owner, patient, stranger):
    theirs = make_patient(stranger, display_name="Not Mine")
    body = client_for(owner).get(reverse("profile")).content.decode()
    assert url(patient) in body
    assert reverse("export_csv", kwargs={"pid": patient.public_id}) in body
    assert url(theirs) not in body
