"""The 摸底表 import: a good file lands whole (answers, persons seen, visit times, problems listed), a bad file
lands not at all and lists every error by row and column; the blank sheet round-trips."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from tests.factories import make_member
from tests.registry.factories import NANJIE_VILLAGE, OTHER_VILLAGE, VILLAGE, id_number, make_household
from tests.surveys.factories import GOOD_P6, TOWNSHIP, make_response, make_round
from warmwinter.accounts.roles import Role
from warmwinter.audit.models import Event
from warmwinter.core.errors import Forbidden
from warmwinter.hazards.models import Hazard
from warmwinter.surveys import selectors
from warmwinter.surveys.imports import blank_headers, blank_sheet_xlsx, survey_import
from warmwinter.surveys.models import SurveyResponse, SurveyRound

pytestmark = pytest.mark.django_db

HEADER = ["序号", "乡镇", "村（社区）", "户主姓名", "户主身份证号", "户编号", "防煤气中毒宣传", "通风烟道", "报警器", "住房状况",
          "符合救助政策", "取暖方式", "御寒物资充足", "饮水正常", "用电安全", "临时救助需求", "备注", "见到人数", "走访时间"]
COL = {name: index for index, name in enumerate(HEADER)}


def xlsx_bytes(rows: list[list], *, merges: tuple[str, ...] = ()) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for ref in merges:
        sheet.merge_cells(ref)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def data_row(name="", id_number="", number="", township="", village="", **answers) -> list:
    """A 摸底表 row that finds nothing wrong unless `answers` say otherwise (keys are the column headers)."""
    row = [""] * len(HEADER)
    good = {"防煤气中毒宣传": "是", "通风烟道": "是", "住房状况": "安全", "取暖方式": "电取暖", "御寒物资充足": "是", "饮水正常": "是", "用电安全": "是"}
    values = {"乡镇": township, "村（社区）": village, "户主姓名": name, "户主身份证号": id_number, "户编号": number, **good, **answers}
    for column, value in values.items():
        row[COL[column]] = value
    return row


def sheet_rows(*rows) -> list[list]:
    """Two title rows, the header, the data rows."""
    return [["东关街道冬季入户走访摸底表"], ["填报单位：金钟社区　填表人：杨某"], HEADER, *rows]


@pytest.fixture
def world(tree):
    homes = {
        "h1": make_household(VILLAGE, number="JZ-01", members=["张一", "张二"]),
        "h2": make_household(VILLAGE, number="JZ-02", members=["李二", "李小二", "李小三"]),
        "h3": make_household(VILLAGE, number="JZ-03", members=["王三"]),
        "h4": make_household(OTHER_VILLAGE, number="DG-01", members=["赵四"]),
        "nanjie": make_household(NANJIE_VILLAGE, number="NJ-01", members=["钱五"]),
    }
    return {
        **homes,
        "ids": {key: h.head.id_number() for key, h in homes.items()},
        "round": make_round(TOWNSHIP, name="冬季入户走访"),
        "clerk": make_member(Role.VILLAGE_CLERK, VILLAGE, username="clerk"),
        "township": make_member(Role.TOWNSHIP_OFFICER, TOWNSHIP, username="township"),
    }


def good_file(world) -> bytes:
    ids = world["ids"]
    return xlsx_bytes(sheet_rows(
        [1, *data_row("张一", ids["h1"], "JZ-01", "东关街道", "金钟社区", 报警器="否", 见到人数=2, 走访时间="2026-11-03 10:00")[1:]],
        [2, *data_row("李二", ids["h2"], **{"通风烟道": "否", "住房状况": "危房", "符合救助政策": "是", "取暖方式": "燃煤炉",
                                            "御寒物资充足": "否", "临时救助需求": "低保、特困、孤儿、贫困户基本生活，流浪乞讨人员街面巡查救助",
                                            "备注": "烟道堵塞", "见到人数": "3人", "走访时间": "2026/11/04"})[1:]],
        [3, *data_row("王三", "", "JZ-03", **{"住房状况": "老旧", "取暖方式": "无取暖设施", "用电安全": "否", "临时救助需求": "无"})[1:]],
        ["填表人签字：", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
    ), merges=("B4:B6", "C4:C6"))  # 乡镇 and 村（社区） merged over the three households, as clerks do


def test_good_file_is_imported_whole(world):
    outcome = survey_import(actor=world["clerk"], round_=world["round"], file_name="金钟摸底表.xlsx", content=good_file(world))
    assert outcome.errors == []
    assert (outcome.rows, outcome.created, outcome.updated, outcome.hazards) == (3, 3, 0, 7)
    assert outcome.summary() == "3 行：新增摸排记录 3 户，更新 0 户；列入问题清单 7 个。"
    sheets = {r.household_id: r for r in SurveyResponse.objects.all()}
    one, two, three = sheets[world["h1"].pk], sheets[world["h2"].pk], sheets[world["h3"].pk]
    assert one.answers == {**GOOD_P6, "co_alarm": False} and one.persons_covered == 2 and one.source == "import"
    assert timezone.localtime(one.visited_at).replace(tzinfo=None) == datetime(2026, 11, 3, 10, 0)
    assert two.answers["housing"] == "dangerous" and two.answers["heating_method"] == "coal_stove"
    assert two.answers["temporary_assistance"] == ["basic_living", "homeless"] and two.answers["notes"] == "烟道堵塞"
    assert two.persons_covered == 3 and timezone.localtime(two.visited_at).date().isoformat() == "2026-11-04"
    assert three.persons_covered == 1 and "temporary_assistance" not in three.answers  # 无 = nothing chosen
    assert sorted(Hazard.objects.filter(household=world["h2"]).values_list("rule", flat=True)) == [
        "assistance_basic", "assistance_homeless", "co_ventilation", "cold_supplies", "house_dangerous"]
    assert sorted(Hazard.objects.filter(household=world["h3"]).values_list("rule", flat=True)) == ["no_heating", "wiring"]
    village = next(v for v in selectors.coverage(world["round"], VILLAGE).villages if v.code == VILLAGE)
    assert (village.units, village.surveyed, village.persons_covered, village.complete) == (3, 3, 6, True)
    assert Event.objects.filter(action="survey_response.submit").count() == 3


def test_importing_again_updates_the_same_sheets(world):
    make_response(world["round"], household=world["h1"], answers=GOOD_P6)
    first = survey_import(actor=world["clerk"], round_=world["round"], file_name="a.xlsx", content=good_file(world))
    assert (first.created, first.updated) == (2, 1)
    again = survey_import(actor=world["clerk"], round_=world["round"], file_name="a.xlsx", content=good_file(world))
    assert (again.created, again.updated, again.hazards) == (0, 3, 0)  # each problem is listed once per sheet
    assert SurveyResponse.objects.count() == 3 and Hazard.objects.count() == 7


def test_bad_file_writes_nothing_and_lists_every_error(world):
    ids = world["ids"]
    round_ = make_round(VILLAGE, name="金钟摸排")
    unknown = id_number()
    broken = ids["h1"][:-1] + ("0" if ids["h1"][-1] != "0" else "1")
    content = xlsx_bytes(sheet_rows(
        [1, *data_row("张一", broken)[1:]],                                                   # row 4
        [2, *data_row("某人", unknown)[1:]],                                                  # row 5
        [3, *data_row("钱五", ids["nanjie"])[1:]],                                            # row 6
        [4, *data_row("赵四", ids["h4"])[1:]],                                                # row 7
        [5, *data_row("李二", ids["h2"], **{"取暖方式": "地暖", "用电安全": "可能"})[1:]],      # row 8
        [6, *data_row("李二", ids["h2"])[1:]],                                                # row 9
        [7, *data_row("", "", "JZ-99")[1:]],                                                 # row 10
        [8, *data_row("王三", "", "JZ-03", **{"见到人数": 5, "走访时间": "昨天"})[1:]],          # row 11
        [9, *data_row("张一", ids["h1"], **{"住房状况": ""})[1:]],                             # row 12
        [10, *data_row("张三丰", "", "JZ-02")[1:]],                                           # row 13
        [11, *data_row("", "", "", **{"备注": "漏填户主"})[1:]],                               # row 14
    ))
    outcome = survey_import(actor=world["township"], round_=round_, file_name="有错.xlsx", content=content)
    assert [(e.row, e.column, e.message) for e in outcome.errors] == [
        (4, "户主身份证号", outcome.errors[0].message),
        (5, "户主身份证号", "台账中没有这个身份证号码，或该户不在您可以摸排的范围内"),
        (6, "户主身份证号", "台账中没有这个身份证号码，或该户不在您可以摸排的范围内"),
        (7, "户主身份证号", "该家庭或场所不在本次摸排范围内。"),
        (8, "取暖方式", "不是可选项：地暖"),
        (8, "用电安全", "请填“是”或“否”"),
        (9, "户主身份证号", "与第 8 行是同一户（每户只能填一行）"),
        (10, "户编号", "金钟社区居民委员会没有户编号为“JZ-99”的家庭，或该户不在您可以摸排的范围内"),
        (11, "走访时间", "无法识别的时间“昨天”（请填 2026-11-05 或 2026-11-05 09:30）"),
        (11, "见到人数", "见到人数应在 0 到 1 之间（该户在册 1 人）。"),
        (12, "住房状况", "必填"),
        (13, "户主姓名", "户主姓名“张三丰”与台账中该户不一致，请核对身份证号或户编号"),
        (13, "户编号", "与第 8 行是同一户（每户只能填一行）"),
        (14, "户主身份证号", "请填写户主身份证号或户编号"),
    ]
    assert outcome.errors[0].message.startswith("身份证号校验位错误")
    assert str(outcome.errors[4]) == "第 8 行 取暖方式：不是可选项：地暖"
    assert outcome.summary() == "文件有 14 处错误，未导入任何内容。"
    assert SurveyResponse.objects.count() == 0 and Hazard.objects.count() == 0
    assert not Event.objects.filter(action__startswith="survey_response").exists()


def test_header_problems_are_reported_before_any_row(world):
    without_housing = [h for h in HEADER if h not in ("住房状况", "户主身份证号", "户编号")] + ["取暖方式"]
    outcome = survey_import(actor=world["clerk"], round_=world["round"], file_name="x.xlsx",
                            content=xlsx_bytes([["标题"], without_housing, ["东关街道", "金钟社区", "张一"]]))
    assert [(e.row, e.column, e.message) for e in outcome.errors] == [
        (2, "取暖方式", "“取暖方式”列出现了两次"),
        (2, "", "缺少“户主身份证号”或“户编号”列：至少要有一列用来找到台账中的家庭"),
        (2, "住房状况", "缺少“住房状况”列"),
    ]
    no_header = survey_import(actor=world["clerk"], round_=world["round"], file_name="x.xlsx", content=xlsx_bytes([["随便写的"], ["a", "b"]]))
    assert [str(e) for e in no_header.errors] == [
        "文件：找不到表头行：前 30 行中没有一行含有摸底表的列名（如 户主姓名、户主身份证号 和各题目的列名）"]
    only_header = survey_import(actor=world["clerk"], round_=world["round"], file_name="x.xlsx", content=xlsx_bytes([HEADER]))
    assert [str(e) for e in only_header.errors] == ["文件：表头下面没有数据"]
    wrong_type = survey_import(actor=world["clerk"], round_=world["round"], file_name="x.txt", content=b"hello")
    assert wrong_type.errors[0].message == "不支持的文件类型：x.txt（请上传 .csv 或 .xlsx）"
    assert SurveyResponse.objects.count() == 0


def test_closed_rounds_and_roles(world):
    SurveyRound.objects.filter(pk=world["round"].pk).update(status="closed")
    world["round"].refresh_from_db()
    closed = survey_import(actor=world["clerk"], round_=world["round"], file_name="a.xlsx", content=good_file(world))
    assert [str(e) for e in closed.errors] == ["文件：该摸排已结束，不能再提交。"]
    auditor = make_member(Role.AUDITOR, "520402000000", username="auditor")
    with pytest.raises(Forbidden):
        survey_import(actor=auditor, round_=make_round(TOWNSHIP), file_name="a.xlsx", content=good_file(world))
    assert SurveyResponse.objects.count() == 0


def test_csv_with_a_two_row_header(world):
    ids = world["ids"]
    top = ["乡镇", "村（社区）", "户主姓名", "户主身份证号", "防一氧化碳中毒", "", "住房安全", "温暖过冬", "", "饮水", "用电"]
    below = ["", "", "", "", "防煤气中毒宣传", "通风烟道", "住房状况", "取暖方式", "御寒物资充足", "饮水正常", "用电安全"]
    line = ["东关街道", "金钟社区", "张一", f"{ids['h1']}", "是", "是", "安全", "燃气", "是", "是", "是"]
    text = "\n".join(",".join(cells) for cells in (["摸底表"], top, below, line))
    outcome = survey_import(actor=world["clerk"], round_=world["round"], file_name="摸底表.csv", content=text.encode("gb18030"))
    assert outcome.errors == [] and outcome.created == 1
    assert SurveyResponse.objects.get().answers["heating_method"] == "gas"


def test_blank_sheet_has_the_title_and_the_headers_and_round_trips(world):
    book = load_workbook(io.BytesIO(blank_sheet_xlsx(world["round"])))
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "冬季入户走访摸底表"
    headers = [c.value for c in sheet[3]]
    assert headers == blank_headers(world["round"])
    assert headers[:5] == ["乡镇", "村（社区）", "户编号", "户主姓名", "户主身份证号"] and headers[-2:] == ["见到人数", "走访时间"]
    assert "住房状况" in headers and "现场照片" not in headers  # photos cannot be typed into a cell
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    housing = f"{chr(ord('A') + headers.index('住房状况'))}4"
    assert lists[housing] == '"安全,老旧,危房,漏雨漏风"'
    # A clerk fills two households into the blank sheet and uploads it.
    at = {h: i + 1 for i, h in enumerate(headers)}
    for row, (home, seen) in enumerate([("h1", 2), ("h3", 1)], start=4):
        values = {"村（社区）": "金钟社区", "户主身份证号": world["ids"][home], "防煤气中毒宣传": "是", "通风烟道": "是", "住房状况": "安全",
                  "取暖方式": "集中供暖", "御寒物资充足": "是", "饮水正常": "是", "用电安全": "是", "见到人数": seen}
        for header, value in values.items():
            sheet.cell(row=row, column=at[header], value=value)
    out = io.BytesIO()
    book.save(out)
    outcome = survey_import(actor=world["clerk"], round_=world["round"], file_name="填好的.xlsx", content=out.getvalue())
    assert outcome.errors == [] and (outcome.created, outcome.hazards) == (2, 0)
    assert sorted(SurveyResponse.objects.values_list("household__number", "persons_covered")) == [("JZ-01", 2), ("JZ-03", 1)]
