from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import APIView

from warmwinter.regions.selectors import access_region, region_children


class RegionSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="12-digit statistical division code")
    name = serializers.CharField()
    level = serializers.IntegerField(help_text="1 province, 2 city, 3 county, 4 township, 5 village")
    level_name = serializers.CharField(source="get_level_display")
    parent = serializers.CharField(source="parent_id", allow_null=True)
    management_area = serializers.CharField(source="management_area.name", allow_null=True, default=None)


class RegionDetail(APIView):
    @extend_schema(responses=RegionSerializer, summary="One region in the caller's scope (404 outside it)")
    def get(self, request, code: str):
        region = access_region(request.user, code)
        return self.response(RegionSerializer(region).data)

    def response(self, data):
        from rest_framework.response import Response

        return Response(data)


class RegionChildren(APIView):
    @extend_schema(responses=RegionSerializer(many=True), summary="The direct children of a region, paginated")
    def get(self, request, code: str):
        region = access_region(request.user, code)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(region_children(user=request.user, region=region).select_related("management_area"), request, view=self)
        return paginator.get_paginated_response(RegionSerializer(page, many=True).data)
