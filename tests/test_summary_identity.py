"""The visit summary says whose it is on every printed page, keeps albumin in one unit, and
explains the dipstick labels (issue #13)."""

import html
import io
import json
import re
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.factories import make_day
from tests.test_patients import VALID_PROFILE
from tests.test_summary_views import demo, demo_client  # noqa: F401  (the seeded demo)
from tracker import units
from tracker.dates import day_text
from tracker.models import LabResult

pytestmark = pytest.mark.django_db


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def pdf_pages(content: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(content)).pages]


def summary_page(client, patient, days=28) -> str:
    end = patient.today()
    start = end - timedelta(days=days - 1)
    url = reverse("patient_summary", kwargs={"pid": patient.public_id})
    return client.get(url, {"start": start.isoformat(), "end": end.isoformat()}).content.decode()


def summary_pdf(client, patient, days=28) -> list[str]:
    end = patient.today()
    start = end - timedelta(days=days - 1)
    url = reverse("patient_summary_pdf", kwargs={"pid": patient.public_id})
    response = client.get(url, {"start": start.isoformat(), "end": end.isoformat()})
    assert response.status_code == 200
    return pdf_pages(response.content)


def test_the_profile_takes_an_optional_hospital_or_clinic_number(client_for, owner, patient):
    url = reverse("patient_edit", kwargs={"pid": patient.public_id})
    page = client_for(owner).get(url).content.decode()
    assert "Hospital or clinic number" in page
    response = client_for(owner).post(url, {**VALID_PROFILE, "clinic_number": "  MRN 0042-7 "})
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.clinic_number == "MRN 0042-7"
    client_for(owner).post(url, {**VALID_PROFILE, "clinic_number": ""})
    patient.refresh_from_db()
    assert patient.clinic_number == ""
    response = client_for(owner).post(url, {**VALID_PROFILE, "clinic_number": "9" * 41})
    assert response.status_code == 200
    assert 'id="error_1_id_clinic_number"' in response.content.decode()


def test_the_summary_header_names_the_birth_date_and_clinic_number(client_for, owner, patient):
    patient.clinic_number = "H-2231"
    patient.save()
    make_day(patient, patient.today(), owner, weight_kg=D("70"))
    expected = f"born {day_text(patient.birth_date)} · clinic no. H-2231"
    assert expected in flat(summary_page(client_for(owner), patient))
    assert expected in summary_pdf(client_for(owner), patient)[0]


def test_without_them_the_header_leaves_them_out(client_for, owner, patient):
    patient.birth_date = None
    patient.save()
    make_day(patient, patient.today(), owner, weight_kg=D("70"))
    page = summary_page(client_for(owner), patient)
    assert "born " not in page
    assert "clinic no." not in page


def test_the_clinic_number_is_escaped_on_the_page_and_printed_as_typed(client_for, owner, patient):
    patient.clinic_number = '<b>7</b>&"x'
    patient.save()
    make_day(patient, patient.today(), owner, weight_kg=D("70"))
    page = summary_page(client_for(owner), patient)
    assert "clinic no. &lt;b&gt;7&lt;/b&gt;&amp;&quot;x" in page
    assert "<b>7</b>" not in page
    assert 'clinic no. <b>7</b>&"x' in summary_pdf(client_for(owner), patient)[0]


def test_page_2_carries_a_running_header_naming_the_person(demo_client, demo):  # noqa: F811
    pages = summary_pdf(demo_client, demo, 365)
    assert len(pages) == 2
    born = f"born {day_text(demo.birth_date)} · clinic no. {demo.clinic_number}"
    who = f"Alex Rivera (demo) · {born}"
    assert demo.clinic_number
    # The running header (a margin box: pypdf reads it after the page's body).
    assert f"{who} · Visit summary" in pages[1]
    assert "page 2 of 2" in pages[1]
    # Page 1 opens with the header block instead, which says the same.
    assert "page 1 of 2" not in pages[0]
    assert born in pages[0]


