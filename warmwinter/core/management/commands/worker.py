"""`warmwinter worker`: the django-tasks database worker plus the scheduler thread (docs/background-jobs.md)."""

from __future__ import annotations

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

from warmwinter.jobs.scheduler import scheduler_thread

SCHEDULER_JOIN_SECONDS = 30


class Command(BaseCommand):
    help = ("Run the background worker (database-backed task queue; works on SQLite and PostgreSQL) "
            "and the scheduler of periodic jobs. Stops cleanly on Ctrl-C / SIGTERM.")

    def add_arguments(self, parser):
        parser.add_argument("--no-scheduler", action="store_true",
                            help="only run queued tasks; another process (or cron: `warmwinter jobs run-due`) schedules")
        parser.add_argument("--scheduler-interval", type=float, default=settings.SCHEDULER_INTERVAL,
                            help="seconds between scheduler passes (default: %(default)s, WARMWINTER_SCHEDULER_INTERVAL)")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="seconds to wait before polling an empty queue again (default: %(default)s)")
        parser.add_argument("--queue-name", default="*", help="queues to work on, comma-separated; '*' for all (default)")

    def handle(self, *args, no_scheduler: bool, scheduler_interval: float, interval: float, queue_name: str, verbosity: int, **options):
        if scheduler_interval <= 0 or interval < 0:
            raise CommandError("--scheduler-interval must be > 0 and --interval ≥ 0")
        DbWorkerCommand(stdout=self.stdout, stderr=self.stderr).configure_logging(verbosity)
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        queue = isinstance(backend, DatabaseBackend)
        if not queue and no_scheduler:
            raise CommandError(f"nothing to do: the task backend {type(backend).__name__} has no queue to work on, and --no-scheduler")
        stop = threading.Event()
        scheduler = None if no_scheduler else scheduler_thread(stop, interval=scheduler_interval)
        try:
            if queue:
                self._work(stop, interval=interval, queue_name=queue_name)
            else:
                # Tasks run where they are enqueued (immediate backend): only the scheduler has work.
                self._wait(stop)
        finally:
            stop.set()
            if scheduler is not None:
                scheduler.join(SCHEDULER_JOIN_SECONDS)

    def _work(self, stop: threading.Event, *, interval: float, queue_name: str) -> None:
        worker = Worker(queue_names=queue_name.split(","), interval=interval, batch=False, backend_name=DEFAULT_TASK_BACKEND_ALIAS,
                        startup_delay=False, max_tasks=None, worker_id=get_random_string(32), excluded_queue_names=[])

        def shutdown(signum, frame) -> None:
            stop.set()
            worker.shutdown(signum, frame)  # exits at once when idle, after the current task otherwise

        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, shutdown)
        worker.run()

    def _wait(self, stop: threading.Event) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda signum, frame: stop.set())
        while not stop.wait(1):
            pass
