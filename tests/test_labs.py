"""/patients/<pid>/labs/: results in any common unit, calculated eGFR, remission status."""

import html
import re
from datetime import date
from decimal import Decimal as D

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_day, make_medication, make_patient
from tracker.models import LabResult, Purpose

pytestmark = pytest.mark.django_db

RESULT = {"date": "2025-03-01", "kind": "upcr", "value_entered": "350", "unit_entered": "mg/mmol"}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-03-10 12:00Z", tick=False):
        yield


def url(patient, name="lab_list", **kwargs) -> str:
    return reverse(name, kwargs={"pid": patient.public_id, **kwargs})


def make_lab(patient, on, kind, value, unit, canonical=None):
    return LabResult.objects.create(
        patient=patient,
        date=on,
        kind=kind,
        value_entered=D(value),
        unit_entered=unit,
        value=D(canonical or value),
    )


def test_anonymous_visitors_are_sent_to_log_in(client, patient):
    assert client.get(url(patient))["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("who", "status"), [("stranger", 404), ("revoked", 404)])
def test_someone_without_access_gets_404(request, client_for, patient, who, status):
    lab = make_lab(patient, date(2025, 3, 1), "upcr", "2", "g/g")
    client = client_for(request.getfixturevalue(who))
    assert client.get(url(patient)).status_code == status
    assert client.post(url(patient), RESULT).status_code == status
    assert (
        client.post(url(patient, "lab_baseline"), {"baseline": "1", "unit": "g/g"}).status_code
        == status
    )
    assert client.post(url(patient, "lab_delete", pk=lab.pk)).status_code == status
    assert LabResult.objects.count() == 1


def test_a_view_only_caregiver_reads_results_but_cannot_change_them(client_for, patient, viewer):
    lab = make_lab(patient, date(2025, 3, 1), "upcr", "2", "g/g")
    client = client_for(viewer)
    page = client.get(url(patient)).content.decode()
    assert "2 g/g" in page
    assert "Add a result" not in page
    assert client.post(url(patient), RESULT).status_code == 403
    assert (
        client.post(url(patient, "lab_baseline"), {"baseline": "1", "unit": "g/g"}).status_code
        == 403
    )
    assert client.get(url(patient, "lab_delete", pk=lab.pk)).status_code == 403
    assert client.post(url(patient, "lab_delete", pk=lab.pk)).status_code == 403
    assert LabResult.objects.count() == 1


def test_wrong_methods_are_405(client_for, patient, owner):
    client = client_for(owner)
    assert client.put(url(patient)).status_code == 405
    assert client.get(url(patient, "lab_baseline")).status_code == 405


def test_a_result_is_saved_canonical_and_shown_as_typed_and_converted(client_for, patient, owner):
    client = client_for(owner)
    response = client.post(url(patient), {**RESULT, "note": "clinic lab"})
    assert response["Location"] == url(patient)
    result = LabResult.objects.get()
    assert (result.value, result.entered_by, result.patient) == (D("3.094607"), owner, patient)
    page = client.get(url(patient)).content.decode()
    assert "Saved the UPCR result: 350 mg/mmol on 1 Mar 2025." in page
    assert ">350 mg/mmol</td>" in page
    assert ">3.09 g/g</td>" in page


def test_a_result_in_the_canonical_unit_is_also_shown_in_the_other_common_unit(
    client_for, patient, owner
):
    make_lab(patient, date(2025, 3, 1), "creatinine", "1.2", "mg/dL")
    page = client_for(owner).get(url(patient)).content.decode()
    assert ">1.2 mg/dL</td>" in page
    assert ">106.08 µmol/L</td>" in page


def test_posting_patient_entered_by_or_a_canonical_value_changes_nothing(
    client_for, patient, owner, stranger
):
    other = make_patient(stranger)
    data = {**RESULT, "patient": other.pk, "entered_by": stranger.pk, "value": "99"}
    client_for(owner).post(url(patient), data)
    result = LabResult.objects.get()
    assert (result.patient, result.entered_by, result.value) == (patient, owner, D("3.094607"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"value_entered": "6000"}, "UPCR must be between 0 and 5655 mg/mmol — you typed 6000."),
        (
            {"unit_entered": "g/L"},
            "g/L is not a unit for UPCR: use g/g or mg/g or mg/mmol or mg/mg.",
        ),
        (
            {"kind": "albumin", "unit_entered": "g/L", "value_entered": "3"},
            "Albumin must be between 5 and 70 g/L — you typed 3.",
        ),
        (
            {"kind": "creatinine", "unit_entered": "µmol/L", "value_entered": "5000"},
            "Creatinine must be between 8.9 and 2652 µmol/L — you typed 5000.",
        ),
        (
            {"kind": "egfr", "unit_entered": "mL/min/1.73m2", "value_entered": "250"},
            "eGFR must be between 1 and 200 mL/min/1.73m2 — you typed 250.",
        ),
        (
            {"kind": "tacrolimus", "unit_entered": "ng/mL", "value_entered": "150"},
            "Tacrolimus level must be between 0 and 100 ng/mL — you typed 150.",
        ),
        ({"date": "2025-03-11"}, "The date cannot be in the future — you chose 2025-03-11."),
        (
            {"date": "1980-04-30"},
            "The date cannot be before the date of birth (1980-05-01) — you chose 1980-04-30.",
        ),
        ({"value_entered": "lots"}, "Type a number, like 1.2."),
        ({"kind": ""}, "This field is required."),
    ],
)
def test_bad_results_are_explained_and_nothing_is_saved(
    client_for, patient, owner, changes, message
):
    response = client_for(owner).post(url(patient), {**RESULT, **changes})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LabResult.objects.exists()


