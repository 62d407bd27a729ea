"""Reading an outside list for cross-checking (信息比对, plan 8): deceased persons, public
servants, vehicle owners, business owners ... as other departments send them.

The file is a csv or xlsx with an ID-number column (身份证号 / 身份证号码 / 公民身份号码),
optionally 姓名 and a detail column (死亡日期, 单位, 车牌号 ...), with any number of title rows
above the header. Every bad cell is reported by row and column; the caller writes nothing
unless the list is clean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _
from openpyxl.utils import get_column_letter

from warmwinter.core.errors import DomainError
from warmwinter.core.tabular import read_rows
from warmwinter.registry import idnumbers
from warmwinter.registry.ledger.headers import field_of, normalize_header
from warmwinter.registry.names import clean_name
from warmwinter.registry.validation import parse_date


class CrosscheckKind(models.TextChoices):
    DECEASED = "deceased", _("死亡人员")
    PUBLIC_SERVANT = "public_servant", _("财政供养人员")
    VEHICLE_OWNER = "vehicle_owner", _("车辆登记")
    BUSINESS_OWNER = "business_owner", _("工商登记")
    OTHER = "other", _("其他")


DETAIL_HEADERS = {
    CrosscheckKind.DECEASED: ("死亡日期", "死亡时间", "注销日期"),
    CrosscheckKind.PUBLIC_SERVANT: ("单位", "工作单位", "所在单位", "单位名称"),
    CrosscheckKind.VEHICLE_OWNER: ("车牌号", "车牌号码", "号牌号码", "车辆号牌"),
    CrosscheckKind.BUSINESS_OWNER: ("企业名称", "单位名称", "字号名称", "统一社会信用代码"),
    CrosscheckKind.OTHER: ("详情", "说明", "备注"),
}
HEADER_SEARCH_ROWS = 10

NO_ID_COLUMN = _("在前 %(rows)s 行中没有找到身份证号列（表头应为“身份证号”“身份证号码”或“公民身份号码”）。")
NO_ROWS = _("文件中没有数据行。")
CELL_ERROR = _("第 %(row)s 行，%(letter)s 列（%(column)s）：%(message)s")
ID_EMPTY = _("身份证号为空")
DEATH_DATE_UNREADABLE = _("死亡日期“%(text)s”无法识别（请写成 2024-01-31 或 20240131）")
UNKNOWN_KIND = _("比对类型无效：%(kind)s")


@dataclass(frozen=True)
class ListRow:
    row: int
    id_number: str
    name: str = ""
    detail: str = ""


@dataclass
class OutsideList:
    rows: list[ListRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    detail_column: str = ""


def _find_field(header: list[str], field_name: str) -> int | None:
    """The column the ledger import would read as `field_name` (same header aliases)."""
    return next((i for i, text in enumerate(header) if field_of(text) == field_name), None)


def _find(header: list[str], aliases) -> int | None:
    keys = [normalize_header(h) for h in header]
    for alias in aliases:
        if normalize_header(alias) in keys:
            return keys.index(normalize_header(alias))
    return None


def _date_text(text: str) -> str:
    """An Excel date cell arrives as '2024-01-05 00:00:00'; keep the date part."""
    return re.sub(r"[ T]\d{1,2}:\d{2}(:\d{2})?(\.\d+)?$", "", text.strip())


def check_kind(kind: str) -> str:
    if kind not in CrosscheckKind.values:
        raise DomainError(UNKNOWN_KIND % {"kind": kind}, field="kind")
    return kind


def read_list(name: str, content: bytes, *, kind: str) -> OutsideList:
    """Rows of the outside list with their ID numbers cleaned, and every bad cell as an error."""
    check_kind(kind)
    result = OutsideList()
    rows = read_rows(name, content)
    header: list[str] | None = None
    id_col = name_col = detail_col = None
    for number, cells in rows:
        if header is None:
            id_col = _find_field(cells, "id_number")
            if id_col is None:
                if number >= HEADER_SEARCH_ROWS:
                    break
                continue
            header = cells
            name_col = _find_field(cells, "name")
            detail_col = _find(cells, DETAIL_HEADERS[kind])
            result.detail_column = cells[detail_col] if detail_col is not None else ""
            continue
        result_row = _read_row(number, cells, header, id_col, name_col, detail_col, kind, result.errors)
        if result_row is not None:
            result.rows.append(result_row)
    if header is None:
        raise DomainError(NO_ID_COLUMN % {"rows": HEADER_SEARCH_ROWS}, field="file")
    if not result.rows and not result.errors:
        raise DomainError(NO_ROWS, field="file")
    return result


_FOOTER = re.compile(r"^(合计|总计|小计)|[:：]")


def _not_a_person(cells: list[str]) -> bool:
    """A row without an ID number that is a subtotal or a footer (填表人：…, 合计 …), not a person."""
    texts = [clean_name(c) for c in cells if clean_name(c)]
    return not texts or bool(_FOOTER.search(texts[0])) or all(t.isdigit() for t in texts)


def _cell_error(errors: list[str], number: int, col: int, header: list[str], message) -> None:
    errors.append(str(CELL_ERROR % {"row": number, "letter": get_column_letter(col + 1), "column": header[col], "message": message}))


def _read_row(number, cells, header, id_col, name_col, detail_col, kind, errors) -> ListRow | None:
    def cell(col):
        return cells[col] if col is not None and col < len(cells) else ""

    raw_id = cell(id_col)
    detail = cell(detail_col).strip()
    if not idnumbers.clean(raw_id) and _not_a_person(cells):
        return None
    ok = True
    if not idnumbers.clean(raw_id):
        _cell_error(errors, number, id_col, header, ID_EMPTY)
        ok = False
    else:
        try:
            info = idnumbers.parse(raw_id)
        except idnumbers.IdNumberError as exc:
            _cell_error(errors, number, id_col, header, exc.message)
            ok = False
    if kind == CrosscheckKind.DECEASED and detail:
        try:
            detail = parse_date(_date_text(detail)).isoformat()
        except (ValueError, TypeError):
            _cell_error(errors, number, detail_col, header, DEATH_DATE_UNREADABLE % {"text": detail})
            ok = False
    if not ok:
        return None
    return ListRow(row=number, id_number=info.number, name=clean_name(cell(name_col)), detail=detail[:150])
