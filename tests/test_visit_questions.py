"""Questions for the visit in a guide: one click adds one to the diary's questions (issue 16)."""

import re
from html import unescape

import pytest
from django.urls import reverse

from education.models import GlossaryTerm, Guide
from education.rendering import GuidePart, split_visit_questions
from tests.factories import grant_access, make_patient, make_user
from tracker.models import Question, Role

pytestmark = pytest.mark.django_db
GUIDE = reverse("education:guide", kwargs={"slug": "preparing-for-visits"})
FORM_RE = re.compile(r'<form method="post" action="([^"]+)".*?</form>', re.DOTALL)


def forms_on(page: str) -> list[tuple[str, dict]]:
    """(action, posted fields) of each add-a-question form on the page."""
    found = []
    for match in FORM_RE.finditer(page):
        fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', match.group(0)))
        if "text" in fields:
            found.append((match.group(1), {key: unescape(v) for key, v in fields.items()}))
    return found


def test_the_section_is_cut_into_html_and_question_lists():
    body = (
        '<p>Intro</p><h2 id="visit-questions">Ask</h2><p>Pick some.</p>'
        "<ul>\n<li>What type do I have?</li>\n<li>Am I &amp; my kidneys OK?</li>\n</ul>"
        '<h3 id="more">More</h3><ul><li>Gene test?</li></ul>'
        '<h2 id="next">Next</h2><ul><li>Not a question</li></ul>'
    )
    parts = split_visit_questions(body)
    questions = [part.questions for part in parts if part.questions]
    assert questions == [("What type do I have?", "Am I & my kidneys OK?"), ("Gene test?",)]
    assert "".join(part.html for part in parts).count("<li>") == 1, "lists after the section stay"


def test_a_body_without_the_section_is_one_part():
    assert split_visit_questions("<p>Hi</p>") == [GuidePart(html="<p>Hi</p>")]


def test_glossary_definitions_do_not_leak_into_the_question_text():
    body = Guide.objects.get(language="en", slug="preparing-for-visits").body_html
    assert 'class="term-def"' in body
    questions = [q for part in split_visit_questions(body) for q in part.questions]
    assert len(questions) >= 10
    assert all("<" not in q and "&amp;" not in q for q in questions)
    definitions = [term.definition for term in GlossaryTerm.objects.filter(language="en")]
    assert not any(d in q for q in questions for d in definitions)


def test_signed_out_the_questions_are_plain_text_with_a_sign_in_link(client):
    page = client.get(GUIDE).content.decode()
    assert 'class="visit-questions"' in page
    assert "What type of FSGS do I have?" in page
    assert forms_on(page) == []
    assert f"{reverse('login')}?next={GUIDE}" in page


def test_one_click_adds_the_question_to_the_diary(client, owner, patient):
    client.force_login(owner)
    page = client.get(GUIDE).content.decode()
    forms = forms_on(page)
    assert len(forms) >= 10, "every suggested question has its button"
    assert "Add to my questions" in page
    action, fields = forms[0]
    assert action == reverse("question_list", kwargs={"pid": patient.public_id})
    response = client.post(action, fields)
    assert response.status_code == 302
    question = Question.objects.get(patient=patient)
    assert question.text == fields["text"]
    assert question.text in page
    assert question.for_next_visit
    assert question.entered_by == owner


def test_with_several_diaries_each_button_names_its_diary(client, owner, patient):
    other = make_patient(owner, display_name="Sam Child")
    client.force_login(owner)
    page = client.get(GUIDE).content.decode()
    actions = {action for action, _ in forms_on(page)}
    assert actions == {
        reverse("question_list", kwargs={"pid": patient.public_id}),
        reverse("question_list", kwargs={"pid": other.public_id}),
    }
    assert "Add to Sam Child’s questions" in page


def test_a_view_only_caregiver_gets_no_button_for_that_diary(client, patient):
    viewer = make_user()
    grant_access(viewer, patient, Role.VIEW)
    client.force_login(viewer)
    page = client.get(GUIDE).content.decode()
    assert forms_on(page) == []
    assert "What type of FSGS do I have?" in page


def test_a_guide_without_questions_has_no_buttons(client, owner, patient):
    client.force_login(owner)
    page = client.get(reverse("education:guide", kwargs={"slug": "blood-clots"})).content.decode()
    assert forms_on(page) == []
