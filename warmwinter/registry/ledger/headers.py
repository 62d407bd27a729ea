"""Column headers as clerks write them, and finding the header row under the title rows."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# field -> the header texts clerks use for it (compared after `normalize_header`).
ALIASES: dict[str, tuple[str, ...]] = {
    "serial": ("序号", "编号", "No", "NO", "序"),
    "household_number": ("户编号", "户号", "家庭编号", "户编码", "户主编号"),
    "head_name": ("户主姓名", "户主", "户主名字"),
    "name": ("姓名", "成员姓名", "家庭成员姓名", "人员姓名", "救助对象姓名", "对象姓名", "名字"),
    "relation": ("与户主关系", "与户主的关系", "家庭关系", "关系", "与户主关系(称谓)"),
    "gender": ("性别",),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "公民身份证号码", "身份证", "身份证件号码", "证件号码",
                  "居民身份证号码", "居民身份证号", "身份号码"),
    "birth_date": ("出生日期", "出生年月", "出生年月日", "生日"),
    "phone": ("联系电话", "电话", "手机号", "手机号码", "联系方式", "电话号码", "手机"),
    "address": ("家庭住址", "住址", "家庭地址", "居住地址", "现住址", "地址", "详细地址"),
    "village": ("村(社区)", "村（社区）", "所属村", "村名", "村", "社区", "村居", "村(居)", "所在村", "所属村(社区)",
                "村委会", "村(居)委会", "所属社区"),
    "township": ("乡镇", "乡镇(街道)", "乡(镇)", "乡镇街道", "街道", "所属乡镇", "乡镇名称"),
    "categories": ("人员类别", "类别", "救助类别", "对象类别", "人员类型", "困难类别", "保障类别", "救助对象类别"),
    "grade": ("残疾等级", "残疾级别", "等级"),
    "notes": ("备注", "说明"),
    "housing": ("住房状况", "住房情况", "房屋状况", "住房类型"),
    "heating": ("取暖方式", "取暖情况", "取暖设施"),
    "bank_account": ("一卡通账号", "一卡通帐号", "一卡通", "惠民一卡通账号", "社保卡号", "银行账号", "银行卡号", "账号"),
    "category_from": ("认定日期", "纳入日期", "纳入时间", "享受时间", "起始日期", "认定时间"),
    "death_date": ("死亡日期", "死亡时间", "去世日期"),
}

# Shown in messages, in the clerk's words.
FIELD_LABELS = {
    "name": _("姓名"),
    "id_number": _("身份证号码"),
    "village": _("村（社区）"),
    "relation": _("与户主关系"),
}
MISSING_COLUMN = _("缺少“%(column)s”列")
VILLAGE_COLUMN_NEEDED = _("缺少“村（社区）”列：请加上这一列，或导入时指定一个村（社区）")
NO_HEADER_ROW = _("找不到表头行：前 %(rows)s 行中没有一行含有至少 3 个可识别的列名（如 姓名、身份证号码、与户主关系）")
DUPLICATE_COLUMN = _("“%(column)s”列出现了两次")

HEADER_SCAN_ROWS = 30
MIN_RECOGNISED = 3
_PARENS = re.compile(r"[(\[【][^)\]】]*[)\]】]")
_LOOKUP: dict[str, str] = {}


def normalize_header(text) -> str:
    """Full-width to half-width, no spaces, line breaks, required-markers (*) or trailing colon."""
    text = unicodedata.normalize("NFKC", str(text if text is not None else ""))
    return re.sub(r"[\s*:：]", "", text)


for _field, _words in ALIASES.items():
    for _word in _words:
        _LOOKUP.setdefault(normalize_header(_word), _field)


def field_of(text) -> str | None:
    """The field a header cell names, or None. "身份证号码(18位)" and "*姓名" are understood too."""
    key = normalize_header(text)
    if not key:
        return None
    if key in _LOOKUP:
        return _LOOKUP[key]
    bare = _PARENS.sub("", key)
    return _LOOKUP.get(bare) if bare else None


@dataclass(frozen=True)
class Header:
    row: int                       # 1-based sheet row of the header
    columns: dict[str, int]        # field -> 0-based column index
    texts: list[str]               # header cells as written (for messages and the error report)

    def text_of(self, field: str) -> str:
        index = self.columns.get(field)
        if index is None:
            return str(FIELD_LABELS.get(field, field))
        return self.texts[index]

    def has(self, field: str) -> bool:
        return field in self.columns


def recognise(cells) -> dict[str, int]:
    """field -> column index for the cells of one row (the first column wins on repeats)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        if cell is None or cell == "":
            continue
        field = field_of(cell)
        if field and field not in found:
            found[field] = index
    # "户主" alone is both a header for the head's name and a relation word; with a separate
    # 姓名 column it is the head's name. A lone 户主 column without 姓名 is treated as 姓名.
    if "head_name" in found and "name" not in found and normalize_header(cells[found["head_name"]]) == "户主":
        found["name"] = found.pop("head_name")
    return found


def header_text(cell) -> str:
    return " ".join(str(cell if cell is not None else "").split())
