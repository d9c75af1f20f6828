"""Accepting an invitation: sign up or log in through the link, then accept, once."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from fsgs_portal.accounts.models import User
from tests.factories import PASSWORD, make_user
from tracker.models import CareAccess, Invitation, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(patient, owner):
    return Invitation.issue(patient, "rose@example.org", Role.VIEW, owner)


def accept_url(token):
    return reverse("invitation_accept", args=[token])


def test_anonymous_visitors_are_asked_to_sign_up_or_log_in_and_told_nothing_else(
    client, invitation, patient
):
    _, token = invitation
    response = client.get(accept_url(token))
    page = response.content.decode()
    assert response.status_code == 200
    assert patient.display_name not in page
    assert "Olivia" not in page
    assert f"/accounts/signup/?next=/invitations/{token}/" in page


def test_anonymous_posts_go_to_log_in(client, invitation):
    _, token = invitation
    response = client.post(accept_url(token))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not CareAccess.objects.filter(role=Role.VIEW).exists()


def test_signing_up_through_the_link_returns_to_it_then_accepting_grants_the_role(
    client, invitation, patient
):
    _, token = invitation
    signup = reverse("signup") + f"?next=/invitations/{token}/&email=rose@example.org"
    form = client.get(signup).content.decode()
    assert 'value="rose@example.org"' in form
    response = client.post(
        signup,
        {
            "email": "rose@example.org",
            "password1": "a calm river at dawn",
            "password2": "a calm river at dawn",
        },
    )
    assert response["Location"] == accept_url(token)
    page = client.get(accept_url(token)).content.decode()
    assert "Pat Patient" in page
    assert "Olivia Owner" in page
    response = client.post(accept_url(token))
    assert response["Location"] == reverse("patient_diary", args=[patient.public_id])
    rose = User.objects.get(email="rose@example.org")
    grant = CareAccess.objects.get(user=rose, patient=patient)
    assert grant.role == Role.VIEW
    assert grant.invited_by.email == "owner@example.org"
    assert Invitation.objects.get().accepted_by == rose
    assert rose.email_confirmed_at is not None  # the invitation link was emailed to her


def post_signup(client, token, email):
    password = "a calm river at dawn"
    return client.post(
        reverse("signup") + f"?next=/invitations/{token}/",
        {"email": email, "password1": password, "password2": password},
    )


def test_signing_up_through_the_link_with_another_address_needs_the_emailed_link(
    client, invitation
):
    _, token = invitation
    response = post_signup(client, token, "someone.else@example.org")
    assert response["Location"] == reverse("signup_done")
    assert User.objects.get(email="someone.else@example.org").email_confirmed_at is None
    assert "_auth_user_id" not in client.session
    assert mail.outbox[0].to == ["someone.else@example.org"]


def test_signing_up_through_a_used_up_link_needs_the_emailed_link(client, invitation):
    invite, token = invitation
    invite.revoked_at = timezone.now()
    invite.save()
    response = post_signup(client, token, "rose@example.org")
    assert response["Location"] == reverse("signup_done")
    assert User.objects.get(email="rose@example.org").email_confirmed_at is None


def test_signing_up_through_the_link_when_the_address_has_an_account_reveals_nothing_new(
    client, invitation
):
    _, token = invitation
    make_user("rose@example.org")
    response = post_signup(client, token, "rose@example.org")
    assert response["Location"] == reverse("signup_done")
    assert "_auth_user_id" not in client.session
    assert User.objects.filter(email="rose@example.org").count() == 1
    assert mail.outbox[0].subject == "Someone tried to sign up with your email address"


def test_an_unsafe_next_address_is_ignored(client):
    response = client.post(
        reverse("signup") + "?next=https://evil.example/",
        {
            "email": "x@example.org",
            "password1": "a calm river at dawn",
            "password2": "a calm river at dawn",
        },
    )
    assert response["Location"] == reverse("signup_done")  # not a step towards evil.example


def test_logging_in_through_the_link_returns_to_it(client, invitation):
    _, token = invitation
    make_user("rose@example.org")
    response = client.post(
        reverse("login") + f"?next=/invitations/{token}/",
        {"username": "rose@example.org", "password": PASSWORD},
    )
    assert response["Location"] == accept_url(token)


def test_the_link_works_once(client_for, invitation, patient):
    _, token = invitation
    rose = make_user("rose@example.org")
    client = client_for(rose)
    client.post(accept_url(token))
    response = client.post(accept_url(token))
    assert response.status_code == 404
    assert CareAccess.objects.filter(user=rose).count() == 1


def test_the_link_expires_after_seven_days(client_for, invitation):
    _, token = invitation
    rose = make_user("rose@example.org")
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = client_for(rose).post(accept_url(token))
    assert response.status_code == 404
    assert not CareAccess.objects.filter(user=rose).exists()


def test_another_account_cannot_use_the_link(client_for, invitation, stranger):
    _, token = invitation
    response = client_for(stranger).post(accept_url(token))
    assert response.status_code == 403
    assert "another email address" in response.content.decode()
    assert not CareAccess.objects.filter(user=stranger, role=Role.VIEW).exists()
    assert Invitation.objects.pending().exists()  # still usable by the right person


def test_a_made_up_token_is_not_found(client_for, owner):
    response = client_for(owner).get(accept_url("x" * 43))
    assert response.status_code == 404


def test_accepting_when_access_exists_changes_nothing(client_for, patient, owner, viewer):
    _, token = Invitation.issue(patient, "viewer@example.org", Role.EDIT, owner)
    response = client_for(viewer).post(accept_url(token))
    assert "already have access" in response.content.decode()
    assert patient.access.get(user=viewer).role == Role.VIEW


def test_get_is_safe_and_put_is_refused(client_for, invitation):
    _, token = invitation
    rose = make_user("rose@example.org")
    client = client_for(rose)
    client.get(accept_url(token))
    assert not CareAccess.objects.filter(user=rose).exists()
    assert client.put(accept_url(token)).status_code == 405
