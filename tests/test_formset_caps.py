"""Formsets build a bounded number of forms whatever TOTAL_FORMS says (issue #12: a posted
TOTAL_FORMS=1000000000 took 5-10 s and answered 4.5 MB)."""

import importlib
import pkgutil
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.forms.formsets import BaseFormSet
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import tracker.forms
from tests.factories import make_medication
from tracker.forms.medicines import MAX_STEPS_AT_ONCE
from tracker.models import DoseStep, Purpose

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-03-10 12:00Z", tick=False):
        yield


def every_formset_class():
    for module_info in pkgutil.iter_modules(tracker.forms.__path__):
        module = importlib.import_module(f"tracker.forms.{module_info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseFormSet)
                and hasattr(value, "absolute_max")  # made by a *formset_factory
                and value.__module__ == "django.forms.formsets"
            ):
                yield value


def test_every_formset_is_capped_and_says_so():
    formsets = list(every_formset_class())
    assert formsets  # the dose steps' at least
    for formset in formsets:
        assert formset.absolute_max <= formset.max_num <= 100, formset
        assert formset.validate_max, formset


def steps_post(total: str, filled: int = 1) -> dict:
    data = {"form-TOTAL_FORMS": total, "form-INITIAL_FORMS": "0"}
    for index in range(min(int(total), MAX_STEPS_AT_ONCE + 1)):
        data[f"form-{index}-unit"] = "mg"  # as the page offers them
        data[f"form-{index}-frequency"] = "1/day"
    for index in range(filled):
        data[f"form-{index}-starts_on"] = f"2025-02-{index + 1:02d}"
        data[f"form-{index}-dose"] = "20"
    return data


@pytest.mark.parametrize("total", ["1000000000", str(MAX_STEPS_AT_ONCE + 1)])
def test_a_huge_form_count_answers_quickly_with_a_message(client_for, patient, owner, total):
    medication = make_medication(patient, Purpose.STEROID, date(2025, 1, 6))
    url = reverse("medication_detail", kwargs={"pid": patient.public_id, "pk": medication.pk})
    client = client_for(owner)
    client.get(url)  # the session's first request slides it
    usual_post = {**steps_post("6"), "form-1-starts_on": "2025-02-02", "form-1-dose": "none"}
    with CaptureQueriesContext(connection) as usual:  # the page's six rows, one of them wrong
        client.post(url, usual_post)
    with CaptureQueriesContext(connection) as huge:
        response = client.post(url, steps_post(total))
    assert len(huge) <= len(usual)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Save at most {MAX_STEPS_AT_ONCE} dose steps at a time" in page
    assert page.count('name="form-') <= (MAX_STEPS_AT_ONCE + 1) * 6
    assert DoseStep.objects.count() == 1  # the first dose only


def test_the_most_steps_at_once_are_saved(client_for, patient, owner):
    medication = make_medication(patient, Purpose.STEROID, date(2025, 1, 6))
    url = reverse("medication_detail", kwargs={"pid": patient.public_id, "pk": medication.pk})
    data = steps_post(str(MAX_STEPS_AT_ONCE), filled=25)
    response = client_for(owner).post(url, data)
    assert response.status_code == 302
    assert DoseStep.objects.count() == 1 + 25
