"""Spanish as a language people choose (issue #17): the switcher on every page, the choice kept in
the account (signed in) or the cookie (visitors), the first visit following Accept-Language,
numbers and dates in the active language, and the visit summary's own language.

Everything here passes without the Spanish catalogue: it checks cookies, fields, `lang`
attributes, and the words Django's own Spanish catalogue provides (month names, decimal comma).
The checks of the portal's Spanish words are in tests/test_spanish_summary.py."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.factories import PASSWORD, make_day, make_user
from tracker import charts, dates, summary, units
from tracker.models import ClinicianLink, SummaryPrint

COOKIE = settings.LANGUAGE_COOKIE_NAME


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


# The switcher ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_page_has_a_switcher_that_names_each_language_in_itself(client):
    page = client.get(reverse("home")).content.decode()
    switcher = re.search(r'<form class="language-switcher.*?</form>', page, re.S).group(0)
    assert f'action="{reverse("set_language")}"' in switcher
    assert 'method="post"' in switcher
    assert 'name="next" value="/"' in switcher
    assert re.search(r'value="en" lang="en"[^>]*>English<', switcher)
    assert re.search(r'value="es" lang="es"[^>]*>Español<', switcher)


@pytest.mark.django_db
def test_the_switcher_sends_back_to_the_page_it_was_on(client):
    path = reverse("login") + "?next=/profile/"
    page = client.get(path).content.decode()
    assert f'name="next" value="{path}"' in page


@pytest.mark.django_db
def test_a_visitor_choosing_spanish_gets_the_cookie_and_spanish_pages(client):
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[COOKIE].value == "es"
    assert html_lang(client.get("/")) == "es"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert html_lang(client.get("/")) == "en"


@pytest.mark.django_db
def test_an_unsafe_next_goes_home(client):
    response = client.post(
        reverse("set_language"), {"language": "es", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_switching_while_signed_in_saves_it_in_the_account(client_for, owner):
    client = client_for(owner)
    client.post(reverse("set_language"), {"language": "es", "next": reverse("profile")})
    owner.refresh_from_db()
    assert owner.language == "es"
    client.post(reverse("set_language"), {"language": "en", "next": reverse("profile")})
    owner.refresh_from_db()
    assert owner.language == "en"


@pytest.mark.django_db
def test_an_unknown_language_changes_nothing(client_for, owner):
    client = client_for(owner)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    owner.refresh_from_db()
    assert owner.language == ""


# The account keeps it --------------------------------------------------------------------------


@pytest.mark.django_db
def test_logging_in_brings_the_account_language(client):
    make_user("ana@example.org", language="es")
    client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(reverse("login"), {"username": "ana@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "es"
    assert html_lang(client.get(reverse("profile"), HTTP_ACCEPT_LANGUAGE="en")) == "es"


@pytest.mark.django_db
def test_a_signed_in_person_sees_their_language_even_without_the_cookie(client_for, owner):
    owner.language = "es"
    owner.save()
    client = client_for(owner)
    response = client.get(reverse("profile"), HTTP_ACCEPT_LANGUAGE="en")
    assert html_lang(response) == "es"
    assert response.cookies[COOKIE].value == "es"


@pytest.mark.django_db
def test_without_a_choice_the_account_follows_the_browser(client_for, owner):
    client = client_for(owner)
    response = client.get(reverse("profile"), HTTP_ACCEPT_LANGUAGE="es")
    assert html_lang(response) == "es"
    assert COOKIE not in response.cookies


@pytest.mark.django_db
def test_the_account_page_saves_the_language(client_for, owner):
    client = client_for(owner)
    page = client.get(reverse("profile")).content.decode()
    assert 'name="language"' in page
    response = client.post(reverse("profile"), {"language": "es"})
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "es"
    owner.refresh_from_db()
    assert owner.language == "es"
    bad = client.post(reverse("profile"), {"language": "fr"})
    assert bad.status_code == 200
    owner.refresh_from_db()
    assert owner.language == "es"


@pytest.mark.django_db
def test_signing_up_keeps_the_language_of_the_sign_up(client):
    data = {
        "email": "nueva@example.org",
        "password1": "un río tranquilo al amanecer",
        "password2": "un río tranquilo al amanecer",
    }
    client.post(reverse("signup"), data, HTTP_ACCEPT_LANGUAGE="es")
    from fsgs_portal.accounts.models import User

    assert User.objects.get(email="nueva@example.org").language == "es"


# The first visit follows the browser ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "expected"),
    [("es", "es"), ("es-MX,es;q=0.9,en;q=0.5", "es"), ("en-US,en;q=0.9", "en"), ("fr", "en")],
)
def test_the_first_visit_follows_accept_language(client, header, expected):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=header)
    assert html_lang(response) == expected


@pytest.mark.django_db
def test_the_cookie_wins_over_the_browser(client):
    client.cookies[COOKIE] = "en"
    assert html_lang(client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="es")) == "en"


@pytest.mark.django_db
def test_error_pages_follow_the_language(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 404
    assert html_lang(response) == "es"


# Numbers and dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "value", "places", "expected"),
    [
        ("en", "150.40", None, "150.4"),
        ("es", "150.40", None, "150,4"),
        ("es", "150.45", 1, "150,5"),
        ("en", "150.45", 1, "150.5"),
        ("es", "100", None, "100"),
        ("es", "1E+1", None, "10"),
        ("es", "0.25", 2, "0,25"),
    ],
)
def test_number_text_writes_the_language_decimal_mark(language, value, places, expected):
    with translation.override(language):
        assert units.number_text(Decimal(value), places) == expected


def test_dates_follow_the_language():
    day = date(2026, 11, 26)
    with translation.override("en"):
        assert dates.day_text(day) == "26 Nov 2026"
        assert dates.heading_date(day) == "Thursday 26 November 2026"
    with translation.override("es"):
        assert dates.day_text(day) == "26 nov 2026"
        assert dates.heading_date(day) == "jueves 26 de noviembre de 2026"
        assert dates.span_text(date(2026, 2, 8), date(2026, 3, 4)) == "del 8 feb al 4 mar 2026"
    with translation.override("en"):  # the cache keeps languages apart
        assert dates.day_text(day) == "26 Nov 2026"


def test_chart_numbers_follow_the_language():
    with translation.override("es"):
        assert charts._number(Decimal("150.40")) == "150,4"
        assert charts._fixed(Decimal("150.0")) == "150,0"
    with translation.override("en"):
        assert charts._number(Decimal("150.40")) == "150.4"
        assert charts._fixed(Decimal("150.0")) == "150.0"


def test_alert_weights_follow_the_language():
    from tracker import alerts

    with translation.override("es"):
        assert alerts.weight_text(Decimal("70.5"), "kg").startswith("70,5 kg (155,4 ")
    with translation.override("en"):
        assert alerts.weight_text(Decimal("70.5"), "kg").startswith("70.5 kg (155.4 ")


def test_the_weight_chart_svg_writes_decimal_commas_in_spanish():
    start = date(2026, 3, 1)
    axis = charts.DateAxis(start, start + timedelta(days=13))
    weights = [(start + timedelta(days=n), Decimal("68.4") + n) for n in range(14)]
    with translation.override("es"):
        chart = charts.weight_chart(axis, weights, unit="kg")
    text = str(chart.svg) + chart.summary + " ".join(" ".join(row) for row in chart.table_rows)
    assert "68,4" in text
    assert "68.4" not in text


# The summary's own language ---------------------------------------------------------------------


@pytest.fixture
def diary(patient, owner):
    with time_machine.travel("2025-03-10 12:00Z", tick=False):
        for n in range(10):
            make_day(patient, date(2025, 3, 9) - timedelta(days=n), owner, weight_kg="70.5")
        yield patient


def summary_url(patient, name="patient_summary"):
    return reverse(name, kwargs={"pid": patient.public_id})


PERIOD = {"start": "2025-02-10", "end": "2025-03-09"}


@pytest.mark.django_db
def test_the_summary_page_offers_both_languages_apart_from_the_interface(client_for, owner, diary):
    with time_machine.travel("2025-03-10 12:00Z", tick=False):
        client = client_for(owner)
        english = client.get(summary_url(diary), PERIOD).content.decode()
        spanish = client.get(summary_url(diary), {**PERIOD, "language": "es"}).content.decode()
    assert '<html lang="en">' in english
    assert '<html lang="en">' in spanish
    for page in (english, spanish):
        assert 'name="language" id="summary-language-en" value="en"' in page
        assert 'name="language" id="summary-language-es" value="es"' in page
        assert 'lang="es">Español<' in page
    assert '<article class="visit-summary" lang="en">' in english
    assert '<article class="visit-summary" lang="es">' in spanish
    spanish_article = spanish.split('<article class="visit-summary"', 1)[1]
    assert "9 mar 2025" in spanish_article  # Django's own Spanish month names
    assert "9 Mar 2025" in english.split('<article class="visit-summary"', 1)[1]


@pytest.mark.django_db
def test_the_summary_language_is_remembered_per_person_and_diary(client_for, owner, editor, diary):
    with time_machine.travel("2025-03-10 12:00Z", tick=False):
        client = client_for(owner)
        pdf_url = summary_url(diary, "patient_summary_pdf")
        response = client.get(pdf_url, {**PERIOD, "language": "es"})
        assert response.status_code == 200
        assert SummaryPrint.objects.get().language == "es"
        again = client.get(summary_url(diary)).content.decode()
        assert '<article class="visit-summary" lang="es">' in again
        assert 'id="summary-language-es" value="es" checked' in again
        other = client_for(editor).get(summary_url(diary)).content.decode()
    assert '<article class="visit-summary" lang="en">' in other


def test_summary_language_prefers_the_choice_then_the_memory_then_the_interface():
    with translation.override("es"):
        assert summary.summary_language("en", "es") == "en"
        assert summary.summary_language(None, "en") == "en"
        assert summary.summary_language("xx", None) == "es"
        assert summary.summary_language(None, None) == "es"
    with translation.override("en"):
        assert summary.summary_language(None, None) == "en"


@pytest.mark.django_db
def test_the_clinician_link_page_offers_both_languages(owner, diary, client):
    with time_machine.travel("2025-03-10 12:00Z", tick=False):
        _link, token = ClinicianLink.issue(diary, date(2025, 2, 10), date(2025, 3, 9), 7, owner)
        url = reverse("clinician_summary", kwargs={"token": token})
        english = client.get(url).content.decode()
        spanish = client.get(url, {"language": "es"}).content.decode()
        pdf = client.get(
            reverse("clinician_summary_pdf", kwargs={"token": token}), {"language": "es"}
        )
    assert 'lang="es">Español<' in english
    assert 'id="summary-language-en" value="en" checked' in english
    assert '<article class="visit-summary" lang="es">' in spanish
    assert pdf.status_code == 200
    assert not SummaryPrint.objects.exists()  # a clinician's choice is not remembered


# Written in the recipient's language (the words themselves: tests/test_spanish_summary.py) ------


@pytest.fixture
def languages_seen(monkeypatch):
    """The active language each time one of these modules renders an email or finds reminders."""
    from fsgs_portal.accounts import confirmation
    from tracker import reminder_delivery, reminder_queue
    from tracker.views import sharing

    seen = []

    def watching(module, name):
        original = getattr(module, name)

        def watched(*args, **kwargs):
            seen.append((name, translation.get_language()))
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, watched)

    for module in (confirmation, reminder_delivery, sharing):
        watching(module, "render_to_string")
    watching(reminder_queue.reminders, "due_reminders")
    return seen


@pytest.mark.django_db
def test_reminders_are_found_and_sent_in_the_recipient_language(
    languages_seen, patient, owner, editor
):
    from datetime import UTC, datetime, time

    from tracker import reminder_delivery
    from tracker.management.commands.send_due_reminders import send_due_reminders
    from tracker.models import ReminderSettings, SentReminder

    editor.language = "es"
    editor.save()
    for user in (owner, editor):
        ReminderSettings.objects.create(
            user=user, patient=patient, diary_enabled=True, diary_time=time(18, 0)
        )
    now = datetime(2025, 3, 14, 18, 0, tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        send_due_reminders(now)
        for reminder in SentReminder.objects.order_by("user__email"):
            reminder_delivery.deliver(reminder.pk)
    # editor@… before owner@…: settings rows by pk (owner first), emails by address.
    assert languages_seen == [
        ("due_reminders", "en"),
        ("due_reminders", "es"),
        ("render_to_string", "es"),
        ("render_to_string", "en"),
    ]


@pytest.mark.django_db
def test_an_invitation_uses_the_invitee_account_language(
    languages_seen, client_for, owner, patient
):
    make_user("abuela@example.org", language="es")
    client = client_for(owner)
    for email in ("abuela@example.org", "nobody@example.org"):
        client.post(
            reverse("sharing_invite", kwargs={"pid": patient.public_id}),
            {"email": email, "role": "edit", "password": PASSWORD},
        )
    assert languages_seen == [("render_to_string", "es"), ("render_to_string", "en")]


@pytest.mark.django_db
def test_the_signup_attempt_notice_uses_the_owner_language(languages_seen, client):
    make_user("taken@example.org", language="en")
    data = {"email": "taken@example.org", "password1": "a calm river at dawn"}
    data["password2"] = data["password1"]
    client.post(reverse("signup"), data, HTTP_ACCEPT_LANGUAGE="es")
    assert languages_seen == [("render_to_string", "en")]


def test_remission_lines_and_lab_values_follow_the_language():
    from tracker import contexts, remission

    with translation.override("es"):
        _value, label = remission.complete_remission_line("mg/mmol", is_child=False)
        assert "0,3 g/g (33,93 mg/mmol)" in label
        assert str(contexts.Measure(Decimal("3.90"), "g/dL")) == "3,9 g/dL"
    with translation.override("en"):
        _value, label = remission.complete_remission_line("mg/mmol", is_child=False)
        assert "0.3 g/g (33.93 mg/mmol)" in label
        assert str(contexts.Measure(Decimal("3.90"), "g/dL")) == "3.9 g/dL"


def test_reminder_doses_follow_the_language():
    from tracker import reminders

    step = reminders.DoseStep(date(2025, 3, 15), Decimal("7.50"), "mg", "daily", "once a day")
    medicine = reminders.Medicine("Prednisone", date(2025, 3, 1), None, (step,))
    template = "%(medicine)s %(dose)s %(unit)s %(often)s"
    with translation.override("es"):
        assert reminders._dose_text(template, medicine, step) == "Prednisone 7,5 mg once a day"
    with translation.override("en"):
        assert reminders._dose_text(template, medicine, step) == "Prednisone 7.5 mg once a day"
