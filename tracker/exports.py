"""The diary as CSV (one row per day) and as a FHIR R4 Bundle; reading the same CSV back.

Pure: plain values in, text or dicts out; no ORM, no request. Values are canonical (kg, °C, mmHg,
each lab kind's canonical unit), with the unit in the CSV header.

CSV columns (CSV_COLUMNS, documented on the import page and in the README):
date, weight_kg, swelling_face, swelling_hands, swelling_belly, swelling_legs, urine_foam,
dipstick_protein, temperature_c, less_urine, symptoms, medicines_taken, blood_pressure_mmhg, note.
A day's blood pressure readings share one cell: "08:00 120/80 pulse 72; 20:15 118/76". The
`symptoms` cell holds the codes ticked on the "Anything else today?" checklist, `;`-separated in
tracker.symptoms order: "leg_swollen;belly_pain".

Formula injection (SECURITY.md): a cell beginning with = + - @, a tab, a carriage return or a
single quote gets a single quote in front, so a spreadsheet shows it as text. Reading the file
back removes exactly that one quote, so export → import returns the note as written.

FHIR codes: CLINICAL.md "Codes for export". Swelling and foam have no LOINC code: they use the
portal's own code system (HOME_MONITORING_SYSTEM), category survey; so does each ticked
checklist item (one Observation per item, code "symptom-<code>", valueBoolean true).
"""

import csv
import io
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tracker import symptoms
from tracker.units import DIPSTICK_GRADES

SWELLING_SITES = ("face", "hands", "belly", "legs")

# (column, what it holds) in file order.
CSV_COLUMNS: list[tuple[str, str]] = [
    ("date", _("The day, as YYYY-MM-DD (the patient’s own calendar day).")),
    ("weight_kg", _("Morning weight in kilograms.")),
    (
        "swelling_face",
        _("Swelling around the eyes or face, 0 (none) to 3 (severe); empty if not recorded."),
    ),
    ("swelling_hands", _("Swelling of the hands, 0 to 3; empty if not recorded.")),
    ("swelling_belly", _("Swelling of the belly, 0 to 3; empty if not recorded.")),
    ("swelling_legs", _("Swelling of the legs, ankles or feet, 0 to 3; empty if not recorded.")),
    ("urine_foam", _("Urine foam, 0 (none) to 3 (thick foam); empty if not recorded.")),
    (
        "dipstick_protein",
        _("Urine dipstick protein: negative, trace, 1+, 2+, 3+ or 4+; empty if not tested."),
    ),
    ("temperature_c", _("Temperature in °C; empty if not taken.")),
    ("less_urine", _("Much less urine than usual: yes or no.")),
    (
        "symptoms",
        _(
            "What was ticked under “Anything else today?”, separated by “;”: leg_swollen (one "
            "leg swollen or painful), chest_pain (chest pain or sudden trouble breathing), "
            "belly_pain, vomiting_diarrhoea, infection_contact (contact with chickenpox or "
            "measles); empty if nothing."
        ),
    ),
    (
        "medicines_taken",
        _("Medicines taken as prescribed: all, some or none; empty if not recorded."),
    ),
    (
        "blood_pressure_mmhg",
        _(
            "The day’s blood pressure readings in mmHg, separated by “;”: time, top/bottom "
            "number, and pulse if taken, e.g. “08:00 120/80 pulse 72; 20:15 118/76”."
        ),
    ),
    ("note", _("The day’s note.")),
]
COLUMN_NAMES = [name for name, _help in CSV_COLUMNS]
DAY_COLUMNS = [name for name in COLUMN_NAMES if name not in ("date", "blood_pressure_mmhg")]
# Dipstick words in files are fixed English, whatever the page language: files travel.
DIPSTICK_WORDS = ["negative", "trace", "1+", "2+", "3+", "4+"]
assert len(DIPSTICK_WORDS) == len(DIPSTICK_GRADES)
YES_WORDS, NO_WORDS = ("yes", "y", "true", "1"), ("no", "n", "false", "0", "")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


@dataclass(frozen=True)
class Reading:
    time: time
    systolic: int
    diastolic: int
    pulse: int | None = None


@dataclass
class DayRow:
    """One CSV row's values; `day` is None for a date with blood pressure readings only."""

    date: date
    day: Mapping[str, object] | None
    readings: Sequence[Reading] = ()


# Writing ------------------------------------------------------------------------------------------


def neutralise(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP: prefix a single quote)."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def restore(cell: str) -> str:
    """Undo `neutralise`: drop the one quote it added."""
    if len(cell) > 1 and cell[0] == "'" and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def number_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


