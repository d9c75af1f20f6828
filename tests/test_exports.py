"""tracker/exports.py without a database: CSV cells, formula injection, reading files back,
blood pressure cells, and the FHIR R4 Bundle validated with the R4 resource models."""

import csv
import io
import re
from datetime import UTC, date, datetime, time
from decimal import Decimal as D

import pytest
from fhir.resources.bundle import Bundle

from tracker import exports

DAY = {
    "weight_kg": D("70.500"),
    "temperature_c": D("37.20"),
    "foam": 2,
    "dipstick": 4,
    "less_urine": True,
    "medicines_taken": "some",
    "note": '=HYPERLINK("http://x")',
    "swelling_face": 0,
    "swelling_hands": 1,
    "swelling_belly": 0,
    "swelling_legs": 3,
}
READINGS = [exports.Reading(time(20, 15), 118, 76), exports.Reading(time(8), 120, 80, 72)]
PATIENT = exports.PatientInfo("abcdefghijkl", "Pat", date(1980, 5, 1), "female", "Europe/Paris")
NOW = datetime(2025, 3, 10, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),
        ("fine", "fine"),
        ("1+", "1+"),
        ("", ""),
    ],
)
def test_formula_cells_are_neutralised_and_restored(cell, written):
    assert exports.neutralise(cell) == written
    assert exports.restore(written) == cell


def test_a_quote_a_person_typed_stays():
    assert exports.restore("'tis fine") == "'tis fine"


def test_csv_has_the_documented_columns_and_one_row_per_day():
    text = exports.to_csv(
        [
            exports.DayRow(date(2025, 3, 2), None, READINGS),
            exports.DayRow(date(2025, 3, 1), DAY, []),
        ]
    )
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [name for name, _help in exports.CSV_COLUMNS]
    assert rows[1] == [
        "2025-03-01",
        "70.5",
        "0",
        "1",
        "0",
        "3",
        "2",
        "3+",
        "37.2",
        "yes",
        "",
        "some",
        "",
        '\'=HYPERLINK("http://x")',
    ]
    assert rows[2][0] == "2025-03-02"
    assert rows[2][1:12] == [""] * 11  # readings only: no day values
    assert rows[2][12] == "08:00 120/80 pulse 72; 20:15 118/76"


def test_read_csv_restores_cells_and_numbers_rows_from_the_header():
    text = exports.to_csv([exports.DayRow(date(2025, 3, 1), DAY, READINGS)])
    [row] = exports.read_csv(text, max_rows=10)
    assert row.row == 2
    assert row.cells["note"] == DAY["note"]
    assert row.problems == []


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("", "The file is empty."),
        ("date,weight,colour\n", "columns this diary does not have: “weight”, “colour”"),
        ("date,note,note\n", "These columns appear twice: note."),
        ("weight_kg\n70\n", "must name a “date” column"),
    ],
)
def test_file_problems(header, message):
    with pytest.raises(exports.FileProblem, match=re.escape(message)):
        exports.read_csv(header, max_rows=10)


def test_too_many_rows():
    text = "date\n" + "".join(f"2025-01-{day:02d}\n" for day in range(1, 5))
    with pytest.raises(exports.FileProblem, match="more than 3 days"):
        exports.read_csv(text, max_rows=3)


def test_columns_in_any_order_and_blank_lines_skipped():
    rows = exports.read_csv("note,DATE\n\nhello,2025-03-01\n", max_rows=10)
    assert [(row.row, row.cells) for row in rows] == [(3, {"note": "hello", "date": "2025-03-01"})]


def test_parse_readings():
    readings, problems = exports.parse_readings("08:00 120/80 pulse 72; 20:15 118 / 76;")
    assert readings == [
        {"time": "08:00", "systolic": "120", "diastolic": "80", "pulse": "72"},
        {"time": "20:15", "systolic": "118", "diastolic": "76", "pulse": ""},
    ]
    assert problems == []
    _readings, problems = exports.parse_readings("120/80; 8am 120/80")
    assert problems == [
        "reading 1 (“120/80”) is not like “08:00 120/80” or “08:00 120/80 pulse 72”",
        "reading 2 (“8am 120/80”) is not like “08:00 120/80” or “08:00 120/80 pulse 72”",
    ]


# FHIR R4 ------------------------------------------------------------------------------------------

# FHIR R4 dateTime (http://hl7.org/fhir/R4/datatypes.html#dateTime): a time needs seconds and a
# zone. fhir.resources 6.4 checks structure and types but not this pattern nor code values.
FHIR_DATETIME = re.compile(
    r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|"
    r"3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|"
    r"1[0-3]):[0-5][0-9]|14:00)))?)?)?"
)
OBSERVATION_STATUSES = {"registered", "preliminary", "final", "amended"}


