"""Quota arithmetic: weeks and days in the deployment time zone, and what each roster household owes.

Weeks run Monday 00:00 → next Monday 00:00 local time (ISO weeks, `2026-W52`). A week only partly
inside the campaign asks for no more contacts than it has campaign days (a campaign starting on a
Saturday asks for 2 that week, not 3). A daily rule asks for one contact on every campaign day of
the week that has already ended (today is still "due", not "missed").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warmwinter.core.errors import DomainError

WEEK_FORMAT = _("周次格式应为 YYYY-Www，例如 2026-W52。")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def week_start_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def week_label(monday: date) -> str:
    year, week, _weekday = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text: str) -> date:
    """The Monday of an ISO week written `YYYY-Www`."""
    match = _WEEK.match((text or "").strip())
    if not match:
        raise DomainError(WEEK_FORMAT, field="week")
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise DomainError(WEEK_FORMAT, field="week") from None


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[local midnight of day, local midnight of the next day)."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


@dataclass(frozen=True)
class WeekFrame:
    """One week of one campaign: which of its days count, and how many are over."""

    monday: date
    campaign_days: tuple[date, ...]  # days of this week inside the campaign
    ended_days: tuple[date, ...]  # of those, days already over (before today)

    @property
    def label(self) -> str:
        return week_label(self.monday)

    @property
    def over(self) -> bool:
        return len(self.ended_days) == len(self.campaign_days)

    def weekly_required(self, count: int) -> int:
        return min(count, len(self.campaign_days))

    @property
    def daily_required(self) -> int:
        return len(self.ended_days)


def week_frame(monday: date, starts_on: date, ends_on: date, *, today: date | None = None) -> WeekFrame:
    today = today or timezone.localdate()
    days = tuple(d for d in (monday + timedelta(days=i) for i in range(7)) if starts_on <= d <= ends_on)
    return WeekFrame(monday=monday, campaign_days=days, ended_days=tuple(d for d in days if d < today))
