"""send_due_reminders, the delivery task and its channels (issue #14): once per reminder, private
subjects, one-click unsubscribe, bounded retries, a query count that does not grow with users, the
real worker end to end, and two schedulers at once on PostgreSQL."""

import signal
import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from fsgs_portal.management.commands.bench import seed_reminder_users
from tests.factories import grant_access, make_medication, make_patient, make_user
from tests.push_service import HEALTH_WORDS, FakeDevice, FakePushService, use_new_vapid_keys
from tracker import reminder_delivery, reminder_queue
from tracker.management.commands.send_due_reminders import send_due_reminders
from tracker.models import (
    DoseStep,
    Purpose,
    PushSubscription,
    ReminderSettings,
    ReminderStatus,
    SentReminder,
)

NOW = datetime(2025, 3, 14, 18, 0, tzinfo=UTC)


def remind(user, patient, **fields) -> ReminderSettings:
    fields.setdefault("diary_enabled", True)
    fields.setdefault("diary_time", time(18, 0))
    return ReminderSettings.objects.create(user=user, patient=patient, **fields)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def test_a_due_reminder_is_recorded_and_enqueued_once(db, now, owner, patient):
    remind(owner, patient)
    assert send_due_reminders(now) == (1, 1)
    assert send_due_reminders(now) == (0, 0)
    assert send_due_reminders(now + timedelta(minutes=1)) == (0, 0)
    assert SentReminder.objects.count() == 1
    assert DBTaskResult.objects.count() == 1
    assert SentReminder.objects.get().status == ReminderStatus.QUEUED


def test_nothing_for_paused_revoked_or_channel_less_settings(db, now, owner, patient, revoked):
    remind(owner, patient, paused=True)
    remind(revoked, patient)
    other = make_user()
    remind(other, make_patient(other), email_enabled=False, push_enabled=False)
    assert send_due_reminders(now) == (0, 0)


def deliver_all():
    for reminder in SentReminder.objects.filter(status=ReminderStatus.QUEUED):
        reminder_delivery.deliver(reminder.pk)


def test_the_email_has_a_private_subject_a_link_and_one_click_unsubscribe(
    db, now, owner, patient, settings
):
    settings.SITE_URL = "https://portal.example.org"
    medication = make_medication(patient, Purpose.STEROID, date(2025, 3, 1), dose="30")
    DoseStep.objects.create(medication=medication, starts_on=date(2025, 3, 15), dose="25")
    remind(owner, patient, diary_enabled=False, taper_enabled=True, notice_time=time(18, 0))
    send_due_reminders(now)
    deliver_all()
    [message] = mail.outbox
    assert message.subject == "Medicine change for Pat"
    assert message.to == [owner.email]
    assert "From tomorrow: Prednisone 25 mg once a day" in message.body
    assert f"https://portal.example.org/patients/{patient.public_id}/medications/" in message.body
    stop = message.extra_headers["List-Unsubscribe"]
    assert stop.startswith("<https://portal.example.org/reminders/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert stop.strip("<>") in message.body
    reminder = SentReminder.objects.get()
    assert reminder.status == ReminderStatus.SENT
    assert reminder.channels_sent == "email"


def test_subjects_carry_only_the_first_name_and_the_kind(db, now, owner):
    patient = make_patient(owner, display_name="Mia Rodriguez")
    medication = make_medication(patient, Purpose.STEROID, date(2025, 3, 1), dose="30")
    DoseStep.objects.create(medication=medication, starts_on=date(2025, 3, 15), dose="25")
    remind(
        owner,
        patient,
        medicine_times=["18:00"],
        taper_enabled=True,
        next_visit_at=NOW + timedelta(days=1),
        notice_time=time(18, 0),
    )
    send_due_reminders(now)
    deliver_all()
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == [
        "Medicine change for Mia",
        "Medicine reminder for Mia",
        "Time for Mia's diary",
        "Visit reminder for Mia",
    ]


def test_a_failed_email_is_retried_with_back_off_then_marked_failed(
    db, now, owner, patient, monkeypatch
):
    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("connection refused")

    monkeypatch.setattr(reminder_delivery.EmailMessage, "send", refuse)
    remind(owner, patient)
    send_due_reminders(now)
    deliver_all()
    reminder = SentReminder.objects.get()
    assert reminder.status == ReminderStatus.PENDING
    assert reminder.attempts == 1
    assert reminder.next_attempt_at == NOW + reminder_delivery.RETRY_AFTER[0]
    assert "connection refused" in reminder.last_error
    # Not claimed again before its time; then claimed and tried, up to MAX_ATTEMPTS in all.
    assert send_due_reminders(now + timedelta(minutes=1)) == (0, 0)
    later = NOW
    for _attempt in range(SentReminder.MAX_ATTEMPTS - 1):
        later += timedelta(hours=1)
        assert send_due_reminders(later)[1] == 1
        deliver_all()
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.FAILED
    assert reminder.attempts == SentReminder.MAX_ATTEMPTS
    assert send_due_reminders(later + timedelta(hours=1)) == (0, 0)
    assert mail.outbox == []


def test_push_waits_for_its_channel_and_never_blocks_email(db, now, owner, patient, settings):
    remind(owner, patient, push_enabled=True)
    send_due_reminders(now)
    deliver_all()
    reminder = SentReminder.objects.get()
    assert len(mail.outbox) == 1
    assert reminder.status == ReminderStatus.SENT
    assert "not available" in reminder.last_error


def test_the_push_channel_sends_no_health_data(db, now, owner, patient, settings):
    """A dose-change reminder by web push, through pywebpush to a real local HTTP server standing
    in for the push service: the device decrypts {title, body, url} and nothing else."""
    use_new_vapid_keys(settings)
    medication = make_medication(patient, Purpose.STEROID, date(2025, 3, 1), dose="30")
    DoseStep.objects.create(medication=medication, starts_on=date(2025, 3, 15), dose="25")
    remind(
        owner,
        patient,
        diary_enabled=False,
        taper_enabled=True,
        email_enabled=False,
        push_enabled=True,
    )
    device = FakeDevice()
    with FakePushService() as service:
        PushSubscription.objects.create(user=owner, endpoint=service.url("/ok/1"), **device.keys())
        send_due_reminders(now)
        deliver_all()
    [received] = service.received
    payload = device.decrypt(received.body)
    assert set(payload) == {"title", "body", "url"}
    assert payload["title"] == "Medicine change for Pat"
    assert payload["url"] == f"/patients/{patient.public_id}/medications/"
    assert not HEALTH_WORDS.search(payload["title"] + " " + payload["body"])
    assert SentReminder.objects.get().channels_sent == "push"
    assert mail.outbox == []


# Scale: the query count of finding due reminders does not grow with users -----------------------


@pytest.mark.parametrize("users", [3, 12])
def test_finding_due_reminders_takes_the_same_queries_for_any_number_of_users(db, users):
    seed_reminder_users(users, NOW)
    with CaptureQueriesContext(connection) as queries:
        found = reminder_queue.find_due(NOW)
    assert len(queries) == 5
    # Each user's diary, medicine, taper and labs reminders are due at NOW, in every zone.
    assert {item.due.kind for item in found} == {"diary", "medicine", "taper", "labs"}
    assert len(found) == users * 4
    assert len({item.user_id for item in found}) == users


# The real worker, end to end --------------------------------------------------------------------


@pytest.fixture
def restore_signals():
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.mark.django_db(transaction=True)
def test_the_worker_turns_due_reminders_into_emails(restore_signals):
    owner = make_user("parent@example.org")
    grandparent = make_user("grandparent@example.org")
    patient = make_patient(owner, display_name="Mia Patient", time_zone="Europe/London")
    grant_access(grandparent, patient, "view", invited_by=owner)
    remind(owner, patient)
    remind(grandparent, patient)
    with time_machine.travel(NOW, tick=False):
        call_command("send_due_reminders")
        assert DBTaskResult.objects.filter(status="READY").count() == 2
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        "grandparent@example.org",
        "parent@example.org",
    ]
    assert {message.subject for message in mail.outbox} == {"Time for Mia's diary"}
    assert set(SentReminder.objects.values_list("status", flat=True)) == {ReminderStatus.SENT}


