"""The import job task: queueing after commit, progress updates, outcomes, and the real DB queue."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from tests.factories import make_member
from tests.registry.factories import VILLAGE
from tests.registry.imports_support import bad_rows, good_rows, upload, xlsx_bytes
from warmwinter.registry import services_imports, tasks_imports
from warmwinter.registry.models import ImportJob, ImportStatus, Person
from warmwinter.registry.tasks_imports import ProgressWriter, import_job_run


@pytest.fixture
def clerk(tree):
    return make_member("village_clerk", VILLAGE, username="yang")


def create(clerk, content: bytes, name: str = "台账.xlsx", **kwargs) -> ImportJob:
    return services_imports.import_job_create(actor=clerk, region_code=VILLAGE, upload=upload(name, content), **kwargs)


def test_job_is_queued_until_commit_and_the_upload_is_kept_under_media(clerk, django_capture_on_commit_callbacks, settings):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = create(clerk, xlsx_bytes(good_rows()))
    assert job.status == ImportStatus.QUEUED and len(callbacks) == 1
    stored = Path(job.file_path)
    assert stored.parent == Path(settings.MEDIA_ROOT) / "imports" and stored.suffix == ".xlsx" and stored.is_file()
    assert stored.name != "台账.xlsx"  # a fresh uuid name, never the user's
    callbacks[0]()
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert not stored.exists()  # imported and encrypted: the clear-text upload is not kept


class _HugeUpload:
    """A 60 MB upload that must be refused before a byte of it is read."""

    name = "全县台账.xlsx"
    size = 60 * 1024 * 1024

    def chunks(self):
        raise AssertionError("a refused file must not be stored")


def test_file_too_large_is_refused_before_storing(clerk):
    with pytest.raises(services_imports.DomainError) as caught:
        services_imports.import_job_create(actor=clerk, region_code=VILLAGE, upload=_HugeUpload())
    assert str(caught.value.message) == "文件过大（60.0 MB），单个文件不能超过 50 MB；请按乡镇或村拆分后分别导入。"
    assert caught.value.field == "file"
    assert not ImportJob.objects.exists()


def test_rejected_job_writes_its_report_next_to_the_upload(clerk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = create(clerk, xlsx_bytes(bad_rows()))
    job.refresh_from_db()
    assert job.status == ImportStatus.REJECTED and job.finished_at is not None
    report = Path(job.error_report_path)
    assert report.is_file() and report.parent == Path(job.file_path).parent
    assert report.name == Path(job.file_path).stem + ".errors.xlsx"


def test_a_job_not_queued_is_left_alone(clerk):
    job = ImportJob.objects.create(region_id=VILLAGE, created_by=clerk, file_name="台账.xlsx", file_path="/nonexistent",
                                   status=ImportStatus.RUNNING)
    assert import_job_run.call(job.pk) == ImportStatus.RUNNING
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING and job.finished_at is None


def test_unexpected_failure_ends_failed_with_a_message_and_keeps_the_upload(clerk, monkeypatch, django_capture_on_commit_callbacks):
    def broken(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("warmwinter.registry.ledger.ledger_import", broken)
    with django_capture_on_commit_callbacks(execute=True):
        job = create(clerk, xlsx_bytes(good_rows()))
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.errors == [{"row": 0, "column": "", "message": "导入时发生系统错误，请联系系统管理员。"}]
    assert Path(job.file_path).is_file()


def test_unreadable_file_is_rejected_with_the_reason(clerk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = create(clerk, b"this is not a zip file at all", name="台账.xlsx")
    job.refresh_from_db()
    assert job.status == ImportStatus.REJECTED
    assert job.errors and job.errors[0]["message"]
    assert Person.objects.count() == 0


@pytest.mark.django_db(transaction=True)  # the worker reconnects; append_only_flushable puts the seeded categories back
def test_the_database_queue_runs_the_job_in_the_worker(append_only_flushable, clerk, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = create(clerk, xlsx_bytes(good_rows()))  # autocommit: queued on commit, at once
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED  # waiting for `warmwinter worker`
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Person.objects.count() == 2


# --- progress ----------------------------------------------------------------------------------------


@pytest.fixture
def running_job(tree):
    return ImportJob.objects.create(region_id=VILLAGE, file_name="台账.xlsx", file_path="/x", status=ImportStatus.RUNNING)


def progress_of(job) -> tuple[int, int]:
    return tuple(ImportJob.objects.filter(pk=job.pk).values_list("rows_done", "rows_total").get())


def test_progress_is_written_at_most_every_few_seconds_or_rows(running_job, monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(tasks_imports.time, "monotonic", lambda: clock[0])
    writer = ProgressWriter(running_job.pk)
    writer(1, 20000)
    assert progress_of(running_job) == (1, 20000)
    writer(2000, 20000)  # 0 s and 1,999 rows later: skipped
    assert progress_of(running_job) == (1, 20000)
    clock[0] += 2.5
    writer(3000, 20000)  # 2.5 s later
    assert progress_of(running_job) == (3000, 20000)
    writer(8000, 20000)  # 5,000 rows later, same instant
    assert progress_of(running_job) == (8000, 20000)
    writer(20000, 20000)  # the last row is always written
    assert progress_of(running_job) == (20000, 20000)
