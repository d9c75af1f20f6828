"""/patients/<pid>/diary/: today's quick entry, alerts from the last week, recent days."""

import re
from datetime import date, time, timedelta
from decimal import Decimal as D

import pytest
import time_machine
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_day, make_patient
from tracker.guides import MEASURE_ANCHORS, measure_url
from tracker.models import BloodPressure, DiaryDay

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 10)
YESTERDAY = TODAY - timedelta(days=1)
VALID = {
    "weight": "70.5",
    "weight_unit": "kg",
    "swelling_face": "0",
    "swelling_hands": "0",
    "swelling_belly": "0",
    "swelling_legs": "1",
    "foam": "1",
    "dipstick": "2",
    "temperature": "",
    "temperature_unit": "C",
    "medicines_taken": "all",
    "note": "",
    "version": "0",
}
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-03-10 12:00Z", tick=False):
        yield


def url(patient) -> str:
    return reverse("patient_diary", kwargs={"pid": patient.public_id})


def make_history(patient, days: int, end: date = YESTERDAY) -> None:
    """`days` diary days ending on `end`, each with a morning blood pressure reading."""
    dates = [end - timedelta(days=back) for back in range(days)]
    DiaryDay.objects.bulk_create(
        DiaryDay(patient=patient, date=on, weight_kg=D("70") + on.toordinal() % 3, dipstick=1)
        for on in dates
    )
    BloodPressure.objects.bulk_create(
        BloodPressure(patient=patient, date=on, time=time(8), systolic=125, diastolic=80)
        for on in dates
    )


# Who may open it ---------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, patient):
    response = client.get(url(patient))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["stranger", "revoked"])
def test_someone_without_access_gets_404(request, client_for, patient, who):
    client = client_for(request.getfixturevalue(who))
    for method in (client.get, client.post):
        response = method(url(patient), VALID)
        assert response.status_code == 404
        assert patient.display_name not in response.content.decode()
    assert not DiaryDay.objects.exists()


def test_a_view_only_caregiver_sees_the_diary_but_cannot_save(client_for, patient, viewer, owner):
    make_day(patient, TODAY, owner, weight_kg=D("71.2"))
    client = client_for(viewer)
    page = client.get(url(patient)).content.decode()
    assert "71.2 kg" in page
    assert 'id="save-day"' not in page
    assert "You can view this diary but not change it." in page
    assert client.post(url(patient), {**VALID, "version": "1"}).status_code == 403
    assert DiaryDay.objects.get().weight_kg == D("71.2")


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_405(client_for, patient, owner, method):
    assert getattr(client_for(owner), method)(url(patient)).status_code == 405


# Full page and htmx partial ----------------------------------------------------------------------


def test_the_full_page_has_the_layout_and_the_partial_does_not(client_for, patient, owner):
    client = client_for(owner)
    full = client.get(url(patient))
    partial = client.get(url(patient), **HTMX)
    assert "<html" in full.content.decode()
    assert 'id="diary-main"' in full.content.decode()
    assert "<html" not in partial.content.decode()
    assert partial.content.decode().lstrip().startswith('<div id="diary-main">')
    assert "HX-Request" in full["Vary"]
    assert "HX-Request" in partial["Vary"]


def test_the_page_offers_today_and_links_every_field_to_its_guide(client_for, patient, owner):
    page = client_for(owner).get(url(patient)).content.decode()
    assert "Today, Monday 10 March" in page
    for anchor in MEASURE_ANCHORS:
        assert f'href="{measure_url(anchor)}"' in page, anchor
    assert f'href="{reverse("patient_edit", kwargs={"pid": patient.public_id})}"' in page


def test_the_grades_are_explained_one_tap_away(client_for, patient, owner):
    page = client_for(owner).get(url(patient)).content.decode()
    scales = re.findall(r"<details class=\"scale-details[^>]*>(.*?)</details>", page, re.S)
    assert len(scales) == 2
    assert "<summary>What do the grades mean?</summary>" in scales[0]
    assert "a finger press leaves a shallow dent that fills back quickly" in scales[0]
    assert "<summary>What do the foam grades mean?</summary>" in scales[1]
    assert "Thick foam like beaten egg white, lasting several minutes." in scales[1]


# Saving today ------------------------------------------------------------------------------------