def readings_text(readings: Iterable[Reading]) -> str:
    parts = []
    for reading in sorted(readings, key=lambda reading: reading.time):
        text = f"{reading.time:%H:%M} {reading.systolic}/{reading.diastolic}"
        if reading.pulse is not None:
            text += f" pulse {reading.pulse}"
        parts.append(text)
    return "; ".join(parts)


def grade_text(grade) -> str:
    """A swelling or foam grade for a cell: empty when not recorded (never a 0)."""
    return "" if grade is None else str(grade)


def csv_row(row: DayRow) -> list[str]:
    day = row.day
    cells = {"date": row.date.isoformat(), "blood_pressure_mmhg": readings_text(row.readings)}
    if day is not None:
        cells.update(
            weight_kg=number_text(day.get("weight_kg")),
            temperature_c=number_text(day.get("temperature_c")),
            urine_foam=grade_text(day.get("foam")),
            dipstick_protein=(
                "" if day.get("dipstick") is None else DIPSTICK_WORDS[day["dipstick"]]
            ),
            less_urine="yes" if day.get("less_urine") else "no",
            symptoms=symptoms.to_text(symptoms.codes_of(day)),
            medicines_taken=day.get("medicines_taken") or "",
            note=day.get("note") or "",
            **{
                f"swelling_{site}": grade_text(day.get(f"swelling_{site}"))
                for site in SWELLING_SITES
            },
        )
    return [neutralise(cells.get(name, "")) for name in COLUMN_NAMES]


