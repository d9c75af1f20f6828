"""The visit summary page and PDF: real PDFs from the seeded demo, read back with pypdf."""

import html
import io
import re
from datetime import time, timedelta
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from education.models import GlossaryTerm
from fsgs_portal.accounts.models import User
from fsgs_portal.management.commands.seed_demo import DEFAULT_EMAIL, PARTNER_EMAIL, RELAPSE_START
from tests.factories import make_day, make_medication
from tests.test_pdf import listener  # noqa: F401  (the loopback connection counter)
from tracker import summary
from tracker.dates import day_text
from tracker.models import (
    BloodPressure,
    DiaryDay,
    Event,
    LabResult,
    Patient,
    Purpose,
    Question,
    SummaryPrint,
)
from tracker.units import lb_from_kg, rounded

pytestmark = pytest.mark.django_db

SECTIONS = [
    "Key numbers",
    "Timeline",
    "Labs",
    "Medicines",
    "Events and alerts",
    "Alerts that fired",
    "Questions for this visit",
    "Words used",
    "Patient-reported",
]


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo account with 400 days (a year plus the stable stretch before it)."""
    with django_db_blocker.unblock():
        call_command("seed_demo", "--force", "--days", "400", stdout=io.StringIO())
        patient = Patient.objects.get(display_name="Alex Rivera (demo)")
        yield patient
        patient.delete()
        # The accounts too: later modules expect an empty database.
        User.objects.filter(email__in=[DEFAULT_EMAIL, PARTNER_EMAIL]).delete()


@pytest.fixture
def demo_client(client, demo):
    client.force_login(
        User.objects.get(email="demo@fsgs-portal.example"),
        backend="django.contrib.auth.backends.ModelBackend",
    )
    return client


def period_of(patient, days):
    end = patient.today()
    return end - timedelta(days=days - 1), end


def get_pdf(client, patient, days, paper="a4"):
    start, end = period_of(patient, days)
    return client.get(
        reverse("patient_summary_pdf", kwargs={"pid": patient.public_id}),
        {"start": start.isoformat(), "end": end.isoformat(), "paper": paper},
    )


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_28_days_is_one_page_with_every_section_and_key_numbers(demo_client, demo, paper):
    response = get_pdf(demo_client, demo, 28, paper)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages = pdf_pages(response.content)
    assert len(pages) == 1
    text = flat(pages[0])
    start, end = period_of(demo, 28)
    assert "Alex Rivera (demo)" in text
    assert f"Period {day_text(start)} to {day_text(end)} (28 days)" in text
    for heading in SECTIONS:
        assert heading in text, heading
    assert "Page 1 of 1" in text
    # Key numbers, computed here from the rows.
    days = DiaryDay.objects.filter(patient=demo, date__range=(start, end))
    weights = days.exclude(weight_kg=None).order_by("date")
    latest = rounded(lb_from_kg(weights.last().weight_kg), 1)
    assert f"{latest} lb latest ({day_text(weights.last().date)})" in text
    readings = list(BloodPressure.objects.filter(patient=demo, date__range=(start, end)))
    systolic = rounded(D(sum(r.systolic for r in readings)) / len(readings), 0)
    diastolic = rounded(D(sum(r.diastolic for r in readings)) / len(readings), 0)
    assert f"{systolic}/{diastolic} mmHg average of {len(readings)} readings" in text
    dipstick_days = days.exclude(dipstick=None).count()
    assert f"dipstick {dipstick_days} of 28" in text
    assert f"weight {weights.count()} of 28" in text
    assert "Meets the complete remission definition" in text
    assert "stage G2" in text


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_densest_month_is_one_page(demo_client, demo, paper):
    """31 days from the relapse's start: daily swelling and 3+/4+ dipsticks, weight alerts, a
    steroid and a diuretic started, labs, an event and questions."""
    start = demo.today() - timedelta(days=RELAPSE_START)
    end = start + timedelta(days=30)
    response = demo_client.get(
        reverse("patient_summary_pdf", kwargs={"pid": demo.public_id}),
        {"start": start.isoformat(), "end": end.isoformat(), "paper": paper},
    )
    pages = pdf_pages(response.content)
    assert len(pages) == 1
    text = flat(pages[0])
    for heading in SECTIONS:
        assert heading in text, heading
    assert "Dipstick 3+ or more on 3 days in a row" in text
    assert "Page 1 of 1" in text


def test_90_days_is_at_most_two_pages(demo_client, demo):
    pages = pdf_pages(get_pdf(demo_client, demo, 90, "letter").content)
    assert len(pages) <= 2
    assert f"Page 1 of {len(pages)}" in flat(pages[0])


def test_365_days_is_at_most_two_pages_with_the_steroid_taper(demo_client, demo):
    pages = pdf_pages(get_pdf(demo_client, demo, 365).content)
    assert len(pages) <= 2
    text = flat(" ".join(pages))
    assert "Prednisone, mg/day" in text
    assert "Relapse" in text  # the event
    for heading in SECTIONS:
        assert heading in text, heading


def test_the_pdf_is_a_download_that_is_never_cached(demo_client, demo):
    response = get_pdf(demo_client, demo, 14)
    start, end = period_of(demo, 14)
    assert (
        response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="visit-summary-Alex-Rivera-demo-{start.isoformat()}-to-'
        f'{end.isoformat()}.pdf"'
    )


def test_making_a_pdf_remembers_the_period_and_paper(demo_client, demo):
    SummaryPrint.objects.filter(patient=demo).delete()
    get_pdf(demo_client, demo, 14, "letter")
    made = SummaryPrint.objects.get(patient=demo)
    assert (made.paper, made.end) == ("letter", demo.today())
    page = demo_client.get(reverse("patient_summary", kwargs={"pid": demo.public_id}))
    content = page.content.decode()
    assert 'id="paper-letter" value="letter" checked' in content
    # A reprint for the same visit keeps its start.
    assert f'value="{made.start.isoformat()}"' in content


def test_the_page_shows_the_same_summary(demo_client, demo):
    response = demo_client.get(reverse("patient_summary", kwargs={"pid": demo.public_id}))
    assert response.status_code == 200
    content = response.content.decode()
    assert "no-store" in response["Cache-Control"]
    for heading in SECTIONS:
        assert heading in content, heading
    assert 'href="/learn/glossary/#upcr"' in content
    assert "Download PDF" in content
    assert content.count("<svg") >= 4
    # On a phone each timeline chart scrolls sideways at a readable size, by keyboard too.
    scrollers = re.findall(
        r'<div class="chart-scroll" tabindex="0" role="region" aria-label="([^"]+)"'
        r" data-scroll-latest><svg",
        content,
    )
    assert len(scrollers) == content.count('<figure class="chart chart-timeline">')
    assert scrollers[0] == "Weight chart (scrolls sideways on small screens)"
    assert 'src="/static/js/scroll-latest.js" defer' in content


def test_the_glossary_links_exist(demo):
    assert set(summary.GLOSSARY) <= set(GlossaryTerm.objects.values_list("slug", flat=True))


def build(patient, days):
    end = patient.today()
    return summary.build_summary(
        patient, end - timedelta(days=days - 1), end, today=end, printed_by="x"
    )


def test_query_count_does_not_grow_with_the_period(demo):
    with CaptureQueriesContext(connection) as short:
        build(demo, 28)
    with CaptureQueriesContext(connection) as long:
        build(demo, 365)
    assert len(short) == len(long) == 9  # 8, and the marks of the alerts that fired


def test_query_count_does_not_grow_with_the_history(owner):
    counts = []
    for stored in (30, 1825):
        call_command(
            "seed_demo",
            "--force",
            "--days",
            str(stored),
            "--email",
            f"q{stored}@example.org",
            stdout=io.StringIO(),
        )
        patient = Patient.objects.get(access__user__email=f"q{stored}@example.org")
        with CaptureQueriesContext(connection) as queries:
            build(patient, 28)
        counts.append(len(queries))
    assert counts == [9, 9]  # 8, and the marks of the alerts that fired


# Access and input -------------------------------------------------------------------------------


def summary_url(patient):
    return reverse("patient_summary", kwargs={"pid": patient.public_id})


def pdf_url(patient):
    return reverse("patient_summary_pdf", kwargs={"pid": patient.public_id})


@pytest.mark.parametrize("role", ["owner", "editor", "viewer"])
def test_caregivers_can_open_and_print(request, client_for, patient, role):
    client = client_for(request.getfixturevalue(role))
    assert client.get(summary_url(patient)).status_code == 200
    response = client.get(pdf_url(patient))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("role", ["stranger", "revoked"])
def test_others_get_404(request, client_for, patient, role):
    client = client_for(request.getfixturevalue(role))
    assert client.get(summary_url(patient)).status_code == 404
    assert client.get(pdf_url(patient)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, patient):
    for url in (summary_url(patient), pdf_url(patient)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_post_is_not_allowed(client_for, owner, patient):
    client = client_for(owner)
    assert client.post(summary_url(patient)).status_code == 405
    assert client.post(pdf_url(patient)).status_code == 405


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2025-03-10", "end": "2025-03-01"}, "The end date must be on or after"),
        ({"start": "nonsense", "end": "2025-03-01"}, "Enter a valid date"),
        ({"start": "2020-01-01", "end": "2025-03-01"}, "Choose at most 732 days"),
        ({"start": "2025-03-01", "end": "2999-01-01"}, "cannot be in the future"),
        ({"start": "1970-03-01", "end": "1970-03-02"}, "before the date of birth"),
    ],
)
def test_bad_periods_get_clear_errors(client_for, owner, patient, query, message):
    client = client_for(owner)
    response = client.get(summary_url(patient), query)
    assert response.status_code == 400
    assert message in response.content.decode()
    pdf = client.get(pdf_url(patient), query, follow=True)
    assert message in pdf.content.decode()


def test_quick_choices_link_to_their_periods(client_for, owner, patient):
    content = client_for(owner).get(summary_url(patient)).content.decode()
    today = patient.today()
    for days in (14, 28, 90):
        start = today - timedelta(days=days - 1)
        assert f"?start={start.isoformat()}&amp;end={today.isoformat()}" in content


def test_too_little_data_is_said_not_drawn(client_for, owner, patient):
    text = flat(" ".join(pdf_pages(client_for(owner).get(pdf_url(patient)).content)))
    assert "Too little data to draw a fair chart" in text
    assert "No weight recorded in this period." in text
    assert "No lab results yet." in text


# User-written text and the renderer (SECURITY.md "PDF rendering") --------------------------------


def test_user_text_is_escaped_and_nothing_is_fetched(client_for, owner, patient, listener):  # noqa: F811
    port, attempts = listener
    probe = f'<img src="http://127.0.0.1:{port}/"> <img src="file:///etc/passwd">'
    today = patient.today()
    make_day(patient, today, owner, weight_kg=D("70"), note=probe)
    Event.objects.create(patient=patient, date=today, kind="other", note=probe)
    Question.objects.create(patient=patient, text=f"Q {probe}")
    make_medication(patient, Purpose.OTHER, today - timedelta(days=2), name=f"M {probe}"[:80])
    LabResult.objects.create(
        patient=patient,
        date=today,
        kind="upcr",
        value_entered=1,
        unit_entered="g/g",
        value=1,
        note=probe,
    )
    BloodPressure.objects.create(
        patient=patient, date=today, time=time(8), systolic=120, diastolic=80
    )
    client = client_for(owner)
    page = client.get(summary_url(patient)).content.decode()
    assert "<img" not in page
    assert "&lt;img src=&quot;http://127.0.0.1" in page
    response = client.get(pdf_url(patient))
    text = flat(" ".join(pdf_pages(response.content)))
    assert f'<img src="http://127.0.0.1:{port}/">' in text
    assert "root:" not in text
    assert b"root:x:" not in response.content
    assert sum(len(page.images) for page in PdfReader(io.BytesIO(response.content)).pages) == 0
    assert attempts == []


def test_a_child_gets_the_labs_egfr_and_no_adult_weight_rules(client_for, owner, patient):
    patient.birth_date = patient.today() - timedelta(days=365 * 10)
    patient.sex = "male"
    patient.save()
    today = patient.today()
    LabResult.objects.create(
        patient=patient,
        date=today,
        kind="egfr",
        value_entered=95,
        unit_entered="mL/min/1.73m2",
        value=95,
    )
    LabResult.objects.create(
        patient=patient,
        date=today,
        kind="creatinine",
        value_entered=D("0.5"),
        unit_entered="mg/dL",
        value=D("0.5"),
    )
    for back in range(3):
        make_day(patient, today - timedelta(days=back), owner, weight_kg=D("30") + back)
    text = flat(client_for(owner).get(summary_url(patient)).content.decode())
    assert "Under 18" in text
    assert "95</strong> mL/min/1.73 m²" in text
    assert "For children under 18" in text


def test_steroid_dose_and_changes_show_in_the_period(client_for, owner, patient):
    today = patient.today()
    medication = make_medication(patient, Purpose.STEROID, today - timedelta(days=40), dose="60")
    medication.dose_steps.create(starts_on=today - timedelta(days=5), dose=40)
    text = flat(client_for(owner).get(summary_url(patient)).content.decode())
    assert (
        f"{day_text(today - timedelta(days=5))}</span> Prednisone: "
        "dose 60 mg once a day → 40 mg once a day" in text
    )
    assert "Prednisone, mg/day" in text


def test_the_bp_target_is_counted_when_entered(client_for, owner, patient):
    patient.bp_target_systolic, patient.bp_target_diastolic = 130, 80
    patient.save()
    today = patient.today()
    for systolic in (120, 140):
        BloodPressure.objects.create(
            patient=patient, date=today, time=time(8), systolic=systolic, diastolic=75
        )
    text = flat(client_for(owner).get(summary_url(patient)).content.decode())
    assert "<strong>50%</strong> (1 of 2)" in text
    assert "target 130/80 or lower (care team)" in text


def test_default_period_without_a_summary_is_28_days(client_for, owner, patient):
    content = client_for(owner).get(summary_url(patient)).content.decode()
    today = patient.today()
    assert f'value="{(today - timedelta(days=27)).isoformat()}"' in content
    assert "(28 days)" in content


# Remission in the key numbers: the line used, the new children's categories, the watch note -----


def upcr_lab(patient, on, value, unit):
    return LabResult.objects.create(
        patient=patient,
        date=on,
        kind="upcr",
        value_entered=D(value),
        unit_entered=unit,
        value=summary.units.upcr_to_g_per_g(D(value), unit).quantize(D("0.000001")),
    )


@pytest.fixture
def child(patient):
    patient.birth_date = patient.today() - timedelta(days=365 * 9)
    patient.upcr_unit = "mg/mmol"
    patient.save()
    return patient


def test_a_childs_summary_shows_the_line_in_the_labs_unit(client_for, owner, child):
    upcr_lab(child, child.today() - timedelta(days=3), "0.2", "g/g")
    client = client_for(owner)
    page = flat(html.unescape(client.get(summary_url(child)).content.decode()))
    assert "Meets the complete remission definition for children" in page
    assert "Latest UPCR 0.2 g/g (23 mg/mmol)" in page
    assert (
        "Compared with the children's complete remission line of 0.2 g/g (IPNA 2022), the unit "
        "your lab used." in page
    )
    assert "1.77" not in page
    text = flat(" ".join(pdf_pages(client.get(pdf_url(child)).content)))
    assert "Meets the complete remission definition for children" in text
    assert "Line used: 0.2 g/g, the lab's unit." in text


def test_the_summary_shows_a_possible_relapse_and_a_partial_remission(client_for, owner, child):
    today = child.today()
    upcr_lab(child, today - timedelta(days=60), "15", "mg/mmol")
    latest = upcr_lab(child, today - timedelta(days=2), "250", "mg/mmol")
    client = client_for(owner)
    text = flat(" ".join(pdf_pages(client.get(pdf_url(child)).content)))
    assert "Possible relapse: confirm with the care team" in text
    assert "Line used: 200 mg/mmol, the lab's unit." in text
    latest.value_entered, latest.value = D("100"), D("0.884173")
    latest.save()
    page = flat(html.unescape(client.get(summary_url(child)).content.decode()))
    assert "Meets the partial remission definition for children" in page
    assert "Compared with the children's lines of 20 mg/mmol and 200 mg/mmol" in page


def test_the_summary_warns_of_high_dipsticks_after_a_complete_remission(client_for, owner, patient):
    today = patient.today()
    upcr_lab(patient, today - timedelta(days=5), "250", "mg/g")
    make_day(patient, today - timedelta(days=1), owner, dipstick=4)
    make_day(patient, today, owner, dipstick=4)
    client = client_for(owner)
    page = flat(html.unescape(client.get(summary_url(patient)).content.decode()))
    assert "Meets the complete remission definition" in page
    assert "Watch:</strong> Your latest dipsticks are 3+ or higher" in page
    text = flat(" ".join(pdf_pages(client.get(pdf_url(patient)).content)))
    assert "Your latest dipsticks are 3+ or higher" in text
    assert "Line used: 300 mg/g, the lab's unit." in text


def test_the_summary_page_explains_the_statuses_and_the_pdf_stays_short(client_for, owner, child):
    upcr_lab(child, child.today(), "50", "mg/mmol")
    client = client_for(owner)
    page = html.unescape(client.get(summary_url(child)).content.decode())
    assert "What the remission statuses mean for children" in page
    assert "No complete remission after 4 weeks of daily prednisone at full dose" in page
    text = flat(" ".join(pdf_pages(client.get(pdf_url(child)).content)))
    assert "What the remission statuses mean" not in text


def test_the_summary_calls_the_first_upcr_the_baseline_not_0_percent_below(
    client_for, owner, patient
):
    upcr_lab(patient, patient.today() - timedelta(days=5), "1.5", "g/g")
    client = client_for(owner)
    page = flat(html.unescape(client.get(summary_url(patient)).content.decode()))
    assert "0% below baseline" not in page
    assert "g/g on " in page
    assert ", the baseline." in page
    upcr_lab(patient, patient.today() - timedelta(days=1), "0.75", "g/g")
    page = flat(html.unescape(client.get(summary_url(patient)).content.decode()))
    assert "50% below baseline." in page


def test_the_years_charts_show_the_taper_once_and_upcr_with_both_lines(demo):
    start, end = period_of(demo, 365)
    built = summary.build_summary(demo, start, end, today=end, printed_by="Sam")
    charts_by_title = {chart.title: chart for chart in built.timeline}
    upcr = str(charts_by_title["UPCR"].svg)
    assert "Complete remission: below 300 mg/g" in upcr
    assert "Nephrotic range: above 3500 mg/g" in upcr
    dose = charts_by_title["Prednisone dose"]
    assert re.search(r"Prednisone 60 mg → stopped, .+, 10 steps", str(dose.svg))
    assert built.steroid_course in dose.summary
    assert not [change for change in built.medicine_changes if change.name == "Prednisone"]
    # The weight axis is fitted to the year's weights, not from 0 or a 40 lb default.
    weights = DiaryDay.objects.filter(patient=demo, date__range=(start, end)).exclude(
        weight_kg=None
    )
    lowest = min(lb_from_kg(day.weight_kg) for day in weights)
    labels = [
        float(value)
        for value in re.findall(
            r'text-anchor="end" fill="#000000">([\d.]+)<', str(built.timeline[0].svg)
        )
    ]
    assert lowest - 10 <= min(labels) <= lowest + 5


def test_the_charts_are_drawn_once_per_data_and_anew_after_any_change(
    client_for, owner, patient, monkeypatch
):
    """As trends: the summary's charts are cached under a digest of their data and language."""
    from django.core.cache import cache

    from tests.factories import make_day
    from tracker import summary as summary_module

    cache.clear()
    drawn = []
    real = summary_module._timeline
    monkeypatch.setattr(
        summary_module, "_timeline", lambda *a, **k: drawn.append(1) or real(*a, **k)
    )
    client = client_for(owner)
    today = patient.today()
    period = {"start": (today - timedelta(days=27)).isoformat(), "end": today.isoformat()}
    make_day(patient, today, owner, weight_kg="70.5")
    charts_in = re.compile(r"<svg.*?</svg>", re.S)
    first = charts_in.findall(client.get(summary_url(patient), period).content.decode())
    client.get(pdf_url(patient), period)  # the PDF of the same period reuses the page's charts
    again = charts_in.findall(client.get(summary_url(patient), period).content.decode())
    assert again == first
    assert first
    assert len(drawn) == 1
    make_day(patient, today - timedelta(days=1), owner, weight_kg="71.5")
    client.get(summary_url(patient), period)
    assert len(drawn) == 2  # new data, new key: never a stale chart
    client.get(summary_url(patient), {**period, "language": "es"})
    assert len(drawn) == 3  # each language its own charts
