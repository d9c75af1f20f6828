"""/patients/<pid>/medications/: medicines, dose changes and steroid taper steps."""

from datetime import date
from decimal import Decimal as D

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_medication, make_patient
from tracker.models import DoseStep, Medication, Purpose

pytestmark = pytest.mark.django_db

MEDICATION = {
    "name": "Prednisone",
    "purpose": "steroid",
    "started_on": "2025-01-06",
    "dose": "60",
    "unit": "mg",
    "frequency": "1/day",
}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-03-10 12:00Z", tick=False):
        yield


def url(patient, name="medication_list", **kwargs) -> str:
    return reverse(name, kwargs={"pid": patient.public_id, **kwargs})


def taper(*steps) -> dict:
    data = {"form-TOTAL_FORMS": "6", "form-INITIAL_FORMS": "0"}
    for index in range(6):
        data[f"form-{index}-unit"] = "mg"
        data[f"form-{index}-frequency"] = "1/day"
    for index, (starts_on, dose) in enumerate(steps):
        data[f"form-{index}-starts_on"] = starts_on
        data[f"form-{index}-dose"] = dose
    return data


def all_urls(patient, medication):
    step = medication.dose_steps.get()
    return [
        url(patient),
        url(patient, "medication_detail", pk=medication.pk),
        url(patient, "medication_stop", pk=medication.pk),
        url(patient, "medication_delete", pk=medication.pk),
        url(patient, "dose_step_delete", pk=medication.pk, step=step.pk),
    ]


def test_anonymous_visitors_are_sent_to_log_in(client, patient):
    medication = make_medication(patient, Purpose.STEROID, date(2025, 1, 6))
    for path in all_urls(patient, medication):
        assert client.post(path)["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("who", "status"), [("stranger", 404), ("revoked", 404), ("viewer", 403)])
def test_only_people_who_may_edit_change_medicines(request, client_for, patient, who, status):
    medication = make_medication(patient, Purpose.STEROID, date(2025, 1, 6))
    client = client_for(request.getfixturevalue(who))
    for path in all_urls(patient, medication):
        assert (
            client.post(path, {**MEDICATION, **taper(("2025-02-01", "50"))}).status_code == status
        )
    assert Medication.objects.count() == 1
    assert DoseStep.objects.count() == 1


def test_a_view_only_caregiver_reads_the_medicines(client_for, patient, viewer):
    medication = make_medication(patient, Purpose.STEROID, date(2025, 1, 6))
    client = client_for(viewer)
    page = client.get(url(patient)).content.decode()
    assert "Prednisone" in page
    assert "Add a medicine" not in page
    page = client.get(url(patient, "medication_detail", pk=medication.pk)).content.decode()
    assert "40 mg once a day" in page
    assert "Change the dose" not in page


def test_a_medicine_of_another_patient_is_404(client_for, patient, owner, stranger):
    theirs = make_medication(make_patient(stranger), Purpose.STEROID, date(2025, 1, 6))
    client = client_for(owner)
    for path in all_urls(patient, theirs)[1:]:  # the first is this patient's own list
        assert client.post(path, taper(("2025-02-01", "50"))).status_code == 404
    assert client.get(url(patient, "medication_detail", pk=theirs.pk)).status_code == 404


def test_wrong_methods_are_405(client_for, patient, owner):
    medication = make_medication(patient, Purpose.STEROID, date(2025, 1, 6))
    client = client_for(owner)
    assert client.put(url(patient)).status_code == 405
    assert client.get(url(patient, "medication_stop", pk=medication.pk)).status_code == 405
    step = medication.dose_steps.get()
    path = url(patient, "dose_step_delete", pk=medication.pk, step=step.pk)
    assert client.get(path).status_code == 405


def test_adding_a_medicine_with_its_first_dose(client_for, patient, owner, stranger):
    data = {**MEDICATION, "patient": make_patient(stranger).pk, "entered_by": stranger.pk}
    response = client_for(owner).post(url(patient), data)
    medication = Medication.objects.get()
    assert response["Location"] == url(patient, "medication_detail", pk=medication.pk)
    assert (medication.patient, medication.entered_by) == (patient, owner)
    step = medication.dose_steps.get()
    assert (step.dose, step.starts_on, step.entered_by) == (D("60"), date(2025, 1, 6), owner)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"dose": "0"}, "The dose must be more than 0 and at most 100000 — you typed 0."),
        ({"name": ""}, "This field is required."),
        (
            {"started_on": "1979-12-31"},
            "The date cannot be before the date of birth (1980-05-01) — you chose 1979-12-31.",
        ),
        (
            {"started_on": "2026-06-01"},
            "The date can be at most a year ahead — you chose 2026-06-01.",
        ),
    ],
)
def test_bad_medicine_input_is_explained_and_nothing_is_saved(
    client_for, patient, owner, changes, message
):
    response = client_for(owner).post(url(patient), {**MEDICATION, **changes})
    assert message in response.content.decode()
    assert not Medication.objects.exists()


