from django.db import models
from django.utils.translation import gettext_lazy as _


class Subject(models.TextChoices):
    """What one answer sheet is about."""

    HOUSEHOLD = "household", _("家庭")
    PREMISES = "premises", _("场所")


class QuestionType(models.TextChoices):
    CHOICE = "choice", _("单选")
    MULTI = "multi", _("多选")
    NUMBER = "number", _("数字")
    YESNO = "yesno", _("是否")
    TEXT = "text", _("文字")
    PHOTO = "photo", _("照片")


class ResponseKind(models.TextChoices):
    """Why the answers were taken: the round's survey, or one of the premises inspections (P10)."""

    SURVEY = "survey", _("摸排")
    SELF_INSPECTION = "self_inspection", _("单位自查")
    JOINT_INSPECTION = "joint_inspection", _("联合检查")
    PRE_HOLIDAY = "pre_holiday", _("节前检查")
    SPOT_CHECK = "spot_check", _("四不两直暗访")


class ResponseSource(models.TextChoices):
    PAGE = "page", _("网页")
    API = "api", _("接口")
    IMPORT = "import", _("摸底表导入")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")
