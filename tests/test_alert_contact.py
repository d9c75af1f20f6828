"""The mark "I contacted the care team" on an alert (issue #11): made and removed from the
diary and the day page by the owner or an editor, with and without htmx; shown on the alert,
listed in the visit summary, in the download of everything; refused to viewers (403) and
strangers (404)."""

import json
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_day
from tracker import summary
from tracker.models import AlertContact

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 10)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-03-10 12:00Z", tick=False):
        yield


@pytest.fixture
def weight_gains(patient, owner):
    """70, 71, 72 kg on the last three days: the 1-day weight rule fires on two of them."""
    for back, kg in ((2, "70"), (1, "71"), (0, "72")):
        make_day(patient, TODAY - timedelta(days=back), owner, weight_kg=D(kg))


def mark_url(patient, day=TODAY, rule="weight_gain_1d", name="alert_contact"):
    return reverse(name, kwargs={"pid": patient.public_id, "rule": rule, "day": day})


def diary_url(patient):
    return reverse("patient_diary", kwargs={"pid": patient.public_id})


def day_url(patient, day=TODAY):
    return reverse("diary_day", kwargs={"pid": patient.public_id, "day": day})


# The diary groups alerts of one rule ------------------------------------------------------------


def test_the_diary_groups_a_rule_s_alerts_and_lists_their_days(client_for, patient, owner):
    make_day(patient, TODAY - timedelta(days=3), owner, weight_kg=D("69"))
    for back, kg in ((2, "70"), (1, "71"), (0, "72")):
        make_day(patient, TODAY - timedelta(days=back), owner, weight_kg=D(kg))
    page = client_for(owner).get(diary_url(patient)).content.decode()
    assert page.count('<article class="alert') == 2  # 1-day gain on 3 days, 7-day gain once
    assert "(on 3 days)" in page
    assert "The days it happened, newest first:" in page
    days = page.index("10 Mar 2025</a>"), page.index("9 Mar 2025</a>"), page.index("8 Mar 2025</a>")
    assert days == tuple(sorted(days))
    assert "Weight 72.0 kg (158.7 lb) on 10 Mar 2025" in page


# Marking and unmarking --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "editor"])
def test_the_owner_or_an_editor_marks_from_the_diary_without_javascript(
    request, client_for, patient, weight_gains, who
):
    user = request.getfixturevalue(who)
    client = client_for(user)
    page = client.get(diary_url(patient)).content.decode()
    assert f'action="{mark_url(patient)}"' in page
    response = client.post(mark_url(patient), {"note": "  spoke to   nurse ", "back": "diary"})
    assert response.status_code == 302
    assert response["Location"] == f"{diary_url(patient)}#alert-weight_gain_1d-2025-03-10"
    mark = AlertContact.objects.get()
    assert (mark.patient, mark.rule, mark.triggered_on) == (patient, "weight_gain_1d", TODAY)
    assert (mark.marked_by, mark.marked_by_name, mark.note) == (user, str(user), "spoke to nurse")
    page = client.get(diary_url(patient)).content.decode()
    assert f"You contacted the care team on 10 Mar 2025 (marked by {user})." in page
    assert "Note: spoke to nurse" in page
    assert f'action="{mark_url(patient, name="alert_contact_delete")}"' in page


def test_a_mark_on_the_day_page_and_its_undo(client_for, patient, owner, weight_gains):
    client = client_for(owner)
    yesterday = TODAY - timedelta(days=1)
    response = client.post(mark_url(patient, yesterday), {"back": "day"})
    assert response["Location"] == f"{day_url(patient, yesterday)}#alert-weight_gain_1d-2025-03-09"
    page = client.get(day_url(patient, yesterday)).content.decode()
    assert "You contacted the care team on 10 Mar 2025 (marked by Olivia Owner)." in page
    # The diary lists the day among the group's days as contacted.
    assert "9 Mar 2025</a> · care team contacted" in client.get(diary_url(patient)).content.decode()
    unmark = mark_url(patient, yesterday, name="alert_contact_delete")
    assert client.post(unmark, {"back": "day"}).status_code == 302
    assert not AlertContact.objects.exists()
    assert client.post(unmark, {"back": "day"}).status_code == 302  # a second click: no harm
    assert "You contacted" not in client.get(day_url(patient, yesterday)).content.decode()


def test_a_second_mark_keeps_the_first(client_for, patient, owner, editor, weight_gains):
    client_for(owner).post(mark_url(patient), {"note": "first"})
    client_for(editor).post(mark_url(patient), {"note": "second"})
    assert list(AlertContact.objects.values_list("note", "marked_by_name")) == [
        ("first", "Olivia Owner")
    ]


