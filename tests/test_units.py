"""tracker.units: conversion factors from CLINICAL.md, lab units, dipstick grades. No database."""

from decimal import Decimal

import pytest
from django.utils.functional import Promise
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import units
from tracker.units import (
    DIPSTICK_GRADES,
    LAB_UNITS,
    as_decimal,
    canonical_unit,
    celsius_from_fahrenheit,
    dipstick_label,
    fahrenheit_from_celsius,
    from_canonical,
    kg_from_lb,
    lb_from_kg,
    rounded,
    to_canonical,
    upcr_from_g_per_g,
    upcr_to_g_per_g,
)

D = Decimal

positive_decimals = st.decimals(
    min_value=D("0.001"), max_value=D("100000"), allow_nan=False, allow_infinity=False, places=3
)


TOLERANCE = D("1e-20")


def close(a: Decimal, b: Decimal) -> bool:
    """Equal to within Decimal's 28-digit rounding (relative to the size of `b`)."""
    return abs(a - b) <= TOLERANCE * max(D(1), abs(b))


# Factors ------------------------------------------------------------------------------------------


def test_it_uses_the_factors_from_clinical_md():
    factors = [
        units.LB_PER_KG,
        units.UPCR_MG_PER_MMOL_PER_G_PER_G,
        units.ALBUMIN_G_PER_L_PER_G_PER_DL,
        units.CREATININE_UMOL_PER_MG_DL,
        units.ACR_MG_PER_G_PER_MG_PER_MMOL,
        units.CHOLESTEROL_MG_DL_PER_MMOL_L,
    ]
    assert factors == [D("2.20462"), D("113.1"), D("10"), D("88.4"), D("8.84"), D("38.67")]


# Weight -------------------------------------------------------------------------------------------


def test_it_converts_one_kilogram_to_pounds():
    assert lb_from_kg(D("1")) == D("2.20462")


def test_it_converts_pounds_to_one_kilogram():
    assert kg_from_lb(D("2.20462")) == D("1")


def test_it_turns_the_weight_alert_defaults_into_published_pounds():
    assert rounded(lb_from_kg(D("1.0")), 1) == D("2.2")
    assert rounded(lb_from_kg(D("2.0")), 1) == D("4.4")


def test_it_returns_decimals_for_weight():
    assert isinstance(lb_from_kg(D("70")), Decimal)
    assert isinstance(kg_from_lb(D("154")), Decimal)


@settings(max_examples=200, deadline=None)
@given(positive_decimals)
def test_it_round_trips_kilograms_through_pounds_exactly(kilograms):
    assert kg_from_lb(lb_from_kg(kilograms)) == kilograms


@settings(max_examples=200, deadline=None)
@given(positive_decimals)
def test_it_round_trips_pounds_through_kilograms_to_within_rounding(pounds):
    assert close(lb_from_kg(kg_from_lb(pounds)), pounds)


# Temperature --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("celsius", "fahrenheit"),
    [(D("38.0"), D("100.4")), (D("0"), D("32")), (D("-40"), D("-40")), (D("100"), D("212"))],
)
def test_it_converts_temperatures_both_ways(celsius, fahrenheit):
    assert fahrenheit_from_celsius(celsius) == fahrenheit
    assert celsius_from_fahrenheit(fahrenheit) == celsius


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=D("30"), max_value=D("45"), places=2))
def test_it_round_trips_celsius_through_fahrenheit(celsius):
    assert close(celsius_from_fahrenheit(fahrenheit_from_celsius(celsius)), celsius)


# UPCR ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "g_per_g"),
    [
        (D("0.3"), "g/g", D("0.3")),
        (D("0.3"), "mg/mg", D("0.3")),
        (D("300"), "mg/g", D("0.3")),
        (D("3500"), "mg/g", D("3.5")),
        (D("113.1"), "mg/mmol", D("1")),
        (D("226.2"), "mg/mmol", D("2")),
    ],
)
def test_it_converts_upcr_to_grams_per_gram(value, unit, g_per_g):
    assert upcr_to_g_per_g(value, unit) == g_per_g


@pytest.mark.parametrize(
    ("unit", "expected"),
    [("g/g", D("0.3")), ("mg/mg", D("0.3")), ("mg/g", D("300")), ("mg/mmol", D("33.93"))],
)
def test_it_converts_upcr_from_grams_per_gram(unit, expected):
    assert upcr_from_g_per_g(D("0.3"), unit) == expected


