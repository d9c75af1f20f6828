"""Find the reminders due now, record each once, claim them and enqueue one task each.

Idempotent: run it every minute from the scheduler (`manage.py run_reminders`) or cron; a crash,
a retry or two copies at once never send a reminder twice (tracker/reminder_queue.py)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from tracker import reminder_queue
from tracker.reminder_delivery import deliver_reminder


def send_due_reminders(now=None) -> tuple[int, int]:
    """(reminders newly recorded, tasks enqueued) at `now` (default: the clock)."""
    now = now or timezone.now()
    recorded = reminder_queue.record(reminder_queue.find_due(now))
    claimed = reminder_queue.claim(now)
    for reminder_id in claimed:
        deliver_reminder.enqueue(reminder_id)
    return recorded, len(claimed)


class Command(BaseCommand):
    help = "Find due reminders, record each once, and enqueue their sending."

    def handle(self, *args, **options):
        recorded, enqueued = send_due_reminders()
        if options["verbosity"] > 1 or enqueued:
            self.stdout.write(f"{recorded} reminders recorded, {enqueued} enqueued")
