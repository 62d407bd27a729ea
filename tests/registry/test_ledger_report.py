"""error_report_xlsx: the clerk's own rows and columns, a 错误原因 column, rows with errors in red."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.registry.ledger_files import COL, HEADER, ledger_rows, write_csv, write_xlsx
from warmwinter.registry.ledger import LedgerRejected, RowError, error_report_xlsx, ledger_import


@pytest.fixture
def rejected_file(tree, tmp_path):
    rows = ledger_rows()
    rows[3][COL["与户主关系"]] = "干亲"
    rows[3][COL["性别"]] = "男"
    rows[5][COL["残疾等级"]] = ""
    path = write_xlsx(tmp_path / "台账.xlsx", rows, merges=["B3:B4"])
    with pytest.raises(LedgerRejected) as caught:
        ledger_import(actor=None, file_name=path.name, path=path, region_code="520402")
    return path, caught.value.errors


def test_report_keeps_the_rows_and_adds_the_reasons(rejected_file):
    path, errors = rejected_file
    book = load_workbook(io.BytesIO(error_report_xlsx(file_name=path.name, path=path, errors=errors)))
    sheet = book.worksheets[0]
    reason = len(HEADER) + 1
    assert sheet.cell(row=1, column=1).value == ledger_rows()[0][0]  # the title row is still row 1
    assert [sheet.cell(row=2, column=c).value for c in range(1, reason + 1)] == HEADER + ["错误原因"]
    assert sheet.cell(row=4, column=reason).value == "性别：性别“男”与身份证号（女）不符；与户主关系：与户主关系“干亲”无法识别"
    assert sheet.cell(row=6, column=reason).value == "残疾等级：残疾人需要填写等级（1–4 级）"
    assert sheet.cell(row=3, column=reason).value is None and sheet.cell(row=5, column=reason).value is None
    assert sheet.cell(row=4, column=COL["身份证号码"] + 1).value == ledger_rows()[3][COL["身份证号码"]]
    assert sheet.cell(row=4, column=1).fill.fgColor.rgb == "FFFFC7CE"  # the row is highlighted
    assert sheet.cell(row=3, column=1).fill.fgColor.rgb != "FFFFC7CE"
    listing = book.worksheets[1]
    assert [c.value for c in listing[1]] == ["行号", "列", "错误原因"]
    assert [c.value for c in listing[2]] == [4, "性别", "性别“男”与身份证号（女）不符"]
    assert listing.max_row == 1 + len(errors) == 4


def test_whole_file_errors_go_to_the_list(tree, tmp_path):
    path = write_csv(tmp_path / "台账.csv", [["花名册"], ["甲", "乙"]])
    errors = [RowError(row=0, column="", message="找不到表头行")]
    book = load_workbook(io.BytesIO(error_report_xlsx(file_name=path.name, path=path, errors=errors)))
    assert book.worksheets[0].cell(row=1, column=1).value == "花名册"
    assert [c.value for c in book.worksheets[1][2]] == [None, None, "找不到表头行"]


def test_report_of_an_unreadable_file_still_lists_the_errors(tree, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(b"not a workbook")
    errors = [RowError(row=0, column="", message="无法读取文件")]
    book = load_workbook(io.BytesIO(error_report_xlsx(file_name=path.name, path=path, errors=errors)))
    assert book.worksheets[1].cell(row=2, column=3).value == "无法读取文件"


def test_text_that_looks_like_a_formula_stays_text(tree, tmp_path):
    rows = ledger_rows()
    rows[3][COL["备注"]] = '=HYPERLINK("http://example.invalid")'
    path = write_csv(tmp_path / "台账.csv", rows)
    errors = [RowError(row=4, column="备注", message="示例")]
    sheet = load_workbook(io.BytesIO(error_report_xlsx(file_name=path.name, path=path, errors=errors))).worksheets[0]
    cell = sheet.cell(row=4, column=COL["备注"] + 1)
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://example.invalid")'
