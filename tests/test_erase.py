"""Deleting a patient or a whole account after the password (GDPR's right to erase): every
row tied to it goes, rows of other people's patients stay."""

from datetime import UTC, date, datetime, time

import pytest
from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from fsgs_portal.accounts.models import User
from tests.factories import (
    PASSWORD,
    grant_access,
    make_day,
    make_medication,
    make_patient,
    make_user,
)
from tracker.models import (
    AccessLog,
    AlertContact,
    BloodPressure,
    CalendarFeed,
    CareAccess,
    ClinicianLink,
    Event,
    Invitation,
    LabResult,
    Patient,
    Purpose,
    Question,
    ReminderSettings,
    Role,
    SentReminder,
)

pytestmark = pytest.mark.django_db

DAY = date(2025, 3, 3)


def fill(patient, user):
    """One or more rows in every table that hangs off a patient."""
    make_day(patient, DAY, user, weight_kg=70)
    make_medication(patient, Purpose.STEROID, date(2025, 1, 6))
    BloodPressure.objects.create(
        patient=patient, date=DAY, time=time(8), systolic=120, diastolic=80, entered_by=user
    )
    LabResult.objects.create(
        patient=patient, date=DAY, kind="upcr", value_entered=1, unit_entered="g/g", value=1
    )
    Event.objects.create(patient=patient, date=DAY, kind="infection")
    Question.objects.create(patient=patient, text="Why?")
    Invitation.issue(patient, "someone@example.org", Role.VIEW, user)
    ClinicianLink.issue(patient, date(2025, 2, 1), DAY, 7, user)
    AccessLog.objects.create(
        patient=patient, user=user, who=str(user), action="view", path="/", method="GET", status=200
    )
    AlertContact.objects.create(
        patient=patient,
        rule="weight_gain_1d",
        triggered_on=DAY,
        marked_by=user,
        marked_by_name=str(user),
    )
    ReminderSettings.objects.create(user=user, patient=patient, diary_enabled=True)
    moment = datetime(2025, 3, 3, 20, tzinfo=UTC)
    SentReminder.objects.create(
        user=user, patient=patient, kind="diary", due_at=moment, send_at=moment, title="t", text="t"
    )
    CalendarFeed.issue(user, patient)


def row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in [*apps.get_app_config("tracker").get_models(), User]
    }


def test_every_tracker_model_is_counted():
    """A model added later that hangs off Patient is counted by row_counts()."""
    names = set(row_counts())
    assert {"DiaryDay", "BloodPressure", "LabResult", "Medication", "DoseStep", "Event"} <= names
    assert {"Question", "CareAccess", "Invitation", "AccessLog", "ClinicianLink"} <= names
    assert {"AlertContact", "ReminderSettings", "SentReminder", "CalendarFeed"} <= names


def test_deleting_a_patient_removes_every_row_tied_to_it(client_for, owner, patient, viewer):
    fill(patient, owner)
    other = make_patient(owner, display_name="Kept Sibling")
    fill(other, owner)
    before = row_counts()
    client = client_for(owner)
    path = reverse("patient_delete", args=[patient.public_id])
    assert "viewer@example.org" in client.get(path).content.decode()  # who loses access
    response = client.post(path, {"password": PASSWORD})
    assert response.status_code == 302
    after = row_counts()
    per_patient = {"Patient": 1, "DiaryDay": 1, "BloodPressure": 1, "LabResult": 1}
    per_patient |= {"Medication": 1, "DoseStep": 1, "Event": 1, "Question": 1}
    per_patient |= {"Invitation": 1, "ClinicianLink": 1, "AccessLog": 1, "AlertContact": 1}
    per_patient |= {"ReminderSettings": 1, "SentReminder": 1, "CalendarFeed": 1}
    per_patient |= {"CareAccess": 2}  # the owner's and the viewer's
    for model, count in before.items():
        assert after[model] == count - per_patient.get(model, 0), model
    assert Patient.objects.filter(display_name="Kept Sibling").exists()


