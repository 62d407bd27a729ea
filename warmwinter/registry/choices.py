from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Relation(models.TextChoices):
    """与户主关系, as ledgers write it."""

    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDPARENT = "grandparent", _("祖父母/外祖父母")
    GRANDCHILD = "grandchild", _("孙子女/外孙子女")
    SIBLING = "sibling", _("兄弟姐妹")
    CHILD_IN_LAW = "child_in_law", _("儿媳/女婿")
    OTHER = "other", _("其他")


class HousingCondition(models.TextChoices):
    SAFE = "safe", _("安全")
    OLD = "old", _("老旧")
    DANGEROUS = "dangerous", _("危房")
    LEAKING = "leaking", _("漏雨漏风")
    UNKNOWN = "unknown", _("未知")


class HeatingMethod(models.TextChoices):
    COAL_STOVE = "coal_stove", _("燃煤炉")
    COAL_TO_ELECTRICITY = "coal_to_electricity", _("煤改电")
    COAL_TO_GAS = "coal_to_gas", _("煤改气")
    CENTRAL = "central", _("集中供暖")
    ELECTRIC = "electric", _("电取暖")
    BIOMASS = "biomass", _("柴草/生物质")
    NONE = "none", _("无取暖设施")
    OTHER = "other", _("其他")
    UNKNOWN = "unknown", _("未知")


class HouseholdStatus(models.TextChoices):
    ACTIVE = "active", _("在册")
    MOVED = "moved", _("迁出")
    CLOSED = "closed", _("注销")


class CategoryLevel(models.TextChoices):
    PERSON = "person", _("人员")
    HOUSEHOLD = "household", _("家庭")
