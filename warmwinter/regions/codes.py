"""Statistical division codes (统计用区划代码): 12 digits; the level is read off the code.

province 2 significant digits, city 4, county 6, township 9, village 12. A subtree is a prefix
of the significant digits, so "everything under 西秀区" is `code LIKE '520402%'`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

CODE_LENGTH = 12


class Level(models.IntegerChoices):
    PROVINCE = 1, _("省")
    CITY = 2, _("市")
    COUNTY = 3, _("县")
    TOWNSHIP = 4, _("乡镇")
    VILLAGE = 5, _("村")


SIGNIFICANT_DIGITS = {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6, Level.TOWNSHIP: 9, Level.VILLAGE: 12}


def normalize(code: str) -> str:
    """'520402' -> '520402000000'; raises ValueError unless it is digits, 12 at most."""
    code = (code or "").strip()
    if not code.isdigit() or len(code) > CODE_LENGTH:
        raise ValueError(code)
    return code.ljust(CODE_LENGTH, "0")


def is_valid(code: str) -> bool:
    return len(code) == CODE_LENGTH and code.isdigit() and code[:2] != "00"


def level_of(code: str) -> Level:
    if code[2:] == "0" * 10:
        return Level.PROVINCE
    if code[4:] == "0" * 8:
        return Level.CITY
    if code[6:] == "0" * 6:
        return Level.COUNTY
    if code[9:] == "000":
        return Level.TOWNSHIP
    return Level.VILLAGE


def prefix_of(code: str) -> str:
    """The significant digits: the prefix shared by every code in this region's subtree."""
    return code[: SIGNIFICANT_DIGITS[level_of(code)]]


def parent_code(code: str) -> str | None:
    level = level_of(code)
    if level == Level.PROVINCE:
        return None
    keep = SIGNIFICANT_DIGITS[Level(level - 1)]
    parent = code[:keep].ljust(CODE_LENGTH, "0")
    return parent


def in_subtree(code: str, root: str) -> bool:
    return code.startswith(prefix_of(root))
