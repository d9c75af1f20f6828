"""The trends page: period choice, one date axis for every chart, summaries and data tables, the
alert line and its absence for a child, and a query count that does not grow with the data."""

from datetime import date, time, timedelta
from decimal import Decimal as D

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from tests.factories import make_day, make_medication, make_patient
from tracker.models import BloodPressure, DiaryDay, DoseStep, LabResult, Purpose

pytestmark = pytest.mark.django_db
TODAY = date(2025, 3, 10)


@pytest.fixture(autouse=True)
def _today():
    cache.clear()  # charts are cached by their data: start every test cold
    with time_machine.travel("2025-03-10 12:00Z", tick=False):
        yield


def url(patient, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    path = reverse("patient_trends", kwargs={"pid": patient.public_id})
    return f"{path}?{query}" if query else path


def fill(patient, days: int, owner=None):
    """`days` days ending today: weight, swelling, foam, dipstick, two readings a day, a UPCR a
    month, and a prednisone taper."""
    start = TODAY - timedelta(days=days - 1)
    DiaryDay.objects.bulk_create(
        DiaryDay(
            patient=patient,
            date=start + timedelta(days=offset),
            weight_kg=D("70") + D(offset % 9) / 10,
            swelling_legs=offset % 4,
            foam=offset % 3,
            dipstick=offset % 6,
        )
        for offset in range(days)
    )
    BloodPressure.objects.bulk_create(
        BloodPressure(
            patient=patient,
            date=start + timedelta(days=offset),
            time=time(hour),
            systolic=120 + offset % 20,
            diastolic=75 + offset % 10,
        )
        for offset in range(days)
        for hour in (8, 20)
    )
    LabResult.objects.bulk_create(
        LabResult(
            patient=patient,
            date=TODAY - timedelta(days=offset),
            kind="upcr",
            value_entered=D("1.5"),
            unit_entered="g/g",
            value=D("1.5"),
        )
        for offset in range(0, days, 30)
    )
    steroid = make_medication(patient, Purpose.STEROID, start, dose="60")
    halfway = start + timedelta(days=days // 2)
    DoseStep.objects.create(medication=steroid, starts_on=halfway, dose=40)


def test_default_is_28_days_ending_today(client_for, owner, patient):
    fill(patient, 40)
    response = client_for(owner).get(url(patient))
    assert response.status_code == 200
    assert response.context["period"].start == TODAY - timedelta(days=27)
    assert response.context["period"].end == TODAY
    page = response.content.decode()
    assert "11 Feb 2025 to 10 Mar 2025: 28 of 28 days logged." in page
    assert 'aria-current="true">28 days</a>' in page


@pytest.mark.parametrize("days", [14, 28, 90, 365])
def test_each_preset_period(client_for, owner, patient, days):
    response = client_for(owner).get(url(patient, days=days))
    period = response.context["period"]
    assert (period.days, period.end, period.preset) == (days, TODAY, days)


def test_every_chart_shares_one_date_axis(client_for, owner, patient):
    fill(patient, 30)
    response = client_for(owner).get(url(patient, days=28))
    items = response.context["trends"].charts
    assert [item.key for item in items][:6] == [
        "weight",
        "swelling",
        "dipstick",
        "blood-pressure",
        "steroid-0",
        "upcr",
    ]
    # Every drawn chart carries the same first and last tick labels of the one axis.
    drawn = [item.chart for item in items if item.chart.enough_data]
    assert len(drawn) == 6
    assert all(">11 Feb</text>" in str(chart.svg) for chart in drawn)


def test_each_chart_has_summary_scroll_region_and_captioned_table(client_for, owner, patient):
    fill(patient, 30)
    page = client_for(owner).get(url(patient)).content.decode()
    assert page.count('class="chart-scroll" tabindex="0" role="region"') == 6
    assert page.count("<details") == 6
    assert page.count("<caption>") == 6
    assert "Weight went from" in page
    assert "Prednisone was 60 mg/day when the period started" in page
    assert '<th scope="row">2025-03-10</th>' in page
    assert "Complete remission (adults, KDIGO 2021): below 0.3 g/g" in page
    # Issue #11: on a phone each chart opens scrolled to the latest days (with JavaScript).
    assert page.count(" data-scroll-latest>") == 6
    assert 'src="/static/js/scroll-latest.js" defer' in page


def test_upcr_in_the_patients_unit_with_the_complete_remission_line(client_for, owner, patient):
    patient.upcr_unit = "mg/mmol"
    patient.save()
    LabResult.objects.create(
        patient=patient,
        date=TODAY,
        kind="upcr",
        value_entered=D("1"),
        unit_entered="g/g",
        value=D("1"),
    )
    chart = next(
        item.chart
        for item in client_for(owner).get(url(patient)).context["trends"].charts
        if item.key == "upcr"
    )
    assert chart.table_rows == [["2025-03-10", "113.1"]]
    assert "(33.93 mg/mmol)" in chart.summary  # 0.3 g/g x 113.1, the exact conversion


def test_upcr_trend_is_on_a_log_axis_with_the_nephrotic_line_as_on_the_summary(client_for, owner):
    patient = make_patient(owner, birth_date=date(1980, 1, 1), upcr_unit="mg/g")
    for days_ago, value in ((60, D("5.2")), (30, D("0.9")), (0, D("0.15"))):
        LabResult.objects.create(
            patient=patient,
            date=TODAY - timedelta(days=days_ago),
            kind="upcr",
            value_entered=value,
            unit_entered="g/g",
            value=value,
        )
    response = client_for(owner).get(url(patient) + "?days=90")
    svg = str(
        next(item.chart for item in response.context["trends"].charts if item.key == "upcr").svg
    )
    # Tick labels of a log axis from 100 to 10,000 mg/g: each tenfold step, not a linear scale.
    for tick in (">100<", ">1000<", ">10000<"):
        assert tick in svg
    assert 'class="upper-line"' in svg
    assert "Nephrotic range: above 3500 mg/g" in svg


@pytest.mark.parametrize(
    ("birth_date", "unit", "reference", "label"),
    [
        (date(2016, 1, 1), "mg/mmol", "20", "Complete remission (children, IPNA 2022): 20 mg/mmol"),
        (date(2016, 1, 1), "g/g", "0.2", "Complete remission (children, IPNA 2022): 0.2 g/g or"),
        (date(2016, 1, 1), "mg/g", "200", "IPNA 2022): 0.2 g/g (200 mg/g) or less"),
        (date(1980, 1, 1), "mg/g", "300", "Complete remission (adults, KDIGO 2021): below 0.3"),
    ],
)
def test_the_complete_remission_line_is_the_published_number_in_the_patients_unit(
    client_for, owner, birth_date, unit, reference, label
):
    patient = make_patient(owner, birth_date=birth_date, upcr_unit=unit)
    LabResult.objects.create(
        patient=patient, date=TODAY, kind="upcr", value_entered=1, unit_entered="g/g", value=1
    )
    response = client_for(owner).get(url(patient))
    chart = next(item.chart for item in response.context["trends"].charts if item.key == "upcr")
    assert f"the reference line ({reference} {unit})" in chart.summary
    assert label in response.content.decode()


def test_weight_alert_line_for_an_adult_and_none_for_a_child(client_for, owner, patient):
    fill(patient, 30)
    adult = client_for(owner).get(url(patient)).context["trends"].charts[0].chart
    assert "Alert line (kg)" in adult.table_header
    child = make_patient(owner, display_name="Kim Child", birth_date=date(2015, 1, 1))
    fill(child, 30)
    response = client_for(owner).get(url(child))
    assert "Alert line (kg)" not in response.context["trends"].charts[0].chart.table_header
    assert "for a child it appears once you enter the care team’s number" in (
        response.content.decode()
    )
    child.alert_weight_gain_7d = D("1.5")
    child.save()
    cache.clear()
    chart = client_for(owner).get(url(child)).context["trends"].charts[0].chart
    assert "Alert line (kg)" in chart.table_header


def test_custom_period(client_for, owner, patient):
    fill(patient, 60)
    response = client_for(owner).get(url(patient, start="2025-01-20", end="2025-02-10"))
    period = response.context["period"]
    assert (period.start, period.end, period.preset) == (date(2025, 1, 20), date(2025, 2, 10), None)
    assert (
        "aria-current"
        not in response.content.decode().split("Or choose the dates")[0].split("Quick periods")[1]
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2025-02-30", "end": "2025-03-01"}, "Type a date like 2025-03-10 — you typed"),
        ({"start": "yesterday", "end": "2025-03-01"}, "you typed “yesterday”"),
        ({"start": "2025-03-01"}, "Choose an end date too."),
        ({"end": "2025-03-01"}, "Choose a start date too."),
        ({"start": "2025-03-05", "end": "2025-03-01"}, "must be on or before the end"),
        ({"start": "2025-03-01", "end": "2025-03-11"}, "The end cannot be in the future"),
        ({"start": "2019-01-01", "end": "2025-03-01"}, "at most 5 years (1827 days)"),
        ({"days": "7"}, "Choose 14, 28, 90 or 365 days."),
    ],
)
def test_a_wrong_period_says_why_and_shows_28_days(client_for, owner, patient, params, message):
    response = client_for(owner).get(url(patient, **params))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Showing the last 28 days instead." in page
    assert response.context["period"].days == 28


def test_too_little_data_says_so_instead_of_drawing(client_for, owner, patient):
    make_day(patient, TODAY, owner, weight_kg=D("70"))
    page = client_for(owner).get(url(patient)).content.decode()
    assert "1 weight reading in this period (at least 2 are needed)" in page
    assert "no Steroid dose recorded in this period" in page


def test_steroid_doses_in_mg_a_day_and_a_stop(client_for, owner, patient):
    steroid = make_medication(patient, Purpose.STEROID, date(2025, 2, 1), dose="60")
    DoseStep.objects.filter(medication=steroid).update(frequency="alt")
    steroid.stopped_on = date(2025, 3, 1)
    steroid.save()
    chart = next(
        item.chart
        for item in client_for(owner).get(url(patient)).context["trends"].charts
        if item.key == "steroid-0"
    )
    assert chart.table_rows == [
        ["2025-02-01", "30", "in effect when the period starts"],
        ["2025-03-02", "0", "stop"],
    ]


def test_viewer_sees_trends(client_for, viewer, patient):
    assert client_for(viewer).get(url(patient)).status_code == 200


def test_stranger_gets_404(client_for, stranger, patient):
    assert client_for(stranger).get(url(patient)).status_code == 404


def test_anonymous_goes_to_log_in(client, patient):
    response = client.get(url(patient))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_post_is_405(client_for, owner, patient):
    assert client_for(owner).post(url(patient)).status_code == 405


def test_trends_tab_in_the_patient_nav(client_for, owner, patient):
    page = client_for(owner).get(reverse("patient_diary", kwargs={"pid": patient.public_id}))
    assert f'href="{url(patient)}">Trends</a>' in page.content.decode()


def test_user_text_in_medicine_names_is_escaped(client_for, owner, patient):
    make_medication(patient, Purpose.STEROID, date(2025, 3, 1), name="<script>x</script>")
    page = client_for(owner).get(url(patient)).content.decode()
    assert "<script>x</script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page


# Bounded queries: the same count for a month and five years of data, cold and cached ------------

# session, user, patient (with the count of the user's patients, for the navigation's switcher);
# days, blood pressure, labs, steroid dose steps (the session is saved at most once a minute, so
# not on these requests)
TRENDS_QUERIES = 7


@pytest.mark.parametrize("history_days", [30, 1825])
@pytest.mark.parametrize("days", [28, 365])
def test_query_count_does_not_grow_with_the_data(
    client_for, owner, patient, django_assert_num_queries, history_days, days
):
    fill(patient, history_days)
    client = client_for(owner)
    client.get(url(patient, days=days))  # the session's first save is an insert
    cache.clear()
    with django_assert_num_queries(TRENDS_QUERIES):
        assert client.get(url(patient, days=days)).status_code == 200
    with django_assert_num_queries(TRENDS_QUERIES):  # charts from the cache: same reads
        assert client.get(url(patient, days=days)).status_code == 200
