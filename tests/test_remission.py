"""tracker.remission: baseline choice and remission categories (KDIGO 2021, Troost 2018,
IPNA 2022). UPCR values are in g/g. No database."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.remission import (
    BASELINE_BEFORE_TREATMENT,
    BASELINE_FIRST_ON_RECORD,
    BASELINE_MARKED,
    Baseline,
    choose_baseline,
    drop_from_baseline_percent,
    remission_status,
)

D = Decimal
TREATMENT = date(2025, 3, 1)
LATEST_ON = date(2025, 9, 1)


def baseline_of(value: str) -> Baseline:
    return Baseline(value=D(value), date=date(2025, 1, 1), source="test", kind=BASELINE_MARKED)


def adult(upcr: str | Decimal, baseline: str | None = "4.0", previous_complete=False):
    return remission_status(
        (LATEST_ON, D(upcr)),
        baseline_of(baseline) if baseline is not None else None,
        is_child=False,
        previous_complete_remission=previous_complete,
    )


def child(upcr=None, dipsticks=(), previous_complete=False, upcr_on=LATEST_ON):
    return remission_status(
        None if upcr is None else (upcr_on, D(upcr)),
        None,
        is_child=True,
        previous_complete_remission=previous_complete,
        recent_dipsticks=list(dipsticks),
    )


def run(start: date, grades) -> list[tuple[date, int]]:
    return [(start + timedelta(days=offset), grade) for offset, grade in enumerate(grades)]


# Baseline -----------------------------------------------------------------------------------------


def test_it_uses_the_marked_baseline_first():
    readings = [(date(2025, 2, 1), D("6.0"))]
    baseline = choose_baseline(readings, D("4.2"), TREATMENT)
    assert baseline.value == D("4.2")
    assert baseline.kind == BASELINE_MARKED
    assert baseline.date is None
    assert "marked as baseline" in baseline.source


def test_it_uses_the_highest_upcr_in_the_90_days_before_treatment():
    readings = [
        (TREATMENT - timedelta(days=60), D("4.0")),
        (TREATMENT - timedelta(days=30), D("5.5")),
        (TREATMENT - timedelta(days=5), D("5.0")),
    ]
    baseline = choose_baseline(readings, None, TREATMENT)
    assert (baseline.value, baseline.date) == (D("5.5"), TREATMENT - timedelta(days=30))
    assert baseline.kind == BASELINE_BEFORE_TREATMENT
    assert "highest UPCR in the 90 days before" in baseline.source
    assert "2025-03-01" in baseline.source


def test_it_counts_a_result_exactly_90_days_before_treatment():
    readings = [(TREATMENT - timedelta(days=90), D("7.0")), (TREATMENT, D("2.0"))]
    assert choose_baseline(readings, None, TREATMENT).value == D("7.0")


def test_it_ignores_a_result_91_days_before_treatment():
    readings = [
        (TREATMENT - timedelta(days=91), D("7.0")),
        (TREATMENT - timedelta(days=1), D("2.0")),
    ]
    assert choose_baseline(readings, None, TREATMENT).value == D("2.0")


def test_it_counts_a_result_on_the_day_treatment_starts():
    readings = [(TREATMENT, D("6.0")), (TREATMENT - timedelta(days=10), D("5.0"))]
    assert choose_baseline(readings, None, TREATMENT).value == D("6.0")


def test_it_ignores_results_after_treatment_starts():
    readings = [
        (TREATMENT - timedelta(days=10), D("5.0")),
        (TREATMENT + timedelta(days=1), D("9.0")),
    ]
    assert choose_baseline(readings, None, TREATMENT).value == D("5.0")


def test_it_picks_the_earliest_of_equal_highest_results():
    readings = [
        (TREATMENT - timedelta(days=3), D("5.0")),
        (TREATMENT - timedelta(days=40), D("5.0")),
    ]
    assert choose_baseline(readings, None, TREATMENT).date == TREATMENT - timedelta(days=40)


def test_it_falls_back_to_the_first_result_when_none_is_before_treatment():
    readings = [
        (TREATMENT + timedelta(days=20), D("3.0")),
        (TREATMENT + timedelta(days=10), D("4.0")),
    ]
    baseline = choose_baseline(readings, None, TREATMENT)
    assert (baseline.value, baseline.date) == (D("4.0"), TREATMENT + timedelta(days=10))
    assert baseline.kind == BASELINE_FIRST_ON_RECORD
    assert baseline.source == "The first UPCR on record."


def test_it_uses_the_first_result_when_there_is_no_treatment():
    readings = [(date(2025, 5, 1), D("2.0")), (date(2025, 4, 1), D("6.0"))]
    baseline = choose_baseline(readings, None, None)
    assert (baseline.value, baseline.kind) == (D("6.0"), BASELINE_FIRST_ON_RECORD)


def test_it_has_no_baseline_without_results():
    assert choose_baseline([], None, TREATMENT) is None


def test_it_measures_the_drop_from_baseline_in_percent():
    assert drop_from_baseline_percent(D("2.0"), baseline_of("4.0")) == D("50")
    assert drop_from_baseline_percent(D("5.0"), baseline_of("4.0")) == D("-25")
    assert drop_from_baseline_percent(D("1.0"), baseline_of("0")) is None
    assert drop_from_baseline_percent(D("1.0"), None) is None


# Adults: complete remission and relapse -----------------------------------------------------------


@pytest.mark.parametrize(
    ("upcr", "category"),
    [("0.29", "complete"), ("0.299", "complete"), ("0.3", "partial"), ("0.31", "partial")],
)
def test_it_meets_complete_remission_only_below_0_3(upcr, category):
    assert adult(upcr).category == category


def test_it_names_the_complete_remission_rule_and_its_source():
    status = adult("0.2")
    assert status.label == "Meets the complete remission definition"
    assert status.rule == "KDIGO 2021: UPCR below 0.3 g/g"
    assert "stable kidney function and normal blood albumin" in status.explanation
    assert (status.upcr_g_per_g, status.measured_on) == (D("0.2"), LATEST_ON)


@pytest.mark.parametrize(
    ("upcr", "previous_complete", "category"),
    [
        ("3.5", True, "no_remission"),
        ("3.51", True, "relapse"),
        ("6.0", True, "relapse"),
        ("3.51", False, "nephrotic_range"),
    ],
)
def test_it_meets_relapse_only_above_3_5_after_complete_remission(
    upcr, previous_complete, category
):
    assert adult(upcr, baseline="4.0", previous_complete=previous_complete).category == category


def test_it_names_the_relapse_rule():
    status = adult("4.0", previous_complete=True)
    assert status.label == "Meets the relapse definition"
    assert status.rule == "KDIGO 2021: UPCR above 3.5 g/g after a complete remission"
    assert status.guide_anchor == "relapse"


# Adults: partial remission and FPRE ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("upcr", "baseline", "category"),
    [
        ("3.5", "7.02", "partial"),  # 50.1% drop, at the top of the range
        ("3.51", "10.0", "nephrotic_range"),  # 64.9% drop but above 3.5 g/g
        ("2.0", "4.0", "no_remission"),  # exactly 50%: not more than 50%, and not below 1.5
        ("1.996", "4.0", "partial"),  # 50.1%
        ("2.004", "4.0", "no_remission"),  # 49.9%
    ],
)
def test_it_meets_partial_remission_only_with_more_than_half_off_baseline(upcr, baseline, category):
    assert adult(upcr, baseline=baseline).category == category


@pytest.mark.parametrize(
    ("upcr", "baseline", "category"),
    [
        ("1.2", "2.0", "no_remission"),  # exactly 40%
        ("1.198", "2.0", "fpre"),  # 40.1%
        ("1.0", "2.0", "fpre"),  # exactly 50%: FPRE only
        ("0.998", "2.0", "partial"),  # 50.1%: partial, and FPRE too
        ("1.49", "2.6", "fpre"),  # 42.7%, just below 1.5
        ("1.5", "2.6", "no_remission"),  # 42.3%, at 1.5
        ("1.51", "2.6", "no_remission"),  # 41.9%, above 1.5
    ],
)
def test_it_meets_fpre_below_1_5_with_more_than_40_percent_off_baseline(upcr, baseline, category):
    assert adult(upcr, baseline=baseline).category == category


def test_it_reports_partial_and_mentions_fpre_when_both_hold():
    status = adult("1.0", baseline="4.0")
    assert status.category == "partial"
    assert status.label == "Meets the partial remission definition"
    assert status.rule == "KDIGO 2021: UPCR 0.3 to 3.5 g/g and more than 50% below baseline"
    assert "FPRE, Troost 2018" in status.explanation
    assert status.drop_percent == D("75.0")


def test_it_reports_fpre_with_troost_as_its_source():
    status = adult("1.0", baseline="1.8")
    assert status.category == "fpre"
    assert status.label == "Meets the FSGS partial remission endpoint (FPRE)"
    assert status.rule.startswith("Troost 2018:")


def test_it_reports_partial_without_fpre_above_1_5():
    status = adult("1.6", baseline="4.0")
    assert status.category == "partial"
    assert "FPRE" not in status.explanation


def test_it_explains_a_rise_from_baseline():
    status = adult("3.0", baseline="2.0")
    assert status.category == "no_remission"
    assert status.drop_percent == D("-50.0")
    assert "50.0% higher than the baseline of 2.00 g/g" in status.explanation


def test_it_cannot_judge_partial_remission_without_a_baseline():
    status = adult("1.0", baseline=None)
    assert status.category == "unknown"
    assert "baseline" in status.explanation


def test_it_still_reports_the_nephrotic_range_without_a_baseline():
    assert adult("5.0", baseline=None).category == "nephrotic_range"


def test_it_still_reports_complete_remission_without_a_baseline():
    assert adult("0.1", baseline=None).category == "complete"


def test_it_is_unknown_without_any_upcr():
    status = remission_status(None, None, is_child=False, previous_complete_remission=False)
    assert status.category == "unknown"
    assert status.label == "Not enough results to tell"


def test_it_carries_the_baseline_it_used():
    baseline = baseline_of("4.0")
    status = remission_status((LATEST_ON, D("1.0")), baseline, False, False)
    assert status.baseline is baseline


@settings(max_examples=300, deadline=None)
@given(
    st.decimals(min_value=D("0"), max_value=D("20"), places=3),
    st.one_of(st.none(), st.decimals(min_value=D("0"), max_value=D("20"), places=3)),
    st.booleans(),
)
def test_it_always_gives_a_known_category_and_never_a_diagnosis(upcr, baseline, previous):
    status = remission_status(
        (LATEST_ON, upcr),
        None if baseline is None else baseline_of(str(baseline)),
        is_child=False,
        previous_complete_remission=previous,
    )
    assert status.category in {
        "complete",
        "partial",
        "fpre",
        "relapse",
        "nephrotic_range",
        "no_remission",
        "unknown",
    }
    assert not status.label.lower().startswith(("you have", "you are"))
    assert status.rule
    assert status.explanation


# Children (IPNA 2022) -----------------------------------------------------------------------------


def mg_per_mmol(value: str) -> Decimal:
    return D(value) / D("113.1")


@pytest.mark.parametrize(
    ("upcr", "category"),
    [
        (mg_per_mmol("19.9"), "child_complete"),
        (mg_per_mmol("20"), "child_complete"),
        (mg_per_mmol("20.1"), "no_remission"),
        (D("0.2"), "no_remission"),  # 22.6 mg/mmol: IPNA's cut-off is 20 mg/mmol
        (D("0.1768"), "child_complete"),  # 19.996 mg/mmol, as a lab reports it 20.0
    ],
)
def test_it_meets_child_complete_remission_at_20_mg_per_mmol_or_less(upcr, category):
    assert child(upcr).category == category


@pytest.mark.parametrize(
    ("upcr", "category"),
    [
        (mg_per_mmol("199.9"), "no_remission"),
        (mg_per_mmol("200"), "child_relapse"),
        (mg_per_mmol("200.1"), "child_relapse"),
        (D("1.767"), "no_remission"),  # 199.85 mg/mmol
        (D("1.7683"), "child_relapse"),  # 200 mg/mmol stored to 4 places: 199.995
        (D("1.77"), "child_relapse"),  # 200.19 mg/mmol
    ],
)
def test_it_meets_child_relapse_at_200_mg_per_mmol_or_more(upcr, category):
    assert child(upcr, previous_complete=True).category == category


def test_it_calls_heavy_protein_nephrotic_range_in_a_child_never_in_remission():
    status = child(D("3.0"))
    assert status.category == "nephrotic_range"
    assert status.rule.startswith("IPNA 2022:")


@pytest.mark.parametrize(
    ("grades", "category"),
    [
        ([0, 1, 0], "child_complete"),
        ([1, 1, 1], "child_complete"),
        ([0, 0], "unknown"),
        ([0, 2, 0], "unknown"),
    ],
)
def test_it_meets_child_complete_remission_on_3_negative_or_trace_days(grades, category):
    assert child(dipsticks=run(date(2025, 8, 1), grades)).category == category


def test_it_needs_3_calendar_days_in_a_row():
    dipsticks = [(date(2025, 8, 1), 0), (date(2025, 8, 2), 0), (date(2025, 8, 4), 0)]
    assert child(dipsticks=dipsticks).category == "unknown"


@pytest.mark.parametrize(
    ("grades", "category"),
    [
        ([4, 4, 4], "child_relapse"),
        ([5, 4, 5], "child_relapse"),
        ([4, 3, 4], "child_complete"),  # 2+ breaks the run; the remission run stands
        ([4, 4], "child_complete"),
    ],
)
def test_it_meets_child_relapse_on_3_days_at_3_plus_or_more(grades, category):
    dipsticks = run(date(2025, 8, 1), [0, 0, 0]) + run(date(2025, 8, 10), grades)
    assert child(dipsticks=dipsticks).category == category


def test_it_counts_an_earlier_remission_run_as_a_previous_remission():
    dipsticks = run(date(2025, 8, 1), [0, 0, 0, 4, 4, 4])
    status = child(dipsticks=dipsticks)
    assert status.category == "child_relapse"
    assert status.label == "Meets the relapse definition for children"
    assert "2025-08-06" in status.explanation


def test_it_calls_a_first_3_plus_run_nephrotic_range_not_relapse():
    assert child(dipsticks=run(date(2025, 8, 1), [4, 4, 4])).category == "nephrotic_range"


def test_it_lets_the_newest_evidence_win():
    remission_then_lab = child(
        D("3.0"), dipsticks=run(date(2025, 8, 1), [0, 0, 0]), upcr_on=date(2025, 8, 20)
    )
    assert remission_then_lab.category == "child_relapse"
    lab_then_remission = child(
        D("3.0"), dipsticks=run(date(2025, 8, 1), [0, 0, 0]), upcr_on=date(2025, 7, 20)
    )
    assert lab_then_remission.category == "child_complete"


def test_it_lets_a_relapse_sign_win_a_same_day_tie():
    status = child(
        D("0.1"),
        dipsticks=run(date(2025, 8, 30), [4, 4, 4]),
        previous_complete=True,
        upcr_on=date(2025, 9, 1),
    )
    assert status.category == "child_relapse"


def test_it_lets_a_lab_result_win_over_a_same_day_dipstick_run():
    status = child(D("1.0"), dipsticks=run(date(2025, 8, 30), [0, 0, 0]), upcr_on=date(2025, 9, 1))
    assert status.category == "no_remission"


def test_it_names_the_child_rules_and_shows_mg_per_mmol():
    status = child(D("0.1"))
    assert status.category == "child_complete"
    assert status.label == "Meets the complete remission definition for children"
    assert status.rule.startswith("IPNA 2022: UPCR 20 mg/mmol (0.2 g/g) or less")
    assert "(11.3 mg/mmol)" in status.explanation
    assert status.guide_anchor == "children"


def test_it_is_unknown_for_a_child_without_enough_results():
    assert child().category == "unknown"
