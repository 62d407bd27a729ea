"""The periodic jobs apps declare, each a django-tasks task with a schedule.

An app declares its jobs in its `tasks.py`, next to the tasks themselves:

    @periodic("care.reminders", daily(at="07:30"), arguments=lambda slot: {"day": local_date(slot).isoformat()})
    @task()
    def reminders_daily(day: str) -> int: ...

The registry imports every `warmwinter.<app>.tasks` module the first time it is asked for the jobs.
`arguments` turns the slot (aware datetime of the planned run) into the task's keyword arguments, so
a run that starts late still works on the day or week it was planned for.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule

from warmwinter.jobs.schedules import Schedule

TASKS_MODULE = "tasks"

_jobs: dict[str, "Job"] = {}
_discovered = False
_lock = threading.Lock()


@dataclass(frozen=True)
class Job:
    name: str
    schedule: Schedule
    task: object  # a django_tasks Task
    arguments: Callable[[datetime], dict] | None = None

    def kwargs_for(self, slot: datetime) -> dict:
        return self.arguments(slot) if self.arguments else {}

    @property
    def task_path(self) -> str:
        return self.task.module_path


def register(name: str, schedule: Schedule, task, *, arguments: Callable[[datetime], dict] | None = None) -> Job:
    """Declare a periodic job; declaring a name again replaces it (module reloads)."""
    job = Job(name=name, schedule=schedule, task=task, arguments=arguments)
    _jobs[name] = job
    return job


def periodic(name: str, schedule: Schedule, *, arguments: Callable[[datetime], dict] | None = None):
    """Decorator form of `register`, placed above `@task()`; returns the task unchanged."""

    def declare(task):
        register(name, schedule, task, arguments=arguments)
        return task

    return declare


def autodiscover() -> None:
    """Import the tasks module of every WarmWinter app, once."""
    global _discovered
    with _lock:
        if _discovered:
            return
        for config in apps.get_app_configs():
            if config.name.startswith("warmwinter.") and module_has_submodule(config.module, TASKS_MODULE):
                import_module(f"{config.name}.{TASKS_MODULE}")
        _discovered = True


def jobs() -> list[Job]:
    """Every declared job, by name."""
    autodiscover()
    return sorted(_jobs.values(), key=lambda job: job.name)


def job_named(name: str) -> Job:
    autodiscover()
    return _jobs[name]
