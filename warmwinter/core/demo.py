"""The demo county: 贵州省安顺市西秀区 (520402) with real townships and villages, one user per role."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction

from warmwinter.accounts import services as account_services
from warmwinter.accounts.models import Membership, User
from warmwinter.accounts.roles import Role
from warmwinter.regions import services as region_services
from warmwinter.regions.models import ManagementArea, Region

if TYPE_CHECKING:
    from warmwinter.registry.ledger import LedgerResult

COUNTY = "520402000000"
DEMO_PASSWORD = "WarmWinter-2026"
VILLAGES_FILE = region_services.DATA_DIR / "villages_520402_2023.csv"

# (username, role, region code, display name)
DEMO_USERS = [
    ("admin", Role.ADMIN, COUNTY, "系统管理员"),
    ("county", Role.COUNTY_OFFICER, COUNTY, "西秀区民政局 王科长"),
    ("emergency", Role.EMERGENCY_APPROVER, COUNTY, "西秀区应急管理局 李审批"),
    ("finance", Role.FINANCE_OFFICER, COUNTY, "西秀区财政局 赵会计"),
    ("auditor", Role.AUDITOR, COUNTY, "审计 周审计"),
    ("supervisor", Role.SUPERVISOR, COUNTY, "督查室 吴督查"),
    ("station", Role.STATION_STAFF, COUNTY, "西秀区救助站 陈站员"),
    ("warehouse", Role.WAREHOUSE_KEEPER, COUNTY, "物资仓库 孙保管"),
    ("charity", Role.CHARITY_ORGANIZER, COUNTY, "春晖爱心社 郑组织"),
    ("township", Role.TOWNSHIP_OFFICER, "520402005000", "东关街道 刘助理员"),
    ("patrol", Role.PATROL_MEMBER, "520402005000", "东关街道巡查队 何队员"),
    ("clerk", Role.VILLAGE_CLERK, "520402005001", "村协理员 杨协理"),
    ("helper", Role.HELPER, "520402005001", "帮扶责任人 黄帮扶"),
]
MANAGEMENT_AREAS = {"520402005000": [("东关第一管区", 0, 2), ("东关第二管区", 2, None)]}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    region: str
    totp_secret: str


def demo_totp_secret(username: str) -> str:
    """Stable per user so the printed secret stays valid across `warmwinter demo` runs."""
    digest = hashlib.sha256(f"warmwinter-demo:{username}".encode()).digest()
    return base64.b32encode(digest[:20]).decode()


DEMO_LEDGER_TOWNSHIPS = ["520402005000", "520402001000"]  # 东关街道 and 南街街道


def demo_ledger_path() -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "demo" / "西秀区东关街道南街街道困难群众台账.xlsx"


def demo_ledger_load() -> "LedgerResult":
    """Write the demo ledger the way clerks make theirs and import it like a clerk would.

    The file stays in var/demo/ so a new user can open it, change it and upload it again.
    """
    from warmwinter.registry.demo_ledger import write_demo_ledger
    from warmwinter.registry.ledger import ledger_import

    villages = list(Region.objects.filter(parent_id__in=DEMO_LEDGER_TOWNSHIPS).order_by("code").values_list("code", "name", "parent__name"))
    path = write_demo_ledger(demo_ledger_path(), title="西秀区东关街道、南街街道困难群众台账", villages=villages, households_per_village=8)
    result = ledger_import(actor=None, file_name=path.name, path=path, region_code=COUNTY)
    from warmwinter.registry.dedupe import find_candidates

    find_candidates(region_code=COUNTY)  # the demo ledger holds one person registered twice
    return result


def demo_surveys_load():
    """Surveys, premises and the problem list over the demo ledger (after demo_ledger_load); idempotent."""
    from warmwinter.surveys.demo import surveys_demo_load

    return surveys_demo_load()


def demo_care_load():
    """Helping contacts and a cold-wave warning over the demo ledger (after demo_surveys_load); idempotent."""
    from warmwinter.care.demo import care_demo_load

    return care_demo_load()


@transaction.atomic
def demo_load() -> list[DemoLogin]:
    """Load the demo county; running it again changes nothing."""
    region_services.regions_load(root_code=COUNTY)
    region_services.regions_import(actor=None, name=VILLAGES_FILE.name, content=VILLAGES_FILE.read_bytes())
    for township_code, areas in MANAGEMENT_AREAS.items():
        villages = list(Region.objects.filter(parent_id=township_code).order_by("code").values_list("code", flat=True))
        for name, start, end in areas:
            if not ManagementArea.objects.filter(township_id=township_code, name=name).exists():
                region_services.management_area_create(actor=None, township_code=township_code, name=name, village_codes=villages[start:end])
    logins = []
    for username, role, code, display in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = account_services.user_create(actor=None, username=username, role=role, region_code=code,
                                                password=DEMO_PASSWORD, display_name=display)
        secret = ""
        if user.needs_second_factor():
            secret = demo_totp_secret(username)
            if user.totp_secret != secret or not user.totp_confirmed:
                User.objects.filter(pk=user.pk).update(totp_secret=secret, totp_confirmed=True)
        membership = Membership.objects.select_related("region").get(user=user, role=role, region_id=code)
        logins.append(DemoLogin(username, membership.get_role_display(), membership.region.name, secret))
    return logins
