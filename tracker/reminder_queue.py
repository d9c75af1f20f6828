"""Finding due reminders in the database and claiming them, for `manage.py send_due_reminders`.

Three steps, each safe to run twice or from two places at once:
1. `find_due(now)`: every active ReminderSettings row with its diary's state, through
   tracker.reminders (pure), in a fixed number of queries whatever the number of users.
2. `record(due)`: one SentReminder row per reminder, inserted ignoring conflicts: the row unique on
   (user, diary, kind, due time) is the idempotency key, so a reminder is recorded once.
3. `claim(now)`: PENDING rows whose time has come become QUEUED, locked with
   SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL (two schedulers take disjoint rows); on SQLite
   the write transaction is already exclusive (settings: transaction_mode IMMEDIATE). Each
   claimed row gets one task (tracker.reminder_delivery.deliver_reminder).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import translation

from fsgs_portal.accounts.language import language_of
from tracker import reminders
from tracker.models import (
    CareAccess,
    DiaryDay,
    DoseStep,
    Frequency,
    LabResult,
    Medication,
    ReminderSettings,
    ReminderStatus,
    SentReminder,
)

CLAIM_BATCH = 500
FREQUENCY_LABELS = dict(Frequency.choices)


@dataclass(frozen=True)
class FoundReminder:
    user_id: int
    patient_id: int
    due: reminders.Due


def parse_times(values) -> tuple[time, ...]:
    return tuple(sorted({time.fromisoformat(value) for value in values or ()}))


def plan_of(row: ReminderSettings) -> reminders.Plan:
    return reminders.Plan(
        diary_time=row.diary_time if row.diary_enabled else None,
        medicine_times=parse_times(row.medicine_times),
        taper=row.taper_enabled,
        labs_every_weeks=row.labs_every_weeks,
        next_visit=row.next_visit_at,
        notice_time=row.notice_time,
        quiet_start=row.quiet_start,
        quiet_end=row.quiet_end,
        paused=row.paused,
    )


def medicines_by_patient(medications) -> dict[int, tuple[reminders.Medicine, ...]]:
    """Patient id → its medicines with their dose steps, in two queries of plain values (model
    instances for 10,000 diaries would cost more than the queries)."""
    steps = defaultdict(list)
    for medication_id, starts_on, dose, unit, frequency in (
        DoseStep.objects.filter(medication__in=medications.values("pk"))
        .order_by("starts_on", "pk")
        .values_list("medication_id", "starts_on", "dose", "unit", "frequency")
    ):
        # The label stays lazy: translated only when a reminder's detail is written.
        label = FREQUENCY_LABELS.get(frequency, "")
        steps[medication_id].append(reminders.DoseStep(starts_on, dose, unit, frequency, label))
    found = defaultdict(list)
    for pk, patient_id, name, started_on, stopped_on in medications.order_by(
        "name", "pk"
    ).values_list("pk", "patient_id", "name", "started_on", "stopped_on"):
        medicine = reminders.Medicine(name, started_on, stopped_on, tuple(steps[pk]))
        found[patient_id].append(medicine)
    return {patient_id: tuple(items) for patient_id, items in found.items()}


def active_settings():
    """Settings that can send something: not paused, a channel on, access not revoked."""
    has_access = CareAccess.objects.active().filter(
        user=OuterRef("user_id"), patient=OuterRef("patient_id")
    )
    return (
        ReminderSettings.objects.filter(paused=False)
        .filter(Q(email_enabled=True) | Q(push_enabled=True))
        .filter(Exists(has_access))
    )


def find_due(now: datetime) -> list[FoundReminder]:
    """Everything due at `now`, in five queries: settings with their diaries, recent logged
    days, medicines, dose steps, last lab date per diary (subqueries, never one query per user)."""
    rows = list(active_settings().select_related("patient", "user").order_by("pk"))
    if not rows:
        return []
    patient_ids = active_settings().values("patient_id")
    # The widest local window any zone can need: a day either side of UTC's.
    first, last = reminders.window_dates(now, "UTC")
    logged = defaultdict(set)
    days = DiaryDay.objects.filter(
        patient_id__in=patient_ids,
        date__gte=first - timedelta(days=1),
        date__lte=last + timedelta(days=1),
    )
    for patient_id, on in days.values_list("patient_id", "date"):
        logged[patient_id].add(on)
    medicines = medicines_by_patient(
        Medication.objects.filter(patient_id__in=patient_ids).filter(
            Q(stopped_on__isnull=True) | Q(stopped_on__gte=first - timedelta(days=1))
        )
    )
    last_labs = dict(
        LabResult.objects.filter(patient_id__in=patient_ids)
        .values("patient_id")
        .annotate(last=Max("date"))
        .values_list("patient_id", "last")
    )
    found = []
    states = {}
    for row in rows:
        patient = row.patient
        if patient.pk not in states:
            states[patient.pk] = reminders.DiaryState(
                time_zone=patient.time_zone,
                first_name=reminders.first_name(patient.display_name),
                logged_dates=frozenset(logged[patient.pk]),
                medicines=medicines.get(patient.pk, ()),
                last_lab_on=last_labs.get(patient.pk),
            )
        # The words (title, text, detail) in the language of the person who receives them.
        with translation.override(language_of(row.user)):
            for due in reminders.due_reminders(plan_of(row), states[patient.pk], now):
                found.append(FoundReminder(row.user_id, patient.pk, due))
    return found


def record(found: list[FoundReminder]) -> int:
    """Insert one row per reminder, ignoring those already there; returns how many were new."""
    if not found:
        return 0
    rows = [
        SentReminder(
            user_id=item.user_id,
            patient_id=item.patient_id,
            kind=item.due.kind,
            due_at=item.due.due_at,
            send_at=item.due.send_at,
            next_attempt_at=item.due.send_at,
            title=item.due.title[:120],
            text=item.due.text[:300],
            detail=item.due.detail,
            link=item.due.link,
        )
        for item in found
    ]
    before = SentReminder.objects.count()
    SentReminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=CLAIM_BATCH)
    return SentReminder.objects.count() - before


def claimable(now: datetime) -> Q:
    """Waiting rows whose time has come, and rows a dead worker left SENDING."""
    return Q(status=ReminderStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=ReminderStatus.SENDING, next_attempt_at__lte=now - SentReminder.STUCK_AFTER
    )


def claim(now: datetime, limit: int = CLAIM_BATCH) -> list[int]:
    """Mark up to `limit` claimable rows QUEUED and return their ids; rows another scheduler
    holds are skipped (PostgreSQL), so each row is claimed once."""
    with transaction.atomic():
        rows = SentReminder.objects.filter(claimable(now)).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        ids = list(rows.values_list("pk", flat=True)[:limit])
        if ids:
            SentReminder.objects.filter(claimable(now), pk__in=ids).update(
                status=ReminderStatus.QUEUED, next_attempt_at=now
            )
    return ids


def state_of(patient) -> reminders.DiaryState:
    """One diary's state for the calendar feed and the reminders page (medicines and last lab;
    logged days are not needed there)."""
    return reminders.DiaryState(
        time_zone=patient.time_zone,
        first_name=reminders.first_name(patient.display_name),
        medicines=medicines_by_patient(patient.medications.all()).get(patient.pk, ()),
        last_lab_on=patient.labs.aggregate(last=Max("date"))["last"],
    )
