"""A week's contact compliance (联系达标情况) of a campaign in a region, as xlsx.

Sheets: 汇总 (one row per region one level down and a 合计 row), 各村, 帮扶责任人, 未落实帮扶人, and
各户达标情况 (per household: contacts this week against what is owed, days contacted under a daily rule,
the warning visit, met or not). Every sheet starts with a title and a line naming the week.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warmwinter.accounts.scoping import membership_for
from warmwinter.audit import services as audit
from warmwinter.care import selectors
from warmwinter.care.choices import DutyStatus, HelperRole
from warmwinter.care.models import CareCampaign, HelperAssignment, VisitDuty
from warmwinter.care.quota import day_bounds, week_label
from warmwinter.care.selectors import Compliance, ComplianceRow
from warmwinter.care.selectors_compliance import helper_rows, without_helper_rows
from warmwinter.regions.codes import Level, prefix_of
from warmwinter.regions.models import Region
from warmwinter.core.xlsx import TableStyles as _Styles
from warmwinter.core.xlsx import table_cell as _cell
from warmwinter.registry.models import Category

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NO_VALUE = "—"

SUMMARY_COLUMNS = [(gettext_lazy("序号"), 6), (gettext_lazy("区划"), 20), (gettext_lazy("名册户数"), 10), (gettext_lazy("达标户数"), 10),
                   (gettext_lazy("未达标户数"), 11), (gettext_lazy("达标率"), 9), (gettext_lazy("未落实帮扶人户数"), 16)]
VILLAGE_COLUMNS = [(gettext_lazy("序号"), 6), (gettext_lazy("乡镇（街道）"), 14), (gettext_lazy("村（社区）"), 20),
                   (gettext_lazy("名册户数"), 10), (gettext_lazy("达标户数"), 10), (gettext_lazy("未达标户数"), 11),
                   (gettext_lazy("达标率"), 9), (gettext_lazy("未落实帮扶人户数"), 16)]
HELPER_COLUMNS = [(gettext_lazy("序号"), 6), (gettext_lazy("村（社区）"), 20), (gettext_lazy("帮扶责任人"), 12),
                  (gettext_lazy("联系户数"), 10), (gettext_lazy("达标户数"), 10), (gettext_lazy("达标率"), 9)]
WITHOUT_HELPER_COLUMNS = [(gettext_lazy("序号"), 6), (gettext_lazy("村（社区）"), 20), (gettext_lazy("户编号"), 12), (gettext_lazy("户主"), 10),
                          (gettext_lazy("人员类别"), 18), (gettext_lazy("家庭住址"), 26), (gettext_lazy("联系电话"), 14)]
HOUSEHOLD_COLUMNS = [(gettext_lazy("序号"), 6), (gettext_lazy("户主"), 10), (gettext_lazy("村"), 20), (gettext_lazy("帮扶责任人"), 12),
                     (gettext_lazy("本周联系次数"), 12), (gettext_lazy("应联系次数"), 11), (gettext_lazy("每日联系天数"), 12),
                     (gettext_lazy("预警走访"), 12), (gettext_lazy("是否达标"), 9)]
# The warning visit shown for a household with several duties in the week: the worst one.
DUTY_ORDER = [DutyStatus.MISSED, DutyStatus.OPEN, DutyStatus.DONE, DutyStatus.ENDED]


@dataclass
class ComplianceExport:
    """Everything the five sheets show, read once."""

    campaign: CareCampaign
    region: Region
    monday: date
    taken_at: datetime
    figures: Compliance
    helpers: list[dict] = field(default_factory=list)
    without_helper: list[dict] = field(default_factory=list)
    township_names: dict[str, str] = field(default_factory=dict)

    @property
    def week(self) -> str:
        return week_label(self.monday)

    @property
    def title(self) -> str:
        return _("%(region)s %(campaign)s联系达标情况（%(week)s）") % {"region": self.region.name, "campaign": self.campaign.name,
                                                                    "week": self.week}

    @property
    def subtitle(self) -> str:
        sunday = self.monday + timedelta(days=6)
        return "　".join([
            _("统计周：%(start)s 至 %(end)s") % {"start": self.monday.isoformat(), "end": sunday.isoformat()},
            _("联系期：%(start)s 至 %(end)s") % {"start": self.campaign.starts_on.isoformat(), "end": self.campaign.ends_on.isoformat()},
            _("截至 %(at)s") % {"at": f"{timezone.localtime(self.taken_at):%Y-%m-%d %H:%M}"},
        ])

    @property
    def file_name(self) -> str:
        return f"{self.region.name}-{_('联系达标情况')}-{self.week}.xlsx"

    def summary_rows(self) -> list[ComplianceRow]:
        """One row per region one level down (a village alone: the village itself)."""
        return self.figures.children or self.figures.villages


def compliance_export(*, actor, campaign: CareCampaign, region_code: str, monday: date) -> ComplianceExport:
    """Read a week's compliance in a region for the workbook, and audit the export (care.export)."""
    acting = membership_for(actor, action="care.export", region_code=region_code)
    taken_at = timezone.now()
    today = timezone.localdate(taken_at)
    figures = selectors.compliance(campaign, region_code, monday, today=today)
    region = figures.region
    if region.level == Level.VILLAGE:
        townships = dict(Region.objects.filter(pk=region.parent_id).values_list("code", "name"))
    else:
        townships = dict(Region.objects.filter(code__startswith=prefix_of(region.code), level=Level.TOWNSHIP).values_list("code", "name"))
    with transaction.atomic():
        audit.record(actor=actor, role=acting.role, action="care.export", region_code=region.code, obj=campaign,
                     changes={"form": [None, "compliance"], "region": [None, region.code], "week": [None, week_label(monday)],
                              "households": [None, figures.total.households], "compliant": [None, figures.total.compliant]})
    return ComplianceExport(campaign=campaign, region=region, monday=monday, taken_at=taken_at, figures=figures,
                            helpers=helper_rows(campaign, region.code, monday, today=today),
                            without_helper=without_helper_rows(campaign, region.code), township_names=townships)


