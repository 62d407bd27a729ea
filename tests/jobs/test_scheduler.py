"""The scheduler enqueues each job's latest slot once: across passes, after downtime, and against a rival scheduler."""

import threading
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from tests.jobs import sample_tasks
from warmwinter.jobs import scheduler
from warmwinter.jobs.models import ScheduledRun
from warmwinter.jobs.registry import Job, job_named, jobs
from warmwinter.jobs.scheduler import run_due, scheduler_loop
from warmwinter.jobs.schedules import daily, every, local_date, weekly

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _calls():
    sample_tasks.CALLS.clear()
    yield sample_tasks.CALLS
    sample_tasks.CALLS.clear()


def ping_job(name="test.ping", schedule=None) -> Job:
    return Job(name=name, schedule=schedule or daily(at="07:30"), task=sample_tasks.ping,
               arguments=lambda slot: {"day": local_date(slot).isoformat()})


def test_two_passes_enqueue_a_slot_once_and_the_next_slot_again():
    job = ping_job()
    first = run_due(local(2026, 11, 27, 7, 31), declared=[job])
    assert [(r.name, r.slot) for r in first] == [("test.ping", local(2026, 11, 27, 7, 30))]
    assert first[0].task_result_id  # the queue's id, to find the result
    assert run_due(local(2026, 11, 27, 7, 45), declared=[job]) == []
    assert sample_tasks.CALLS == [{"day": "2026-11-27"}]
    run_due(local(2026, 11, 28, 7, 30), declared=[job])
    assert sample_tasks.CALLS == [{"day": "2026-11-27"}, {"day": "2026-11-28"}]
    assert ScheduledRun.objects.filter(name="test.ping").count() == 2


def test_after_downtime_only_the_latest_missed_slot_runs():
    job = ping_job()
    run_due(local(2026, 11, 20, 8, 0), declared=[job])
    # The worker was down from the 21st to the 25th: one run, for the 25th, not five.
    runs = run_due(local(2026, 11, 25, 9, 0), declared=[job])
    assert [r.slot for r in runs] == [local(2026, 11, 25, 7, 30)]
    assert sample_tasks.CALLS == [{"day": "2026-11-20"}, {"day": "2026-11-25"}]


def test_a_rival_scheduler_that_claimed_the_slot_first_wins(monkeypatch):
    job = ping_job()
    slot = local(2026, 11, 27, 7, 30)
    # The other worker inserted its claim between our "already enqueued?" check and our insert.
    ScheduledRun.objects.create(name=job.name, slot=slot, task_result_id="theirs")
    monkeypatch.setattr(scheduler, "_already_enqueued", lambda job, slot: False)
    assert run_due(local(2026, 11, 27, 7, 31), declared=[job]) == []
    assert sample_tasks.CALLS == []
    assert list(ScheduledRun.objects.values_list("task_result_id", flat=True)) == ["theirs"]


class BrokenTask:
    module_path = "tests.jobs.broken"

    def enqueue(self, **kwargs):
        raise RuntimeError("queue table missing")


def test_a_job_that_cannot_be_enqueued_does_not_stop_the_others_and_is_tried_again():
    broken = Job(name="test.broken", schedule=every(minutes=5), task=BrokenTask())
    runs = run_due(local(2026, 11, 27, 7, 31), declared=[broken, ping_job()])
    assert [r.name for r in runs] == ["test.ping"]
    # Claim and enqueue are one transaction: no claim is left behind for the broken job.
    assert not ScheduledRun.objects.filter(name="test.broken").exists()