# eGFR --------------------------------------------------------------------------------------------


def test_egfr_is_calculated_for_an_adult_and_labelled(client_for, owner):
    # CLINICAL.md worked value: female, 55 years, creatinine 0.9 mg/dL -> 75.5.
    patient = make_patient(owner, birth_date=date(1970, 2, 1), sex="female")
    make_lab(patient, date(2025, 3, 1), "creatinine", "79.56", "µmol/L", canonical="0.9")
    page = client_for(owner).get(url(patient)).content.decode()
    assert "75.5 mL/min/1.73 m²" in page
    assert ">calculated<" in page
    assert "stage G2: Mildly decreased kidney function" in page


def test_egfr_is_never_calculated_for_a_child(client_for, owner):
    patient = make_patient(owner, birth_date=date(2010, 1, 1), sex="male")
    make_lab(patient, date(2025, 3, 1), "creatinine", "0.6", "mg/dL")
    page = client_for(owner).get(url(patient)).content.decode()
    assert "mL/min/1.73 m²" not in page
    assert "Not calculated for under-18s" in page


def test_egfr_needs_birth_date_and_sex(client_for, patient, owner):
    make_lab(patient, date(2025, 3, 1), "creatinine", "0.9", "mg/dL")
    page = client_for(owner).get(url(patient)).content.decode()
    assert "Add date of birth and sex in the profile to calculate eGFR." in page


# Remission ---------------------------------------------------------------------------------------


def test_remission_status_names_the_rule_and_the_baseline(client_for, patient, owner):
    make_lab(patient, date(2025, 1, 6), "upcr", "4", "g/g")
    make_lab(patient, date(2025, 3, 1), "upcr", "1.5", "g/g")
    page = client_for(owner).get(url(patient)).content.decode()
    assert "Meets the partial remission definition" in page
    assert "KDIGO 2021: UPCR 0.3 to 3.5 g/g and more than 50% below baseline" in page
    assert "4 g/g (6 January 2025). The first UPCR on record." in page
    assert 'href="/learn/understanding-your-results/#remission"' in page


def test_the_baseline_before_treatment_is_preferred(client_for, patient, owner):
    make_lab(patient, date(2024, 11, 1), "upcr", "3", "g/g")
    make_lab(patient, date(2024, 12, 20), "upcr", "5", "g/g")
    make_lab(patient, date(2025, 3, 1), "upcr", "0.2", "g/g")
    make_medication(patient, Purpose.STEROID, date(2025, 1, 6))
    page = client_for(owner).get(url(patient)).content.decode()
    assert "Meets the complete remission definition" in page
    assert "The highest UPCR in the 90 days before your first treatment on 6 Jan 2025." in page


def test_a_high_result_after_a_complete_remission_is_a_relapse(client_for, patient, owner):
    make_lab(patient, date(2025, 1, 6), "upcr", "0.2", "g/g")
    make_lab(patient, date(2025, 3, 1), "upcr", "4.2", "g/g")
    page = client_for(owner).get(url(patient)).content.decode()
    assert "Meets the relapse definition" in page


def test_a_childs_status_uses_the_ipna_rules(client_for, owner):
    child = make_patient(owner, birth_date=date(2016, 1, 1), upcr_unit="mg/mmol")
    make_lab(child, date(2025, 3, 1), "upcr", "15", "mg/mmol", canonical="0.132626")
    page = client_for(owner).get(url(child)).content.decode()
    assert "Meets the complete remission definition for children" in page
    assert "IPNA 2022" in page