def test_a_taper_is_entered_as_dated_steps_and_today_s_dose_follows_it(client_for, patient, owner):
    medication = make_medication(patient, Purpose.STEROID, date(2025, 1, 6), dose="60")
    client = client_for(owner)
    steps = taper(("2025-02-17", "50"), ("2025-03-03", "40"), ("2025-03-17", "30"))
    response = client.post(url(patient, "medication_detail", pk=medication.pk), steps, follow=True)
    assert response.redirect_chain == [(url(patient, "medication_detail", pk=medication.pk), 302)]
    assert "Saved 3 dose steps." in response.content.decode()
    assert "planned" in response.content.decode()
    assert [(s.starts_on.isoformat(), s.dose) for s in medication.dose_steps.all()] == [
        ("2025-01-06", 60),
        ("2025-02-17", 50),
        ("2025-03-03", 40),
        ("2025-03-17", 30),
    ]
    assert set(medication.dose_steps.values_list("entered_by", flat=True)) == {None, owner.pk}
    page = client.get(url(patient)).content.decode()
    assert "40 mg once a day" in page  # today's dose in the list


def test_a_bad_taper_step_saves_no_step(client_for, patient, owner):
    medication = make_medication(patient, Purpose.STEROID, date(2025, 1, 6), dose="60")
    steps = taper(("2025-02-17", "50"), ("2025-01-01", "40"))
    response = client_for(owner).post(url(patient, "medication_detail", pk=medication.pk), steps)
    assert (
        "A dose cannot start before the medicine started (2025-01-06)." in response.content.decode()
    )
    assert medication.dose_steps.count() == 1


def test_stopping_a_medicine(client_for, patient, owner):
    medication = make_medication(patient, Purpose.STEROID, date(2025, 1, 6))
    client = client_for(owner)
    path = url(patient, "medication_stop", pk=medication.pk)
    response = client.post(path, {"stopped_on": "2025-01-01"})
    assert (
        "The stop date cannot be before the start date (2025-01-06)." in response.content.decode()
    )
    assert client.post(path, {"stopped_on": "2025-03-01"}).status_code == 302
    medication.refresh_from_db()
    assert (medication.stopped_on, medication.entered_by) == (date(2025, 3, 1), owner)
    assert "Stopped or not started yet" in client.get(url(patient)).content.decode()


def test_a_dose_step_can_be_deleted_but_not_the_first(client_for, patient, owner):
    medication = make_medication(patient, Purpose.STEROID, date(2025, 1, 6))
    later = DoseStep.objects.create(medication=medication, starts_on=date(2025, 2, 1), dose=30)
    first = medication.dose_steps.get(starts_on=date(2025, 1, 6))
    client = client_for(owner)
    client.post(url(patient, "dose_step_delete", pk=medication.pk, step=first.pk))
    client.post(url(patient, "dose_step_delete", pk=medication.pk, step=later.pk))
    assert list(medication.dose_steps.all()) == [first]


def test_deleting_a_medicine_asks_first(client_for, patient, owner):
    medication = make_medication(patient, Purpose.STEROID, date(2025, 1, 6))
    client = client_for(owner)
    path = url(patient, "medication_delete", pk=medication.pk)
    assert "Prednisone and all its doses" in client.get(path).content.decode()
    assert Medication.objects.exists()
    assert client.post(path)["Location"] == url(patient)
    assert not Medication.objects.exists()
    assert not DoseStep.objects.exists()