def test_it_uses_the_exact_factor_for_the_child_relapse_cut_off():
    assert upcr_to_g_per_g(D("200"), "mg/mmol") == D("200") / D("113.1")
    assert rounded(upcr_to_g_per_g(D("200"), "mg/mmol"), 2) == D("1.77")


@pytest.mark.parametrize("unit", ["G/G", " mg/g ", "MG/MMOL", "mg / mmol"])
def test_it_forgives_case_and_spaces_in_units(unit):
    assert isinstance(upcr_to_g_per_g(D("1"), unit), Decimal)


def test_it_rejects_an_unknown_upcr_unit_with_the_accepted_ones():
    with pytest.raises(ValueError, match=r"Unknown unit 'mg/dL' for UPCR.*g/g.*mg/mmol"):
        upcr_to_g_per_g(D("1"), "mg/dL")


@settings(max_examples=100, deadline=None)
@given(positive_decimals, st.sampled_from(["g/g", "mg/mg", "mg/g", "mg/mmol"]))
def test_it_round_trips_upcr_in_every_unit(value, unit):
    assert close(upcr_from_g_per_g(upcr_to_g_per_g(value, unit), unit), value)
    assert close(upcr_to_g_per_g(upcr_from_g_per_g(value, unit), unit), value)


# Albumin and creatinine ---------------------------------------------------------------------------


def test_it_converts_albumin_between_g_per_dl_and_g_per_l():
    assert units.albumin_g_per_l_from_g_per_dl(D("3.0")) == D("30")
    assert units.albumin_g_per_dl_from_g_per_l(D("30")) == D("3")


def test_it_converts_creatinine_between_umol_per_l_and_mg_per_dl():
    assert units.creatinine_mg_dl_from_umol_l(D("88.4")) == D("1")
    assert units.creatinine_umol_l_from_mg_dl(D("1")) == D("88.4")
    assert units.creatinine_umol_l_from_mg_dl(D("2.0")) == D("176.8")


@settings(max_examples=100, deadline=None)
@given(positive_decimals)
def test_it_round_trips_creatinine(value):
    back = units.creatinine_mg_dl_from_umol_l(units.creatinine_umol_l_from_mg_dl(value))
    assert back == value


# Any lab kind -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "unit", "expected"),
    [
        ("upcr", D("339.3"), "mg/mmol", D("3")),
        ("acr", D("30"), "mg/g", D("30")),
        ("acr", D("1"), "mg/mmol", D("8.84")),
        ("acr", D("3"), "mg/mmol", D("26.52")),
        ("protein_24h", D("3.5"), "g/day", D("3.5")),
        ("protein_24h", D("3500"), "mg/day", D("3.5")),
        ("albumin", D("30"), "g/L", D("30")),
        ("albumin", D("2.9"), "g/dL", D("29")),
        ("creatinine", D("1.1"), "mg/dL", D("1.1")),
        ("creatinine", D("176.8"), "µmol/L", D("2")),
        ("creatinine", D("176.8"), "umol/L", D("2")),
        ("creatinine", D("176.8"), "\u03bcmol/L", D("2")),
        ("egfr", D("75.5"), "mL/min/1.73m2", D("75.5")),
        ("egfr", D("75.5"), "mL/min/1.73 m²", D("75.5")),
        ("cholesterol", D("200"), "mg/dL", D("200")),
        ("cholesterol", D("5"), "mmol/L", D("193.35")),
        ("tacrolimus", D("7.5"), "ng/mL", D("7.5")),
        ("tacrolimus", D("7.5"), "µg/L", D("7.5")),
        ("cyclosporine", D("150"), "ug/L", D("150")),
    ],
)
def test_it_converts_every_lab_kind_to_its_canonical_unit(kind, value, unit, expected):
    assert to_canonical(kind, value, unit) == expected


def test_it_lists_the_canonical_unit_first():
    assert canonical_unit("upcr") == "g/g"
    assert canonical_unit("acr") == "mg/g"
    assert canonical_unit("protein_24h") == "g/day"
    assert canonical_unit("albumin") == "g/L"
    assert canonical_unit("creatinine") == "mg/dL"
    assert canonical_unit("egfr") == "mL/min/1.73m2"
    assert canonical_unit("cholesterol") == "mg/dL"
    assert canonical_unit("tacrolimus") == "ng/mL"
    assert canonical_unit("cyclosporine") == "ng/mL"


