"""The visit summary in a browser: the demo patient opens it from the diary, switches period,
downloads the PDF (a real PDF with the expected page count), and axe-core finds nothing."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from fsgs_portal.management.commands.seed_demo import DEFAULT_EMAIL, DEFAULT_PASSWORD
from tests.browser.conftest import _axe, assert_accessible
from tests.browser.test_diary import PASSWORD_LABEL
from tracker.dates import day_text
from tracker.models import Patient

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", "--force", "--days", "120", stdout=io.StringIO())
    return Patient.objects.get(display_name="Alex Rivera (demo)")


def test_the_demo_patient_opens_switches_and_downloads_the_summary(page, demo):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(DEFAULT_EMAIL)
    page.get_by_label(PASSWORD_LABEL).fill(DEFAULT_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/patients/*/diary/")

    page.get_by_role("link", name="Summary", exact=True).click()
    page.wait_for_url("**/summary/")
    assert page.get_by_role("heading", name="Alex Rivera (demo)’s visit summary").is_visible()
    assert "(28 days)" in page.locator(".summary-facts").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Last 90 days").click()
    page.wait_for_url(re.compile(r".*/summary/\?start=.*"))
    today = demo.today()
    start = today - timedelta(days=89)
    assert (
        f"Period {day_text(start)} to {day_text(today)} (90 days)"
        in page.locator(".summary-facts").inner_text()
    )
    assert_accessible(page)

    page.get_by_label("US Letter").check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename == (
        f"visit-summary-Alex-Rivera-demo-{start.isoformat()}-to-{today.isoformat()}.pdf"
    )
    reader = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    assert 1 <= len(reader.pages) <= 2
    assert "Alex Rivera (demo)" in reader.pages[0].extract_text()
    assert page.problems.errors == []


def test_a_bad_period_shows_a_clear_error(page, demo):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(DEFAULT_EMAIL)
    page.get_by_label(PASSWORD_LABEL).fill(DEFAULT_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/patients/*/diary/")
    page.goto(f"/patients/{demo.public_id}/summary/?start=2025-03-10&end=2025-03-01")
    assert "The end date must be on or after the start date" in page.content()
    # The page answers 400 (Chromium logs that as a console error), so only axe is asked here.
    assert _axe.run(page).violations_count == 0
