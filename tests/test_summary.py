"""The visit summary's pure statistics (tracker/summary.py), without a database."""

from datetime import date, timedelta
from decimal import Decimal as D

from tracker import alerts, remission
from tracker.summary import (
    GLOSSARY,
    Medicine,
    Period,
    Step,
    alert_groups,
    blood_pressure_numbers,
    completeness,
    current_medicines,
    default_period,
    egfr_numbers,
    filename,
    glossary_for,
    lab_lines,
    largest_gain,
    medicine_changes,
    steroid_course,
    steroid_doses,
    upcr_lines,
    weight_numbers,
)

TODAY = date(2025, 3, 28)
PERIOD = Period(date(2025, 3, 1), TODAY)


def day(on, **fields):
    return alerts.DayReadings(date=on, **fields)


def test_default_period_is_28_days_without_a_summary():
    assert default_period(TODAY, None) == Period(date(2025, 3, 1), TODAY)


def test_default_period_starts_the_day_after_the_last_summary():
    assert default_period(TODAY, (date(2025, 1, 1), date(2025, 2, 10))).start == date(2025, 2, 11)


def test_a_reprint_for_the_same_visit_keeps_the_start():
    period = default_period(TODAY, (date(2025, 2, 1), date(2025, 3, 25)))
    assert period == Period(date(2025, 2, 1), TODAY)


def test_default_period_is_never_longer_than_the_maximum():
    period = default_period(TODAY, (date(2015, 1, 1), date(2015, 2, 1)))
    assert period.days == 732


def test_filename_keeps_only_safe_characters():
    name = filename('Zoë "x"/../<b>', Period(date(2025, 3, 1), TODAY))
    assert name == "visit-summary-Zo-x-b-2025-03-01-to-2025-03-28.pdf"
    assert filename("", PERIOD).startswith("visit-summary-patient-")


def test_completeness_counts_days_with_each_reading():
    days = [
        day(date(2025, 2, 27), weight_kg=D("70"), swelling={"legs": 0}, foam=0),  # before
        day(date(2025, 3, 1), weight_kg=D("70"), swelling={"legs": 0}, foam=0, dipstick=1),
        day(date(2025, 3, 2), swelling={"legs": 1}, foam=0, blood_pressures=((120, 80),)),
        day(date(2025, 3, 3), blood_pressures=((130, 85), (128, 84))),
    ]
    result = completeness(days, PERIOD)
    assert (result.diary_days, result.weight_days, result.dipstick_days) == (2, 1, 1)
    assert result.blood_pressure_days == 2
    assert str(result) == "diary 2 of 28 days · weight 1 of 28 · dipstick 1 of 28 · BP 2 of 28"


def test_weight_numbers_latest_change_and_gains():
    days = [
        day(date(2025, 2, 26), weight_kg=D("68.0")),  # look-back: lowest of the 7 days
        day(date(2025, 3, 1), weight_kg=D("69.0")),
        day(date(2025, 3, 2), weight_kg=D("70.5")),  # +1.5 in 1 day
        day(date(2025, 3, 4), weight_kg=D("70.2")),
    ]
    numbers = weight_numbers(
        days,
        PERIOD,
        "kg",
        alert_days=1,
        limit_1_day=alerts.Limit(D("1.0"), "kg"),
        limit_7_day=alerts.Limit(D("2.0"), "kg"),
    )
    assert (numbers.latest, numbers.latest_on) == (D("70.2"), date(2025, 3, 4))
    assert numbers.change == D("1.2")
    assert (numbers.largest_1_day.amount, numbers.largest_1_day.on) == (D("1.5"), date(2025, 3, 2))
    # 7 days: 70.5 on 2 March over 68.0 on 26 February.
    assert numbers.largest_7_day.amount == D("2.5")
    assert numbers.largest_7_day.compared_on == date(2025, 2, 26)
    assert (numbers.limit_1_day, numbers.limit_7_day) == ("1.0 kg", "2.0 kg")


