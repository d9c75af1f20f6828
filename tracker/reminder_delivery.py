"""Sending one claimed reminder: the task the worker runs, and the channels it sends through.

`deliver_reminder` (a django-tasks task) is enqueued by send_due_reminders for each row it
claimed. It sends through every channel the person turned on, by the registry CHANNELS:

- "email": always registered (Django's email settings: SMTP in production, console in
  development). Every email has List-Unsubscribe and List-Unsubscribe-Post headers (RFC 8058).
- "push": registered when the site has VAPID keys (tracker.push.push_enabled). It calls
  `tracker.push.send_push(user, title=, body=, url=) -> PushResult`; the payload is the
  reminder's title and plain text, never its detail.

A channel returns a ChannelResult. When a channel fails, the row goes back to PENDING with a
later next_attempt_at (RETRY_AFTER: 2, 10, 30 minutes), and becomes FAILED after
SentReminder.MAX_ATTEMPTS; the channels that already worked are not sent again. The reminders
page shows the last error.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from fsgs_portal.accounts.language import language_of
from tracker.models import CareAccess, ReminderSettings, ReminderStatus, SentReminder
from tracker.push import push_enabled, send_push

logger = logging.getLogger(__name__)

RETRY_AFTER = (timedelta(minutes=2), timedelta(minutes=10), timedelta(minutes=30))
UNSUBSCRIBE_SALT = "tracker.reminders.unsubscribe"
LINK_PAGES = {
    "diary": "patient_diary",
    "medicines": "medication_list",
    "labs": "lab_list",
    "summary": "patient_summary",
}


@dataclass(frozen=True)
class ChannelResult:
    ok: bool
    error: str = ""


Channel = Callable[[SentReminder, ReminderSettings], ChannelResult]


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def reminder_url(reminder: SentReminder) -> str:
    page = LINK_PAGES.get(reminder.link, "patient_diary")
    return absolute(reverse(page, kwargs={"pid": reminder.patient.public_id}))


# Unsubscribe: a signed (user, diary) pair, no table. --------------------------------------------


def unsubscribe_token(user_id: int, patient_id: int) -> str:
    return signing.dumps({"u": user_id, "p": patient_id}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, int] | None:
    """(user id, patient id) from a token this site signed, or None."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return int(data["u"]), int(data["p"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def unsubscribe_url(user_id: int, patient_id: int) -> str:
    token = unsubscribe_token(user_id, patient_id)
    return absolute(reverse("reminder_unsubscribe", kwargs={"token": token}))


# Channels ---------------------------------------------------------------------------------------


def send_email(reminder: SentReminder, reminder_settings: ReminderSettings) -> ChannelResult:
    """The reminder by email: subject = title (first name and kind only), body = text, detail,
    the link, and how to stop; one-click unsubscribe headers (RFC 8058)."""
    stop = unsubscribe_url(reminder.user_id, reminder.patient_id)
    body = render_to_string(
        "email/reminder.txt",
        {
            "reminder": reminder,
            "link": reminder_url(reminder),
            "settings_link": absolute(
                reverse("reminders_page", kwargs={"pid": reminder.patient.public_id})
            ),
            "unsubscribe_link": stop,
        },
    )
    message = EmailMessage(
        subject=reminder.title,
        body=body,
        to=[reminder.user.email],
        headers={
            "List-Unsubscribe": f"<{stop}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    try:
        message.send()
    except Exception as error:  # SMTP down, refused address: recorded and retried
        logger.warning("Reminder %s: email failed: %s", reminder.pk, type(error).__name__)
        return ChannelResult(False, _("Email could not be sent (%(why)s).") % {"why": error})
    return ChannelResult(True)


def send_push_channel(reminder: SentReminder, reminder_settings: ReminderSettings) -> ChannelResult:
    """The reminder by web push (tracker.push; on when the site has VAPID keys). The payload
    holds the title and plain text only: no health data on a lock screen."""
    # The service worker opens paths on its own site only: the link without SITE_URL.
    path = urlsplit(reminder_url(reminder)).path
    result = send_push(reminder.user, title=reminder.title, body=reminder.text, url=path)
    if result.sent:
        return ChannelResult(True)
    if result.errors:
        return ChannelResult(False, "; ".join(result.errors)[:200])
    return ChannelResult(False, _("No browser is set up for push notifications."))


def channels() -> dict[str, Channel]:
    """The channel registry: name → sender. "push" joins when the site has VAPID keys."""
    registry: dict[str, Channel] = {"email": send_email}
    if push_enabled():
        registry["push"] = send_push_channel
    return registry


def wanted_channels(reminder_settings: ReminderSettings) -> list[str]:
    wanted = []
    if reminder_settings.email_enabled:
        wanted.append("email")
    if reminder_settings.push_enabled:
        wanted.append("push")
    return wanted


# The task ---------------------------------------------------------------------------------------


def deliver(reminder_id: int) -> str:
    """Send one QUEUED reminder through each wanted channel not yet done; record the outcome.

    The row is taken first (QUEUED → SENDING by a conditional update): a repeated task finds
    nothing to do. No transaction is held while sending (an SMTP server may be slow)."""
    taken = SentReminder.objects.filter(pk=reminder_id, status=ReminderStatus.QUEUED).update(
        status=ReminderStatus.SENDING, next_attempt_at=timezone.now()
    )
    if not taken:
        return "not queued"  # sent already, or taken by another task
    reminder = SentReminder.objects.select_related("user", "patient").get(pk=reminder_id)
    reminder_settings = ReminderSettings.objects.filter(
        user_id=reminder.user_id, patient_id=reminder.patient_id
    ).first()
    still_sees_it = CareAccess.objects.active().filter(
        user_id=reminder.user_id, patient_id=reminder.patient_id
    )
    wanted = []
    if reminder_settings and not reminder_settings.paused and still_sees_it.exists():
        wanted = wanted_channels(reminder_settings)
    registry = channels()
    done = set(filter(None, reminder.channels_sent.split(",")))
    errors, can_retry = [], False
    # Written in the recipient's language (the email's words; the title and text were written
    # in it when the reminder was found, see reminder_queue.find_due); so are the errors the
    # reminders page shows them.
    with translation.override(language_of(reminder.user)):
        if not wanted:
            errors.append(_("Not sent: reminders were paused or turned off, or access ended."))
        for name in wanted:
            if name in done:
                continue
            if name not in registry:
                errors.append(_("Push notifications are not available on this site yet."))
                continue
            result = registry[name](reminder, reminder_settings)
            if result.ok:
                done.add(name)
            else:
                errors.append(result.error)
                can_retry = True
    reminder.channels_sent = ",".join(sorted(done))
    reminder.attempts += 1
    reminder.last_error = " ".join(errors)[:300]
    if can_retry and reminder.attempts < SentReminder.MAX_ATTEMPTS:
        reminder.status = ReminderStatus.PENDING
        wait = RETRY_AFTER[min(reminder.attempts - 1, len(RETRY_AFTER) - 1)]
        reminder.next_attempt_at = timezone.now() + wait
    elif errors and not done:
        reminder.status = ReminderStatus.FAILED
    else:
        reminder.status = ReminderStatus.SENT
        reminder.sent_at = timezone.now()
    reminder.save(
        update_fields=[
            "channels_sent",
            "attempts",
            "last_error",
            "status",
            "next_attempt_at",
            "sent_at",
        ]
    )
    return reminder.status


@task()
def deliver_reminder(reminder_id: int) -> str:
    return deliver(reminder_id)
