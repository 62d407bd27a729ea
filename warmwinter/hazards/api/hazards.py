"""/api/v1/hazards: the problem list in the caller's scope, its items and their moves along workflow.py.

Thin: parse, call a selector or service, serialise. 404 outside scope, 403 for a role that may
see but not do (and for the person who fixed an item verifying it), 400 for a move the state
does not allow, 409 when `version` is stale.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from warmwinter.core.errors import DomainError
from warmwinter.hazards import selectors, services
from warmwinter.hazards.api import serializers as s
from warmwinter.hazards.choices import HazardCategory, HazardSource, Severity
from warmwinter.hazards.selectors import HazardFilter
from warmwinter.hazards.workflow import State
from warmwinter.registry.api.people import validated
from warmwinter.registry.selectors import access_household

ERROR = OpenApiResponse(description='`{"detail": "...", "field": "...", "errors": [{"field", "message"}]}` (messages in Chinese)')
NOT_FOUND = OpenApiResponse(description="missing or outside your scope (the same answer for both)")
FORBIDDEN = OpenApiResponse(description="in scope, but your role may not do this (or you fixed it and may not verify it)")
CONFLICT = OpenApiResponse(description="changed by someone else since you read `version`: read again and retry")
TAGS = ["hazards"]
BAD_VALUE = _("“%(name)s”的取值无效：%(value)s")
NO_DELETE = "There is no DELETE: a problem stays on the list and is closed (销号) through the transitions."

FILTERS = [
    OpenApiParameter("region", str, description="a region code in your scope: its whole subtree"),
    OpenApiParameter("state", str, enum=State.values),
    OpenApiParameter("open", bool, description="only problems not yet closed"),
    OpenApiParameter("overdue", bool, description="open and past the deadline"),
    OpenApiParameter("category", str, enum=HazardCategory.values),
    OpenApiParameter("severity", str, enum=Severity.values),
    OpenApiParameter("source", str, enum=HazardSource.values),
    OpenApiParameter("round", int, description="found in this survey round"),
    OpenApiParameter("household", int),
    OpenApiParameter("premises", int),
    OpenApiParameter("q", str, description="text in the title"),
]


def checked_filters(params) -> HazardFilter:
    filters = HazardFilter.from_params(params)
    for name, choices in (("state", State), ("category", HazardCategory), ("severity", Severity), ("source", HazardSource)):
        value = getattr(filters, name)
        if value and value not in choices.values:
            raise DomainError(BAD_VALUE % {"name": name, "value": value}, field=name)
    return filters


def hazard_body(user, hazard_id: int) -> dict:
    """An item (re-read through the scope) with its timeline and the moves the caller may make."""
    hazard = selectors.access_hazard(user, hazard_id)
    hazard.step_list = list(selectors.steps_of(hazard))
    hazard.transition_names = [t.name for t in selectors.transitions_for(user, hazard)]
    return s.HazardDetailSerializer(hazard).data


class HazardList(APIView):
    @extend_schema(tags=TAGS, summary="The problem list (问题清单) in your scope", description=NO_DELETE, parameters=FILTERS,
                   responses={200: s.HazardSerializer(many=True), 400: ERROR})
    def get(self, request):
        hazards = selectors.hazards_for(request.user, checked_filters(request.query_params))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(hazards, request, view=self)
        return paginator.get_paginated_response(s.HazardSerializer(page, many=True).data)

    @extend_schema(tags=TAGS, summary="Put a problem on the list (a major one is escalated to the county at once)",
                   description=NO_DELETE, request=s.HazardCreate,
                   responses={201: s.HazardDetailSerializer, 400: ERROR, 403: FORBIDDEN, 404: NOT_FOUND})
    def post(self, request):
        body = dict(validated(s.HazardCreate(data=request.data)))
        household_id, premises_id, region = body.pop("household", None), body.pop("premises", None), body.pop("region", None)
        household = access_household(request.user, household_id, action="hazard.report") if household_id is not None else None
        premises = selectors.access_premises(request.user, premises_id, action="hazard.report") if premises_id is not None else None
        if household is None and premises is None and not region:
            raise DomainError(_("请选择家庭、场所或所属区划。"), field="region")
        hazard = services.hazard_report(actor=request.user, region_code=region, household=household, premises=premises, **body)
        return Response(hazard_body(request.user, hazard.pk), status=status.HTTP_201_CREATED)


class HazardDetail(APIView):
    @extend_schema(tags=TAGS, summary="One problem with its timeline", description=NO_DELETE,
                   responses={200: s.HazardDetailSerializer, 404: NOT_FOUND})
    def get(self, request, hazard_id: int):
        return Response(hazard_body(request.user, hazard_id))

    @extend_schema(tags=TAGS, summary="Change who fixes it by when, or how serious it is (send the `version` you read)",
                   description="Raising the severity to major escalates it to the county at once. " + NO_DELETE,
                   request=s.HazardPatch, responses={200: s.HazardDetailSerializer, 400: ERROR, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT})
    def patch(self, request, hazard_id: int):
        hazard = selectors.access_hazard(request.user, hazard_id)
        body = dict(validated(s.HazardPatch(data=request.data)))
        version = body.pop("version")
        services.hazard_update(actor=request.user, hazard=hazard, version=version, **body)
        return Response(hazard_body(request.user, hazard_id))


class HazardTransitions(APIView):
    @extend_schema(
        tags=TAGS, summary="Move a problem one step: warn, resolve_on_spot, escalate, start_rectification, rectify, verify, reject, close",
        description="400 when the current state does not allow the move; 403 when your role may not make it, or when you "
                    "fixed the problem and try to verify (or reject) it yourself; 409 when `version` is stale.",
        request=s.TransitionRequest,
        responses={200: s.HazardDetailSerializer, 400: ERROR, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request, hazard_id: int):
        hazard = selectors.access_hazard(request.user, hazard_id)
        body = validated(s.TransitionRequest(data=request.data))
        services.hazard_transition(actor=request.user, hazard=hazard, name=body["transition"], note=body["note"], version=body["version"])
        return Response(hazard_body(request.user, hazard_id))

