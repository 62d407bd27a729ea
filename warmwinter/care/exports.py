"""The 帮扶责任联系表 of one village (plan 6, 附表) as xlsx: who each key-focus household is and who is
responsible for it. The pairing mode is derived: a primary helper holding one household is 一帮一,
one holding several is 一帮多."""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warmwinter.accounts.scoping import membership_for
from warmwinter.audit import services as audit
from warmwinter.care.choices import HelperRole
from warmwinter.care.models import CareCampaign, HelperAssignment, RosterEntry
from warmwinter.regions.models import Region
from warmwinter.registry.exports import escape_cell
from warmwinter.registry.models import Category

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = [
    (gettext_lazy("序号"), 6), (gettext_lazy("重点关注对象"), 12), (gettext_lazy("类别"), 18), (gettext_lazy("家庭住址"), 26),
    (gettext_lazy("联系电话"), 14), (gettext_lazy("帮扶责任人"), 11), (gettext_lazy("身份"), 11), (gettext_lazy("职务"), 12),
    (gettext_lazy("联系电话"), 14), (gettext_lazy("结对方式"), 9), (gettext_lazy("备用帮扶人"), 11),
]


@dataclass
class ContactFormExport:
    campaign: CareCampaign
    village: Region
    township: str
    taken_at: datetime
    rows: list[list] = field(default_factory=list)

    @property
    def title(self) -> str:
        return _("%(village)s帮扶责任联系表") % {"village": self.village.name}

    @property
    def subtitle(self) -> str:
        return "　".join([
            _("乡镇（街道）：%(name)s") % {"name": self.township},
            _("村（社区）：%(name)s") % {"name": self.village.name},
            _("备案截止：%(date)s") % {"date": self.campaign.filing_deadline.isoformat()},
            _("填表时间：%(at)s") % {"at": f"{timezone.localtime(self.taken_at):%Y-%m-%d %H:%M}"},
        ])

    @property
    def file_name(self) -> str:
        return f"{self.village.name}-{_('帮扶责任联系表')}-{timezone.localtime(self.taken_at):%Y%m%d}.xlsx"


def contact_form_rows(campaign: CareCampaign, village: Region) -> list[list]:
    """One row per household on the village's roster, in household order; helper cells empty when none."""
    names = dict(Category.objects.values_list("code", "name"))
    active = HelperAssignment.objects.filter(active=True).select_related("helper")
    entries = list(RosterEntry.objects.filter(campaign=campaign, region=village, active=True).select_related("household__head")
                   .prefetch_related(Prefetch("assignments", queryset=active, to_attr="active_assignments")).order_by("household_id"))
    held = Counter(a.helper_id for e in entries for a in e.active_assignments if a.role == HelperRole.PRIMARY)
    rows = []
    for n, entry in enumerate(entries, start=1):
        household = entry.household
        by_role = {a.role: a.helper for a in entry.active_assignments}
        primary, backup = by_role.get(HelperRole.PRIMARY), by_role.get(HelperRole.BACKUP)
        phone = household.phone or (household.head.phone if household.head else "")
        rows.append([
            n, household.head.name if household.head else "", "、".join(names.get(c, c) for c in entry.categories),
            household.address, phone,
            primary.name if primary else "", primary.get_kind_display() if primary else "", primary.position if primary else "",
            primary.phone if primary else "", (_("一帮一") if held[primary.pk] == 1 else _("一帮多")) if primary else "",
            backup.name if backup else "",
        ])
    return rows


def contact_form_export(*, actor, campaign: CareCampaign, village: Region) -> ContactFormExport:
    """Read the village's contact form and audit the export (care.export)."""
    acting = membership_for(actor, action="care.export", region_code=village.code)
    rows = contact_form_rows(campaign, village)
    township = Region.objects.filter(pk=village.parent_id).values_list("name", flat=True).first() or ""
    with transaction.atomic():
        audit.record(actor=actor, role=acting.role, action="care.export", region_code=village.code, obj=campaign,
                     changes={"form": [None, "contact_form"], "region": [None, village.code], "households": [None, len(rows)]})
    return ContactFormExport(campaign=campaign, village=village, township=township, taken_at=timezone.now(), rows=rows)


def write_xlsx(export: ContactFormExport, out) -> None:
    """One sheet: the title, the village line, one header row, one row per household."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = _("帮扶责任联系表")
    last = get_column_letter(len(COLUMNS))
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet.append([export.title])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.append([export.subtitle])
    sheet.merge_cells(f"A2:{last}2")
    sheet.append([str(label) for label, _width in COLUMNS])
    for index, (_label, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        cell = sheet.cell(row=3, column=index)
        cell.font, cell.border = Font(bold=True), border
        cell.fill = PatternFill("solid", fgColor="EEF1F4")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in export.rows:
        sheet.append([escape_cell(v) if v != "" else None for v in row])
        for cell in sheet[sheet.max_row]:
            cell.border = border
            cell.alignment = Alignment(vertical="center", wrap_text=True)
    sheet.freeze_panes = "A4"
    sheet.print_title_rows = "1:3"
    sheet.page_setup.orientation = "landscape"
    book.save(out)


def export_response(export: ContactFormExport) -> FileResponse:
    spool = tempfile.TemporaryFile(suffix=".xlsx")
    write_xlsx(export, spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=export.file_name, content_type=XLSX_TYPE)
