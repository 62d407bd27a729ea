"""Shapes of the weather-warning API."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from warmwinter.alerts.choices import AlertEvent, Colour

# Colours travel as words in the API ("blue" < "yellow" < "orange" < "red"); stored as 1..4.
COLOUR_KEYS = {Colour.BLUE: "blue", Colour.YELLOW: "yellow", Colour.ORANGE: "orange", Colour.RED: "red"}
COLOUR_BY_KEY = {key: colour for colour, key in COLOUR_KEYS.items()}
COLOUR_CHOICES = [(key, Colour(colour).label) for colour, key in COLOUR_KEYS.items()]


class ColourField(serializers.ChoiceField):
    """blue / yellow / orange / red in and out."""

    def __init__(self, **kwargs):
        super().__init__(choices=COLOUR_CHOICES, **kwargs)

    def to_representation(self, value):
        return COLOUR_KEYS[Colour(value)]

    def to_internal_value(self, data):
        return int(COLOUR_BY_KEY[super().to_internal_value(data)])


# --- out ------------------------------------------------------------------------------------------


class AreaSerializer(serializers.Serializer):
    code = serializers.CharField(source="region_id", help_text="12-digit region code; the warning covers its whole subtree")
    name = serializers.CharField(source="region.name")


class ActionSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="patrol (加密街面巡查) or banner (提示横幅); home visits are care's visit duties")
    kind_name = serializers.CharField(source="get_kind_display")
    region = serializers.CharField(source="region_id")
    region_name = serializers.CharField(source="region.name")
    active = serializers.BooleanField()
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)


class AlertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    identifier = serializers.CharField(help_text="the CAP identifier (or a generated one for a warning typed in)")
    sender = serializers.CharField()
    sent = serializers.DateTimeField()
    msg_type = serializers.CharField(help_text="CAP msgType: Alert, Update or Cancel")
    status = serializers.CharField(help_text="CAP status: Actual, Exercise, System, Test or Draft; only Actual sets actions in motion")
    event = serializers.CharField(help_text="cold_wave, blizzard, road_icing, low_temperature, gale, freezing, rainstorm or other")
    event_name = serializers.CharField(source="get_event_display")
    event_text = serializers.CharField(help_text="the event as the message named it")
    colour = serializers.SerializerMethodField(help_text="blue < yellow < orange < red")
    colour_name = serializers.CharField(source="get_colour_display")
    headline = serializers.CharField()
    onset = serializers.DateTimeField()
    expires = serializers.DateTimeField()
    state = serializers.CharField(help_text="active, expired or cancelled")
    state_name = serializers.CharField(source="get_state_display")
    in_force = serializers.SerializerMethodField(help_text="active and between onset and expires now")
    ended_at = serializers.DateTimeField(allow_null=True)
    source = serializers.CharField(help_text="cap_file, cap_url or manual")
    areas = AreaSerializer(many=True, source="areas.all")

    @extend_schema_field(OpenApiTypes.STR)
    def get_colour(self, obj) -> str:
        return COLOUR_KEYS[Colour(obj.colour)]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_in_force(self, obj) -> bool:
        return obj.in_force(timezone.now())


class AlertDetailSerializer(AlertSerializer):
    description = serializers.CharField()
    instruction = serializers.CharField()
    source_url = serializers.CharField()
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)
    actions = ActionSerializer(many=True, source="action_list")
    raw = serializers.CharField(help_text="the CAP message as received (empty for one typed in)")


class RuleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    events = serializers.ListField(child=serializers.CharField(), help_text="event codes it reacts to; empty = any")
    min_colour = serializers.SerializerMethodField(help_text="reacts to warnings of this colour or more severe")
    action = serializers.CharField(help_text="home_visit, patrol or banner")
    action_name = serializers.CharField(source="get_action_display")
    hours = serializers.IntegerField(help_text="home visits due within this many hours of the warning")
    active = serializers.BooleanField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_min_colour(self, obj) -> str:
        return COLOUR_KEYS[Colour(obj.min_colour)]


# --- in -------------------------------------------------------------------------------------------


class AlertCreate(serializers.Serializer):
    event = serializers.ChoiceField(choices=AlertEvent.choices)
    colour = ColourField()
    areas = serializers.ListField(child=serializers.CharField(max_length=12), allow_empty=False,
                                  help_text="region codes in your scope (6, 9 or 12 digits); a county covers its whole subtree")
    onset = serializers.DateTimeField()
    expires = serializers.DateTimeField()
    headline = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    instruction = serializers.CharField(required=False, allow_blank=True, default="")


class CapUpload(serializers.Serializer):
    file = serializers.FileField(help_text="a CAP 1.2 XML file, at most 1 MB")
