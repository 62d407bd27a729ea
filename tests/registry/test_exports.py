"""Ledger exports (台账, 花名册): layout, ID protection, formula escaping, filters, audit."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.utils import timezone

from tests.factories import make_member
from tests.registry.factories import NANJIE_VILLAGE, OTHER_VILLAGE, PINGBA_VILLAGE, VILLAGE, make_assignment, make_household, make_person
from warmwinter.audit.models import Event
from warmwinter.core.errors import DomainError, Forbidden, NotFound
from warmwinter.registry import exports
from warmwinter.registry.exports import ExportRequest, ledger_export
from warmwinter.registry.services import REASON_REQUIRED

XIXIU = "520402000000"
DONGGUAN = "520402005000"
ATTACK = "=cmd|' /C calc'!A0"
LEDGER_HEADER = ["序号", "村（社区）", "户编号", "户主姓名", "姓名", "与户主关系", "性别", "身份证号", "出生日期", "年龄", "人员类别", "联系电话", "家庭住址", "备注"]
ROSTER_HEADER = ["序号", "乡镇", "村（社区）", "姓名", "性别", "身份证号", "类别", "等级", "认定日期", "联系电话"]


def xlsx_of(export) -> openpyxl.Workbook:
    out = io.BytesIO()
    exports.write_xlsx(export, out)
    out.seek(0)
    return openpyxl.load_workbook(out)


def csv_of(export) -> list[list[str]]:
    text = "".join(exports.csv_chunks(export))
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def family(tree):
    """王建国's household in 金钟社区: the head, his wife (disabled, grade 2) and a son with a hostile note."""
    household = make_household(VILLAGE, number="JZ-001", address="金钟社区2组15号", phone="0851-3322110")
    head = make_person(household, name="王建国", relation="head", phone="13800000001", categories=["dibao"])
    wife = make_person(household, name="李秀英", relation="spouse", categories=[("disabled", 2)])
    son = make_person(household, name="王小明", relation="child", notes=ATTACK)
    return {"household": household, "head": head, "wife": wife, "son": son}


@pytest.fixture
def clerk(tree):
    return make_member("village_clerk", VILLAGE, username="yang", display_name="杨协理")


@pytest.fixture
def supervisor(tree):
    return make_member("supervisor", XIXIU, username="du", display_name="杜督查")


def events():
    return list(Event.objects.filter(action="ledger.export").order_by("seq"))


# --- the xlsx layout -----------------------------------------------------------------------------


def test_ledger_xlsx_has_merged_title_unit_and_date_and_a_frozen_header(family, clerk):
    sheet = xlsx_of(ledger_export(actor=clerk, request=ExportRequest(region=VILLAGE))).active
    assert sheet["A1"].value == "金钟社区居民委员会困难群众台账"
    assert "A1:N1" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A2"].value == f"填报单位：金钟社区居民委员会　　导出日期：{timezone.localdate():%Y-%m-%d}"
    assert [c.value for c in sheet[3]] == LEDGER_HEADER
    assert sheet.freeze_panes == "A4"
    assert sheet.column_dimensions["H"].width >= 20  # 身份证号 fits 18 characters
    assert sheet.column_dimensions["M"].width >= 25  # 家庭住址


