"""/api/v1/exports/ledger: the 台账 or 花名册 of a region as an xlsx or csv download."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.views import APIView

from warmwinter.registry import exports


class FileDownloadNegotiation(DefaultContentNegotiation):
    """`?format=` names the file format here, not a DRF renderer: errors still come back as JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _flag(value) -> bool:
    return str(value or "").strip().lower() in ("1", "true", "yes", "on")


class LedgerExportView(APIView):
    content_negotiation_class = FileDownloadNegotiation

    @extend_schema(
        summary="Export the 台账 (ledger) or 花名册 (roster) of a region subtree as xlsx or csv (audited)",
        parameters=[
            OpenApiParameter("region", str, required=True, description="region code; its whole subtree is exported"),
            OpenApiParameter("kind", str, enum=list(exports.KINDS), description="ledger (default): one row per person; roster: one row per person and category"),
            OpenApiParameter("category", str, description="category code (e.g. dibao, disabled) or Chinese name"),
            OpenApiParameter("alive", bool, description="1 = living only, 0 = deceased only; absent = everyone"),
            OpenApiParameter("format", str, enum=list(exports.FORMATS), description="xlsx (default) or csv (UTF-8 with BOM)"),
            OpenApiParameter("full_ids", bool, description="full ID numbers instead of masked ones; needs a role that may see them and `reason`"),
            OpenApiParameter("reason", str, description="why full ID numbers are needed (audited)"),
        ],
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY,
            (200, "text/csv"): OpenApiTypes.STR,
            400: OpenApiResponse(description="bad parameter or missing reason"),
            403: OpenApiResponse(description="the role may not export full ID numbers"),
            404: OpenApiResponse(description="region missing or outside the caller's scope"),
        },
    )
    def get(self, request):
        params = request.query_params
        alive = params.get("alive")
        export = exports.ledger_export(actor=request.user, request=exports.ExportRequest(
            region=params.get("region", ""), kind=params.get("kind") or exports.KIND_LEDGER, category=params.get("category", ""),
            alive=None if alive in (None, "") else _flag(alive), format=params.get("format") or "xlsx",
            full_ids=_flag(params.get("full_ids")), reason=params.get("reason", ""),
        ))
        return exports.export_response(export)


urlpatterns = [path("exports/ledger", LedgerExportView.as_view(), name="export-ledger")]