def page_text(client, patient) -> str:
    return html.unescape(client.get(url(patient)).content.decode())


@pytest.fixture
def child(owner):
    return make_patient(owner, birth_date=date(2016, 1, 1), upcr_unit="mg/mmol")


@pytest.mark.parametrize(
    ("value", "unit", "canonical", "label", "line"),
    [
        (
            "0.2",
            "g/g",
            "0.2",
            "Meets the complete remission definition for children",
            "Compared with the children's complete remission line of 0.2 g/g (IPNA 2022), the "
            "unit your lab used.",
        ),
        (
            "200",
            "mg/g",
            "0.2",
            "Meets the complete remission definition for children",
            "which is exactly 200 mg/g in the unit your lab used.",
        ),
        (
            "22",
            "mg/mmol",
            "0.194518",
            "Meets the partial remission definition for children",
            "Compared with the children's lines of 20 mg/mmol and 200 mg/mmol (IPNA 2022)",
        ),
        (
            "2",
            "g/g",
            "2",
            "Protein is in the nephrotic range",
            "Compared with the children's nephrotic line of 2 g/g (IPNA 2022)",
        ),
    ],
)
def test_a_childs_status_names_the_line_in_the_labs_unit(
    client_for, owner, child, value, unit, canonical, label, line
):
    make_lab(child, date(2025, 3, 1), "upcr", value, unit, canonical=canonical)
    page = page_text(client_for(owner), child)
    assert label in page
    assert "Line used" in page
    assert line in page
    assert "1.77" not in page


def test_an_adults_mg_per_mmol_result_is_held_to_the_converted_line(client_for, patient, owner):
    make_lab(patient, date(2025, 3, 1), "upcr", "33.9", "mg/mmol", canonical="0.299735")
    page = page_text(client_for(owner), patient)
    assert "Meets the complete remission definition" in page
    assert (
        "Your lab used mg/mmol, so the portal converted it with 1 g/g = 113.1 mg/mmol: "
        "33.93 mg/mmol." in page
    )


def test_one_high_child_upcr_after_a_remission_is_a_possible_relapse(client_for, owner, child):
    make_lab(child, date(2025, 1, 10), "upcr", "15", "mg/mmol", canonical="0.132626")
    make_lab(child, date(2025, 3, 1), "upcr", "250", "mg/mmol", canonical="2.210433")
    page = page_text(client_for(owner), child)
    assert "Possible relapse: confirm with the care team" in page
    assert "Meets the relapse definition" not in page


def test_3_dipstick_days_at_3_plus_after_a_remission_meet_the_relapse_definition(
    client_for, owner, child
):
    make_lab(child, date(2025, 1, 10), "upcr", "15", "mg/mmol", canonical="0.132626")
    for day in (7, 8, 9):
        make_day(child, date(2025, 3, day), owner, dipstick=4)
    page = page_text(client_for(owner), child)
    assert "Meets the relapse definition for children" in page


@pytest.mark.parametrize(
    ("albumin", "unit", "canonical", "label"),
    [
        ("35", "g/L", "35", "Meets the partial remission definition for children"),
        ("3.0", "g/dL", "30", "Meets the partial remission definition for children"),
        ("2.9", "g/dL", "29", "Does not meet a remission definition for children"),
    ],
)
def test_a_childs_partial_remission_uses_a_recent_albumin(
    client_for, owner, child, albumin, unit, canonical, label
):
    make_lab(child, date(2025, 2, 20), "albumin", albumin, unit, canonical=canonical)
    make_lab(child, date(2025, 3, 1), "upcr", "100", "mg/mmol", canonical="0.884173")
    page = page_text(client_for(owner), child)
    assert label in page


def test_a_complete_remission_with_high_latest_dipsticks_carries_a_watch_note(
    client_for, owner, child, patient
):
    for who in (child, patient):
        make_lab(who, date(2025, 3, 1), "upcr", "0.1", "g/g")
        make_day(who, date(2025, 3, 8), owner, dipstick=4)
        make_day(who, date(2025, 3, 9), owner, dipstick=5)
        page = page_text(client_for(owner), who)
        assert "Meets the complete remission definition" in page
        assert (
            "Your latest dipsticks are 3+ or higher (8 Mar 2025, 9 Mar 2025). If this lasts 3 "
            "days in a row, it is the relapse sign: contact your care team." in page
        )


