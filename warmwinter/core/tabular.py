"""Read a csv (UTF-8 or GBK) or xlsx file as rows of strings, with 1-based row numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from warmwinter.core.errors import DomainError

UNSUPPORTED_FILE = _("不支持的文件类型：%(name)s（请上传 .csv 或 .xlsx）")
UNREADABLE_FILE = _("无法读取文件：%(error)s")
UNKNOWN_ENCODING = _("无法识别文件的文字编码（请保存为 UTF-8 或 GBK）。")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\u3000", " ").strip()


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(UNKNOWN_ENCODING)


def read_rows(name: str, content: bytes) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) for every non-empty row, header included."""
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        reader = csv.reader(io.StringIO(_decode(content)))
        rows = (list(map(_cell, r)) for r in reader)
    elif suffix in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a bad file
            raise DomainError(UNREADABLE_FILE % {"error": exc}) from None
        sheet = book.worksheets[0]
        rows = ([_cell(c) for c in r] for r in sheet.iter_rows(values_only=True))
    else:
        raise DomainError(UNSUPPORTED_FILE % {"name": name})
    for number, cells in enumerate(rows, start=1):
        if any(cells):
            yield number, cells