def test_scheduler_loop_passes_until_stopped_and_survives_a_failed_pass(monkeypatch):
    stop = threading.Event()
    moments = iter([local(2026, 11, 27, 7, 31), local(2026, 11, 27, 7, 32), local(2026, 11, 28, 7, 31)])
    seen = []
    real_run_due = scheduler.run_due

    def run_due_then_stop(now):
        seen.append(now)
        if len(seen) == 1:
            raise RuntimeError("database is locked")
        real_run_due(now, declared=[ping_job()])
        if len(seen) == 3:
            stop.set()

    monkeypatch.setattr(scheduler, "run_due", run_due_then_stop)
    assert scheduler_loop(stop, interval=0, clock=lambda: next(moments)) == 3
    # The first pass failed; the second enqueued the 27th; the third the 28th.
    assert sample_tasks.CALLS == [{"day": "2026-11-27"}, {"day": "2026-11-28"}]


def test_the_platform_declares_its_periodic_jobs():
    declared = {job.name: job for job in jobs()}
    assert declared["alerts.expire"].schedule == every(minutes=5)
    assert declared["care.visit_duties_missed"].schedule == every(minutes=10)
    assert declared["care.reminders"].schedule == daily(at="07:30")
    assert declared["care.week_close"].schedule == weekly(weekday=0, at="00:30")
    assert declared["notifications.deliveries"].schedule == every(minutes=1)
    assert declared["alerts.expire"].task_path == "warmwinter.jobs.tasks.alerts_expire"
    # Arguments come from the slot in local time: 23:30 UTC on the 29th is the morning of the 30th.
    slot = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)
    assert job_named("care.reminders").kwargs_for(slot) == {"day": "2026-11-30"}
    # Monday 00:30 local closes the week that has just ended.
    close_slot = weekly(weekday=0, at="00:30").latest(datetime(2026, 11, 29, 16, 31, tzinfo=UTC))
    assert job_named("care.week_close").kwargs_for(close_slot) == {"monday": (date(2026, 11, 30) - timedelta(days=7)).isoformat()}


def test_jobs_command_lists_the_schedule_and_runs_due_jobs_once(tree):
    out = StringIO()
    call_command("jobs", "list", "--now", "2026-11-30T00:31", stdout=out)
    lines = {line.split()[0]: line for line in out.getvalue().splitlines()[1:]}
    assert "每周一 00:30" in lines["care.week_close"] and lines["care.week_close"].endswith("2026-11-30 00:30 (due)")
    assert lines["care.reminders"].endswith("2026-11-29 07:30 (due)")
    out = StringIO()
    call_command("jobs", "run-due", "--now", "2026-11-30T00:31", stdout=out, stderr=StringIO())
    assert sorted(line.split("\t")[0] for line in out.getvalue().splitlines()) == sorted(job.name for job in jobs())
    out = StringIO()
    call_command("jobs", "run-due", "--now", "2026-11-30T00:32", stdout=out, stderr=StringIO())
    assert out.getvalue().split() == ["notifications.deliveries", "2026-11-30", "00:32", ScheduledRun.objects.get(
        name="notifications.deliveries", slot=local(2026, 11, 30, 0, 32)).task_result_id]
    out = StringIO()
    call_command("jobs", "list", "--now", "2026-11-30T00:33", stdout=out)
    lines = {line.split()[0]: line for line in out.getvalue().splitlines()[1:]}
    assert "2026-11-30 00:30  2026-12-07 00:30" in lines["care.week_close"]


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_the_same_moment_enqueue_once(append_only_flushable, monkeypatch):
    """The real race, on PostgreSQL: both passed the "already enqueued?" check; the unique (name, slot) decides."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the SQLite test database is in memory: threads cannot share it (the race is run on PostgreSQL)")
    barrier, outcomes = threading.Barrier(2), []

    def checked_then_wait(job, slot):
        barrier.wait()  # both schedulers have looked, neither has inserted yet
        return False

    monkeypatch.setattr(scheduler, "_already_enqueued", checked_then_wait)

    def schedule():
        try:
            outcomes.append(len(run_due(local(2026, 11, 27, 7, 31), declared=[ping_job()])))
        finally:
            connection.close()

    threads = [threading.Thread(target=schedule) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [0, 1]
    assert sample_tasks.CALLS == [{"day": "2026-11-27"}]
    assert ScheduledRun.objects.filter(name="test.ping").count() == 1
