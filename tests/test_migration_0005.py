"""Migration 0005: the care team's numbers keep their data under the new names, and the typed
columns are filled from the canonical values in the patient's current unit, giving back what
was typed (see the migration's docstring)."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("tracker", "0004_summary_prints_and_bp_target")]
AFTER = [("tracker", "0005_typed_units_and_bp_call_numbers")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_the_latest_schema():
    """Leave the test database at the newest migrations whatever happens, since later tests
    (the browser tests among them) share it."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_the_latest_schema")
def test_the_backfill_gives_back_what_was_typed():
    old = migrate(BEFORE)
    Patient, DiaryDay = old.get_model("tracker", "Patient"), old.get_model("tracker", "DiaryDay")
    # What the old forms stored for a person in lb and °F who typed 2 lb, 4.4 lb and 100.3 °F,
    # and diary days of 155.0 / 157.2 lb and 100.3 °F.
    us = Patient.objects.create(
        display_name="US",
        weight_unit="lb",
        temperature_unit="F",
        alert_weight_gain_1d_kg=D("0.91"),
        alert_weight_gain_7d_kg=D("2.00"),
        alert_fever_c=D("37.94"),
    )
    metric = Patient.objects.create(
        display_name="Metric", alert_weight_gain_1d_kg=D("0.50"), alert_fever_c=D("38.50")
    )
    for on, kg, celsius in [
        (date(2025, 3, 1), D("70.307"), None),
        (date(2025, 3, 2), D("71.305"), D("37.94")),
    ]:
        DiaryDay.objects.create(patient=us, date=on, weight_kg=kg, temperature_c=celsius)
    DiaryDay.objects.create(
        patient=metric, date=date(2025, 3, 1), weight_kg=D("70.25"), temperature_c=D("38.05")
    )
    DiaryDay.objects.create(patient=metric, date=date(2025, 3, 2))

    new = migrate(AFTER)
    Patient, DiaryDay = new.get_model("tracker", "Patient"), new.get_model("tracker", "DiaryDay")
    us = Patient.objects.get(display_name="US")
    assert (us.alert_weight_gain_1d, us.alert_weight_gain_7d, us.alert_weight_unit) == (
        D("2.0"),
        D("4.4"),
        "lb",
    )
    assert (us.alert_fever, us.alert_fever_unit) == (D("100.3"), "F")
    metric = Patient.objects.get(display_name="Metric")
    assert (metric.alert_weight_gain_1d, metric.alert_weight_unit) == (D("0.50"), "kg")
    assert (metric.alert_fever, metric.alert_fever_unit) == (D("38.50"), "C")
    typed = list(
        DiaryDay.objects.order_by("patient__display_name", "date").values_list(
            "weight_entered",
            "weight_entered_unit",
            "temperature_entered",
            "temperature_entered_unit",
        )
    )
    assert typed == [
        (D("70.25"), "kg", D("38.05"), "C"),
        (None, "", None, ""),
        (D("155.00"), "lb", None, ""),
        (D("157.20"), "lb", D("100.3"), "F"),
    ]
    # And back: the care team's numbers return to kg and °C.
    old = migrate(BEFORE)
    us = old.get_model("tracker", "Patient").objects.get(display_name="US")
    assert (us.alert_weight_gain_1d_kg, us.alert_fever_c) == (D("0.91"), D("37.94"))
