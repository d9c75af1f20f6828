"""When reminders are due: a person's reminder plan + the diary's state + now → the due reminders.

Pure: no models, no views, no clock of its own (the caller passes `now`), like tracker.alerts.
The database side (tracker.reminder_queue) turns rows into the dataclasses below, and
tracker.reminder_delivery sends what this module says is due.

Kinds (the `kind` of each reminder, part of its idempotency key with the user, the diary and the
scheduled time):

| kind     | when, in the diary's local time                                               |
|----------|-------------------------------------------------------------------------------|
| diary    | every day at the chosen time, unless that day is already logged                |
| medicine | at each chosen dose time, on days a medicine's dose step asks for that many    |
|          | doses (the 1st time for once a day, the 2nd too for twice a day, ...)          |
| taper    | the day before a medicine's dose step starts (a taper is several dated steps), |
|          | at the "day before" time; every change that day in one reminder                |
| labs     | N weeks after the last lab result, at the "day before" time                   |
| visit    | the day before the next visit, at the "day before" time                       |

Time zones: each occurrence is a local wall-clock time on a local date in the diary's zone
(zoneinfo), turned into UTC on that date, so 08:00 stays 08:00 across daylight-saving changes.
A time that does not exist (02:30 on a spring-forward night) is sent at the same distance after
the change (03:30); a time that happens twice (01:30 on an autumn night) is sent once, the first
time. Quiet hours move a reminder to the end of the quiet hours.

Missed reminders (the worker was down): a reminder is due from its send time until its kind's
cut-off (LATE_CUTOFF) has passed; within that window it is sent late, once (the caller's unique row
sees to "once"); after it, it is dropped. Nothing older than the cut-off is ever looked at.

Privacy (SECURITY.md, lock screens are public): `title` and `text` carry only the diary's first
name and the kind; `detail` (doses, times) is for the email body and the page behind the link.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from tracker.units import number_text

DIARY, MEDICINE, TAPER, LABS, VISIT = "diary", "medicine", "taper", "labs", "visit"
KINDS = (DIARY, MEDICINE, TAPER, LABS, VISIT)

# How late a missed reminder may still be sent; after that it is dropped. A dose reminder three
# hours late would invite a double dose, so medicines get the shortest window.
LATE_CUTOFF = {
    DIARY: timedelta(hours=3),
    MEDICINE: timedelta(hours=1),
    TAPER: timedelta(hours=6),
    LABS: timedelta(hours=12),
    VISIT: timedelta(hours=6),
}
LONGEST_CUTOFF = max(LATE_CUTOFF.values())

# Doses a day for each DoseStep.frequency code (tracker.models.Frequency): how many of the chosen
# dose times apply. "Every other day" and "once a week" count from the step's first day. "When
# needed" has no schedule; "other (see note)" gets the first dose time.
DOSES_A_DAY = {"1/day": 1, "2/day": 2, "3/day": 3, "4/day": 4, "alt": 1, "1/week": 1, "other": 1}
EVERY_N_DAYS = {"alt": 2, "1/week": 7}

DEFAULT_DIARY_TIME = time(20, 0)
DEFAULT_NOTICE_TIME = time(18, 0)


@dataclass(frozen=True)
class DoseStep:
    starts_on: date
    dose: Decimal
    unit: str
    frequency: str
    frequency_text: str = ""  # "once a day", for the taper detail


@dataclass(frozen=True)
class Medicine:
    name: str
    started_on: date
    stopped_on: date | None
    steps: tuple[DoseStep, ...]  # any order

    def is_taken_on(self, day: date) -> bool:
        return self.started_on <= day and (self.stopped_on is None or self.stopped_on >= day)

    def step_on(self, day: date) -> DoseStep | None:
        current = None
        for step in sorted(self.steps, key=lambda step: step.starts_on):
            if step.starts_on <= day:
                current = step
        return current

    def doses_on(self, day: date) -> int:
        """How many doses this medicine's step asks for on `day` (0 on days off)."""
        step = self.step_on(day) if self.is_taken_on(day) else None
        if step is None:
            return 0
        every = EVERY_N_DAYS.get(step.frequency)
        if every and (day - step.starts_on).days % every:
            return 0
        return DOSES_A_DAY.get(step.frequency, 0)

    def changes(self) -> list[DoseStep]:
        """The steps that change the dose after the first (a taper's later steps)."""
        ordered = sorted(self.steps, key=lambda step: step.starts_on)
        return ordered[1:]


