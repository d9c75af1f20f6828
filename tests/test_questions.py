"""/patients/<pid>/questions/: questions for the next visit, answered in place."""

import pytest
from django.urls import reverse

from tests.factories import make_patient
from tests.test_diary import HTMX
from tracker.models import Question

pytestmark = pytest.mark.django_db


def url(patient, name="question_list", **kwargs) -> str:
    return reverse(name, kwargs={"pid": patient.public_id, **kwargs})


def make_question(patient, text="Can I stop the water tablet?"):
    return Question.objects.create(patient=patient, text=text)


def test_anonymous_visitors_are_sent_to_log_in(client, patient):
    assert client.get(url(patient))["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("who", "status"), [("stranger", 404), ("revoked", 404), ("viewer", 403)])
def test_only_people_who_may_edit_change_questions(request, client_for, patient, who, status):
    question = make_question(patient)
    client = client_for(request.getfixturevalue(who))
    assert client.post(url(patient), {"text": "New?"}).status_code == status
    assert client.post(url(patient, "question_answer", pk=question.pk)).status_code == status
    assert client.post(url(patient, "question_delete", pk=question.pk)).status_code == status
    question.refresh_from_db()
    assert question.is_open
    assert Question.objects.count() == 1


def test_wrong_methods_are_405(client_for, patient, owner):
    question = make_question(patient)
    client = client_for(owner)
    assert client.put(url(patient)).status_code == 405
    assert client.get(url(patient, "question_answer", pk=question.pk)).status_code == 405


def test_adding_a_question(client_for, patient, owner, stranger):
    data = {
        "text": "Is my <b>foam</b> normal?",
        "for_next_visit": "on",
        "patient": make_patient(stranger).pk,
    }
    page = client_for(owner).post(url(patient), data, follow=True).content.decode()
    question = Question.objects.get()
    assert (question.patient, question.entered_by, question.for_next_visit) == (
        patient,
        owner,
        True,
    )
    assert "Is my &lt;b&gt;foam&lt;/b&gt; normal?" in page
    assert "For the next visit" in page


def test_an_empty_question_is_refused(client_for, patient, owner):
    page = client_for(owner).post(url(patient), {"text": ""}).content.decode()
    assert "This field is required." in page
    assert not Question.objects.exists()


def test_answering_in_place_with_htmx(client_for, patient, owner):
    question = make_question(patient)
    other = make_question(patient, "Another")
    data = {f"question-{question.pk}-answer": "Yes, from next week."}
    response = client_for(owner).post(url(patient, "question_answer", pk=question.pk), data, **HTMX)
    page = response.content.decode()
    assert page.lstrip().startswith(f'<li id="question-{question.pk}"')
    assert "Yes, from next week." in page
    assert "Answered" in page
    question.refresh_from_db()
    other.refresh_from_db()
    assert (question.is_open, question.answer, other.is_open) == (
        False,
        "Yes, from next week.",
        True,
    )
    assert question.entered_by == owner
    assert "HX-Request" in response["Vary"]


def test_answering_without_javascript_redirects(client_for, patient, owner):
    question = make_question(patient)
    response = client_for(owner).post(url(patient, "question_answer", pk=question.pk))
    assert response["Location"] == url(patient)
    question.refresh_from_db()
    assert not question.is_open
    page = client_for(owner).get(url(patient)).content.decode()
    assert "Marked as answered." in page


def test_each_open_question_has_its_own_answer_field(client_for, patient, owner):
    first, second = make_question(patient), make_question(patient, "Second")
    page = client_for(owner).get(url(patient)).content.decode()
    assert f'id="id_question-{first.pk}-answer"' in page
    assert f'id="id_question-{second.pk}-answer"' in page


def test_a_question_is_deleted_after_confirmation(client_for, patient, owner):
    question = make_question(patient)
    client = client_for(owner)
    assert (
        "Can I stop the water tablet?"
        in client.get(url(patient, "question_delete", pk=question.pk)).content.decode()
    )
    assert client.post(url(patient, "question_delete", pk=question.pk))["Location"] == url(patient)
    assert not Question.objects.exists()
