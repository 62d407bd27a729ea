"""`warmwinter jobs list` shows the schedule; `warmwinter jobs run-due` enqueues what is due (one pass, for cron)."""

from __future__ import annotations

import unicodedata
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from warmwinter.jobs.scheduler import run_due, schedule_status


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment, timezone.get_default_timezone()).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    parsed = parse_datetime(text)
    if parsed is None:
        raise CommandError(f"--now: not a date and time: {text!r} (e.g. 2026-12-07T00:31)")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, timezone.get_default_timezone())


class Command(BaseCommand):
    help = "Periodic jobs: `list` shows each job with its next run; `run-due` enqueues the due ones once."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{list,run-due}")
        listing = actions.add_parser("list", help="each job, its schedule, last and next run (deployment time zone)")
        listing.add_argument("--now", help="as if it were this local date and time")
        due = actions.add_parser("run-due", help="enqueue every job whose latest slot has not been enqueued (one pass)")
        due.add_argument("--now", help="as if it were this local date and time")

    def handle(self, *args, action: str, now: str | None = None, **options):
        moment = _moment(now)
        if action == "list":
            rows = [("job", "schedule", "task", "last run", "next run")]
            for status in schedule_status(moment):
                rows.append((status.job.name, status.job.schedule.describe(), status.job.task_path, _local(status.last_slot),
                             _local(status.next_run) + (" (due)" if status.due else "")))
            widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
            for row in rows:
                self.stdout.write("  ".join(cell + " " * (width - _width(cell)) for cell, width in zip(row, widths)).rstrip())
            return
        runs = run_due(moment)
        for run in runs:
            self.stdout.write(f"{run.name}\t{_local(run.slot)}\t{run.task_result_id}")
        if options["verbosity"] >= 1:
            self.stderr.write(f"{len(runs)} job(s) enqueued")
