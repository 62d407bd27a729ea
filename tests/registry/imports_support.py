"""Ledger files as clerks make them, for the import job tests (pages, API, task)."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.registry.factories import id_number

HEADER = ["序号", "户主姓名", "姓名", "与户主关系", "性别", "身份证号码", "联系电话", "家庭住址", "人员类别"]
BAD_CHECK_ROW = 4  # the sheet row of the wife in `bad_rows` (title row 1, header row 2)


def good_rows() -> list[list]:
    """One household in 金钟社区: 王建国 (head, 低保) and his wife 李秀英."""
    head = id_number(birth_date=date(1956, 4, 2), gender="M")
    wife = id_number(birth_date=date(1958, 9, 17), gender="F")
    return [
        ["金钟社区困难群众台账"],
        HEADER,
        [1, "王建国", "王建国", "户主", "男", head, "13800000001", "金钟社区2组15号", "低保"],
        [2, "王建国", "李秀英", "配偶", "女", wife, "", "金钟社区2组15号", ""],
    ]


def bad_rows() -> list[list]:
    """The same household, with a wrong check digit on the wife's ID number."""
    rows = good_rows()
    wife = rows[3][5]
    rows[3][5] = wife[:17] + ("0" if wife[17] != "0" else "1")
    return rows


def xlsx_bytes(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)  # ID numbers are strings: stored as text cells, as a careful clerk would
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list]) -> bytes:
    return "\n".join(",".join(str(v) for v in row) for row in rows).encode("utf-8")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)
