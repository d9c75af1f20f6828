"""tracker.egfr: CKD-EPI 2021, age, KDIGO stages and albuminuria categories. No database."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.egfr import acr_category, age_in_years, calculated_egfr, ckd_epi_2021, egfr_stage

D = Decimal


# CKD-EPI 2021 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("creatinine", "age", "sex", "expected"),
    [
        (D("0.9"), 55, "female", D("75.5")),
        (D("1.0"), 50, "male", D("91.7")),
        (D("2.0"), 60, "male", D("37.5")),
    ],
)
def test_it_reproduces_the_worked_values_in_clinical_md(creatinine, age, sex, expected):
    assert ckd_epi_2021(creatinine, age, sex) == expected


def test_it_rounds_to_one_decimal_place():
    value = ckd_epi_2021(D("0.9"), 55, "female")
    assert isinstance(value, Decimal)
    assert value.as_tuple().exponent == -1


def test_it_uses_the_low_creatinine_branch_below_kappa():
    # Female, Scr below kappa 0.7: 142 x (0.6/0.7)^-0.241 x 0.9938^40 x 1.012.
    assert ckd_epi_2021(D("0.6"), 40, "female") == D("116.3")


def test_it_treats_creatinine_at_kappa_as_neither_branch():
    # At Scr = kappa both min and max terms are 1: 142 x 0.9938^age (x 1.012 if female).
    assert ckd_epi_2021(D("0.9"), 18, "male") == D("127.0")
    assert ckd_epi_2021(D("0.7"), 18, "female") == D("128.5")


def test_it_gives_a_lower_value_for_a_higher_creatinine():
    assert ckd_epi_2021(D("1.01"), 50, "male") < ckd_epi_2021(D("1.00"), 50, "male")


@pytest.mark.parametrize("sex", ["", "other", "Female", None])
def test_it_refuses_a_sex_it_has_no_equation_for(sex):
    with pytest.raises(ValueError, match="'female' or 'male'"):
        ckd_epi_2021(D("1.0"), 50, sex)


@pytest.mark.parametrize("creatinine", [D("0"), D("-0.1")])
def test_it_refuses_a_creatinine_not_above_zero(creatinine):
    with pytest.raises(ValueError, match="above 0"):
        ckd_epi_2021(creatinine, 50, "male")


def test_it_refuses_a_child_and_accepts_an_eighteen_year_old():
    with pytest.raises(ValueError, match="adults aged 18"):
        ckd_epi_2021(D("0.5"), 17, "female")
    assert ckd_epi_2021(D("0.5"), 18, "female") > 0


@settings(max_examples=200, deadline=None)
@given(
    st.decimals(min_value=D("0.2"), max_value=D("15"), places=2),
    st.integers(min_value=18, max_value=110),
    st.sampled_from(["female", "male"]),
)
def test_it_falls_as_creatinine_or_age_rises(creatinine, age, sex):
    value = ckd_epi_2021(creatinine, age, sex)
    assert value > 0
    assert ckd_epi_2021(creatinine + D("0.5"), age, sex) <= value
    assert ckd_epi_2021(creatinine, age + 1, sex) <= value


# Age ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on_date", "age"),
    [(date(2025, 5, 31), 44), (date(2025, 6, 1), 45), (date(2025, 6, 2), 45)],
)
def test_it_counts_completed_years_around_a_birthday(on_date, age):
    assert age_in_years(date(1980, 6, 1), on_date) == age


def test_it_ages_a_leap_day_baby_on_the_first_of_march():
    born = date(2004, 2, 29)
    assert age_in_years(born, date(2022, 2, 28)) == 17
    assert age_in_years(born, date(2022, 3, 1)) == 18
    assert age_in_years(born, date(2024, 2, 29)) == 20


def test_it_refuses_a_date_before_birth():
    with pytest.raises(ValueError, match="before the birth date"):
        age_in_years(date(2000, 1, 2), date(2000, 1, 1))


# Calculated eGFR ----------------------------------------------------------------------------------


def test_it_calculates_egfr_from_birth_date_and_sex():
    assert calculated_egfr(D("0.9"), date(1970, 3, 1), "female", date(2025, 3, 1)) == D("75.5")


@pytest.mark.parametrize(
    ("creatinine", "birth_date", "sex"),
    [
        (None, date(1970, 1, 1), "male"),
        (D("1.0"), None, "male"),
        (D("1.0"), date(1970, 1, 1), None),
        (D("1.0"), date(1970, 1, 1), ""),
        (D("1.0"), date(1970, 1, 1), "unknown"),
    ],
)
def test_it_gives_no_egfr_when_something_is_unknown(creatinine, birth_date, sex):
    assert calculated_egfr(creatinine, birth_date, sex, date(2025, 1, 1)) is None


def test_it_gives_no_egfr_the_day_before_an_eighteenth_birthday():
    assert calculated_egfr(D("0.6"), date(2007, 6, 1), "female", date(2025, 5, 31)) is None


def test_it_gives_an_egfr_on_an_eighteenth_birthday():
    assert calculated_egfr(D("0.6"), date(2007, 6, 1), "female", date(2025, 6, 1)) is not None


def test_it_gives_no_egfr_for_a_result_dated_before_birth():
    assert calculated_egfr(D("1.0"), date(2000, 1, 2), "male", date(2000, 1, 1)) is None


# Stages -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (D("120"), "G1"),
        (D("90"), "G1"),
        (D("89.9"), "G2"),
        (D("60"), "G2"),
        (D("59.9"), "G3a"),
        (D("45"), "G3a"),
        (D("44.9"), "G3b"),
        (D("30"), "G3b"),
        (D("29.9"), "G4"),
        (D("15"), "G4"),
        (D("14.9"), "G5"),
        (D("0"), "G5"),
    ],
)
def test_it_stages_egfr_at_and_around_each_boundary(value, code):
    assert egfr_stage(value).code == code


def test_it_labels_each_stage_in_plain_words():
    assert str(egfr_stage(D("95")).label) == "Normal or high kidney function"
    assert str(egfr_stage(D("10")).label) == "Kidney failure range"


def test_it_stages_the_worked_values():
    assert egfr_stage(D("75.5")).code == "G2"
    assert egfr_stage(D("91.7")).code == "G1"
    assert egfr_stage(D("37.5")).code == "G3b"


def test_it_refuses_a_negative_egfr():
    with pytest.raises(ValueError, match="negative"):
        egfr_stage(D("-1"))


@pytest.mark.parametrize(
    ("mg_per_g", "code"),
    [
        (D("0"), "A1"),
        (D("29.9"), "A1"),
        (D("30"), "A2"),
        (D("30.1"), "A2"),
        (D("299.9"), "A2"),
        (D("300"), "A2"),
        (D("300.1"), "A3"),
    ],
)
def test_it_categorises_acr_at_and_around_each_boundary(mg_per_g, code):
    assert acr_category(mg_per_g).code == code


def test_it_labels_acr_categories():
    assert str(acr_category(D("10")).label) == "Normal to mildly increased"
    assert str(acr_category(D("100")).label) == "Moderately increased"
    assert str(acr_category(D("1000")).label) == "Severely increased"


def test_it_refuses_a_negative_acr():
    with pytest.raises(ValueError, match="negative"):
        acr_category(D("-1"))
