"""A guide's visit questions in a browser: signed out they are plain text with a sign-in link;
signed in, one click puts a question on the diary's questions page. axe-clean both ways."""

import pytest

from tests.browser.conftest import assert_accessible
from tests.browser.test_diary import log_in
from tests.factories import make_patient, make_user
from tracker.models import Question

pytestmark = pytest.mark.django_db(transaction=True)
GUIDE = "/learn/preparing-for-visits/"


def test_one_click_adds_a_visit_question_to_the_diary(page, guides):
    page.goto(GUIDE)
    assert page.locator(".visit-questions form").count() == 0
    assert page.get_by_role("link", name="Sign in").first.is_visible()
    assert_accessible(page)

    user = make_user("asker@example.org")
    patient = make_patient(user, display_name="Ada Asker")
    log_in(page, user)
    page.goto(GUIDE)
    assert_accessible(page)
    question = page.locator(".visit-questions li").first
    text = question.inner_text().split("\n")[0].strip()
    question.get_by_role("button", name="Add to my questions").click()
    page.wait_for_url(f"**/patients/{patient.public_id}/questions/")
    assert text in page.locator("main").inner_text()
    assert Question.objects.get(patient=patient).text == text
