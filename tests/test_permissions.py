"""The permission matrix (SECURITY.md "Access to patient data"): every role × every patient URL
× GET and POST. Not yours or revoked → 404 (never 403, which would leak that the patient
exists); view role changing anything → 403; anonymous → log in; a method a URL does not take
→ 405. The owner's own pages (sharing, deleting the patient): caregivers 403, others 404.
Roles: owner, edit, view, revoked, invited-not-accepted, stranger, anonymous, and the
clinician-link holder (no account: its link opens, every patient URL sends it to log in).
A refused request leaves no line in the access log. The walk below fails when a patient URL is
added without a row here."""

from datetime import date, time

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_day, make_medication, make_user
from tests.test_url_walk import ALL_ROUTES
from tracker.models import (
    AccessLog,
    BloodPressure,
    ClinicianLink,
    DoseStep,
    Event,
    Invitation,
    LabResult,
    Purpose,
    Question,
    Role,
)

pytestmark = pytest.mark.django_db

DAY = date(2025, 3, 3)
READ = "read"  # GET shows the page to anyone who may see the patient
WRITE = "write"  # GET asks to confirm a change: only for those who may edit
OWNER = "owner"  # the owner's pages (sharing, deleting): caregivers 403, anyone else 404
OWN = "own"  # the person's own settings (reminders): anyone who may see the diary, viewers too

# URL name -> (what GET does, or None when only POST is taken; whether POST is taken)
PATIENT_URLS = {
    "patient_diary": (READ, True),
    "patient_edit": (READ, True),
    "diary_day": (READ, True),
    "diary_day_go": (READ, False),
    "diary_day_undo": (None, True),
    "diary_day_delete": (WRITE, True),
    "blood_pressure_add": (None, True),
    "blood_pressure_delete": (None, True),
    "lab_list": (READ, True),
    "lab_baseline": (None, True),
    "lab_delete": (WRITE, True),
    "medication_list": (READ, True),
    "medication_detail": (READ, True),
    "medication_stop": (None, True),
    "medication_delete": (WRITE, True),
    "dose_step_delete": (None, True),
    "event_list": (READ, True),
    "event_delete": (WRITE, True),
    "question_list": (READ, True),
    "question_answer": (None, True),
    "question_delete": (WRITE, True),
    "sharing_page": (OWNER, False),
    "sharing_invite": (None, True),
    "invitation_cancel": (None, True),
    "caregiver_access": (OWNER, True),
    "caregiver_revoke": (None, True),
    "patient_delete": (OWNER, True),
    "patient_trends": (READ, False),
    "export_csv": (READ, False),
    "export_json": (READ, False),
    "diary_import": (WRITE, True),
    "patient_summary": (READ, False),
    "patient_summary_pdf": (READ, False),
    "clinician_link_create": (None, True),
    "clinician_link_revoke": (None, True),
    "export_everything": (OWNER, False),
    "alert_contact": (None, True),
    "alert_contact_delete": (None, True),
    "reminders_page": (OWN, True),
    "calendar_feed_create": (None, True),
    "calendar_feed_revoke": (None, True),
}
# POST-only URLs that change only the person's own settings: viewers may use them.
OWN_POSTS = {"calendar_feed_create", "calendar_feed_revoke"}
# POST-only URLs that are the owner's alone.
OWNER_POSTS = {
    "sharing_invite",
    "invitation_cancel",
    "caregiver_revoke",
    "clinician_link_create",
    "clinician_link_revoke",
}
# "invited": has an account and an open invitation to this patient, not yet accepted.
ROLES = ["owner", "editor", "viewer", "revoked", "invited", "stranger", "anonymous", "clinician"]
CASES = [
    (name, role, method) for name in PATIENT_URLS for role in ROLES for method in ("GET", "POST")
]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-03-10 12:00Z", tick=False):
        yield


def test_every_patient_url_is_in_the_matrix():
    with_patient = {name for name, pattern in ALL_ROUTES if "pid" in pattern.pattern.converters}
    assert with_patient == set(PATIENT_URLS)


