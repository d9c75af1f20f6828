"""Log-in throttling (fsgs_portal/throttle.py): counted by account and address, by address
across accounts and by account across addresses; a cool-off runs from the lock, and trying
again during it does not extend it."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

WRONG = "not the right password"


def log_in(client, email, password=PASSWORD, address="127.0.0.1"):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def limit_of(params) -> int:
    return next(limit for counted, limit in settings.LOGIN_THROTTLE if counted == params)


def cool_off_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def test_the_cool_off_runs_from_the_lock_however_often_one_retries(client):
    make_user("sam@example.org")
    locked_at = timezone.now()
    with time_machine.travel(locked_at, tick=False):
        for _ in range(limit_of(["username", "ip_address"])):
            log_in(client, "sam@example.org", WRONG)
        assert log_in(client, "sam@example.org").status_code == 429
    minutes = cool_off_minutes()
    for minute in range(1, 21):
        with time_machine.travel(locked_at + timedelta(minutes=minute, seconds=1), tick=False):
            if minute < minutes:
                assert log_in(client, "sam@example.org", WRONG).status_code == 429
                assert log_in(client, "sam@example.org").status_code == 429, minute
            else:
                assert log_in(client, "sam@example.org").status_code == 302, minute
                break
    else:
        pytest.fail("the right password never worked again")


def test_one_address_trying_many_accounts_is_locked(client):
    limit = limit_of(["ip_address"])
    for number in range(limit):
        make_user(f"person{number}@example.org")
        log_in(client, f"person{number}@example.org", WRONG, address="203.0.113.7")
    make_user("someone@example.org")
    assert log_in(client, "someone@example.org", address="203.0.113.7").status_code == 429
    # The accounts themselves are not locked: from another address, they log in.
    assert log_in(client, "person0@example.org", address="198.51.100.1").status_code == 302


def test_one_address_under_the_limit_is_not_locked(client):
    for number in range(limit_of(["ip_address"]) - 1):
        make_user(f"person{number}@example.org")
        log_in(client, f"person{number}@example.org", WRONG, address="203.0.113.7")
    make_user("someone@example.org")
    assert log_in(client, "someone@example.org", address="203.0.113.7").status_code == 302


def test_logging_in_to_one_s_own_account_does_not_clear_the_address_count(client):
    make_user("mine@example.org")
    limit = limit_of(["ip_address"])
    for number in range(limit - 1):
        make_user(f"person{number}@example.org")
        log_in(client, f"person{number}@example.org", WRONG, address="203.0.113.7")
    assert log_in(client, "mine@example.org", address="203.0.113.7").status_code == 302
    client.logout()
    make_user("last@example.org")
    log_in(client, "last@example.org", WRONG, address="203.0.113.7")
    assert log_in(client, "mine@example.org", address="203.0.113.7").status_code == 429


def test_one_account_attacked_from_many_addresses_is_locked(client):
    make_user("sam@example.org")
    for number in range(30):
        log_in(client, "sam@example.org", WRONG, address=f"198.51.100.{number + 1}")
    assert log_in(client, "sam@example.org", address="192.0.2.200").status_code == 429
    # Other accounts from those addresses are fine.
    make_user("alex@example.org")
    assert log_in(client, "alex@example.org", address="198.51.100.1").status_code == 302


def test_the_account_limit_is_between_the_pair_and_the_address_limits():
    pair, address, account = (limit for _params, limit in settings.LOGIN_THROTTLE)
    assert pair < account < address


@pytest.mark.parametrize("minutes", [15, 20])
def test_the_message_says_the_cool_off_set(client, settings, minutes):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=minutes)
    make_user("sam@example.org")
    for _ in range(limit_of(["username", "ip_address"])):
        log_in(client, "sam@example.org", WRONG)
    page = log_in(client, "sam@example.org")
    assert page.status_code == 429
    assert f"wait {minutes} minutes" in " ".join(page.content.decode().split())