def test_weight_numbers_in_pounds_and_without_readings():
    days = [day(date(2025, 3, 1), weight_kg=D("70"))]
    numbers = weight_numbers(days, PERIOD, "lb", alert_days=0, limit_1_day=None, limit_7_day=None)
    assert numbers.latest == D("154.3")
    assert numbers.change is None
    assert numbers.largest_1_day is None
    assert (
        weight_numbers([], PERIOD, "kg", alert_days=0, limit_1_day=None, limit_7_day=None) is None
    )


def test_largest_gain_ignores_falls():
    days = [day(date(2025, 3, 1), weight_kg=D("70")), day(date(2025, 3, 2), weight_kg=D("69"))]
    assert largest_gain(days, PERIOD, 1) is None


def test_blood_pressure_average_and_share_above_target():
    readings = [
        (date(2025, 3, 1), 120, 80),
        (date(2025, 3, 1), 141, 79),  # above on systolic
        (date(2025, 3, 2), 130, 91),  # above on diastolic
        (date(2025, 3, 3), 185, 100),  # very high
        (date(2025, 2, 1), 200, 130),  # outside the period
    ]
    numbers = blood_pressure_numbers(readings, PERIOD, (140, 90), (180, 120))
    assert (numbers.mean_systolic, numbers.mean_diastolic) == (144, 88)
    assert (numbers.above_target, numbers.percent_above_target) == (3, 75)
    assert (numbers.readings, numbers.days, numbers.very_high) == (4, 3, 1)


def test_blood_pressure_without_target_or_readings():
    numbers = blood_pressure_numbers([(date(2025, 3, 1), 120, 80)], PERIOD, None, (180, 120))
    assert numbers.percent_above_target is None
    assert blood_pressure_numbers([], PERIOD, None, (180, 120)) is None


def test_egfr_is_calculated_for_adults_with_birth_date_and_sex():
    # CLINICAL.md worked value: female 55 y, creatinine 0.9 mg/dL -> 75.5.
    result, note = egfr_numbers(
        [(date(2025, 3, 10), D("0.9"))], [], date(1970, 1, 1), "female", TODAY
    )
    assert (result.value, result.stage.code, result.calculated) == (D("75.5"), "G2", True)
    assert "CKD-EPI 2021" in note


def test_egfr_for_a_child_is_the_lab_value():
    result, note = egfr_numbers(
        [(date(2025, 3, 10), D("0.5"))],
        [(date(2025, 3, 10), D("104"))],
        date(2015, 1, 1),
        "male",
        TODAY,
    )
    assert (result.value, result.stage.code, result.calculated) == (D("104"), "G1", False)
    assert "Under 18" in note


def test_egfr_without_sex_uses_the_lab_value_or_none():
    assert egfr_numbers([(TODAY, D("1"))], [], date(1970, 1, 1), "", TODAY)[0] is None
    result, _note = egfr_numbers([], [(TODAY, D("44"))], None, "", TODAY)
    assert result.stage.code == "G3b"


def test_lab_lines_show_change_from_baseline():
    results = [
        (date(2025, 1, 5), "upcr", D("4.0")),
        (date(2025, 3, 20), "upcr", D("1.2")),
        (date(2025, 1, 5), "albumin", D("25")),
        (date(2025, 3, 20), "albumin", D("35")),
        (date(2025, 4, 20), "albumin", D("40")),  # after the period: not shown
    ]
    baseline = remission.Baseline(
        D("4.0"), date(2025, 1, 5), "", remission.BASELINE_FIRST_ON_RECORD
    )
    upcr, albumin = lab_lines(
        results,
        PERIOD,
        upcr_unit="g/g",
        upcr_baseline=baseline,
        egfr_series=[],
        egfr_calculated=False,
    )
    assert (upcr.latest_shown, upcr.baseline_shown, upcr.change_text) == ("1.2", "4", "−2.8 (-70%)")
    assert upcr.baseline_label == "first on record"
    assert (albumin.latest_shown, albumin.change_text, albumin.in_period) == ("35", "+10 (+40%)", 1)


