"""Past days from a diary CSV (tracker/exports.py's columns) into one patient's diary.

Each row is checked by the same forms as the diary page (DiaryDayForm, BloodPressureForm), so
ranges, dates and messages are the ones people see when they type a day. Problems are listed by
row and column. Nothing is saved while any row has a problem, unless the person chose to import
the valid rows. A date that already has entries is skipped, or replaced when the person chose
that and confirmed it. Everything is written in one transaction.

The work is in bulk (issue #12: a 1,830-row file took 10-12 s): rows are checked in Python
without a query per row, the saved days of the file's date range are read once, and the rows
are written with bulk_create / bulk_update, so the queries do not grow with the rows (beyond
the batches a backend needs for a long INSERT).
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker import exports, symptoms
from tracker.forms.diary import BloodPressureForm, DiaryDayForm
from tracker.models import BloodPressure, DiaryDay, Patient

MAX_ROWS = 5 * 366
SKIP, REPLACE = "skip", "replace"

# Form field -> the CSV column it came from.
COLUMN_OF_FIELD = {
    "weight": "weight_kg",
    "temperature": "temperature_c",
    "foam": "urine_foam",
    "dipstick": "dipstick_protein",
    "less_urine": "less_urine",
    **dict.fromkeys(symptoms.FIELDS, "symptoms"),
    "medicines_taken": "medicines_taken",
    "note": "note",
    "__all__": "date",
    **{f"swelling_{site}": f"swelling_{site}" for site in exports.SWELLING_SITES},
}


def _no_database_check(*args, **kwargs) -> None:
    """Stands in for Model.validate_constraints on imported rows (see Reused)."""


class Reused:
    """A form checked again for each row: built once (a form copies all its fields when built,
    most of the time a row took), then bound to each row's data and a new instance.

    Without the per-row queries: Django checks the model's constraints and unique date with one
    SELECT each, per row. The form's ranges and choices are the same rules as those CHECK
    constraints, the importer checks dates against one read of the saved days, and the database
    still enforces every constraint at the bulk write."""

    def check(self, data: dict, day: date, instance):
        """The row's instance, filled in, and the form's errors ({} when valid)."""
        instance.validate_constraints = _no_database_check
        self.data, self.day, self.instance = data, day, instance
        self._errors = None  # the bound fields read self.data afresh: they are kept
        if self.is_valid():
            return self.save(commit=False), {}
        return None, self.errors

    def validate_unique(self):
        pass


class ImportedDayForm(Reused, DiaryDayForm):
    pass


class ImportedReadingForm(Reused, BloodPressureForm):
    pass


class RowChecker:
    """The two forms of one import, built once for the patient."""

    def __init__(self, patient: Patient):
        self.day_form = ImportedDayForm({}, patient=patient, day=None, instance=DiaryDay())
        self.reading_form = ImportedReadingForm({}, patient=patient, day=None)
        # exports.READING_PATTERN gives times as H:MM: one format to try, not the locale's list
        # (looked up anew for every reading, a third of a reading's checking time).
        self.reading_form.fields["time"].input_formats = ["%H:%M"]


@dataclass
class CheckedRow:
    row: int
    date: date | None
    day: DiaryDay | None = None
    readings: list[BloodPressure] = field(default_factory=list)
    problems: list[exports.RowProblem] = field(default_factory=list)


@dataclass
class ImportResult:
    problems: list[exports.RowProblem]
    rows: int
    saved: list[date] = field(default_factory=list)
    replaced: list[date] = field(default_factory=list)
    skipped: list[date] = field(default_factory=list)
    left_out: int = 0  # rows with problems, not imported

    @property
    def saved_anything(self) -> bool:
        return bool(self.saved or self.replaced)


def _day_data(cells: dict[str, str]) -> dict[str, str] | None:
    """DiaryDayForm data from a row's cells, or None when the row has no day values (readings
    only). Swelling and foam left empty are not recorded (None), as on the page: never a 0."""
    if not any(cells.get(name, "") for name in exports.DAY_COLUMNS):
        return None
    less_urine = cells.get("less_urine", "").lower()
    data = {
        "weight": cells.get("weight_kg", ""),
        "weight_unit": "kg",
        "temperature": cells.get("temperature_c", ""),
        "temperature_unit": "C",
        "foam": cells.get("urine_foam", ""),
        "medicines_taken": cells.get("medicines_taken", "").lower(),
        "note": cells.get("note", ""),
        "version": "0",
    }
    for site in exports.SWELLING_SITES:
        data[f"swelling_{site}"] = cells.get(f"swelling_{site}", "")
    if less_urine in exports.YES_WORDS:
        data["less_urine"] = "on"
    dipstick = cells.get("dipstick_protein", "").strip().lower()
    if dipstick in exports.DIPSTICK_WORDS:
        data["dipstick"] = str(exports.DIPSTICK_WORDS.index(dipstick))
    else:
        data["dipstick"] = dipstick  # empty, or wrong: the form says so
    ticked, _unknown = symptoms.from_text(cells.get("symptoms", ""))
    for symptom in symptoms.SYMPTOMS:
        if symptom.code in ticked:
            data[symptom.field] = "on"
    data["_less_urine_word"] = less_urine
    return data


def check_row(checker: RowChecker, read: exports.ReadRow) -> CheckedRow:
    cells = read.cells
    problems = list(read.problems)
    text = cells.get("date", "")
    try:
        on = date.fromisoformat(text)
    except ValueError:
        message = (
            _("the date is missing")
            if not text
            else _("“%(typed)s” is not a date like 2025-03-01") % {"typed": text[:20]}
        )
        problems.append(exports.RowProblem(read.row, "date", message))
        return CheckedRow(read.row, None, problems=problems)
    checked = CheckedRow(read.row, on, problems=problems)
    data = _day_data(cells)
    if data is not None:
        less_urine = data.pop("_less_urine_word")
        if less_urine not in exports.YES_WORDS + exports.NO_WORDS:
            problems.append(
                exports.RowProblem(
                    read.row,
                    "less_urine",
                    _("write yes or no — it says “%(typed)s”") % {"typed": less_urine[:20]},
                )
            )
        _ticked, unknown = symptoms.from_text(cells.get("symptoms", ""))
        if unknown:
            problems.append(
                exports.RowProblem(
                    read.row,
                    "symptoms",
                    _("“%(typed)s” is not a checklist item; use %(codes)s, separated by “;”")
                    % {"typed": unknown[0][:30], "codes": ", ".join(symptoms.CODES)},
                )
            )
        checked.day, errors = checker.day_form.check(data, on, DiaryDay())
        for name, messages in errors.items():
            for error in messages:
                problems.append(
                    exports.RowProblem(read.row, COLUMN_OF_FIELD.get(name, name), error)
                )
    readings, reading_problems = exports.parse_readings(cells.get("blood_pressure_mmhg", ""))
    for message in reading_problems:
        problems.append(exports.RowProblem(read.row, "blood_pressure_mmhg", message))
    for index, reading in enumerate(readings, start=1):
        saved, errors = checker.reading_form.check(reading, on, BloodPressure())
        for messages in errors.values():
            for error in messages:
                problems.append(
                    exports.RowProblem(
                        read.row,
                        "blood_pressure_mmhg",
                        _("reading %(number)d: %(problem)s") % {"number": index, "problem": error},
                    )
                )
        if saved is not None:
            checked.readings.append(saved)
    if data is None and not readings and not reading_problems:
        problems.append(exports.RowProblem(read.row, "", _("the row has a date but no readings")))
    return checked


def check_file(patient: Patient, text: str) -> list[CheckedRow]:
    """Every row checked; a date given twice is a problem on its second row."""
    checker = RowChecker(patient)
    checked = [check_row(checker, read) for read in exports.read_csv(text, max_rows=MAX_ROWS)]
    first_row: dict[date, int] = {}
    for row in checked:
        if row.date is None:
            continue
        if row.date in first_row:
            row.problems.append(
                exports.RowProblem(
                    row.row,
                    "date",
                    _("%(date)s is already on row %(first)d; each day can appear once")
                    % {"date": row.date.isoformat(), "first": first_row[row.date]},
                )
            )
        else:
            first_row[row.date] = row.row
    return checked


def import_rows(
    patient: Patient, user, text: str, *, existing: str = SKIP, import_valid: bool = False
) -> ImportResult:
    """Check the file, then save (atomically) what may be saved; see the module docstring."""
    checked = check_file(patient, text)
    problems = [problem for row in checked for problem in row.problems]
    result = ImportResult(problems=problems, rows=len(checked))
    good = [row for row in checked if not row.problems]
    result.left_out = len(checked) - len(good)
    if problems and not import_valid:
        return result
    if not good:
        return result
    try:
        write(patient, user, good, existing, result)
    except IntegrityError:
        # A rule the row checks missed, or a day saved on the diary page while the file was
        # written: the transaction is rolled back, so nothing was saved.
        raise exports.FileProblem(
            _(
                "The days could not be saved: the diary may have changed at the same moment. "
                "Try again."
            )
        ) from None
    return result


def write(patient: Patient, user, good: list[CheckedRow], existing: str, result) -> None:
    """Save the checked rows in one transaction: skip or replace what is saved (see above)."""
    dates = {row.date for row in good}
    first, last = min(dates), max(dates)
    with transaction.atomic():
        # One read each for the file's date range, not a query per row.
        saved_days = {
            day.date: day
            for day in DiaryDay.objects.select_for_update()
            .filter(patient=patient, date__range=(first, last))
            .only("pk", "date", "version", "created_at")
            if day.date in dates
        }
        with_readings = {
            on
            for on in patient.blood_pressures.filter(date__range=(first, last))
            .values_list("date", flat=True)
            .distinct()
            if on in dates
        }
        taken = saved_days.keys() | with_readings
        replace = [row.date for row in good if row.date in taken and existing == REPLACE]
        if replace:
            patient.blood_pressures.filter(date__in=replace).delete()
            with_day_values = {row.date for row in good if row.day is not None}
            patient.diary_days.filter(
                date__in=[on for on in replace if on in saved_days and on not in with_day_values]
            ).delete()
        new_days, replaced_days, new_readings = [], [], []
        now = timezone.now()
        for row in good:
            if row.date in taken and existing != REPLACE:
                result.skipped.append(row.date)
                continue
            (result.replaced if row.date in taken else result.saved).append(row.date)
            if row.day is not None:
                day = row.day
                # Ids, not objects: setting a relation checks more than a bulk write needs.
                day.patient_id, day.date, day.entered_by_id = patient.pk, row.date, user.pk
                current = saved_days.get(row.date)
                if current is not None:
                    # Replacing in place: a form opened on the old values is now stale.
                    day.pk, day.created_at = current.pk, current.created_at
                    day.version, day.updated_at = current.version + 1, now
                    replaced_days.append(day)
                else:
                    new_days.append(day)
            for reading in row.readings:
                reading.patient_id, reading.date = patient.pk, row.date
                reading.entered_by_id = user.pk
                new_readings.append(reading)
        DiaryDay.objects.bulk_create(new_days)
        if replaced_days:
            DiaryDay.objects.bulk_update(replaced_days, REPLACED_FIELDS)
        BloodPressure.objects.bulk_create(new_readings)


# Every value a replaced day takes from the file (all but its identity and creation).
REPLACED_FIELDS = [
    field.name
    for field in DiaryDay._meta.concrete_fields
    if field.name not in ("id", "patient", "date", "created_at")
]