@pytest.fixture
def records(patient, owner):
    """One of everything, so each URL has a real object to point at (the day's "less urine"
    raises the alert that alert_contact marks)."""
    make_day(patient, DAY, owner, less_urine=True)
    medication = make_medication(patient, Purpose.STEROID, date(2025, 1, 6))
    step = DoseStep.objects.create(medication=medication, starts_on=date(2025, 2, 1), dose=30)
    reading = BloodPressure.objects.create(
        patient=patient, date=DAY, time=time(8), systolic=120, diastolic=80
    )
    lab = LabResult.objects.create(
        patient=patient, date=DAY, kind="upcr", value_entered=1, unit_entered="g/g", value=1
    )
    event = Event.objects.create(patient=patient, date=DAY, kind="infection")
    question = Question.objects.create(patient=patient, text="Why?")
    invitation, _ = Invitation.issue(patient, "later@example.org", Role.VIEW, owner)
    link, token = ClinicianLink.issue(patient, date(2025, 3, 1), DAY, 7, owner)
    return {
        "clinician_link": link.pk,
        "token": token,
        "invitation": invitation.pk,
        "day": DAY,
        "step": step.pk,
        "reading": reading.pk,
        "lab": lab.pk,
        "medication": medication.pk,
        "event": event.pk,
        "question": question.pk,
        "rule": "less_urine",
    }


# URL name -> which record its <pk> is.
PK_OF = {
    "blood_pressure_delete": "reading",
    "lab_delete": "lab",
    "medication_detail": "medication",
    "medication_stop": "medication",
    "medication_delete": "medication",
    "dose_step_delete": "medication",
    "event_delete": "event",
    "question_answer": "question",
    "question_delete": "question",
    "invitation_cancel": "invitation",
    "clinician_link_revoke": "clinician_link",
    "caregiver_access": "grant",
    "caregiver_revoke": "grant",
}


def url_for(name: str, patient, records) -> str:
    _, pattern = next(route for route in ALL_ROUTES if route[0] == name)
    kwargs = {"pid": patient.public_id}
    for key in pattern.pattern.converters:
        if key == "pk" and PK_OF[name] == "grant":
            kwargs["pk"] = patient.access.get(user__email="viewer@example.org").pk
        elif key == "pk":
            kwargs["pk"] = records[PK_OF[name]]
        elif key != "pid":
            kwargs[key] = records[key]
    return reverse(name, kwargs=kwargs)


def expected(name: str, role: str, method: str) -> int | str:
    get, takes_post = PATIENT_URLS[name]
    if role in ("anonymous", "clinician"):
        return "login"
    if (method == "GET" and get is None) or (method == "POST" and not takes_post):
        return 405
    if role in ("revoked", "invited", "stranger"):
        return 404
    owner_only = get == OWNER or (method == "POST" and name in OWNER_POSTS)
    if role in ("editor", "viewer") and owner_only:
        return 403
    own = get == OWN or name in OWN_POSTS
    if role == "viewer" and (method == "POST" or get == WRITE) and not own:
        return 403
    if method == "GET":
        return 302 if name == "diary_day_go" else 200
    return "accepted"  # a form re-shown (200) or done (302), never an error


@pytest.fixture
def invited(patient, owner):
    user = make_user("invited@example.org")
    Invitation.issue(patient, user.email, Role.EDIT, owner)
    return user


@pytest.mark.parametrize(("name", "role", "method"), CASES)
def test_permission_matrix(request, client, client_for, patient, records, name, role, method):
    for who in ("editor", "viewer", "revoked", "invited", "stranger"):
        request.getfixturevalue(who)
    if role == "clinician":
        # The link holder has just opened its link in this browser: that opens nothing else.
        token = records["token"]
        assert client.get(reverse("clinician_summary", kwargs={"token": token})).status_code == 200
    elif role != "anonymous":
        client = client_for(request.getfixturevalue(role))
    path = url_for(name, patient, records)
    response = client.get(path) if method == "GET" else client.post(path, {})
    want = expected(name, role, method)
    if want == "login":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif want == "accepted":
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == want
    if response.status_code in (403, 404):
        assert patient.display_name not in response.content.decode()
        assert not AccessLog.objects.filter(path=path).exists()


def test_the_clinician_link_holder_reaches_its_two_urls(client, patient, records):
    token = records["token"]
    page = client.get(reverse("clinician_summary", kwargs={"token": token}))
    pdf = client.get(reverse("clinician_summary_pdf", kwargs={"token": token}))
    assert page.status_code == 200
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert client.post(reverse("clinician_summary", kwargs={"token": token})).status_code == 405
