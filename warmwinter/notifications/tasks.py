"""Background jobs of notifications: send the outbox after commit, and retry what failed every minute."""

from __future__ import annotations

from django_tasks import task

from warmwinter.jobs.registry import periodic
from warmwinter.jobs.schedules import every
from warmwinter.notifications import services


@task()
def deliveries_send(delivery_ids: list[int]) -> dict[str, int]:
    """First attempt at the deliveries a notify() just committed; returns how many ended in each status."""
    outcome: dict[str, int] = {}
    for delivery_id in delivery_ids:
        delivery = services.delivery_attempt(delivery_id=delivery_id, first=True)
        if delivery is not None:
            outcome[delivery.status] = outcome.get(delivery.status, 0) + 1
    return outcome


@periodic("notifications.deliveries", every(minutes=1))
@task()
def deliveries_retry() -> dict[str, int]:
    """Retry pending deliveries (failed attempts, and sends lost with a worker)."""
    return services.deliveries_retry()
