"""/api/v1/imports: upload a ledger file as a background job, then poll the job."""

from __future__ import annotations

from pathlib import Path

from django.http import FileResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from warmwinter.registry import selectors, services_imports


class ImportProgressSerializer(serializers.Serializer):
    rows_done = serializers.IntegerField()
    rows_total = serializers.IntegerField()
    percent = serializers.IntegerField(source="progress_percent")


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="row number in the file (1 = first row of the sheet); 0 = the whole file")
    column = serializers.CharField(help_text="the column header as written in the file")
    message = serializers.CharField()


class ImportJobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="queued, running, rejected (errors, nothing written), done, failed")
    status_display = serializers.CharField(source="get_status_display")
    file_name = serializers.CharField()
    region = serializers.CharField(source="region_id")
    region_name = serializers.CharField(source="region.name")
    dry_run = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    progress = ImportProgressSerializer(source="*")
    errors = ImportErrorSerializer(many=True)
    summary = serializers.DictField(help_text="counts when done: rows, households_created, households_updated, persons_created, "
                                              "persons_updated, unchanged, dry_run; errors_total when rejected")
    error_report = serializers.SerializerMethodField(help_text="URL of the xlsx error report (original columns + 错误原因)")

    def get_error_report(self, job) -> str | None:
        if not job.error_report_path:
            return None
        return self.context["request"].build_absolute_uri(reverse("api:import-errors", kwargs={"job_id": job.pk}))


class ImportCreateRequest(serializers.Serializer):
    file = serializers.FileField(help_text=".xlsx, .xls or .csv (UTF-8 or GBK), at most 50 MB")
    region = serializers.CharField(help_text="region code the file belongs to (a village, or a township/county whose villages the file names)")
    dry_run = serializers.BooleanField(required=False, default=False, help_text="only validate; write nothing")


def _flag(value) -> bool:
    return str(value or "").strip().lower() in ("1", "true", "yes", "on")


class ImportJobList(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(responses=ImportJobSerializer(many=True), summary="Import jobs in the caller's scope, newest first",
                   parameters=[OpenApiParameter("all", bool, description="everyone's jobs in scope, not only the caller's")])
    def get(self, request):
        jobs = selectors.import_jobs_for(user=request.user, mine_only=not _flag(request.query_params.get("all")))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(jobs, request, view=self)
        return paginator.get_paginated_response(ImportJobSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(request={"multipart/form-data": ImportCreateRequest}, responses={202: ImportJobSerializer},
                   summary="Upload a ledger file; it is imported by a background job (poll GET /imports/{job_id})")
    def post(self, request):
        job = services_imports.import_job_create(
            actor=request.user, region_code=str(request.data.get("region") or ""), upload=request.FILES.get("file"),
            dry_run=_flag(request.data.get("dry_run")),
        )
        job.refresh_from_db()  # the immediate backend (tests, demo) may already have run it
        url = reverse("api:import-detail", kwargs={"job_id": job.pk})
        return Response(ImportJobSerializer(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED,
                        headers={"Location": request.build_absolute_uri(url)})


class ImportJobDetail(APIView):
    @extend_schema(responses=ImportJobSerializer, summary="One import job: status, progress, errors (JSON) and summary")
    def get(self, request, job_id: int):
        job = selectors.access_import_job(request.user, job_id)
        return Response(ImportJobSerializer(job, context={"request": request}).data)


class ImportJobErrorReport(APIView):
    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY,
                              404: OpenApiResponse(description="no such job in scope, or no report")},
                   summary="The xlsx error report of a rejected import (audited; uploader or roles that may see full ID numbers)")
    def get(self, request, job_id: int):
        job = selectors.access_import_job(request.user, job_id)
        report = services_imports.import_job_error_report(actor=request.user, job=job)
        name = _("%(name)s-错误报告.xlsx") % {"name": Path(job.file_name).stem}
        return FileResponse(report.open("rb"), as_attachment=True, filename=name)


urlpatterns = [
    path("imports", ImportJobList.as_view(), name="import-list"),
    path("imports/<int:job_id>", ImportJobDetail.as_view(), name="import-detail"),
    path("imports/<int:job_id>/errors.xlsx", ImportJobErrorReport.as_view(), name="import-errors"),
]
