"""Shapes of the problem-list and premises API."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from warmwinter.hazards import workflow
from warmwinter.hazards.choices import HazardCategory, PremisesKind, Severity
from warmwinter.hazards.selectors import INSPECTION_KINDS

INSPECTION_KIND_CHOICES = [(k.value, k.label) for k in INSPECTION_KINDS]

# --- out ------------------------------------------------------------------------------------------


class StepSerializer(serializers.Serializer):
    transition = serializers.CharField(help_text="`report`, `escalate` (automatic for a major problem) or a transition name")
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    note = serializers.CharField()
    at = serializers.DateTimeField()
    evidence = serializers.SerializerMethodField(help_text="ids of the files attached to this step")

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_evidence(self, obj) -> list[int]:
        return [e.pk for e in obj.evidence.all()]


class HazardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    region = serializers.CharField(source="region_id", help_text="village or township code")
    region_name = serializers.CharField(source="region.name")
    household = serializers.IntegerField(source="household_id", allow_null=True)
    premises = serializers.IntegerField(source="premises_id", allow_null=True)
    subject = serializers.SerializerMethodField(help_text="the household (户主 + 户编号) or premises name")
    category = serializers.CharField()
    category_name = serializers.CharField(source="get_category_display")
    severity = serializers.CharField(help_text="general or major")
    title = serializers.CharField()
    description = serializers.CharField()
    source = serializers.CharField(help_text="survey, inspection, spot_check, contact, complaint or manual")
    response = serializers.IntegerField(source="response_id", allow_null=True, help_text="the answer sheet it was found on")
    rule = serializers.CharField()
    state = serializers.CharField()
    state_name = serializers.CharField(source="get_state_display")
    responsible_unit = serializers.CharField()
    responsible_person = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)
    overdue = serializers.SerializerMethodField(help_text="open and the deadline has passed")
    found_at = serializers.DateTimeField()
    escalated_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    reopened = serializers.IntegerField(help_text="times verification failed and sent it back to rectifying")
    version = serializers.IntegerField(help_text="send it back with PATCH and transitions")

    @extend_schema_field(OpenApiTypes.STR)
    def get_subject(self, obj) -> str:
        return str(obj.subject or "")

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_overdue(self, obj) -> bool:
        return obj.state != workflow.State.CLOSED and obj.deadline is not None and obj.deadline < timezone.localdate()


class HazardDetailSerializer(HazardSerializer):
    found_by = serializers.CharField(source="found_by.username", allow_null=True, default=None)
    fixed_by = serializers.CharField(source="fixed_by.username", allow_null=True, default=None)
    verified_by = serializers.CharField(source="verified_by.username", allow_null=True, default=None)
    steps = StepSerializer(many=True, source="step_list", help_text="the timeline, oldest first")
    transitions = serializers.ListField(child=serializers.CharField(), source="transition_names", help_text="the moves YOU may make now")


class PremisesSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    region = serializers.CharField(source="region_id")
    region_name = serializers.CharField(source="region.name")
    name = serializers.CharField()
    kind = serializers.CharField()
    kind_name = serializers.CharField(source="get_kind_display")
    address = serializers.CharField()
    operator = serializers.CharField()
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()
    active = serializers.BooleanField()
    open_hazards = serializers.IntegerField(required=False, help_text="problems found here not yet closed")
    version = serializers.IntegerField()


class InspectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="self_inspection, joint_inspection, pre_holiday (or spot_check, survey)")
    kind_name = serializers.CharField(source="get_kind_display")
    template = serializers.CharField(source="template.code")
    template_version = serializers.IntegerField(source="template.version")
    visited_at = serializers.DateTimeField()
    surveyor = serializers.CharField(source="surveyor.username", allow_null=True, default=None)
    inspectors = serializers.CharField()
    answers = serializers.DictField()
    notes = serializers.CharField()
    hazards = serializers.SerializerMethodField(help_text="ids of the problems listed from this inspection")

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_hazards(self, obj) -> list[int]:
        return list(obj.hazards.order_by("id").values_list("id", flat=True))


# --- in -------------------------------------------------------------------------------------------


class HazardCreate(serializers.Serializer):
    region = serializers.CharField(required=False, help_text="region code; not needed with household or premises")
    household = serializers.IntegerField(required=False)
    premises = serializers.IntegerField(required=False)
    category = serializers.ChoiceField(choices=HazardCategory.choices)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.GENERAL,
                                       help_text="a major problem is escalated to the county at once, with a notification")
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    responsible_unit = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    responsible_person = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    deadline = serializers.DateField(required=False, allow_null=True, default=None,
                                     help_text="default: 7 days (general) or 3 days (major) after today")


class HazardPatch(serializers.Serializer):
    version = serializers.IntegerField()
    category = serializers.ChoiceField(choices=HazardCategory.choices, required=False)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    responsible_unit = serializers.CharField(required=False, allow_blank=True, max_length=100)
    responsible_person = serializers.CharField(required=False, allow_blank=True, max_length=50)
    deadline = serializers.DateField(required=False, allow_null=True)


class TransitionRequest(serializers.Serializer):
    transition = serializers.ChoiceField(choices=list(workflow.TRANSITIONS), help_text=" → ".join(workflow.TRANSITIONS))
    note = serializers.CharField(required=False, allow_blank=True, default="",
                                 help_text="required for resolve_on_spot, escalate, rectify and reject")
    version = serializers.IntegerField()


class PremisesCreate(serializers.Serializer):
    region = serializers.CharField(help_text="township or village code")
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=PremisesKind.choices)
    address = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    operator = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    contact_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    contact_phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)


class PremisesPatch(serializers.Serializer):
    version = serializers.IntegerField()
    name = serializers.CharField(max_length=100, required=False)
    kind = serializers.ChoiceField(choices=PremisesKind.choices, required=False)
    address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    operator = serializers.CharField(required=False, allow_blank=True, max_length=100)
    contact_name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    active = serializers.BooleanField(required=False)


class InspectionCreate(serializers.Serializer):
    kind = serializers.ChoiceField(choices=INSPECTION_KIND_CHOICES)
    answers = serializers.DictField(help_text="question key → answer, as in the premises checklist template")
    inspectors = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    night = serializers.BooleanField(required=False, default=False, help_text="an inspection at night (plan 7)")
    extreme_weather = serializers.BooleanField(required=False, default=False, help_text="during snow, ice or a cold wave")
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    visited_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    client_id = serializers.CharField(required=False, allow_null=True, default=None, max_length=64,
                                      help_text="idempotency key: the same content again returns the stored sheet, different content 409")
