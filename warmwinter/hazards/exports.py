"""The problem list (问题清单) as xlsx: a title row, the unit and date, a frozen header, one row per
problem, with the list page's filters. Audited as hazard.export."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warmwinter.accounts.permissions import roles_for
from warmwinter.accounts.scoping import NOT_FOUND, membership_for, memberships_of
from warmwinter.audit import services as audit
from warmwinter.core.errors import NotFound
from warmwinter.hazards.choices import HazardCategory, HazardSource, Severity
from warmwinter.hazards.selectors import HazardFilter, hazards_for, region_prefix
from warmwinter.hazards.workflow import State
from warmwinter.regions.codes import Level, normalize, prefix_of
from warmwinter.regions.models import Region
from warmwinter.registry.exports import escape_cell

CHUNK = 2000
COLUMNS = [
    (gettext_lazy("序号"), 6), (gettext_lazy("乡镇"), 14), (gettext_lazy("村（社区）"), 18), (gettext_lazy("对象"), 18),
    (gettext_lazy("问题类别"), 16), (gettext_lazy("问题描述"), 36), (gettext_lazy("严重程度"), 8), (gettext_lazy("发现途径"), 10),
    (gettext_lazy("发现时间"), 17), (gettext_lazy("责任单位"), 16), (gettext_lazy("责任人"), 10), (gettext_lazy("整改期限"), 12),
    (gettext_lazy("状态"), 9), (gettext_lazy("销号时间"), 17),
]


@dataclass
class HazardExport:
    title: str
    subtitle: str
    columns: list[tuple[str, int]]
    count: int
    hazards: object  # the queryset, read while writing

    @property
    def file_name(self) -> str:
        return f"{self.title}-{timezone.localdate():%Y%m%d}.xlsx"

    def rows(self) -> Iterator[list]:
        labels = {"category": dict(HazardCategory.choices), "severity": dict(Severity.choices),
                  "source": dict(HazardSource.choices), "state": dict(State.choices)}
        labels = {k: {code: str(label) for code, label in v.items()} for k, v in labels.items()}
        for n, hazard in enumerate(self.hazards.iterator(chunk_size=CHUNK), start=1):
            township, village = places_of(hazard.region)
            yield [
                n, township, village, str(hazard.subject or ""), labels["category"].get(hazard.category, hazard.category),
                hazard.title, labels["severity"].get(hazard.severity, hazard.severity), labels["source"].get(hazard.source, hazard.source),
                _when(hazard.found_at), hazard.responsible_unit, hazard.responsible_person,
                hazard.deadline.isoformat() if hazard.deadline else "", labels["state"].get(hazard.state, hazard.state), _when(hazard.closed_at),
            ]


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def places_of(region: Region) -> tuple[str, str]:
    """(乡镇, 村（社区）) of a hazard's region."""
    if region.level == Level.VILLAGE:
        return (region.parent.name if region.parent_id else ""), region.name
    if region.level == Level.TOWNSHIP:
        return region.name, ""
    return "", ""


def _acting(actor, filters: HazardFilter):
    """(membership, region) the export is made under: the filter's region, else the widest scope root."""
    if filters.region:
        prefix = region_prefix(filters.region)
        region = Region.objects.filter(code=normalize(filters.region)).first() if prefix else None
        if region is None:
            raise NotFound(NOT_FOUND)
        return membership_for(actor, action="hazard.view", region_code=region.code), region
    allowed = roles_for("hazard.view")
    held = [m for m in memberships_of(actor) if m.role in allowed]
    if not held:
        raise NotFound(NOT_FOUND)
    widest = min(held, key=lambda m: len(prefix_of(m.region_id)))
    roots = {prefix_of(m.region_id) for m in held}
    return widest, (widest.region if len(roots) == 1 else None)


def hazard_export(*, actor, filters: HazardFilter) -> HazardExport:
    """Prepare the 问题清单 of what the user sees, with the list's filters, and audit it."""
    acting, region = _acting(actor, filters)
    hazards = hazards_for(actor, filters).order_by("region_id", "found_at", "id")
    count = hazards.count()
    unit = region.name if region is not None else ""
    with transaction.atomic():
        audit.record(actor=actor, role=acting.role, action="hazard.export", region_code=region.code if region else acting.region_id,
                     object_type="regions.region", object_id=region.code if region else acting.region_id,
                     changes={"filters": [None, {k: v for k, v in filters.__dict__.items() if v not in ("", None, False)}],
                              "rows": [None, count]})
    on = timezone.localdate()
    return HazardExport(
        title=_("%(region)s问题清单") % {"region": unit}, columns=[(str(label), width) for label, width in COLUMNS], count=count,
        subtitle=_("填报单位：%(unit)s　　导出日期：%(date)s") % {"unit": unit or "—", "date": on.isoformat()}, hazards=hazards,
    )


def write_xlsx(export: HazardExport, out) -> None:
    """Merged title row, unit/date row, frozen header; long texts wrap."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_("问题清单"))
    last = get_column_letter(len(export.columns))
    for index, (_label, width) in enumerate(export.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.merged_cells.add(f"A1:{last}1")
    sheet.merged_cells.add(f"A2:{last}2")
    sheet.freeze_panes = "A4"
    sheet.print_title_rows = "1:3"

    def cell(value, **style):
        c = WriteOnlyCell(sheet, value=value)
        for name, setting in style.items():
            setattr(c, name, setting)
        return c

    sheet.append([cell(escape_cell(export.title), font=Font(bold=True, size=16), alignment=Alignment(horizontal="center"))])
    sheet.append([cell(escape_cell(export.subtitle))])
    thin = Side(style="thin", color="999999")
    header = {"font": Font(bold=True), "fill": PatternFill("solid", fgColor="EEF1F4"),
              "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True),
              "border": Border(left=thin, right=thin, top=thin, bottom=thin)}
    sheet.append([cell(label, **header) for label, _width in export.columns])
    for row in export.rows():
        sheet.append([None if v == "" else escape_cell(v) for v in row])
    book.save(out)


def export_response(export: HazardExport) -> HttpResponse:
    """The export as a download (built in memory: a problem list is thousands of rows, not millions)."""
    buffer = io.BytesIO()
    write_xlsx(export, buffer)
    response = HttpResponse(buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, export.file_name)
    return response


def write_export(export: HazardExport, path) -> None:
    with open(path, "wb") as out:
        write_xlsx(export, out)