def test_the_page_explains_the_statuses_with_steroid_resistance(client_for, owner, child, patient):
    client = client_for(owner)
    children = page_text(client, child)
    assert "What the statuses mean for children" in children
    assert "No complete remission after 4 weeks of daily prednisone at full dose" in children
    assert "(IPNA 2020)" in children
    assert "Possible relapse" in children
    adults = page_text(client, patient)
    assert "What the statuses mean for adults" in adults
    assert "16 weeks of high-dose prednisone" in adults
    assert "your care team decides" in adults


def test_the_baseline_can_be_marked_in_any_upcr_unit(client_for, patient, owner):
    make_lab(patient, date(2025, 3, 1), "upcr", "1", "g/g")
    client = client_for(owner)
    response = client.post(url(patient, "lab_baseline"), {"baseline": "452.4", "unit": "mg/mmol"})
    assert response["Location"] == url(patient)
    patient.refresh_from_db()
    assert patient.baseline_upcr == D("4.000000")
    page = client.get(url(patient)).content.decode()
    assert "The UPCR that you or your care team marked as baseline." in page
    response = client.post(url(patient, "lab_baseline"), {"baseline": "99", "unit": "g/g"})
    assert "UPCR must be between 0 and 50 g/g — you typed 99." in response.content.decode()
    patient.refresh_from_db()
    assert patient.baseline_upcr == D("4.000000")


def test_a_result_is_deleted_after_confirmation(client_for, patient, owner):
    lab = make_lab(patient, date(2025, 3, 1), "upcr", "1", "g/g")
    client = client_for(owner)
    page = client.get(url(patient, "lab_delete", pk=lab.pk)).content.decode()
    assert "1 Mar 2025" in page
    assert LabResult.objects.exists()
    assert client.post(url(patient, "lab_delete", pk=lab.pk))["Location"] == url(patient)
    assert not LabResult.objects.exists()


# The page on a phone (issue #11): add first, grouped by test, change and trend, units that fit ---


def test_the_add_form_comes_before_the_results_and_opens_when_there_are_none(
    client_for, patient, owner
):
    client = client_for(owner)
    empty = client.get(url(patient)).content.decode()
    assert '<details class="add-lab mb-4" open>' in empty
    make_lab(patient, date(2025, 3, 1), "upcr", "1", "g/g")
    page = client.get(url(patient)).content.decode()
    assert '<details class="add-lab mb-4">' in page
    order = [page.index(words) for words in ("Add a result", "Results by test", "Remission status")]
    assert order == sorted(order)


def test_a_refused_result_keeps_the_add_form_open(client_for, patient, owner):
    make_lab(patient, date(2025, 3, 1), "upcr", "1", "g/g")
    page = client_for(owner).post(url(patient), {**RESULT, "value_entered": ""}).content.decode()
    assert '<details class="add-lab mb-4" open>' in page


def test_a_view_only_caregiver_gets_no_add_form(client_for, patient, viewer):
    make_lab(patient, date(2025, 3, 1), "upcr", "1", "g/g")
    page = client_for(viewer).get(url(patient)).content.decode()
    assert "add-lab" not in page
    assert "lab-units.js" not in page


def group_texts(client, patient) -> dict[str, str]:
    """Each test's section on the labs page, as text, by its heading."""
    page = html.unescape(client.get(url(patient)).content.decode())
    sections = re.findall(r'<section class="lab-group".*?</details>\s*</section>', page, re.S)
    texts = {}
    for section in sections:
        heading = re.search(r"<h3[^>]*>(.*?)</h3>", section).group(1)
        texts[heading] = " ".join(re.sub(r"<[^>]+>", " ", section).split())
    return texts


def test_results_are_grouped_by_test_with_the_latest_and_its_change(client_for, patient, owner):
    make_lab(patient, date(2025, 1, 6), "upcr", "4", "g/g")
    make_lab(patient, date(2025, 2, 1), "upcr", "2000", "mg/g", canonical="2")
    make_lab(patient, date(2025, 3, 1), "upcr", "1.5", "g/g")
    make_lab(patient, date(2025, 3, 1), "albumin", "25", "g/L")
    make_lab(patient, date(2025, 3, 2), "other", "4.1", "mmol/L").__class__.objects.filter(
        kind="other"
    ).update(other_name="Potassium")
    texts = group_texts(client_for(owner), patient)
    assert list(texts) == [
        "Urine protein-to-creatinine ratio (UPCR)",
        "Blood albumin",
        "Potassium",
    ]
    upcr = texts["Urine protein-to-creatinine ratio (UPCR)"]
    # The previous result was typed in mg/g: the change is in the latest one's unit.
    assert "1.5 g/g latest, 1 Mar 2025" in upcr
    assert "Down 0.5 g/g from 2 g/g on 1 Feb 2025 (25%)." in upcr
    assert "All 3 results" in upcr
    assert "UPCR from 6 Jan 2025 to 1 Mar 2025: 4, 2, 1.5 g/g." in upcr
    assert "Down" not in texts["Blood albumin"]
    assert "1 result" in texts["Blood albumin"]


