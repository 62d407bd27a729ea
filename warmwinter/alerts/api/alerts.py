"""/api/v1/alerts: weather warnings in the caller's scope; entering one, importing CAP 1.2, lifting one; the rules.

Thin: parse, call a selector or service, serialise. 404 outside scope; 403 for a role that may see but not
do (or a warning reaching beyond the caller's regions); 400 for invalid input, with Chinese messages.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import BaseParser, FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from warmwinter.alerts import cap, selectors, services
from warmwinter.alerts.api import serializers as s
from warmwinter.alerts.choices import AlertEvent, AlertSource, AlertState, Colour
from warmwinter.alerts.forms import manual_identifier
from warmwinter.core.errors import DomainError
from warmwinter.registry.api.people import validated

TAGS = ["alerts"]
ERROR = OpenApiResponse(description='`{"detail": "...", "field": "...", "errors": [...]}` (messages in Chinese; CAP schema errors with line numbers)')
NOT_FOUND = OpenApiResponse(description="missing or outside your scope (the same answer for both)")
FORBIDDEN = OpenApiResponse(description="in scope, but your role may not do this, or the warning covers regions beyond yours")
STATES = [selectors.IN_FORCE, *AlertState.values]
BAD_STATE = _("“state”的取值无效：%(value)s")
NO_CAP = _("请在请求正文中提交 CAP XML（Content-Type: application/xml），或以 multipart 表单的 file 字段上传。")
TOO_BIG = _("CAP 消息超过 1 MB。")


class CapXmlParser(BaseParser):
    """The request body as bytes (at most 1 MB and one byte, so that a larger one is refused whole)."""

    media_type = "application/xml"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read(cap.MAX_BYTES + 1) if stream is not None else b""


class TextXmlParser(CapXmlParser):
    media_type = "text/xml"


class CapPlusXmlParser(CapXmlParser):
    media_type = "application/cap+xml"


def alert_body(user, alert_id: int) -> dict:
    alert = selectors.access_alert(user, alert_id)
    alert.action_list = list(selectors.actions_of(alert))
    return s.AlertDetailSerializer(alert).data


def _recorded(request, alert, created: bool):
    """201 for a warning recorded now, 200 for an identifier recorded before (nothing changed)."""
    code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return Response(alert_body(request.user, alert.pk), status=code)


class AlertList(APIView):
    @extend_schema(tags=TAGS, summary="Weather warnings over or inside your regions, those in force first",
                   parameters=[OpenApiParameter("state", str, enum=STATES, description="in_force: active and between onset and expires now"),
                               OpenApiParameter("region", str, description="a region code: warnings over it, its ancestors or inside it")],
                   responses={200: s.AlertSerializer(many=True), 400: ERROR})
    def get(self, request):
        state = (request.query_params.get("state") or "").strip()
        if state and state not in STATES:
            raise DomainError(BAD_STATE % {"value": state}, field="state")
        alerts = selectors.alerts_for(request.user, state=state, region=(request.query_params.get("region") or "").strip())
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(alerts.prefetch_related("areas__region"), request, view=self)
        return paginator.get_paginated_response(s.AlertSerializer(page, many=True).data)

    @extend_schema(tags=TAGS, summary="Enter a warning by hand (e.g. read out by the meteorological bureau)",
                   description="The alert rules set its actions in motion: visit duties for key households, patrols, a banner.",
                   request=s.AlertCreate, responses={201: s.AlertDetailSerializer, 400: ERROR, 403: FORBIDDEN, 404: NOT_FOUND})
    def post(self, request):
        body = validated(s.AlertCreate(data=request.data))
        event, colour = body["event"], body["colour"]
        headline = body["headline"].strip() or gettext("%(event)s%(colour)s预警") % {
            "event": AlertEvent(event).label, "colour": Colour(colour).label}
        data = services.AlertInput(identifier=manual_identifier(), event=event, colour=colour, onset=body["onset"], expires=body["expires"],
                                   area_codes=body["areas"], sent=timezone.now(), headline=headline, event_text=AlertEvent(event).label,
                                   description=body["description"], instruction=body["instruction"])
        alert = services.alert_record(actor=request.user, data=data, source=AlertSource.MANUAL)
        return Response(alert_body(request.user, alert.pk), status=status.HTTP_201_CREATED)


class AlertImport(APIView):
    parser_classes = [CapXmlParser, TextXmlParser, CapPlusXmlParser, MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        tags=TAGS, summary="Import a CAP 1.2 message (body as application/xml or text/xml, or a multipart `file`)",
        description="Validated against the CAP 1.2 schema; a DOCTYPE is refused. An Update ends the warning it references and "
                    "records the new one; a Cancel ends it. The same identifier again changes nothing (200 instead of 201).",
        request={"application/xml": OpenApiTypes.STR, "text/xml": OpenApiTypes.STR, "multipart/form-data": s.CapUpload},
        responses={201: s.AlertDetailSerializer, 200: s.AlertDetailSerializer, 400: ERROR, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request):
        if isinstance(request.data, bytes):
            content = request.data
        elif request.FILES.get("file") is not None:
            content = request.FILES["file"].read(cap.MAX_BYTES + 1)
        else:
            raise DomainError(NO_CAP, field="file")
        if len(content) > cap.MAX_BYTES:
            raise DomainError(TOO_BIG, field="file")
        alert, created = cap.alert_import(actor=request.user, content=content, source=AlertSource.CAP_FILE)
        return _recorded(request, alert, created)


class AlertDetail(APIView):
    @extend_schema(tags=TAGS, summary="One warning with its areas, actions and the CAP message as received",
                   responses={200: s.AlertDetailSerializer, 404: NOT_FOUND})
    def get(self, request, alert_id: int):
        return Response(alert_body(request.user, alert_id))


class AlertCancel(APIView):
    @extend_schema(tags=TAGS, summary="Lift a warning before it expires (解除); its open visit duties and actions end",
                   request=None, responses={200: s.AlertDetailSerializer, 400: ERROR, 403: FORBIDDEN, 404: NOT_FOUND})
    def post(self, request, alert_id: int):
        alert = selectors.access_alert_to_cancel(request.user, alert_id)
        services.alert_cancel(actor=request.user, alert=alert)
        return Response(alert_body(request.user, alert_id))


class AlertRuleList(APIView):
    @extend_schema(tags=TAGS, summary="The alert rules: which warnings set which actions in motion (deployment-wide)",
                   responses={200: s.RuleSerializer(many=True)})
    def get(self, request):
        return Response(s.RuleSerializer(selectors.rules_for(request.user), many=True).data)
