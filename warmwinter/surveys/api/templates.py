"""/api/v1/survey-templates: the survey forms (questions, the rules that turn answers into problems, parameters)."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from warmwinter.accounts.scoping import NOT_FOUND as SCOPE_NOT_FOUND
from warmwinter.accounts.scoping import can
from warmwinter.core.errors import NotFound
from warmwinter.surveys.api import serializers as s
from warmwinter.surveys.api.common import NOT_FOUND, TAGS, access_template
from warmwinter.surveys.models import SurveyTemplate


class TemplateList(APIView):
    @extend_schema(tags=TAGS, summary="Survey templates (摸排表模板), newest version first",
                   parameters=[OpenApiParameter("all", bool, description="include retired templates"),
                               OpenApiParameter("subject", str, description="household or premises")],
                   responses={200: s.TemplateSerializer(many=True), 404: NOT_FOUND})
    def get(self, request):
        if not can(request.user, "survey.view"):
            raise NotFound(SCOPE_NOT_FOUND)
        templates = SurveyTemplate.objects.all()
        if request.query_params.get("all") not in ("1", "true"):
            templates = templates.filter(active=True)
        if request.query_params.get("subject"):
            templates = templates.filter(subject=request.query_params["subject"])
        return Response(s.TemplateSerializer(templates, many=True).data)


class TemplateDetail(APIView):
    @extend_schema(tags=TAGS, summary="One template with its questions, rules and parameters",
                   responses={200: s.TemplateDetailSerializer, 404: NOT_FOUND})
    def get(self, request, template_id: int):
        return Response(s.TemplateDetailSerializer(access_template(request.user, template_id)).data)


urlpatterns = [
    path("survey-templates", TemplateList.as_view(), name="survey-template-list"),
    path("survey-templates/<int:template_id>", TemplateDetail.as_view(), name="survey-template-detail"),
]