# Two schedulers at once (PostgreSQL) ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_send_each_reminder_once():
    if connection.vendor != "postgresql":
        pytest.skip("SELECT … FOR UPDATE SKIP LOCKED is PostgreSQL's; SQLite runs one writer")
    seed_reminder_users(40, NOW)
    start = threading.Barrier(2)
    enqueued, errors = [], []

    def scheduler():
        try:
            start.wait()
            enqueued.append(send_due_reminders(NOW)[1])
        except Exception as error:
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert SentReminder.objects.count() == 40 * 4
    assert sum(enqueued) == DBTaskResult.objects.count() == 40 * 4
    tasks = DBTaskResult.objects.values_list("args_kwargs", flat=True)
    assert len({str(task["args"]) for task in tasks}) == 40 * 4  # no reminder twice


def test_bench_prints_the_due_reminders_line_and_keeps_nothing(db):
    from io import StringIO

    from fsgs_portal.management.commands.bench import Command

    command = Command(stdout=StringIO())
    command.floor_view_seconds = 0.001
    command.due_reminders(users=25)
    line = command.stdout.getvalue().splitlines()[-1]
    assert line.startswith("find due reminders, 25 users")
    assert line.endswith("5 queries, 100 due")
    assert not ReminderSettings.objects.exists()  # seeded in a transaction rolled back


def test_a_repeated_task_sends_nothing_more(db, now, owner, patient):
    remind(owner, patient)
    send_due_reminders(now)
    reminder = SentReminder.objects.get()
    assert reminder_delivery.deliver(reminder.pk) == ReminderStatus.SENT
    assert reminder_delivery.deliver(reminder.pk) == "not queued"
    assert len(mail.outbox) == 1


def test_a_row_a_dead_worker_left_sending_is_claimed_again_after_a_while(db, now, owner, patient):
    remind(owner, patient)
    send_due_reminders(now)
    SentReminder.objects.update(status=ReminderStatus.SENDING, next_attempt_at=NOW)
    assert reminder_queue.claim(NOW + SentReminder.STUCK_AFTER - timedelta(minutes=1)) == []
    [again] = reminder_queue.claim(NOW + SentReminder.STUCK_AFTER)
    assert SentReminder.objects.get(pk=again).status == ReminderStatus.QUEUED
    reminder_delivery.deliver(again)
    assert len(mail.outbox) == 1


def test_access_revoked_after_the_claim_sends_nothing(db, now, owner, patient, editor):
    remind(editor, patient)
    send_due_reminders(now)
    patient.access.filter(user=editor).update(revoked_at=NOW)
    deliver_all()
    assert mail.outbox == []
    reminder = SentReminder.objects.get()
    assert reminder.status == ReminderStatus.FAILED
    assert "access ended" in reminder.last_error