def test_a_rise_is_called_up_and_an_unchanged_result_the_same(client_for, patient, owner):
    make_lab(patient, date(2025, 1, 6), "albumin", "2.5", "g/dL", canonical="25")
    make_lab(patient, date(2025, 3, 1), "albumin", "30", "g/L")
    make_lab(patient, date(2025, 2, 1), "creatinine", "1.1", "mg/dL")
    make_lab(patient, date(2025, 3, 1), "creatinine", "1.1", "mg/dL")
    texts = group_texts(client_for(owner), patient)
    assert "Up 5 g/L from 25 g/L on 6 Jan 2025 (20%)." in texts["Blood albumin"]
    assert "The same as on 1 Feb 2025 (1.1 mg/dL)." in texts["Blood creatinine"]


def test_each_trend_is_a_small_svg_with_a_text_alternative(client_for, patient, owner):
    make_lab(patient, date(2025, 1, 6), "upcr", "4", "g/g")
    make_lab(patient, date(2025, 3, 1), "upcr", "1.5", "g/g")
    make_lab(patient, date(2025, 3, 1), "albumin", "25", "g/L")
    page = client_for(owner).get(url(patient)).content.decode()
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="sparkline"') == 1
    svg = re.search(r'<svg[^>]*class="sparkline".*?</svg>', page, re.S).group(0)
    assert 'role="img"' in svg
    assert "<desc" in svg
    assert "4, 1.5 g/g" in svg
    assert "style" not in svg


def test_sparkline_rises_and_falls_with_the_values():
    from tracker.charts import sparkline

    assert sparkline("one", [(date(2025, 1, 1), D(1))], title="t", desc="d") is None
    fall = [(date(2025, 1, 1), D(4)), (date(2025, 1, 3), D(1))]
    falling = sparkline("f", fall, title="t", desc="d")
    points = re.search(r'points="([^"]+)"', falling).group(1).split()
    (x1, y1), (x2, y2) = (tuple(map(float, p.split(","))) for p in points)
    assert x1 < x2
    assert y1 < y2
    same = [(date(2025, 1, 1), D(2)), (date(2025, 1, 2), D(2))]
    flat = sparkline("s", same, title="t", desc="<d>")
    assert "&lt;d&gt;" in flat


def test_the_first_upcr_on_record_is_labelled_baseline_not_0_percent_below(
    client_for, patient, owner
):
    # 1.5 g/g is in the partial range, whose sentence names the drop from baseline.
    make_lab(patient, date(2025, 3, 1), "upcr", "1.5", "g/g")
    client = client_for(owner)
    page = html.unescape(client.get(url(patient)).content.decode())
    assert "0% lower" not in page
    assert "This result is the baseline: later results are compared with it." in page
    upcr = group_texts(client, patient)["Urine protein-to-creatinine ratio (UPCR)"]
    assert "latest, 1 Mar 2025 baseline" in upcr
    make_lab(patient, date(2025, 3, 5), "upcr", "1.2", "g/g")
    page = html.unescape(client.get(url(patient)).content.decode())
    assert "That is 20.0% lower than the baseline of 1.5 g/g." in page
    upcr = group_texts(client, patient)["Urine protein-to-creatinine ratio (UPCR)"]
    assert "latest, 5 Mar 2025 baseline" not in upcr
    assert "1 Mar 2025 baseline" in upcr  # the old row keeps its label in the history


def test_unit_options_name_the_tests_they_fit(client_for, patient, owner):
    page = client_for(owner).get(url(patient)).content.decode()
    assert 'data-lab-units="kind"' in page
    assert '<option value="mg/mmol" data-kinds="upcr acr">mg/mmol</option>' in page
    assert '<option value="g/L" data-kinds="albumin">g/L</option>' in page
    assert 'src="/static/js/lab-units.js" defer' in page


@pytest.mark.parametrize(
    ("kind", "unit"), [("albumin", "mg/dL"), ("upcr", "g/L"), ("creatinine", "mg/mmol")]
)
def test_a_unit_that_does_not_fit_the_test_is_refused(client_for, patient, owner, kind, unit):
    response = client_for(owner).post(
        url(patient), {**RESULT, "kind": kind, "value_entered": "1", "unit_entered": unit}
    )
    assert response.status_code == 200
    assert f"{unit} is not a unit for" in html.unescape(response.content.decode())
    assert not LabResult.objects.exists()
