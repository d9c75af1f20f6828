"""The CSV import in bulk (issue #12): a 5-year file round-trips, the queries do not grow with
the rows, replacing keeps the all-or-nothing rule, and an unclosed quote is an error at its row
instead of swallowing the rows after it."""

from datetime import date, time, timedelta
from decimal import Decimal as D

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fsgs_portal.management.commands.bench import five_year_csv
from tests.factories import make_day, make_patient, make_user
from tracker import exports, importer
from tracker.models import BloodPressure, DiaryDay

pytestmark = pytest.mark.django_db
TODAY = date(2025, 3, 10)
YESTERDAY = TODAY - timedelta(days=1)
HEADER = "date,weight_kg,urine_foam,blood_pressure_mmhg,note\r\n"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-03-10 12:00Z", tick=False):
        yield


def export_of(client, patient) -> bytes:
    return client.get(reverse("export_csv", kwargs={"pid": patient.public_id})).content


def upload(client, patient, text: str, **options):
    data = {"file": SimpleUploadedFile("days.csv", text.encode()), "existing": "skip", **options}
    return client.post(reverse("diary_import", kwargs={"pid": patient.public_id}), data)


def test_a_five_year_file_round_trips(client_for, owner, patient):
    text = five_year_csv(YESTERDAY)
    assert text.count("\r\n") == 1 + 5 * 366
    client = client_for(owner)
    assert upload(client, patient, text).status_code == 302
    assert patient.diary_days.count() == 5 * 366
    assert patient.blood_pressures.count() == 5 * 366
    exported = export_of(client, patient)
    assert exported.decode() == text
    fresh = make_patient(owner, display_name="Fresh")
    assert upload(client, fresh, exported.decode()).status_code == 302
    assert export_of(client, fresh) == exported
    fields = ["date", "weight_kg", "temperature_c", "foam", "swelling_legs", "less_urine", "note"]
    assert list(fresh.diary_days.values_list(*fields)) == list(
        patient.diary_days.values_list(*fields)
    )


def queries_to_import(patient, user, days: int, **options) -> list[str]:
    text = five_year_csv(YESTERDAY, days=days)
    with CaptureQueriesContext(connection) as queries:
        result = importer.import_rows(patient, user, text, **options)
    assert not result.problems
    assert len(result.saved) + len(result.replaced) == days
    return [query["sql"] for query in queries.captured_queries]


def not_batched(queries: list[str]) -> list[str]:
    """The statements besides the INSERTs and UPDATEs of a bulk write, which a backend may
    split into batches (SQLite's 999 parameters a statement)."""
    return [sql for sql in queries if not sql.startswith(("INSERT", "UPDATE"))]