@dataclass(frozen=True)
class Plan:
    """One person's reminder settings for one diary (tracker.models.ReminderSettings)."""

    diary_time: time | None = None
    medicine_times: tuple[time, ...] = ()
    taper: bool = False
    labs_every_weeks: int | None = None
    next_visit: datetime | None = None  # aware
    notice_time: time = DEFAULT_NOTICE_TIME  # for the day-before reminders and labs
    quiet_start: time | None = None
    quiet_end: time | None = None
    paused: bool = False


@dataclass(frozen=True)
class DiaryState:
    time_zone: str
    first_name: str
    logged_dates: frozenset[date] = frozenset()
    medicines: tuple[Medicine, ...] = ()
    last_lab_on: date | None = None


@dataclass(frozen=True)
class Due:
    kind: str
    due_at: datetime  # the scheduled time, UTC: with the kind, the idempotency key
    send_at: datetime  # after quiet hours, UTC
    title: str  # first name and kind only (lock screens)
    text: str  # as plain: the push body, the first line of an email
    detail: str = ""  # may name doses and times: email body and the page only
    link: str = "diary"  # which page the link opens: diary, medicines, labs, summary
    on: date = field(default=date.min)  # the local date it is about


def first_name(display_name: str) -> str:
    """The first word of the diary's name: all a lock screen shows of who it is for."""
    words = display_name.split()
    return words[0] if words else _("your")


