"""/api/v1/helpers: the helpers (帮扶责任人) of the villages in your scope — two-committee members, Party
members, cadres — and recording a new one."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from warmwinter.accounts.selectors import users_visible_to
from warmwinter.care import services
from warmwinter.care.api import serializers as s
from warmwinter.care.api.common import (
    ERROR, FORBIDDEN, NOT_FOUND_BODY, TAGS, access_helper, access_region_code, helpers_for, paginate, validated,
)
from warmwinter.core.errors import DomainError
from warmwinter.regions.codes import prefix_of

UNKNOWN_ACCOUNT = _("账号不存在，或不在您的管辖范围内。")


class HelperList(APIView):
    @extend_schema(tags=TAGS, summary="Helpers of the villages in your scope, with the households each holds",
                   parameters=[OpenApiParameter("region", str, description="a region code in your scope: its whole subtree"),
                               OpenApiParameter("active", bool, description="default: helpers still serving; false for those who left")],
                   responses={200: s.HelperSerializer(many=True), 404: NOT_FOUND_BODY})
    def get(self, request):
        params = request.query_params
        helpers = helpers_for(request.user).filter(active=params.get("active", "true").lower() not in ("0", "false", "no"))
        if params.get("region", "").strip():
            helpers = helpers.filter(region__code__startswith=prefix_of(access_region_code(request.user, params["region"])))
        return paginate(self, request, helpers.order_by("region_id", "name", "id"), s.HelperSerializer)

    @extend_schema(tags=TAGS, summary="Record a helper of a village (a two-committee member, a Party member, a cadre)",
                   request=s.HelperCreate, responses={201: s.HelperSerializer, 400: ERROR, 403: FORBIDDEN, 404: NOT_FOUND_BODY})
    def post(self, request):
        body = validated(s.HelperCreate(data=request.data))
        code = access_region_code(request.user, body["village"])
        account = None
        if body["username"].strip():
            account = users_visible_to(request.user, action="care.roster").filter(username=body["username"].strip(), is_active=True).first()
            if account is None:
                raise DomainError(UNKNOWN_ACCOUNT, field="username")
        helper = services.helper_register(actor=request.user, region_code=code, name=body["name"], phone=body["phone"],
                                          kind=body["kind"], position=body["position"], user=account)
        return Response(s.HelperSerializer(access_helper(request.user, helper.pk)).data, status=status.HTTP_201_CREATED)


urlpatterns = [path("helpers", HelperList.as_view(), name="helper-list")]
