"""The background half of a ledger import: run the engine on a queued job and record the outcome."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from warmwinter.core.errors import DomainError
from warmwinter.registry.models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)

PROGRESS_SECONDS = 2.0
PROGRESS_ROWS = 5000


class ProgressWriter:
    """The engine's progress callback: a plain UPDATE of rows_done/rows_total, at most every
    PROGRESS_SECONDS or PROGRESS_ROWS rows (and always for the last row).

    The engine reports progress while it validates and stages the file, before it opens its one
    write transaction, so each UPDATE commits on its own and the job page sees it at once.
    """

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.last_at = 0.0
        self.last_done = -PROGRESS_ROWS

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and done - self.last_done < PROGRESS_ROWS and now - self.last_at < PROGRESS_SECONDS:
            return
        self.last_at, self.last_done = now, done
        ImportJob.objects.filter(pk=self.job_id).update(rows_done=done, rows_total=total)


def _error_dicts(errors) -> list[dict]:
    return [{"row": e.row, "column": str(e.column or ""), "message": str(e.message)} for e in errors]


def _report_path(job: ImportJob) -> Path:
    upload = Path(job.file_path)
    return upload.with_name(f"{upload.stem}.errors.xlsx")


def _finish(job_id: int, status: str, **fields) -> None:
    ImportJob.objects.filter(pk=job_id).update(status=status, finished_at=timezone.now(), **fields)


def _reject(job: ImportJob, errors: list, *, total: int, with_report: bool) -> None:
    from warmwinter.registry.ledger import error_report_xlsx

    report = ""
    if with_report and errors:
        try:
            content = error_report_xlsx(file_name=job.file_name, path=Path(job.file_path), errors=errors)
        except Exception:  # the errors are kept and shown even when the file cannot be re-read
            logger.exception("import job %s: error report failed", job.pk)
        else:
            target = _report_path(job)
            target.write_bytes(content)
            report = str(target)
    # The engine lists the first 10,000 errors (the xlsx report has them all); `errors_total` counts every one.
    _finish(job.pk, ImportStatus.REJECTED, errors=_error_dicts(errors), error_report_path=report, summary={"errors_total": total})


@task()
def import_job_run(job_id: int) -> str:
    """Run one queued import job; a job already taken by another worker is left alone."""
    if not ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(status=ImportStatus.RUNNING):
        return ImportJob.objects.filter(pk=job_id).values_list("status", flat=True).first() or ""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    # Errors are stored as text: write them in the deployment's language, not the uploader's.
    with translation.override(settings.LANGUAGE_CODE):
        status = _run(job)
    if status in (ImportStatus.DONE, ImportStatus.REJECTED):
        # The upload holds full ID numbers in clear; once imported (encrypted) or reported back,
        # it is not kept. A failed job keeps it for the administrator.
        Path(job.file_path).unlink(missing_ok=True)
    return status


def _run(job: ImportJob) -> str:
    from warmwinter.registry.ledger import LedgerRejected, RowError, ledger_import

    try:
        result = ledger_import(actor=job.created_by, file_name=job.file_name, path=Path(job.file_path),
                               region_code=job.region_id, dry_run=job.dry_run, progress=ProgressWriter(job.pk))
    except LedgerRejected as exc:
        _reject(job, list(exc.errors), total=exc.total, with_report=True)
        return ImportStatus.REJECTED
    except DomainError as exc:
        # The whole file was refused (unreadable, no header row, permission withdrawn ...).
        errors = [RowError(row=0, column="", message=str(exc.message)), *(RowError(row=0, column="", message=str(m)) for m in exc.errors)]
        _reject(job, errors, total=len(errors), with_report=False)
        return ImportStatus.REJECTED
    except Exception:
        logger.exception("import job %s failed", job.pk)
        _finish(job.pk, ImportStatus.FAILED, errors=[{"row": 0, "column": "", "message": _("导入时发生系统错误，请联系系统管理员。")}])
        return ImportStatus.FAILED
    summary = result.as_dict()
    _finish(job.pk, ImportStatus.DONE, rows_done=result.rows, rows_total=result.rows, summary=summary)
    return ImportStatus.DONE
