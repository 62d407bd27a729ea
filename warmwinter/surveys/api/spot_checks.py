"""四不两直 spot checks: draw a random sample of surveyed households of a round, record the inspector's
answers for each, and see where they differ from the original survey."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from warmwinter.surveys import selectors, services_spot_checks
from warmwinter.surveys.api import serializers as s
from warmwinter.surveys.api.common import (
    CONFLICT, ERROR, FORBIDDEN, NOT_FOUND, TAGS, access_region_code, access_spot_check, access_spot_check_item, validated,
)


class SpotCheckDraw(APIView):
    @extend_schema(tags=TAGS, summary="Draw a random sample of surveyed households (or premises) of a region for unannounced re-visits",
                   description="`seed` re-runs an earlier draw; left out, a fresh one is drawn and returned.",
                   request=s.SpotCheckDraw, responses={201: s.SpotCheckSerializer, 400: ERROR, 403: FORBIDDEN, 404: NOT_FOUND})
    def post(self, request, round_id: int):
        round_ = selectors.access_round(request.user, round_id)
        body = validated(s.SpotCheckDraw(data=request.data))
        check = services_spot_checks.spot_check_draw(actor=request.user, round_=round_, region_code=access_region_code(request.user, body["region"]),
                                                     size=body["size"], seed=body["seed"])
        return Response(s.SpotCheckSerializer(access_spot_check(request.user, check.pk)).data, status=status.HTTP_201_CREATED)


class SpotCheckDetail(APIView):
    @extend_schema(tags=TAGS, summary="A spot check with its drawn items, done or not, and their mismatches",
                   responses={200: s.SpotCheckSerializer, 404: NOT_FOUND})
    def get(self, request, spot_check_id: int):
        return Response(s.SpotCheckSerializer(access_spot_check(request.user, spot_check_id)).data)


class SpotCheckItemRecord(APIView):
    @extend_schema(tags=TAGS, summary="Record the inspector's answers for one drawn item; answers that differ from the survey are flagged",
                   request=s.SpotCheckRecord,
                   responses={200: s.SpotCheckItemSerializer, 400: ERROR, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT})
    def post(self, request, item_id: int):
        item = access_spot_check_item(request.user, item_id)
        body = validated(s.SpotCheckRecord(data=request.data))
        services_spot_checks.spot_check_record(actor=request.user, item=item, answers=body["answers"], notes=body["notes"],
                                               persons_covered=body["persons_covered"], client_id=body["client_id"])
        return Response(s.SpotCheckItemSerializer(access_spot_check_item(request.user, item_id)).data)


urlpatterns = [
    path("survey-rounds/<int:round_id>/spot-checks", SpotCheckDraw.as_view(), name="survey-round-spot-checks"),
    path("spot-checks/<int:spot_check_id>", SpotCheckDetail.as_view(), name="spot-check-detail"),
    path("spot-check-items/<int:item_id>", SpotCheckItemRecord.as_view(), name="spot-check-item-record"),
]
