"""The scheduler: enqueue each periodic job's latest slot once, however many workers run it.

`run_due(now)` looks at every declared job; when the job's latest slot at or before `now` has no
ScheduledRun yet, it inserts one and enqueues the task in the same transaction. The unique
(name, slot) constraint decides between two schedulers that look at the same moment: the second
insert fails and that scheduler skips the job. Only the latest slot is caught up: a worker that was
down for three days sends one daily reminder, for today, not three.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, close_old_connections, connection, connections, transaction
from django.utils import timezone

from warmwinter.jobs.models import ScheduledRun
from warmwinter.jobs.registry import Job, jobs

logger = logging.getLogger("warmwinter.jobs")

KEEP_RUNS_DAYS = 30


@dataclass(frozen=True)
class JobStatus:
    job: Job
    last_slot: datetime | None
    next_run: datetime
    due: bool


def _already_enqueued(job: Job, slot: datetime) -> bool:
    return ScheduledRun.objects.filter(name=job.name, slot=slot).exists()


def _enqueue(job: Job, slot: datetime) -> ScheduledRun | None:
    """Claim (job, slot) and enqueue the task, both or neither; None when another scheduler claimed it."""
    try:
        with transaction.atomic():
            run = ScheduledRun.objects.create(name=job.name, slot=slot)
            result = job.task.enqueue(**job.kwargs_for(slot))
            run.task_result_id = str(result.id)
            run.save(update_fields=["task_result_id"])
    except IntegrityError:
        logger.info("job %s slot %s was enqueued by another scheduler", job.name, slot.isoformat())
        return None
    logger.info("enqueued job %s for slot %s (task %s)", job.name, slot.isoformat(), run.task_result_id)
    return run


def run_due(now: datetime | None = None, *, declared: Iterable[Job] | None = None) -> list[ScheduledRun]:
    """Enqueue every job whose latest slot at or before `now` has not been enqueued yet."""
    now = now or timezone.now()
    enqueued = []
    for job in declared if declared is not None else jobs():
        slot = job.schedule.latest(now)
        if _already_enqueued(job, slot):
            continue
        try:
            run = _enqueue(job, slot)
        except Exception:  # one broken job must not keep the others from running
            logger.exception("could not enqueue job %s for slot %s", job.name, slot.isoformat())
            continue
        if run is not None:
            enqueued.append(run)
    return enqueued


def schedule_status(now: datetime | None = None, *, declared: Iterable[Job] | None = None) -> list[JobStatus]:
    """Each job with its last enqueued slot and its next run (now, when its latest slot is still due)."""
    now = now or timezone.now()
    found = []
    for job in declared if declared is not None else jobs():
        last = ScheduledRun.objects.filter(name=job.name).order_by("-slot").values_list("slot", flat=True).first()
        latest = job.schedule.latest(now)
        due = last is None or last < latest
        found.append(JobStatus(job=job, last_slot=last, next_run=latest if due else job.schedule.next_after(now), due=due))
    return found


def runs_prune(*, now: datetime | None = None, days: int = KEEP_RUNS_DAYS) -> int:
    """Forget scheduled runs older than `days` (the latest run of every job is always younger)."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = ScheduledRun.objects.filter(slot__lt=cutoff).delete()
    return deleted


def scheduler_loop(stop: threading.Event, *, interval: float = 30.0, clock: Callable[[], datetime] = timezone.now) -> int:
    """Call run_due every `interval` seconds until `stop` is set; returns the number of passes."""
    passes = 0
    while not stop.is_set():
        if not connection.in_atomic_block:  # never drop a connection in the middle of a transaction (tests)
            close_old_connections()
        try:
            run_due(clock())
        except Exception:  # a database hiccup: log it and try again next pass
            logger.exception("scheduler pass failed")
        passes += 1
        stop.wait(interval)
    return passes


def scheduler_thread(stop: threading.Event, *, interval: float = 30.0) -> threading.Thread:
    """Start scheduler_loop in a thread of its own (with its own database connection)."""

    def main() -> None:
        logger.info("scheduler started (every %s s)", interval)
        try:
            scheduler_loop(stop, interval=interval)
        finally:
            connections.close_all()
            logger.info("scheduler stopped")

    thread = threading.Thread(target=main, name="warmwinter-scheduler", daemon=True)
    thread.start()
    return thread
