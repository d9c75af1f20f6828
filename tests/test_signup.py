"""Sign-up tells nobody who has an account: the same answer for a taken and a new email, a
confirmation link for new accounts, and a "someone tried to sign up" email for the owner of a
taken address (SECURITY.md "Logs, limits and outages")."""

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from fsgs_portal.accounts.confirmation import CONFIRMATION_DAYS
from fsgs_portal.accounts.models import User
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a calm river at dawn"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"')


def signup(client, email="new@example.org", password=NEW_PASSWORD, **extra):
    data = {"email": email, "password1": password, "password2": password, **extra}
    return client.post(reverse("signup"), data)


def log_in(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def link_in(message, marker: str) -> str:
    line = next(line for line in message.body.splitlines() if marker in line)
    return line.split("testserver", 1)[1]


def page_without_csrf(response) -> str:
    return CSRF.sub("", response.content.decode())


def test_a_taken_and_a_new_email_get_the_same_answer(client):
    make_user("taken@example.org")
    answers = []
    for email in ("Taken@Example.org", "new@example.org"):
        client.cookies.clear()
        response = signup(client, email=email)
        followed = client.get(response["Location"])
        answers.append(
            (response.status_code, response["Location"], response.content, followed.status_code)
        )
        answers[-1] += (page_without_csrf(followed), [t.name for t in followed.templates])
    taken, new = answers
    assert taken == new
    assert taken[0] == 302
    assert taken[1] == reverse("signup_done")
    assert "Check your email" in taken[4]
    # Each address got one email, and they differ: only the owner of the address learns which.
    assert [m.to for m in mail.outbox] == [["taken@example.org"], ["new@example.org"]]
    assert mail.outbox[0].subject == "Someone tried to sign up with your email address"
    assert mail.outbox[1].subject == "Confirm your email address"
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1


def test_a_taken_email_does_the_same_password_hashing_work(client, monkeypatch):
    """The wait must not tell a taken address from a new one: both hash the password once."""
    from django.contrib.auth.hashers import MD5PasswordHasher  # the tests' hasher (conftest)

    make_user("taken@example.org")
    calls = []
    real = MD5PasswordHasher.encode

    def counted(self, password, salt):
        calls.append(password)
        return real(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counted)
    signup(client, email="taken@example.org")
    taken = list(calls)
    calls.clear()
    signup(client, email="new@example.org")
    assert taken == calls == [NEW_PASSWORD]


def test_the_owner_of_a_taken_address_gets_a_working_password_reset_link(client):
    owner = make_user("taken@example.org")
    signup(client, email="taken@example.org", password="someone else's passphrase")
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)  # nothing changed on the account
    notice = mail.outbox[0]
    assert "already an account" in notice.body
    form_page = client.get(link_in(notice, "/accounts/reset/"), follow=True)
    assert form_page.status_code == 200
    assert "new_password1" in form_page.content.decode()


def test_a_new_account_cannot_log_in_until_it_confirms_its_email(client):
    signup(client)
    user = User.objects.get(email="new@example.org")
    assert user.email_confirmed_at is None
    response = log_in(client, "new@example.org", NEW_PASSWORD)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please confirm your email address first" in page
    assert reverse("email_confirm_resend") in page
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_for_an_unconfirmed_account_says_only_that_it_did_not_match(client):
    signup(client)
    page = log_in(client, "new@example.org", "not the password at all").content.decode()
    assert "confirm your email" not in page
    assert "did not match" in page


def test_the_confirmation_link_works_once_then_log_in_works(client):
    signup(client)
    path = link_in(mail.outbox[0], "/accounts/confirm/")
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirm my email address" in page.content.decode()
    assert User.objects.get(email="new@example.org").email_confirmed_at is None  # GET: no change
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert User.objects.get(email="new@example.org").email_confirmed_at is not None
    again = client.post(path)
    assert again.status_code == 404
    assert "This link does not work" in again.content.decode()
    assert log_in(client, "new@example.org", NEW_PASSWORD).status_code == 302


