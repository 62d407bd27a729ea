"""Roles a membership can carry, and which of them must use a second factor."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from warmwinter.regions.codes import Level


class Role(models.TextChoices):
    VILLAGE_CLERK = "village_clerk", _("村协理员")
    HELPER = "helper", _("帮扶责任人")
    TOWNSHIP_OFFICER = "township_officer", _("乡镇民政助理员")
    COUNTY_OFFICER = "county_officer", _("县民政局")
    EMERGENCY_APPROVER = "emergency_approver", _("区应急管理局")
    FINANCE_OFFICER = "finance_officer", _("财政")
    STATION_STAFF = "station_staff", _("救助站")
    PATROL_MEMBER = "patrol_member", _("巡查队员")
    WAREHOUSE_KEEPER = "warehouse_keeper", _("物资保管")
    SUPERVISOR = "supervisor", _("督查/纪检")
    AUDITOR = "auditor", _("审计")
    CHARITY_ORGANIZER = "charity_organizer", _("公益组织")
    ADMIN = "admin", _("系统管理员")


# Roles whose work is county-wide by nature: a membership below county level makes no sense.
COUNTY_LEVEL_ROLES = frozenset(
    {Role.COUNTY_OFFICER, Role.EMERGENCY_APPROVER, Role.FINANCE_OFFICER, Role.AUDITOR, Role.SUPERVISOR}
)


def needs_second_factor(*, role: str, region_level: int) -> bool:
    """TOTP is required for memberships at county level or higher (county, city, province)."""
    return region_level <= Level.COUNTY
