from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from warmwinter.audit.models import Event


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class EventFilter:
    region: str = ""
    actor: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_params(cls, params) -> "EventFilter":
        return cls(
            region=(params.get("region") or "").strip(),
            actor=(params.get("actor") or "").strip(),
            action=(params.get("action") or "").strip(),
            date_from=_date(params.get("date_from")),
            date_to=_date(params.get("date_to")),
        )


def events_for(*, user, filters: EventFilter) -> QuerySet[Event]:
    """Audit events in the user's scope, newest first, narrowed by the filters."""
    events = Event.objects.visible_to(user)
    if filters.region.isdigit():
        from warmwinter.regions.codes import prefix_of

        code = filters.region.ljust(12, "0")[:12]
        events = events.filter(region_code__startswith=prefix_of(code))
    if filters.actor:
        events = events.filter(actor_name__icontains=filters.actor)
    if filters.action:
        events = events.filter(action__startswith=filters.action)
    zone = timezone.get_current_timezone()
    if filters.date_from:
        events = events.filter(created_at__gte=datetime.combine(filters.date_from, time.min, tzinfo=zone))
    if filters.date_to:
        events = events.filter(created_at__lt=datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=zone))
    return events.order_by("-seq")


def event_actions(*, user) -> list[str]:
    return list(Event.objects.visible_to(user).values_list("action", flat=True).distinct().order_by("action"))