def test_the_json_export_carries_the_clinic_number_and_the_csv_does_not(client_for, owner, patient):
    patient.clinic_number = "H-2231"
    patient.save()
    make_day(patient, patient.today(), owner, weight_kg=D("70"))
    everything = client_for(owner).get(
        reverse("export_everything", kwargs={"pid": patient.public_id})
    )
    assert json.loads(everything.content)["patient"]["clinic_number"] == "H-2231"
    csv = client_for(owner).get(reverse("export_csv", kwargs={"pid": patient.public_id}))
    assert b"H-2231" not in csv.content


# Albumin in one unit: the one the latest lab reported -------------------------------------------


def add_albumin(patient, on, value, unit):
    LabResult.objects.create(
        patient=patient,
        date=on,
        kind="albumin",
        value_entered=D(value),
        unit_entered=unit,
        value=units.to_canonical("albumin", D(value), unit),
    )


@pytest.mark.parametrize(
    ("reported", "latest", "earlier", "shown_unit", "shown_latest"),
    [
        ("g/dL", "2.3", "3.9", "g/dL", "2.3"),
        ("G/DL", "2.3", "3.9", "g/dL", "2.3"),
        ("g/L", "23", "39", "g/L", "23"),
    ],
)
def test_albumin_is_in_the_latest_reports_unit_on_trends_summary_and_pdf(
    client_for, owner, patient, reported, latest, earlier, shown_unit, shown_latest
):
    today = patient.today()
    other = "g/L" if shown_unit == "g/dL" else "g/dL"
    # An older result in the other unit does not decide: the latest report does.
    old = units.from_canonical(
        "albumin", units.to_canonical("albumin", D(earlier), reported), other
    )
    add_albumin(patient, today - timedelta(days=20), old, other)
    add_albumin(patient, today - timedelta(days=2), latest, reported)
    make_day(patient, today, owner, weight_kg=D("70"))
    client = client_for(owner)
    page = html.unescape(flat(summary_page(client, patient)))
    assert f"albumin {shown_unit} (the lab's unit)" in page
    assert re.search(rf"<strong>{re.escape(shown_latest)}</strong> {re.escape(shown_unit)}\b", page)
    pdf = summary_pdf(client, patient)[0]
    assert f"Albumin {shown_latest} {shown_unit}" in pdf
    assert f"{earlier} (first on record" in pdf
    trends = client.get(
        reverse("patient_trends", kwargs={"pid": patient.public_id}), {"days": 28}
    ).content.decode()
    assert f"Albumin ({shown_unit})" in trends
    assert f"Albumin ({other})" not in trends


@pytest.mark.parametrize(
    ("reported", "shown"),
    [("g/dL", "g/dL"), (" G / dl ", "g/dL"), ("g/l", "g/L"), ("", "g/L"), (None, "g/L")],
)
def test_the_shown_lab_unit_is_the_reported_one_spelled_the_portals_way(reported, shown):
    assert units.shown_lab_unit("albumin", reported) == shown


def test_an_unknown_reported_unit_falls_back_to_the_stored_unit():
    assert units.shown_lab_unit("albumin", "mmol/L") == "g/L"
    assert units.shown_lab_unit("creatinine", "µmol/l") == "µmol/L"


# The dipstick labels -----------------------------------------------------------------------------


def test_the_dipstick_key_says_a_dash_is_negative_and_a_dashed_box_not_tested(
    client_for, owner, patient
):
    today = patient.today()
    make_day(patient, today, owner, dipstick=0)
    make_day(patient, today - timedelta(days=1), owner, dipstick=1)
    client = client_for(owner)
    key = "Timeline: − negative · tr trace · dashed box: not tested"
    assert key in flat(summary_page(client, patient))
    assert key in summary_pdf(client, patient)[0]
    # Longer periods draw the tiles without labels, with a legend of their own.
    assert key not in flat(summary_page(client, patient, days=60))


def test_no_dipstick_no_key(client_for, owner, patient):
    make_day(patient, patient.today(), owner, weight_kg=D("70"))
    assert "Timeline: − negative" not in summary_page(client_for(owner), patient)
