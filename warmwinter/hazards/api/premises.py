"""/api/v1/premises: the premises register in the caller's scope and their fire-safety inspections.

An inspection fills the premises checklist (surveys, subject=premises); each rule its answers
trip goes on the problem list with source `inspection`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from warmwinter.accounts.scoping import NOT_FOUND as SCOPE_NOT_FOUND
from warmwinter.core.errors import DomainError, NotFound
from warmwinter.hazards import selectors, services
from warmwinter.hazards.api import serializers as s
from warmwinter.hazards.api.hazards import CONFLICT, ERROR, FORBIDDEN, NOT_FOUND
from warmwinter.hazards.choices import PremisesKind
from warmwinter.hazards.forms import inspection_input
from warmwinter.registry.api.people import validated
from warmwinter.surveys import services as survey_services
from warmwinter.surveys.choices import ResponseSource

TAGS = ["hazards"]
NO_TEMPLATE = _("尚未配置场所检查表，请联系管理员。")
NO_DELETE = "There is no DELETE: a premises that closes is marked `active: false`."


def premises_body(user, premises_id: int) -> dict:
    """A premises (re-read through the scope) with its count of open problems."""
    premises = selectors.premises_for(user).filter(pk=premises_id).first()
    if premises is None:
        raise NotFound(SCOPE_NOT_FOUND)
    return s.PremisesSerializer(premises).data


def _paginated(view, request, rows, serializer_class):
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(rows, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


class PremisesList(APIView):
    @extend_schema(tags=TAGS, summary="Premises in your scope (malls, gas stations, schools, nursing homes ...)", description=NO_DELETE,
                   parameters=[OpenApiParameter("region", str, description="a region code in your scope: its whole subtree"),
                               OpenApiParameter("kind", str, enum=PremisesKind.values),
                               OpenApiParameter("q", str, description="text in the name")],
                   responses={200: s.PremisesSerializer(many=True)})
    def get(self, request):
        params = request.query_params
        rows = selectors.premises_for(request.user, region=params.get("region", "").strip(), kind=params.get("kind", "").strip(),
                                      q=params.get("q", "").strip())
        return _paginated(self, request, rows, s.PremisesSerializer)

    @extend_schema(tags=TAGS, summary="Register a premises", description=NO_DELETE, request=s.PremisesCreate,
                   responses={201: s.PremisesSerializer, 400: ERROR, 403: FORBIDDEN, 404: NOT_FOUND})
    def post(self, request):
        body = dict(validated(s.PremisesCreate(data=request.data)))
        premises = services.premises_register(actor=request.user, region_code=body.pop("region"), **body)
        return Response(premises_body(request.user, premises.pk), status=status.HTTP_201_CREATED)


class PremisesDetail(APIView):
    @extend_schema(tags=TAGS, summary="One premises", description=NO_DELETE, responses={200: s.PremisesSerializer, 404: NOT_FOUND})
    def get(self, request, premises_id: int):
        return Response(premises_body(request.user, premises_id))

    @extend_schema(tags=TAGS, summary="Change a premises' details (send the `version` you read)", description=NO_DELETE,
                   request=s.PremisesPatch, responses={200: s.PremisesSerializer, 400: ERROR, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT})
    def patch(self, request, premises_id: int):
        premises = selectors.access_premises(request.user, premises_id)
        body = dict(validated(s.PremisesPatch(data=request.data)))
        version = body.pop("version")
        services.premises_update(actor=request.user, premises=premises, version=version, **body)
        return Response(premises_body(request.user, premises_id))


class PremisesInspections(APIView):
    @extend_schema(tags=TAGS, summary="A premises' inspections, newest first", responses={200: s.InspectionSerializer(many=True), 404: NOT_FOUND})
    def get(self, request, premises_id: int):
        premises = selectors.access_premises(request.user, premises_id)
        return _paginated(self, request, selectors.inspections_of(premises).prefetch_related("hazards"), s.InspectionSerializer)

    @extend_schema(
        tags=TAGS, summary="Record an inspection with the premises checklist; findings go on the problem list",
        description="`answers` are checked against the latest active premises checklist (every problem listed with its "
                    "`answers.<key>` field). `night` and `extreme_weather` answer the checklist's `night_or_extreme_weather` question when it has one, else head the notes.",
        request=s.InspectionCreate, responses={201: s.InspectionSerializer, 400: ERROR, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request, premises_id: int):
        premises = selectors.access_premises(request.user, premises_id)
        body = validated(s.InspectionCreate(data=request.data))
        template = selectors.premises_template()
        if template is None:
            raise DomainError(NO_TEMPLATE)
        answers, notes = inspection_input(template, answers=dict(body["answers"]), notes=body["notes"], night=body["night"],
                                          extreme_weather=body["extreme_weather"])
        response = survey_services.response_submit(
            actor=request.user, template=template, premises=premises, answers=answers, kind=body["kind"], notes=notes,
            inspectors=body["inspectors"], visited_at=body["visited_at"], client_id=body["client_id"], source=ResponseSource.API,
        )
        return Response(s.InspectionSerializer(response).data, status=status.HTTP_201_CREATED)
