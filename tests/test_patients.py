"""Patients, the scoping helper, /diary/ and the profile form."""

import pytest
from django.urls import reverse

from tests.factories import grant_access, make_patient, make_user
from tracker.access import patient_for
from tracker.models import CareAccess, Patient, Role

pytestmark = pytest.mark.django_db

VALID_PROFILE = {
    "display_name": "Mia",
    "birth_date": "2015-06-01",
    "sex": "female",
    "fsgs_type": "primary",
    "biopsy_date": "",
    "care_team_phone": "+1 555 0100",
    "weight_unit": "lb",
    "upcr_unit": "mg/mmol",
    "temperature_unit": "F",
    "time_zone": "Europe/Madrid",
}


def test_it_creates_a_patient_with_the_user_as_owner(client_for, owner):
    client = client_for(owner)
    response = client.post(reverse("patient_create"), VALID_PROFILE)
    patient = Patient.objects.get(display_name="Mia")
    assert response["Location"] == reverse("patient_diary", kwargs={"pid": patient.public_id})
    assert CareAccess.objects.get(patient=patient).role == Role.OWNER
    assert patient.time_zone == "Europe/Madrid"
    assert patient.is_child(patient.birth_date.replace(year=2026))


def test_public_ids_are_random_and_not_sequential(owner):
    ids = {make_patient(owner).public_id for _ in range(20)}
    assert len(ids) == 20
    assert all(len(pid) == 12 and not pid.isdigit() for pid in ids)


def test_it_ignores_fields_a_form_does_not_list(client_for, owner, stranger):
    client = client_for(owner)
    data = {**VALID_PROFILE, "public_id": "AAAAAAAAAAAA", "access": stranger.pk, "id": 999}
    client.post(reverse("patient_create"), data)
    patient = Patient.objects.get(display_name="Mia")
    assert patient.public_id != "AAAAAAAAAAAA"
    assert list(patient.access.values_list("user", flat=True)) == [owner.pk]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("birth_date", "2999-01-01", "Date of birth cannot be in the future."),
        ("biopsy_date", "2999-01-01", "The biopsy date cannot be in the future."),
        ("biopsy_date", "2010-01-01", "The biopsy date cannot be before the date of birth."),
        ("birth_date", "not a date", "Enter a valid date."),
        ("display_name", "", "This field is required."),
        ("time_zone", "Mars/Olympus", "Select a valid choice."),
    ],
)
def test_bad_profile_input_is_shown_next_to_the_field_and_nothing_is_saved(
    client_for, owner, field, value, message
):
    response = client_for(owner).post(reverse("patient_create"), {**VALID_PROFILE, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert f'id="error_1_id_{field}"' in response.content.decode()
    assert not Patient.objects.filter(display_name="Mia").exists()
    assert not CareAccess.objects.exclude(user=owner).exists()


def test_diary_with_no_patient_asks_to_create_one(client_for):
    client = client_for(make_user())
    assert client.get(reverse("diary"))["Location"] == reverse("patient_create")


def test_diary_with_one_patient_goes_straight_to_it(client_for, patient, owner):
    response = client_for(owner).get(reverse("diary"))
    assert response["Location"] == reverse("patient_diary", kwargs={"pid": patient.public_id})


def test_diary_with_several_patients_offers_a_chooser(client_for, owner, patient):
    second = make_patient(make_user(), display_name="Second Child")
    grant_access(owner, second, Role.EDIT)
    response = client_for(owner).get(reverse("diary"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Pat Patient" in page
    assert "Second Child" in page
    assert "Can view and edit" in page


def test_for_user_lists_only_patients_with_active_access(
    patient, owner, editor, viewer, revoked, stranger
):
    for user in (owner, editor, viewer):
        assert list(Patient.objects.for_user(user)) == [patient]
    assert list(Patient.objects.for_user(revoked)) == []
    assert patient not in Patient.objects.for_user(stranger)


@pytest.mark.parametrize(
    ("who", "write", "expected"),
    [
        ("owner", False, "owner"),
        ("owner", True, "owner"),
        ("editor", True, "edit"),
        ("viewer", False, "view"),
        ("viewer", True, 403),
        ("revoked", False, 404),
        ("stranger", False, 404),
    ],
)
def test_patient_for_applies_roles(request, patient, who, write, expected):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    user = request.getfixturevalue(who)
    if expected == 403:
        with pytest.raises(PermissionDenied):
            patient_for(user, patient.public_id, write=write)
    elif expected == 404:
        with pytest.raises(Http404):
            patient_for(user, patient.public_id, write=write)
    else:
        assert patient_for(user, patient.public_id, write=write).role == expected


PATIENT_PAGES = ["patient_diary", "patient_edit"]


@pytest.mark.parametrize("page", PATIENT_PAGES)
@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("editor", 200), ("viewer", 200), ("revoked", 404), ("stranger", 404)],
)
def test_patient_pages_get(request, client_for, patient, page, who, status):
    client = client_for(request.getfixturevalue(who))
    response = client.get(reverse(page, kwargs={"pid": patient.public_id}))
    assert response.status_code == status
    if status == 404:
        assert patient.display_name not in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 302), ("editor", 302), ("viewer", 403), ("revoked", 404), ("stranger", 404)],
)
def test_profile_edit_post_by_role(request, client_for, patient, who, status):
    client = client_for(request.getfixturevalue(who))
    url = reverse("patient_edit", kwargs={"pid": patient.public_id})
    response = client.post(url, {**VALID_PROFILE, "display_name": "Renamed"})
    assert response.status_code == status
    patient.refresh_from_db()
    assert (patient.display_name == "Renamed") is (status == 302)


def test_unknown_patient_id_is_404(client_for, owner):
    response = client_for(owner).get(reverse("patient_diary", kwargs={"pid": "x" * 12}))
    assert response.status_code == 404


def test_view_only_caregiver_sees_no_edit_link(client_for, patient, viewer):
    response = client_for(viewer).get(reverse("patient_diary", kwargs={"pid": patient.public_id}))
    assert (
        reverse("patient_edit", kwargs={"pid": patient.public_id}) not in response.content.decode()
    )


@pytest.mark.parametrize("name", ["diary", "patient_create"])
def test_wrong_method_is_405(client_for, owner, name):
    assert client_for(owner).delete(reverse(name)).status_code == 405


def test_profile_sets_the_care_teams_alert_numbers_in_the_patients_units(
    client_for, owner, patient
):
    url = reverse("patient_edit", kwargs={"pid": patient.public_id})
    page = client_for(owner).get(url).content.decode()
    assert "Alert numbers from your care team" in page
    response = client_for(owner).post(url, {**VALID_PROFILE, "alert_weight_gain_1d": "3.3"})
    assert response.status_code == 302
    patient.refresh_from_db()
    # Kept as typed, in the unit chosen on the form (VALID_PROFILE: lb).
    assert (str(patient.alert_weight_gain_1d), patient.alert_weight_unit) == ("3.30", "lb")
    response = client_for(owner).post(url, {**VALID_PROFILE, "alert_systolic": "20"})
    assert "The number must be between 80 and 250 mmHg — you typed 20." in response.content.decode()
