"""Pages of ledger imports: upload a file, watch its job, read its errors, download the report."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warmwinter.accounts.scoping import NOT_FOUND, can
from warmwinter.core.errors import DomainError, Forbidden, NotFound
from warmwinter.core.forms import add_domain_error
from warmwinter.registry import selectors, services_imports
from warmwinter.registry.models import ImportJob, ImportStatus

ERRORS_SHOWN = 200
IN_PROGRESS = (ImportStatus.QUEUED, ImportStatus.RUNNING)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("台账文件"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
        help_text=gettext_lazy("支持 .xlsx、.xls 和 .csv（UTF-8 或 GBK），单个文件不超过 50 MB。表头上方可以有标题行。"),
    )
    region = forms.ChoiceField(label=gettext_lazy("导入到"), help_text=gettext_lazy("文件中“村（社区）”一列须在此范围内；没有该列时须选择一个村（社区）。"))
    dry_run = forms.BooleanField(label=gettext_lazy("只校验不写入"), required=False,
                                 help_text=gettext_lazy("只检查文件并列出错误，不改动台账。"))

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        top = min((r.level for r in regions), default=0)
        self.fields["region"].choices = [(r.code, "\u3000" * (r.level - top) + r.name) for r in regions]


def _job_context(job: ImportJob) -> dict:
    return {
        "job": job,
        "in_progress": job.status in IN_PROGRESS,
        "errors_shown": job.errors[:ERRORS_SHOWN],
        "errors_total": (job.summary or {}).get("errors_total", len(job.errors)),
    }


@login_required
def import_list_view(request):
    if not can(request.user, "registry.import"):
        raise NotFound(NOT_FOUND)
    everyone = request.GET.get("all") == "1"
    page = Paginator(selectors.import_jobs_for(user=request.user, mine_only=not everyone), 50).get_page(request.GET.get("page"))
    return render(request, "registry/import_list.html", {"page": page, "everyone": everyone, "query": "all=1" if everyone else ""})


@login_required
def import_new_view(request):
    regions = list(selectors.regions_to_choose(request.user, "registry.import"))
    if not regions:
        raise NotFound(NOT_FOUND)
    active = getattr(request.user, "active_membership", None)
    initial = {"region": active.region_id if active else regions[0].code}
    form = ImportUploadForm(request.POST or None, request.FILES or None, regions=regions, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            job = services_imports.import_job_create(
                actor=request.user, region_code=form.cleaned_data["region"], upload=form.cleaned_data["file"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except Forbidden:
            form.add_error("region", _("您的角色无权向该区划导入台账。"))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("registry:import_detail", job_id=job.pk)
    return render(request, "registry/import_new.html", {"form": form})


@login_required
def import_detail_view(request, job_id: int):
    job = selectors.access_import_job(request.user, job_id)
    return render(request, "registry/import_detail.html", _job_context(job))


@login_required
def import_status_view(request, job_id: int):
    """The part of the job page that htmx polls every second while the job is queued or running."""
    job = selectors.access_import_job(request.user, job_id)
    return render(request, "registry/import_status.html", _job_context(job))


@login_required
def import_error_report_view(request, job_id: int):
    job = selectors.access_import_job(request.user, job_id)
    try:
        report = services_imports.import_job_error_report(actor=request.user, job=job)
    except Forbidden:
        raise PermissionDenied from None
    name = _("%(name)s-错误报告.xlsx") % {"name": Path(job.file_name).stem}
    return FileResponse(report.open("rb"), as_attachment=True, filename=name)


urlpatterns = [
    path("imports/", import_list_view, name="import_list"),
    path("imports/new/", import_new_view, name="import_new"),
    path("imports/<int:job_id>/", import_detail_view, name="import_detail"),
    path("imports/<int:job_id>/status/", import_status_view, name="import_status"),
    path("imports/<int:job_id>/errors.xlsx", import_error_report_view, name="import_errors"),
]
