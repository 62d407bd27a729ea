"""Ledger exports: 台账 (one row per person) and 花名册 (one row per person in a category), as xlsx
in the layout clerks hand upward and as csv. Rows are streamed from the database in chunks, so a
county of 500,000 persons keeps memory flat; full ID numbers only for roles that may see them,
asked for with a reason, and audited."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warmwinter.accounts.scoping import NOT_FOUND, membership_for
from warmwinter.audit import services as audit
from warmwinter.core.errors import DomainError, Forbidden, NotFound
from warmwinter.regions.codes import normalize, prefix_of
from warmwinter.regions.models import Region
from warmwinter.registry import protection
from warmwinter.registry.choices import Gender, Relation
from warmwinter.registry.models import Category, CategoryAssignment, Person
from warmwinter.registry.services import REASON_REQUIRED

KIND_LEDGER, KIND_ROSTER = "ledger", "roster"
KINDS = (KIND_LEDGER, KIND_ROSTER)
FORMATS = ("xlsx", "csv")
CHUNK = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

REGION_REQUIRED = gettext_lazy("请选择导出范围（区划）。")
BAD_KIND = gettext_lazy("导出类型只能是 ledger（台账）或 roster（花名册）。")
BAD_FORMAT = gettext_lazy("导出格式只能是 xlsx 或 csv。")
UNKNOWN_CATEGORY = gettext_lazy("人员类别不存在：%(code)s")
FULL_IDS_NOT_ALLOWED = gettext_lazy("您的角色不能导出完整身份证号，可导出脱敏台账。")
TOO_MANY_FOR_XLSX = gettext_lazy("共 %(count)s 行，超过 Excel 单个工作表的上限（%(limit)s 行）：请缩小导出范围，或导出 csv。")
XLSX_MAX_ROWS = 1_048_576 - 3  # Excel's sheet limit, less the title, unit/date and header rows

LEDGER_COLUMNS = [
    (gettext_lazy("序号"), 6), (gettext_lazy("村（社区）"), 18), (gettext_lazy("户编号"), 10), (gettext_lazy("户主姓名"), 10),
    (gettext_lazy("姓名"), 10), (gettext_lazy("与户主关系"), 11), (gettext_lazy("性别"), 6), (gettext_lazy("身份证号"), 21),
    (gettext_lazy("出生日期"), 12), (gettext_lazy("年龄"), 6), (gettext_lazy("人员类别"), 24), (gettext_lazy("联系电话"), 14),
    (gettext_lazy("家庭住址"), 30), (gettext_lazy("备注"), 24),
]
ROSTER_COLUMNS = [
    (gettext_lazy("序号"), 6), (gettext_lazy("乡镇"), 14), (gettext_lazy("村（社区）"), 18), (gettext_lazy("姓名"), 10),
    (gettext_lazy("性别"), 6), (gettext_lazy("身份证号"), 21), (gettext_lazy("类别"), 18), (gettext_lazy("等级"), 6),
    (gettext_lazy("认定日期"), 12), (gettext_lazy("联系电话"), 14),
]
ID_COLUMN = {KIND_LEDGER: 7, KIND_ROSTER: 5}  # 0-based position of 身份证号


@dataclass(frozen=True)
class ExportRequest:
    """What to export; the same from the page, the API and the CLI."""

    region: str
    kind: str = KIND_LEDGER
    category: str = ""
    alive: bool | None = None
    format: str = "xlsx"
    full_ids: bool = False
    reason: str = ""


@dataclass
class LedgerExport:
    """An export ready to stream: its title rows, columns and a row source read on demand."""

    kind: str
    format: str
    title: str
    subtitle: str
    columns: list[tuple[str, int]]
    count: int
    full_ids: bool
    rows: Callable[[], Iterator[list]]

    @property
    def id_column(self) -> int:
        return ID_COLUMN[self.kind]

    @property
    def file_name(self) -> str:
        return f"{self.title}-{timezone.localdate():%Y%m%d}.{self.format}"


def escape_cell(value):
    """A text cell that a spreadsheet would run as a formula gets a leading single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _region(code: str) -> Region:
    if not (code or "").strip():
        raise DomainError(REGION_REQUIRED, field="region")
    try:
        region = Region.objects.filter(code=normalize(code)).first()
    except ValueError:
        region = None
    if region is None:
        raise NotFound(NOT_FOUND)
    return region


def _category(code: str) -> Category | None:
    code = (code or "").strip()
    if not code:
        return None
    category = Category.objects.filter(Q(code=code) | Q(name=code)).first()
    if category is None:
        raise DomainError(UNKNOWN_CATEGORY % {"code": code}, field="category")
    return category


