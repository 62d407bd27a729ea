"""The survey statistical table (摸排统计表) as xlsx: /surveys/<round_id>/export.xlsx, cells hand-checked.

A county round over 西秀区:

    东关街道  金钟 h1 2 alive, covered 2, leaflet+education, on time     hazards: closed on time, closed late
                   h2 3 alive (+1 dead), covered 1, leaflet, late          hazards: open past deadline (major)
                   h3 1 alive, not surveyed (J003 赵六)
              东关 h4 2 alive, covered 2, nothing handed over, on time    hazards: open, not yet due
    南街街道  塔东 h5 1 alive, h6 2 alive: not surveyed
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import make_member
from tests.registry.factories import NANJIE_VILLAGE, OTHER_VILLAGE, VILLAGE, make_household
from tests.surveys.factories import COUNTY, TOWNSHIP, make_hazard, make_premises, make_response, make_round
from warmwinter.audit.models import Event
from warmwinter.surveys.models import SurveyTemplate

pytestmark = pytest.mark.django_db

NANJIE = "520402001000"
TABLE_HEADER = ["户数", "已摸排户数", "摸排覆盖率", "人数", "覆盖人数", "人员覆盖率", "按时", "逾期", "明白纸发放率", "面对面教育率",
                "发现问题", "已销号", "整改率", "按期销号率", "逾期未改"]


@pytest.fixture
def round_(tree):
    today = timezone.localdate()
    round_ = make_round(COUNTY, name="冬季取暖摸排", starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 8),
                        report_deadline=timezone.make_aware(datetime(2026, 11, 8, 12, 0)))
    h1 = make_household(VILLAGE, members=["张一", "张二"], number="J001")
    h2 = make_household(VILLAGE, members=["李一", "李二", "李三", {"name": "李四", "alive": False}], number="J002")
    make_household(VILLAGE, members=["赵六"], number="J003", address="金钟1组3号", phone="13800000003")
    h4 = make_household(OTHER_VILLAGE, members=["周一", "周二"], number="D001")
    make_household(NANJIE_VILLAGE, members=["钱七"], number="T001")
    make_household(NANJIE_VILLAGE, members=["孙八", "孙九"], number="T002")
    make_household(VILLAGE, members=["吴一"], number="J009", status="moved")
    r1 = make_response(round_, h1, persons_covered=2, leaflet_given=True, education_given=True)
    r2 = make_response(round_, h2, persons_covered=1, leaflet_given=True, education_given=False, late=True)
    r4 = make_response(round_, h4, persons_covered=2, leaflet_given=False, education_given=False)
    now = timezone.now()
    make_hazard(household=h1, response=r1, rule="a", state="closed", deadline=today + timedelta(days=3), closed_at=now)
    make_hazard(household=h1, response=r1, rule="b", state="closed", deadline=today - timedelta(days=5), closed_at=now)
    make_hazard(household=h2, response=r2, rule="c", state="rectifying", severity="major", deadline=today - timedelta(days=1))
    make_hazard(household=h4, response=r4, rule="d", state="identified", deadline=today + timedelta(days=7))
    return round_


def download(role: str, code: str, round_id: int, query: str = "") -> tuple:
    client = Client()
    user = make_member(role, code)
    client.force_login(user)
    response = client.get(f"/surveys/{round_id}/export.xlsx{query}")
    return response, user


def workbook(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def values(sheet, row: int) -> list:
    return [c.value for c in sheet[row]]


def approx_row(row: list) -> list:
    return [pytest.approx(v, abs=5e-4) if isinstance(v, float) else v for v in row]


# --- sheet 1: the statistical table ---------------------------------------------------------------


def test_county_table_has_title_window_headers_townships_and_total(round_):
    response, _user = download("county_officer", COUNTY, round_.pk)
    assert "attachment" in response["Content-Disposition"]
    book = workbook(response)
    assert book.sheetnames == ["统计表", "各村（社区）情况", "未摸排家庭"]
    sheet = book["统计表"]
    assert sheet["A1"].value == "西秀区 冬季取暖摸排统计表"
    assert re.fullmatch(r"摸排时间：2026-11-01 至 2026-11-08　报送截止：2026-11-08 12:00　截至 \d{4}-\d{2}-\d{2} \d{2}:\d{2}",
                        sheet["A2"].value)
    assert f"截至 {timezone.localtime():%Y-%m-%d}" in sheet["A2"].value
    assert values(sheet, 3)[:3] == ["序号", "单位", "家庭摸排"]
    assert [sheet[c].value for c in ("F3", "I3", "K3", "M3")] == ["人员覆盖", "按时/逾期", "宣传教育", "问题整改"]
    assert values(sheet, 4)[2:] == TABLE_HEADER
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:Q1", "A2:Q2", "A3:A4", "B3:B4", "C3:E3", "F3:H3", "I3:J3", "K3:L3", "M3:Q3"} <= merged
    assert values(sheet, 5) == approx_row([1, "南街街道", 2, 0, 0.0, 3, 0, 0.0, 0, 0, 0.0, 0.0, 0, 0, "—", "—", 0])
    assert values(sheet, 6) == approx_row([2, "东关街道", 4, 3, 0.75, 8, 5, 0.625, 2, 1, 0.5, 0.25, 4, 2, 0.5, 0.5, 1])
    assert values(sheet, 7) == approx_row([None, "合计", 6, 3, 0.5, 11, 5, 0.455, 2, 1, 0.333, 0.167, 4, 2, 0.5, 0.5, 1])
    assert sheet.max_row == 7
    assert sheet["E6"].number_format == "0.0%"
    assert sheet.freeze_panes == "C5"  # header rows and unit names stay in view


def test_township_officer_gets_the_villages_of_the_township(round_):
    book = workbook(download("township_officer", TOWNSHIP, round_.pk)[0])
    sheet = book["统计表"]
    assert sheet["A1"].value == "东关街道 冬季取暖摸排统计表"
    assert values(sheet, 5) == approx_row([1, "金钟社区居民委员会", 3, 2, 0.667, 6, 3, 0.5, 1, 1, 0.667, 0.333, 3, 2, 0.667, 0.5, 1])
    assert values(sheet, 6) == approx_row([2, "东关社区居民委员会", 1, 1, 1.0, 2, 2, 1.0, 1, 0, 0.0, 0.0, 1, 0, 0.0, "—", 0])
    assert values(sheet, 7) == approx_row([None, "合计", 4, 3, 0.75, 8, 5, 0.625, 2, 1, 0.5, 0.25, 4, 2, 0.5, 0.5, 1])
    assert sheet.max_row == 7


def test_county_officer_may_ask_for_one_township(round_):
    sheet = workbook(download("county_officer", COUNTY, round_.pk, f"?region={NANJIE}")[0])["统计表"]
    assert sheet["A1"].value == "南街街道 冬季取暖摸排统计表"
    assert [values(sheet, r)[:4] for r in (5, 6)] == [[1, "塔东社区居民委员会", 2, 0], [None, "合计", 2, 0]]


def test_village_clerk_gets_the_own_village(round_):
    sheet = workbook(download("village_clerk", VILLAGE, round_.pk)[0])["统计表"]
    assert sheet["A1"].value == "金钟社区居民委员会 冬季取暖摸排统计表"
    assert [values(sheet, r)[:5] for r in (5, 6)] == [[1, "金钟社区居民委员会", 3, 2, pytest.approx(0.667, abs=5e-4)],
                                                     [None, "合计", 3, 2, pytest.approx(0.667, abs=5e-4)]]


# --- sheets 2 and 3 -------------------------------------------------------------------------------


def test_village_sheet_lists_every_village_with_township(round_):
    sheet = workbook(download("county_officer", COUNTY, round_.pk)[0])["各村（社区）情况"]
    assert sheet["A1"].value == "西秀区 各村（社区）摸排情况"
    assert values(sheet, 3) == ["序号", "乡镇（街道）", "村（社区）", "户数", "已摸排户数", "摸排覆盖率", "人数", "覆盖人数", "人员覆盖率",
                                "按时", "逾期", "明白纸发放率", "面对面教育率", "发现问题", "已销号", "逾期未改", "是否全覆盖"]
    assert values(sheet, 4) == approx_row([1, "南街街道", "塔东社区居民委员会", 2, 0, 0.0, 3, 0, 0.0, 0, 0, 0.0, 0.0, 0, 0, 0, "否"])
    assert values(sheet, 5) == approx_row([2, "东关街道", "金钟社区居民委员会", 3, 2, 0.667, 6, 3, 0.5, 1, 1, 0.667, 0.333, 3, 2, 1, "否"])
    assert values(sheet, 6) == approx_row([3, "东关街道", "东关社区居民委员会", 1, 1, 1.0, 2, 2, 1.0, 1, 0, 0.0, 0.0, 1, 0, 0, "是"])
    assert sheet.max_row == 6


def test_missing_sheet_lists_households_not_yet_surveyed(round_):
    sheet = workbook(download("county_officer", COUNTY, round_.pk)[0])["未摸排家庭"]
    assert sheet["A1"].value == "西秀区 未摸排家庭名单"
    assert values(sheet, 3) == ["序号", "乡镇（街道）", "村（社区）", "户编号", "户主", "在册人数", "家庭住址", "联系电话"]
    assert [values(sheet, r)[:6] for r in range(4, sheet.max_row + 1)] == [
        [1, "南街街道", "塔东社区居民委员会", "T001", "钱七", 1],
        [2, "南街街道", "塔东社区居民委员会", "T002", "孙八", 2],
        [3, "东关街道", "金钟社区居民委员会", "J003", "赵六", 1],
    ]
    assert values(sheet, 6)[6:] == ["金钟1组3号", "13800000003"]


def test_premises_round_lists_premises_not_yet_inspected(tree):
    SurveyTemplate.objects.create(code="test-premises", name="场所检查", name_en="Premises check", subject="premises",
                                  questions=[{"key": "exits_clear", "type": "yesno", "label": "疏散通道畅通"}])
    round_ = make_round(TOWNSHIP, template_code="test-premises", name="节前消防检查")
    shop = make_premises(VILLAGE, "金钟超市")
    make_premises(VILLAGE, "金钟小学", kind="school", contact_name="校长")
    make_premises(VILLAGE, "旧市场", active=False)
    make_response(round_, premises=shop, answers={"exits_clear": True})
    book = workbook(download("township_officer", TOWNSHIP, round_.pk)[0])
    assert book.sheetnames == ["统计表", "各村（社区）情况", "未检查场所"]
    sheet = book["统计表"]
    assert [sheet["C3"].value] + values(sheet, 4)[2:5] == ["场所检查", "场所数", "已检查场所数", "检查覆盖率"]
    assert values(sheet, 5)[:5] == [1, "金钟社区居民委员会", 2, 1, 0.5]
    missing = book["未检查场所"]
    assert values(missing, 4)[:6] == [1, "东关街道", "金钟社区居民委员会", "金钟小学", "学校", "校长"]
    assert missing.max_row == 4


# --- access and audit -----------------------------------------------------------------------------


def test_export_is_audited(round_):
    _response, user = download("township_officer", TOWNSHIP, round_.pk)
    event = Event.objects.get(action="survey.export")
    assert (event.actor_id, event.role, event.region_code, event.object_id) == (user.pk, "township_officer", TOWNSHIP, str(round_.pk))
    assert event.changes["households"] == [None, 4]


def test_round_outside_scope_is_404(round_):
    other = make_round("520403000000", name="平坝摸排")
    assert download("county_officer", COUNTY, other.pk)[0].status_code == 404
    assert download("township_officer", TOWNSHIP, round_.pk, "?region=520402001000")[0].status_code == 404
    assert not Event.objects.filter(action="survey.export").exists()


def test_role_that_sees_rounds_but_may_not_export_gets_403(round_):
    assert download("helper", VILLAGE, round_.pk)[0].status_code == 403
    assert not Event.objects.filter(action="survey.export").exists()


def test_only_get(round_):
    client = Client()
    client.force_login(make_member("township_officer", TOWNSHIP))
    assert client.post(f"/surveys/{round_.pk}/export.xlsx").status_code == 405
