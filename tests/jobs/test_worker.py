"""`warmwinter worker` for real on SQLite: its scheduler enqueues the periodic jobs, its worker runs them,
and SIGTERM stops both cleanly."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from django.db import connection

from warmwinter.jobs.registry import jobs

pytestmark = pytest.mark.django_db
DEADLINE_SECONDS = 15


def _finished_runs(path) -> tuple[int, list[str]]:
    with sqlite3.connect(path, timeout=5) as db:
        runs = [row[0].replace("-", "") for row in db.execute("SELECT task_result_id FROM jobs_scheduledrun")]
        statuses = dict((row[0].replace("-", ""), row[1]) for row in db.execute("SELECT id, status FROM django_tasks_database_dbtaskresult"))
    return len(runs), [statuses.get(run, "MISSING") for run in runs]


def test_worker_runs_scheduled_jobs_and_stops_on_sigterm(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the worker subprocess gets a copy of the SQLite test database")
    # An image of the migrated (in-memory) test database, seconds faster than migrating a new one.
    path = tmp_path / "worker.sqlite3"
    connection.ensure_connection()
    path.write_bytes(connection.connection.serialize())
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "warmwinter.settings", "WARMWINTER_DATABASE_URL": f"sqlite:///{path}",
           "WARMWINTER_VAR_DIR": str(tmp_path / "var"), "WARMWINTER_TLS": "0", "WARMWINTER_LOG_LEVEL": "INFO"}
    env.pop("WARMWINTER_TASK_BACKEND", None)
    worker = subprocess.Popen([sys.executable, "-m", "warmwinter", "worker", "--scheduler-interval", "0.5", "--interval", "0.2"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    expected = len(jobs())
    try:
        deadline = time.monotonic() + DEADLINE_SECONDS
        runs, statuses = 0, []
        while time.monotonic() < deadline and worker.poll() is None:
            try:
                runs, statuses = _finished_runs(path)
            except sqlite3.OperationalError:  # busy for a moment: ask again
                pass
            if runs == expected and set(statuses) == {"SUCCESSFUL"}:
                break
            time.sleep(0.2)
        assert worker.poll() is None, worker.stdout.read()
        assert (runs, set(statuses)) == (expected, {"SUCCESSFUL"})
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=10) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    output = worker.stdout.read()
    assert "scheduler started" in output and "scheduler stopped" in output
    assert "path=warmwinter.care.tasks.week_close_weekly state=SUCCESSFUL" in output