# --- rows -----------------------------------------------------------------------------------------


def _rate(value: float | None):
    return NO_VALUE if value is None else value / 100


def summary_row(row: ComplianceRow, *, number: int | None, name: str) -> list:
    return [number, name, row.households, row.compliant, row.households - row.compliant, _rate(row.rate), row.without_helper]


def village_row(export: ComplianceExport, row: ComplianceRow, number: int) -> list:
    township = export.township_names.get(row.code[:9] + "000", "")
    return [number, township, row.name, row.households, row.compliant, row.households - row.compliant, _rate(row.rate), row.without_helper]


def helper_row(row: dict, number: int) -> list:
    return [number, row["village_name"], row["name"], row["households"], row["compliant"], _rate(row["compliance_rate"])]


def without_helper_row(row: dict, number: int, categories: dict[str, str]) -> list:
    return [number, row["village_name"], row["number"], row["head"], "、".join(categories.get(c, c) for c in row["categories"]),
            row["address"], row["phone"]]


def _duty_marks(export: ComplianceExport) -> dict[int, str]:
    """Per household, the warning visit due in the week: 逾期未走访 / 待走访 / 已走访 / 预警结束."""
    start = day_bounds(export.monday)[0]
    end = day_bounds(export.monday + timedelta(days=6))[1]
    now = timezone.now()
    worst: dict[int, str] = {}
    duties = VisitDuty.objects.filter(campaign=export.campaign, region__code__startswith=prefix_of(export.region.code),
                                      due_by__gte=start, due_by__lt=end).values_list("household_id", "status", "due_by")
    for household_id, status, due_by in duties:
        if status == DutyStatus.OPEN and due_by < now:
            status = DutyStatus.MISSED  # past its deadline, whether or not the scheduler has marked it yet
        if household_id not in worst or DUTY_ORDER.index(status) < DUTY_ORDER.index(worst[household_id]):
            worst[household_id] = status
    return {h: str(DutyStatus(s).label) for h, s in worst.items()}


