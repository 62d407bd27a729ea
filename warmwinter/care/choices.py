from django.db import models
from django.utils.translation import gettext_lazy as _


class HelperKind(models.TextChoices):
    """Who helpers are (P6): village two-committee members by default, Party members when there are many."""

    TWO_COMMITTEES = "two_committees", _("村两委成员")
    PARTY_MEMBER = "party_member", _("党员")
    CADRE = "cadre", _("包村干部")
    OTHER = "other", _("其他")


class HelperRole(models.TextChoices):
    PRIMARY = "primary", _("主帮扶人")
    BACKUP = "backup", _("备用帮扶人")


class RosterSource(models.TextChoices):
    CATEGORY = "category", _("按人员类别")
    MANUAL = "manual", _("人工添加")


class Channel(models.TextChoices):
    VISIT = "visit", _("入户走访")
    PHONE = "phone", _("电话联系")


class QuotaKind(models.TextChoices):
    WEEKLY = "weekly", _("每周联系次数")
    DAILY = "daily", _("每日联系")
    AFTER_WARNING = "after_warning", _("预警后限时入户")


class DutyStatus(models.TextChoices):
    OPEN = "open", _("待走访")
    DONE = "done", _("已走访")
    MISSED = "missed", _("逾期未走访")
    ENDED = "ended", _("预警结束")


class CampaignStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")
