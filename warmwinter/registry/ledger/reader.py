"""Stream the rows of a ledger file (.xlsx, .xls, .csv) as the clerk sees them.

Every row is yielded with its 1-based sheet row number, cells as they were stored (a number
stays a number, so an ID number that Excel turned into 5.20402E+17 can be reported as such),
and the value of a merged range copied into every cell of the range.

openpyxl's read-only mode streams the sheet but does not expose merged ranges; they live in
<mergeCells> after <sheetData>, so they are found by a second, cheap scan of the
decompressed sheet XML (no XML parse) and applied while the rows stream.
"""

from __future__ import annotations

import codecs
import csv
import re
import zipfile
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from warmwinter.registry.ledger.headers import HEADER_SCAN_ROWS, MIN_RECOGNISED, recognise

UNSUPPORTED_FILE = _("不支持的文件类型：%(name)s（请上传 .xlsx、.xls 或 .csv 文件）")
UNREADABLE_FILE = _("无法读取文件，可能已损坏或不是 Excel 文件（%(error)s）")
UNKNOWN_ENCODING = _("无法识别文件的文字编码（请另存为 UTF-8 或 GBK 编码的 csv，或 Excel 文件）")
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")


class FileProblem(Exception):
    """The file as a whole cannot be read; the message is for the clerk."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class Sheet:
    rows: Iterator[tuple[int, list]]
    total: int  # an estimate of the row count, for progress


# --- merged ranges ------------------------------------------------------------------------

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_COL_BITS = 11  # merges right of column 2047 are ignored (no ledger is that wide)


def _col_index(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ch - 64)
    return number


def _pack(min_row: int, max_row: int, min_col: int, max_col: int) -> int:
    return (min_row << 43) | (max_row << 22) | (min_col << _COL_BITS) | max_col


def xlsx_merges(archive: zipfile.ZipFile, member: str) -> array:
    """Merged ranges of one sheet, packed and sorted by first row (compact even for 1 M ranges)."""
    packed = array("Q")
    tail = b""
    found = False
    with archive.open(member) as source:
        while True:
            chunk = source.read(1 << 20)
            if not chunk:
                break
            buf = tail + chunk
            if not found:
                at = buf.find(b"mergeCell")
                if at < 0:
                    tail = buf[-64:]
                    continue
                found = True
                buf = buf[max(0, at - 16):]
            end = buf.rfind(b">") + 1
            for match in _MERGE.finditer(buf, 0, end):
                c1, r1, c2, r2 = match.groups()
                min_col, min_row = _col_index(c1), int(r1)
                max_col, max_row = (_col_index(c2), int(r2)) if c2 else (min_col, min_row)
                if max_col < (1 << _COL_BITS) and (max_row > min_row or max_col > min_col):
                    packed.append(_pack(min_row, max_row, min_col, max_col))
            tail = buf[end:]
    return array("Q", sorted(packed))


class MergeFiller:
    """Copies each merged range's value into the cells it covers, row by row."""

    def __init__(self, packed):
        self._packed = packed
        self._next = 0
        self._active: list[list] = []  # [min_col, max_col, max_row, value]
        mask = (1 << _COL_BITS) - 1
        self._mask = mask

    def __bool__(self) -> bool:
        return bool(self._packed)

    def fill(self, row: int, cells: list) -> list:
        packed, mask = self._packed, self._mask
        while self._next < len(packed) and (packed[self._next] >> 43) <= row:
            item = packed[self._next]
            self._next += 1
            min_row, max_row = item >> 43, (item >> 22) & ((1 << 21) - 1)
            min_col, max_col = (item >> _COL_BITS) & mask, item & mask
            if max_row < row:
                continue
            value = cells[min_col - 1] if min_row == row and min_col <= len(cells) else None
            self._active.append([min_col, max_col, max_row, value])
        if not self._active:
            return cells
        self._active = [a for a in self._active if a[2] >= row]
        for min_col, max_col, _max_row, value in self._active:
            if value is None or value == "":
                continue
            if len(cells) < max_col:
                cells.extend([None] * (max_col - len(cells)))
            for index in range(min_col - 1, max_col):
                if cells[index] is None or cells[index] == "":
                    cells[index] = value
        return cells


# --- formats ------------------------------------------------------------------------------

