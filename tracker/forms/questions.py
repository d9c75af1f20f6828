"""Questions for the next visit and their answers."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.models import (
    Patient,
    Question,
)

# Questions ----------------------------------------------------------------------------------------


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["text", "for_next_visit"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, patient: Patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.fields["text"].label = _("Your question")

    def save_for(self, user) -> Question:
        question = self.save(commit=False)
        question.patient, question.entered_by = self.patient, user
        question.save()
        return question


class AnswerForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["answer"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 2})}
        labels = {"answer": _("What the care team said (optional)")}
