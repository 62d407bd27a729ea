"""Writes on ledger import jobs: accept an uploaded file and queue it for the background worker."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from warmwinter.accounts.scoping import NOT_FOUND, membership_for
from warmwinter.audit import services as audit
from warmwinter.core.errors import DomainError, NotFound
from warmwinter.regions.codes import normalize
from warmwinter.regions.models import Region
from warmwinter.registry.models import ImportJob, ImportStatus

ALLOWED_SUFFIXES = (".xlsx", ".xls", ".csv")
MAX_UPLOAD_BYTES = 50 * 1024 * 1024

FILE_REQUIRED = _("请选择要导入的台账文件。")
REGION_REQUIRED = _("请选择导入范围（区划）。")
FILE_TYPE = _("不支持的文件类型：%(name)s（请上传 .xlsx、.xls 或 .csv 文件）")
FILE_TOO_LARGE = _("文件过大（%(size)s MB），单个文件不能超过 %(limit)s MB；请按乡镇或村拆分后分别导入。")
FILE_EMPTY = _("文件是空的：%(name)s")
REPORT_MISSING = _("该导入没有错误报告。")


def imports_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _region(region_code: str) -> Region:
    if not (region_code or "").strip():
        raise DomainError(REGION_REQUIRED, field="region")
    try:
        code = normalize(region_code)
    except ValueError:
        raise NotFound(NOT_FOUND) from None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise NotFound(NOT_FOUND)
    return region


def _check_upload(upload) -> str:
    """The file's suffix, after checking it is present, of a ledger type and not too large."""
    if upload is None:
        raise DomainError(FILE_REQUIRED, field="file")
    name = Path(upload.name or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise DomainError(FILE_TYPE % {"name": name}, field="file")
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise DomainError(FILE_TOO_LARGE % {"size": f"{upload.size / 1024 / 1024:.1f}", "limit": MAX_UPLOAD_BYTES // (1024 * 1024)}, field="file")
    if not upload.size:
        raise DomainError(FILE_EMPTY % {"name": name}, field="file")
    return suffix


def _store(upload, suffix: str) -> Path:
    folder = imports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{uuid.uuid4().hex}{suffix}"
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return target


def import_job_create(*, actor, region_code: str, upload, dry_run: bool = False) -> ImportJob:
    """Accept an uploaded ledger file for a region and queue its import (runs after commit)."""
    region = _region(region_code)
    acting = membership_for(actor, action="registry.import", region_code=region.code)
    suffix = _check_upload(upload)
    stored = _store(upload, suffix)
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(
                region=region, created_by=actor, role=acting.role, file_name=Path(upload.name).name[:200],
                file_path=str(stored), dry_run=dry_run, status=ImportStatus.QUEUED,
            )
            audit.record(actor=actor, role=acting.role, action="ledger.upload", region_code=region.code, obj=job,
                         changes={"file_name": [None, job.file_name], "dry_run": [None, dry_run]})
            transaction.on_commit(lambda: _enqueue(job.pk))
    except BaseException:
        stored.unlink(missing_ok=True)
        raise
    return job


def _enqueue(job_id: int) -> None:
    from warmwinter.registry.tasks_imports import import_job_run

    import_job_run.enqueue(job_id)


def import_job_error_report(*, actor, job: ImportJob) -> Path:
    """The error report of a rejected import. It repeats the file's full ID numbers, so only the
    uploader or a role that may see full numbers gets it, and each download is audited."""
    acting = membership_for(actor, action="registry.import", region_code=job.region_id)
    if job.created_by_id != actor.pk:
        acting = membership_for(actor, action="person.view_id_number", region_code=job.region_id)
    path = Path(job.error_report_path) if job.error_report_path else None
    if path is None or not path.is_file():
        raise NotFound(REPORT_MISSING)
    with transaction.atomic():
        audit.record(actor=actor, role=acting.role, action="ledger.error_report", region_code=job.region_id, obj=job,
                     changes={"file_name": [None, job.file_name]})
    return path
