"""Send notifications. Recipients are chosen by role and region, through accounts.scoping."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from warmwinter.accounts.models import Membership
from warmwinter.notifications.models import Notification
from warmwinter.regions.codes import parent_code


def users_responsible_for(region_code: str, *, roles, level: int | None = None):
    """Active users holding one of `roles` at a region that covers `region_code` (at `level`, if given)."""
    covering, code = [], region_code
    while code:
        covering.append(code)
        code = parent_code(code)
    memberships = Membership.objects.filter(active=True, role__in=list(roles), user__is_active=True, region_id__in=covering)
    if level is not None:
        memberships = memberships.filter(region__level=level)
    return list({m.user.pk: m.user for m in memberships.select_related("user")}.values())


@transaction.atomic
def notify(*, recipients, region_code: str, kind: str, title: str, body: str = "", link: str = "") -> list[Notification]:
    rows = [Notification(recipient=u, region_id=region_code, kind=kind, title=str(title), body=str(body), link=link) for u in recipients]
    return Notification.objects.bulk_create(rows)


def notification_mark_read(*, user, notification_id: int) -> None:
    Notification.objects.filter(pk=notification_id, recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
