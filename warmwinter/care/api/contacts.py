"""/api/v1/contacts and /api/v1/duties: home visits and phone calls to roster households, and the home
visits weather warnings require.

A contact sent again with the same `client_id` and the same content answers 200 with the stored
contact (a phone retrying after a lost reply); the same `client_id` with different content answers 409.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from warmwinter.care import selectors
from warmwinter.care.api import serializers as s
from warmwinter.care.api.common import (
    ERROR, FORBIDDEN, NOT_FOUND_BODY, TAGS, access_contact, access_duty, access_helper, access_region_code, as_int, contacts_for,
    duties_for, paginate, validated,
)
from warmwinter.care.models import Contact
from warmwinter.care.selectors_compliance import week_monday
from warmwinter.care.services_contacts import contact_record
from warmwinter.regions.codes import prefix_of
from warmwinter.registry.selectors import access_household

REPLAYED = OpenApiResponse(s.ContactSerializer, description="the same `client_id` and content were already stored: the stored contact")
CONFLICT_BODY = OpenApiResponse(description="`client_id` already used for a contact with different content")


def _filter_ids(queryset, params, names):
    for name in names:
        value = params.get(name, "").strip()
        if value:
            queryset = queryset.filter(**{f"{name}_id": as_int(value)}) if value.isdigit() else queryset.none()
    return queryset


class ContactList(APIView):
    @extend_schema(
        tags=TAGS, summary="Contacts in your scope, newest first",
        parameters=[OpenApiParameter("household", int), OpenApiParameter("campaign", int), OpenApiParameter("helper", int),
                    OpenApiParameter("channel", str, enum=["visit", "phone"]),
                    OpenApiParameter("week", str, description="ISO week, e.g. 2026-W48"),
                    OpenApiParameter("region", str, description="a region code in your scope: its whole subtree")],
        responses={200: s.ContactSerializer(many=True), 400: ERROR, 404: NOT_FOUND_BODY},
    )
    def get(self, request):
        params = request.query_params
        contacts = _filter_ids(contacts_for(request.user), params, ("household", "campaign", "helper"))
        if params.get("channel"):
            contacts = contacts.filter(channel=params["channel"])
        if params.get("week", "").strip():
            contacts = contacts.filter(week_start=week_monday(params["week"]))
        if params.get("region", "").strip():
            contacts = contacts.filter(region__code__startswith=prefix_of(access_region_code(request.user, params["region"])))
        return paginate(self, request, contacts, s.ContactSerializer)

    @extend_schema(
        tags=TAGS, summary="Record a home visit or phone call; its problems go on the problem list, a visit fulfils warning duties",
        description="Invalid checklist answers: 400 with one error per question, field `answers.<key>`, messages in Chinese. "
                    "Send `client_id` (generated on the phone) so that a retry is stored once.",
        request=s.ContactCreate,
        responses={201: s.ContactSerializer, 200: REPLAYED, 400: ERROR, 403: FORBIDDEN, 404: NOT_FOUND_BODY, 409: CONFLICT_BODY},
    )
    def post(self, request):
        body = validated(s.ContactCreate(data=request.data))
        user = request.user
        household = access_household(user, body["household"], action="care.view")
        campaign = selectors.access_campaign(user, body["campaign"]) if body["campaign"] is not None else None
        helper = access_helper(user, body["helper"]) if body["helper"] is not None else None
        client_id = body["client_id"].strip() or None
        stored = Contact.objects.filter(client_id=client_id).first() if client_id else None
        contact = contact_record(
            actor=user, household=household, channel=body["channel"], contacted_at=body["contacted_at"], campaign=campaign, helper=helper,
            answers=body["answers"], notes=body["notes"], solved_on_spot=body["solved_on_spot"],
            problems=[dict(p) for p in body["problems"]], latitude=body["latitude"], longitude=body["longitude"], client_id=client_id,
        )
        code = status.HTTP_200_OK if stored is not None and stored.pk == contact.pk else status.HTTP_201_CREATED
        return Response(s.ContactSerializer(access_contact(user, contact.pk)).data, status=code)


class ContactDetail(APIView):
    @extend_schema(tags=TAGS, summary="One contact with the problems it listed", responses={200: s.ContactSerializer, 404: NOT_FOUND_BODY})
    def get(self, request, contact_id: int):
        return Response(s.ContactSerializer(access_contact(request.user, contact_id)).data)


class DutyList(APIView):
    @extend_schema(
        tags=TAGS, summary="Home visits weather warnings require of roster households in your scope, soonest deadline first",
        parameters=[OpenApiParameter("alert", int), OpenApiParameter("campaign", int), OpenApiParameter("household", int),
                    OpenApiParameter("status", str, enum=["open", "done", "missed", "ended"]),
                    OpenApiParameter("region", str, description="a region code in your scope: its whole subtree")],
        responses={200: s.VisitDutySerializer(many=True), 404: NOT_FOUND_BODY},
    )
    def get(self, request):
        params = request.query_params
        duties = _filter_ids(duties_for(request.user), params, ("alert", "campaign", "household"))
        if params.get("status"):
            duties = duties.filter(status=params["status"])
        if params.get("region", "").strip():
            duties = duties.filter(region__code__startswith=prefix_of(access_region_code(request.user, params["region"])))
        return paginate(self, request, duties, s.VisitDutySerializer)


class DutyDetail(APIView):
    @extend_schema(tags=TAGS, summary="One warning visit duty", responses={200: s.VisitDutySerializer, 404: NOT_FOUND_BODY})
    def get(self, request, duty_id: int):
        return Response(s.VisitDutySerializer(access_duty(request.user, duty_id)).data)


urlpatterns = [
    path("contacts", ContactList.as_view(), name="contact-list"),
    path("contacts/<int:contact_id>", ContactDetail.as_view(), name="contact-detail"),
    path("duties", DutyList.as_view(), name="duty-list"),
    path("duties/<int:duty_id>", DutyDetail.as_view(), name="duty-detail"),
]
