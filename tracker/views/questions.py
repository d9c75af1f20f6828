"""Questions for the next visit and their answers."""

import copy

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from tracker.access import patient_for
from tracker.forms.questions import AnswerForm, QuestionForm
from tracker.models import (
    QuestionStatus,
)
from tracker.views.helpers import confirm_delete

# Questions ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def question_list(request: HttpRequest, pid: str) -> HttpResponse:
    patient = patient_for(request.user, pid, write=request.method == "POST")
    form = QuestionForm(request.POST or None, patient=patient) if patient.can_edit else None
    if request.method == "POST" and form.is_valid():
        form.save_for(request.user)
        messages.success(request, _("Saved your question."))
        return redirect("question_list", pid=pid)
    questions = list(patient.questions.all())
    if patient.can_edit:
        for question in questions:
            question.answer_form = answer_form(question)
    return render(
        request,
        "tracker/questions.html",
        {
            "patient": patient,
            "section": "questions",
            "open": [question for question in questions if question.is_open],
            "answered": [question for question in questions if not question.is_open],
            "form": form,
        },
    )


def answer_form(question, data=None) -> AnswerForm:
    """Prefixed per question: several answer forms share one page."""
    return AnswerForm(data, instance=copy.copy(question), prefix=f"question-{question.pk}")


@require_POST
@vary_on_headers("HX-Request")
def question_answer(request: HttpRequest, pid: str, pk: int) -> HttpResponse:
    """Mark a question answered, with what the care team said; htmx swaps it in place."""
    patient = patient_for(request.user, pid, write=True)
    question = get_object_or_404(patient.questions, pk=pk)
    form = answer_form(question, request.POST)
    if form.is_valid():
        question = form.save(commit=False)
        question.status = QuestionStatus.ANSWERED
        question.answered_at = timezone.now()
        question.entered_by = request.user
        question.save()
    if request.htmx:
        return render(
            request,
            "tracker/_question.html",
            {
                "patient": patient,
                "question": question,
                "answer_form": form,
                "just_answered": form.is_valid(),
            },
        )
    if form.is_valid():
        messages.success(request, _("Marked as answered."))
    else:
        messages.error(request, " ".join(form.errors.get("answer", [])))
    return redirect("question_list", pid=pid)


@require_http_methods(["GET", "POST"])
def question_delete(request: HttpRequest, pid: str, pk: int) -> HttpResponse:
    patient = patient_for(request.user, pid, write=True)
    question = get_object_or_404(patient.questions, pk=pk)
    what = _("the question “%(text)s”") % {"text": question.text}
    back = reverse("question_list", args=[pid])
    return confirm_delete(request, patient, question, what, "questions", back)