def test_lab_lines_convert_upcr_to_the_patients_unit():
    (line,) = lab_lines(
        [(date(2025, 3, 2), "upcr", D("0.25"))],
        PERIOD,
        upcr_unit="mg/g",
        upcr_baseline=None,
        egfr_series=[],
        egfr_calculated=False,
    )
    assert (line.latest_shown, line.unit, line.change_text) == ("250", "mg/g", "–")


def medicine(name, purpose, started, steps, stopped=None):
    return Medicine(
        name,
        purpose,
        purpose,
        started,
        stopped,
        tuple(
            Step(on, D(dose), "mg", frequency, f"{dose} mg {frequency}")
            for on, dose, frequency in steps
        ),
    )


PREDNISONE = medicine(
    "Prednisone",
    "steroid",
    date(2025, 1, 10),
    [
        (date(2025, 1, 10), "60", "1/day"),
        (date(2025, 3, 5), "50", "1/day"),
        (date(2025, 3, 19), "20", "2/day"),
    ],
    stopped=date(2025, 3, 25),
)
STATIN = medicine("Atorvastatin", "statin", date(2025, 3, 10), [(date(2025, 3, 10), "20", "1/day")])


def test_medicine_changes_list_every_start_dose_change_and_stop():
    changes = medicine_changes([PREDNISONE, STATIN], PERIOD)
    assert [(change.on, change.name, change.what) for change in changes] == [
        (date(2025, 3, 5), "Prednisone", "dose 60 mg 1/day → 50 mg 1/day"),
        (date(2025, 3, 10), "Atorvastatin", "started, 20 mg 1/day"),
        (date(2025, 3, 19), "Prednisone", "dose 50 mg 1/day → 20 mg 2/day"),
        (date(2025, 3, 25), "Prednisone", "stopped"),
    ]


def test_current_medicines_are_those_taken_on_the_last_day():
    now = current_medicines([PREDNISONE, STATIN], Period(date(2025, 3, 1), date(2025, 3, 28)))
    assert [(line.name, line.dose, line.started_in_period) for line in now] == [
        ("Atorvastatin", "20 mg 1/day", True)
    ]


def test_a_start_the_medicines_list_already_says_is_printed_once():
    period = Period(date(2025, 3, 1), date(2025, 3, 28))
    tapered = medicine(
        "Prednisone",
        "steroid",
        date(2025, 3, 2),
        [(date(2025, 3, 2), "60", "1/day"), (date(2025, 3, 20), "40", "1/day")],
    )
    changes = medicine_changes([STATIN, tapered], period, omit_listed_starts=True)
    # The statin is still at its first dose: the list says "started"; the steroid's start stays,
    # as the list shows only its dose since the taper.
    assert [(change.name, change.what) for change in changes] == [
        ("Prednisone", "started, 60 mg 1/day"),
        ("Prednisone", "dose 60 mg 1/day → 40 mg 1/day"),
    ]
    now = {line.name: line for line in current_medicines([STATIN, tapered], period)}
    assert now["Atorvastatin"].started_in_period
    assert not now["Prednisone"].started_in_period
    assert now["Prednisone"].since == date(2025, 3, 20)
    earlier = Period(date(2025, 3, 11), date(2025, 3, 28))  # the statin started before this
    assert not current_medicines([STATIN], earlier)[0].started_in_period


def test_steroid_doses_are_mg_a_day_with_a_stop():
    name, steps = steroid_doses([PREDNISONE, STATIN], PERIOD)
    assert name == "Prednisone"
    assert steps == [
        (date(2025, 1, 10), D("60")),
        (date(2025, 3, 5), D("50")),
        (date(2025, 3, 19), D("40")),  # 20 mg twice a day
        (date(2025, 3, 26), D("0")),  # the day after the last one taken
    ]
    assert steroid_doses([STATIN], PERIOD) is None


