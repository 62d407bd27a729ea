"""/api/v1/notifications: the caller's own notifications; reading one marks it read."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from warmwinter.notifications import selectors, services

TAGS = ["notifications"]
NOT_FOUND = OpenApiResponse(description="missing, or someone else's (the same answer for both)")


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="e.g. hazard.major")
    region = serializers.CharField(source="region_id")
    title = serializers.CharField()
    body = serializers.CharField()
    link = serializers.CharField(help_text="a page path on this site, e.g. /hazards/12/")
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)
    unread = serializers.SerializerMethodField()

    def get_unread(self, obj) -> bool:
        return obj.read_at is None


class NotificationList(APIView):
    @extend_schema(tags=TAGS, summary="Your notifications, unread first", responses=NotificationSerializer(many=True),
                   parameters=[OpenApiParameter("unread", bool, description="only the unread ones")])
    def get(self, request):
        unread = str(request.query_params.get("unread", "")).lower() in ("1", "true", "yes")
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.notifications_for(request.user, unread_only=unread), request, view=self)
        return paginator.get_paginated_response(NotificationSerializer(page, many=True).data)


class NotificationRead(APIView):
    @extend_schema(tags=TAGS, summary="Mark one of your notifications read", request=None,
                   responses={200: NotificationSerializer, 404: NOT_FOUND})
    def post(self, request, notification_id: int):
        notification = selectors.access_notification(request.user, notification_id)
        services.notification_mark_read(user=request.user, notification_id=notification.pk)
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification).data)


urlpatterns = [
    path("notifications", NotificationList.as_view(), name="notification-list"),
    path("notifications/<int:notification_id>/read", NotificationRead.as_view(), name="notification-read"),
]