def test_ledger_rows_are_persons_with_their_household_head_first(family, clerk):
    sheet = xlsx_of(ledger_export(actor=clerk, request=ExportRequest(region=VILLAGE))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert [r[4] for r in rows] == ["王建国", "李秀英", "王小明"]
    head, wife, _son = rows
    assert head[:7] == [1, "金钟社区居民委员会", "JZ-001", "王建国", "王建国", "户主", family["head"].get_gender_display()]
    assert head[8] == family["head"].birth_date.isoformat()
    assert head[10] == "低保"
    assert head[11] == "13800000001"  # the person's own phone
    assert wife[11] is None  # not the household's: re-importing the 台账 would copy it onto her
    assert wife[10] == "残疾人（2级）"
    assert wife[12] == "金钟社区2组15号"


def test_age_is_counted_on_the_export_date(tree, clerk):
    today = timezone.localdate()
    born = date(today.year - 70, 1, 1)
    make_person(name="赵奶奶", birth_date=born, id_number="")
    sheet = xlsx_of(ledger_export(actor=clerk, request=ExportRequest(region=VILLAGE))).active
    assert sheet["J4"].value == 70


def test_id_cells_are_text_cells(family, clerk):
    sheet = xlsx_of(ledger_export(actor=clerk, request=ExportRequest(region=VILLAGE))).active
    for row in range(4, 7):
        cell = sheet.cell(row=row, column=8)
        assert cell.data_type == "s" and isinstance(cell.value, str)
        assert cell.number_format == "@"


# --- ID numbers: masked unless the role may see them and asks with a reason ----------------------


def test_supervisor_gets_masked_ids_and_the_export_is_audited_without_reason(family, supervisor):
    export = ledger_export(actor=supervisor, request=ExportRequest(region=XIXIU))
    sheet = xlsx_of(export).active
    head = family["head"]
    assert sheet["H4"].value == head.id_number_masked
    assert "*" in sheet["H4"].value and head.id_number() not in str([c.value for c in sheet["H"]])
    [event] = events()
    assert event.actor == supervisor and event.role == "supervisor" and event.region_code == XIXIU
    assert event.changes["rows"] == [None, 3]
    assert event.changes["full_ids"] == [None, False]
    assert "reason" not in event.changes


def test_supervisor_may_not_export_full_ids(family, supervisor):
    with pytest.raises(Forbidden) as caught:
        ledger_export(actor=supervisor, request=ExportRequest(region=XIXIU, full_ids=True, reason="核对"))
    assert caught.value.message == exports.FULL_IDS_NOT_ALLOWED
    assert events() == []


def test_helper_may_not_export_at_all(family):
    helper = make_member("helper", VILLAGE)
    with pytest.raises(Forbidden):
        ledger_export(actor=helper, request=ExportRequest(region=VILLAGE))
    assert events() == []


def test_clerk_needs_a_reason_for_full_ids(family, clerk):
    with pytest.raises(DomainError) as caught:
        ledger_export(actor=clerk, request=ExportRequest(region=VILLAGE, full_ids=True, reason="  "))
    assert caught.value.message == REASON_REQUIRED
    assert events() == []


def test_clerk_gets_full_ids_with_a_reason_and_one_audit_event_names_it(family, clerk):
    export = ledger_export(actor=clerk, request=ExportRequest(region=VILLAGE, full_ids=True, reason="冬季救助资金发放核对"))
    sheet = xlsx_of(export).active
    assert [sheet.cell(row=r, column=8).value for r in range(4, 7)] == [family[k].id_number() for k in ("head", "wife", "son")]
    assert sheet["H4"].number_format == "@"
    [event] = events()
    assert event.actor == clerk and event.role == "village_clerk"
    assert event.changes["reason"] == [None, "冬季救助资金发放核对"]
    assert event.changes["rows"] == [None, 3]
    assert event.changes["full_ids"] == [None, True]


def test_masked_export_by_clerk_shows_no_full_number(family, clerk):
    rows = csv_of(ledger_export(actor=clerk, request=ExportRequest(region=VILLAGE, format="csv")))
    assert [r[7] for r in rows[1:]] == [family[k].id_number_masked for k in ("head", "wife", "son")]


# --- formula injection -------------------------------------------------------------------------


@pytest.mark.parametrize("text", [ATTACK, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_cells_that_look_like_formulas_are_escaped_in_xlsx(tree, clerk, text):
    make_person(name="王五", notes=text)
    sheet = xlsx_of(ledger_export(actor=clerk, request=ExportRequest(region=VILLAGE))).active
    cell = sheet["N4"]
    assert cell.data_type == "s"
    assert cell.value.replace("\r", "\n") == "'" + text.replace("\r", "\n")  # a CR may come back as LF, by XML writer


def test_formula_in_name_and_notes_is_escaped_in_xlsx_and_csv(family, clerk):
    make_person(family["household"], name=ATTACK, relation="other")
    sheet = xlsx_of(ledger_export(actor=clerk, request=ExportRequest(region=VILLAGE))).active
    values = [c.value for row in sheet.iter_rows(min_row=4) for c in row]
    assert "'" + ATTACK in values and ATTACK not in values
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    rows = csv_of(ledger_export(actor=clerk, request=ExportRequest(region=VILLAGE, format="csv")))
    assert rows[3][13] == "'" + ATTACK  # 王小明's 备注
    assert rows[4][4] == "'" + ATTACK  # the person named like a formula
    assert not any(cell.startswith("=") for row in rows for cell in row)


# --- csv -------------------------------------------------------------------------------------------


def test_csv_has_bom_header_and_rows(family, clerk):
    rows = csv_of(ledger_export(actor=clerk, request=ExportRequest(region=VILLAGE, format="csv")))
    assert rows[0] == LEDGER_HEADER
    assert [r[4] for r in rows[1:]] == ["王建国", "李秀英", "王小明"]


def test_csv_keeps_full_ids_as_text_for_excel(family, clerk):
    rows = csv_of(ledger_export(actor=clerk, request=ExportRequest(region=VILLAGE, format="csv", full_ids=True, reason="核对")))
    assert rows[1][7] == "\t" + family["head"].id_number()


# --- filters and scope -----------------------------------------------------------------------------


def test_region_subtree_and_alive_filters(tree, clerk):
    make_person(name="金钟甲", region_code=VILLAGE)
    make_person(name="金钟故", region_code=VILLAGE, alive=False, death_date=date(2024, 12, 1))
    make_person(name="东关乙", region_code=OTHER_VILLAGE)
    make_person(name="塔东丙", region_code=NANJIE_VILLAGE)
    make_person(name="夏云丁", region_code=PINGBA_VILLAGE)
    officer = make_member("township_officer", DONGGUAN)

    def names(user, **kwargs):
        return [r[4] for r in csv_of(ledger_export(actor=user, request=ExportRequest(format="csv", **kwargs)))[1:]]

    assert names(officer, region=DONGGUAN) == ["金钟甲", "金钟故", "东关乙"]
    assert names(officer, region=DONGGUAN, alive=True) == ["金钟甲", "东关乙"]
    assert names(officer, region=DONGGUAN, alive=False) == ["金钟故"]
    assert names(clerk, region=VILLAGE) == ["金钟甲", "金钟故"]
    with pytest.raises(NotFound):
        ledger_export(actor=officer, request=ExportRequest(region=NANJIE_VILLAGE))
    with pytest.raises(NotFound):
        ledger_export(actor=officer, request=ExportRequest(region=XIXIU))  # above the officer's township


def test_category_filter_on_the_ledger_keeps_only_current_holders(tree, clerk):
    make_person(name="低保甲", categories=["dibao"])
    ended = make_person(name="低保已停")
    make_assignment(ended, "dibao", valid_from=date(2020, 1, 1), valid_to=date(2021, 1, 1))
    make_person(name="无类别")
    rows = csv_of(ledger_export(actor=clerk, request=ExportRequest(region=VILLAGE, category="dibao", format="csv")))
    assert [r[4] for r in rows[1:]] == ["低保甲"]


def test_bad_parameters_are_refused_in_chinese(tree, clerk):
    for request, message in [
        (ExportRequest(region=VILLAGE, kind="table"), exports.BAD_KIND),
        (ExportRequest(region=VILLAGE, format="pdf"), exports.BAD_FORMAT),
        (ExportRequest(region=""), exports.REGION_REQUIRED),
    ]:
        with pytest.raises(DomainError) as caught:
            ledger_export(actor=clerk, request=request)
        assert caught.value.message == message
    with pytest.raises(DomainError) as caught:
        ledger_export(actor=clerk, request=ExportRequest(region=VILLAGE, category="nonsense"))
    assert str(caught.value.message) == "人员类别不存在：nonsense"


# --- 花名册 --------------------------------------------------------------------------------------------


def test_roster_lists_one_row_per_person_in_the_category(family, tree):
    make_person(name="塔东残", region_code=NANJIE_VILLAGE, categories=[("disabled", 1)])
    ended = make_person(name="已摘帽")
    make_assignment(ended, "disabled", valid_from=date(2019, 1, 1), valid_to=date(2020, 1, 1), grade=3)
    officer = make_member("county_officer", XIXIU)
    export = ledger_export(actor=officer, request=ExportRequest(region=XIXIU, kind="roster", category="disabled"))
    sheet = xlsx_of(export).active
    assert sheet["A1"].value == "西秀区残疾人花名册"
    assert "A1:J1" in {str(r) for r in sheet.merged_cells.ranges}
    assert [c.value for c in sheet[3]] == ROSTER_HEADER
    assert sheet.freeze_panes == "A4"
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert [r[3] for r in rows] == ["塔东残", "李秀英"]  # by village code: 南街 (001) before 东关 (005)
    wife = rows[1]
    assert wife[:3] == [2, "东关街道", "金钟社区居民委员会"]
    assert wife[5] == family["wife"].id_number_masked
    assert wife[6:9] == ["残疾人", "2级", "2024-01-01"]
    assert wife[9] == "0851-3322110"
    assert sheet["F5"].number_format == "@"


def test_roster_without_category_lists_every_current_assignment(family, clerk):
    rows = csv_of(ledger_export(actor=clerk, request=ExportRequest(region=VILLAGE, kind="roster", format="csv")))
    assert rows[0] == ROSTER_HEADER
    assert sorted((r[3], r[6]) for r in rows[1:]) == [("李秀英", "残疾人"), ("王建国", "低保")]


# --- large exports are read in chunks -----------------------------------------------------------


def test_rows_are_read_in_chunks_with_categories_intact(tree, clerk, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(exports, "CHUNK", 2)
    for index in range(3):
        make_household(VILLAGE, number=f"H{index}", members=[{"name": f"户主{index}", "categories": ["dibao"]}, f"成员{index}"])
    export = ledger_export(actor=clerk, request=ExportRequest(region=VILLAGE, format="csv"))
    with django_assert_max_num_queries(3 * 2 + 2):  # rows and their categories per chunk of 2
        rows = csv_of(export)
    assert [r[4] for r in rows[1:]] == ["户主0", "成员0", "户主1", "成员1", "户主2", "成员2"]
    assert [r[10] for r in rows[1:]] == ["低保", "", "低保", "", "低保", ""]
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4", "5", "6"]


def test_xlsx_beyond_excel_s_row_limit_is_refused_and_csv_offered(family, clerk, monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 2)
    with pytest.raises(DomainError) as caught:
        ledger_export(actor=clerk, request=ExportRequest(region=VILLAGE))
    assert str(caught.value.message) == "共 3 行，超过 Excel 单个工作表的上限（2 行）：请缩小导出范围，或导出 csv。"
    assert events() == []
    assert len(csv_of(ledger_export(actor=clerk, request=ExportRequest(region=VILLAGE, format="csv")))) == 4


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_full_id_export_imports_back_unchanged(tree, clerk, tmp_path, fmt):
    """The exported 台账 is a ledger the importer reads (title rows, header, tab-prefixed IDs): same people, no change.
    (Graded categories are left out: the exporter writes 残疾人（2级） in 人员类别, which the importer does not read yet.)"""
    from warmwinter.registry.ledger import LedgerRejected, ledger_import

    household = make_household(VILLAGE, number="JZ-009", address="金钟社区3组", phone="0851-3322110")
    make_person(household, name="张德山", relation="head", phone="13800000009", categories=["dibao", "empty_nest_elderly"])
    make_person(household, name="刘桂兰", relation="spouse", notes="长期卧床")
    make_person(name="赵小军", relation="head")
    export = ledger_export(actor=clerk, request=ExportRequest(region=VILLAGE, format=fmt, full_ids=True, reason="备份"))
    path = tmp_path / f"台账.{fmt}"
    exports.write_export(export, path)
    try:
        result = ledger_import(actor=clerk, file_name=path.name, path=path, region_code=VILLAGE, dry_run=True)
    except LedgerRejected as exc:
        pytest.fail(str([str(e) for e in exc.errors]))
    assert (result.rows, result.unchanged, result.persons_created, result.persons_updated) == (3, 3, 0, 0)