def _xlsx_rows(book, member: str, *, merges: bool = True) -> Iterator[tuple[int, list]]:
    from warmwinter.registry.ledger import xlsx

    filler = MergeFiller(xlsx_merges(book.archive, member) if merges else array("Q"))
    for number, cells in xlsx.sheet_rows(book, member):
        yield number, (filler.fill(number, cells) if filler else cells)


def _xls_rows(book, sheet) -> Iterator[tuple[int, list]]:
    import xlrd

    merges = sorted(
        _pack(r1 + 1, r2, c1 + 1, c2) for r1, r2, c1, c2 in sheet.merged_cells
        if c2 < (1 << _COL_BITS) and (r2 - r1 > 1 or c2 - c1 > 1)
    )
    filler = MergeFiller(array("Q", merges))
    for index in range(sheet.nrows):
        cells = []
        for cell in sheet.row(index):
            if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                cells.append(None)
            elif cell.ctype == xlrd.XL_CELL_DATE:
                try:
                    cells.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                except (ValueError, OverflowError):
                    cells.append(cell.value)
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                cells.append(bool(cell.value))
            else:
                cells.append(cell.value)
        yield index + 1, (filler.fill(index + 1, cells) if filler else cells)


def _csv_encoding(path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(1 << 20)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
        return "gb18030"
    except UnicodeDecodeError:
        raise FileProblem(UNKNOWN_ENCODING) from None


def _csv_rows(path: Path, encoding: str) -> Iterator[tuple[int, list]]:
    with open(path, encoding=encoding, newline="") as handle:
        try:
            for number, cells in enumerate(csv.reader(handle), start=1):
                yield number, cells
        except UnicodeDecodeError:
            raise FileProblem(UNKNOWN_ENCODING) from None
        except csv.Error as exc:
            raise FileProblem(UNREADABLE_FILE % {"error": exc}) from None


def _count_lines(path: Path) -> int:
    count = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 22):
            count += chunk.count(b"\n")
    return count


def has_header(rows) -> bool:
    try:
        for index, (_number, cells) in enumerate(rows):
            if index >= HEADER_SCAN_ROWS:
                return False
            if len(recognise(cells)) >= MIN_RECOGNISED:
                return True
        return False
    finally:
        rows.close()


@contextmanager
def open_sheet(path: Path, file_name: str) -> Iterator[Sheet]:
    """The ledger sheet of a file: the first sheet with a recognisable header row."""
    suffix = Path(file_name).suffix.lower()
    if suffix not in SUFFIXES:
        raise FileProblem(UNSUPPORTED_FILE % {"name": file_name})
    path = Path(path)
    if suffix == ".csv":
        encoding = _csv_encoding(path)
        yield Sheet(rows=_csv_rows(path, encoding), total=_count_lines(path))
        return
    if suffix == ".xls":
        import xlrd

        try:
            book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
        except Exception as exc:  # xlrd raises many types for a bad file
            raise FileProblem(UNREADABLE_FILE % {"error": exc}) from None
        try:
            sheets = [book.sheet_by_index(i) for i in range(book.nsheets)]
            chosen = next((s for s in sheets if has_header(_xls_rows(book, s))), sheets[0] if sheets else None)
            if chosen is None:
                yield Sheet(rows=iter(()), total=0)
            else:
                yield Sheet(rows=_xls_rows(book, chosen), total=chosen.nrows)
        finally:
            book.release_resources()
        return
    from warmwinter.registry.ledger import xlsx

    try:
        book = xlsx.open_book(path)
    except Exception as exc:  # zipfile and the XML raise many types for a bad file
        raise FileProblem(UNREADABLE_FILE % {"error": exc}) from None
    try:
        members = [member for _name, member in book.sheets]
        chosen = next((m for m in members if has_header(_xlsx_rows(book, m, merges=False))), members[0] if members else None)
        if chosen is None:
            yield Sheet(rows=iter(()), total=0)
        else:
            yield Sheet(rows=_xlsx_rows(book, chosen), total=_xlsx_total(book, chosen))
    finally:
        book.close()


def _xlsx_total(book, member: str) -> int:
    """The last row from <dimension ref="A1:M1002"/> at the top of the sheet, if there is one."""
    with book.archive.open(member) as source:
        head = source.read(4096).decode("utf-8", "ignore")
    match = re.search(r'<(?:\w+:)?dimension\s+ref="[A-Z]+\d+:[A-Z]+(\d+)"', head)
    return int(match.group(1)) if match else 0
