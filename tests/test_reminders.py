"""tracker.reminders: the schedule, pure (plan + diary state + now → due reminders). No database."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tracker import reminders
from tracker.reminders import (
    DIARY,
    LABS,
    MEDICINE,
    TAPER,
    VISIT,
    DiaryState,
    DoseStep,
    Medicine,
    Plan,
    calendar_events,
    due_reminders,
)

NEW_YORK = "America/New_York"
LONDON = "Europe/London"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(zone: str, *args) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone))


def state(zone="UTC", **fields) -> DiaryState:
    fields.setdefault("first_name", "Mia")
    return DiaryState(time_zone=zone, **fields)


def prednisone(*steps, frequency="1/day", stopped_on=None) -> Medicine:
    """Prednisone with dose steps [(date, mg), ...]: a taper."""
    return Medicine(
        name="Prednisone",
        started_on=steps[0][0],
        stopped_on=stopped_on,
        steps=tuple(DoseStep(on, Decimal(mg), "mg", frequency, "once a day") for on, mg in steps),
    )


def kinds_at(plan, diary, now) -> list[str]:
    return [reminder.kind for reminder in due_reminders(plan, diary, now)]


# Diary -------------------------------------------------------------------------------------------


def test_the_diary_reminder_is_due_at_its_local_time_and_not_before():
    plan = Plan(diary_time=time(20, 0))
    diary = state(NEW_YORK)
    at = local(NEW_YORK, 2026, 6, 10, 20, 0)
    assert kinds_at(plan, diary, at - timedelta(minutes=1)) == []
    [due] = due_reminders(plan, diary, at)
    assert due.kind == DIARY
    assert due.due_at == utc(2026, 6, 11, 0, 0)  # EDT: UTC-4
    assert due.title == "Time for Mia's diary"


def test_a_logged_day_gets_no_diary_reminder():
    plan = Plan(diary_time=time(20, 0))
    logged = state(LONDON, logged_dates=frozenset({date(2026, 6, 10)}))
    at = local(LONDON, 2026, 6, 10, 20, 5)
    assert kinds_at(plan, logged, at) == []
    assert kinds_at(plan, state(LONDON), at) == [DIARY]


def test_a_missed_reminder_is_sent_late_once_within_the_cutoff_then_dropped():
    plan = Plan(diary_time=time(8, 0))
    diary = state()
    cutoff = reminders.LATE_CUTOFF[DIARY]
    assert kinds_at(plan, diary, utc(2026, 6, 10, 8, 0) + cutoff - timedelta(minutes=1)) == [DIARY]
    assert kinds_at(plan, diary, utc(2026, 6, 10, 8, 0) + cutoff) == []


def test_the_same_reminder_has_the_same_key_every_minute_it_is_due():
    plan = Plan(diary_time=time(8, 0))
    first = due_reminders(plan, state(), utc(2026, 6, 10, 8, 0))
    later = due_reminders(plan, state(), utc(2026, 6, 10, 8, 30))
    assert [(r.kind, r.due_at) for r in first] == [(r.kind, r.due_at) for r in later]


def test_pause_stops_everything():
    plan = Plan(diary_time=time(8, 0), paused=True)
    assert kinds_at(plan, state(), utc(2026, 6, 10, 8, 0)) == []


# Daylight saving -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "before", "after", "offset_before", "offset_after"),
    [
        # Spring: clocks go forward (New York 8 Mar 2026, London 29 Mar 2026).
        (NEW_YORK, date(2026, 3, 7), date(2026, 3, 8), 5, 4),
        (LONDON, date(2026, 3, 28), date(2026, 3, 29), 0, -1),
        # Autumn: clocks go back (New York 1 Nov 2026, London 25 Oct 2026).
        (NEW_YORK, date(2026, 10, 31), date(2026, 11, 1), 4, 5),
        (LONDON, date(2026, 10, 24), date(2026, 10, 25), -1, 0),
    ],
)
def test_a_local_time_stays_the_same_across_daylight_saving_changes(
    zone, before, after, offset_before, offset_after
):
    plan = Plan(diary_time=time(8, 0))
    for day, hours in ((before, offset_before), (after, offset_after)):
        expected = datetime.combine(day, time(8, 0), tzinfo=UTC) + timedelta(hours=hours)
        [due] = due_reminders(plan, state(zone), expected)
        assert due.due_at == expected
        assert due.due_at.astimezone(ZoneInfo(zone)).time() == time(8, 0)


def test_a_time_skipped_by_spring_forward_is_sent_once_just_after_the_change():
    plan = Plan(diary_time=time(2, 30))  # 02:30 does not exist in New York on 8 Mar 2026
    found = [
        reminder
        for minute in range(0, 24 * 60, 15)
        for reminder in due_reminders(
            plan, state(NEW_YORK), utc(2026, 3, 8, 0, 0) + timedelta(minutes=minute)
        )
        if reminder.due_at.astimezone(ZoneInfo(NEW_YORK)).date() == date(2026, 3, 8)
    ]
    keys = {reminder.due_at for reminder in found}
    assert keys == {utc(2026, 3, 8, 7, 30)}  # 03:30 EDT
    assert keys.pop().astimezone(ZoneInfo(NEW_YORK)).time() == time(3, 30)


@pytest.mark.parametrize(
    ("zone", "day"), [(NEW_YORK, date(2026, 11, 1)), (LONDON, date(2026, 10, 25))]
)
def test_a_time_that_happens_twice_in_autumn_has_one_key(zone, day):
    plan = Plan(diary_time=time(1, 30))
    start = datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(zone)).astimezone(UTC)
    keys = {
        reminder.due_at
        for minute in range(0, 5 * 60, 10)
        for reminder in due_reminders(plan, state(zone), start + timedelta(minutes=minute))
    }
    assert len(keys) == 1
    [key] = keys
    assert key.astimezone(ZoneInfo(zone)).time() == time(1, 30)
    assert key.astimezone(ZoneInfo(zone)).fold == 0  # the first 01:30


# Quiet hours -----------------------------------------------------------------------------------


def test_quiet_hours_move_a_reminder_to_their_end():
    plan = Plan(diary_time=time(23, 0), quiet_start=time(22, 0), quiet_end=time(7, 0))
    assert kinds_at(plan, state(LONDON), local(LONDON, 2026, 6, 10, 23, 0)) == []
    [due] = due_reminders(plan, state(LONDON), local(LONDON, 2026, 6, 11, 7, 0))
    assert due.due_at == local(LONDON, 2026, 6, 10, 23, 0)
    assert due.send_at == local(LONDON, 2026, 6, 11, 7, 0)


def test_quiet_hours_within_a_day():
    plan = Plan(diary_time=time(13, 0), quiet_start=time(12, 0), quiet_end=time(14, 0))
    [due] = due_reminders(plan, state(), utc(2026, 6, 10, 14, 0))
    assert due.send_at == utc(2026, 6, 10, 14, 0)


# Medicines and tapers -----------------------------------------------------------------------------


def test_dose_times_follow_the_dose_steps_frequency():
    plan = Plan(medicine_times=(time(8, 0), time(20, 0)))
    once = state(medicines=(prednisone((date(2026, 1, 1), "40")),))
    twice = state(medicines=(prednisone((date(2026, 1, 1), "40"), frequency="2/day"),))
    evening = utc(2026, 6, 10, 20, 0)
    assert kinds_at(plan, once, utc(2026, 6, 10, 8, 0)) == [MEDICINE]
    assert kinds_at(plan, once, evening) == []
    assert kinds_at(plan, twice, evening) == [MEDICINE]


def test_every_other_day_counts_from_the_step_and_a_stopped_medicine_is_quiet():
    plan = Plan(medicine_times=(time(8, 0),))
    alternate = state(medicines=(prednisone((date(2026, 6, 1), "20"), frequency="alt"),))
    assert kinds_at(plan, alternate, utc(2026, 6, 11, 8, 0)) == [MEDICINE]  # day 10
    assert kinds_at(plan, alternate, utc(2026, 6, 10, 8, 0)) == []  # day 9
    stopped = state(medicines=(prednisone((date(2026, 1, 1), "5"), stopped_on=date(2026, 6, 9)),))
    assert kinds_at(plan, stopped, utc(2026, 6, 10, 8, 0)) == []


def test_the_day_before_a_taper_step_says_what_changes_tomorrow():
    taper = prednisone(
        (date(2026, 5, 1), "30"), (date(2026, 5, 15), "25"), (date(2026, 5, 29), "20")
    )
    plan = Plan(taper=True, notice_time=time(18, 0))
    diary = state(NEW_YORK, medicines=(taper,))
    [due] = due_reminders(plan, diary, local(NEW_YORK, 2026, 5, 14, 18, 0))
    assert due.kind == TAPER
    assert due.on == date(2026, 5, 15)
    assert due.detail == "From tomorrow: Prednisone 25 mg once a day"
    assert "25" not in due.title
    assert "Prednisone" not in due.title
    assert due.title == "Medicine change for Mia"
    # No reminder the day before the first step (that is the start, not a change).
    assert kinds_at(plan, diary, local(NEW_YORK, 2026, 4, 30, 18, 0)) == []
    assert kinds_at(plan, diary, local(NEW_YORK, 2026, 5, 28, 18, 0)) == [TAPER]


# Labs and visits ---------------------------------------------------------------------------------


def test_labs_are_due_n_weeks_after_the_last_result():
    plan = Plan(labs_every_weeks=4, notice_time=time(9, 0))
    diary = state(last_lab_on=date(2026, 5, 1))
    assert kinds_at(plan, diary, utc(2026, 5, 29, 9, 0)) == [LABS]
    assert kinds_at(plan, diary, utc(2026, 5, 28, 9, 0)) == []
    assert kinds_at(plan, state(), utc(2026, 5, 29, 9, 0)) == []  # no lab yet: nothing to count


def test_the_visit_reminder_comes_the_day_before_with_the_summary_link():
    plan = Plan(next_visit=local(LONDON, 2026, 6, 12, 9, 30), notice_time=time(18, 0))
    [due] = due_reminders(plan, state(LONDON), local(LONDON, 2026, 6, 11, 18, 0))
    assert due.kind == VISIT
    assert due.link == "summary"
    assert "09:30" in due.detail


# Privacy: lock screens show titles and texts ---------------------------------------------------


def test_titles_and_texts_carry_only_the_first_name_and_the_kind():
    taper = prednisone((date(2026, 5, 1), "30"), (date(2026, 5, 15), "25"))
    plan = Plan(
        diary_time=time(18, 0),
        medicine_times=(time(18, 0),),
        taper=True,
        labs_every_weeks=2,
        next_visit=utc(2026, 5, 15, 9, 0),
        notice_time=time(18, 0),
    )
    diary = DiaryState(
        time_zone="UTC",
        first_name=reminders.first_name("Mia Rodriguez-Lopez"),
        medicines=(taper,),
        last_lab_on=date(2026, 4, 30),
    )
    found = due_reminders(plan, diary, utc(2026, 5, 14, 18, 0))
    assert {reminder.kind for reminder in found} == {DIARY, MEDICINE, TAPER, LABS, VISIT}
    for reminder in found:
        for shown in (reminder.title, reminder.text):
            assert "Rodriguez" not in shown
            assert "Prednisone" not in shown
            assert "mg" not in shown
            assert "25" not in shown
        assert "Mia" in reminder.title


def test_the_calendar_shows_doses_only_when_asked():
    taper = prednisone((date(2026, 5, 1), "30"), (date(2026, 5, 15), "25"))
    plan = Plan(labs_every_weeks=4, next_visit=utc(2026, 6, 1, 9, 0))
    diary = state(medicines=(taper,), last_lab_on=date(2026, 5, 1))
    hidden = calendar_events(plan, diary, date(2026, 5, 10))
    shown = calendar_events(plan, diary, date(2026, 5, 10), show_doses=True)
    assert [event.start for event in hidden] == [
        date(2026, 5, 15),
        date(2026, 5, 29),
        plan.next_visit,
    ]
    assert all("25" not in event.description + event.title for event in hidden)
    assert "Prednisone 25 mg" in shown[0].description
    assert all("Prednisone" not in event.title for event in shown)
