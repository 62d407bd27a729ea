from django.db import models
from django.utils.translation import gettext_lazy as _


class HazardCategory(models.TextChoices):
    """Problem types named by the plans (requirements.md E14)."""

    HEATING_MISSING = "heating_missing", _("无取暖设施")
    HEATING_EQUIPMENT = "heating_equipment", _("取暖设备故障")
    COAL_LOW = "coal_low", _("储煤不足")
    CO_RISK = "co_risk", _("一氧化碳中毒/窒息风险")
    FIRE_RISK = "fire_risk", _("火灾隐患")
    HOUSE_DANGER = "house_danger", _("危房/漏雨")
    WIRING = "wiring", _("电气线路老化破损")
    GAS_PIPE = "gas_pipe", _("燃气管道隐患")
    WATER = "water", _("饮水困难")
    COLD_SUPPLIES = "cold_supplies", _("御寒衣被不足")
    FOOD = "food", _("口粮不足")
    MEDICAL = "medical", _("危重病医疗")
    HARDSHIP = "hardship", _("特殊困难需临时救助")
    EPIDEMIC = "epidemic", _("防疫")
    MOOD = "mood", _("思想动态异常")
    FIRE_EQUIPMENT = "fire_equipment", _("消防设施缺失损坏")
    MAINTENANCE = "maintenance", _("维护保养未落实")
    EVACUATION_BLOCKED = "evacuation_blocked", _("疏散通道堵塞")
    DAILY_CHECKS = "daily_checks", _("日常防火巡查未落实")
    FLAMMABLE_DECORATION = "flammable_decoration", _("易燃装修装饰材料")
    MULTI_USE = "multi_use", _("“三合一”/“多合一”场所")
    SUPPLY_SHORTAGE = "supply_shortage", _("煤电油气供应短缺")
    OTHER = "other", _("其他")


class Severity(models.TextChoices):
    GENERAL = "general", _("一般")
    MAJOR = "major", _("重大")


class HazardSource(models.TextChoices):
    SURVEY = "survey", _("摸排")
    INSPECTION = "inspection", _("场所检查")
    SPOT_CHECK = "spot_check", _("四不两直暗访")
    CONTACT = "contact", _("帮扶走访")
    COMPLAINT = "complaint", _("群众诉求")
    MANUAL = "manual", _("人工登记")


class PremisesKind(models.TextChoices):
    """Premises named by plans 1, 3, 7, 8 and 10 (requirements.md E26)."""

    MALL = "mall", _("商场")
    SUPERMARKET = "supermarket", _("超市")
    MARKET = "market", _("集贸市场")
    GAS_STATION = "gas_station", _("加油站")
    SCHOOL = "school", _("学校")
    HOSPITAL = "hospital", _("医院")
    HOTEL_RESTAURANT = "hotel_restaurant", _("宾馆饭店")
    BATHHOUSE = "bathhouse", _("澡堂")
    OLD_RESIDENTIAL = "old_residential", _("老旧住宅")
    NURSING_HOME = "nursing_home", _("养老院")
    CHILDREN_HOME = "children_home", _("儿童福利院")
    RESCUE_STATION = "rescue_station", _("救助管理站")
    MENTAL_HEALTH = "mental_health", _("精神卫生福利机构")
    MULTI_USE = "multi_use", _("“三合一”/“多合一”场所")
    OTHER = "other", _("其他")
