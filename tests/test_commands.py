"""seed_demo and bench, as an operator runs them."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from fsgs_portal.accounts.models import User
from tracker.models import CareAccess, Patient

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_with_debug_off():
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_creates_then_resets_the_demo_account(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", "--email", "Demo@Example.org", "--password", "p" * 14, stdout=out)
    assert "demo@example.org" in out.getvalue()
    user = User.objects.get(email="demo@example.org")
    assert user.check_password("p" * 14)
    first = Patient.objects.for_user(user).get()
    call_command("seed_demo", "--email", "demo@example.org", "--password", "q" * 14, stdout=out)
    user.refresh_from_db()
    assert user.check_password("q" * 14)
    assert not Patient.objects.filter(pk=first.pk).exists()
    assert Patient.objects.for_user(user).count() == 1
    assert CareAccess.objects.filter(user=user).count() == 1


def test_seed_demo_with_force_runs_with_debug_off():
    call_command("seed_demo", "--force", stdout=StringIO())
    assert User.objects.filter(email="demo@fsgs-portal.example").exists()


FEW_REMINDER_USERS = ("--reminder-users", "20")  # the 10,000 of a real run take seconds


def test_bench_prints_floors_and_ratios():
    out = StringIO()
    call_command(
        "bench", "--repeat", "2", "--pdf-repeat", "1", "--reminder-users", "20", stdout=out
    )
    text = out.getvalue()
    assert re.search(r"floor: bare view, full middleware stack\s+[\d.]+ ms", text)
    assert re.search(r"floor: WeasyPrint one-line page\s+[\d.]+ s", text)
    assert re.search(r"guide page .*ms\s+×[\d.]+ floor\s+2 queries", text)


def test_bench_measures_the_diary_and_trends_of_the_demo_patient():
    call_command("seed_demo", "--force", "--days", "30", stdout=StringIO())
    out = StringIO()
    call_command(
        "bench", "--repeat", "2", "--pdf-repeat", "1", "--reminder-users", "20", stdout=out
    )
    text = out.getvalue()
    assert re.search(r"floor: bare view, signed in\s+[\d.]+ ms", text)
    for name in ("diary page", "trends page, 28 days", "trends page, 365 days"):
        assert re.search(rf"{name}\s+[\d.]+ ms\s+×[\d.]+ floor\s+\d+ queries", text)
    assert re.search(r"trends page, 365 days, charts drawn\s+[\d.]+ ms", text)


def test_bench_times_the_visit_summary_against_its_budgets():
    call_command("seed_demo", "--force", "--days", "60", stdout=StringIO())
    out = StringIO()
    call_command(
        "bench", "--repeat", "1", "--pdf-repeat", "1", "--reminder-users", "20", stdout=out
    )
    text = out.getvalue()
    for days in (31, 90, 365):
        assert re.search(rf"summary PDF, {days} days\s+[\d.]+ s\s+×[\d.]+ floor\s+peak", text)
    assert re.search(r"summary PDF, 31 days .*budget 0.4 s: (ok|OVER)", text)
    assert re.search(r"summary PDF, 365 days / 31 days\s+×[\d.]+\s+goal ≤ ×1.5", text)
    counts = re.findall(
        r"summary page, (?:28|365) days\s+[\d.]+ ms\s+×[\d.]+ floor\s+(\d+) queries", text
    )
    assert len(counts) == 2
    assert re.search(r"summary page, 365 days, charts drawn\s+[\d.]+ ms", text)
    assert counts[0] == counts[1]  # a year costs no more queries than four weeks


def test_bench_profiles_one_summary_pdf_down_to_weasyprint():
    call_command("seed_demo", "--force", "--days", "40", stdout=StringIO())
    out = StringIO()
    call_command("bench", "--profile-pdf", "31", stdout=out)
    text = out.getvalue()
    assert "Ordered by: cumulative time" in text
    assert "Ordered by: internal time" in text
    # The view's own work and WeasyPrint's both show, with paths short enough to read.
    assert "tracker/summary.py" in text
    assert "weasyprint/" in text
    assert "site-packages" not in text


def test_bench_profile_without_a_demo_patient_says_what_to_run():
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("bench", "--profile-pdf", "31", stdout=StringIO())
