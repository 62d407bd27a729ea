"""Shapes of the care API: campaigns, the roster with its helpers, helpers, contacts, visit duties, compliance."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from warmwinter.care.choices import HelperRole
from warmwinter.care.quota import week_label

# Choice fields are plain strings with their values listed: several apps have `kind` / `role` / `status`
# fields with different choice sets, and same-named enums would collide in the OpenAPI document.
CHANNELS = "visit (入户走访) or phone (电话联系)"
HELPER_KINDS = "two_committees (村两委成员), party_member (党员), cadre (包村干部) or other"
HELPER_ROLES = "primary (主帮扶人) or backup (备用帮扶人)"
DUTY_STATUSES = "open (待走访), done (已走访), missed (逾期未走访) or ended (预警结束)"

# --- campaigns ------------------------------------------------------------------------------------


class CareQuotaRuleSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="weekly, daily or after_warning")
    count = serializers.IntegerField(help_text="contacts a week (weekly rules)")
    hours = serializers.IntegerField(help_text="hours to visit after a warning (after_warning rules)")
    category = serializers.CharField(source="category_id", allow_null=True, help_text="a registry category code, or null")
    household = serializers.IntegerField(source="household_id", allow_null=True)
    active = serializers.BooleanField()


class CareCampaignSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    region = serializers.CharField(source="region_id")
    region_name = serializers.CharField(source="region.name")
    filing_deadline = serializers.DateField(help_text="帮扶责任联系表 filed for record by this day")
    starts_on = serializers.DateField(help_text="first day of the helping contacts")
    ends_on = serializers.DateField()
    roster_categories = serializers.ListField(child=serializers.CharField(), help_text="registry categories put on the roster")
    contact_template = serializers.IntegerField(source="contact_template_id", allow_null=True, help_text="the visit checklist")
    status = serializers.CharField(help_text="open or closed")
    created_at = serializers.DateTimeField()


class CareCampaignDetailSerializer(CareCampaignSerializer):
    quota_rules = CareQuotaRuleSerializer(many=True, source="rule_list")
    roster_households = serializers.IntegerField(help_text="households on the roster inside your scope")


class CareCampaignCreate(serializers.Serializer):
    region = serializers.CharField(max_length=12, help_text="the region the campaign covers, in your scope")
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    filing_deadline = serializers.DateField(required=False, allow_null=True, default=None, help_text="default 12-20")
    starts_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="default 12-21")
    ends_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="default 02-28 (02-29 in a leap year)")
    roster_categories = serializers.ListField(child=serializers.CharField(), required=False, allow_null=True, default=None,
                                              help_text="default: plan 6's key-focus categories")


class RosterBuild(serializers.Serializer):
    region = serializers.CharField(max_length=12, required=False, allow_blank=True, default="",
                                   help_text="one village or township of the campaign; default: the narrowest region you share with it")


class RosterBuildResult(serializers.Serializer):
    added = serializers.IntegerField(help_text="households newly put on the roster")
    region = serializers.CharField()


# --- the roster -----------------------------------------------------------------------------------


class HelperBrief(serializers.Serializer):
    id = serializers.IntegerField(source="helper_id")
    name = serializers.CharField(source="helper.name")
    phone = serializers.CharField(source="helper.phone")
    role = serializers.CharField(help_text=HELPER_ROLES)


class RosterEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    campaign = serializers.IntegerField(source="campaign_id")
    household = serializers.IntegerField(source="household_id")
    head = serializers.SerializerMethodField(help_text="the head of the household")
    number = serializers.CharField(source="household.number")
    village = serializers.CharField(source="region_id")
    village_name = serializers.CharField(source="region.name")
    source = serializers.CharField(help_text="category (from the registry) or manual")
    categories = serializers.ListField(child=serializers.CharField())
    reason = serializers.CharField()
    weekly_contacts = serializers.IntegerField(help_text="contacts owed a week")
    daily_contact = serializers.BooleanField(help_text="must be asked after every day (plan 7's special groups)")
    visit_hours = serializers.IntegerField(allow_null=True, help_text="hours to visit after a weather warning")
    helpers = serializers.SerializerMethodField(help_text="active pairings: the primary helper and the backup")
    added_at = serializers.DateTimeField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_head(self, obj) -> str:
        return obj.household.head.name if obj.household.head else ""

    @extend_schema_field(HelperBrief(many=True))
    def get_helpers(self, obj):
        pairs = getattr(obj, "active_pairs", None)
        if pairs is None:
            pairs = list(obj.assignments.filter(active=True).select_related("helper"))
        pairs = sorted(pairs, key=lambda a: a.role != HelperRole.PRIMARY)
        return HelperBrief(pairs, many=True).data


class RosterAdd(serializers.Serializer):
    household = serializers.IntegerField()
    reason = serializers.CharField(max_length=200, allow_blank=True, help_text="why the household is a key focus (其他重点人群)")


class PairCreate(serializers.Serializer):
    helper = serializers.IntegerField(help_text="a helper of the household's village (GET /helpers)")
    role = serializers.CharField(required=False, default=HelperRole.PRIMARY, help_text=HELPER_ROLES)


class HelperPairingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    entry = serializers.IntegerField(source="entry_id")
    helper = serializers.IntegerField(source="helper_id")
    helper_name = serializers.CharField(source="helper.name")
    role = serializers.CharField(help_text=HELPER_ROLES)
    active = serializers.BooleanField()
    assigned_at = serializers.DateTimeField()


# --- helpers --------------------------------------------------------------------------------------


class HelperSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    village = serializers.CharField(source="region_id")
    village_name = serializers.CharField(source="region.name")
    name = serializers.CharField()
    phone = serializers.CharField()
    kind = serializers.CharField(help_text=HELPER_KINDS)
    position = serializers.CharField()
    username = serializers.CharField(source="user.username", allow_null=True, default=None, help_text="the helper's account, if any")
    active = serializers.BooleanField()
    households = serializers.IntegerField(help_text="roster households the helper holds as primary (一帮多)")


class HelperCreate(serializers.Serializer):
    village = serializers.CharField(max_length=12)
    name = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    kind = serializers.CharField(required=False, default="two_committees", help_text=HELPER_KINDS)
    position = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    username = serializers.CharField(required=False, allow_blank=True, default="", help_text="link an account in your scope")


# --- contacts -------------------------------------------------------------------------------------


class ContactProblemInput(serializers.Serializer):
    category = serializers.CharField(help_text="a problem-list category, e.g. heating_missing, house_danger, other")
    title = serializers.CharField(max_length=200)
    severity = serializers.CharField(required=False, default="general", help_text="general or major")
    description = serializers.CharField(required=False, allow_blank=True, default="")


class ContactCreate(serializers.Serializer):
    household = serializers.IntegerField()
    channel = serializers.CharField(help_text=CHANNELS)
    contacted_at = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                             help_text="default now; not in the future (five minutes' grace for phone clocks)")
    campaign = serializers.IntegerField(required=False, allow_null=True, default=None,
                                        help_text="default: the open campaign whose roster holds the household")
    helper = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="default: your helper record")
    answers = serializers.DictField(required=False, default=dict, help_text="the campaign's visit checklist: {question key: answer}")
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    solved_on_spot = serializers.CharField(required=False, allow_blank=True, default="")
    problems = ContactProblemInput(many=True, required=False, default=list, help_text="problems to put on the problem list")
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True, default=None)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True, default=None)
    client_id = serializers.CharField(max_length=64, required=False, allow_blank=True, default="",
                                      help_text="generated by the phone; sending the same submission again stores it once")


class ContactSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    campaign = serializers.IntegerField(source="campaign_id", allow_null=True)
    household = serializers.IntegerField(source="household_id")
    head = serializers.SerializerMethodField()
    village = serializers.CharField(source="region_id")
    village_name = serializers.CharField(source="region.name")
    helper = serializers.IntegerField(source="helper_id", allow_null=True)
    helper_name = serializers.CharField(source="helper.name", allow_null=True, default=None)
    recorded_by = serializers.CharField(source="recorded_by.username", allow_null=True, default=None)
    channel = serializers.CharField(help_text=CHANNELS)
    contacted_at = serializers.DateTimeField()
    local_date = serializers.DateField(help_text="the day in the deployment time zone")
    week = serializers.SerializerMethodField(help_text="ISO week, e.g. 2026-W48")
    answers = serializers.JSONField()
    notes = serializers.CharField()
    solved_on_spot = serializers.CharField()
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    client_id = serializers.CharField(allow_null=True)
    hazards = serializers.SerializerMethodField(help_text="problems this contact put on the problem list")
    created_at = serializers.DateTimeField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_head(self, obj) -> str:
        return obj.household.head.name if obj.household.head else ""

    @extend_schema_field(OpenApiTypes.STR)
    def get_week(self, obj) -> str:
        return week_label(obj.week_start)

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_hazards(self, obj) -> list[int]:
        return sorted(h.pk for h in obj.hazards.all())


# --- duties ---------------------------------------------------------------------------------------


class VisitDutySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    alert = serializers.IntegerField(source="alert_id")
    alert_title = serializers.CharField(source="alert", help_text="the warning's headline")
    campaign = serializers.IntegerField(source="campaign_id")
    household = serializers.IntegerField(source="household_id")
    head = serializers.SerializerMethodField()
    village = serializers.CharField(source="region_id")
    village_name = serializers.CharField(source="region.name")
    issued_at = serializers.DateTimeField()
    due_by = serializers.DateTimeField(help_text="a home visit by then (a call does not count)")
    status = serializers.CharField(help_text=DUTY_STATUSES)
    contact = serializers.IntegerField(source="contact_id", allow_null=True, help_text="the visit that fulfilled it")
    closed_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(OpenApiTypes.STR)
    def get_head(self, obj) -> str:
        return obj.household.head.name if obj.household.head else ""


# --- compliance -----------------------------------------------------------------------------------


class CareComplianceRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    households = serializers.IntegerField(help_text="roster households")
    compliant = serializers.IntegerField()
    not_compliant = serializers.IntegerField()
    compliance_rate = serializers.FloatField(allow_null=True, help_text="percent, one decimal; null without households")
    without_helper = serializers.IntegerField()


class HelperComplianceSerializer(serializers.Serializer):
    helper = serializers.IntegerField()
    name = serializers.CharField()
    village = serializers.CharField()
    village_name = serializers.CharField()
    households = serializers.IntegerField(help_text="households held as primary helper")
    compliant = serializers.IntegerField()
    compliance_rate = serializers.FloatField(allow_null=True)


class UnhelpedHousehold(serializers.Serializer):
    entry = serializers.IntegerField()
    household = serializers.IntegerField()
    head = serializers.CharField()
    number = serializers.CharField()
    village = serializers.CharField()
    village_name = serializers.CharField()
    address = serializers.CharField()
    phone = serializers.CharField()
    categories = serializers.ListField(child=serializers.CharField())


class HouseholdsWithoutHelperSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="all of them")
    households = UnhelpedHousehold(many=True, help_text="the first 100")


class CareComplianceSerializer(serializers.Serializer):
    campaign = serializers.IntegerField()
    campaign_name = serializers.CharField()
    region = serializers.CharField()
    region_name = serializers.CharField()
    week = serializers.CharField(help_text="ISO week, e.g. 2026-W48")
    week_start = serializers.DateField(help_text="its Monday")
    week_end = serializers.DateField(help_text="its Sunday")
    days = serializers.IntegerField(help_text="days of the week inside the contact period (the weekly quota is prorated to them)")
    days_over = serializers.IntegerField(help_text="of those, days already over (what a daily rule asks for)")
    total = CareComplianceRowSerializer()
    children = CareComplianceRowSerializer(many=True, help_text="regions one level down")
    villages = CareComplianceRowSerializer(many=True)
    helpers = HelperComplianceSerializer(many=True)
    without_helper = HouseholdsWithoutHelperSerializer(help_text="roster households without a helper: never compliant")
    due_today = serializers.IntegerField(help_text="households that need a contact today")
