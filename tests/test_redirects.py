"""`?next=` is followed only to a safe local path (fsgs_portal/redirects.py); anything else
goes to the view's usual page, never to a server error, signed in or not."""

import pytest
from django.test import Client
from django.urls import reverse

from fsgs_portal.accounts.models import User
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

UNSAFE = [
    "foo",
    "foo/bar",
    "//evil.example",
    "//evil.example/path",
    "/\\evil.example",
    "https://evil.example/",
    "http://testserver.evil.example/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,hi",
    " /diary/",
    "/diary/\n",
    "\\\\evil.example",
    "",
]
SAFE = "/learn/"


@pytest.fixture
def client():
    # Server errors surface as 500 responses here, as a visitor would see them.
    return Client(raise_request_exception=False)


def signup(client, target, email="new@example.org"):
    password = "a calm river at dawn"
    data = {"email": email, "password1": password, "password2": password, "next": target}
    return client.post(reverse("signup"), data)


@pytest.mark.parametrize("target", UNSAFE)
def test_signup_with_an_unsafe_next_creates_the_account_and_goes_on(client, target):
    response = signup(client, target)
    assert response.status_code == 302
    # A new account confirms its email first; the unsafe target is dropped, never a 500.
    assert response["Location"] == reverse("signup_done")
    assert User.objects.filter(email="new@example.org").exists()


@pytest.mark.parametrize("target", UNSAFE)
def test_signup_while_signed_in_with_an_unsafe_next_goes_to_the_diary(client, owner, target):
    client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("signup"), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("diary")


@pytest.mark.parametrize("target", UNSAFE)
def test_log_in_with_an_unsafe_next_goes_to_the_diary(client, target):
    make_user("sam@example.org")
    page = client.get(reverse("login"), {"next": target})
    assert page.status_code == 200
    response = client.post(
        reverse("login"), {"username": "sam@example.org", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("diary")
    # Signed in now: the log-in page sends on, again only to a safe place.
    again = client.get(reverse("login"), {"next": target})
    assert again["Location"] == reverse("diary")


@pytest.mark.parametrize("target", UNSAFE)
def test_log_out_with_an_unsafe_next_goes_home(client, owner, target):
    client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("logout"), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("target", UNSAFE)
def test_changing_language_with_an_unsafe_next_goes_home(client, target):
    response = client.post(reverse("set_language"), {"language": "es", "next": target})
    assert response.status_code == 302
    assert response["Location"] in {"/", "/es/"}


def test_a_safe_local_path_is_followed_everywhere(client, owner):
    # Sign-up itself always ends on "check your email" (the address is confirmed first).
    assert signup(client, SAFE)["Location"] == reverse("signup_done")
    client.logout()
    make_user("sam@example.org")
    response = client.post(
        reverse("login"), {"username": "sam@example.org", "password": PASSWORD, "next": SAFE}
    )
    assert response["Location"] == SAFE
    assert client.post(reverse("logout"), {"next": SAFE})["Location"] == SAFE
    response = client.post(reverse("set_language"), {"language": "en", "next": SAFE})
    assert response["Location"] == SAFE
