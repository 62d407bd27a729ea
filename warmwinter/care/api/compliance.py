"""/api/v1/compliance: a week's contact compliance (达标情况) in a region — per region one level down, per
village, per helper, the households without a helper and the number due a contact today."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from warmwinter.care import selectors
from warmwinter.care.api import serializers as s
from warmwinter.care.api.common import ERROR, NOT_FOUND_BODY, TAGS, access_region_code, as_int
from warmwinter.care.selectors_compliance import campaign_region_for, compliance_figures, open_campaign_for, week_monday
from warmwinter.core.errors import DomainError

REGION_OR_CAMPAIGN = _("请指定区划（region）或帮扶联系工作（campaign）。")


class ComplianceView(APIView):
    @extend_schema(
        tags=TAGS, summary="A week's compliance in a region: a household is compliant when it had its weekly contacts, "
                           "a contact on each day over (daily rule) and no warning visit missed; one without a helper never is",
        parameters=[OpenApiParameter("region", str,
                                     description="a region code in your scope; default: the narrowest region you share with the campaign"),
                    OpenApiParameter("week", str, description="ISO week YYYY-Www (e.g. 2026-W48); default: the current week"),
                    OpenApiParameter("campaign", int, description="default: the open campaign over the region (400 when none or several)")],
        responses={200: s.CareComplianceSerializer, 400: ERROR, 404: NOT_FOUND_BODY},
    )
    def get(self, request):
        params = request.query_params
        user = request.user
        monday = week_monday(params.get("week"))
        asked = access_region_code(user, params["region"]) if params.get("region", "").strip() else None
        if params.get("campaign", "").strip():
            campaign = selectors.access_campaign(user, as_int(params["campaign"]) or 0)
        elif asked is not None:
            campaign = open_campaign_for(user, asked, monday)
        else:
            raise DomainError(REGION_OR_CAMPAIGN, field="region")
        code = campaign_region_for(user, campaign, asked)
        return Response(compliance_figures(campaign, code, monday))


urlpatterns = [path("compliance", ComplianceView.as_view(), name="care-compliance")]
