"""/api/v1/survey-responses: answer sheets (a household's survey, a premises inspection), submitted idempotently.

A sheet sent again with the same `client_id` and the same content answers 200 with the stored sheet
(a phone retrying after a lost reply); the same `client_id` with different content answers 409.
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from warmwinter.accounts.scoping import NOT_FOUND as SCOPE_NOT_FOUND
from warmwinter.core.errors import DomainError, NotFound
from warmwinter.hazards.models import Premises
from warmwinter.regions.codes import prefix_of
from warmwinter.registry.selectors import access_household
from warmwinter.surveys import selectors, services
from warmwinter.surveys.api import serializers as s
from warmwinter.surveys.api.common import (
    ERROR, FORBIDDEN, NOT_FOUND, TAGS, access_region_code, access_response, access_template, paginate, responses_for, validated,
)
from warmwinter.surveys.choices import ResponseKind, ResponseSource
from warmwinter.surveys.models import SurveyResponse

ROUND_OR_TEMPLATE = _("请指定摸排（round）或模板（template）。")
ROUND_NEEDED = _("摸排记录须指定摸排（round）。")
CONFLICT_BODY = OpenApiResponse(description="`client_id` already used for a different sheet, or the sheet changed since `version`")
REPLAYED = OpenApiResponse(s.ResponseSerializer, description="the same `client_id` and content were already stored: the stored sheet")


def _premises(user, premises_id: int) -> Premises:
    premises = Premises.objects.visible_to(user, "premises.view").filter(pk=premises_id).first()
    if premises is None:
        raise NotFound(SCOPE_NOT_FOUND)
    return premises


def _existing_ids(body: dict, round_, household, premises) -> set[int]:
    """Sheets the submission could return instead of creating one: its client_id's, or the subject's in the round."""
    found = set()
    if body["client_id"]:
        found |= set(SurveyResponse.objects.filter(client_id=body["client_id"]).values_list("pk", flat=True))
    if round_ is not None and body["kind"] == ResponseKind.SURVEY:
        found |= set(SurveyResponse.objects.filter(round=round_, kind=ResponseKind.SURVEY, household=household, premises=premises)
                     .values_list("pk", flat=True))
    return found


class ResponseList(APIView):
    @extend_schema(
        tags=TAGS, summary="Answer sheets in your scope, newest visit first",
        parameters=[OpenApiParameter("round", int), OpenApiParameter("household", int), OpenApiParameter("premises", int),
                    OpenApiParameter("kind", str, enum=ResponseKind.values),
                    OpenApiParameter("region", str, description="a region code in your scope: its whole subtree")],
        responses={200: s.ResponseSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request):
        sheets = responses_for(request.user)
        params = request.query_params
        for name in ("round", "household", "premises"):
            if params.get(name, "").strip():
                value = params[name].strip()
                sheets = sheets.filter(**{f"{name}_id": int(value)}) if value.isdigit() else sheets.none()
        if params.get("kind"):
            sheets = sheets.filter(kind=params["kind"])
        if params.get("region", "").strip():
            sheets = sheets.filter(region__code__startswith=prefix_of(access_region_code(request.user, params["region"])))
        return paginate(self, request, sheets, s.ResponseSerializer)

    @extend_schema(
        tags=TAGS, summary="Submit an answer sheet; the problems its answers reveal go on the problem list",
        description="A second survey of the same household in the same round is a repeat visit: it updates the sheet (200). "
                    "Invalid answers: 400 with one error per question, field `answers.<key>`, messages in Chinese.",
        request=s.ResponseCreate,
        responses={201: s.ResponseSerializer, 200: REPLAYED, 400: ERROR, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT_BODY},
    )
    def post(self, request):
        body = validated(s.ResponseCreate(data=request.data))
        user = request.user
        round_ = selectors.access_round(user, body["round"]) if body["round"] is not None else None
        template = access_template(user, body["template"]) if body["template"] is not None and round_ is None else None
        if round_ is None and template is None:
            raise DomainError(ROUND_OR_TEMPLATE, field="round")
        if round_ is None and body["kind"] == ResponseKind.SURVEY:
            raise DomainError(ROUND_NEEDED, field="round")
        household = access_household(user, body["household"], action="survey.view") if body["household"] is not None else None
        premises = _premises(user, body["premises"]) if body["premises"] is not None else None
        before = _existing_ids(body, round_, household, premises)
        sheet = services.response_submit(
            actor=user, template=template, round_=round_, household=household, premises=premises, answers=body["answers"],
            kind=body["kind"], visited_at=body["visited_at"], persons_covered=body["persons_covered"], notes=body["notes"],
            inspectors=body["inspectors"], client_id=body["client_id"], source=ResponseSource.API, version=body["version"],
        )
        code = status.HTTP_200_OK if sheet.pk in before else status.HTTP_201_CREATED
        return Response(s.ResponseSerializer(access_response(user, sheet.pk)).data, status=code)


class ResponseDetail(APIView):
    @extend_schema(tags=TAGS, summary="One answer sheet with the problems it listed", responses={200: s.ResponseSerializer, 404: NOT_FOUND})
    def get(self, request, response_id: int):
        return Response(s.ResponseSerializer(access_response(request.user, response_id)).data)


urlpatterns = [
    path("survey-responses", ResponseList.as_view(), name="survey-response-list"),
    path("survey-responses/<int:response_id>", ResponseDetail.as_view(), name="survey-response-detail"),
]
