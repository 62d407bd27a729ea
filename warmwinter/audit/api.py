from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import APIView

from warmwinter.accounts.scoping import NOT_FOUND, can
from warmwinter.audit.selectors import EventFilter, events_for
from warmwinter.core.errors import NotFound


class EventSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor_name")
    role = serializers.CharField()
    region_code = serializers.CharField()
    action = serializers.CharField()
    object_type = serializers.CharField()
    object_id = serializers.CharField()
    changes = serializers.JSONField()
    request_id = serializers.CharField()


class EventList(APIView):
    @extend_schema(
        responses=EventSerializer(many=True),
        parameters=[OpenApiParameter(n, str) for n in ("region", "actor", "action", "date_from", "date_to")],
        summary="Audit events in the caller's scope (auditors and admins)",
    )
    def get(self, request):
        if not can(request.user, "audit.view"):  # same answer as the audit page
            raise NotFound(NOT_FOUND)
        events = events_for(user=request.user, filters=EventFilter.from_params(request.query_params))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(events, request, view=self)
        return paginator.get_paginated_response(EventSerializer(page, many=True).data)
