"""The sharing page: invite a caregiver, change their role, remove them; the password again
before granting or changing access (SECURITY.md)."""

import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from fsgs_portal.accounts.reauth import CONFIRMED_AT_KEY
from tests.factories import PASSWORD, make_patient
from tracker.models import CareAccess, Invitation, Role, hash_token

pytestmark = pytest.mark.django_db


def url(patient, name="sharing_page", **kwargs):
    return reverse(name, kwargs={"pid": patient.public_id, **kwargs})


def invite(client, patient, email="grandma@example.org", role=Role.VIEW, password=PASSWORD):
    data = {"email": email, "role": role}
    if password is not None:
        data["password"] = password
    return client.post(url(patient, "sharing_invite"), data)


def test_it_lists_caregivers_and_pending_invitations(client_for, owner, patient, editor, viewer):
    Invitation.issue(patient, "later@example.org", Role.EDIT, owner)
    response = client_for(owner).get(url(patient))
    page = response.content.decode()
    assert response.status_code == 200
    assert "editor@example.org" in page
    assert "viewer@example.org" in page
    assert "later@example.org" in page
    assert "Sharing" in page  # the tab in the patient's navigation


def test_caregivers_are_refused_and_strangers_do_not_learn_it_exists(
    client_for, patient, editor, viewer, stranger, revoked
):
    assert client_for(editor).get(url(patient)).status_code == 403
    assert client_for(viewer).get(url(patient)).status_code == 403
    assert client_for(stranger).get(url(patient)).status_code == 404
    assert client_for(revoked).get(url(patient)).status_code == 404


def test_caregivers_see_no_sharing_tab(client_for, patient, editor):
    page = client_for(editor).get(reverse("patient_diary", args=[patient.public_id]))
    assert url(patient) not in page.content.decode()


def test_it_sends_a_link_shows_it_once_and_stores_only_its_hash(client_for, owner, patient):
    response = invite(client_for(owner), patient, "Grandma@Example.org")
    assert response.status_code == 200
    page = response.content.decode()
    link = re.search(r'value="(http://testserver/invitations/([\w-]+)/)"', page)
    assert link, page
    token = link.group(2)
    assert len(token) >= 43
    invitation = Invitation.objects.get()
    assert invitation.email == "grandma@example.org"
    assert invitation.role == Role.VIEW
    assert invitation.token_hash == hash_token(token)
    assert token not in invitation.token_hash
    assert (invitation.expires_at - invitation.created_at).days == 7
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["grandma@example.org"]
    assert link.group(1) in mail.outbox[0].body
    # The email says whose diary and who invited; its subject (on lock screens) names no patient.
    assert f"Olivia Owner invited you to help with {patient.display_name}’s diary" in (
        mail.outbox[0].body
    )
    assert patient.display_name not in mail.outbox[0].subject
    assert "FSGS" not in mail.outbox[0].subject
    # Reloading the page does not show the link again: nothing could.
    assert token not in client_for(owner).get(url(patient)).content.decode()


def test_a_new_invitation_replaces_the_open_one_to_the_same_address(client_for, owner, patient):
    client = client_for(owner)
    invite(client, patient)
    invite(client, patient, role=Role.EDIT)
    assert Invitation.objects.pending().get().role == Role.EDIT
    assert Invitation.objects.count() == 2


def test_it_refuses_someone_who_already_has_access(client_for, owner, patient, editor):
    response = invite(client_for(owner), patient, "editor@example.org")
    assert "can already see this diary" in response.content.decode()
    assert not Invitation.objects.exists()


def test_granting_asks_for_the_password_and_a_wrong_one_grants_nothing(client_for, owner, patient):
    client = client_for(owner)
    response = invite(client, patient, password=None)
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    response = invite(client, patient, password="not my password at all")
    assert "That is not your password" in response.content.decode()
    assert not Invitation.objects.exists()
    assert len(mail.outbox) == 0


def test_a_confirmed_password_holds_for_ten_minutes(client_for, owner, patient, editor):
    client = client_for(owner)
    with time_machine.travel("2025-03-10 12:00Z", tick=False):
        invite(client, patient, "first@example.org")
        assert CONFIRMED_AT_KEY in client.session
        page = client.get(url(patient)).content.decode()
        assert 'name="password"' not in page
        invite(client, patient, "second@example.org", password=None)
        assert Invitation.objects.pending().count() == 2
    with time_machine.travel("2025-03-10 12:11Z", tick=False):
        response = invite(client, patient, "third@example.org", password=None)
        assert "This field is required" in response.content.decode()
        assert Invitation.objects.pending().count() == 2


