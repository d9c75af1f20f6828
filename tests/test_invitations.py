"""Accepting an invitation: sign up or log in through the link, then accept, once."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from fsgs_portal.accounts.models import User
from tests.factories import PASSWORD, make_user
from tracker.invitations import PENDING_KEY
from tracker.models import CareAccess, Invitation, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(patient, owner):
    return Invitation.issue(patient, "rose@example.org", Role.VIEW, owner)


def accept_url(token):
    return reverse("invitation_accept", args=[token])


def test_the_landing_page_names_whose_diary_and_who_invited_then_asks_to_sign_up_or_log_in(
    client, invitation, patient
):
    _, token = invitation
    response = client.get(accept_url(token))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Olivia Owner invited you to Pat Patient’s diary." in page
    assert "see the diary, but not change it" in page
    assert f"/accounts/signup/?next=/invitations/{token}/" in page
    assert f"/accounts/login/?next=/invitations/{token}/" in page
    assert client.session[PENDING_KEY] == token


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


# The invitation survives signing up or logging in from any link (kept in the session) ---------

SIGNUP = {
    "email": "rose@example.org",
    "password1": "a calm river at dawn",
    "password2": "a calm river at dawn",
}


def test_signing_up_from_the_menu_after_the_landing_page_comes_back_to_the_invitation(
    client, invitation, patient
):
    _, token = invitation
    client.get(accept_url(token))
    response = client.post(reverse("signup"), SIGNUP)  # no ?next=: the menu's "Sign up"
    assert response["Location"] == accept_url(token)
    response = client.post(response["Location"])
    assert response["Location"] == reverse("patient_diary", args=[patient.public_id])
    assert PENDING_KEY not in client.session
    diary = client.get(response["Location"])
    assert diary.status_code == 200
    assert "Pat Patient" in diary.content.decode()


@pytest.mark.parametrize("next_url", ["", "?next=/learn/", "?next=/accounts/profile/"])
def test_logging_in_with_any_next_comes_back_to_the_invitation(client, invitation, next_url):
    _, token = invitation
    make_user("rose@example.org")
    client.get(accept_url(token))
    response = client.post(
        reverse("login") + next_url, {"username": "rose@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == accept_url(token)


def test_the_token_is_used_for_one_log_in_only(client, invitation):
    _, token = invitation
    rose = make_user("rose@example.org")
    client.get(accept_url(token))
    client.post(reverse("login"), {"username": rose.email, "password": PASSWORD})
    assert PENDING_KEY not in client.session
    client.logout()
    response = client.post(reverse("login"), {"username": rose.email, "password": PASSWORD})
    assert response["Location"] != accept_url(token)


def test_a_cancelled_invitation_in_the_session_does_not_redirect(client, invitation):
    saved, token = invitation
    make_user("rose@example.org")
    client.get(accept_url(token))
    Invitation.objects.filter(pk=saved.pk).update(revoked_at=timezone.now())
    response = client.post(
        reverse("login") + "?next=/learn/", {"username": "rose@example.org", "password": PASSWORD}
    )
    assert response["Location"] == "/learn/"


def test_other_log_ins_are_not_redirected(client):
    make_user("rose@example.org")
    response = client.post(
        reverse("login") + "?next=/learn/", {"username": "rose@example.org", "password": PASSWORD}
    )
    assert response["Location"] == "/learn/"


def test_a_failed_log_in_keeps_the_invitation_for_the_next_try(client, invitation):
    _, token = invitation
    make_user("rose@example.org")
    client.get(accept_url(token))
    response = client.post(reverse("login"), {"username": "rose@example.org", "password": "nope"})
    assert response.status_code == 200
    assert client.session[PENDING_KEY] == token


def test_an_invalid_link_forgets_the_kept_token(client, invitation):
    _, token = invitation
    client.get(accept_url(token))
    client.get(accept_url("x" * 43))
    assert PENDING_KEY not in client.session


# A view-only caregiver is not invited to change things -----------------------------------------

EDITING_WORDS = [
    "Open a day to change it",
    "Nothing changed",
    "Add another reading",
    "Delete this day",
    "Add a result",
    "Add a medicine",
    "Add an event",
    "Add a question",
    "type it here",
    "once you enter",
]


def patient_pages(patient, day):
    pid = patient.public_id
    return [
        reverse("patient_diary", args=[pid]),
        reverse("diary_day", args=[pid, day]),
        reverse("lab_list", args=[pid]),
        reverse("medication_list", args=[pid]),
        reverse("event_list", args=[pid]),
        reverse("question_list", args=[pid]),
        f"/patients/{pid}/trends/",
    ]


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_a_view_only_caregiver_sees_no_invitation_to_change_things(
    request, client_for, patient, role
):
    from tests.factories import make_day

    user = request.getfixturevalue(role)
    day = patient.today() - timedelta(days=1)
    make_day(patient, day)
    make_day(patient, patient.today() - timedelta(days=2))
    client = client_for(user)
    found = set()
    for path in patient_pages(patient, day):
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.content.decode()
        found |= {words for words in EDITING_WORDS if words in page}
    if role == "viewer":
        assert found == set()
    else:
        assert {"Open a day to change it", "Add another reading", "Delete this day"} <= found


# "Copy link" buttons for links shown once ---------------------------------------------------------


def copy_button(page, field):
    match = re.search(rf'<button [^>]*data-copy="{field}"[^>]*>', page)
    assert match, field
    return match.group(0)


def test_a_new_invitation_link_has_a_copy_button_that_only_javascript_shows(
    client_for, owner, patient
):
    response = client_for(owner).post(
        reverse("sharing_invite", args=[patient.public_id]),
        {"email": "rose@example.org", "role": Role.VIEW, "password": PASSWORD},
    )
    page = response.content.decode()
    button = copy_button(page, "invitation-link")
    assert " hidden" in button  # without JavaScript the field is copied by hand
    assert 'data-copy-status="invitation-link-status"' in button
    assert '<p id="invitation-link-status" class="small mb-0 mt-1" role="status"></p>' in page
    assert page.count('src="/static/js/copy.js"') == 1
    assert "Copy link" in page


def test_a_new_clinician_link_has_a_copy_button(client_for, owner, patient):
    response = client_for(owner).post(
        reverse("clinician_link_create", args=[patient.public_id]),
        {
            "clinician-start": patient.today() - timedelta(days=13),
            "clinician-end": patient.today(),
            "clinician-days": 7,
            "clinician-password": PASSWORD,
        },
    )
    page = response.content.decode()
    assert " hidden" in copy_button(page, "clinician-link")
    assert 'id="clinician-link-status"' in page
    assert 'src="/static/js/copy.js"' in page


def test_the_sharing_page_loads_no_copy_script_without_a_new_link(client_for, owner, patient):
    page = client_for(owner).get(reverse("sharing_page", args=[patient.public_id])).content
    assert b"copy.js" not in page
    assert b"data-copy=" not in page


def test_the_copy_script_uses_the_clipboard_with_a_select_fallback():
    script = (settings.BASE_DIR / "static" / "js" / "copy.js").read_text()
    assert "navigator.clipboard" in script
    assert ".select()" in script
    assert "button.hidden = false" in script