def test_saving_without_javascript_redirects_and_stores_canonical_values(
    client_for, patient, owner
):
    client = client_for(owner)
    data = {**VALID, "weight": "155.4", "weight_unit": "lb", "temperature": "100.4"}
    response = client.post(url(patient), {**data, "temperature_unit": "F"})
    assert response.status_code == 302
    assert response["Location"] == url(patient) + "#save-status"
    day = DiaryDay.objects.get()
    assert (day.patient, day.date, day.entered_by, day.version) == (patient, TODAY, owner, 1)
    assert (day.weight_kg, day.temperature_c, day.swelling_legs, day.dipstick) == (
        D("70.488"),
        D("38.00"),
        1,
        2,
    )
    assert "Saved the entry for 10 Mar 2025." in client.get(url(patient)).content.decode()


def test_saving_with_htmx_updates_the_page_in_place_and_shows_a_new_alert(
    client_for, patient, owner
):
    make_day(patient, YESTERDAY, owner, weight_kg=D("70"))
    response = client_for(owner).post(url(patient), {**VALID, "weight": "71.5"}, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    status = re.search(r'<div id="save-status"[^>]*role="status"[^>]*>(.*?)</div>', page).group(1)
    assert "Saved the entry for 10 Mar 2025." in status
    assert 'New alert: <a href="#alerts-title">Weight up 1.5 kg (3.3 lb) in 1 day</a>' in status
    assert "Weight up 1.5 kg (3.3 lb) in 1 day" in page
    assert 'href="/learn/when-to-call/#weight-gain"' in page
    assert "Weight 70.0 kg (154.3 lb) on 9 Mar 2025" in page
    assert DiaryDay.objects.get(date=TODAY).version == 1


def test_a_second_save_edits_today_and_raises_the_version(client_for, patient, owner, editor):
    client_for(owner).post(url(patient), VALID)
    client = client_for(editor)
    response = client.post(url(patient), {**VALID, "version": "1", "weight": "71"})
    assert response.status_code == 302
    day = DiaryDay.objects.get()
    assert (day.weight_kg, day.version, day.entered_by) == (D("71.000"), 2, editor)


def test_an_edit_based_on_an_old_version_is_refused_with_the_other_persons_values(
    client_for, patient, owner, editor
):
    editor.name = "Eddie Editor"
    editor.save()
    make_day(patient, TODAY, editor, weight_kg=D("72"), version=2)
    response = client_for(owner).post(url(patient), {**VALID, "version": "1", "weight": "80"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your changes were not saved" in page
    assert "Eddie Editor saved this day at" in page
    assert "80 kg" in page  # what the refused form held, shown back
    assert 'name="weight" value="72.0"' in page  # the form now holds what is saved
    assert 'name="version" value="2"' in page
    day = DiaryDay.objects.get()
    assert (day.weight_kg, day.version, day.entered_by) == (D("72"), 2, editor)


def test_posting_patient_date_or_entered_by_changes_nothing(client_for, patient, owner, stranger):
    other = make_patient(stranger)
    data = {
        **VALID,
        "patient": other.pk,
        "entered_by": stranger.pk,
        "date": "2020-01-01",
        "created_at": "2020-01-01T00:00",
        "id": 999,
    }
    assert client_for(owner).post(url(patient), data).status_code == 302
    day = DiaryDay.objects.get()
    assert (day.patient, day.entered_by, day.date) == (patient, owner, TODAY)
    assert day.pk != 999


BAD_INPUT = [
    ("weight", "4000", "Weight must be between 2 and 400 kg — you typed 4000."),
    ("weight", "1.5", "Weight must be between 2 and 400 kg — you typed 1.5."),
    ("weight", "abc", "Type a number, like 70.5."),
    ("temperature", "50", "Temperature must be between 30 and 45 °C — you typed 50."),
    ("temperature", "29", "Temperature must be between 30 and 45 °C — you typed 29."),
    ("swelling_face", "4", "Choose a grade from 0 to 3."),
    ("swelling_hands", "-1", "Choose a grade from 0 to 3."),
    ("swelling_belly", "x", "Choose a grade from 0 to 3."),
    ("swelling_legs", "9", "Choose a grade from 0 to 3."),
    ("foam", "4", "Choose a grade from 0 to 3."),
    ("dipstick", "6", "Choose a dipstick result from the list."),
    ("medicines_taken", "most", "Choose all, some or none."),
    ("weight_unit", "stone", "Select a valid choice."),
    ("note", "x" * 2001, "Ensure this value has at most 2000 characters (it has 2001)."),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_INPUT)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_bad_input_is_explained_next_to_the_field_and_nothing_is_saved(
    client_for, patient, owner, field, value, message, htmx
):
    response = client_for(owner).post(
        url(patient), {**VALID, field: value}, **(HTMX if htmx else {})
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert f'id="id_{field}_error"' in page
    assert not DiaryDay.objects.exists()
    if htmx:
        assert "Please check the fields marked in red." in page


def test_weight_in_pounds_has_its_own_limits(client_for, patient, owner):
    data = {**VALID, "weight": "1000", "weight_unit": "lb"}
    page = client_for(owner).post(url(patient), data).content.decode()
    assert "Weight must be between 4.5 and 881.8 lb — you typed 1000." in page
    assert not DiaryDay.objects.exists()


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.fixed_dictionaries(
        {
            name: st.one_of(
                st.sampled_from([valid, "", "-1", "4", "1e400", "NaN", "٣", "0x10", " 7 "]),
                st.text(max_size=30),
                st.decimals(allow_nan=True, allow_infinity=True).map(str),
            )
            for name, valid in VALID.items()
        }
    )
)
def test_no_input_gives_a_server_error(client_for, patient, owner, data):
    response = client_for(owner).post(
        url(patient), {key: value.replace("\x00", "") for key, value in data.items()}
    )
    assert response.status_code in (200, 302)
    for day in DiaryDay.objects.all():
        assert day.weight_kg is None or D("2") <= day.weight_kg <= D("400")
        assert day.temperature_c is None or D("30") <= day.temperature_c <= D("45")


# Starting from yesterday -------------------------------------------------------------------------


def test_today_starts_from_how_yesterday_felt_without_any_measurement(client_for, patient, owner):
    make_day(
        patient,
        YESTERDAY,
        owner,
        weight_kg=D("70.2"),
        swelling_legs=2,
        foam=1,
        dipstick=3,
        temperature_c=D("38.5"),
        less_urine=True,
        note="tired",
    )
    page = client_for(owner).get(url(patient)).content.decode()
    assert "Swelling, foam and medicines are filled in from 9 Mar 2025." in page
    assert 'id="save-unchanged"' in page
    assert re.search(r'name="swelling_legs" value="2"[^>]*checked', page)
    assert re.search(r'name="foam" value="1"[^>]*checked', page)
    assert 'name="weight" value="70.2"' not in page  # a copied weight is an invented one
    assert not re.search(r'name="dipstick">.*<option value="5" selected', page, re.S)
    assert not re.search(r'name="less_urine"[^>]*checked', page)
    assert 'name="temperature" value="38.5"' not in page
    assert 'name="version" value="0"' in page


def test_an_unchanged_day_is_saved_by_posting_what_was_offered(client_for, patient, owner):
    make_day(
        patient,
        YESTERDAY,
        owner,
        weight_kg=D("70.2"),
        temperature_c=D("37.1"),
        swelling_legs=2,
        swelling_face=0,
        foam=1,
        dipstick=1,
        medicines_taken="all",
    )
    BloodPressure.objects.create(
        patient=patient, date=YESTERDAY, time=time(8), systolic=130, diastolic=85
    )
    client = client_for(owner)
    form = client.get(url(patient)).context["form"]
    offered = {name: form[name].value() for name in form.fields}
    assert (
        client.post(
            url(patient), {k: "" if v is None else v for k, v in offered.items()}
        ).status_code
        == 302
    )
    today = DiaryDay.objects.get(date=TODAY)
    assert (today.swelling_legs, today.swelling_face, today.foam) == (2, 0, 1)
    assert (today.swelling_hands, today.medicines_taken) == (None, "all")  # as yesterday
    # No measurement is carried over: weight, temperature, dipstick and blood pressure.
    assert (today.weight_kg, today.temperature_c, today.dipstick) == (None, None, None)
    assert not BloodPressure.objects.filter(date=TODAY).exists()


def test_a_saved_today_is_shown_for_editing(client_for, patient, owner):
    make_day(patient, TODAY, owner, weight_kg=D("69.8"), version=3)
    page = client_for(owner).get(url(patient)).content.decode()
    assert "Filled in from" not in page
    assert 'name="weight" value="69.8"' in page
    assert 'name="version" value="3"' in page


# Alerts and recent days --------------------------------------------------------------------------


def test_alerts_name_their_rule_readings_and_guide(client_for, patient, owner):
    for back, grade in enumerate([4, 4, 5]):
        make_day(patient, TODAY - timedelta(days=back), owner, dipstick=grade)
    page = client_for(owner).get(url(patient)).content.decode()
    assert "Contact your care team:" in page
    assert "Dipstick 3+ or more on 3 days in a row" in page
    assert "Dipstick protein 3+ on 10 Mar 2025" in page
    assert "the relapse sign for children (IPNA 2022)" in page
    assert 'href="/learn/when-to-call/#dipstick-relapse"' in page


def test_alerts_older_than_a_week_are_not_shown(client_for, patient, owner):
    for back in (8, 9, 10):
        make_day(patient, TODAY - timedelta(days=back), owner, dipstick=5)
    page = client_for(owner).get(url(patient)).content.decode()
    assert "No alerts in the last 7 days." in page


def test_a_child_has_no_adult_weight_rule_and_is_told_why(client_for, owner):
    child = make_patient(owner, display_name="Mia", birth_date=date(2016, 2, 29))
    make_day(child, YESTERDAY, owner, weight_kg=D("30"))
    make_day(child, TODAY, owner, weight_kg=D("32"))
    page = client_for(owner).get(url(child)).content.decode()
    assert "Weight up" not in page
    assert "Enter the numbers from your child&#x27;s care team" in page


def test_recent_days_list_fourteen_dates_with_the_unlogged_ones(client_for, patient, owner):
    make_day(patient, TODAY - timedelta(days=2), owner, weight_kg=D("70"), swelling_legs=2)
    response = client_for(owner).get(url(patient))
    rows = response.context["window"].recent()
    assert [row.date for row in rows] == [TODAY - timedelta(days=back) for back in range(14)]
    page = response.content.decode()
    assert page.count("not logged") == 13
    assert "legs, ankles or feet 2 (moderate)" in page
    assert (
        reverse("diary_day", kwargs={"pid": patient.public_id, "day": TODAY - timedelta(days=13)})
        in page
    )


def test_user_text_is_escaped(client_for, patient, owner, viewer):
    make_day(patient, TODAY, owner, note='<img src="http://127.0.0.1:1/">')
    page = client_for(viewer).get(url(patient)).content.decode()
    assert '<img src="http://127.0.0.1:1/">' not in page
    assert "&lt;img src=&quot;http://127.0.0.1:1/&quot;&gt;" in page


# Queries -----------------------------------------------------------------------------------------

# session, user, patient (which also counts the user's patients, so the navigation's switcher
# needs no query of its own for a user with one), the window's days, its blood pressures,
# medicines (immune-suppressing today?), then the sliding session's save (the first request
# after log-in; later ones within a minute skip it): UPDATE inside a savepoint; and, when the
# page shows alerts (this history raises weight alerts), one query for their "I contacted the
# care team" marks (a table of its own: no page query can carry it; a quiet week skips it).
DIARY_PAGE_QUERIES = 10


@pytest.mark.parametrize("days", [30, 1825])
def test_the_diary_page_reads_a_bounded_window(
    client_for, patient, owner, days, django_assert_num_queries
):
    make_history(patient, days)
    client = client_for(owner)
    with django_assert_num_queries(DIARY_PAGE_QUERIES):
        response = client.get(url(patient))
    assert response.status_code == 200
    assert len(response.context["window"].days) == 20  # 14 shown + 7 look-back, today not logged


# Alerts in the unit typed ------------------------------------------------------------------------


def test_a_day_posted_in_pounds_2_2_lb_over_yesterday_shows_the_alert(client_for, owner):
    patient = make_patient(owner, birth_date=date(1980, 1, 1), weight_unit="lb")
    client = client_for(owner)
    day_url = reverse("diary_day", kwargs={"pid": patient.public_id, "day": YESTERDAY})
    assert (
        client.post(day_url, {**VALID, "weight": "155.0", "weight_unit": "lb"}).status_code == 302
    )
    assert "Weight up" not in client.get(url(patient)).content.decode()
    response = client.post(url(patient), {**VALID, "weight": "157.2", "weight_unit": "lb"})
    assert response.status_code == 302
    page = client.get(url(patient)).content.decode()
    assert "Weight up 2.2 lb (1.0 kg) in 1 day" in page
    assert "Weight 157.2 lb (71.3 kg) on 10 Mar 2025" in page
    assert "Weight gain of 2.2 lb (1.0 kg) or more from one day to the next." in page


def test_a_day_posted_in_pounds_2_1_lb_over_yesterday_shows_no_alert(client_for, owner):
    patient = make_patient(owner, birth_date=date(1980, 1, 1), weight_unit="lb")
    make_day(
        patient,
        YESTERDAY,
        owner,
        weight_kg=D("70.307"),
        weight_entered=D("155.0"),
        weight_entered_unit="lb",
    )
    client = client_for(owner)
    client.post(url(patient), {**VALID, "weight": "157.1", "weight_unit": "lb"})
    assert "Weight up" not in client.get(url(patient)).content.decode()
