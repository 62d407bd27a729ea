"""Slots on the Asia/Shanghai wall clock, checked at instants whose UTC date is not the local date."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from warmwinter.jobs.schedules import daily, every, weekly

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _shanghai(settings):
    settings.TIME_ZONE = "Asia/Shanghai"


def test_weekly_close_is_monday_half_past_midnight_local_which_is_sunday_in_utc():
    close = weekly(weekday=0, at="00:30")
    # Monday 2026-11-30 00:29 in Shanghai is Sunday 16:29 UTC: last week's slot still holds.
    assert close.latest(utc(2026, 11, 29, 16, 29)) == local(2026, 11, 23, 0, 30)
    assert close.next_after(utc(2026, 11, 29, 16, 29)) == local(2026, 11, 30, 0, 30)
    # Two minutes later the new slot is due, though in UTC it is still Sunday.
    assert close.latest(utc(2026, 11, 29, 16, 31)) == local(2026, 11, 30, 0, 30) == utc(2026, 11, 29, 16, 30)
    assert close.next_after(utc(2026, 11, 29, 16, 31)) == local(2026, 12, 7, 0, 30)
    # Exactly on the slot counts as due; any day of the week points back to its Monday.
    assert close.latest(local(2026, 11, 30, 0, 30)) == local(2026, 11, 30, 0, 30)
    assert close.latest(local(2026, 12, 6, 23, 59)) == local(2026, 11, 30, 0, 30)


def test_daily_reminder_slot_follows_the_local_day():
    reminders = daily(at="07:30")
    # 2026-11-29 23:10 UTC is 2026-11-30 07:10 in Shanghai: today's 07:30 has not come yet.
    assert reminders.latest(utc(2026, 11, 29, 23, 10)) == local(2026, 11, 29, 7, 30)
    assert reminders.next_after(utc(2026, 11, 29, 23, 10)) == local(2026, 11, 30, 7, 30)
    assert reminders.latest(utc(2026, 11, 29, 23, 31)) == local(2026, 11, 30, 7, 30)
    assert reminders.next_after(utc(2026, 11, 29, 23, 31)) == local(2026, 12, 1, 7, 30)
    # New Year's Eve evening local time: slot of Dec 31, next on Jan 1.
    assert reminders.latest(local(2026, 12, 31, 22, 0)) == local(2026, 12, 31, 7, 30)
    assert reminders.next_after(local(2026, 12, 31, 22, 0)) == local(2027, 1, 1, 7, 30)


def test_every_n_minutes_counts_from_local_midnight():
    expiry = every(minutes=5)
    # 16:03:59 UTC on Sunday is 00:03:59 on Monday in Shanghai.
    assert expiry.latest(utc(2026, 11, 29, 16, 3, 59)) == local(2026, 11, 30, 0, 0)
    assert expiry.next_after(utc(2026, 11, 29, 16, 3, 59)) == local(2026, 11, 30, 0, 5)
    assert expiry.latest(local(2026, 11, 29, 23, 58)) == local(2026, 11, 29, 23, 55)
    assert expiry.next_after(local(2026, 11, 29, 23, 58)) == local(2026, 11, 30, 0, 0)
    # A period that does not divide the day starts again at midnight.
    odd = every(minutes=7)
    assert odd.latest(local(2026, 11, 29, 23, 59)) == local(2026, 11, 29, 23, 55)
    assert odd.next_after(local(2026, 11, 29, 23, 59)) == local(2026, 11, 30, 0, 0)
    assert every(minutes=1).latest(local(2026, 11, 29, 10, 7, 59, 999)) == local(2026, 11, 29, 10, 7)


def test_schedules_refuse_nonsense():
    with pytest.raises(ValueError):
        every(minutes=0)
    with pytest.raises(ValueError):
        weekly(weekday=7, at="00:30")
    with pytest.raises(ValueError):
        daily(at="7h30")