def local_moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """`day` at wall-clock `at` in `zone`, as UTC. A time skipped by a spring-forward change is
    read with the offset before the change (02:30 → 03:30 new time); a time that happens twice
    is its first occurrence (fold=0)."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def in_quiet_hours(at: time, start: time | None, end: time | None) -> bool:
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= at < end
    return at >= start or at < end  # across midnight, e.g. 22:00–07:00


def after_quiet_hours(moment: datetime, plan: Plan, zone: ZoneInfo) -> datetime:
    """The send time: `moment` itself, or the end of the quiet hours it falls in."""
    local = moment.astimezone(zone)
    if not in_quiet_hours(local.time(), plan.quiet_start, plan.quiet_end):
        return moment
    day = local.date()
    if local.time() >= plan.quiet_end:  # quiet hours that end tomorrow morning
        day += timedelta(days=1)
    return local_moment(day, plan.quiet_end, zone)


def labs_due_on(plan: Plan, state: DiaryState) -> date | None:
    """N weeks after the last lab result, when the person asked for lab reminders."""
    if not plan.labs_every_weeks or state.last_lab_on is None:
        return None
    return state.last_lab_on + timedelta(weeks=plan.labs_every_weeks)


@dataclass(frozen=True)
class _Slot:
    """A scheduled reminder before its words: due_reminders looks at many slots and words only
    the due ones (translating every slot's texts for 10,000 people would cost seconds)."""

    kind: str
    due_at: datetime
    send_at: datetime
    on: date
    link: str
    words: Callable[[], tuple[str, str, str]]  # → (title, text, detail)

    def due(self) -> Due:
        title, text, detail = self.words()
        return Due(self.kind, self.due_at, self.send_at, title, text, detail, self.link, self.on)


def _taper_lines(state: DiaryState, tomorrow: date) -> list[tuple[Medicine, DoseStep]]:
    return [
        (medicine, step)
        for medicine in sorted(state.medicines, key=lambda medicine: medicine.name)
        for step in medicine.changes()
        if step.starts_on == tomorrow and medicine.is_taken_on(tomorrow)
    ]


def _dose_text(template: str, medicine: Medicine, step: DoseStep) -> str:
    return template % {
        "medicine": medicine.name,
        "dose": number_text(step.dose),  # "7,5" for a Spanish reader
        "unit": step.unit,
        "often": step.frequency_text,
    }


def _occurrences(plan: Plan, state: DiaryState, day: date, zone: ZoneInfo) -> Iterable[_Slot]:
    """Every reminder scheduled on local date `day`, whatever now is."""
    name = {"name": state.first_name}
    tomorrow = day + timedelta(days=1)

    def slot(kind, at, words, link="diary", about=day):
        due_at = local_moment(day, at, zone)
        send_at = after_quiet_hours(due_at, plan, zone)
        return _Slot(kind, due_at, send_at, about, link, words)

    if plan.diary_time is not None and day not in state.logged_dates:
        yield slot(
            DIARY,
            plan.diary_time,
            lambda: (
                _("Time for %(name)s's diary") % name,
                _("A minute for today's diary: open it from the link."),
                "",
            ),
        )
    doses_today = max((medicine.doses_on(day) for medicine in state.medicines), default=0)
    for index, at in enumerate(sorted(set(plan.medicine_times))):
        if index < doses_today:
            yield slot(
                MEDICINE,
                at,
                lambda: (
                    _("Medicine reminder for %(name)s") % name,
                    _("It is time for a medicine dose. The list is behind the link."),
                    "",
                ),
                link="medicines",
            )
    changes = _taper_lines(state, tomorrow) if plan.taper else []
    if changes:
        yield slot(
            TAPER,
            plan.notice_time,
            lambda: (
                _("Medicine change for %(name)s") % name,
                _("A medicine changes tomorrow. See what changes behind the link."),
                "\n".join(
                    _dose_text(
                        _("From tomorrow: %(medicine)s %(dose)s %(unit)s %(often)s"), *change
                    ).strip()
                    for change in changes
                ),
            ),
            link="medicines",
            about=tomorrow,
        )
    if labs_due_on(plan, state) == day:
        yield slot(
            LABS,
            plan.notice_time,
            lambda: (
                _("Lab tests reminder for %(name)s") % name,
                _("Lab tests are due. Check with your care team when to have them."),
                "",
            ),
            link="labs",
        )
    visit = plan.next_visit.astimezone(zone) if plan.next_visit is not None else None
    if visit is not None and visit.date() == tomorrow:
        yield slot(
            VISIT,
            plan.notice_time,
            lambda: (
                _("Visit reminder for %(name)s") % name,
                _("The visit is tomorrow: print or share your visit summary from the link."),
                _("Visit tomorrow at %(time)s.") % {"time": visit.strftime("%H:%M")},
            ),
            link="summary",
            about=tomorrow,
        )


def due_reminders(plan: Plan, state: DiaryState, now: datetime) -> list[Due]:
    """The reminders to send at `now` (aware): send time reached, kind's cut-off not passed.

    Only local dates from (now - the longest cut-off - 1 day) to today are looked at: a quiet-hours
    shift can carry yesterday's reminder into today, and anything older is past every cut-off."""
    if plan.paused:
        return []
    zone = ZoneInfo(state.time_zone)
    first, today = window_dates(now, state.time_zone)
    due = []
    day = first
    while day <= today:
        for found in _occurrences(plan, state, day, zone):
            if found.send_at <= now < found.send_at + LATE_CUTOFF[found.kind]:
                due.append(found.due())
        day += timedelta(days=1)
    return sorted(due, key=lambda reminder: (reminder.send_at, reminder.kind))


def window_dates(now: datetime, time_zone: str) -> tuple[date, date]:
    """The local dates due_reminders may look at (for loading logged days), first and last."""
    zone = ZoneInfo(time_zone)
    first = (now - LONGEST_CUTOFF).astimezone(zone).date() - timedelta(days=1)
    return first, now.astimezone(zone).date()


# Calendar feed ------------------------------------------------------------------------------------

CALENDAR_PAST_DAYS = 30  # events this far back stay in the feed, so a calendar app keeps them


@dataclass(frozen=True)
class CalendarEvent:
    uid: str  # stable, so a calendar app updates an event rather than adding it twice
    title: str  # first name and kind only, like notification titles
    start: date | datetime  # a date is an all-day event
    description: str = ""


def calendar_events(
    plan: Plan, state: DiaryState, today: date, *, show_doses: bool = False
) -> list[CalendarEvent]:
    """Dose changes (taper steps), lab tests due and the next visit, from CALENDAR_PAST_DAYS ago
    on. Doses and medicine names are in a description only when `show_doses` is on."""
    name = state.first_name
    since = today - timedelta(days=CALENDAR_PAST_DAYS)
    events = []
    for medicine in sorted(state.medicines, key=lambda medicine: medicine.name):
        for step in medicine.changes():
            if step.starts_on < since or not medicine.is_taken_on(step.starts_on):
                continue
            description = _("See the medicines page of the diary.")
            if show_doses:
                template = _("From today: %(medicine)s %(dose)s %(unit)s %(often)s")
                description = _dose_text(template, medicine, step)
            events.append(
                CalendarEvent(
                    uid=f"taper-{step.starts_on.isoformat()}-{len(events)}",
                    title=_("Medicine change for %(name)s") % {"name": name},
                    start=step.starts_on,
                    description=description.strip(),
                )
            )
    due_on = labs_due_on(plan, state)
    if due_on is not None and due_on >= since:
        events.append(
            CalendarEvent(
                uid=f"labs-{due_on.isoformat()}",
                title=_("Lab tests for %(name)s") % {"name": name},
                start=due_on,
                description=_("Lab tests are due. Check with your care team."),
            )
        )
    if plan.next_visit is not None and plan.next_visit.date() >= since:
        events.append(
            CalendarEvent(
                uid=f"visit-{plan.next_visit.astimezone(UTC).strftime('%Y%m%dT%H%M')}",
                title=_("Visit for %(name)s") % {"name": name},
                start=plan.next_visit,
                description=_("Print or share the visit summary before you go."),
            )
        )
    return events
