from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertEvent(models.TextChoices):
    """Meteorological warnings the plans react to (requirements.md C19)."""

    COLD_WAVE = "cold_wave", _("寒潮")
    BLIZZARD = "blizzard", _("暴雪")
    ROAD_ICING = "road_icing", _("道路结冰")
    LOW_TEMPERATURE = "low_temperature", _("低温")
    GALE = "gale", _("大风")
    FREEZING = "freezing", _("冰冻")
    RAINSTORM = "rainstorm", _("暴雨")
    OTHER = "other", _("其他")


class Colour(models.IntegerChoices):
    """Warning level colours, ordered so that `>=` means "at least this severe"."""

    BLUE = 1, _("蓝色")
    YELLOW = 2, _("黄色")
    ORANGE = 3, _("橙色")
    RED = 4, _("红色")


class AlertSource(models.TextChoices):
    CAP_FILE = "cap_file", _("CAP 文件")
    CAP_URL = "cap_url", _("CAP 网址")
    MANUAL = "manual", _("人工录入")


class AlertState(models.TextChoices):
    ACTIVE = "active", _("生效中")
    EXPIRED = "expired", _("已过期")
    CANCELLED = "cancelled", _("已解除")


class ActionKind(models.TextChoices):
    HOME_VISIT = "home_visit", _("入户走访重点户")
    PATROL = "patrol", _("加密街面巡查")
    BANNER = "banner", _("提示横幅")
