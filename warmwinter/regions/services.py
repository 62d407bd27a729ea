"""Writes on the division tree: loading the national table, importing local changes, 管区."""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from warmwinter.accounts.scoping import membership_for
from warmwinter.audit import services as audit
from warmwinter.core.errors import DomainError
from warmwinter.core.tabular import read_rows
from warmwinter.regions.codes import Level, is_valid, level_of, parent_code, prefix_of
from warmwinter.regions.models import ManagementArea, Region

DATA_DIR = Path(__file__).resolve().parent / "data"
NATIONAL_TABLE = DATA_DIR / "divisions_2025.csv.gz"

MISSING_COLUMNS = _("文件缺少列：code、name（或“区划代码”“名称”）。")
ROW_ERROR = _("第 %(row)s 行，%(column)s 列：%(message)s")
BAD_CODE = _("区划代码须为 12 位数字")
BAD_LEVEL = _("只能导入乡镇（街道）或村（社区），此代码是%(level)s级")
NO_PARENT = _("上级区划 %(parent)s 不存在")
EMPTY_NAME = _("名称不能为空")
LONG_NAME = _("名称不能超过 100 个字")
DUPLICATE_CODE = _("代码在文件中重复（另见第 %(row)s 行）")
IMPORT_REJECTED = _("区划文件有 %(count)s 处错误，未导入任何区划。")
OUTSIDE_SCOPE = _("不在您的管辖范围内")
AREA_NAME_TAKEN = _("该乡镇已有同名管区。")
NOT_A_TOWNSHIP = _("管区只能设在乡镇（街道）下。")
VILLAGE_NOT_IN_TOWNSHIP = _("%(name)s 不属于该乡镇。")

HEADER_ALIASES = {"code": "code", "区划代码": "code", "代码": "code", "name": "name", "名称": "name", "区划名称": "name"}


@dataclass(frozen=True)
class ImportResult:
    created: int
    renamed: int
    unchanged: int


def _bulk_upsert(rows: list[tuple[str, str]]) -> ImportResult:
    """Insert new codes and rename changed ones; parents come before children (sorted codes)."""
    rows = sorted(rows)
    existing = dict(Region.objects.filter(code__in=[c for c, _ in rows]).values_list("code", "name")) if len(rows) < 5000 else dict(
        Region.objects.values_list("code", "name")
    )
    new, renamed = [], []
    for code, name in rows:
        if code not in existing:
            level = level_of(code)
            new.append(Region(code=code, name=name, level=level, parent_id=parent_code(code)))
        elif existing[code] != name:
            renamed.append(Region(code=code, name=name))
    Region.objects.bulk_create(new, batch_size=2000)
    Region.objects.bulk_update(renamed, ["name"], batch_size=2000)
    return ImportResult(created=len(new), renamed=len(renamed), unchanged=len(rows) - len(new) - len(renamed))


