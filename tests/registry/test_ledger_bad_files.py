"""Every bad-file shape a clerk makes: the exact Chinese message, its row and column, and
nothing written (households, persons, category assignments and audit events all unchanged)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import make_member
from tests.registry.factories import OTHER_VILLAGE, PINGBA_VILLAGE, id_number, make_household, make_person
from tests.registry.ledger_files import COL, HEAD_1, HEADER, ledger_rows, registry_counts, write_csv, write_xlsx
from warmwinter.registry.idnumbers import with_check_digit
from warmwinter.registry.ledger import LedgerRejected, RowError, ledger_import

COUNTY = "520402"


@pytest.fixture
def counts(tree):
    return registry_counts()


def rejected(path, *, actor=None, region_code=COUNTY, name=None) -> LedgerRejected:
    before = registry_counts()
    with pytest.raises(LedgerRejected) as caught:
        ledger_import(actor=actor, file_name=name or path.name, path=path, region_code=region_code)
    assert registry_counts() == before, "a rejected file must write nothing"
    return caught.value


def xlsx_with(tmp_path, change, name="台账.xlsx", merges=()):
    rows = ledger_rows()
    change(rows)
    return write_xlsx(tmp_path / name, rows, merges)


def only(errors: list[RowError]) -> RowError:
    assert len(errors) == 1, errors
    return errors[0]


def test_bad_check_digit_names_row_column_and_the_right_digit(counts, tmp_path):
    wrong = HEAD_1[:17] + ("0" if HEAD_1[17] != "0" else "1")
    error = only(rejected(xlsx_with(tmp_path, lambda rows: rows[2].__setitem__(COL["身份证号码"], wrong))).errors)
    assert error == RowError(row=3, column="身份证号码", message=f"身份证号校验位错误（应为 {HEAD_1[17]}）")


def test_impossible_birth_date_inside_the_id_number(counts, tmp_path):
    bad = with_check_digit("52040219500230001")  # 30 February
    def change(rows):
        rows[2][COL["身份证号码"]] = bad
        rows[2][COL["出生日期"]] = ""
    error = only(rejected(xlsx_with(tmp_path, change)).errors)
    assert error == RowError(row=3, column="身份证号码", message="身份证号中的出生日期 19500230 不存在")


def test_id_number_typed_into_a_number_cell_has_lost_digits(counts, tmp_path):
    # Excel keeps 15 significant digits: 520402195207090123 typed into a number cell is stored
    # as a double (5.20402E+17 in the cell); the message shows the number as it was stored.
    error = only(rejected(xlsx_with(tmp_path, lambda rows: rows[3].__setitem__(COL["身份证号码"], 520402195207090123))).errors)
    assert error.row == 4 and error.column == "身份证号码"
    assert error.message == "身份证号在 Excel 中被存成了数字，末几位已丢失（5.204021952070901E+17）：请把该列设为文本后重新填写"


def test_scientific_notation_in_a_csv_is_lost_digits_too(counts, tmp_path):
    rows = ledger_rows()
    rows[4][COL["身份证号码"]] = "5.20402E+17"
    error = only(rejected(write_csv(tmp_path / "台账.csv", rows)).errors)
    assert error == RowError(row=5, column="身份证号码",
                             message="身份证号在 Excel 中被存成了数字，末几位已丢失（5.20402E+17）：请把该列设为文本后重新填写")


def test_gender_and_birth_date_contradicting_the_id_number(counts, tmp_path):
    def change(rows):
        rows[3][COL["性别"]] = "男"
        rows[3][COL["出生日期"]] = "1952-07-10"
    errors = rejected(xlsx_with(tmp_path, change)).errors
    assert errors == [
        RowError(row=4, column="性别", message="性别“男”与身份证号（女）不符"),
        RowError(row=4, column="出生日期", message="出生日期 1952-07-10 与身份证号中的 1952-07-09 不符"),
    ]


def test_birth_year_and_month_only_are_checked_against_the_id(counts, tmp_path):
    error = only(rejected(xlsx_with(tmp_path, lambda rows: rows[3].__setitem__(COL["出生日期"], "1952.08"))).errors)
    assert error == RowError(row=4, column="出生日期", message="出生日期 1952-08 与身份证号中的 1952-07-09 不符")


def test_unknown_village(counts, tmp_path):
    error = only(rejected(xlsx_with(tmp_path, lambda rows: rows[4].__setitem__(COL["村（社区）"], "幸福村"))).errors)
    # rows 5 and 6 are one household: only the row with the unknown name is wrong
    assert error == RowError(row=5, column="村（社区）", message="找不到村（社区）“幸福村”（在西秀区范围内）")


def test_village_of_another_county_is_unknown_inside_the_region(counts, tmp_path):
    error = only(rejected(xlsx_with(tmp_path, lambda rows: rows[4].__setitem__(COL["村（社区）"], PINGBA_VILLAGE))).errors)
    assert error == RowError(row=5, column="村（社区）", message=f"找不到村（社区）“{PINGBA_VILLAGE}”（在西秀区范围内）")


def test_members_of_one_household_in_two_villages(counts, tmp_path):
    error = only(rejected(xlsx_with(tmp_path, lambda rows: rows[3].__setitem__(COL["村（社区）"], "东关社区"))).errors)
    assert error == RowError(row=4, column="村（社区）",
                             message="同一户的成员应在同一个村（社区）：本行为“东关社区居民委员会”，户主所在行为“金钟社区居民委员会”")


def test_unknown_category(counts, tmp_path):
    error = only(rejected(xlsx_with(tmp_path, lambda rows: rows[2].__setitem__(COL["人员类别"], "低保、扶贫户"))).errors)
    assert error == RowError(row=3, column="人员类别", message="人员类别“扶贫户”不存在（可在“人员类别”管理中查看或新增）")


def test_disabled_person_without_a_grade(counts, tmp_path):
    error = only(rejected(xlsx_with(tmp_path, lambda rows: rows[5].__setitem__(COL["残疾等级"], ""))).errors)
    assert error == RowError(row=6, column="残疾等级", message="残疾人需要填写等级（1–4 级）")


def test_grade_out_of_range(counts, tmp_path):
    error = only(rejected(xlsx_with(tmp_path, lambda rows: rows[5].__setitem__(COL["残疾等级"], "5级"))).errors)
    assert error == RowError(row=6, column="残疾等级", message="残疾等级“5级”无法识别（应为 1–4 级）")


def test_the_same_id_number_twice_names_both_rows(counts, tmp_path):
    rows = ledger_rows()
    rows.append([5, "王建国", "王小芳", "女儿", "女", rows[5][COL["身份证号码"]], "1995-05-20", "", "东关社区5号", "东关社区", "", "", ""])
    error = only(rejected(write_xlsx(tmp_path / "台账.xlsx", rows)).errors)
    assert error == RowError(row=7, column="身份证号码", message="身份证号码与第 6 行重复（同一人在台账中只能出现一次）")


def test_unknown_relation(counts, tmp_path):
    error = only(rejected(xlsx_with(tmp_path, lambda rows: rows[3].__setitem__(COL["与户主关系"], "干亲"))).errors)
    assert error == RowError(row=4, column="与户主关系", message="与户主关系“干亲”无法识别")


def test_empty_id_number(counts, tmp_path):
    error = only(rejected(xlsx_with(tmp_path, lambda rows: rows[3].__setitem__(COL["身份证号码"], ""))).errors)
    assert error == RowError(row=4, column="身份证号码", message="身份证号码不能为空（台账以身份证号码识别每个人）")


def test_missing_required_column(counts, tmp_path):
    rows = [[cell for index, cell in enumerate(row) if index != COL["身份证号码"]] for row in ledger_rows()]
    error = only(rejected(write_xlsx(tmp_path / "台账.xlsx", rows)).errors)
    assert error == RowError(row=2, column="", message="缺少“身份证号码”列")


def test_missing_village_column_unless_the_region_is_a_village(counts, tmp_path):
    rows = [[cell for index, cell in enumerate(row) if index != COL["村（社区）"]] for row in ledger_rows()]
    error = only(rejected(write_xlsx(tmp_path / "台账.xlsx", rows)).errors)
    assert error == RowError(row=2, column="", message="缺少“村（社区）”列：请加上这一列，或导入时指定一个村（社区）")


@pytest.mark.parametrize("name, content", [("台账.csv", b""), ("台账.csv", "\n\n,,,\n".encode())])
def test_empty_file(counts, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    assert only(rejected(path).errors) == RowError(row=0, column="", message="文件是空的")


def test_empty_workbook(counts, tmp_path):
    assert only(rejected(write_xlsx(tmp_path / "空.xlsx", [])).errors) == RowError(row=0, column="", message="文件是空的")


def test_header_but_no_data(counts, tmp_path):
    error = only(rejected(write_xlsx(tmp_path / "台账.xlsx", ledger_rows()[:2])).errors)
    assert error == RowError(row=2, column="", message="表头下面没有人员数据")


def test_no_header_row(counts, tmp_path):
    rows = [["花名册"], ["甲", "乙", "丙"], ["1", "2", "3"]]
    error = only(rejected(write_csv(tmp_path / "台账.csv", rows)).errors)
    assert error == RowError(row=0, column="", message="找不到表头行：前 30 行中没有一行含有至少 3 个可识别的列名（如 姓名、身份证号码、与户主关系）")


def test_unsupported_and_unreadable_files(counts, tmp_path):
    text = tmp_path / "台账.txt"
    text.write_text("姓名")
    assert only(rejected(text).errors).message == "不支持的文件类型：台账.txt（请上传 .xlsx、.xls 或 .csv 文件）"
    broken = tmp_path / "台账.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    assert only(rejected(broken).errors).message.startswith("无法读取文件，可能已损坏或不是 Excel 文件")


def test_unknown_encoding(counts, tmp_path):
    path = tmp_path / "台账.csv"
    path.write_bytes("姓名,身份证号码,村（社区）\n".encode("utf-8") + b"\xff\xfe\xff\n")
    assert only(rejected(path).errors) == RowError(
        row=0, column="", message="无法识别文件的文字编码（请另存为 UTF-8 或 GBK 编码的 csv，或 Excel 文件）")


def test_every_error_is_listed_in_row_order_with_the_count(counts, tmp_path):
    def change(rows):
        rows[5][COL["残疾等级"]] = ""
        rows[2][COL["与户主关系"]] = "干亲"
        rows[3][COL["性别"]] = "男"
    caught = rejected(xlsx_with(tmp_path, change))
    assert [(e.row, e.column) for e in caught.errors] == [(3, "与户主关系"), (4, "性别"), (6, "残疾等级")]
    assert str(caught.message) == "文件有 3 处错误，未导入任何内容。"
    assert str(caught.errors[0]) == "第 3 行 与户主关系：与户主关系“干亲”无法识别"


def test_out_of_scope_village_for_a_village_clerk(counts, tmp_path):
    clerk = make_member("village_clerk", "520402005001")  # 金钟社区
    path = write_xlsx(tmp_path / "台账.xlsx", ledger_rows())
    caught = rejected(path, actor=clerk, region_code=None)
    assert {(e.row, e.column, e.message) for e in caught.errors} == {
        (5, "村（社区）", "村（社区）“东关社区居民委员会”不在您的管辖范围内"),
        (6, "村（社区）", "村（社区）“东关社区居民委员会”不在您的管辖范围内"),
    }
    # Importing into the clerk's own village, the other village is simply not there.
    inside = rejected(path, actor=clerk, region_code="520402005001")
    assert inside.errors[0] == RowError(row=5, column="村（社区）", message="找不到村（社区）“东关社区”（在金钟社区居民委员会范围内）")


def test_a_role_without_import_rights_gets_a_row_error(counts, tmp_path):
    helper = make_member("helper", "520402005000")
    path = write_xlsx(tmp_path / "台账.xlsx", ledger_rows())
    caught = rejected(path, actor=helper, region_code=None)
    assert caught.errors[0] == RowError(row=3, column="村（社区）", message="您的角色无权向“金钟社区居民委员会”导入台账")


def test_person_registered_outside_the_clerks_scope(counts, tmp_path):
    elsewhere = make_person(make_household(OTHER_VILLAGE), name="李秀英", id_number=ledger_rows()[3][COL["身份证号码"]])
    clerk = make_member("village_clerk", "520402005001")
    rows = [row for index, row in enumerate(ledger_rows()) if index < 4]  # only the 金钟社区 household
    caught = rejected(write_xlsx(tmp_path / "台账.xlsx", rows), actor=clerk, region_code="520402005001")
    assert only(caught.errors) == RowError(
        row=4, column="身份证号码", message="该身份证号码已登记在您管辖范围以外的村（社区），请联系上级民政部门核实")
    elsewhere.refresh_from_db()
    assert elsewhere.region_id == OTHER_VILLAGE


def test_errors_are_capped_but_counted(counts, tmp_path, monkeypatch):
    from warmwinter.registry.ledger import outcome

    monkeypatch.setattr(outcome, "MAX_ERRORS", 2)
    monkeypatch.setattr(outcome.ErrorSink.__init__, "__defaults__", (2,))
    rows = [list(HEADER)] + [[i, "", f"人{i}", "户主", "男", "12345", "", "", "", "金钟社区", "", "", ""] for i in range(5)]
    caught = rejected(write_csv(tmp_path / "台账.csv", rows))
    assert caught.total == 5 and len(caught.errors) == 2
    assert str(caught.message) == "文件有 5 处错误，未导入任何内容。"


def test_valid_rows_of_a_rejected_file_are_not_written_either(counts, tmp_path):
    rows = ledger_rows()
    rows.append([5, "赵六", "赵六", "户主", "男", id_number(date(1940, 1, 1), "M"), "", "", "", "金钟社区", "", "", ""])
    rows.append([6, "钱七", "钱七", "户主", "男", "520402194001010000", "", "", "", "金钟社区", "", "", ""])
    caught = rejected(write_xlsx(tmp_path / "台账.xlsx", rows))
    assert [e.row for e in caught.errors] == [8]