def to_csv(rows: Iterable[DayRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    for row in sorted(rows, key=lambda row: row.date):
        writer.writerow(csv_row(row))
    return out.getvalue()


# Reading ------------------------------------------------------------------------------------------


@dataclass
class RowProblem:
    """What is wrong, where: `row` is the line in the file (the header is row 1)."""

    row: int
    column: str
    message: str


@dataclass
class ReadRow:
    """One data row as text cells (quotes restored), with syntax problems found on the way."""

    row: int
    cells: dict[str, str]
    problems: list[RowProblem] = field(default_factory=list)


class FileProblem(ValueError):
    """The file as a whole cannot be read (encoding, header, size)."""


READING_PATTERN = re.compile(
    r"^(?P<time>\d{1,2}:\d{2})\s+(?P<systolic>\d{1,3})\s*/\s*(?P<diastolic>\d{1,3})"
    r"(?:\s+pulse\s+(?P<pulse>\d{1,3}))?$",
    re.IGNORECASE,
)


def parse_readings(text: str) -> tuple[list[dict[str, str]], list[str]]:
    """'08:00 120/80 pulse 72; 20:15 118/76' as field texts per reading, and what could not be
    read ('reading 2: ...'). Ranges are checked later, by the same form as the diary page."""
    readings, problems = [], []
    parts = [part.strip() for part in text.split(";")]
    for index, part in enumerate(parts, start=1):
        if not part:
            continue
        match = READING_PATTERN.match(part)
        if match is None:
            problems.append(
                gettext(
                    "reading %(number)d (“%(typed)s”) is not like “08:00 120/80” or "
                    "“08:00 120/80 pulse 72”"
                )
                % {"number": index, "typed": part[:40]}
            )
            continue
        readings.append({key: value or "" for key, value in match.groupdict().items()})
    return readings, problems


ISO_DATE = re.compile(r"\s*'?\d{4}-\d{2}-\d{2}\s*")


def _cells_of(line: str) -> list[str]:
    """One physical line read as a row on its own (an open quote runs to its end)."""
    try:
        return next(csv.reader([line]), [])
    except csv.Error:
        return []


def _looks_like_row(line: str, date_at: int, width: int | None = None) -> bool:
    """A physical line that reads as a diary row of its own: a date where the date column is
    (and, when `width` is given, exactly that many cells)."""
    cells = _cells_of(line)
    if width is not None and len(cells) != width:
        return False
    return len(cells) > max(date_at, 1) and bool(ISO_DATE.fullmatch(cells[date_at]))


def _records(lines: list[str], position: int, date_at: int, width: int):
    """(cells, problem) for each CSV record of lines[position:], problem None when it reads well.

    A quote that is opened and never closed makes the csv module read on, across line ends, to
    the next quote or the end of the file: the rows after it would vanish into one cell (issue
    #12). When a record spans lines and one of them reads as a row of its own, or the quote
    runs to the end of the file, the record is reported as a problem at its row, with its own
    line's cells, and reading starts again at the next line that reads as a row. A note that
    truly has several lines (exported in quotes) reads as one cell, as before: a record that
    reads cleanly is only split when a line inside it is a whole row (a date and every column).
    A swallowing quote rarely ends cleanly: strict reading fails at the next quoted cell.
    """
    while position < len(lines):
        reader = csv.reader(lines[position:], strict=True)
        while True:
            start = position + reader.line_num  # index of the record's first line
            try:
                cells = next(reader)
                error = None
            except StopIteration:
                return
            except csv.Error as problem:
                cells, error = None, problem
            end = position + reader.line_num  # index after the record's last line
            strict_width = width if error is None else None
            swallowed = next(
                (
                    at
                    for at in range(start + 1, end)
                    if _looks_like_row(lines[at], date_at, strict_width)
                ),
                None,
            )
            if error is None and swallowed is None:
                yield cells, None
                continue
            if swallowed is not None or "end of data" in str(error):
                message = gettext(
                    'a quote (") in this row is not closed, so the lines after it were read as '
                    "part of this row: close the quote or delete it"
                )
            else:
                message = gettext("this row could not be read as CSV (%(error)s)") % {
                    "error": error
                }
            yield _cells_of(lines[start]), message
            position = swallowed if swallowed is not None else max(end, start + 1)
            break


def read_csv(text: str, *, max_rows: int) -> list[ReadRow]:
    """The rows of an exported (or hand-made) diary CSV. Columns may come in any order and any
    but `date` may be left out; an unknown or repeated column is a FileProblem. A row that
    cannot be read (an unclosed quote) is a problem at that row, not a silent merge."""
    lines = io.StringIO(text).readlines()
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        raise FileProblem(gettext("The file is empty.")) from None
    except csv.Error as error:
        raise FileProblem(
            gettext("The first line could not be read as CSV (%(error)s).") % {"error": error}
        ) from None
    names = [name.strip().lower() for name in header]
    unknown = [name for name in names if name not in COLUMN_NAMES]
    if unknown:
        raise FileProblem(
            gettext(
                "The first line names columns this diary does not have: %(unknown)s. "
                "The columns are: %(columns)s."
            )
            % {
                "unknown": ", ".join(f"“{name[:40]}”" for name in unknown),
                "columns": ", ".join(COLUMN_NAMES),
            }
        )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise FileProblem(
            gettext("These columns appear twice: %(columns)s.") % {"columns": ", ".join(repeated)}
        )
    if "date" not in names:
        raise FileProblem(gettext("The first line must name a “date” column."))
    rows = []
    records = _records(lines, reader.line_num, names.index("date"), len(names))
    for number, (cells, problem) in enumerate(records, start=2):
        if problem is None and not any(cell.strip() for cell in cells):
            continue  # blank lines are not rows
        if len(rows) >= max_rows:
            raise FileProblem(
                gettext("The file has more than %(most)d days; split it into smaller files.")
                % {"most": max_rows}
            )
        row = ReadRow(number, {})
        if problem is not None:
            # An open quote runs to the end of its line: it is in the line's last cell.
            column = names[min(len(cells), len(names)) - 1] if cells else ""
            row.problems.append(RowProblem(number, column, problem))
        elif len(cells) > len(names):
            row.problems.append(
                RowProblem(
                    number,
                    "",
                    gettext("the row has %(cells)d cells but the first line names %(names)d")
                    % {"cells": len(cells), "names": len(names)},
                )
            )
        for name, cell in zip(names, cells, strict=False):
            row.cells[name] = restore(cell.strip())
        rows.append(row)
    return rows


LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
HOME_MONITORING_SYSTEM = "https://fsgs-portal.example/fhir/CodeSystem/home-monitoring"
DIPSTICK_SYSTEM = "https://fsgs-portal.example/fhir/CodeSystem/urine-dipstick-protein"
PATIENT_ID_SYSTEM = "https://fsgs-portal.example/fhir/patient-id"
# Stable ids: the same record gets the same id in every export.
ID_NAMESPACE = uuid.UUID("6f1c3b1e-6a53-4d8e-9c55-0b2f3e9d7a10")

# Fixed English displays for the checklist codes: files travel, whatever the page language.
SYMPTOM_DISPLAY = {
    symptoms.LEG_SWOLLEN: "One leg swollen or painful",
    symptoms.CHEST_PAIN: "Chest pain or sudden trouble breathing",
    symptoms.BELLY_PAIN: "Belly pain",
    symptoms.VOMITING_DIARRHOEA: "Vomiting or diarrhea",
    symptoms.INFECTION_CONTACT: "Contact with chickenpox or measles",
}
assert tuple(SYMPTOM_DISPLAY) == symptoms.CODES

CATEGORY_DISPLAY = {"vital-signs": "Vital Signs", "laboratory": "Laboratory", "survey": "Survey"}

# Lab kind -> (LOINC code, display, UCUM code, unit shown, factor from the canonical unit).
LAB_CODES: dict[str, tuple[str, str, str, str, Decimal]] = {
    "upcr": (
        "2890-2",
        "Protein/Creatinine [Mass Ratio] in Urine",
        "mg/g",
        "mg/g",
        Decimal(1000),
    ),
    "acr": ("9318-7", "Albumin/Creatinine [Mass Ratio] in Urine", "mg/g", "mg/g", Decimal(1)),
    "albumin": (
        "1751-7",
        "Albumin [Mass/volume] in Serum or Plasma",
        "g/dL",
        "g/dL",
        Decimal("0.1"),
    ),
    "creatinine": (
        "2160-0",
        "Creatinine [Mass/volume] in Serum or Plasma",
        "mg/dL",
        "mg/dL",
        Decimal(1),
    ),
    "egfr": (
        "98979-8",
        "Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or "
        "Blood by Creatinine-based formula (CKD-EPI 2021)",
        "mL/min/{1.73_m2}",
        "mL/min/1.73m2",
        Decimal(1),
    ),
    "protein_24h": (
        "2889-4",
        "Protein [Mass/time] in 24 hour Urine",
        "g/(24.h)",
        "g/24 h",
        Decimal(1),
    ),
}
# Labs without a code in CLINICAL.md: exported with a text name and their canonical unit.
UNCODED_LAB_UNITS = {
    "cholesterol": ("mg/dL", "mg/dL"),
    "tacrolimus": ("ng/mL", "ng/mL"),
    "cyclosporine": ("ng/mL", "ng/mL"),
}


@dataclass(frozen=True)
class PatientInfo:
    public_id: str
    name: str
    birth_date: date | None
    sex: str  # "female", "male" or ""
    time_zone: str


@dataclass(frozen=True)
class Lab:
    date: date
    kind: str
    name: str
    value: Decimal  # canonical
    value_entered: Decimal
    unit_entered: str


def _id(*parts) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, "/".join(str(part) for part in parts)))


