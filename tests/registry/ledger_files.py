"""Ledger files as clerks make them, built in tmp_path for the ledger engine tests.

    ledger_rows() -> list[list]          title row, header, two households (4 persons), as in a real 台账
    write_xlsx(path, rows, merges=())    openpyxl; merges like "B3:B4" (value kept in the first cell only)
    write_xls(path, rows, merges=())     xlwt (test-only dependency): .xls as Excel 97–2003 writes it
    write_csv(path, rows, encoding)      utf-8, utf-8-sig or gbk
    registry_counts() -> dict            households, persons, assignments and audit events, to prove nothing was written
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import openpyxl

from tests.registry.factories import id_number
from warmwinter.audit.models import Event
from warmwinter.registry.models import CategoryAssignment, Household, Person

HEADER = ["序号", "户主姓名", "姓名", "与户主关系", "性别", "身份证号码", "出生日期", "联系电话", "家庭住址", "村（社区）",
          "人员类别", "残疾等级", "备注"]
COL = {name: index for index, name in enumerate(HEADER)}
TITLE = ["西秀区东关街道困难群众台账（2025年冬）"]
FIRST_DATA_ROW = 3  # title row 1, header row 2

HEAD_1 = id_number(date(1950, 3, 1), "M")
WIFE_1 = id_number(date(1952, 7, 9), "F")
HEAD_2 = id_number(date(1966, 11, 30), "M")
CHILD_2 = id_number(date(1995, 5, 20), "F")


def ledger_rows() -> list[list]:
    """金钟社区: 张大山 (户主, 低保) and 李秀英 (配偶); 东关社区: 王建国 (户主) and 王芳 (女儿, 残疾人 2 级)."""
    return [
        list(TITLE),
        list(HEADER),
        [1, "张大山", "张大山", "户主", "男", HEAD_1, "1950-03-01", "13800000001", "金钟社区2组15号", "金钟社区", "低保", "", ""],
        [2, "张大山", "李秀英", "配偶", "女", WIFE_1, "1952-07-09", "", "金钟社区2组15号", "金钟社区", "", "", ""],
        [3, "王建国", "王建国", "户主", "男", HEAD_2, "1966-11-30", "13900000002", "东关社区5号", "东关社区", "", "", ""],
        [4, "王建国", "王芳", "女儿", "女", CHILD_2, "1995-05-20", "", "东关社区5号", "东关社区", "残疾人", "二级", "肢体残疾"],
    ]


def sheet_row(rows: list[list], index: int) -> int:
    """The row number the clerk sees for rows[index] (rows start at sheet row 1)."""
    return index + 1


def write_xlsx(path: Path, rows: list[list], merges=(), *, sheet_title: str = "台账") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = sheet_title
    for row in rows:
        sheet.append(row)
    for ref in merges:
        sheet.merge_cells(ref)
    book.save(path)
    return path


def write_xls(path: Path, rows: list[list], merges=()) -> Path:
    """merges: (first_row, last_row, first_col, last_col), 0-based and inclusive, as xlwt takes them."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("台账")
    merged_cells = {(r1, c1): (r1, r2, c1, c2) for r1, r2, c1, c2 in merges}
    covered = {(r, c) for r1, r2, c1, c2 in merges for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            style = (date_style,) if isinstance(value, (date, datetime)) else ()
            if (r, c) in merged_cells:
                sheet.write_merge(*merged_cells[(r, c)], value, *style)
            elif (r, c) not in covered and value not in (None, ""):
                sheet.write(r, c, value, *style)
    book.save(str(path))
    return path


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def registry_counts() -> dict[str, int]:
    return {
        "households": Household.objects.count(),
        "persons": Person.objects.count(),
        "assignments": CategoryAssignment.objects.count(),
        "events": Event.objects.count(),
    }


def many_rows(households: int, *, village: str = "金钟社区") -> list[list]:
    """A title row, the header, and `households` households of 1–4 persons (valid, distinct IDs)."""
    from datetime import timedelta

    rows = [list(TITLE), list(HEADER)]
    serial = 0
    for h in range(households):
        size = 1 + h % 4
        head_name = "张" + "伟芳娜敏静丽强磊军洋"[h % 10] + "明华国建"[h % 4]
        for m in range(size):
            serial += 1
            born = date(1930, 1, 1) + timedelta(days=(serial * 97) % 30000)
            gender = "M" if m != 1 else "F"
            name = head_name if m == 0 else "李" + "秀英兰梅"[m % 4] + str(m)[:0]
            rows.append([serial, head_name, name, ["户主", "配偶", "子", "孙子"][m], "男" if gender == "M" else "女",
                         id_number(born, gender), born.isoformat(), "", f"{village}{h}号", village,
                         "低保" if m == 0 and h % 3 == 0 else "", "", ""])
    return rows
