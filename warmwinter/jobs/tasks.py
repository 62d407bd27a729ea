"""Periodic jobs of the platform itself, and of apps that have no tasks module of their own yet.

Other apps declare theirs in their own tasks.py (care: reminders, week close, missed visit duties;
notifications: delivery retries).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from warmwinter.jobs.registry import periodic
from warmwinter.jobs.scheduler import KEEP_RUNS_DAYS, runs_prune
from warmwinter.jobs.schedules import daily, every


@periodic("alerts.expire", every(minutes=5))
@task()
def alerts_expire() -> int:
    """Weather warnings past their expiry end, and with them their open visit duties."""
    from warmwinter.alerts.services import alerts_expire as expire

    return expire()


@periodic("jobs.prune", daily(at="03:10"))
@task()
def jobs_prune() -> dict:
    """Forget scheduled runs and successful queue results older than a month (failed ones stay for inspection)."""
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus, task_backends
    from django_tasks_db.backend import DatabaseBackend

    results = 0
    if isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        from django_tasks_db.models import DBTaskResult

        cutoff = timezone.now() - timedelta(days=KEEP_RUNS_DAYS)
        results, _ = DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL, finished_at__lt=cutoff).delete()
    return {"runs": runs_prune(), "results": results}