def _in_force(day: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": day}) & (Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day}))


def _age(born: date | None, on: date) -> int | str:
    if born is None:
        return ""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass(frozen=True)
class _Labels:
    """Display texts, taken once in the requester's language (the rows are read later, while streaming)."""

    relation: dict
    gender: dict
    category: dict
    graded: str   # "%(category)s（%(grade)s级）"
    grade: str    # "%(grade)s级"

    @classmethod
    def now(cls) -> "_Labels":
        return cls(relation={k: str(v) for k, v in Relation.choices}, gender={k: str(v) for k, v in Gender.choices},
                   category={c.code: str(c) for c in Category.objects.all()},
                   graded=_("%(category)s（%(grade)s级）"), grade=_("%(grade)s级"))


def _id_value(protected: str, masked: str, full: bool) -> str:
    return protection.decrypt(protected) if full and protected else masked


def _chunks(rows: Iterator, size: int) -> Iterator[list]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _categories_of(person_ids: list[int], on: date, labels: _Labels) -> dict[int, str]:
    """'低保、残疾人（2级）' for each person, from the assignments in force on the day."""
    texts: dict[int, list[str]] = {}
    held = (CategoryAssignment.objects.filter(_in_force(on), person_id__in=person_ids)
            .order_by("person_id", "category__sort", "category_id").values_list("person_id", "category_id", "grade"))
    for person_id, code, grade in held:
        name = labels.category.get(code, code)
        texts.setdefault(person_id, []).append(labels.graded % {"category": name, "grade": grade} if grade else name)
    return {pk: "、".join(names) for pk, names in texts.items()}


# 联系电话 is the person's own: the 台账 goes back in through the importer, which would copy a
# household's number onto every member that lacked one.
LEDGER_VALUES = ("pk", "region__name", "household__number", "household__head__name", "name", "relation", "gender",
                 "id_number_protected", "id_number_masked", "birth_date", "phone", "household__address", "notes")


def _ledger_rows(persons: QuerySet[Person], *, full: bool, on: date, labels: _Labels) -> Iterator[list]:
    # Plain tuples, not model instances: a county's 500,000 rows stream several times faster.
    n = 0
    for chunk in _chunks(persons.values_list(*LEDGER_VALUES).iterator(chunk_size=CHUNK), CHUNK):
        categories = _categories_of([row[0] for row in chunk], on, labels)
        for pk, village, number, head, name, relation, gender, protected, masked, born, phone, address, notes in chunk:
            n += 1
            yield [
                n, village, number, head or "", name, labels.relation.get(relation, relation), labels.gender.get(gender, gender),
                _id_value(protected, masked, full), born.isoformat() if born else "", _age(born, on), categories.get(pk, ""),
                phone, address, notes,
            ]


ROSTER_VALUES = ("region__parent__name", "region__name", "person__name", "person__gender", "person__id_number_protected",
                 "person__id_number_masked", "category_id", "grade", "valid_from", "person__phone", "person__household__phone")


def _roster_rows(assignments: QuerySet[CategoryAssignment], *, full: bool, labels: _Labels) -> Iterator[list]:
    rows = assignments.values_list(*ROSTER_VALUES).iterator(chunk_size=CHUNK)
    for n, (township, village, name, gender, protected, masked, code, grade, since, phone, household_phone) in enumerate(rows, start=1):
        yield [
            n, township or "", village, name, labels.gender.get(gender, gender), _id_value(protected, masked, full),
            labels.category.get(code, code), labels.grade % {"grade": grade} if grade else "", since.isoformat(),
            phone or household_phone,
        ]


def _persons(actor, region: Region, category: Category | None, alive: bool | None, on: date) -> QuerySet[Person]:
    persons = Person.objects.visible_to(actor, "registry.export") if actor is not None else Person.objects.all()
    persons = persons.filter(region__code__startswith=prefix_of(region.code))
    if category is not None:
        holds = CategoryAssignment.objects.filter(_in_force(on), person=OuterRef("pk"), category=category)
        persons = persons.filter(Exists(holds))
    if alive is not None:
        persons = persons.filter(alive=alive)
    head_first = Case(When(relation="head", then=Value(0)), default=Value(1), output_field=IntegerField())
    return persons.annotate(head_first=head_first).order_by("region_id", "household__number", "household_id", "head_first", "id")


def _assignments(actor, region: Region, category: Category | None, alive: bool | None, on: date) -> QuerySet[CategoryAssignment]:
    rows = CategoryAssignment.objects.visible_to(actor, "registry.export") if actor is not None else CategoryAssignment.objects.all()
    rows = rows.filter(_in_force(on), region__code__startswith=prefix_of(region.code))
    if category is not None:
        rows = rows.filter(category=category)
    if alive is not None:
        rows = rows.filter(person__alive=alive)
    return rows.order_by("category__sort", "category_id", "region_id", "person__household_id", "person_id", "valid_from")


def ledger_export(*, actor, request: ExportRequest) -> LedgerExport:
    """Prepare a 台账/花名册 export of a region's subtree and audit it (with the reason when IDs are full).

    `actor=None` is the operator at the server's command line: no scope applies.
    """
    region = _region(request.region)
    role = membership_for(actor, action="registry.export", region_code=region.code).role if actor is not None else ""
    if request.kind not in KINDS:
        raise DomainError(BAD_KIND, field="kind")
    if request.format not in FORMATS:
        raise DomainError(BAD_FORMAT, field="format")
    category = _category(request.category)
    reason = (request.reason or "").strip()
    if request.full_ids:
        if actor is not None:
            try:
                membership_for(actor, action="person.view_id_number", region_code=region.code)
            except Forbidden:
                raise Forbidden(FULL_IDS_NOT_ALLOWED, field="full_ids") from None
        if not reason:
            raise DomainError(REASON_REQUIRED, field="reason")
    on = timezone.localdate()
    labels = _Labels.now()
    if request.kind == KIND_LEDGER:
        queryset = _persons(actor, region, category, request.alive, on)
        title = _("%(region)s困难群众台账") % {"region": region.name}
        rows = lambda: _ledger_rows(queryset, full=request.full_ids, on=on, labels=labels)  # noqa: E731
        columns = LEDGER_COLUMNS
    else:
        queryset = _assignments(actor, region, category, request.alive, on)
        title = _("%(region)s%(category)s花名册") % {"region": region.name, "category": category or _("困难群众")}
        rows = lambda: _roster_rows(queryset, full=request.full_ids, labels=labels)  # noqa: E731
        columns = ROSTER_COLUMNS
    count = queryset.count()
    if request.format == "xlsx" and count > XLSX_MAX_ROWS:
        raise DomainError(TOO_MANY_FOR_XLSX % {"count": count, "limit": XLSX_MAX_ROWS}, field="format")
    changes = {"kind": [None, request.kind], "format": [None, request.format], "category": [None, category.code if category else ""],
               "alive": [None, request.alive], "full_ids": [None, request.full_ids], "rows": [None, count]}
    if request.full_ids:
        changes["reason"] = [None, reason[:200]]
    with transaction.atomic():
        audit.record(actor=actor, role=role, action="ledger.export", region_code=region.code, object_type="regions.region",
                     object_id=region.code, changes=changes)
    subtitle = _("填报单位：%(unit)s　　导出日期：%(date)s") % {"unit": region.name, "date": on.isoformat()}
    return LedgerExport(kind=request.kind, format=request.format, title=title, subtitle=subtitle,
                        columns=[(str(label), width) for label, width in columns], count=count, full_ids=request.full_ids, rows=rows)


# --- writers ---------------------------------------------------------------------------------------


def write_xlsx(export: LedgerExport, out) -> None:
    """The usual layout: merged title row, 填报单位/导出日期 row, frozen header, ID column as text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_("台账") if export.kind == KIND_LEDGER else _("花名册"))
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
    sheet.append([cell(escape_cell(export.subtitle), alignment=Alignment(horizontal="left"))])
    thin = Side(style="thin", color="999999")
    header_style = {"font": Font(bold=True), "fill": PatternFill("solid", fgColor="EEF1F4"),
                    "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True),
                    "border": Border(left=thin, right=thin, top=thin, bottom=thin)}
    sheet.append([cell(label, **header_style) for label, _width in export.columns])
    id_at = export.id_column
    for row in export.rows():
        values = [None if v == "" else escape_cell(v) for v in row]  # an empty cell is not written at all
        values[id_at] = cell(str(values[id_at] or ""), number_format="@")
        sheet.append(values)
    book.save(out)


class _Line:
    """csv.writer target that hands back each written line."""

    def write(self, text: str) -> str:
        return text


def csv_chunks(export: LedgerExport, *, lines_per_chunk: int = 500) -> Iterator[str]:
    """UTF-8 text with a BOM (so Excel reads the Chinese), header row first, then the rows.

    A full ID number gets a leading tab so that Excel keeps it as text instead of rounding it to
    15 digits; the importer strips the tab.
    """
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow([label for label, _width in export.columns])
    id_at, chunk = export.id_column, []
    for row in export.rows():
        values = [escape_cell(v) for v in row]
        if export.full_ids and values[id_at]:
            values[id_at] = "\t" + values[id_at]
        chunk.append(writer.writerow(values))
        if len(chunk) >= lines_per_chunk:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def export_response(export: LedgerExport) -> HttpResponse:
    """The export as a download: csv streamed as it is read, xlsx built in a temporary file."""
    if export.format == "csv":
        response = StreamingHttpResponse(csv_chunks(export), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, export.file_name)
        return response
    spool = tempfile.TemporaryFile(suffix=".xlsx")
    write_xlsx(export, spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=export.file_name,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def write_export(export: LedgerExport, path) -> None:
    """Write the export to a file (the CLI)."""
    if export.format == "csv":
        with open(path, "w", encoding="utf-8", newline="") as out:
            for chunk in csv_chunks(export):
                out.write(chunk)
    else:
        with open(path, "wb") as out:
            write_xlsx(export, out)
