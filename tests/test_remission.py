"""tracker.remission: baseline choice and remission categories (KDIGO 2021, Troost 2018,
IPNA 2022, KDIGO 2025 children), each result compared in the unit the lab reported. No database."""

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
    UpcrResult,
    albumin_for,
    choose_baseline,
    complete_remission_line,
    drop_from_baseline_percent,
    latest_high_dipstick_days,
    remission_status,
    status_meanings,
)

D = Decimal
TREATMENT = date(2025, 3, 1)
LATEST_ON = date(2025, 9, 1)


def baseline_of(value: str) -> Baseline:
    return Baseline(value=D(value), date=date(2025, 1, 1), source="test", kind=BASELINE_MARKED)


def adult(
    upcr: str | Decimal,
    baseline: str | None = "4.0",
    previous_complete=False,
    unit="g/g",
    dipsticks=(),
):
    return remission_status(
        UpcrResult(LATEST_ON, D(upcr), unit),
        baseline_of(baseline) if baseline is not None else None,
        is_child=False,
        previous_complete_remission=previous_complete,
        recent_dipsticks=list(dipsticks),
    )


def child(
    upcr=None,
    dipsticks=(),
    previous_complete=False,
    upcr_on=LATEST_ON,
    unit="g/g",
    baseline=None,
    albumin=(),
):
    return remission_status(
        None if upcr is None else UpcrResult(upcr_on, D(upcr), unit),
        baseline,
        is_child=True,
        previous_complete_remission=previous_complete,
        recent_dipsticks=list(dipsticks),
        albumin_g_per_l=list(albumin),
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
    assert "1 Mar 2025" in baseline.source


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
    status = remission_status(UpcrResult(LATEST_ON, D("1.0"), "g/g"), baseline, False, False)
    assert status.baseline is baseline


def test_a_date_and_g_per_g_pair_is_read_as_g_per_g():
    status = remission_status((LATEST_ON, D("0.2")), None, False, False)
    assert (status.category, status.upcr.unit) == ("complete", "g/g")


ADULT_CATEGORIES = {"complete", "partial", "fpre", "relapse", "nephrotic_range", "no_remission"}
CHILD_CATEGORIES = {
    "child_complete",
    "child_partial",
    "child_possible_relapse",
    "child_relapse",
    "nephrotic_range",
    "no_remission",
}


@settings(max_examples=300, deadline=None)
@given(
    st.decimals(min_value=D("0"), max_value=D("20"), places=3),
    st.sampled_from(["g/g", "mg/mg", "mg/g", "mg/mmol"]),
    st.one_of(st.none(), st.decimals(min_value=D("0"), max_value=D("20"), places=3)),
    st.booleans(),
    st.booleans(),
)
def test_it_always_gives_a_known_category_and_never_a_diagnosis(
    g_per_g, unit, baseline, previous, is_child
):
    typed = {"mg/g": g_per_g * 1000, "mg/mmol": g_per_g * D("113.1")}.get(unit, g_per_g)
    status = remission_status(
        UpcrResult(LATEST_ON, typed, unit),
        None if baseline is None else baseline_of(str(baseline)),
        is_child=is_child,
        previous_complete_remission=previous,
    )
    assert status.category in (CHILD_CATEGORIES if is_child else ADULT_CATEGORIES) | {"unknown"}
    assert not status.label.lower().startswith(("you have", "you are"))
    assert status.rule
    assert status.explanation
    assert status.cutoff.startswith("Compared with ")
    assert unit in status.cutoff
    assert "about 1.77" not in status.rule + status.explanation + status.cutoff
    assert "1.77" not in status.rule + status.cutoff


# The case table: each line just below, exactly at and just above, in the unit the lab reported ---

ADULT_CASES = [
    # KDIGO 2021 complete remission: below 0.3 g/g (baseline 4 g/g: anything up to 3.5 is partial)
    ("0.299", "g/g", False, "complete"),
    ("0.3", "g/g", False, "partial"),
    ("0.31", "g/g", False, "partial"),
    ("0.299", "mg/mg", False, "complete"),
    ("0.3", "mg/mg", False, "partial"),
    ("299", "mg/g", False, "complete"),
    ("300", "mg/g", False, "partial"),
    ("301", "mg/g", False, "partial"),
    ("33.9", "mg/mmol", False, "complete"),  # 0.3 g/g is 33.93 mg/mmol, converted exactly
    ("33.92", "mg/mmol", False, "complete"),
    ("33.93", "mg/mmol", False, "partial"),
    ("34", "mg/mmol", False, "partial"),
    # Relapse: above 3.5 g/g after a complete remission (else the nephrotic range)
    ("3.5", "g/g", True, "no_remission"),  # 12.5% below the 4 g/g baseline
    ("3.51", "g/g", True, "relapse"),
    ("3.51", "g/g", False, "nephrotic_range"),
    ("3500", "mg/g", True, "no_remission"),
    ("3501", "mg/g", True, "relapse"),
    ("395.85", "mg/mmol", True, "no_remission"),  # 3.5 x 113.1
    ("395.86", "mg/mmol", True, "relapse"),
    ("395.86", "mg/mmol", False, "nephrotic_range"),
]


@pytest.mark.parametrize(("value", "unit", "previous", "category"), ADULT_CASES)
def test_adult_case_table(value, unit, previous, category):
    status = adult(value, unit=unit, previous_complete=previous)
    assert status.category == category
    assert status.upcr == UpcrResult(LATEST_ON, D(value), unit)


CHILD_CASES = [
    # IPNA 2022 complete remission: ≤ 20 mg/mmol, ≤ 0.2 g/g, ≤ 200 mg/g (each as published)
    ("19.9", "mg/mmol", "child_complete"),
    ("20", "mg/mmol", "child_complete"),
    ("20.1", "mg/mmol", "child_partial"),
    ("0.19", "g/g", "child_complete"),
    ("0.2", "g/g", "child_complete"),  # 22.6 mg/mmol, but g/g is held to the g/g line
    ("0.21", "g/g", "child_partial"),
    ("0.2", "mg/mg", "child_complete"),
    ("199", "mg/g", "child_complete"),
    ("200", "mg/g", "child_complete"),
    ("201", "mg/g", "child_partial"),
    ("22", "mg/mmol", "child_partial"),  # about 0.195 g/g, but mg/mmol is held to 20
    # Nephrotic line: ≥ 200 mg/mmol, ≥ 2 g/g, ≥ 2000 mg/g (never "about 1.77 g/g")
    ("199.9", "mg/mmol", "child_partial"),
    ("200", "mg/mmol", "nephrotic_range"),
    ("200.1", "mg/mmol", "nephrotic_range"),
    ("1.99", "g/g", "child_partial"),
    ("2", "g/g", "nephrotic_range"),
    ("2.01", "g/g", "nephrotic_range"),
    ("1.8", "g/g", "child_partial"),  # 203.6 mg/mmol, but g/g is held to 2 g/g
    ("1999", "mg/g", "child_partial"),
    ("2000", "mg/g", "nephrotic_range"),
    ("2001", "mg/g", "nephrotic_range"),
]


@pytest.mark.parametrize(("value", "unit", "category"), CHILD_CASES)
def test_child_case_table_before_any_remission(value, unit, category):
    assert child(value, unit=unit).category == category


@pytest.mark.parametrize(
    ("value", "unit", "category"),
    [
        ("199.9", "mg/mmol", "child_partial"),
        ("200", "mg/mmol", "child_possible_relapse"),
        ("1.99", "g/g", "child_partial"),
        ("2", "g/g", "child_possible_relapse"),
        ("1999", "mg/g", "child_partial"),
        ("2000", "mg/g", "child_possible_relapse"),
    ],
)
def test_one_high_child_upcr_after_a_remission_is_a_possible_relapse(value, unit, category):
    assert child(value, unit=unit, previous_complete=True).category == category


@pytest.mark.parametrize(
    ("value", "unit", "is_child", "cutoff"),
    [
        (
            "0.2",
            "g/g",
            True,
            "Compared with the children's complete remission line of 0.2 g/g (IPNA 2022), "
            "the unit your lab used.",
        ),
        (
            "200",
            "mg/g",
            True,
            "Compared with the children's complete remission line of 0.2 g/g (IPNA 2022), "
            "which is exactly 200 mg/g in the unit your lab used.",
        ),
        (
            "20",
            "mg/mmol",
            True,
            "Compared with the children's complete remission line of 20 mg/mmol (IPNA 2022), "
            "the unit your lab used.",
        ),
        (
            "2",
            "g/g",
            True,
            "Compared with the children's nephrotic line of 2 g/g (IPNA 2022), the unit your "
            "lab used.",
        ),
        (
            "100",
            "mg/mmol",
            True,
            "Compared with the children's lines of 20 mg/mmol and 200 mg/mmol (IPNA 2022), "
            "the unit your lab used.",
        ),
        (
            "0.2",
            "g/g",
            False,
            "Compared with the adults' complete remission line of 0.3 g/g (KDIGO 2021), the "
            "unit your lab used.",
        ),
        (
            "33.9",
            "mg/mmol",
            False,
            "Compared with the adults' complete remission line of 0.3 g/g (KDIGO 2021). Your "
            "lab used mg/mmol, so the portal converted it with 1 g/g = 113.1 mg/mmol: "
            "33.93 mg/mmol.",
        ),
        (
            "4000",
            "mg/g",
            False,
            "Compared with the adults' nephrotic line of 3.5 g/g (KDIGO 2021), which is "
            "exactly 3500 mg/g in the unit your lab used.",
        ),
    ],
)
def test_each_status_says_which_line_in_which_unit_it_used(value, unit, is_child, cutoff):
    status = child(value, unit=unit) if is_child else adult(value, unit=unit)
    assert status.cutoff == cutoff
    assert f"The latest UPCR was {value} {unit} on 1 Sep 2025." in status.explanation


def test_no_status_text_says_about_1_77_g_per_g():
    for value, unit, _category in CHILD_CASES:
        for previous in (False, True):
            status = child(value, unit=unit, previous_complete=previous)
            assert "1.77" not in status.rule + status.explanation + status.cutoff
    assert all("1.77" not in meaning for _term, meaning in status_meanings(True))


def test_the_child_rules_are_named_with_their_source():
    complete = child("0.1", unit="g/g")
    assert complete.label == "Meets the complete remission definition for children"
    assert complete.rule.startswith("IPNA 2022: UPCR 20 mg/mmol or less (0.2 g/g, 200 mg/g)")
    assert complete.guide_anchor == "children"
    assert complete.upcr_g_per_g == D("0.1")  # kept for charts
    nephrotic = child("3.0")
    assert nephrotic.label == "Protein is in the nephrotic range"
    assert nephrotic.rule.startswith("IPNA 2022: UPCR 200 mg/mmol (2 g/g) or more")


def test_a_possible_relapse_asks_the_care_team_to_confirm():
    status = child("250", unit="mg/mmol", previous_complete=True)
    assert status.label == "Possible relapse: confirm with the care team"
    assert "3 days in a row" in status.rule
    assert "Contact your care team to confirm it." in status.explanation
    assert "meets the relapse" not in status.label.lower()


# Children: partial remission (IPNA 2022 with albumin; KDIGO 2025's 50% fall in words) -----------


def test_a_child_partial_remission_without_albumin_or_baseline_says_what_it_could_not_check():
    status = child("100", unit="mg/mmol")
    assert status.category == "child_partial"
    assert status.label == "Meets the partial remission definition for children"
    assert "KDIGO 2025" in status.rule
    assert "no blood albumin result from the 30 days before it" in status.explanation
    assert "There is no baseline, so the portal cannot judge the fall of 50%" in (
        status.explanation
    )


@pytest.mark.parametrize(
    ("albumin", "category"),
    [
        ([(LATEST_ON - timedelta(days=5), D("30"))], "child_partial"),  # exactly 30 g/L
        ([(LATEST_ON - timedelta(days=5), D("30.1"))], "child_partial"),
        ([(LATEST_ON - timedelta(days=5), D("29.9"))], "no_remission"),
        ([(LATEST_ON, D("29.9"))], "no_remission"),  # same day counts
        ([(LATEST_ON - timedelta(days=30), D("25"))], "no_remission"),  # 30 days before counts
        ([(LATEST_ON - timedelta(days=31), D("25"))], "child_partial"),  # too old: unknown
        ([(LATEST_ON + timedelta(days=1), D("25"))], "child_partial"),  # after the UPCR: unknown
        (
            [(LATEST_ON - timedelta(days=20), D("25")), (LATEST_ON - timedelta(days=2), D("33"))],
            "child_partial",  # the latest albumin counts
        ),
    ],
)
def test_a_child_partial_remission_needs_albumin_of_30_or_more_when_known(albumin, category):
    for value, unit in (("100", "mg/mmol"), ("1", "g/g"), ("1000", "mg/g")):
        assert child(value, unit=unit, albumin=albumin).category == category


def test_a_low_albumin_is_named_in_the_explanation():
    status = child("1", albumin=[(date(2025, 8, 30), D("22"))])
    assert status.label == "Does not meet a remission definition for children"
    assert "But blood albumin was 22 g/L on 30 Aug 2025, below 30 g/L." in status.explanation


def test_albumin_for_takes_the_latest_in_the_30_days_up_to_the_upcr():
    albumins = [(date(2025, 8, 1), D("20")), (date(2025, 8, 20), D("31"))]
    assert albumin_for(LATEST_ON, albumins) == (date(2025, 8, 20), D("31"))
    assert albumin_for(date(2025, 7, 31), albumins) is None


@pytest.mark.parametrize(
    ("baseline", "unit", "sentence"),
    [
        ("400", "mg/mmol", "That meets the fall of 50% or more"),  # 75%
        ("200", "mg/mmol", "That meets the fall of 50% or more"),  # exactly 50%
        ("199.9", "mg/mmol", "That is not the fall of 50% or more"),  # 49.97%
        ("150", "mg/mmol", "That is not the fall of 50% or more"),
    ],
)
def test_a_child_partial_remission_says_whether_the_fall_is_50_percent_or_more(
    baseline, unit, sentence
):
    presenting = UpcrResult(date(2025, 1, 5), D(baseline), unit)
    chosen = choose_baseline([presenting], None, None)
    status = child("100", unit="mg/mmol", baseline=chosen)
    assert status.category == "child_partial"
    assert sentence in status.explanation
    assert f"lower than the baseline of {baseline} mg/mmol" in status.explanation


# Children: dipstick runs, possible relapse and relapse -------------------------------------------


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


def test_a_missing_day_breaks_a_remission_run():
    dipsticks = [(date(2025, 8, 1), 0), (date(2025, 8, 2), 0), (date(2025, 8, 4), 0)]
    assert child(dipsticks=dipsticks).category == "unknown"


@pytest.mark.parametrize(
    ("grades", "category"),
    [
        ([4, 4, 4], "child_relapse"),
        ([5, 4, 5], "child_relapse"),
        ([4, 3, 4], "child_complete"),  # 2+ breaks the run; the remission run stands
        ([4, 4], "child_complete"),
        ([4, None, 4, 4], "child_complete"),  # a missing day breaks the run
    ],
)
def test_it_meets_child_relapse_on_3_days_at_3_plus_or_more(grades, category):
    later = [(day, grade) for day, grade in run(date(2025, 8, 10), grades) if grade is not None]
    dipsticks = run(date(2025, 8, 1), [0, 0, 0]) + later
    assert child(dipsticks=dipsticks).category == category


def test_a_3_day_dipstick_run_after_a_remission_meets_the_relapse_definition():
    dipsticks = run(date(2025, 8, 1), [0, 0, 0, 4, 4, 4])
    status = child(dipsticks=dipsticks)
    assert status.category == "child_relapse"
    assert status.label == "Meets the relapse definition for children"
    assert "6 Aug 2025" in status.explanation
    assert status.cutoff == ""  # a dipstick rule: no UPCR line was used


def test_it_calls_a_first_3_plus_run_nephrotic_range_not_relapse():
    assert child(dipsticks=run(date(2025, 8, 1), [4, 4, 4])).category == "nephrotic_range"


def test_it_lets_the_newest_evidence_win():
    remission_then_lab = child(
        "3.0", dipsticks=run(date(2025, 8, 1), [0, 0, 0]), upcr_on=date(2025, 8, 20)
    )
    assert remission_then_lab.category == "child_possible_relapse"
    lab_then_remission = child(
        "3.0", dipsticks=run(date(2025, 8, 1), [0, 0, 0]), upcr_on=date(2025, 7, 20)
    )
    assert lab_then_remission.category == "child_complete"


def test_a_dipstick_run_wins_a_same_day_tie_with_a_high_upcr():
    dipsticks = run(date(2025, 8, 1), [0, 0, 0]) + run(date(2025, 8, 30), [4, 4, 4])
    status = child("250", unit="mg/mmol", dipsticks=dipsticks)
    assert status.category == "child_relapse"


def test_a_relapse_sign_wins_a_same_day_tie_with_a_low_upcr():
    status = child(
        "0.1",
        dipsticks=run(date(2025, 8, 30), [4, 4, 4]),
        previous_complete=True,
        upcr_on=date(2025, 9, 1),
    )
    assert status.category == "child_relapse"


def test_a_lab_result_wins_over_a_same_day_remission_run():
    status = child("1.0", dipsticks=run(date(2025, 8, 30), [0, 0, 0]), upcr_on=date(2025, 9, 1))
    assert status.category == "child_partial"


def test_it_is_unknown_for_a_child_without_enough_results():
    assert child().category == "unknown"


# The watch note: high dipsticks after a complete remission, before they make a relapse ----------


@pytest.mark.parametrize(
    ("later", "watch_dates"),
    [
        ([4], ["4 Aug 2025"]),
        ([5, 4], ["4 Aug 2025", "5 Aug 2025"]),
        ([4, 2], []),  # the latest is 2+: no note
        ([4, None, 4], ["6 Aug 2025"]),  # a missing day ends the run
        ([], []),
    ],
)
def test_a_child_in_complete_remission_is_told_when_the_latest_dipsticks_are_high(
    later, watch_dates
):
    dipsticks = run(date(2025, 8, 1), [0, 0, 0]) + [
        (day, grade) for day, grade in run(date(2025, 8, 4), later) if grade is not None
    ]
    status = child(dipsticks=dipsticks)
    assert status.category == "child_complete"
    if watch_dates:
        assert status.watch.startswith("Your latest dipsticks are 3+ or higher (")
        assert ", ".join(watch_dates) in status.watch
        assert "If this lasts 3 days in a row, it is the relapse sign" in status.watch
    else:
        assert status.watch == ""


def test_a_child_complete_remission_by_lab_is_watched_too():
    status = child("15", unit="mg/mmol", dipsticks=run(LATEST_ON + timedelta(days=1), [4]))
    assert status.category == "child_complete"
    assert "2 Sep 2025" in status.watch


@pytest.mark.parametrize(
    ("dipsticks", "expected"),
    [
        (run(LATEST_ON + timedelta(days=1), [4]), "If this lasts 3 days in a row"),
        (run(LATEST_ON + timedelta(days=1), [4, 5]), "If this lasts 3 days in a row"),
        (run(LATEST_ON + timedelta(days=1), [4, 4, 4]), "This is the relapse sign"),
        (run(LATEST_ON, [4]), ""),  # the same day as the lab: not newer than the evidence
        (run(LATEST_ON - timedelta(days=3), [4, 4]), ""),
        (run(LATEST_ON + timedelta(days=1), [3]), ""),  # 2+
    ],
)
def test_an_adult_in_complete_remission_is_told_when_the_latest_dipsticks_are_high(
    dipsticks, expected
):
    status = adult("0.1", dipsticks=dipsticks)
    assert status.category == "complete"
    if expected:
        assert expected in status.watch
        assert "contact your care team" in status.watch
    else:
        assert status.watch == ""


def test_no_watch_note_goes_with_a_status_that_is_not_complete_remission():
    assert adult("1.0", dipsticks=run(LATEST_ON + timedelta(days=1), [4])).watch == ""


def test_latest_high_dipstick_days_count_back_from_the_latest_reading():
    dipsticks = run(date(2025, 8, 1), [4, 4, 0, 4, 5])
    assert latest_high_dipstick_days(dipsticks, None) == [date(2025, 8, 4), date(2025, 8, 5)]
    assert latest_high_dipstick_days(dipsticks, date(2025, 8, 4)) == [date(2025, 8, 5)]
    assert latest_high_dipstick_days([], None) == []


# Reference lines and the statuses explained ------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "is_child", "value", "label"),
    [
        ("mg/mmol", True, "20", "Complete remission (children, IPNA 2022): 20 mg/mmol or less"),
        ("g/g", True, "0.2", "Complete remission (children, IPNA 2022): 0.2 g/g or less"),
        (
            "mg/g",
            True,
            "200",
            "Complete remission (children, IPNA 2022): 0.2 g/g (200 mg/g) or less",
        ),
        ("g/g", False, "0.3", "Complete remission (adults, KDIGO 2021): below 0.3 g/g"),
        ("mg/g", False, "300", "Complete remission (adults, KDIGO 2021): below 0.3 g/g (300 mg/g)"),
        (
            "mg/mmol",
            False,
            "33.93",
            "Complete remission (adults, KDIGO 2021): below 0.3 g/g (33.93 mg/mmol)",
        ),
    ],
)
def test_the_complete_remission_line_is_in_the_charts_unit_with_the_published_number(
    unit, is_child, value, label
):
    assert complete_remission_line(unit, is_child) == (D(value), label)


def test_the_statuses_explained_include_steroid_resistance_without_computing_it():
    children = dict(status_meanings(True))
    assert "4 weeks of daily prednisone at full dose" in children["Steroid-resistant"]
    assert "IPNA 2020" in children["Steroid-resistant"]
    assert "Possible relapse" in children
    assert "30 g/L" in children["Partial remission"]
    adults = dict(status_meanings(False))
    assert "16 weeks of high-dose prednisone" in adults["Steroid-resistant"]
    assert "your care team decides" in adults["Steroid-resistant"]


def test_a_baseline_in_another_unit_is_shown_as_reported_and_in_the_results_unit():
    chosen = choose_baseline([UpcrResult(date(2025, 1, 5), D("400"), "mg/mmol")], None, None)
    status = child("0.9", baseline=chosen)
    assert "lower than the baseline of 400 mg/mmol (3.54 g/g)." in status.explanation