def test_deleting_a_patient_needs_the_password_every_time(client_for, owner, patient):
    client = client_for(owner)
    path = reverse("patient_delete", args=[patient.public_id])
    client.post(
        reverse("sharing_invite", args=[patient.public_id]),
        {"email": "a@example.org", "role": "view", "password": PASSWORD},
    )
    response = client.post(path, {})
    assert response.status_code == 200
    response = client.post(path, {"password": "not the password"})
    assert "That is not your password" in response.content.decode()
    assert Patient.objects.filter(pk=patient.pk).exists()


def test_caregivers_cannot_delete_a_patient(client_for, patient, editor, stranger):
    path = reverse("patient_delete", args=[patient.public_id])
    assert client_for(editor).post(path, {"password": PASSWORD}).status_code == 403
    assert client_for(stranger).post(path, {"password": PASSWORD}).status_code == 404
    assert Patient.objects.filter(pk=patient.pk).exists()


def test_deleting_the_account_removes_its_patients_and_keeps_other_people_s(
    client, client_for, owner, patient, editor
):
    """The editor owns one patient, helps with the owner's patient, and co-owns a third."""
    own = make_patient(editor, display_name="Editor's Child")
    fill(own, editor)
    fill(patient, owner)
    make_day(patient, date(2025, 3, 4), editor, weight_kg=71)
    AlertContact.objects.create(
        patient=patient,
        rule="less_urine",
        triggered_on=date(2025, 3, 4),
        marked_by=editor,
        marked_by_name=str(editor),
    )
    shared = make_patient(editor, display_name="Co-owned")
    grant_access(owner, shared, Role.OWNER)
    client = client_for(editor)
    client.get(reverse("patient_diary", args=[patient.public_id]))  # logged as a look
    before = row_counts()

    page = client.get(reverse("account_delete")).content.decode()
    assert "Editor&#x27;s Child" in page
    assert "Kept, because you help with them" in page
    assert "Kept, because someone else owns them too" in page
    response = client.post(reverse("account_delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert SESSION_KEY not in client.session

    after = row_counts()
    gone = {"User": 1, "Patient": 1, "DiaryDay": 1, "BloodPressure": 1, "LabResult": 1}
    gone |= {"Medication": 1, "DoseStep": 1, "Event": 1, "Question": 1, "ClinicianLink": 1}
    # Own patient's access log row; grants: own patient's, the owner's patient's, co-owned's.
    gone |= {"AccessLog": 1, "CareAccess": 3, "Invitation": 1, "AlertContact": 1}
    gone |= {"ReminderSettings": 1, "SentReminder": 1, "CalendarFeed": 1}
    for model, count in before.items():
        assert after[model] == count - gone.get(model, 0), model
    assert not User.objects.filter(email="editor@example.org").exists()
    assert Patient.objects.filter(pk=patient.pk).exists()
    assert Patient.objects.filter(pk=shared.pk).exists()
    # The day the editor entered stays in the owner's diary, without the name.
    assert patient.diary_days.get(date=date(2025, 3, 4)).entered_by is None
    # The mark the editor made stays in the owner's diary, with the name as it was.
    mark = patient.alert_contacts.get(rule="less_urine")
    assert (mark.marked_by, mark.marked_by_name) == (None, "editor@example.org")
    # The owner's log still says who looked.
    assert patient.access_log.filter(who="editor@example.org", user=None).exists()


def test_deleting_the_account_needs_the_password(client_for, owner, patient):
    response = client_for(owner).post(reverse("account_delete"), {"password": "wrong one here"})
    assert response.status_code == 200
    assert User.objects.filter(pk=owner.pk).exists()


def test_the_account_page_offers_the_delete_actions(client_for, owner, patient, viewer):
    page = client_for(owner).get(reverse("profile")).content.decode()
    assert reverse("patient_delete", args=[patient.public_id]) in page
    assert reverse("account_delete") in page
    viewer_page = client_for(viewer).get(reverse("profile")).content.decode()
    assert reverse("patient_delete", args=[patient.public_id]) not in viewer_page


def test_account_deletion_refuses_get_side_effects_and_put(client_for):
    user = make_user("solo@example.org")
    client = client_for(user)
    assert client.get(reverse("account_delete")).status_code == 200
    assert User.objects.filter(pk=user.pk).exists()
    assert client.put(reverse("account_delete")).status_code == 405
    assert CareAccess.objects.count() == 0
