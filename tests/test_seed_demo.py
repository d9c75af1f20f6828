"""seed_demo: a realistic, deterministic year for the demo account, written in bulk."""

import io
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fsgs_portal.accounts.models import User
from fsgs_portal.management.commands.seed_demo import DEFAULT_EMAIL, PARTNER_EMAIL, SALTY_DAY
from tracker import alerts, remission
from tracker.contexts import diary_window, labs_overview
from tracker.models import CareAccess, DiaryDay, LabResult, Patient, Purpose, day_readings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-03-10 15:00Z", tick=False):
        yield


def seed(days=365):
    call_command("seed_demo", "--force", days=days, stdout=io.StringIO())
    return Patient.objects.get(access__user__email=DEFAULT_EMAIL)


def alert_days(patient) -> dict[str, list[int]]:
    """Days before today on which each rule fires over the whole seeded history."""
    today = patient.today()
    found = alerts.evaluate(
        day_readings(patient.diary_days.all(), patient.blood_pressures.all()),
        patient.alert_thresholds(),
        is_child=False,
        on_immunosuppression=True,
        today=today,
    )
    days: dict[str, list[int]] = {}
    for alert in found:
        days.setdefault(alert.rule, []).append((today - alert.triggered_on).days)
    return days


def test_it_refuses_to_run_with_debug_off_without_force():
    with pytest.raises(CommandError, match="pass --force"):
        call_command("seed_demo", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--days must be 0 or more"):
        call_command("seed_demo", "--force", days=-1, stdout=io.StringIO())


def test_a_year_tells_the_relapse_treatment_and_remission_story():
    patient = seed()
    fired = alert_days(patient)
    # The relapse: 3+ dipsticks on 3 days in a row and a weight gain over a week, ~300 days ago.
    assert min(fired["dipstick_relapse"]) > 240
    assert max(fired["dipstick_relapse"]) < 300
    # (The salty meal 3 days ago may also reach 4.4 lb over the week: the patient weighs in lb.)
    relapse_gains = set(fired["weight_gain_7d"]) - {SALTY_DAY}
    assert relapse_gains
    assert all(280 < back < 300 for back in relapse_gains)
    # Then the dipstick falls to negative or trace, and stays there.
    assert 200 < max(fired["dipstick_remission"]) < 240
    assert fired["fever"] == [150]
    # A lab UPCR confirms a complete remission, judged against the relapse UPCR.
    overview = labs_overview(patient, list(patient.labs.all()), patient.today())
    assert overview.remission.category == remission.COMPLETE
    assert overview.remission.baseline.kind == remission.BASELINE_BEFORE_TREATMENT
    assert overview.remission.baseline.value == Decimal("5.2")


def test_the_steroid_course_is_a_dated_taper():
    patient = seed()
    steroid = patient.medications.get(purpose=Purpose.STEROID)
    doses = [step.dose for step in steroid.dose_steps.order_by("starts_on")]
    assert doses[0] == 60
    assert len(doses) >= 8
    assert doses == sorted(doses, reverse=True)
    assert steroid.stopped_on is not None
    assert not steroid.is_active_on(patient.today())


def test_labs_come_every_four_to_eight_weeks():
    patient = seed()
    dates = sorted(set(LabResult.objects.filter(patient=patient).values_list("date", flat=True)))
    gaps = [(later - earlier).days for earlier, later in pairwise(dates)]
    assert max(gaps) <= 56
    assert (patient.today() - dates[-1]).days <= 56
    assert Counter(LabResult.objects.values_list("kind", flat=True))["upcr"] == len(dates)


def test_some_days_are_missing_but_the_last_week_is_complete():
    patient = seed()
    logged = set(patient.diary_days.values_list("date", flat=True))
    assert 300 < len(logged) < 350
    today = patient.today()
    assert all(today - timedelta(days=back) in logged for back in range(7))


def test_the_diary_opens_with_the_recent_weight_alert():
    patient = seed()
    titles = [shown.alert.title for shown in diary_window(patient, patient.today()).alerts]
    assert any(title.startswith("Weight up") for title in titles)


def test_a_caregiver_entered_some_days():
    patient = seed()
    partner = User.objects.get(email=PARTNER_EMAIL)
    assert CareAccess.objects.get(user=partner, patient=patient).role == "edit"
    assert patient.diary_days.filter(entered_by=partner).count() > 20
    assert not partner.has_usable_password()


def snapshot(patient):
    return list(
        patient.diary_days.order_by("date").values_list(
            "date", "weight_kg", "swelling_legs", "foam", "dipstick", "temperature_c", "note"
        )
    ) + list(patient.labs.order_by("date", "kind").values_list("date", "kind", "value"))


def test_it_is_deterministic_and_a_rerun_replaces_the_demo():
    first = snapshot(seed())
    second = snapshot(seed())
    assert first == second
    assert Patient.objects.filter(access__user__email=DEFAULT_EMAIL).count() == 1
    assert DiaryDay.objects.count() == len([row for row in first if len(row) == 7])


@pytest.mark.parametrize("days", [0, 30, 1825])
def test_any_number_of_days_works(days):
    patient = seed(days)
    assert patient.diary_days.count() <= days
    if days:
        assert patient.diary_days.earliest("date").date >= patient.today() - timedelta(days=days)


def test_rows_are_written_in_bulk():
    with CaptureQueriesContext(connection) as queries:
        seed(365)
    assert len(queries) < 100  # one insert per row would be about 700


def test_the_checklist_has_one_upset_stomach_that_raises_no_alert_for_an_adult():
    patient = seed()
    ticked = patient.diary_days.filter(symptom_vomiting_diarrhoea=True)
    assert [day.note for day in ticked] == ["Upset stomach from the antibiotics."]
    assert "child_exposure" not in alert_days(patient)


def test_no_day_to_day_weight_jump_is_bigger_than_the_salty_meal():
    # The year before the relapse used to start 5 kg up and drop overnight into the relapse month.
    patient = seed()
    weights = dict(patient.diary_days.values_list("date", "weight_kg"))
    jumps = [
        abs(weights[day] - weights[day - timedelta(days=1)])
        for day in weights
        if day - timedelta(days=1) in weights
    ]
    assert max(jumps) < 2.5