def test_htmx_swaps_the_alert_and_says_so(client_for, patient, owner, weight_gains):
    client = client_for(owner)
    response = client.post(mark_url(patient), {"back": "diary"}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<article class="alert')
    assert 'id="alert-weight_gain_1d-2025-03-10"' in body
    assert "You contacted the care team on 10 Mar 2025 (marked by Olivia Owner)." in body
    assert "(on 2 days)" in body  # the diary's group, not the day's alone
    assert 'hx-swap-oob="innerHTML">Marked: you contacted the care team.</div>' in body
    assert "<html" not in body
    # The button keeps its id, so htmx gives the focus back to it.
    assert 'id="alert-weight_gain_1d-2025-03-10-contact"' in body
    response = client.post(
        mark_url(patient, name="alert_contact_delete"), {"back": "diary"}, **HTMX
    )
    assert 'id="alert-weight_gain_1d-2025-03-10-contact"' in response.content.decode()
    assert "The mark is removed." in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_a_long_note_is_refused_in_words(client_for, patient, owner, weight_gains):
    client = client_for(owner)
    response = client.post(mark_url(patient), {"note": "x" * 201, "back": "diary"}, **HTMX)
    assert "Keep the note to 200 characters or fewer. Yours has 201." in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    response = client.post(mark_url(patient), {"note": "x" * 201}, follow=True)
    assert "Keep the note to 200 characters or fewer" in response.content.decode()
    assert not AlertContact.objects.exists()


@pytest.mark.parametrize(
    ("rule", "day"),
    [
        ("fever", TODAY),  # no such alert that day
        ("weight_gain_1d", TODAY - timedelta(days=2)),  # the first weight: nothing to compare
        ("no_such_rule", TODAY),
        ("weight_gain_1d", TODAY + timedelta(days=1)),  # the future
    ],
)
def test_only_an_alert_that_fired_can_be_marked(
    client_for, patient, owner, weight_gains, rule, day
):
    assert client_for(owner).post(mark_url(patient, day, rule)).status_code == 404
    assert not AlertContact.objects.exists()


def test_a_viewer_sees_the_mark_but_cannot_make_or_remove_one(
    client_for, patient, owner, viewer, weight_gains
):
    AlertContact.objects.create(
        patient=patient,
        rule="weight_gain_1d",
        triggered_on=TODAY,
        marked_by=owner,
        marked_by_name="Olivia Owner",
    )
    client = client_for(viewer)
    page = client.get(diary_url(patient)).content.decode()
    assert "You contacted the care team on 10 Mar 2025" in page
    assert "I contacted the care team" not in page
    assert "Remove this mark" not in page
    assert client.post(mark_url(patient, TODAY - timedelta(days=1))).status_code == 403
    assert client.post(mark_url(patient, name="alert_contact_delete")).status_code == 403
    assert AlertContact.objects.count() == 1


def test_strangers_get_404_and_anonymous_visitors_log_in(
    client, client_for, patient, stranger, weight_gains
):
    for name in ("alert_contact", "alert_contact_delete"):
        response = client.post(mark_url(patient, name=name))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    for name in ("alert_contact", "alert_contact_delete"):
        response = client_for(stranger).post(mark_url(patient, name=name))
        assert response.status_code == 404
        assert patient.display_name not in response.content.decode()
        assert client_for(stranger).get(mark_url(patient, name=name)).status_code == 405
    assert not AlertContact.objects.exists()


def test_the_mark_keeps_the_name_after_the_account_is_gone(
    client_for, patient, editor, weight_gains
):
    client_for(editor).post(mark_url(patient))
    editor.delete()
    mark = AlertContact.objects.get()
    assert (mark.marked_by, mark.marked_by_name) == (None, "editor@example.org")


# The visit summary and the download of everything -----------------------------------------------


def test_the_summary_lists_the_mark_with_the_alerts(client_for, patient, owner, weight_gains):
    client = client_for(owner)
    client.post(mark_url(patient, TODAY - timedelta(days=1)), {"note": "spoke to nurse"})
    page = client.get(reverse("patient_summary", kwargs={"pid": patient.public_id})).content
    page = page.decode()
    assert "2 days, 9 to 10 Mar 2025" in page
    assert (
        "care team contacted on 10 Mar 2025 (alert of 9 Mar 2025), by Olivia Owner: spoke to nurse"
        in page
    )


def test_the_summary_context_carries_marks_of_the_period_only(patient, owner, weight_gains):
    for day in (TODAY, TODAY - timedelta(days=20)):
        AlertContact.objects.create(
            patient=patient, rule="weight_gain_1d", triggered_on=day, marked_by_name="Sam"
        )
    built = summary.build_summary(
        patient, TODAY - timedelta(days=6), TODAY, today=TODAY, printed_by="x"
    )
    (group,) = [group for group in built.alerts if group.rule == "weight_gain_1d"]
    assert [(line.triggered_on, line.by) for line in group.contacts] == [(TODAY, "Sam")]
    assert group.contacts[0].contacted_on == TODAY


def test_the_download_of_everything_has_the_marks(client_for, patient, owner, weight_gains):
    client_for(owner).post(mark_url(patient), {"note": "spoke to nurse"})
    response = client_for(owner).get(
        reverse("export_everything", kwargs={"pid": patient.public_id})
    )
    (mark,) = json.loads(response.content)["alert_contacts"]
    assert mark["rule"] == "weight_gain_1d"
    assert mark["triggered_on"] == "2025-03-10"  # ISO for machines
    assert mark["marked_by"] == "owner@example.org"
    assert mark["marked_by_name"] == "Olivia Owner"
    assert mark["note"] == "spoke to nurse"
    assert "id" not in mark


# Queries ----------------------------------------------------------------------------------------


def test_a_quiet_week_costs_no_query_for_marks(
    client_for, patient, owner, django_assert_num_queries
):
    make_day(patient, TODAY, owner, weight_kg=D("70"))
    client = client_for(owner)
    with django_assert_num_queries(9):  # DIARY_PAGE_QUERIES less the marks' query
        client.get(diary_url(patient))


def test_marks_take_one_query_however_many(client_for, patient, owner, django_assert_num_queries):
    for back in range(7):
        make_day(patient, TODAY - timedelta(days=back), owner, weight_kg=D(80 - back))
        AlertContact.objects.create(
            patient=patient,
            rule="weight_gain_1d",
            triggered_on=TODAY - timedelta(days=back),
            marked_by_name="Sam",
        )
    client = client_for(owner)
    with django_assert_num_queries(10):
        page = client.get(diary_url(patient)).content.decode()
    assert page.count("· care team contacted") == 6