@pytest.mark.parametrize(
    ("kind", "unit"), [(kind, unit) for kind, unit_list in LAB_UNITS.items() for unit in unit_list]
)
def test_it_accepts_every_unit_it_lists(kind, unit):
    value = D("12.5")
    assert close(from_canonical(kind, to_canonical(kind, value, unit), unit), value)


def test_it_leaves_a_value_in_the_canonical_unit_unchanged():
    for kind, unit_list in LAB_UNITS.items():
        assert to_canonical(kind, D("4.2"), unit_list[0]) == D("4.2")


def test_it_rejects_an_unknown_lab_kind():
    with pytest.raises(ValueError, match="Unknown lab kind 'other'"):
        to_canonical("other", D("1"), "mg/dL")


def test_it_rejects_a_unit_that_does_not_fit_the_lab_kind():
    with pytest.raises(ValueError, match=r"Unknown unit 'g/dL' for creatinine: expected one of"):
        to_canonical("creatinine", D("1"), "g/dL")


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from([(kind, unit) for kind, unit_list in LAB_UNITS.items() for unit in unit_list]),
    positive_decimals,
)
def test_it_round_trips_every_lab_unit(kind_and_unit, value):
    kind, unit = kind_and_unit
    assert close(to_canonical(kind, from_canonical(kind, value, unit), unit), value)


# Numbers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["abc", "", "NaN", "Infinity", True, None])
def test_it_rejects_values_that_are_not_finite_numbers(bad):
    with pytest.raises(ValueError, match="Expected"):
        as_decimal(bad)


def test_it_accepts_ints_and_strings_as_decimals():
    assert as_decimal(3) == D("3")
    assert as_decimal(" 2.5 ") == D("2.5")


def test_it_rounds_half_up_for_display():
    assert rounded(D("75.45"), 1) == D("75.5")
    assert rounded(D("75.44"), 1) == D("75.4")
    assert rounded(D("0.125"), 2) == D("0.13")
    assert rounded(D("20.4"), 0) == D("20")


# Dipstick -----------------------------------------------------------------------------------------


def test_it_orders_dipstick_grades_from_negative_to_four_plus():
    assert [grade.code for grade in DIPSTICK_GRADES] == [0, 1, 2, 3, 4, 5]
    assert [str(grade.label) for grade in DIPSTICK_GRADES] == [
        "negative",
        "trace",
        "1+",
        "2+",
        "3+",
        "4+",
    ]


def test_it_gives_the_approximate_concentration_of_each_grade():
    assert [grade.approx_mg_dl for grade in DIPSTICK_GRADES] == [
        "< 10",
        "10-20",
        "30",
        "100",
        "300",
        "≥ 1000",
    ]


def test_it_names_the_3_plus_grade_constant():
    assert str(dipstick_label(units.DIPSTICK_3_PLUS)) == "3+"
    assert str(dipstick_label(units.DIPSTICK_TRACE)) == "trace"


@pytest.mark.parametrize("code", [-1, 6])
def test_it_rejects_an_unknown_dipstick_code(code):
    with pytest.raises(ValueError, match="Unknown dipstick grade code"):
        dipstick_label(code)


def test_it_makes_dipstick_labels_translatable():
    assert all(isinstance(grade.label, Promise) for grade in DIPSTICK_GRADES)


# Weight and temperature in the patient's chosen unit ----------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "kilograms"), [("70", "kg", "70"), ("154.3234", "lb", "70")]
)
def test_a_weight_in_either_unit_comes_back_in_kilograms(value, unit, kilograms):
    assert units.kg_from(Decimal(value), unit) == Decimal(kilograms)
    assert units.weight_in(Decimal(kilograms), unit) == Decimal(value)


@pytest.mark.parametrize(("value", "unit", "celsius"), [("38", "C", "38"), ("100.4", "F", "38")])
def test_a_temperature_in_either_unit_comes_back_in_celsius(value, unit, celsius):
    assert units.celsius_from(Decimal(value), unit) == Decimal(celsius)
    assert units.temperature_in(Decimal(celsius), unit) == Decimal(value)
    assert units.temperature_symbol(unit) == f"°{unit}"


@pytest.mark.parametrize("call", [units.kg_from, units.weight_in, units.celsius_from])
def test_an_unknown_weight_or_temperature_unit_is_an_error(call):
    with pytest.raises(ValueError, match="Unknown unit 'stone'"):
        call(Decimal("1"), "stone")