def household_rows(export: ComplianceExport):
    """Every roster household of the region with its week, village by village."""
    frame = export.figures.frame
    prefix = prefix_of(export.region.code)
    duties = _duty_marks(export)
    helpers = dict(HelperAssignment.objects.filter(entry__campaign=export.campaign, entry__region__code__startswith=prefix, active=True,
                                                   role=HelperRole.PRIMARY).values_list("entry_id", "helper__name"))
    entries = (selectors.entries_with_compliance(export.campaign, prefix, frame).select_related("household__head", "region")
               .order_by("region_id", "household_id"))
    for n, entry in enumerate(entries.iterator(chunk_size=2000), start=1):
        daily = f"{entry.days}/{frame.daily_required}" if entry.daily_contact else NO_VALUE
        yield [n, entry.household.head.name if entry.household.head else "", entry.region.name, helpers.get(entry.pk, ""), entry.contacts,
               frame.weekly_required(entry.weekly_contacts), daily, duties.get(entry.household_id, ""), _("是") if entry.met else _("否")]


# --- the workbook ---------------------------------------------------------------------------------




def _sheet(book, export: ComplianceExport, name: str, title: str, columns, rows, total: list | None = None) -> None:
    """A titled list: the title, the week line, one header row, the rows (and a bold 合计 row)."""
    from openpyxl.utils import get_column_letter

    styles = _Styles()
    sheet = book.create_sheet(title=name)
    for index, (_label, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A4"  # write-only sheets take view settings before the first row only
    sheet.print_title_rows = "1:3"
    last = get_column_letter(len(columns))
    sheet.merged_cells.add(f"A1:{last}1")
    sheet.merged_cells.add(f"A2:{last}2")
    sheet.append([_cell(sheet, title, **styles.title)])
    sheet.append([_cell(sheet, export.subtitle, **styles.subtitle)])
    sheet.append([_cell(sheet, str(label), **styles.header) for label, _width in columns])
    for row in rows:
        sheet.append([_cell(sheet, None if v == "" else v, **styles.body) for v in row])
    if total is not None:
        sheet.append([_cell(sheet, v, **styles.total) for v in total])


def write_xlsx(export: ComplianceExport, out) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    region = export.region.name
    summary = [summary_row(r, number=n, name=r.name) for n, r in enumerate(export.summary_rows(), start=1)]
    _sheet(book, export, _("汇总"), export.title, SUMMARY_COLUMNS, summary,
           total=summary_row(export.figures.total, number=None, name=_("合计")))
    _sheet(book, export, _("各村"), _("%(region)s 各村（社区）联系达标情况") % {"region": region}, VILLAGE_COLUMNS,
           (village_row(export, v, n) for n, v in enumerate(export.figures.villages, start=1)))
    _sheet(book, export, _("帮扶责任人"), _("%(region)s 帮扶责任人联系达标情况") % {"region": region}, HELPER_COLUMNS,
           (helper_row(h, n) for n, h in enumerate(export.helpers, start=1)))
    categories = dict(Category.objects.values_list("code", "name"))
    _sheet(book, export, _("未落实帮扶人"), _("%(region)s 未落实帮扶责任人的重点关注对象") % {"region": region}, WITHOUT_HELPER_COLUMNS,
           (without_helper_row(h, n, categories) for n, h in enumerate(export.without_helper, start=1)))
    _sheet(book, export, _("各户达标情况"), _("%(region)s 重点关注对象各户联系达标情况") % {"region": region}, HOUSEHOLD_COLUMNS,
           household_rows(export))
    book.save(out)


def export_response(export: ComplianceExport) -> FileResponse:
    """The workbook as a download, built in a temporary file."""
    spool = tempfile.TemporaryFile(suffix=".xlsx")
    write_xlsx(export, spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=export.file_name, content_type=XLSX_TYPE)
