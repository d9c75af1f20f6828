"""Reminders (issue #14): each person who can see a diary sets their own; the calendar feed; the
one-click unsubscribe link of every reminder email.

Viewing-only caregivers may set reminders too: they change only their own settings, never the
diary, so the page asks only that the diary is theirs to see.
"""

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from icalendar import Calendar, Event

from tracker import reminder_queue, reminders
from tracker.access import patient_for
from tracker.forms.reminders import CalendarFeedForm, ReminderSettingsForm
from tracker.models import CalendarFeed, ReminderSettings, ReminderStatus, hash_token
from tracker.reminder_delivery import read_unsubscribe_token
from tracker.views.push import push_panel_context

RECENT_SENDS = 10


def settings_for(user, patient) -> ReminderSettings:
    """The person's settings for this diary, unsaved defaults if none yet."""
    found = ReminderSettings.objects.filter(user=user, patient=patient).first()
    return found or ReminderSettings(user=user, patient=patient)


def render_page(request, patient, form, *, new_feed_url: str = "") -> HttpResponse:
    user = request.user
    sends = patient.sent_reminders.filter(user=user).order_by("-due_at", "-pk")[:RECENT_SENDS]
    feed = patient.calendar_feeds.filter(user=user, revoked_at__isnull=True).first()
    return render(
        request,
        "tracker/reminders.html",
        {
            "patient": patient,
            "section": "reminders",
            "form": form,
            "sends": sends,
            "failed": ReminderStatus.FAILED,
            "feed": feed,
            "feed_form": CalendarFeedForm(initial={"show_doses": feed and feed.show_doses}),
            "new_feed_url": new_feed_url,
            **push_panel_context(request),
        },
    )


@require_http_methods(["GET", "POST"])
def reminders_page(request: HttpRequest, pid: str) -> HttpResponse:
    patient = patient_for(request.user, pid)
    instance = settings_for(request.user, patient)
    form = ReminderSettingsForm(request.POST or None, instance=instance, patient=patient)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your reminders are saved."))
        return redirect("reminders_page", pid=pid)
    return render_page(request, patient, form)


@require_POST
def calendar_feed_create(request: HttpRequest, pid: str) -> HttpResponse:
    """A new calendar address (the old one stops working); shown this once."""
    patient = patient_for(request.user, pid)
    feed_form = CalendarFeedForm(request.POST)
    feed_form.is_valid()  # one optional tick box: always valid
    _feed, token = CalendarFeed.issue(
        request.user, patient, show_doses=feed_form.cleaned_data.get("show_doses", False)
    )
    url = request.build_absolute_uri(reverse("calendar_feed", kwargs={"token": f"{token}.ics"}))
    form = ReminderSettingsForm(instance=settings_for(request.user, patient), patient=patient)
    return render_page(request, patient, form, new_feed_url=url)


@require_POST
def calendar_feed_revoke(request: HttpRequest, pid: str) -> HttpResponse:
    patient = patient_for(request.user, pid)
    patient.calendar_feeds.filter(user=request.user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    messages.success(request, _("Your calendar address no longer works."))
    return redirect("reminders_page", pid=pid)


@login_not_required
@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed of a live address: 404 once revoked, or when its person can no longer
    see the diary. `token` is the last part of the path, "<token>.ics"."""
    token, suffix = token[:-4], token[-4:]
    if suffix != ".ics":
        raise Http404
    feed = (
        CalendarFeed.objects.filter(
            token_hash=hash_token(token),
            revoked_at__isnull=True,
            patient__access__user=F("user"),
            patient__access__revoked_at__isnull=True,
        )
        .select_related("patient", "user")
        .first()
    )
    if feed is None:
        raise Http404
    patient = feed.patient
    plan = reminder_queue.plan_of(settings_for(feed.user, patient))
    events = reminders.calendar_events(
        plan, reminder_queue.state_of(patient), patient.today(), show_doses=feed.show_doses
    )
    calendar = Calendar()
    calendar.add("prodid", "-//FSGS Portal//Reminders//EN")
    calendar.add("version", "2.0")
    name = reminders.first_name(patient.display_name)
    calendar.add("x-wr-calname", _("%(name)s's diary") % {"name": name})
    stamp = timezone.now()
    for item in events:
        event = Event()
        event.add("uid", f"{item.uid}-{feed.pk}@fsgs-portal")
        event.add("dtstamp", stamp)
        event.add("summary", item.title)
        event.add("dtstart", item.start)
        if isinstance(item.start, datetime):
            event.add("dtend", item.start + timedelta(hours=1))
        event.add("description", item.description)
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


@login_not_required
@csrf_exempt  # RFC 8058: mail apps POST "List-Unsubscribe=One-Click" without a form or cookie
@require_http_methods(["GET", "POST"])
def reminder_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with one button; POST: email reminders for that diary stop (no log-in)."""
    found = read_unsubscribe_token(token)
    if found is None:
        raise Http404
    user_id, patient_id = found
    reminder_settings = ReminderSettings.objects.filter(
        user_id=user_id, patient_id=patient_id
    ).first()
    if reminder_settings is None:
        raise Http404
    done = False
    if request.method == "POST":
        reminder_settings.email_enabled = False
        reminder_settings.save(update_fields=["email_enabled", "updated_at"])
        done = True
    return render(
        request,
        "tracker/reminders_unsubscribe.html",
        {
            "done": done,
            "name": reminders.first_name(reminder_settings.patient.display_name),
        },
    )
