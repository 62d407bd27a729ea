"""Shapes of the survey API: templates, rounds, answer sheets (with the problems they listed), spot checks."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from warmwinter.surveys.choices import ResponseKind
from warmwinter.surveys.services import due_at

# Spot-check answers have their own endpoint (POST /spot-check-items/{item_id}).
RESPONSE_KIND_CHOICES = [(k.value, k.label) for k in ResponseKind if k != ResponseKind.SPOT_CHECK]

# --- templates ------------------------------------------------------------------------------------


class TemplateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    version = serializers.IntegerField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    plan = serializers.CharField(help_text="the plan it comes from, e.g. P6")
    subject = serializers.CharField(help_text="household or premises")
    active = serializers.BooleanField()
    question_count = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.INT)
    def get_question_count(self, obj) -> int:
        return len(obj.questions)


class TemplateDetailSerializer(TemplateSerializer):
    questions = serializers.JSONField(help_text="[{key, type, label, label_en, options?, required?, section?, column?, min?, max?}]")
    rules = serializers.JSONField(help_text="[{key, when: {q, op, value? | param?}, category, severity, title, title_en}]")
    params = serializers.JSONField(help_text="rule thresholds a round may override: {name: default}")
    report_sections = serializers.JSONField()


# --- rounds ---------------------------------------------------------------------------------------


class RoundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    template = serializers.IntegerField(source="template_id")
    template_code = serializers.CharField(source="template.code")
    template_name = serializers.CharField(source="template.name")
    subject = serializers.CharField(source="template.subject", help_text="household or premises")
    region = serializers.CharField(source="region_id")
    region_name = serializers.CharField(source="region.name")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    report_deadline = serializers.DateTimeField(allow_null=True)
    params = serializers.JSONField(help_text="the round's overrides of the template's rule parameters")
    status = serializers.CharField(help_text="open or closed")
    due_at = serializers.SerializerMethodField(help_text="when answers and unit reports are due: the report deadline, else the end of ends_on")
    created_at = serializers.DateTimeField()

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_due_at(self, obj):
        return serializers.DateTimeField().to_representation(due_at(obj))


class RoundCreate(serializers.Serializer):
    template = serializers.IntegerField(help_text="a template id (GET /survey-templates)")
    region = serializers.CharField(max_length=12, help_text="region code the round covers, in your scope")
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    report_deadline = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                                help_text="e.g. 2026-11-08T12:00:00+08:00; default: end of ends_on")
    params = serializers.DictField(required=False, default=dict)


class RegionFigures(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.IntegerField()
    households = serializers.IntegerField(help_text="households (or premises) in the registry")
    households_surveyed = serializers.IntegerField()
    coverage_rate = serializers.FloatField(allow_null=True, help_text="percent, one decimal")
    persons = serializers.IntegerField()
    persons_covered = serializers.IntegerField()
    persons_rate = serializers.FloatField(allow_null=True)
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    leaflets = serializers.IntegerField(help_text="明白纸 handed over")
    leaflet_rate = serializers.FloatField(allow_null=True)
    education = serializers.IntegerField(help_text="face-to-face safety education given")
    education_rate = serializers.FloatField(allow_null=True)
    villages = serializers.IntegerField()
    villages_complete = serializers.IntegerField(help_text="villages where every household is surveyed (村不漏户)")


class HazardFigures(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    found = serializers.IntegerField()
    closed = serializers.IntegerField()
    rectification_rate = serializers.FloatField(allow_null=True, help_text="closed / found, percent")
    closed_on_time = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    open_overdue = serializers.IntegerField()
    major = serializers.IntegerField()


class HazardRatesSerializer(serializers.Serializer):
    total = HazardFigures()
    children = HazardFigures(many=True)


class CoverageSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    region = serializers.CharField()
    region_name = serializers.CharField()
    due_at = serializers.DateTimeField(help_text="the report deadline, else the end of the window")
    total = RegionFigures()
    children = RegionFigures(many=True, help_text="one level below `region`")
    villages = RegionFigures(many=True)
    hazards = HazardRatesSerializer()


class MissingHouseholdSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    region = serializers.CharField(source="region_id")
    number = serializers.CharField()
    head_name = serializers.CharField(source="head.name", allow_null=True, default=None)
    address = serializers.CharField()


class UnitReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    round = serializers.IntegerField(source="round_id")
    region = serializers.CharField(source="region_id")
    region_name = serializers.CharField(source="region.name")
    situation = serializers.CharField(help_text="现状")
    problems = serializers.CharField(help_text="问题")
    measures = serializers.CharField(help_text="对策")
    suggestions = serializers.CharField(help_text="建议")
    submitted_by = serializers.CharField(source="submitted_by.username", allow_null=True, default=None)
    submitted_at = serializers.DateTimeField()
    late = serializers.BooleanField()


class UnitReportCreate(serializers.Serializer):
    region = serializers.CharField(max_length=12, help_text="the reporting unit's region code")
    situation = serializers.CharField(allow_blank=True)
    problems = serializers.CharField(allow_blank=True)
    measures = serializers.CharField(allow_blank=True)
    suggestions = serializers.CharField(required=False, allow_blank=True, default="")


# --- answer sheets --------------------------------------------------------------------------------


class ListedHazardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rule = serializers.CharField()
    category = serializers.CharField()
    severity = serializers.CharField()
    title = serializers.CharField()
    state = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)


class ResponseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    round = serializers.IntegerField(source="round_id", allow_null=True)
    template = serializers.IntegerField(source="template_id")
    kind = serializers.CharField()
    region = serializers.CharField(source="region_id")
    region_name = serializers.CharField(source="region.name")
    household = serializers.IntegerField(source="household_id", allow_null=True)
    household_head = serializers.CharField(source="household.head.name", allow_null=True, default=None)
    premises = serializers.IntegerField(source="premises_id", allow_null=True)
    premises_name = serializers.CharField(source="premises.name", allow_null=True, default=None)
    surveyor = serializers.CharField(source="surveyor.username", allow_null=True, default=None)
    inspectors = serializers.CharField()
    visited_at = serializers.DateTimeField()
    answers = serializers.JSONField(help_text="question key -> stored answer")
    persons_covered = serializers.IntegerField()
    leaflet_given = serializers.BooleanField(allow_null=True)
    education_given = serializers.BooleanField(allow_null=True)
    notes = serializers.CharField()
    source = serializers.CharField(help_text="page, api or import")
    client_id = serializers.CharField(allow_null=True)
    late = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    version = serializers.IntegerField(help_text="send back to update a repeat visit")
    hazards = ListedHazardSerializer(many=True, source="listed_hazards", help_text="problems this sheet put on the problem list")


class ResponseCreate(serializers.Serializer):
    round = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="the round (required for a survey)")
    template = serializers.IntegerField(required=False, allow_null=True, default=None,
                                        help_text="for an inspection outside a round: the template id")
    household = serializers.IntegerField(required=False, allow_null=True, default=None)
    premises = serializers.IntegerField(required=False, allow_null=True, default=None)
    kind = serializers.ChoiceField(choices=RESPONSE_KIND_CHOICES, default=ResponseKind.SURVEY,
                                   help_text="spot-check answers go to POST /spot-check-items/{item_id}")
    answers = serializers.DictField(help_text="question key -> answer (an option value or its Chinese label, 是/否, a number ...)")
    persons_covered = serializers.IntegerField(required=False, allow_null=True, default=None,
                                               help_text="persons seen; default: every living member")
    visited_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    inspectors = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    client_id = serializers.CharField(required=False, allow_null=True, default=None, max_length=64,
                                      help_text="idempotency key: the same key with the same content returns the stored sheet (200); "
                                                "with different content, 409")
    version = serializers.IntegerField(required=False, allow_null=True, default=None,
                                       help_text="for a repeat visit: the version you read (409 when changed since)")


# --- spot checks ----------------------------------------------------------------------------------


class SpotCheckItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    region = serializers.CharField(source="region_id")
    original = serializers.IntegerField(source="original_id", help_text="the surveyed answer sheet")
    household = serializers.IntegerField(source="original.household_id", allow_null=True)
    household_head = serializers.CharField(source="original.household.head.name", allow_null=True, default=None)
    premises = serializers.IntegerField(source="original.premises_id", allow_null=True)
    premises_name = serializers.CharField(source="original.premises.name", allow_null=True, default=None)
    done = serializers.BooleanField()
    recheck = serializers.IntegerField(source="recheck_id", allow_null=True, help_text="the inspector's answer sheet")
    mismatches = serializers.JSONField(help_text="[{question, label, label_en, original, found}]")


class SpotCheckSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    round = serializers.IntegerField(source="round_id")
    region = serializers.CharField(source="region_id")
    size = serializers.IntegerField()
    seed = serializers.IntegerField(help_text="re-running the draw with this seed gives the same sample")
    drawn_by = serializers.CharField(source="drawn_by.username", allow_null=True, default=None)
    drawn_at = serializers.DateTimeField()
    items = SpotCheckItemSerializer(many=True, source="item_list")


class SpotCheckDraw(serializers.Serializer):
    region = serializers.CharField(max_length=12, help_text="draw among surveyed households (or premises) of this region")
    size = serializers.IntegerField(min_value=1)
    seed = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0, max_value=2**48)


class SpotCheckRecord(serializers.Serializer):
    answers = serializers.DictField()
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    persons_covered = serializers.IntegerField(required=False, allow_null=True, default=None)
    client_id = serializers.CharField(required=False, allow_null=True, default=None, max_length=64)