def bundle(labs=()):
    rows = [exports.DayRow(date(2025, 3, 1), DAY, READINGS)]
    return exports.fhir_bundle(PATIENT, rows, labs, NOW)


def codes(found: dict) -> list[str]:
    return [
        coding["code"]
        for entry in found["entry"][1:]
        for coding in entry["resource"]["code"].get("coding", [])
    ]


def test_bundle_is_valid_fhir_r4():
    labs = [
        exports.Lab(date(2025, 3, 1), kind, kind, D("1.5"), D("1.5"), "g/g")
        for kind in ("upcr", "acr", "albumin", "creatinine", "egfr", "protein_24h")
    ] + [
        exports.Lab(
            date(2025, 3, 1), "cholesterol", "Cholesterol (total)", D(200), D(200), "mg/dL"
        ),
        exports.Lab(date(2025, 3, 1), "other", "Vitamin D", D(30), D(30), "ng/mL"),
    ]
    found = bundle(labs)
    parsed = Bundle.parse_obj(found)
    assert parsed.type == "collection"
    assert found["entry"][0]["resource"]["resourceType"] == "Patient"
    for entry in found["entry"][1:]:
        resource = entry["resource"]
        assert resource["status"] in OBSERVATION_STATUSES
        assert FHIR_DATETIME.fullmatch(resource["effectiveDateTime"])
        assert resource["subject"]["reference"] == found["entry"][0]["fullUrl"]
    assert FHIR_DATETIME.fullmatch(found["timestamp"])


def test_loinc_codes_units_and_categories():
    labs = [
        exports.Lab(date(2025, 3, 1), "upcr", "UPCR", D("1.5"), D("1.5"), "g/g"),
        exports.Lab(date(2025, 3, 1), "albumin", "Albumin", D("25"), D("2.5"), "g/dL"),
        exports.Lab(date(2025, 3, 1), "egfr", "eGFR", D("60"), D("60"), "mL/min/1.73m2"),
    ]
    found = bundle(labs)
    by_code = {}
    for entry in found["entry"][1:]:
        resource = entry["resource"]
        by_code[resource["code"]["coding"][0]["code"]] = resource
    weight = by_code["29463-7"]
    assert weight["valueQuantity"] == {
        "value": 70.5,
        "unit": "kg",
        "system": "http://unitsofmeasure.org",
        "code": "kg",
    }
    assert weight["category"][0]["coding"][0]["code"] == "vital-signs"
    pressure = by_code["85354-9"]
    assert [c["code"]["coding"][0]["code"] for c in pressure["component"]] == ["8480-6", "8462-4"]
    assert pressure["component"][0]["valueQuantity"]["code"] == "mm[Hg]"
    assert (
        pressure["effectiveDateTime"] == "2025-03-01T20:15:00+01:00"
    )  # Paris in winter (by_code keeps the later reading)
    assert by_code["20454-5"]["valueCodeableConcept"]["text"] == "3+"
    assert by_code["20454-5"]["category"][0]["coding"][0]["code"] == "laboratory"
    assert by_code["2890-2"]["valueQuantity"]["value"] == 1500  # g/g -> mg/g
    assert by_code["2890-2"]["valueQuantity"]["code"] == "mg/g"
    assert by_code["1751-7"]["valueQuantity"] == {
        "value": 2.5,
        "unit": "g/dL",
        "system": "http://unitsofmeasure.org",
        "code": "g/dL",
    }
    assert by_code["98979-8"]["valueQuantity"]["code"] == "mL/min/{1.73_m2}"
    legs = by_code["swelling-legs"]
    assert legs["code"]["coding"][0]["system"] == exports.HOME_MONITORING_SYSTEM
    assert legs["category"][0]["coding"][0]["code"] == "survey"
    assert legs["valueInteger"] == 3
    assert by_code["urine-foam"]["valueInteger"] == 2


def test_two_blood_pressure_readings_are_two_observations_with_stable_ids():
    first, second = bundle(), bundle()
    assert codes(first).count("85354-9") == 2
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]
    assert len({e["fullUrl"] for e in first["entry"]}) == len(first["entry"])


def test_patient_resource():
    patient = bundle()["entry"][0]["resource"]
    assert patient["name"] == [{"text": "Pat"}]
    assert patient["birthDate"] == "1980-05-01"
    assert patient["gender"] == "female"
    assert patient["identifier"][0]["value"] == "abcdefghijkl"
