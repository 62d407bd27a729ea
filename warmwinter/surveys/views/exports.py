"""The statistical table of a round as xlsx: /surveys/<round_id>/export.xlsx?region=CODE."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.views.decorators.http import require_GET

from warmwinter.core.errors import Forbidden
from warmwinter.surveys import exports, selectors


@login_required
@require_GET
def round_export_view(request, round_id: int):
    try:
        # Seen with survey.view (404 outside scope); the export itself needs survey.export there (403).
        round_ = selectors.access_round(request.user, round_id)
        region = selectors.round_region_for(request.user, round_, request.GET.get("region"))
        export = exports.round_export(actor=request.user, round_=round_, region_code=region)
    except Forbidden as exc:
        raise PermissionDenied(str(exc.message)) from None
    return exports.export_response(export)


urlpatterns = [path("<int:round_id>/export.xlsx", round_export_view, name="round_export")]
