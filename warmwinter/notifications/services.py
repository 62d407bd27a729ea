"""Send notifications. Recipients are chosen by role and region, through accounts.scoping."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from warmwinter.accounts.models import Membership
from warmwinter.notifications.channels import DeliveryRefused, channel_named, extra_channels
from warmwinter.notifications.models import Delivery, DeliveryStatus, Notification
from warmwinter.regions.codes import parent_code

logger = logging.getLogger("warmwinter.notifications")

# The retry job leaves a delivery alone this long after its last attempt (or, never tried, after its creation).
RETRY_AFTER = timedelta(seconds=30)
FIRST_SEND_GRACE = timedelta(minutes=1)


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
def notify(*, recipients, region_code: str, kind: str, title: str, body: str = "", link: str = "", key: str = "") -> list[Notification]:
    """Notify users in-app, and queue one Delivery per other enabled channel (sent after commit).

    With a `key`, a user who already has a notification with that key gets nothing (a day's reminder)."""
    users = list({u.pk: u for u in recipients}.values())
    if key:
        done = set(Notification.objects.filter(key=key, recipient__in=users).values_list("recipient_id", flat=True))
        users = [u for u in users if u.pk not in done]
    rows = Notification.objects.bulk_create([
        Notification(recipient=u, region_id=region_code, kind=kind, title=str(title), body=str(body), link=link, key=key) for u in users
    ])
    deliveries_queue(notifications=rows)
    return rows


def deliveries_queue(*, notifications: list[Notification]) -> list[Delivery]:
    """One pending Delivery per notification and extra channel; a task sends them once the transaction commits."""
    channels = extra_channels()
    if not channels or not notifications:
        return []
    deliveries = Delivery.objects.bulk_create([
        Delivery(notification=n, channel=c.name, address=c.address_for(n.recipient), message=c.render(n)) for n in notifications for c in channels
    ])
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: _send_later(ids), robust=True)
    return deliveries


def _send_later(ids: list[int]) -> None:
    from warmwinter.notifications.tasks import deliveries_send

    try:
        deliveries_send.enqueue(ids)
    except Exception:  # the queue is down: the every-minute retry job picks the deliveries up
        logger.exception("could not enqueue the sending of deliveries %s", ids)


def delivery_attempt(*, delivery_id: int, first: bool = False, now: datetime | None = None) -> Delivery | None:
    """Try to send one pending delivery by its channel. A failure stays pending for the retry job until
    settings.NOTIFY_RETRIES retries are spent, then it is failed; a refusal (no phone) fails at once.
    `first`: only if it was never tried (the send task after commit). None when there is nothing to do."""
    now = now or timezone.now()
    delivery = Delivery.objects.select_related("notification").filter(pk=delivery_id, status=DeliveryStatus.PENDING).first()
    if delivery is None or (first and delivery.attempts) or delivery.attempts > settings.NOTIFY_RETRIES:
        return None
    # Claim the attempt: the count is the version, so two workers never send the same delivery twice.
    claimed = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING, attempts=delivery.attempts).update(
        attempts=F("attempts") + 1, last_attempt_at=now)
    if not claimed:
        return None
    delivery.attempts += 1
    delivery.last_attempt_at = now
    try:
        channel_named(delivery.channel).send(delivery)
    except DeliveryRefused as refused:
        delivery.status, delivery.last_error = DeliveryStatus.FAILED, str(refused)
    except Exception as error:  # the gateway failed: keep the reason, retry later
        delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
        if delivery.attempts > settings.NOTIFY_RETRIES:
            delivery.status = DeliveryStatus.FAILED
        logger.warning("delivery %s by %s failed (attempt %s): %s", delivery.pk, delivery.channel, delivery.attempts, delivery.last_error)
    else:
        if delivery.status == DeliveryStatus.PENDING:
            delivery.status = DeliveryStatus.SENT
        delivery.sent_at, delivery.last_error = now, ""
    delivery.save(update_fields=["status", "last_error", "sent_at"])
    return delivery


def deliveries_due(*, now: datetime | None = None) -> list[int]:
    """Pending deliveries the retry job should try now: failed ones a little after their last attempt, and
    ones never tried a minute after creation (their send task was lost)."""
    now = now or timezone.now()
    retry = Q(attempts__gte=1, attempts__lte=settings.NOTIFY_RETRIES, last_attempt_at__lte=now - RETRY_AFTER)
    lost = Q(attempts=0, created_at__lte=now - FIRST_SEND_GRACE)
    return list(Delivery.objects.filter(retry | lost, status=DeliveryStatus.PENDING).order_by("id").values_list("id", flat=True))


def deliveries_retry(*, now: datetime | None = None) -> dict[str, int]:
    """Try every due pending delivery once; returns how many ended in each status."""
    now = now or timezone.now()
    # A worker that died in the middle of a last attempt leaves it pending with no retry left.
    Delivery.objects.filter(status=DeliveryStatus.PENDING, attempts__gt=settings.NOTIFY_RETRIES,
                            last_attempt_at__lte=now - RETRY_AFTER).update(status=DeliveryStatus.FAILED)
    outcome: dict[str, int] = {}
    for delivery_id in deliveries_due(now=now):
        delivery = delivery_attempt(delivery_id=delivery_id, now=now)
        if delivery is not None:
            outcome[delivery.status] = outcome.get(delivery.status, 0) + 1
    return outcome


def notification_mark_read(*, user, notification_id: int) -> None:
    Notification.objects.filter(pk=notification_id, recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
