"""/api/v1/care-campaigns: helping-contact campaigns (帮包联系), their key-focus roster (重点关注对象名册),
and pairing roster households with helpers (一帮一 / 一帮多)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from warmwinter.care import selectors, services
from warmwinter.care.api import serializers as s
from warmwinter.care.api.common import (
    ERROR, FORBIDDEN, NOT_FOUND_BODY, TAGS, access_entry, access_helper, access_region_code, entries_for, paginate, validated,
)
from warmwinter.care.choices import HelperRole
from warmwinter.care.models import HelperAssignment
from warmwinter.care.selectors_compliance import campaign_region_for, campaigns_listed
from warmwinter.regions.codes import prefix_of
from warmwinter.registry.selectors import access_household


def campaign_body(user, campaign_id) -> dict:
    """A campaign with its quota rules and the roster households the user can see."""
    campaign = selectors.access_campaign(user, campaign_id)
    campaign.rule_list = list(campaign.quota_rules.order_by("id"))
    campaign.roster_households = entries_for(user).filter(campaign=campaign, active=True).count()
    return s.CareCampaignDetailSerializer(campaign).data


class CampaignList(APIView):
    @extend_schema(tags=TAGS, summary="Helping-contact campaigns you can see (over your regions and over regions that cover them)",
                   parameters=[OpenApiParameter("region", str, description="campaigns over this region, inside it, or over a region covering it"),
                               OpenApiParameter("status", str, enum=["open", "closed"])],
                   responses={200: s.CareCampaignSerializer(many=True), 404: NOT_FOUND_BODY})
    def get(self, request):
        params = request.query_params
        code = access_region_code(request.user, params["region"]) if params.get("region", "").strip() else None
        campaigns = campaigns_listed(request.user, region_code=code, status=params.get("status", "").strip() or None)
        return paginate(self, request, campaigns, s.CareCampaignSerializer)

    @extend_schema(tags=TAGS, summary="Start a campaign over a region (plan 6's defaults: filing by 12-20, contacts 12-21 → 02-28, "
                                      "3 a week, daily for special groups, a visit within 24 h of a warning)",
                   request=s.CareCampaignCreate, responses={201: s.CareCampaignDetailSerializer, 400: ERROR, 403: FORBIDDEN, 404: NOT_FOUND_BODY})
    def post(self, request):
        body = validated(s.CareCampaignCreate(data=request.data))
        code = access_region_code(request.user, body["region"])
        campaign = services.campaign_create(actor=request.user, region_code=code, name=body["name"],
                                            filing_deadline=body["filing_deadline"], starts_on=body["starts_on"], ends_on=body["ends_on"],
                                            roster_categories=body["roster_categories"])
        return Response(campaign_body(request.user, campaign.pk), status=status.HTTP_201_CREATED)


class CampaignDetail(APIView):
    @extend_schema(tags=TAGS, summary="One campaign with its quota rules", responses={200: s.CareCampaignDetailSerializer, 404: NOT_FOUND_BODY})
    def get(self, request, campaign_id: int):
        return Response(campaign_body(request.user, campaign_id))


class RosterBuild(APIView):
    @extend_schema(tags=TAGS, summary="Put every household with a roster category (in a region of the campaign) on the roster",
                   description="Households already on the roster keep their entry; answers how many were added.",
                   request=s.RosterBuild, responses={200: s.RosterBuildResult, 400: ERROR, 403: FORBIDDEN, 404: NOT_FOUND_BODY})
    def post(self, request, campaign_id: int):
        campaign = selectors.access_campaign(request.user, campaign_id)
        body = validated(s.RosterBuild(data=request.data))
        asked = access_region_code(request.user, body["region"]) if body["region"].strip() else None
        code = campaign_region_for(request.user, campaign, asked)
        added = services.roster_build(actor=request.user, campaign=campaign, region_code=code)
        return Response({"added": added, "region": code})


class Roster(APIView):
    @extend_schema(tags=TAGS, summary="The campaign's key-focus roster inside your scope, with each household's helpers",
                   parameters=[OpenApiParameter("region", str, description="a region code in your scope: its whole subtree"),
                               OpenApiParameter("without_helper", bool, description="only households nobody is responsible for")],
                   responses={200: s.RosterEntrySerializer(many=True), 404: NOT_FOUND_BODY})
    def get(self, request, campaign_id: int):
        campaign = selectors.access_campaign(request.user, campaign_id)
        entries = entries_for(request.user).filter(campaign=campaign, active=True).order_by("region_id", "household_id")
        params = request.query_params
        if params.get("region", "").strip():
            entries = entries.filter(region__code__startswith=prefix_of(access_region_code(request.user, params["region"])))
        if params.get("without_helper", "").lower() in ("1", "true", "yes"):
            primary = HelperAssignment.objects.filter(entry_id=OuterRef("pk"), active=True, role=HelperRole.PRIMARY)
            entries = entries.exclude(Exists(primary))
        return paginate(self, request, entries, s.RosterEntrySerializer)

    @extend_schema(tags=TAGS, summary="Put a household on the roster by hand (其他重点人群), with the reason",
                   request=s.RosterAdd, responses={201: s.RosterEntrySerializer, 400: ERROR, 403: FORBIDDEN, 404: NOT_FOUND_BODY})
    def post(self, request, campaign_id: int):
        campaign = selectors.access_campaign(request.user, campaign_id)
        body = validated(s.RosterAdd(data=request.data))
        household = access_household(request.user, body["household"], action="care.view")
        entry = services.roster_add(actor=request.user, campaign=campaign, household=household, reason=body["reason"])
        return Response(s.RosterEntrySerializer(access_entry(request.user, entry.pk)).data, status=status.HTTP_201_CREATED)


class EntryHelpers(APIView):
    @extend_schema(tags=TAGS, summary="Pair a roster household with a helper of its village; an earlier helper in the role is relieved",
                   description="Pairing the household's current helper again changes nothing (200).",
                   request=s.PairCreate, responses={201: s.HelperPairingSerializer, 200: s.HelperPairingSerializer, 400: ERROR, 403: FORBIDDEN,
                                                    404: NOT_FOUND_BODY})
    def post(self, request, entry_id: int):
        entry = access_entry(request.user, entry_id)
        body = validated(s.PairCreate(data=request.data))
        helper = access_helper(request.user, body["helper"])
        before = set(HelperAssignment.objects.filter(entry=entry, active=True).values_list("pk", flat=True))
        assignment = services.helper_assign(actor=request.user, entry=entry, helper=helper, role=body["role"])
        code = status.HTTP_200_OK if assignment.pk in before else status.HTTP_201_CREATED
        return Response(s.HelperPairingSerializer(assignment).data, status=code)


urlpatterns = [
    path("care-campaigns", CampaignList.as_view(), name="care-campaign-list"),
    path("care-campaigns/<int:campaign_id>", CampaignDetail.as_view(), name="care-campaign-detail"),
    path("care-campaigns/<int:campaign_id>/roster/build", RosterBuild.as_view(), name="care-campaign-roster-build"),
    path("care-campaigns/<int:campaign_id>/roster", Roster.as_view(), name="care-campaign-roster"),
    path("roster/<int:entry_id>/helpers", EntryHelpers.as_view(), name="roster-entry-helpers"),
]
