"""The survey statistical table (摸排统计表) of a round and region, as xlsx.

Sheet 1 is the table units hand upward: a title, the round's window and the time the figures were
taken, two header rows, one row per region one level down and a 合计 row, with coverage, the
on-time/late split, 明白纸 and face-to-face education rates, and the problem list's rectification
figures. Sheet 2 lists every village; sheet 3 the households (or premises) not yet surveyed.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warmwinter.accounts.scoping import membership_for
from warmwinter.audit import services as audit
from warmwinter.hazards.models import Premises
from warmwinter.regions.codes import Level, level_of, prefix_of
from warmwinter.regions.models import Region
from warmwinter.core.xlsx import TableStyles as _Styles
from warmwinter.core.xlsx import table_cell as _cell
from warmwinter.surveys import selectors
from warmwinter.surveys.choices import ResponseKind, Subject
from warmwinter.surveys.models import SurveyResponse, SurveyRound
from warmwinter.surveys.selectors import Coverage, CoverageRow, HazardRates

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NO_RATE = "—"  # a rate without a denominator

HOUSEHOLD_GROUP, HOUSEHOLDS, SURVEYED, COVERAGE = (gettext_lazy("家庭摸排"), gettext_lazy("户数"), gettext_lazy("已摸排户数"),
                                                 gettext_lazy("摸排覆盖率"))
# The same columns of a premises round, by the identity of the household label.
PREMISES_LABELS = {id(HOUSEHOLD_GROUP): gettext_lazy("场所检查"), id(HOUSEHOLDS): gettext_lazy("场所数"),
                   id(SURVEYED): gettext_lazy("已检查场所数"), id(COVERAGE): gettext_lazy("检查覆盖率")}
# (group label or None, [(column label, width)]); a group of None spans both header rows.
TABLE_GROUPS = [
    (None, [(gettext_lazy("序号"), 6)]),
    (None, [(gettext_lazy("单位"), 18)]),
    (HOUSEHOLD_GROUP, [(HOUSEHOLDS, 9), (SURVEYED, 11), (COVERAGE, 11)]),
    (gettext_lazy("人员覆盖"), [(gettext_lazy("人数"), 9), (gettext_lazy("覆盖人数"), 10), (gettext_lazy("人员覆盖率"), 11)]),
    (gettext_lazy("按时/逾期"), [(gettext_lazy("按时"), 8), (gettext_lazy("逾期"), 8)]),
    (gettext_lazy("宣传教育"), [(gettext_lazy("明白纸发放率"), 12), (gettext_lazy("面对面教育率"), 12)]),
    (gettext_lazy("问题整改"), [(gettext_lazy("发现问题"), 9), (gettext_lazy("已销号"), 9), (gettext_lazy("整改率"), 9),
                           (gettext_lazy("按期销号率"), 11), (gettext_lazy("逾期未改"), 9)]),
]
VILLAGE_COLUMNS = [
    (gettext_lazy("序号"), 6), (gettext_lazy("乡镇（街道）"), 14), (gettext_lazy("村（社区）"), 18), (HOUSEHOLDS, 8),
    (SURVEYED, 11), (COVERAGE, 11), (gettext_lazy("人数"), 8), (gettext_lazy("覆盖人数"), 10),
    (gettext_lazy("人员覆盖率"), 11), (gettext_lazy("按时"), 7), (gettext_lazy("逾期"), 7), (gettext_lazy("明白纸发放率"), 12),
    (gettext_lazy("面对面教育率"), 12), (gettext_lazy("发现问题"), 9), (gettext_lazy("已销号"), 9), (gettext_lazy("逾期未改"), 9),
    (gettext_lazy("是否全覆盖"), 10),
]
MISSING_COLUMNS = [
    (gettext_lazy("序号"), 6), (gettext_lazy("乡镇（街道）"), 14), (gettext_lazy("村（社区）"), 18), (gettext_lazy("户编号"), 12),
    (gettext_lazy("户主"), 10), (gettext_lazy("在册人数"), 9), (gettext_lazy("家庭住址"), 30), (gettext_lazy("联系电话"), 14),
]
MISSING_PREMISES_COLUMNS = [
    (gettext_lazy("序号"), 6), (gettext_lazy("乡镇（街道）"), 14), (gettext_lazy("村（社区）"), 18), (gettext_lazy("场所名称"), 24),
    (gettext_lazy("场所类型"), 14), (gettext_lazy("安全责任人"), 10), (gettext_lazy("联系电话"), 14), (gettext_lazy("地址"), 30),
]


@dataclass
class RoundExport:
    """Everything the three sheets show, read once."""

    round: SurveyRound
    region: Region
    taken_at: datetime
    coverage: Coverage
    hazards: HazardRates
    hazards_by_code: dict[str, HazardRates] = field(default_factory=dict)  # children and villages
    township_names: dict[str, str] = field(default_factory=dict)

    @property
    def premises(self) -> bool:
        return self.round.template.subject == Subject.PREMISES

    @property
    def title(self) -> str:
        return _("%(region)s %(round)s统计表") % {"region": self.region.name, "round": self.round.name}

    @property
    def subtitle(self) -> str:
        parts = [_("摸排时间：%(start)s 至 %(end)s") % {"start": self.round.starts_on.isoformat(), "end": self.round.ends_on.isoformat()}]
        if self.round.report_deadline:
            parts.append(_("报送截止：%(at)s") % {"at": f"{timezone.localtime(self.round.report_deadline):%Y-%m-%d %H:%M}"})
        parts.append(_("截至 %(at)s") % {"at": f"{timezone.localtime(self.taken_at):%Y-%m-%d %H:%M}"})
        return "　".join(parts)

    @property
    def file_name(self) -> str:
        return f"{self.region.name}-{self.round.name}-{timezone.localtime(self.taken_at):%Y%m%d%H%M}.xlsx"

    def table_rows(self) -> list[CoverageRow]:
        """One row per region one level down (a village alone: the village itself)."""
        return self.coverage.children or self.coverage.villages


def round_export(*, actor, round_: SurveyRound, region_code: str) -> RoundExport:
    """Read a round's figures in a region for the statistical table, and audit the export (survey.export)."""
    acting = membership_for(actor, action="survey.export", region_code=region_code)
    taken_at = timezone.now()
    today = timezone.localdate(taken_at)
    coverage = selectors.coverage(round_, region_code)
    region = coverage.region
    total, children = selectors.hazard_rates(round_, region.code, today=today)
    by_code = {r.code: r for r in children} | _village_hazards(round_, region.code, total, children, today)
    if region.level == Level.VILLAGE:
        townships = dict(Region.objects.filter(pk=region.parent_id).values_list("code", "name"))
    else:
        townships = dict(Region.objects.filter(code__startswith=prefix_of(region.code), level=Level.TOWNSHIP).values_list("code", "name"))
    with transaction.atomic():
        audit.record(actor=actor, role=acting.role, action="survey.export", region_code=region.code, obj=round_,
                     changes={"region": [None, region.code], "households": [None, coverage.total.units],
                              "surveyed": [None, coverage.total.surveyed]})
    return RoundExport(round=round_, region=region, taken_at=taken_at, coverage=coverage, hazards=total,
                       hazards_by_code=by_code, township_names=townships)


