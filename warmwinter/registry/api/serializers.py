"""Shapes of the ledger API. ID numbers go out masked only (`id_number_masked`); `id_number` is input only."""

from __future__ import annotations

from datetime import date

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from warmwinter.registry.choices import HeatingMethod, HouseholdStatus, HousingCondition

# --- out ------------------------------------------------------------------------------------------


class CategorySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    level = serializers.CharField(help_text="person or household")
    has_grade = serializers.BooleanField(help_text="true for graded categories (残疾人 grade 1–4)")
    aliases = serializers.CharField()
    active = serializers.BooleanField()


class AssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    category = serializers.CharField(source="category_id")
    category_name = serializers.CharField(source="category.name")
    grade = serializers.IntegerField(allow_null=True)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)
    source = serializers.CharField()
    verified_by = serializers.CharField()
    note = serializers.CharField()
    in_force = serializers.SerializerMethodField(help_text="valid today")

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_in_force(self, obj) -> bool:
        today = date.today()
        return obj.valid_from <= today and (obj.valid_to is None or obj.valid_to >= today)


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    household = serializers.IntegerField(source="household_id")
    region = serializers.CharField(source="region_id", help_text="village code")
    region_name = serializers.CharField(source="region.name")
    name = serializers.CharField()
    name_pinyin = serializers.CharField()
    gender = serializers.CharField(help_text="M or F")
    birth_date = serializers.DateField(allow_null=True)
    age = serializers.SerializerMethodField()
    id_number_masked = serializers.CharField(help_text="e.g. 5204**********123X; the full number only through reveal-id")
    relation = serializers.CharField()
    relation_name = serializers.CharField(source="get_relation_display")
    phone = serializers.CharField()
    alive = serializers.BooleanField()
    death_date = serializers.DateField(allow_null=True)
    notes = serializers.CharField()
    version = serializers.IntegerField(help_text="send back with PATCH")
    categories = AssignmentSerializer(many=True, source="current_categories", help_text="categories in force today")

    @extend_schema_field(OpenApiTypes.INT)
    def get_age(self, obj) -> int | None:
        if obj.birth_date is None:
            return None
        today, birth = date.today(), obj.birth_date
        return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


class HouseholdSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    region = serializers.CharField(source="region_id", help_text="village code")
    region_name = serializers.CharField(source="region.name")
    number = serializers.CharField()
    address = serializers.CharField()
    head = serializers.IntegerField(source="head_id", allow_null=True)
    head_name = serializers.CharField(source="head.name", allow_null=True, default=None)
    phone = serializers.CharField()
    housing_condition = serializers.CharField()
    heating_method = serializers.CharField()
    bank_account_masked = serializers.CharField(help_text="****1234")
    status = serializers.CharField()
    version = serializers.IntegerField(help_text="send back with PATCH")
    member_count = serializers.IntegerField()


class HouseholdDetailSerializer(HouseholdSerializer):
    members = PersonSerializer(many=True)


class RevealResponse(serializers.Serializer):
    id_number = serializers.CharField()


# --- in -------------------------------------------------------------------------------------------


class PersonFields(serializers.Serializer):
    name = serializers.CharField(max_length=50, allow_blank=True)
    id_number = serializers.CharField(max_length=30, allow_blank=True, required=False,
                                      help_text="the full number (input only); lowercase x and full-width digits are accepted")
    gender = serializers.CharField(max_length=4, allow_blank=True, required=False, help_text="M/F or 男/女; taken from the ID number when blank")
    birth_date = serializers.CharField(max_length=20, allow_blank=True, required=False, allow_null=True, help_text="1950-01-31; taken from the ID number when blank")
    relation = serializers.CharField(max_length=20, allow_blank=True, required=False, help_text="head, spouse, child ... or as ledgers write it (户主, 妻, 长子 ...)")
    phone = serializers.CharField(max_length=40, allow_blank=True, required=False)
    alive = serializers.BooleanField(required=False)
    death_date = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(max_length=500, allow_blank=True, required=False)


class PersonCreate(PersonFields):
    household = serializers.IntegerField(help_text="id of a household in your scope")


class PersonPatch(PersonFields):
    name = serializers.CharField(max_length=50, required=False)
    version = serializers.IntegerField(help_text="the version you read; 409 if someone changed the person since")


class HouseholdFields(serializers.Serializer):
    number = serializers.CharField(max_length=40, allow_blank=True, required=False)
    address = serializers.CharField(max_length=200, allow_blank=True, required=False)
    phone = serializers.CharField(max_length=40, allow_blank=True, required=False)
    housing_condition = serializers.ChoiceField(choices=HousingCondition.choices, required=False)
    heating_method = serializers.ChoiceField(choices=HeatingMethod.choices, required=False)
    bank_account = serializers.CharField(max_length=40, allow_blank=True, required=False, help_text="一卡通 account (input only; stored encrypted)")


class HouseholdCreate(HouseholdFields):
    region = serializers.CharField(max_length=12, help_text="village code in your scope")
    head = PersonFields(required=False, help_text="register the head (户主) in the same request")


class HouseholdPatch(HouseholdFields):
    status = serializers.ChoiceField(choices=HouseholdStatus.choices, required=False)
    version = serializers.IntegerField(help_text="the version you read; 409 if someone changed the household since")


class AssignRequest(serializers.Serializer):
    category = serializers.CharField(max_length=40, help_text="category code, see GET /categories")
    grade = serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True, help_text="required for graded categories")
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(required=False, allow_null=True)
    source = serializers.CharField(max_length=100, allow_blank=True, required=False)
    verified_by = serializers.CharField(max_length=50, allow_blank=True, required=False)
    note = serializers.CharField(max_length=200, allow_blank=True, required=False)


class EndRequest(serializers.Serializer):
    valid_to = serializers.DateField()


class RevealRequest(serializers.Serializer):
    reason = serializers.CharField(max_length=200, allow_blank=True, help_text="why the full number is needed; audited")