def test_alert_groups_one_line_per_rule_most_severe_first():
    found = alerts.evaluate(
        [
            day(date(2025, 3, 1) + timedelta(days=n), dipstick=4, blood_pressures=((120, 80),))
            for n in range(5)
        ]
        + [day(date(2025, 3, 10), blood_pressures=((190, 100),))],
        is_child=False,
        on_immunosuppression=False,
    )
    groups = alert_groups(found)
    assert [group.rule for group in groups] == [alerts.HIGH_BP, alerts.DIPSTICK_RELAPSE]
    relapse = groups[1]
    assert (relapse.days, relapse.first, relapse.last) == (3, date(2025, 3, 3), date(2025, 3, 5))
    assert relapse.guide_url.startswith("/learn/when-to-call/#")


def test_glossary_keeps_its_order_and_links_to_the_glossary_page():
    entries = glossary_for(["remission", "upcr", "nope"])
    assert [entry.slug for entry in entries] == ["upcr", "remission"]
    assert entries[0].url == "/learn/glossary/#upcr"
    assert set(GLOSSARY) >= {"upcr", "egfr", "remission", "dipstick", "edema"}


def test_the_baseline_result_itself_is_labelled_baseline_not_a_change_of_0():
    # Issue #11: the first UPCR on record is the baseline; "±0 (0%)" would read as news.
    first = remission.UpcrResult(date(2025, 3, 2), D("1.5"), "g/g")
    baseline = remission.choose_baseline([first], None, None)
    (line,) = lab_lines(
        [(date(2025, 3, 2), "upcr", D("1.5"))],
        PERIOD,
        upcr_unit="g/g",
        upcr_baseline=baseline,
        egfr_series=[],
        egfr_calculated=False,
    )
    assert (line.is_baseline, line.change_text) == (True, "baseline")
    later = [(date(2025, 3, 2), "upcr", D("1.5")), (date(2025, 3, 20), "upcr", D("0.75"))]
    (line,) = lab_lines(
        later,
        PERIOD,
        upcr_unit="g/g",
        upcr_baseline=baseline,
        egfr_series=[],
        egfr_calculated=False,
    )
    assert (line.is_baseline, line.change_text) == (False, "−0.75 (-50%)")


def test_a_steroid_taper_is_one_line_and_other_changes_stay_listed():
    period = Period(date(2025, 2, 1), date(2025, 9, 30))
    steps = [(date(2025, 2, 20), "60", "1/day")] + [
        (date(2025, 3, 1) + timedelta(days=14 * k), dose, "1/day")
        for k, dose in enumerate(["50", "40", "30", "25", "20", "15", "10", "7.5", "5"])
    ]
    prednisone = Medicine(
        "Prednisone",
        "steroid",
        "Steroid",
        date(2025, 2, 20),
        date(2025, 8, 21),
        tuple(Step(on, D(dose), "mg", how, f"{dose} mg {how}") for on, dose, how in steps),
    )
    course = steroid_course([prednisone, STATIN], period)
    assert course.text == "Prednisone 60 mg → stopped, 20 Feb to 21 Aug 2025, 10 steps"
    changes = medicine_changes([prednisone, STATIN], period, omit=course.medicine)
    assert [change.name for change in changes] == ["Atorvastatin"]


def test_a_single_steroid_change_stays_in_the_list():
    period = Period(date(2025, 3, 1), date(2025, 3, 28))
    one_step = medicine(
        "Prednisone",
        "steroid",
        date(2025, 2, 2),
        [(date(2025, 2, 2), "60", "1/day"), (date(2025, 3, 20), "40", "1/day")],
    )
    assert steroid_course([one_step], period) is None


def test_the_upcr_lines_are_written_in_the_patients_unit():
    (complete, complete_label), (nephrotic, nephrotic_label) = upcr_lines("mg/g", False)
    assert (complete, nephrotic) == (300, 3500)
    assert complete_label == "Complete remission: below 300 mg/g"
    assert nephrotic_label == "Nephrotic range: above 3500 mg/g"
    assert upcr_lines("mg/mmol", False)[0][1] == "Complete remission: below 33.9 mg/mmol"
    assert upcr_lines("mg/mmol", True)[1] == (D("200"), "Nephrotic range: 200 mg/mmol or more")
    child = upcr_lines("g/g", True)
    assert child[0][1] == "Complete remission: 0.2 g/g or less"
    assert child[1][1] == "Nephrotic range: 2 g/g or more"