def _village_hazards(round_, code: str, total: HazardRates, children: list[HazardRates], today) -> dict[str, HazardRates]:
    """Hazard figures of every village under `code` (hazard_rates gives one level down: descend to the villages)."""
    level = level_of(code)
    if level == Level.VILLAGE:
        return {code: total}
    if level == Level.TOWNSHIP:
        return {r.code: r for r in children}
    found: dict[str, HazardRates] = {}
    for child in children:
        found |= _village_hazards(round_, child.code, *selectors.hazard_rates(round_, child.code, today=today), today)
    return found


# --- rows -----------------------------------------------------------------------------------------


def _rate(value: float | None):
    return NO_RATE if value is None else value / 100


def table_row(row: CoverageRow, hazards: HazardRates | None, *, number: int | None, name: str) -> list:
    """One line of sheet 1: rates as fractions (the cell shows 75.0%), a rate without a denominator as —."""
    h = hazards or HazardRates(code=row.code)
    return [number, name, row.units, row.surveyed, _rate(row.coverage_rate), row.persons, row.persons_covered,
            _rate(row.persons_rate), row.on_time, row.late, _rate(row.leaflet_rate), _rate(row.education_rate),
            h.found, h.closed, _rate(h.rectification_rate), _rate(h.on_time_rate), h.open_overdue]


def village_row(export: RoundExport, row: CoverageRow, number: int) -> list:
    h = export.hazards_by_code.get(row.code) or HazardRates(code=row.code)
    township = export.township_names.get(row.code[:9] + "000", "")
    return [number, township, row.name, row.units, row.surveyed, _rate(row.coverage_rate), row.persons, row.persons_covered,
            _rate(row.persons_rate), row.on_time, row.late, _rate(row.leaflet_rate), _rate(row.education_rate),
            h.found, h.closed, h.open_overdue, _("是") if row.complete else _("否")]