def test_the_queries_do_not_grow_with_the_rows():
    user = make_user()
    few = queries_to_import(make_patient(user), user, 10)
    many = queries_to_import(make_patient(user), user, 1000)
    assert len(not_batched(many)) == len(not_batched(few))
    writes = len(many) - len(not_batched(many))
    assert writes <= 2 * (1000 // (999 // len(DiaryDay._meta.concrete_fields)) + 1)
    assert len(many) < 100  # not one per row


def test_replacing_writes_in_bulk_too(owner):
    patient = make_patient(owner)
    queries_to_import(patient, owner, 300)
    before = {day.date: day for day in patient.diary_days.all()}
    make_day(patient, YESTERDAY - timedelta(days=400), owner)  # outside the file: kept
    few = queries_to_import(patient, owner, 10, existing=importer.REPLACE)
    many = queries_to_import(patient, owner, 300, existing=importer.REPLACE)
    assert len(not_batched(many)) == len(not_batched(few))
    assert len(many) < 60
    after = {day.date: day for day in patient.diary_days.filter(date__gte=min(before))}
    assert after.keys() == before.keys()
    for on, day in after.items():
        assert day.pk == before[on].pk
        assert day.created_at == before[on].created_at
        assert day.version == before[on].version + (2 if on > YESTERDAY - timedelta(10) else 1)
    assert patient.diary_days.filter(date=YESTERDAY - timedelta(days=400)).exists()
    assert patient.blood_pressures.count() == 300


def test_a_bad_row_among_many_saves_nothing(client_for, owner, patient):
    lines = five_year_csv(YESTERDAY, days=500).splitlines(keepends=True)
    lines[321] = "2O24" + lines[321][4:]  # a letter O for a zero
    page = upload(client_for(owner), patient, "".join(lines)).content.decode()
    assert '<th scope="row">322</th><td>date</td>' in page
    assert not DiaryDay.objects.exists()
    assert not BloodPressure.objects.exists()


# An unclosed quote -------------------------------------------------------------------------------


def test_an_unclosed_quote_is_an_error_at_its_row_and_the_rows_after_it_are_read(owner, patient):
    text = (
        HEADER
        + '2025-03-01,70.1,1,08:00 120/80,"fine"\r\n'
        + '2025-03-02,70.2,1,08:00 121/80,"dizzy after lunch\r\n'
        + "2025-03-03,70.3,1,08:00 122/80,\r\n"
        + '2025-03-04,70.4,1,08:00 123/80,"two\r\nlines"\r\n'
    )
    result = importer.import_rows(patient, owner, text)
    assert [(problem.row, problem.column) for problem in result.problems] == [(3, "note")]
    assert "not closed" in result.problems[0].message
    assert not DiaryDay.objects.exists()
    result = importer.import_rows(patient, owner, text, import_valid=True)
    saved = {day.date: day.note for day in patient.diary_days.all()}
    assert saved == {
        date(2025, 3, 1): "fine",
        date(2025, 3, 3): "",
        date(2025, 3, 4): "two\r\nlines",
    }
    assert result.left_out == 1


def test_an_unclosed_quote_on_the_last_row_is_an_error_there(owner, patient):
    text = HEADER + "2025-03-01,70.1,1,,ok\r\n" + '2025-03-02,70.2,1,,"no end\r\n'
    result = importer.import_rows(patient, owner, text)
    assert [(problem.row, problem.column) for problem in result.problems] == [(3, "note")]


def test_the_import_page_names_the_row_of_an_unclosed_quote(client_for, owner, patient):
    text = HEADER + '2025-03-01,70.1,1,,"oops\r\n2025-03-02,70.2,1,,\r\n'
    page = upload(client_for(owner), patient, text).content.decode()
    assert (
        '<th scope="row">2</th><td>note</td><td>a quote (&quot;) in this row is not closed' in page
    )
    assert not DiaryDay.objects.exists()


def test_a_note_with_quotes_and_line_breaks_still_round_trips(client_for, owner, patient):
    make_day(patient, YESTERDAY, owner, weight_kg=D("70"), note='said "ok"\n2025-01-01, again')
    BloodPressure.objects.create(
        patient=patient, date=YESTERDAY, time=time(8), systolic=120, diastolic=80
    )
    client = client_for(owner)
    exported = export_of(client, patient)
    fresh = make_patient(owner, display_name="Fresh")
    assert upload(client, fresh, exported.decode()).status_code == 302
    assert fresh.diary_days.get().note == 'said "ok"\n2025-01-01, again'
    assert exports.read_csv(exported.decode(), max_rows=5)[0].problems == []


def test_an_unclosed_quote_that_ends_cleanly_is_caught_by_a_whole_row_inside(owner, patient):
    text = (
        HEADER
        + '2025-03-01,70.1,1,,"dizzy\r\n'
        + '2025-03-02,70.2,1,,ok"\r\n'
        + "2025-03-03,70.3,1,,\r\n"
    )
    result = importer.import_rows(patient, owner, text, import_valid=True)
    assert [problem.row for problem in result.problems] == [2]
    # The stray quote ends the next row's note: that row is read on its own, as typed.
    assert {day.date.day: day.note for day in patient.diary_days.all()} == {2: 'ok"', 3: ""}


def test_bench_prints_the_import_beside_the_floor():
    from io import StringIO

    from fsgs_portal.management.commands.bench import Command

    command = Command(stdout=StringIO())
    command.floor_view_seconds = 0.001
    command.csv_import(repeat=1)
    line = command.stdout.getvalue().splitlines()[-1]
    assert line.startswith("import 5-year CSV (1,830 rows)")
    assert " s  ×" in line
    assert "floor" in line
    assert not DiaryDay.objects.exists()  # each run is rolled back


def test_a_write_the_database_refuses_saves_nothing_and_says_so(
    client_for, owner, patient, monkeypatch
):
    from django.db import IntegrityError

    def refused(*args, **kwargs):
        raise IntegrityError("one_diary_day_per_patient_and_date")

    monkeypatch.setattr(BloodPressure.objects, "bulk_create", refused)
    page = upload(client_for(owner), patient, five_year_csv(YESTERDAY, days=20)).content.decode()
    assert "The file could not be read. Nothing was saved." in page
    assert "the diary may have changed at the same moment" in page
    assert not DiaryDay.objects.exists()