def _number(value: Decimal) -> int | float:
    """A JSON number (FHIR decimals are JSON numbers): whole values as integers."""
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def _quantity(value: Decimal, unit: str, code: str | None = None) -> dict:
    quantity = {"value": _number(value), "unit": unit}
    if code is not None:
        quantity.update(system=UCUM, code=code)
    return quantity


def _category(code: str) -> list[dict]:
    return [
        {"coding": [{"system": CATEGORY_SYSTEM, "code": code, "display": CATEGORY_DISPLAY[code]}]}
    ]


def _concept(system: str, code: str, display: str) -> dict:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


class BundleBuilder:
    """Observations for one patient; `bundle()` returns the collection."""

    def __init__(self, patient: PatientInfo, now: datetime):
        self.patient = patient
        self.now = now
        self.patient_url = f"urn:uuid:{_id('patient', patient.public_id)}"
        self.entries: list[dict] = []

    def observation(self, key, category, code, effective, **value) -> None:
        identifier = _id("observation", self.patient.public_id, *key)
        self.entries.append(
            {
                "fullUrl": f"urn:uuid:{identifier}",
                "resource": {
                    "resourceType": "Observation",
                    "id": identifier,
                    "status": "final",
                    "category": _category(category),
                    "code": code,
                    "subject": {"reference": self.patient_url},
                    "effectiveDateTime": effective,
                    **value,
                },
            }
        )

    def day(self, row: DayRow) -> None:
        day, on = row.day, row.date.isoformat()
        if day is not None:
            if day.get("weight_kg") is not None:
                self.observation(
                    ("weight", on),
                    "vital-signs",
                    _concept(LOINC, "29463-7", "Body weight"),
                    on,
                    valueQuantity=_quantity(day["weight_kg"], "kg", "kg"),
                )
            if day.get("dipstick") is not None:
                word = DIPSTICK_WORDS[day["dipstick"]]
                self.observation(
                    ("dipstick", on),
                    "laboratory",
                    _concept(LOINC, "20454-5", "Protein [Presence] in Urine by Test strip"),
                    on,
                    valueCodeableConcept=_concept(DIPSTICK_SYSTEM, word, word),
                )
            # A grade not recorded gets no Observation (it is not a 0).
            for site in SWELLING_SITES:
                if day.get(f"swelling_{site}") is None:
                    continue
                self.observation(
                    (f"swelling-{site}", on),
                    "survey",
                    _concept(HOME_MONITORING_SYSTEM, f"swelling-{site}", f"Swelling ({site}), 0-3"),
                    on,
                    valueInteger=int(day[f"swelling_{site}"]),
                )
            if day.get("foam") is not None:
                self.observation(
                    ("urine-foam", on),
                    "survey",
                    _concept(HOME_MONITORING_SYSTEM, "urine-foam", "Urine foam, 0-3"),
                    on,
                    valueInteger=int(day["foam"]),
                )
            # Only what was ticked: an unticked box is "not reported", not a recorded "no".
            for code in symptoms.ordered(symptoms.codes_of(day)):
                self.observation(
                    (f"symptom-{code}", on),
                    "survey",
                    _concept(HOME_MONITORING_SYSTEM, f"symptom-{code}", SYMPTOM_DISPLAY[code]),
                    on,
                    valueBoolean=True,
                )
        zone = ZoneInfo(self.patient.time_zone)
        for index, reading in enumerate(sorted(row.readings, key=lambda r: r.time)):
            taken = datetime.combine(row.date, reading.time, tzinfo=zone)
            self.observation(
                ("blood-pressure", on, index),
                "vital-signs",
                _concept(LOINC, "85354-9", "Blood pressure panel with all children optional"),
                taken.isoformat(timespec="seconds"),
                component=[
                    {
                        "code": _concept(LOINC, "8480-6", "Systolic blood pressure"),
                        "valueQuantity": _quantity(Decimal(reading.systolic), "mmHg", "mm[Hg]"),
                    },
                    {
                        "code": _concept(LOINC, "8462-4", "Diastolic blood pressure"),
                        "valueQuantity": _quantity(Decimal(reading.diastolic), "mmHg", "mm[Hg]"),
                    },
                ],
            )

    def lab(self, lab: Lab, index: int) -> None:
        on = lab.date.isoformat()
        if lab.kind in LAB_CODES:
            code, display, ucum, unit, factor = LAB_CODES[lab.kind]
            self.observation(
                ("lab", on, index),
                "laboratory",
                _concept(LOINC, code, display),
                on,
                valueQuantity=_quantity(lab.value * factor, unit, ucum),
            )
        elif lab.kind in UNCODED_LAB_UNITS:
            ucum, unit = UNCODED_LAB_UNITS[lab.kind]
            self.observation(
                ("lab", on, index),
                "laboratory",
                {"text": lab.name},
                on,
                valueQuantity=_quantity(lab.value, unit, ucum),
            )
        else:  # another test: as typed, with its unit as text
            self.observation(
                ("lab", on, index),
                "laboratory",
                {"text": lab.name or "Other test"},
                on,
                valueQuantity=_quantity(lab.value_entered, lab.unit_entered or "1"),
            )

    def patient_resource(self) -> dict:
        resource = {
            "resourceType": "Patient",
            "id": self.patient_url.removeprefix("urn:uuid:"),
            "identifier": [{"system": PATIENT_ID_SYSTEM, "value": self.patient.public_id}],
            "name": [{"text": self.patient.name}],
        }
        if self.patient.sex in ("female", "male"):
            resource["gender"] = self.patient.sex
        if self.patient.birth_date:
            resource["birthDate"] = self.patient.birth_date.isoformat()
        return {"fullUrl": self.patient_url, "resource": resource}

    def bundle(self) -> dict:
        return {
            "resourceType": "Bundle",
            "id": _id("bundle", self.patient.public_id, self.now.isoformat()),
            "type": "collection",
            "timestamp": self.now.isoformat(timespec="seconds"),
            "entry": [self.patient_resource(), *self.entries],
        }


def fhir_bundle(
    patient: PatientInfo, rows: Iterable[DayRow], labs: Iterable[Lab], now: datetime
) -> dict:
    """A FHIR R4 Bundle (type collection): the Patient, then an Observation per reading."""
    builder = BundleBuilder(patient, now)
    for row in sorted(rows, key=lambda row: row.date):
        builder.day(row)
    for index, lab in enumerate(sorted(labs, key=lambda lab: lab.date)):
        builder.lab(lab, index)
    return builder.bundle()
