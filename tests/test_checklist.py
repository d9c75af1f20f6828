"""The "Anything else today?" checklist end to end: the day form saves the ticks (never carried
over), the day and diary pages show them and their alerts, the trends page marks them on the
shared axis, the visit summary lists them, and CSV → import → CSV and FHIR carry them."""

import csv
import io
import json
import re
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from fhir.resources.bundle import Bundle

from tests.factories import make_day, make_medication, make_patient
from tests.test_summary_views import flat, pdf_pages
from tracker import exports, symptoms
from tracker.models import DiaryDay, Purpose

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 10)
YESTERDAY = TODAY - timedelta(days=1)
FORM = {
    "weight": "70.5",
    "weight_unit": "kg",
    "swelling_face": "0",
    "swelling_hands": "0",
    "swelling_belly": "0",
    "swelling_legs": "0",
    "foam": "0",
    "dipstick": "",
    "temperature": "",
    "temperature_unit": "C",
    "medicines_taken": "",
    "note": "",
    "version": "0",
}


@pytest.fixture(autouse=True)
def _today():
    cache.clear()
    with time_machine.travel("2025-03-10 12:00Z", tick=False):
        yield


@pytest.fixture
def child(owner):
    return make_patient(owner, display_name="Mia", birth_date=date(2016, 2, 29))


def diary_url(patient) -> str:
    return reverse("patient_diary", kwargs={"pid": patient.public_id})


def day_url(patient, on) -> str:
    return reverse("diary_day", kwargs={"pid": patient.public_id, "day": on})


def ticks(*codes) -> dict[str, str]:
    return {symptoms.BY_CODE[code].field: "on" for code in codes}


# The form --------------------------------------------------------------------------------------


def test_the_form_has_an_accessible_checklist_with_the_belly_pain_hint(client_for, patient, owner):
    page = client_for(owner).get(diary_url(patient)).content.decode()
    opening = '<fieldset class="mb-3 symptom-checklist" aria-describedby="symptoms-hint">'
    fieldset = page.split(opening)[1].split("</fieldset>")[0]
    assert '<legend class="h5">Anything else today?</legend>' in fieldset
    assert "Belly pain? Take your temperature too." in fieldset
    for symptom in symptoms.SYMPTOMS:
        field_id = f"id_{symptom.field}"
        assert f'type="checkbox" name="{symptom.field}"' in fieldset
        assert f'<label class="form-check-label" for="{field_id}">{symptom.label}</label>' in (
            fieldset
        )


