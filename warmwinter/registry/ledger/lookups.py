"""What a ledger cell names: villages (by name within the region, or by code), categories by
name, alias or code, disability grades, housing and heating words, and who may import where."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

from warmwinter.accounts.scoping import membership_for
from warmwinter.core.errors import Forbidden, NotFound
from warmwinter.regions.codes import Level, prefix_of
from warmwinter.regions.models import Region
from warmwinter.registry.choices import HeatingMethod, HousingCondition
from warmwinter.registry.models import Category

VILLAGE_REQUIRED = _("村（社区）不能为空")
VILLAGE_UNKNOWN = _("找不到村（社区）“%(name)s”（在%(region)s范围内）")
VILLAGE_AMBIGUOUS = _("%(region)s有 %(count)s 个村（社区）叫“%(name)s”，请填写乡镇或区划代码")
VILLAGE_OUT_OF_SCOPE = _("村（社区）“%(name)s”不在您的管辖范围内")
VILLAGE_NOT_ALLOWED = _("您的角色无权向“%(name)s”导入台账")
CATEGORY_UNKNOWN = _("人员类别“%(name)s”不存在（可在“人员类别”管理中查看或新增）")
GRADE_INVALID = _("残疾等级“%(text)s”无法识别（应为 1–4 级）")
HOUSING_UNKNOWN = _("住房状况“%(text)s”无法识别（可填：安全、老旧、危房、漏雨漏风）")
HEATING_UNKNOWN = _("取暖方式“%(text)s”无法识别（可填：燃煤炉、煤改电、煤改气、集中供暖、电取暖、柴草、无）")
ALL_REGIONS = _("全部区划")

_COMMITTEE = ("社区居民委员会", "居民委员会", "村民委员会", "社区居委会", "居委会", "村委会", "委员会")
_PLACE = ("社区", "村", "居")
_TOWNSHIP = ("街道办事处", "办事处", "街道", "镇", "乡")
EMPTY_WORDS = {"", "无", "-", "—", "/", "／", "否", "没有", "0"}


def squeeze(text) -> str:
    """NFKC (full-width to half-width), no spaces of any width."""
    return "".join(unicodedata.normalize("NFKC", str(text if text is not None else "")).split())


def _strip(text: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def _village_keys(name: str) -> list[str]:
    full = squeeze(name)
    short = _strip(full, _COMMITTEE)
    bare = _strip(short, _PLACE)
    return list(dict.fromkeys([full, short, bare]))


class Villages:
    """Villages under the import's region, found by code, full name, short name or bare name."""

    def __init__(self, region_code: str | None):
        self.region_code = region_code
        self.region_name = str(ALL_REGIONS)
        villages = Region.objects.filter(level=Level.VILLAGE)
        townships = Region.objects.filter(level=Level.TOWNSHIP)
        if region_code:
            root = Region.objects.filter(code=region_code).first()
            self.region_name = root.name if root else region_code
            villages = villages.filter(code__startswith=prefix_of(region_code))
            townships = townships.filter(code__startswith=prefix_of(region_code)[:9])
        self.names: dict[str, str] = {}
        self._index: list[dict[str, list[str]]] = [{}, {}, {}]
        for code, name in villages.values_list("code", "name").iterator():
            self.names[code] = name
            for level, key in enumerate(_village_keys(name)):
                self._index[level].setdefault(key, []).append(code)
        self._townships: dict[str, list[str]] = {}
        for code, name in townships.values_list("code", "name"):
            for key in {squeeze(name), _strip(squeeze(name), _TOWNSHIP)}:
                self._townships.setdefault(key, []).append(code[:9])
        self._cache: dict[tuple[str, str], tuple[str | None, str | None]] = {}

    def resolve(self, text, township="") -> tuple[str | None, str | None]:
        """(village code, None) or (None, a message for the clerk)."""
        key = (squeeze(text), squeeze(township))
        if key not in self._cache:
            self._cache[key] = self._resolve(*key)
        return self._cache[key]

    def _resolve(self, text: str, township: str) -> tuple[str | None, str | None]:
        if not text:
            return None, str(VILLAGE_REQUIRED)
        if text.isdigit() and len(text) == 12:
            if text in self.names:
                return text, None
            return None, str(VILLAGE_UNKNOWN % {"name": text, "region": self.region_name})
        candidates: list[str] = []
        for level, key in enumerate(_village_keys(text)):
            candidates = self._index[level].get(key, [])
            if candidates:
                break
        if township and len(candidates) > 1:
            prefixes = self._townships.get(township) or self._townships.get(_strip(township, _TOWNSHIP)) or []
            candidates = [c for c in candidates if c[:9] in prefixes] or candidates
        if not candidates:
            return None, str(VILLAGE_UNKNOWN % {"name": text, "region": self.region_name})
        if len(set(candidates)) > 1:
            return None, str(VILLAGE_AMBIGUOUS % {"region": self.region_name, "count": len(set(candidates)), "name": text})
        return candidates[0], None


