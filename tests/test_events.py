"""/patients/<pid>/events/: infections, hospital stays, biopsies, plasma exchange, relapses."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_patient
from tracker.models import Event

pytestmark = pytest.mark.django_db

EVENT = {"date": "2025-03-01", "kind": "plex", "note": "Session 3 of 6"}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-03-10 12:00Z", tick=False):
        yield


def url(patient, name="event_list", **kwargs) -> str:
    return reverse(name, kwargs={"pid": patient.public_id, **kwargs})


def make_event(patient, **fields):
    return Event.objects.create(
        patient=patient, **{"date": date(2025, 3, 1), "kind": "infection", **fields}
    )


def test_anonymous_visitors_are_sent_to_log_in(client, patient):
    assert client.get(url(patient))["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("who", "status"), [("stranger", 404), ("revoked", 404), ("viewer", 403)])
def test_only_people_who_may_edit_add_or_delete_events(request, client_for, patient, who, status):
    event = make_event(patient)
    client = client_for(request.getfixturevalue(who))
    assert client.post(url(patient), EVENT).status_code == status
    assert client.post(url(patient, "event_delete", pk=event.pk)).status_code == status
    assert list(Event.objects.all()) == [event]


def test_a_view_only_caregiver_reads_events(client_for, patient, viewer):
    make_event(patient, note="<b>flu</b>")
    page = client_for(viewer).get(url(patient)).content.decode()
    assert "&lt;b&gt;flu&lt;/b&gt;" in page
    assert "Add an event" not in page


def test_wrong_methods_are_405(client_for, patient, owner):
    assert client_for(owner).put(url(patient)).status_code == 405


def test_adding_an_event(client_for, patient, owner, stranger):
    data = {**EVENT, "patient": make_patient(stranger).pk, "entered_by": stranger.pk}
    response = client_for(owner).post(url(patient), data, follow=True)
    event = Event.objects.get()
    assert (event.patient, event.entered_by, event.kind) == (patient, owner, "plex")
    page = response.content.decode()
    assert "Plasmapheresis (plasma exchange) session" in page
    assert "Session 3 of 6" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date": "2025-03-11"}, "The date cannot be in the future — you chose 2025-03-11."),
        (
            {"date": "1980-01-01"},
            "The date cannot be before the date of birth (1980-05-01) — you chose 1980-01-01.",
        ),
        ({"date": "yesterday"}, "Type a date, like 2025-03-01."),
        ({"kind": "party"}, "Select a valid choice. party is not one of the available choices."),
        ({"note": "x" * 501}, "Ensure this value has at most 500 characters (it has 501)."),
    ],
)
def test_bad_events_are_explained_and_nothing_is_saved(
    client_for, patient, owner, changes, message
):
    response = client_for(owner).post(url(patient), {**EVENT, **changes})
    assert message in response.content.decode()
    assert not Event.objects.exists()


def test_an_event_is_deleted_after_confirmation(client_for, patient, owner):
    event = make_event(patient)
    client = client_for(owner)
    assert (
        "Infection on 1 Mar 2025"
        in client.get(url(patient, "event_delete", pk=event.pk)).content.decode()
    )
    assert client.post(url(patient, "event_delete", pk=event.pk))["Location"] == url(patient)
    assert not Event.objects.exists()


def test_on_a_phone_each_event_is_a_card_whose_cells_say_what_they_are(client_for, patient, owner):
    # Issue #11: .stack-table turns rows into cards below 576 px, labelled from data-label.
    make_event(patient, note="Flu jab")
    page = client_for(owner).get(url(patient)).content.decode()
    assert '<table class="table table-sm stack-table">' in page
    assert 'data-label="Date"' in page
    assert 'data-label="Note">Flu jab</td>' in page