def test_the_confirmation_link_expires(client):
    signup(client)
    path = link_in(mail.outbox[0], "/accounts/confirm/")
    with time_machine.travel(timezone.now() + timedelta(days=CONFIRMATION_DAYS, minutes=1)):
        response = client.post(path)
    assert response.status_code == 404
    assert User.objects.get(email="new@example.org").email_confirmed_at is None
    with time_machine.travel(timezone.now() + timedelta(days=CONFIRMATION_DAYS, minutes=-5)):
        assert client.post(path).status_code == 302


@pytest.mark.parametrize(
    "mangle",
    [
        lambda uid, token: (uid, token[:-1] + ("0" if token[-1] != "0" else "1")),
        lambda uid, token: ("bm90LWEtbnVtYmVy", token),  # "not-a-number"
        lambda uid, token: ("zzzz", "nonsense"),
    ],
)
def test_a_wrong_confirmation_link_is_a_clear_404(client, mangle):
    signup(client)
    _, _, _, uid, token, _ = link_in(mail.outbox[0], "/accounts/confirm/").split("/")
    uid, token = mangle(uid, token)
    response = client.get(reverse("email_confirm", kwargs={"uidb64": uid, "token": token}))
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert User.objects.get(email="new@example.org").email_confirmed_at is None


def test_send_the_link_again_answers_the_same_for_any_address(client):
    signup(client)  # waiting for its link
    make_user("confirmed@example.org")
    mail.outbox.clear()
    answers = []
    for email in ("new@example.org", "confirmed@example.org", "nobody@example.org"):
        response = client.post(reverse("email_confirm_resend"), {"email": email})
        answers.append((response.status_code, response["Location"]))
    assert answers == [(302, reverse("signup_done"))] * 3
    assert [m.to for m in mail.outbox] == [["new@example.org"]]
    client.post(link_in(mail.outbox[0], "/accounts/confirm/"))
    assert User.objects.get(email="new@example.org").email_confirmed_at is not None


def test_a_password_reset_confirms_an_unconfirmed_account(client):
    signup(client)
    mail.outbox.clear()
    client.post(reverse("password_reset"), {"email": "new@example.org"})
    form_page = client.get(link_in(mail.outbox[0], "/accounts/reset/"), follow=True)
    new = "my own fresh passphrase"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert User.objects.get(email="new@example.org").email_confirmed_at is not None
    assert log_in(client, "new@example.org", new).status_code == 302


def test_password_reset_answers_the_same_for_a_taken_and_an_unknown_email(client):
    make_user("taken@example.org")
    taken = client.post(reverse("password_reset"), {"email": "taken@example.org"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert (taken.status_code, taken["Location"]) == (unknown.status_code, unknown["Location"])
    assert [m.to for m in mail.outbox] == [["taken@example.org"]]


def test_email_subjects_carry_no_health_words(client):
    make_user("taken@example.org")
    signup(client, email="taken@example.org")
    signup(client, email="new@example.org")
    for message in mail.outbox:
        assert not re.search(r"FSGS|kidney|diary|health", message.subject, re.IGNORECASE)


def test_the_demo_account_and_superusers_are_confirmed(client):
    from fsgs_portal.management.commands.seed_demo import DEFAULT_EMAIL, DEFAULT_PASSWORD

    call_command("seed_demo", "--force", days=3, stdout=io.StringIO())
    assert log_in(client, DEFAULT_EMAIL, DEFAULT_PASSWORD).status_code == 302
    assert User.objects.create_superuser("admin@example.org", "x" * 20).email_confirmed_at


@pytest.mark.django_db(transaction=True)
def test_the_migration_marks_existing_accounts_confirmed_from_the_day_they_joined():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def migrate(target):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([target])
        return executor.loader.project_state([target]).apps

    try:
        old = migrate(("accounts", "0001_initial"))
        joined = timezone.now() - timedelta(days=400)
        old.get_model("accounts", "User").objects.create(
            email="old@example.org", date_joined=joined
        )
        new = migrate(("accounts", "0002_email_confirmed_at"))
        user = new.get_model("accounts", "User").objects.get(email="old@example.org")
        assert user.email_confirmed_at == joined
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("accounts")[0])