def missing_rows(export: RoundExport):
    """The households (or premises) of the region that the round has not surveyed, village by village."""
    villages = {v.code: v.name for v in export.coverage.villages}
    if export.premises:
        done = SurveyResponse.objects.filter(round=export.round, kind=ResponseKind.SURVEY, premises__isnull=False).values("premises_id")
        rows = (Premises.objects.filter(region__code__startswith=prefix_of(export.region.code), active=True).exclude(pk__in=done)
                .order_by("region_id", "name", "id"))
        for n, p in enumerate(rows.iterator(chunk_size=2000), start=1):
            yield [n, export.township_names.get(p.region_id[:9] + "000", ""), villages.get(p.region_id, ""), p.name,
                   p.get_kind_display(), p.contact_name, p.contact_phone, p.address]
        return
    rows = selectors.households_missing(export.round, export.region.code).annotate(
        alive=Count("members", filter=Q(members__alive=True)))
    for n, h in enumerate(rows.iterator(chunk_size=2000), start=1):
        yield [n, export.township_names.get(h.region_id[:9] + "000", ""), villages.get(h.region_id, ""), h.number,
               h.head.name if h.head else "", h.alive, h.address, h.phone]


# --- the workbook ---------------------------------------------------------------------------------


def write_xlsx(export: RoundExport, out) -> None:
    """Three sheets: the statistical table, every village, the households not yet surveyed."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    _table_sheet(book, export)
    _list_sheet(book, export, _("各村（社区）情况"), _("%(region)s 各村（社区）摸排情况") % {"region": export.region.name},
                VILLAGE_COLUMNS, (village_row(export, v, n) for n, v in enumerate(export.coverage.villages, start=1)))
    if export.premises:
        _list_sheet(book, export, _("未检查场所"), _("%(region)s 未检查场所名单") % {"region": export.region.name},
                    MISSING_PREMISES_COLUMNS, missing_rows(export))
    else:
        _list_sheet(book, export, _("未摸排家庭"), _("%(region)s 未摸排家庭名单") % {"region": export.region.name},
                    MISSING_COLUMNS, missing_rows(export))
    book.save(out)




def _relabel(export: RoundExport):
    """Column labels in the language of the round's subject (场所 instead of 户 for a premises round)."""
    if export.premises:
        return lambda label: str(PREMISES_LABELS.get(id(label), label))
    return str


def _title_rows(sheet, styles: _Styles, title: str, subtitle: str, width: int) -> None:
    from openpyxl.utils import get_column_letter

    last = get_column_letter(width)
    sheet.merged_cells.add(f"A1:{last}1")
    sheet.merged_cells.add(f"A2:{last}2")
    sheet.append([_cell(sheet, title, **styles.title)])
    sheet.append([_cell(sheet, subtitle, **styles.subtitle)])


def _table_sheet(book, export: RoundExport) -> None:
    from openpyxl.utils import get_column_letter

    styles = _Styles()
    sheet = book.create_sheet(title=_("统计表"))
    relabel = _relabel(export)
    columns = [c for _group, cols in TABLE_GROUPS for c in cols]
    for index, (_label, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C5"  # write-only sheets take view settings before the first row only
    sheet.print_title_rows = "1:4"
    _title_rows(sheet, styles, export.title, export.subtitle, len(columns))
    top, bottom, col = [], [], 1
    for group, cols in TABLE_GROUPS:
        first, last = get_column_letter(col), get_column_letter(col + len(cols) - 1)
        if group is None:
            sheet.merged_cells.add(f"{first}3:{first}4")
            top.append(_cell(sheet, relabel(cols[0][0]), **styles.header))
            bottom.append(_cell(sheet, None, **styles.header))
        else:
            if len(cols) > 1:
                sheet.merged_cells.add(f"{first}3:{last}3")
            top.extend([_cell(sheet, relabel(group), **styles.header)] + [_cell(sheet, None, **styles.header) for _ in cols[1:]])
            bottom.extend(_cell(sheet, relabel(label), **styles.header) for label, _width in cols)
        col += len(cols)
    sheet.append(top)
    sheet.append(bottom)
    rows = export.table_rows()
    for n, row in enumerate(rows, start=1):
        sheet.append([_cell(sheet, v, **styles.body) for v in table_row(row, export.hazards_by_code.get(row.code), number=n, name=row.name)])
    total = table_row(export.coverage.total, export.hazards, number=None, name=_("合计"))
    sheet.append([_cell(sheet, v, **styles.total) for v in total])


def _list_sheet(book, export: RoundExport, name: str, title: str, columns, rows) -> None:
    from openpyxl.utils import get_column_letter

    styles = _Styles()
    sheet = book.create_sheet(title=name)
    for index, (_label, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A4"
    sheet.print_title_rows = "1:3"
    _title_rows(sheet, styles, title, export.subtitle, len(columns))
    relabel = _relabel(export)
    sheet.append([_cell(sheet, relabel(label), **styles.header) for label, _width in columns])
    for row in rows:
        sheet.append([_cell(sheet, None if v == "" else v, **styles.body) for v in row])


def export_response(export: RoundExport) -> FileResponse:
    """The workbook as a download, built in a temporary file."""
    spool = tempfile.TemporaryFile(suffix=".xlsx")
    write_xlsx(export, spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=export.file_name, content_type=XLSX_TYPE)


