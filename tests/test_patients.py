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
# The first form (issue #11): only what the diary needs to start.
NEW_DIARY = {
    "display_name": "Mia",
    "age_group": "child",
    "birth_date": "2015-06-01",
    "sex": "female",
    "weight_unit": "lb",
    "upcr_unit": "mg/mmol",
    "temperature_unit": "F",
    "time_zone": "Europe/Madrid",
}


def test_it_creates_a_patient_with_the_user_as_owner(client_for, owner):
    client = client_for(owner)
    response = client.post(reverse("patient_create"), NEW_DIARY)
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
    data = {**NEW_DIARY, "public_id": "AAAAAAAAAAAA", "access": stranger.pk, "id": 999}
    client.post(reverse("patient_create"), data)
    patient = Patient.objects.get(display_name="Mia")
    assert patient.public_id != "AAAAAAAAAAAA"
    assert list(patient.access.values_list("user", flat=True)) == [owner.pk]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("birth_date", "2999-01-01", "Date of birth cannot be in the future."),
        ("birth_date", "not a date", "Enter a valid date."),
        ("birth_date", "", "Type the child’s date of birth"),
        ("birth_date", "1990-01-01", "This date of birth makes them 18 or older"),
        ("display_name", "", "This field is required."),
        ("age_group", "", "This field is required."),
        ("time_zone", "Mars/Olympus", "Select a valid choice."),
    ],
)
def test_bad_new_diary_input_is_shown_next_to_the_field_and_nothing_is_saved(
    client_for, owner, field, value, message
):
    response = client_for(owner).post(reverse("patient_create"), {**NEW_DIARY, field: value})
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


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("biopsy_date", "2999-01-01", "The biopsy date cannot be in the future."),
        ("biopsy_date", "2010-01-01", "The biopsy date cannot be before the date of birth."),
        ("birth_date", "2999-01-01", "Date of birth cannot be in the future."),
    ],
)
def test_bad_profile_input_is_shown_next_to_the_field_and_nothing_is_saved(
    client_for, owner, patient, field, value, message
):
    url = reverse("patient_edit", kwargs={"pid": patient.public_id})
    response = client_for(owner).post(url, {**VALID_PROFILE, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert f'id="error_1_id_{field}"' in response.content.decode()
    patient.refresh_from_db()
    assert patient.display_name != "Mia"


# The first form asks only what is needed to start (issue #11) ------------------------------------


def test_the_new_diary_form_asks_only_what_is_needed_to_start(client_for, owner):
    page = client_for(owner).get(reverse("patient_create")).content.decode()
    for name in ("display_name", "age_group", "birth_date", "sex", "weight_unit", "upcr_unit"):
        assert f'name="{name}"' in page
    assert 'name="temperature_unit"' in page
    for later in ("alert_weight_gain_1d", "alert_systolic", "crisis_systolic", "alert_fever"):
        assert f'name="{later}"' not in page
    for later in ("care_team_phone", "fsgs_type", "biopsy_date", "bp_target_systolic"):
        assert f'name="{later}"' not in page
    assert 'src="/static/js/timezone.js" defer' in page
    assert "data-detect-time-zone" in page
    assert '<option value="UTC" selected>UTC</option>' in page
    assert '<option value="America/Chicago">America/Chicago</option>' in page


def test_an_adult_needs_no_birth_date_and_no_care_team_numbers(client_for, owner):
    data = {**NEW_DIARY, "age_group": "adult", "birth_date": "", "sex": ""}
    response = client_for(owner).post(reverse("patient_create"), data)
    patient = Patient.objects.get(display_name="Mia")
    assert response["Location"] == reverse("patient_diary", kwargs={"pid": patient.public_id})
    assert patient.birth_date is None
    assert not patient.is_child()
    assert patient.alert_weight_gain_1d is None
    assert not patient.has_care_team_numbers


def test_an_adult_with_a_childs_birth_date_is_asked_to_check(client_for, owner):
    data = {**NEW_DIARY, "age_group": "adult"}
    response = client_for(owner).post(reverse("patient_create"), data)
    assert "This date of birth makes them under 18" in response.content.decode()
    assert not Patient.objects.filter(display_name="Mia").exists()


def test_a_time_zone_off_the_short_list_is_accepted_when_the_browser_reports_it(client_for, owner):
    data = {**NEW_DIARY, "time_zone": "America/Argentina/Cordoba"}
    client_for(owner).post(reverse("patient_create"), data)
    assert Patient.objects.get(display_name="Mia").time_zone == "America/Argentina/Cordoba"


def test_a_choice_sent_back_with_an_error_is_not_replaced_by_the_detected_zone(client_for, owner):
    data = {**NEW_DIARY, "display_name": ""}
    page = client_for(owner).post(reverse("patient_create"), data).content.decode()
    assert "data-detect-time-zone" not in page
    assert '<option value="Europe/Madrid" selected>' in page


def test_the_profile_still_edits_every_care_team_number(client_for, owner, patient):
    page = (
        client_for(owner)
        .get(reverse("patient_edit", kwargs={"pid": patient.public_id}))
        .content.decode()
    )
    for name in Patient.CARE_TEAM_FIELDS:
        if name != "baseline_upcr":  # set on the labs page, with its unit
            assert f'name="{name}"' in page
    assert 'name="fsgs_type"' in page
    assert 'id="care-team"' in page


INVITE = "Add your care team’s numbers"


def test_a_new_diary_invites_the_care_teams_numbers_until_one_is_set(client_for, owner):
    client = client_for(owner)
    client.post(reverse("patient_create"), NEW_DIARY)
    patient = Patient.objects.get(display_name="Mia")
    diary = reverse("patient_diary", kwargs={"pid": patient.public_id})
    page = client.get(diary).content.decode()
    assert INVITE in page
    profile = reverse("patient_edit", kwargs={"pid": patient.public_id})
    assert f'href="{profile}#care-team"' in page
    assert "For a child, the weight and blood pressure checks stay off" in page
    client.post(
        profile,
        {**VALID_PROFILE, "fsgs_type": "not_known", "care_team_phone": "", "alert_systolic": "130"},
    )
    patient.refresh_from_db()
    assert patient.alert_systolic == 130
    assert INVITE not in client.get(diary).content.decode()


def test_an_adults_invitation_does_not_speak_of_children(client_for, owner):
    patient = make_patient(owner, birth_date=None)
    page = (
        client_for(owner)
        .get(reverse("patient_diary", kwargs={"pid": patient.public_id}))
        .content.decode()
    )
    assert INVITE in page
    assert "For a child" not in page


def test_a_view_only_caregiver_is_not_invited_to_the_profile(client_for, patient, viewer):
    assert not patient.has_care_team_numbers
    page = (
        client_for(viewer)
        .get(reverse("patient_diary", kwargs={"pid": patient.public_id}))
        .content.decode()
    )
    assert INVITE not in page


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("care_team_phone", "+1 555 0100"),
        ("fsgs_type", "primary"),
        ("baseline_upcr", "4"),
        ("alert_fever", "38.5"),
    ],
)
def test_any_one_care_team_number_counts_as_set(owner, field, value):
    patient = make_patient(owner)
    assert not patient.has_care_team_numbers
    setattr(patient, field, value)
    assert patient.has_care_team_numbers
