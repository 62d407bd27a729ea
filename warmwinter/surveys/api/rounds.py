"""/api/v1/survey-rounds: start and close rounds (摸排), their coverage (村不漏户、户不漏人), the households
still to visit, and the units' situation reports (现状、问题、对策、建议)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from warmwinter.accounts.scoping import NOT_ALLOWED
from warmwinter.core.errors import DomainError, Forbidden, NotFound
from warmwinter.regions.codes import Level, level_of, parent_code, prefix_of
from warmwinter.surveys import selectors, services
from warmwinter.surveys.api import serializers as s
from warmwinter.surveys.api.common import ERROR, FORBIDDEN, NOT_FOUND, TAGS, access_region_code, paginate, validated
from warmwinter.surveys.choices import Subject
from warmwinter.surveys.models import SurveyTemplate, UnitReport

TEMPLATE_UNKNOWN = _("模板不存在。")
VILLAGE_NEEDED = _("请指定一个村（社区）：?village=区划代码")
NOT_A_VILLAGE = _("请指定村（社区）一级的区划代码。")
PREMISES_ROUND = _("本次摸排的对象是场所，没有未摸排家庭名单。")


def rounds_in(user, params) -> list:
    """Rounds in scope, filtered by ?region= (rounds over it, under it, or over an ancestor), ?status=, ?template=."""
    rounds = selectors.rounds_for(user)
    if params.get("region", "").strip():
        code = access_region_code(user, params["region"])
        ancestors, up = [], parent_code(code)
        while up:
            ancestors.append(up)
            up = parent_code(up)
        rounds = rounds.filter(Q(region__code__startswith=prefix_of(code)) | Q(region_id__in=ancestors))
    if params.get("status"):
        rounds = rounds.filter(status=params["status"])
    if params.get("template"):
        rounds = rounds.filter(template__code=params["template"])
    return rounds


def coverage_figures(round_, code: str) -> dict:
    """The coverage of a round in a region and the problems it found, as the API answers them (and `survey coverage --json`)."""
    figures = selectors.coverage(round_, code)
    hazards_total, hazards_children = selectors.hazard_rates(round_, code)
    return {
        "round": round_.pk, "region": figures.region.code, "region_name": figures.region.name,
        "due_at": s.serializers.DateTimeField().to_representation(services.due_at(round_)),
        "total": figures.total.as_dict(),
        "children": [row.as_dict() for row in figures.children],
        "villages": [row.as_dict() for row in figures.villages],
        "hazards": {"total": hazards_total.as_dict(), "children": [row.as_dict() for row in hazards_children]},
    }


class RoundList(APIView):
    @extend_schema(tags=TAGS, summary="Survey rounds you can see (those over your regions and over regions that cover them)",
                   parameters=[OpenApiParameter("region", str, description="rounds over this region, inside it, or over a region covering it"),
                               OpenApiParameter("status", str, enum=["open", "closed"]),
                               OpenApiParameter("template", str, description="template code")],
                   responses={200: s.RoundSerializer(many=True), 404: NOT_FOUND})
    def get(self, request):
        return paginate(self, request, rounds_in(request.user, request.query_params), s.RoundSerializer)

    @extend_schema(tags=TAGS, summary="Start a survey round of a template over a region", request=s.RoundCreate,
                   responses={201: s.RoundSerializer, 400: ERROR, 403: FORBIDDEN, 404: NOT_FOUND})
    def post(self, request):
        body = validated(s.RoundCreate(data=request.data))
        region = access_region_code(request.user, body["region"])
        template = SurveyTemplate.objects.filter(pk=body["template"]).first()
        if template is None:
            raise DomainError(TEMPLATE_UNKNOWN, field="template")
        round_ = services.round_create(actor=request.user, template=template, region_code=region, name=body["name"],
                                       starts_on=body["starts_on"], ends_on=body["ends_on"],
                                       report_deadline=body["report_deadline"], params=body["params"])
        return Response(s.RoundSerializer(selectors.access_round(request.user, round_.pk)).data, status=status.HTTP_201_CREATED)


class RoundDetail(APIView):
    @extend_schema(tags=TAGS, summary="One survey round", responses={200: s.RoundSerializer, 404: NOT_FOUND})
    def get(self, request, round_id: int):
        return Response(s.RoundSerializer(selectors.access_round(request.user, round_id)).data)


class RoundClose(APIView):
    @extend_schema(tags=TAGS, summary="Close a round: no more answers are accepted", request=None,
                   responses={200: s.RoundSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def post(self, request, round_id: int):
        round_ = selectors.access_round(request.user, round_id)
        try:
            services.round_close(actor=request.user, round_=round_)
        except NotFound:
            raise Forbidden(NOT_ALLOWED) from None  # the round is visible (it covers the user's region); closing it is not theirs
        return Response(s.RoundSerializer(selectors.access_round(request.user, round_id)).data)


class RoundCoverage(APIView):
    @extend_schema(
        tags=TAGS, summary="Coverage of a round in a region: households and persons surveyed, on time, villages complete, "
                           "and the problems found (rectification and on-time closure rates)",
        parameters=[OpenApiParameter("region", str, description="default: the narrowest region you and the round share")],
        responses={200: s.CoverageSerializer, 404: NOT_FOUND},
    )
    def get(self, request, round_id: int):
        round_ = selectors.access_round(request.user, round_id)
        asked = request.query_params.get("region", "").strip()
        code = selectors.round_region_for(request.user, round_, access_region_code(request.user, asked) if asked else None)
        return Response(coverage_figures(round_, code))


class RoundMissing(APIView):
    @extend_schema(tags=TAGS, summary="Households of a village the round has not surveyed yet (户不漏)",
                   parameters=[OpenApiParameter("village", str, required=True, description="village code")],
                   responses={200: s.MissingHouseholdSerializer(many=True), 400: ERROR, 404: NOT_FOUND})
    def get(self, request, round_id: int):
        round_ = selectors.access_round(request.user, round_id)
        asked = request.query_params.get("village", "").strip()
        if not asked:
            raise DomainError(VILLAGE_NEEDED, field="village")
        village = selectors.round_region_for(request.user, round_, access_region_code(request.user, asked))
        if level_of(village) != Level.VILLAGE:
            raise DomainError(NOT_A_VILLAGE, field="village")
        if round_.template.subject != Subject.HOUSEHOLD:
            raise DomainError(PREMISES_ROUND, field="village")
        return paginate(self, request, selectors.households_missing(round_, village), s.MissingHouseholdSerializer)


class RoundUnitReports(APIView):
    @extend_schema(tags=TAGS, summary="The units' situation reports of a round (现状、问题、对策、建议)",
                   responses={200: s.UnitReportSerializer(many=True), 404: NOT_FOUND})
    def get(self, request, round_id: int):
        round_ = selectors.access_round(request.user, round_id)
        reports = (UnitReport.objects.visible_to(request.user, "survey.view").filter(round=round_)
                   .select_related("region", "submitted_by").order_by("region_id"))
        return Response(s.UnitReportSerializer(reports, many=True).data)

    @extend_schema(tags=TAGS, summary="Submit (or resubmit) a unit's situation report; late after the round's deadline",
                   request=s.UnitReportCreate, responses={201: s.UnitReportSerializer, 400: ERROR, 403: FORBIDDEN, 404: NOT_FOUND})
    def post(self, request, round_id: int):
        round_ = selectors.access_round(request.user, round_id)
        body = validated(s.UnitReportCreate(data=request.data))
        report = services.unit_report_submit(actor=request.user, round_=round_, region_code=access_region_code(request.user, body["region"]),
                                             situation=body["situation"], problems=body["problems"], measures=body["measures"],
                                             suggestions=body["suggestions"])
        report = UnitReport.objects.select_related("region", "submitted_by").get(pk=report.pk)
        return Response(s.UnitReportSerializer(report).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("survey-rounds", RoundList.as_view(), name="survey-round-list"),
    path("survey-rounds/<int:round_id>", RoundDetail.as_view(), name="survey-round-detail"),
    path("survey-rounds/<int:round_id>/close", RoundClose.as_view(), name="survey-round-close"),
    path("survey-rounds/<int:round_id>/coverage", RoundCoverage.as_view(), name="survey-round-coverage"),
    path("survey-rounds/<int:round_id>/missing", RoundMissing.as_view(), name="survey-round-missing"),
    path("survey-rounds/<int:round_id>/unit-reports", RoundUnitReports.as_view(), name="survey-round-unit-reports"),
]
