"""Reads on notifications: a user only ever sees their own."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from warmwinter.accounts.scoping import NOT_FOUND
from warmwinter.core.errors import NotFound
from warmwinter.notifications.models import Notification


def notifications_for(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, unread first, newest first within each."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    rows = Notification.objects.filter(recipient=user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    unread_first = Case(When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField())
    return rows.annotate(unread_first=unread_first).order_by("unread_first", "-created_at", "-id")


def access_notification(user, notification_id: int) -> Notification:
    """One of the user's own notifications; anyone else's is the same 404 as a missing one."""
    notification = notifications_for(user).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound(NOT_FOUND)
    return notification
