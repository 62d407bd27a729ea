"""Tasks for the scheduler tests: they only note that they ran, and with which arguments."""

from django_tasks import task

CALLS: list[dict] = []


@task()
def ping(**kwargs) -> int:
    CALLS.append(kwargs)
    return len(CALLS)
