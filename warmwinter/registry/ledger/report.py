"""The error report a clerk downloads: the file as it was, plus a 错误原因 column, rows with
errors highlighted, and a second sheet listing every error by row and column."""

from __future__ import annotations

import io
from pathlib import Path

from django.utils.translation import gettext as _

from warmwinter.registry.ledger.headers import HEADER_SCAN_ROWS, MIN_RECOGNISED, recognise
from warmwinter.registry.ledger.outcome import RowError
from warmwinter.registry.ledger.reader import FileProblem, open_sheet

ERROR_FILL = "FFFFC7CE"
ERROR_FONT = "FF9C0006"


def _width(path: Path, file_name: str) -> tuple[int, int | None]:
    """(widest row, header row) of the file."""
    widest, header_row = 0, None
    with open_sheet(path, file_name) as sheet:
        for number, cells in sheet.rows:
            used = len(cells)
            while used and (cells[used - 1] is None or cells[used - 1] == ""):
                used -= 1
            widest = max(widest, used)
            if header_row is None and number <= HEADER_SCAN_ROWS and len(recognise(cells)) >= MIN_RECOGNISED:
                header_row = number
    return widest, header_row


def error_report_xlsx(*, file_name: str, path: Path, errors: list[RowError]) -> bytes:
    """The original rows and columns plus 错误原因; rows with errors in red."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    by_row: dict[int, list[str]] = {}
    for error in errors:
        text = f"{error.column}：{error.message}" if error.column else error.message
        by_row.setdefault(error.row, []).append(text)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("台账"))
    fill = PatternFill("solid", fgColor=ERROR_FILL)
    red = Font(color=ERROR_FONT, bold=True)
    try:
        widest, header_row = _width(Path(path), file_name)
    except FileProblem:
        widest, header_row = 0, None
    reason_col = widest + 1
    sheet.column_dimensions[get_column_letter(reason_col)].width = 60

    def cell(value, *, marked=False, font=None):
        item = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
            item.data_type = "s"  # the clerk's text, never a formula
        if marked:
            item.fill = fill
        if font is not None:
            item.font = font
        return item

    if widest:
        with open_sheet(Path(path), file_name) as source:
            for number, cells in source.rows:
                cells = list(cells[:widest]) + [None] * (widest - len(cells[:widest]))
                problems = by_row.get(number)
                row = [cell(v, marked=bool(problems)) for v in cells]
                if number == header_row:
                    row.append(cell(_("错误原因"), font=Font(bold=True)))
                elif problems:
                    row.append(cell("；".join(problems), marked=True, font=red))
                sheet.append(row)
    listing = book.create_sheet(_("错误清单"))
    listing.column_dimensions["C"].width = 80
    listing.append([_("行号"), _("列"), _("错误原因")])
    for error in sorted(errors, key=lambda e: e.row):
        listing.append([error.row or "", error.column, error.message])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
