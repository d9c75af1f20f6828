"""Sign-up, log-in, log-out, sessions, throttling and passwords (SECURITY.md "Accounts")."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from fsgs_portal import settings as project_settings
from fsgs_portal.accounts.models import User
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def signup(client, email="new@example.org", password="a calm river at dawn", **extra):
    data = {"email": email, "password1": password, "password2": password, **extra}
    return client.post(reverse("signup"), data)


def log_in(client, email, password=PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_it_hashes_new_passwords_with_argon2id(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = make_user(password="a long enough passphrase")
    assert user.password.startswith("argon2$argon2id$")


def test_it_signs_up_confirms_the_email_logs_in_and_asks_for_the_patient(client):
    response = signup(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("signup_done")
    assert SESSION_KEY not in client.session  # not logged in before the address is confirmed
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/confirm/" in line)
    confirmed = client.post(link.split("testserver", 1)[1])
    assert confirmed["Location"] == reverse("login") + "?next=" + reverse("patient_create")
    response = client.post(
        confirmed["Location"], {"username": "new@example.org", "password": "a calm river at dawn"}
    )
    assert response["Location"] == reverse("patient_create")
    user = User.objects.get(email="new@example.org")
    assert client.session[SESSION_KEY] == str(user.pk)


def test_it_lowercases_and_makes_no_duplicate_but_does_not_say_so(client):
    make_user("taken@example.org")
    response = signup(client, email="Taken@Example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("signup_done")
    assert "already exists" not in client.get(response["Location"]).content.decode()
    assert User.objects.count() == 1
    assert User.objects.get().email == "taken@example.org"


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("elevenchars", False),  # 11 characters
        ("twelve chars", True),
        ("password1234", False),  # common password
        ("x" * 70 + " long passphrases are welcome", True),
        ("all lower case words only", True),  # no composition rules
    ],
)
def test_it_applies_the_password_rules(client, password, accepted):
    response = signup(client, password=password)
    assert User.objects.filter(email="new@example.org").exists() is accepted
    if not accepted:
        assert response.status_code == 200
        assert 'class="invalid-feedback"' in response.content.decode()


def test_it_changes_the_session_id_at_log_in(client):
    make_user("sam@example.org")
    client.get(reverse("login"))
    client.session["before"] = 1
    before = client.session.session_key
    assert log_in(client, "sam@example.org").status_code == 302
    assert client.session.session_key != before


def test_it_logs_out_by_post_only_and_ends_the_session_on_the_server(client):
    make_user("sam@example.org")
    log_in(client, "sam@example.org")
    old_cookie = client.cookies["sessionid"].value
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert not Session.objects.filter(session_key=old_cookie).exists()
    client.cookies["sessionid"] = old_cookie  # replay the old cookie
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_throttles_log_in_after_five_failures_then_lets_in_after_cool_off(client):
    make_user("sam@example.org")
    for _ in range(5):
        log_in(client, "sam@example.org", "wrong password here")
    locked = log_in(client, "sam@example.org")
    assert locked.status_code == 429
    assert "Too many tries" in locked.content.decode()
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert log_in(client, "sam@example.org").status_code == 302


def test_it_does_not_lock_other_accounts(client):
    make_user("sam@example.org")
    make_user("alex@example.org")
    for _ in range(6):
        log_in(client, "sam@example.org", "wrong password here")
    assert log_in(client, "alex@example.org").status_code == 302


def test_it_times_out_an_idle_session_after_30_minutes(client, owner):
    client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    start = timezone.now()
    with time_machine.travel(start + timedelta(minutes=29)):
        assert client.get(reverse("profile")).status_code == 200  # activity slides the window
    with time_machine.travel(start + timedelta(minutes=29 + 29)):
        assert client.get(reverse("profile")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=29 + 29 + 31)):
        assert client.get(reverse("profile")).status_code == 302


def test_it_ends_a_session_after_its_absolute_lifetime_however_active(client, owner):
    client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    start = timezone.now()
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert client.get(reverse("profile")).status_code == 200
    with time_machine.travel(start + timedelta(hours=12, minutes=5)):
        response = client.get(reverse("profile"))
    assert response.status_code == 302


def test_password_change_ends_other_sessions_but_keeps_this_one(client, owner):
    from django.test import Client

    other_device = Client()
    other_device.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    log_in(client, owner.email)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a brand new passphrase",
            "new_password2": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("profile")).status_code == 200
    assert other_device.get(reverse("profile")).status_code == 302


def test_password_reset_sends_a_working_single_use_link(client, owner):
    response = client.post(reverse("password_reset"), {"email": owner.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    new = "another fresh passphrase"
    done = client.post(set_url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password(new)
    assert "expired" in client.get(path, follow=True).content.decode()


def test_password_reset_does_not_reveal_whether_an_account_exists(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 0


def test_session_and_csrf_cookies_are_secure_httponly_and_lax_in_production():
    assert project_settings.SESSION_COOKIE_SECURE is True  # DEBUG is off in tests
    assert project_settings.CSRF_COOKIE_SECURE is True
    assert project_settings.SESSION_COOKIE_HTTPONLY is True
    assert project_settings.SESSION_COOKIE_SAMESITE == "Lax"


def test_signup_page_and_login_page_render(client):
    assert "Create an account" in client.get(reverse("signup")).content.decode()
    assert "Forgot your password?" in client.get(reverse("login")).content.decode()


def test_signed_in_user_is_sent_from_signup_to_the_diary(client, owner):
    client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("signup"))["Location"] == reverse("diary")


def test_activity_slides_the_session_at_most_once_a_minute(client, owner):
    client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    client.get(reverse("profile"))
    key = client.session.session_key
    first_expiry = Session.objects.get(session_key=key).expire_date
    start = timezone.now()
    with time_machine.travel(start + timedelta(seconds=30)):
        client.get(reverse("profile"))
    assert Session.objects.get(session_key=key).expire_date == first_expiry
    with time_machine.travel(start + timedelta(seconds=90)):
        client.get(reverse("profile"))
    assert Session.objects.get(session_key=key).expire_date > first_expiry
