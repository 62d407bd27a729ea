"""/api/v1/duplicates: likely duplicate persons in the caller's scope, to link or dismiss.

Thin like the pages: a selector lists, `access_candidate` gives 404 outside scope, the
services decide (403 for a role that may see but not resolve, 400 when already decided).
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from warmwinter.registry import dedupe, services_dedupe
from warmwinter.registry.models import DuplicateStatus
from warmwinter.registry.selectors_dedupe import access_candidate, candidates_for

TAGS = ["registry"]
DECIDED = OpenApiResponse(description='already linked or dismissed: `{"detail": "..."}`')
NOT_FOUND = OpenApiResponse(description="missing or outside your scope (the same answer for both)")
FORBIDDEN = OpenApiResponse(description="in scope, but your role may not resolve duplicates")


class CandidatePersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    id_number_masked = serializers.CharField(help_text="masked, e.g. 5204**********123X; empty when none is registered")
    gender = serializers.CharField()
    birth_date = serializers.DateField(allow_null=True)
    alive = serializers.BooleanField()
    region = serializers.CharField(source="region_id")
    region_name = serializers.CharField(source="region.name")
    household = serializers.IntegerField(source="household_id")
    household_head = serializers.CharField(source="household.head.name", default=None, allow_null=True)
    categories = serializers.SerializerMethodField()

    def get_categories(self, person) -> list[str]:
        return [a.category_id for a in getattr(person, "current_categories", [])]


class CandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=DuplicateStatus.choices)
    reason = serializers.CharField(help_text="name_birth (same name and birth date in a county), pinyin (same pinyin in a village), "
                                             "fuzzy (near pinyin and same birth year in a village)")
    reason_display = serializers.SerializerMethodField()
    score = serializers.IntegerField(help_text="similarity 0–100")
    region = serializers.CharField(source="region_id", help_text="the smallest region holding both persons")
    person_a = CandidatePersonSerializer()
    person_b = CandidatePersonSerializer()
    decided_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    def get_reason_display(self, candidate) -> str:
        return dedupe.reason_label(candidate.reason)


class LinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person = serializers.IntegerField(source="person_id")
    same_as = serializers.IntegerField(source="same_as_id")
    decided_at = serializers.DateTimeField()


class CandidateList(APIView):
    @extend_schema(
        responses=CandidateSerializer(many=True), tags=TAGS, summary="Likely duplicate persons in the caller's scope, most similar first",
        parameters=[
            OpenApiParameter("status", str, enum=[*DuplicateStatus.values, "all"], description="default open"),
            OpenApiParameter("region", str, description="a region code in scope: only candidates under it"),
        ],
    )
    def get(self, request):
        candidates = candidates_for(
            user=request.user, status=request.query_params.get("status") or DuplicateStatus.OPEN,
            region=(request.query_params.get("region") or "").strip(),
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(candidates, request, view=self)
        return paginator.get_paginated_response(CandidateSerializer(page, many=True).data)


class CandidateLink(APIView):
    @extend_schema(request=None, responses={200: LinkSerializer, 400: DECIDED, 403: FORBIDDEN, 404: NOT_FOUND}, tags=TAGS,
                   summary="The two persons are the same human: link them (both records and histories are kept)")
    def post(self, request, candidate_id: int):
        candidate = access_candidate(request.user, candidate_id)
        link = services_dedupe.duplicate_link(actor=request.user, candidate=candidate)
        return Response(LinkSerializer(link).data)


class CandidateDismiss(APIView):
    @extend_schema(request=None, responses={200: CandidateSerializer, 400: DECIDED, 403: FORBIDDEN, 404: NOT_FOUND}, tags=TAGS,
                   summary="The two persons are different people: dismiss the candidate (not proposed again)")
    def post(self, request, candidate_id: int):
        services_dedupe.duplicate_dismiss(actor=request.user, candidate=access_candidate(request.user, candidate_id))
        candidate = candidates_for(user=request.user, status="all").get(pk=candidate_id)
        return Response(CandidateSerializer(candidate).data)


urlpatterns = [
    path("duplicates", CandidateList.as_view(), name="duplicate-list"),
    path("duplicates/<int:candidate_id>/link", CandidateLink.as_view(), name="duplicate-link"),
    path("duplicates/<int:candidate_id>/dismiss", CandidateDismiss.as_view(), name="duplicate-dismiss"),
]