class Scope:
    """May the importing user write in this village? actor=None (operator at the CLI) may."""

    def __init__(self, actor):
        self.actor = actor
        self.roles: dict[str, str] = {}
        self._answers: dict[str, str | None] = {}

    def problem(self, village_code: str, village_name: str) -> str | None:
        if self.actor is None:
            return None
        if village_code not in self._answers:
            try:
                membership = membership_for(self.actor, action="registry.import", region_code=village_code)
                self.roles[village_code] = membership.role
                self._answers[village_code] = None
            except NotFound:
                self._answers[village_code] = str(VILLAGE_OUT_OF_SCOPE % {"name": village_name})
            except Forbidden:
                self._answers[village_code] = str(VILLAGE_NOT_ALLOWED % {"name": village_name})
        return self._answers[village_code]


class Categories:
    """Active categories by name, alias or code (full-width brackets and spaces ignored)."""

    SPLIT = re.compile(r"[、,，;；\s]+")

    def __init__(self):
        self.by_key: dict[str, Category] = {}
        for category in Category.objects.filter(active=True).order_by("sort", "code"):
            keys = [category.code, category.name, *self.SPLIT.split(category.aliases or "")]
            for key in keys:
                if key:
                    self.by_key.setdefault(squeeze(key).lower(), category)

    def parse(self, text) -> tuple[list[Category], list[str], int | None]:
        """(categories, unknown words, a grade written with one) for one cell, e.g. "低保、残疾人",
        "特困(分散供养)" or "低保、残疾人（2级）" (as the ledger export writes graded categories)."""
        whole = squeeze(text).lower()
        if whole in EMPTY_WORDS:
            return [], [], None
        if whole in self.by_key:
            return [self.by_key[whole]], [], None
        found, unknown, grade = [], [], None
        for part in self.SPLIT.split(str(text)):
            key = squeeze(part).lower()
            if not key:
                continue
            category = self.by_key.get(key)
            graded = _WITH_GRADE.match(key) if category is None else None
            if graded and self.by_key.get(graded.group(1)) is not None and self.by_key[graded.group(1)].has_grade:
                category, grade = self.by_key[graded.group(1)], _CN_DIGITS[graded.group(2)]
            if category is None:
                unknown.append(part.strip())
            elif category not in found:
                found.append(category)
        return found, unknown, grade


_WITH_GRADE = re.compile(r"^(.+?)\(([一二三四1-4])级?\)$")
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4, "Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4}
_GRADE = re.compile(r"^(?:残疾)?([一二三四1-4ⅠⅡⅢⅣ])(?:级|等)?(?:残疾)?$")


def parse_grade(value) -> tuple[int | None, str | None]:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = squeeze(value)
    if text in EMPTY_WORDS:
        return None, None
    match = _GRADE.match(text)
    if not match:
        return None, str(GRADE_INVALID % {"text": text})
    return _CN_DIGITS[match.group(1)], None


def _words(choices, extra: dict[str, str]) -> dict[str, str]:
    table = {squeeze(label): value for value, label in choices.choices}
    table.update({squeeze(k): v for k, v in extra.items()})
    return table


HOUSING_WORDS = _words(HousingCondition, {
    "安全住房": "safe", "良好": "safe", "一般": "old", "老旧房": "old", "旧房": "old", "C级危房": "dangerous",
    "D级危房": "dangerous", "危旧房": "dangerous", "漏雨": "leaking", "漏风": "leaking",
})
HEATING_WORDS = _words(HeatingMethod, {
    "燃煤": "coal_stove", "煤炉": "coal_stove", "火炉": "coal_stove", "烧煤": "coal_stove", "蜂窝煤": "coal_stove",
    "电暖": "electric", "电暖器": "electric", "空调": "electric", "电热毯": "electric", "暖气": "central",
    "集中供热": "central", "柴火": "biomass", "柴草": "biomass", "秸秆": "biomass", "生物质": "biomass",
    "无": "none", "没有": "none", "天然气": "coal_to_gas", "燃气": "coal_to_gas",
})


def parse_choice(value, table: dict[str, str], message) -> tuple[str | None, str | None]:
    text = squeeze(value)
    if not text:
        return None, None
    if text in table:
        return table[text], None
    return None, str(message % {"text": text})