@pytest.mark.parametrize("htmx", [False, True])
def test_ticks_are_saved_with_the_day_by_the_one_save(client_for, patient, owner, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client_for(owner).post(
        diary_url(patient), {**FORM, **ticks("chest_pain", "vomiting_diarrhoea")}, **headers
    )
    assert response.status_code == (200 if htmx else 302)
    saved = DiaryDay.objects.get(patient=patient, date=TODAY)
    assert saved.symptoms == {"chest_pain", "vomiting_diarrhoea"}
    assert saved.weight_kg == D("70.500")
    # Unticking saves False.
    client_for(owner).post(diary_url(patient), {**FORM, "version": "1"})
    saved.refresh_from_db()
    assert saved.symptoms == frozenset()


def test_ticks_are_not_carried_over_to_today(client_for, patient, owner):
    make_day(
        patient,
        YESTERDAY,
        owner,
        weight_kg=D("70.2"),
        swelling_legs=1,
        **dict.fromkeys(symptoms.FIELDS, True),
    )
    client = client_for(owner)
    response = client.get(diary_url(patient))
    page = response.content.decode()
    assert 'id="save-unchanged"' in page
    for field in symptoms.FIELDS:
        assert not re.search(rf'name="{field}"[^>]*checked', page)
    # "Nothing changed: save these values" posts what was offered.
    form = response.context["form"]
    offered = {name: form[name].value() for name in form.fields}
    data = {
        k: "on" if v is True else v for k, v in offered.items() if v is not None and v is not False
    }
    assert client.post(diary_url(patient), data).status_code == 302
    today = DiaryDay.objects.get(patient=patient, date=TODAY)
    assert (today.swelling_legs, today.weight_kg) == (1, None)  # a weight is never copied
    assert today.symptoms == frozenset()


def test_a_refused_save_shows_back_the_ticks_it_held(client_for, patient, owner, editor):
    make_day(patient, TODAY, editor, version=2)
    form = {**FORM, "version": "1", **ticks("belly_pain")}
    response = client_for(owner).post(diary_url(patient), form)
    assert response.context["stale"].refused_values[-1] == ("Belly pain", "ticked")
    assert not DiaryDay.objects.get(patient=patient, date=TODAY).symptoms


# Pages -----------------------------------------------------------------------------------------


def test_the_day_page_shows_the_ticks_and_the_emergency(client_for, patient, owner, viewer):
    on = TODAY - timedelta(days=3)
    make_day(patient, on, owner, symptom_leg_swollen=True, symptom_belly_pain=True)
    page = client_for(owner).get(day_url(patient, on)).content.decode()
    assert re.search(r'name="symptom_leg_swollen"[^>]*checked', page)
    assert re.search(r'name="symptom_belly_pain"[^>]*checked', page)
    assert not re.search(r'name="symptom_chest_pain"[^>]*checked', page)
    assert "Act now:" in page
    assert "Signs of a possible blood clot" in page
    assert "Ticked “One leg swollen or painful” on 7 Mar 2025" in page
    assert 'href="/learn/when-to-call/#blood-clots"' in page
    # Someone who may only view reads the values.
    page = client_for(viewer).get(day_url(patient, on)).content.decode()
    assert "One leg swollen or painful; Belly pain</dd>" in page


@pytest.mark.parametrize(
    ("typed", "unit", "fires"),
    [("37.9", "C", False), ("38.0", "C", True), ("100.3", "F", False), ("100.4", "F", True)],
)
def test_belly_pain_with_fever_typed_in_either_unit(client_for, patient, owner, typed, unit, fires):
    client = client_for(owner)
    form = {**FORM, "temperature": typed, "temperature_unit": unit, **ticks("belly_pain")}
    assert client.post(day_url(patient, YESTERDAY), form).status_code == 302
    page = client.get(day_url(patient, YESTERDAY)).content.decode()
    assert ("Urgent, call now:" in page) is fires
    assert ("Belly pain with fever" in page) is fires
    if fires:
        assert "serious belly infection (peritonitis)" in page
        assert 'href="/learn/when-to-call/#belly-pain-fever"' in page
        assert 'class="alert alert-danger diary-alert"' in page


def test_the_diary_page_shows_a_childs_exposure_alert_and_the_recent_ticks(
    client_for, owner, child
):
    make_medication(child, Purpose.STEROID, TODAY - timedelta(days=30))
    make_day(child, YESTERDAY, owner, symptom_infection_contact=True)
    page = client_for(owner).get(diary_url(child)).content.decode()
    assert "Contact your care team:" in page
    assert "Illness or contact with chickenpox or measles" in page
    assert 'href="/learn/when-to-call/#child-exposures"' in page
    assert '<span class="d-block recent-symptoms">Contact with chickenpox or measles</span>' in page


def test_a_child_off_immune_suppressing_medicine_gets_no_exposure_alert_and_is_told(
    client_for, owner, child
):
    make_day(child, YESTERDAY, owner, symptom_infection_contact=True)
    page = client_for(owner).get(diary_url(child)).content.decode()
    assert "Illness or contact with chickenpox or measles" not in page
    assert "is on only while your child takes a steroid" in page
    assert "Contact with chickenpox or measles</span>" in page  # still recorded and shown


def test_an_adults_ticks_are_shown_but_raise_no_exposure_alert(client_for, patient, owner):
    make_medication(patient, Purpose.STEROID, TODAY - timedelta(days=30))
    make_day(patient, YESTERDAY, owner, symptom_vomiting_diarrhoea=True)
    page = client_for(owner).get(diary_url(patient)).content.decode()
    assert "No alerts in the last 7 days." in page
    assert '<span class="d-block recent-symptoms">Vomiting or diarrhea</span>' in page


def test_the_trends_page_marks_the_ticks_on_the_shared_axis(client_for, patient, owner):
    make_day(patient, TODAY - timedelta(days=5), owner, weight_kg=D("70"), symptom_chest_pain=True)
    make_day(patient, TODAY - timedelta(days=2), owner, weight_kg=D("71"), symptom_belly_pain=True)
    response = client_for(owner).get(reverse("patient_trends", kwargs={"pid": patient.public_id}))
    charts = {item.key: item.chart for item in response.context["trends"].charts}
    chart = charts["symptoms"]
    assert chart.enough_data
    assert chart.table_rows == [
        ["2025-03-05", "Chest pain or sudden trouble breathing"],
        ["2025-03-08", "Belly pain"],
    ]
    assert "Something was ticked on 2 of 28 days" in chart.summary
    svg = str(chart.svg)
    assert svg.count("symptom-mark") == 2
    # The same x as the weight chart's points for those days: one axis.
    weight_svg = str(charts["weight"].svg)
    marks = re.findall(r'class="symptom-mark" d="M([\d.]+) ', svg)
    assert len(marks) == 2
    for x in marks:
        assert f"M{x} " in weight_svg or f'cx="{x}"' in weight_svg
    page = response.content.decode()
    assert "Anything else today? (ticked items)" in page
    assert "<td>Chest pain or sudden trouble breathing</td>" in page


def test_the_trends_page_says_when_nothing_was_ticked(client_for, patient, owner):
    response = client_for(owner).get(reverse("patient_trends", kwargs={"pid": patient.public_id}))
    charts = {item.key: item.chart for item in response.context["trends"].charts}
    assert not charts["symptoms"].enough_data
    assert "Nothing was ticked" in charts["symptoms"].summary


# Round trip: form → alert → summary → CSV → import → same CSV -----------------------------------


def test_round_trip_from_the_form_to_the_same_csv(client_for, owner, patient):
    client = client_for(owner)
    belly_day, clot_day = TODAY - timedelta(days=4), TODAY - timedelta(days=2)
    client.post(
        day_url(patient, belly_day),
        {**FORM, "temperature": "38.2", **ticks("belly_pain", "vomiting_diarrhoea")},
    )
    client.post(day_url(patient, clot_day), {**FORM, **ticks("chest_pain", "infection_contact")})
    client.post(day_url(patient, YESTERDAY), FORM)

    summary = client.get(
        reverse("patient_summary", kwargs={"pid": patient.public_id}),
        {"start": (TODAY - timedelta(days=13)).isoformat(), "end": TODAY.isoformat()},
    )
    page = summary.content.decode()
    lines = summary.context["summary"].symptom_days
    assert [(line.on, line.items, line.raised) for line in lines] == [
        (belly_day, ["Belly pain", "Vomiting or diarrhea"], ["Belly pain with fever"]),
        (
            clot_day,
            ["Chest pain or sudden trouble breathing", "Contact with chickenpox or measles"],
            ["Signs of a possible blood clot"],
        ),
    ]
    assert "Also ticked in the diary" in page
    assert '<span class="severity severity-emergency">Emergency:</span>' in page
    assert '<span class="severity severity-urgent">Urgent:</span>' in page
    pdf = flat(
        " ".join(
            pdf_pages(
                client.get(
                    reverse("patient_summary_pdf", kwargs={"pid": patient.public_id}),
                    {"start": (TODAY - timedelta(days=13)).isoformat(), "end": TODAY.isoformat()},
                ).content
            )
        )
    )
    assert "Belly pain; Vomiting or diarrhea – alert: Belly pain with fever" in pdf
    assert "URGENT: Belly pain with fever" in pdf

    exported = client.get(reverse("export_csv", kwargs={"pid": patient.public_id})).content
    rows = {row["date"]: row for row in csv.DictReader(io.StringIO(exported.decode()))}
    assert rows[belly_day.isoformat()]["symptoms"] == "belly_pain;vomiting_diarrhoea"
    assert rows[clot_day.isoformat()]["symptoms"] == "chest_pain;infection_contact"
    assert rows[YESTERDAY.isoformat()]["symptoms"] == ""

    fresh = make_patient(owner, display_name="Fresh", birth_date=date(1980, 5, 1))
    upload = {
        "file": io.BytesIO(exported),
        "existing": "skip",
    }
    upload["file"].name = "days.csv"
    assert (
        client.post(reverse("diary_import", kwargs={"pid": fresh.public_id}), upload).status_code
        == 302
    )
    again = client.get(reverse("export_csv", kwargs={"pid": fresh.public_id})).content
    assert again == exported
    assert DiaryDay.objects.get(patient=fresh, date=clot_day).symptoms == {
        "chest_pain",
        "infection_contact",
    }


def test_an_unknown_code_is_a_row_error_and_nothing_is_saved(client_for, owner, patient):
    header = ",".join(exports.COLUMN_NAMES)
    good = {"date": "2025-03-01", "weight_kg": "70", "symptoms": "belly_pain"}
    bad = {"date": "2025-03-02", "weight_kg": "70", "symptoms": "belly_pain;rash"}
    text = "\n".join(
        [
            header,
            *(",".join(row.get(name, "") for name in exports.COLUMN_NAMES) for row in (good, bad)),
        ]
    )
    upload = {"file": io.BytesIO(text.encode()), "existing": "skip"}
    upload["file"].name = "days.csv"
    response = client_for(owner).post(
        reverse("diary_import", kwargs={"pid": patient.public_id}), upload
    )
    page = response.content.decode()
    assert "“rash” is not a checklist item" in page
    assert "<td>symptoms</td>" in page
    assert not DiaryDay.objects.filter(patient=patient).exists()


# FHIR ------------------------------------------------------------------------------------------


def test_fhir_has_one_survey_observation_per_ticked_item_and_validates(client_for, owner, patient):
    make_day(patient, YESTERDAY, owner, symptom_leg_swollen=True, symptom_infection_contact=True)
    make_day(patient, TODAY, owner)
    response = client_for(owner).get(reverse("export_json", kwargs={"pid": patient.public_id}))
    found = json.loads(response.content)
    Bundle.parse_obj(found)
    ticked = [
        entry["resource"]
        for entry in found["entry"][1:]
        if entry["resource"]["code"].get("coding", [{}])[0].get("code", "").startswith("symptom-")
    ]
    assert [
        (r["effectiveDateTime"], r["code"]["coding"][0]["code"], r["valueBoolean"]) for r in ticked
    ] == [
        (YESTERDAY.isoformat(), "symptom-leg_swollen", True),
        (YESTERDAY.isoformat(), "symptom-infection_contact", True),
    ]
    for resource in ticked:
        assert resource["code"]["coding"][0]["system"] == exports.HOME_MONITORING_SYSTEM
        assert resource["category"][0]["coding"][0]["code"] == "survey"
    assert ticked[1]["code"]["text"] == "Contact with chickenpox or measles"
