"""The diary's field markup (tracker/templatetags/diary.py): the same controls as Django's own
widget templates, labelled, with errors and help text tied to the control."""

import re
from datetime import date

import pytest
from django import forms
from django.template import Context, Template

from tests.factories import make_patient
from tracker.forms.diary import BloodPressureForm, DiaryDayForm
from tracker.models import DiaryDay
from tracker.templatetags.diary import WIDGET_CLASSES, render_widget

DAY = date(2025, 3, 10)


class EveryWidget(forms.Form):
    """One field per widget kind the Python path builds, with awkward values and attributes."""

    text = forms.CharField(help_text="Say <b>why</b>", max_length=20)
    number = forms.DecimalField(
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"})
    )
    email = forms.EmailField(required=False)
    password = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.IntegerField(widget=forms.HiddenInput)
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(widget=forms.TimeInput(format="%H:%M"))
    tick = forms.BooleanField(required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


VALUES = {
    "text": '"quoted" <tag> & more',
    "number": "12.5",
    "email": "not-an-email",
    "password": 'p"w',
    "hidden": "3",
    "when": "2025-03-10",
    "time": "07:05",
    "tick": "on",
    "note": "line one\n<script>alert(1)</script>",
}


@pytest.mark.parametrize("bound", [False, True], ids=["blank", "bound with errors"])
@pytest.mark.parametrize("name", list(EveryWidget.base_fields))
def test_python_widgets_match_djangos_templates(name, bound):
    form = EveryWidget(VALUES if bound else None, initial={"hidden": 1, "tick": True})
    if bound:
        form.add_error(name, "Something is wrong")  # errors add aria-invalid and describedby
    field = form[name]
    attrs = {"class": WIDGET_CLASSES.get(field.widget_type, "form-control")}
    assert str(render_widget(field, attrs)) == field.as_widget(attrs=attrs)


def test_other_widgets_fall_back_to_djangos_template():
    form = forms.Form()
    form.fields["pick"] = forms.MultipleChoiceField(choices=[("a", "A")])
    field = form["pick"]
    assert str(render_widget(field, {})) == field.as_widget(attrs={})


def render_field(field, inline=False):
    template = Template("{% load diary %}{% form_field field inline=inline %}")
    return template.render(Context({"field": field, "inline": inline}))


@pytest.mark.django_db
def test_a_radio_group_is_a_fieldset_with_a_legend_and_linked_errors(owner):
    patient = make_patient(owner)
    form = DiaryDayForm({"foam": "9"}, patient=patient, day=DAY, instance=DiaryDay())
    assert not form.is_valid()
    html = render_field(form["foam"])
    assert html.startswith(
        '<fieldset class="mb-3" aria-describedby="id_foam_helptext id_foam_error"'
    )
    assert '<legend class="form-label fs-6 mb-1">' in html
    radios = re.findall(
        r'<input type="radio" class="form-check-input is-invalid" name="foam"', html
    )
    assert len(radios) == 5  # "not recorded" and the grades 0 to 3
    for grade in range(4):
        assert f'<label class="form-check-label" for="id_foam_{grade}">' in html
    assert '<div class="invalid-feedback d-block" id="id_foam_error"><strong>' in html


@pytest.mark.django_db
def test_inline_radios_and_the_saved_choice(owner):
    patient = make_patient(owner)
    day = DiaryDay(patient=patient, date=DAY, swelling_legs=2)
    form = DiaryDayForm(patient=patient, day=DAY, instance=day)
    html = render_field(form["swelling_legs"], inline=True)
    assert 'class="mb-3 grade-inline"' in html
    assert html.count("form-check form-check-inline") == 5  # "not recorded" and 0 to 3
    assert re.search(r'value="2" id="id_swelling_legs_3" checked>', html)  # after "not recorded"
    assert html.count(" checked") == 1


@pytest.mark.django_db
def test_a_select_keeps_its_label_choice_and_error(owner):
    patient = make_patient(owner)
    form = DiaryDayForm({"dipstick": "bogus"}, patient=patient, day=DAY, instance=DiaryDay())
    form.is_valid()
    html = render_field(form["dipstick"])
    assert '<label class="form-label" for="id_dipstick">' in html
    assert 'class="form-select is-invalid" aria-invalid="true"' in html
    assert 'aria-describedby="id_dipstick_helptext id_dipstick_error"' in html or (
        'aria-describedby="id_dipstick_error"' in html
    )
    blank = render_field(DiaryDayForm(patient=patient, day=DAY, instance=DiaryDay())["dipstick"])
    assert blank.count("<option") == len(form.fields["dipstick"].choices)
    assert "is-invalid" not in blank


@pytest.mark.django_db
def test_text_fields_escape_what_was_typed(owner):
    patient = make_patient(owner)
    form = BloodPressureForm({"systolic": '"><script>x</script>'}, patient=patient, day=DAY)
    form.is_valid()
    html = render_field(form["systolic"])
    assert "<script>x" not in html
    assert "&quot;&gt;&lt;script&gt;x&lt;/script&gt;" in html
    assert '<label class="form-label" for="id_systolic">' in html


@pytest.mark.django_db
def test_a_hidden_field_is_only_its_input(owner):
    patient = make_patient(owner)
    form = DiaryDayForm(patient=patient, day=DAY, instance=DiaryDay())
    html = render_field(form["version"])
    assert html.startswith('<input type="hidden" name="version"')
    assert "<label" not in html