def _read_national_table(path: Path) -> list[tuple[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        return [(code, name) for code, name in reader]


@transaction.atomic
def regions_load(*, path: Path = NATIONAL_TABLE, root_code: str | None = None) -> ImportResult:
    """Load (or refresh) the national table down to townships; optionally one subtree only."""
    rows = _read_national_table(path)
    if root_code:
        keep = prefix_of(root_code)  # not rstrip("0"): 130110 (鹿泉区) and 500000 (重庆市) end in significant zeros
        ancestors = set()
        code = root_code
        while code:
            ancestors.add(code)
            code = parent_code(code)
        rows = [(c, n) for c, n in rows if c.startswith(keep[: len(keep)]) or c in ancestors]
    # Some cities have no county-level row of their own (e.g. 东莞市's townships hang off the city);
    # re-home any orphan to its nearest existing ancestor rather than failing.
    codes = {c for c, _ in rows} | set(Region.objects.values_list("code", flat=True)) if len(rows) < 5000 else {c for c, _ in rows}
    result = _bulk_upsert_with_orphans(rows, codes)
    if result.created or result.renamed:
        audit.record(actor=None, action="region.load", region_code=root_code or "", object_type="regions.region",
                     changes={"source": [None, path.name], "created": [None, result.created], "renamed": [None, result.renamed]})
    return result


def _bulk_upsert_with_orphans(rows: list[tuple[str, str]], codes: set[str]) -> ImportResult:
    result = _bulk_upsert(rows)
    orphans = []
    for code, _name in rows:
        parent = parent_code(code)
        if parent is not None and parent not in codes:
            ancestor = parent_code(parent)
            while ancestor is not None and ancestor not in codes:
                ancestor = parent_code(ancestor)
            orphans.append(Region(code=code, parent_id=ancestor))
    if orphans:
        Region.objects.bulk_update(orphans, ["parent"], batch_size=2000)
    return result


def _parse_import(name: str, content: bytes) -> tuple[list[tuple[int, str, str]], list[str]]:
    rows, errors, columns = [], [], None
    for number, cells in read_rows(name, content):
        if columns is None:
            columns = {HEADER_ALIASES.get(c.strip().lower(), HEADER_ALIASES.get(c.strip())): i for i, c in enumerate(cells)}
            if "code" not in columns or "name" not in columns:
                raise DomainError(MISSING_COLUMNS)
            continue
        code = cells[columns["code"]] if columns["code"] < len(cells) else ""
        region_name = cells[columns["name"]] if columns["name"] < len(cells) else ""
        rows.append((number, code.replace(" ", ""), region_name.strip()))
    if columns is None:
        raise DomainError(MISSING_COLUMNS)
    return rows, errors


@transaction.atomic
def regions_import(*, actor, name: str, content: bytes) -> ImportResult:
    """Add or rename townships and villages from a code,name file; any error rejects it whole."""
    rows, errors = _parse_import(name, content)
    seen: dict[str, int] = {}
    file_codes = {code for _, code, _ in rows}
    known = set(Region.objects.filter(code__in={parent_code(c) for c in file_codes if is_valid(c)} | file_codes).values_list("code", flat=True))
    for number, code, region_name in rows:
        def error(column: str, message) -> None:
            errors.append(str(ROW_ERROR % {"row": number, "column": column, "message": message}))

        if not is_valid(code):
            error("code", BAD_CODE)
        else:
            level = level_of(code)
            parent = parent_code(code)
            if level not in (Level.TOWNSHIP, Level.VILLAGE):
                error("code", BAD_LEVEL % {"level": Level(level).label})
            elif parent not in known and parent not in file_codes:
                error("code", NO_PARENT % {"parent": parent})
            elif actor is not None:
                try:
                    membership_for(actor, action="region.import", region_code=code)
                except DomainError:
                    error("code", OUTSIDE_SCOPE)
            if code in seen:
                error("code", DUPLICATE_CODE % {"row": seen[code]})
            seen.setdefault(code, number)
        if not region_name:
            error("name", EMPTY_NAME)
        elif len(region_name) > 100:
            error("name", LONG_NAME)
    if errors:
        raise DomainError(IMPORT_REJECTED % {"count": len(errors)}, errors=errors)
    before = dict(Region.objects.filter(code__in=file_codes).values_list("code", "name"))
    result = _bulk_upsert([(code, region_name) for _, code, region_name in rows])
    changed = {code: [before.get(code), n] for _, code, n in rows if before.get(code) != n}
    root = min(file_codes, key=len) if file_codes else ""
    role = ""
    if actor is not None and file_codes:
        role = membership_for(actor, action="region.import", region_code=next(iter(file_codes))).role
    if changed:
        audit.record(actor=actor, role=role, action="region.import", region_code=root[:6].ljust(12, "0") if root else "",
                     object_type="regions.region", object_id=name[:64], changes=changed)
    return result


@transaction.atomic
def management_area_create(*, actor, township_code: str, name: str, village_codes: list[str]) -> ManagementArea:
    """Create a 管区 under a township and put villages in it."""
    township = Region.objects.filter(code=township_code).first()
    if township is None or township.level != Level.TOWNSHIP:
        raise DomainError(NOT_A_TOWNSHIP, field="township")
    acting = membership_for(actor, action="management_area.manage", region_code=township.code) if actor else None
    name = (name or "").strip()
    if not name:
        raise DomainError(EMPTY_NAME, field="name")
    if ManagementArea.objects.filter(township=township, name=name).exists():
        raise DomainError(AREA_NAME_TAKEN, field="name")
    area = ManagementArea.objects.create(township=township, name=name)
    villages = list(Region.objects.filter(code__in=village_codes))
    for village in villages:
        if village.parent_id != township.code:
            raise DomainError(VILLAGE_NOT_IN_TOWNSHIP % {"name": village.name}, field="villages")
    Region.objects.filter(code__in=[v.code for v in villages]).update(management_area=area)
    audit.record(actor=actor, role=acting.role if acting else "", action="management_area.create", region_code=township.code,
                 obj=area, changes={"name": [None, name], "villages": [None, sorted(v.code for v in villages)]})
    return area
