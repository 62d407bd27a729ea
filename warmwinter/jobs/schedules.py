"""When periodic jobs run: slots on the wall clock of the deployment time zone (settings.TIME_ZONE).

A schedule answers two questions about an instant `now`: the latest slot at or before it (what the
scheduler should have enqueued by now) and the first slot after it (what `jobs list` shows as next).
`every(minutes=N)` counts from local midnight, so every(minutes=5) runs at :00, :05, … each day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

WEEKDAYS = (gettext_lazy("周一"), gettext_lazy("周二"), gettext_lazy("周三"), gettext_lazy("周四"), gettext_lazy("周五"),
            gettext_lazy("周六"), gettext_lazy("周日"))


def local_moment(day: date, at: time) -> datetime:
    """`at` o'clock on `day`, in the deployment time zone."""
    return timezone.make_aware(datetime.combine(day, at), timezone.get_default_timezone())


def local_date(moment: datetime) -> date:
    """The calendar day of `moment` in the deployment time zone."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def _parse_at(at: str) -> time:
    parsed = time.fromisoformat(at)
    return parsed.replace(second=0, microsecond=0)


@dataclass(frozen=True)
class Every:
    """Every N minutes, counted from local midnight."""

    minutes: int

    def __post_init__(self) -> None:
        if not 1 <= self.minutes <= 1440:
            raise ValueError("every(minutes=N) needs 1 ≤ N ≤ 1440")

    def latest(self, now: datetime) -> datetime:
        midnight = local_moment(local_date(now), time.min)
        elapsed = int((now - midnight).total_seconds() // 60)
        return midnight + timedelta(minutes=elapsed - elapsed % self.minutes)

    def next_after(self, now: datetime) -> datetime:
        following = self.latest(now) + timedelta(minutes=self.minutes)
        return min(following, local_moment(local_date(now) + timedelta(days=1), time.min))

    def describe(self) -> str:
        return _("每 %(minutes)s 分钟") % {"minutes": self.minutes}


@dataclass(frozen=True)
class Daily:
    """Every day at a local time."""

    at: time

    def latest(self, now: datetime) -> datetime:
        today = local_date(now)
        slot = local_moment(today, self.at)
        return slot if slot <= now else local_moment(today - timedelta(days=1), self.at)

    def next_after(self, now: datetime) -> datetime:
        return local_moment(local_date(self.latest(now)) + timedelta(days=1), self.at)

    def describe(self) -> str:
        return _("每天 %(at)s") % {"at": f"{self.at:%H:%M}"}


@dataclass(frozen=True)
class Weekly:
    """Every week on a weekday (0 = Monday) at a local time."""

    weekday: int
    at: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError("weekly(weekday=…) is 0 (Monday) to 6 (Sunday)")

    def latest(self, now: datetime) -> datetime:
        today = local_date(now)
        day = today - timedelta(days=(today.weekday() - self.weekday) % 7)
        slot = local_moment(day, self.at)
        return slot if slot <= now else local_moment(day - timedelta(days=7), self.at)

    def next_after(self, now: datetime) -> datetime:
        return local_moment(local_date(self.latest(now)) + timedelta(days=7), self.at)

    def describe(self) -> str:
        return _("每%(weekday)s %(at)s") % {"weekday": WEEKDAYS[self.weekday], "at": f"{self.at:%H:%M}"}


Schedule = Every | Daily | Weekly


def every(*, minutes: int) -> Every:
    return Every(minutes=minutes)


def daily(*, at: str) -> Daily:
    return Daily(at=_parse_at(at))


def weekly(*, weekday: int, at: str) -> Weekly:
    return Weekly(weekday=weekday, at=_parse_at(at))