def test_the_owner_changes_a_role_after_the_password(client_for, owner, patient, viewer):
    grant = patient.access.get(user=viewer)
    path = url(patient, "caregiver_access", pk=grant.pk)
    client = client_for(owner)
    assert 'name="password"' in client.get(path).content.decode()
    response = client.post(path, {"role": Role.EDIT, "password": "wrong password here"})
    assert response.status_code == 200
    grant.refresh_from_db()
    assert grant.role == Role.VIEW
    response = client.post(path, {"role": Role.EDIT, "password": PASSWORD})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.role == Role.EDIT


def test_the_owner_cannot_make_anyone_an_owner(client_for, owner, patient, viewer):
    grant = patient.access.get(user=viewer)
    path = url(patient, "caregiver_access", pk=grant.pk)
    client_for(owner).post(path, {"role": Role.OWNER, "password": PASSWORD})
    grant.refresh_from_db()
    assert grant.role == Role.VIEW


def test_the_owner_own_grant_is_not_a_caregiver_to_change(client_for, owner, patient):
    grant = patient.access.get(user=owner)
    response = client_for(owner).post(url(patient, "caregiver_revoke", pk=grant.pk))
    assert response.status_code == 404
    assert CareAccess.objects.active().filter(user=owner).exists()


def test_revoked_access_ends_at_the_next_request(client, client_for, owner, patient, editor):
    diary = reverse("patient_diary", args=[patient.public_id])
    assert client_for(editor).get(diary).status_code == 200
    grant = patient.access.get(user=editor)
    client_for(owner).post(url(patient, "caregiver_revoke", pk=grant.pk))
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    client.logout()
    editor_client = client_for(editor)
    assert editor_client.get(diary).status_code == 404
    assert editor_client.post(diary, {}).status_code == 404


def test_the_owner_cancels_an_invitation_and_its_link_stops_working(
    client, client_for, owner, patient
):
    invitation, token = Invitation.issue(patient, "gone@example.org", Role.VIEW, owner)
    client_for(owner).post(url(patient, "invitation_cancel", pk=invitation.pk))
    client.logout()
    response = client.get(reverse("invitation_accept", args=[token]))
    assert response.status_code == 404
    assert "does not work" in response.content.decode()


def test_a_caregiver_of_one_patient_cannot_share_another(client_for, patient, editor):
    other = make_patient(editor, display_name="Editor's Own")
    assert client_for(editor).get(url(other)).status_code == 200
    assert client_for(editor).get(url(patient)).status_code == 403


@pytest.mark.parametrize("name", ["sharing_page", "sharing_invite"])
def test_wrong_methods_are_refused(client_for, owner, patient, name):
    client = client_for(owner)
    response = (
        client.post(url(patient, name))
        if name == "sharing_page"
        else client.get(url(patient, name))
    )
    assert response.status_code == 405


def test_the_switcher_lists_every_patient_when_there_are_several(client_for, patient, editor):
    make_patient(editor, display_name="Second Child")
    page = client_for(editor).get(reverse("patient_diary", args=[patient.public_id]))
    text = page.content.decode()
    assert "patient-switcher" in text
    assert "Second Child" in text
    assert "Pat Patient" in text


def test_the_switcher_is_hidden_with_one_patient(client_for, owner, patient):
    page = client_for(owner).get(reverse("patient_diary", args=[patient.public_id]))
    assert "patient-switcher" not in page.content.decode()


def test_a_revoked_grant_does_not_count_towards_the_switcher(client_for, patient, editor):
    other = make_patient(editor, display_name="Second Child")
    other.access.filter(user=editor).update(revoked_at="2025-01-01T00:00Z")
    page = client_for(editor).get(reverse("patient_diary", args=[patient.public_id]))
    text = page.content.decode()
    assert "patient-switcher" not in text
    assert "Second Child" not in text


def test_the_switcher_shows_on_pages_outside_a_patient(client_for, patient, editor):
    make_patient(editor, display_name="Second Child")
    page = client_for(editor).get(reverse("education:index"))
    assert "Second Child" in page.content.decode()
