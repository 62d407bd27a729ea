"""The compliance workbook /care/<campaign_id>/compliance.xlsx: every sheet's cells for the hand-counted week
(tests/care/compliance_world.py), the audit event, and who may download it."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests.care.compliance_world import MONDAY, TOWNSHIP, WEEK, build_week
from tests.care.factories import at_local, make_alert
from tests.factories import make_member
from tests.registry.factories import OTHER_VILLAGE, VILLAGE
from warmwinter.accounts.roles import Role
from warmwinter.audit.models import Event
from warmwinter.care.models import VisitDuty

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree):
    return build_week()


def download(role: str, code: str, campaign_id: int, query: str = ""):
    client = Client()
    client.force_login(make_member(role, code, username=f"{role}-{code}"))
    return client.get(f"/care/{campaign_id}/compliance.xlsx{query}")


def rows(sheet, first: int = 3) -> list[list]:
    """The header row and the rows under it, cells as values."""
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=first)]


def test_every_sheet_for_the_township(world):
    alert = make_alert([TOWNSHIP], onset=at_local(MONDAY + timedelta(days=1), 8))
    VisitDuty.objects.create(alert=alert, campaign=world.campaign, household=world.b.household, region_id=VILLAGE, issued_at=alert.onset,
                             due_by=alert.onset + timedelta(hours=24), status="done")
    response = download(Role.TOWNSHIP_OFFICER, TOWNSHIP, world.campaign.pk, f"?week={WEEK}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "2026-W47.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["汇总", "各村", "帮扶责任人", "未落实帮扶人", "各户达标情况"]

    summary = book["汇总"]
    assert summary["A1"].value == "东关街道 东关帮扶联系联系达标情况（2026-W47）"
    assert summary["A2"].value.startswith("统计周：2026-11-16 至 2026-11-22")
    assert rows(summary) == [
        ["序号", "区划", "名册户数", "达标户数", "未达标户数", "达标率", "未落实帮扶人户数"],
        [1, "金钟社区居民委员会", 2, 1, 1, 0.5, 0],
        [2, "东关社区居民委员会", 2, 0, 2, 0.0, 1],
        [None, "合计", 4, 1, 3, 0.25, 1],
    ]
    assert summary["F6"].number_format == "0.0%"
    assert rows(book["各村"])[1:] == [[1, "东关街道", "金钟社区居民委员会", 2, 1, 1, 0.5, 0],
                                      [2, "东关街道", "东关社区居民委员会", 2, 0, 2, 0.0, 1]]
    assert rows(book["帮扶责任人"]) == [["序号", "村（社区）", "帮扶责任人", "联系户数", "达标户数", "达标率"],
                                        [1, "金钟社区居民委员会", "王书记", 2, 1, 0.5],
                                        [2, "东关社区居民委员会", "李委员", 1, 0, 0.0]]
    unhelped = rows(book["未落实帮扶人"])
    assert unhelped[0] == ["序号", "村（社区）", "户编号", "户主", "人员类别", "家庭住址", "联系电话"]
    assert unhelped[1][:4] == [1, "东关社区居民委员会", world.d.household.number, "丁四"] and unhelped[1][5] == "丁四家"
    assert len(unhelped) == 2
    assert rows(book["各户达标情况"]) == [
        ["序号", "户主", "村", "帮扶责任人", "本周联系次数", "应联系次数", "每日联系天数", "预警走访", "是否达标"],
        [1, "甲一", "金钟社区居民委员会", "王书记", 3, 3, "—", None, "是"],
        [2, "乙二", "金钟社区居民委员会", "王书记", 2, 3, "—", "已走访", "否"],
        [3, "丙三", "东关社区居民委员会", "李委员", 6, 3, "6/7", None, "否"],
        [4, "丁四", "东关社区居民委员会", None, 3, 3, "—", None, "否"],
    ]
    event = Event.objects.get(action="care.export")
    assert (event.region_code, event.changes["week"], event.changes["households"], event.changes["compliant"]) == (
        TOWNSHIP, [None, WEEK], [None, 4], [None, 1])


def test_village_clerk_gets_the_own_village(world):
    response = download(Role.VILLAGE_CLERK, OTHER_VILLAGE, world.campaign.pk, f"?week={WEEK}")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert rows(book["汇总"])[1:] == [[1, "东关社区居民委员会", 2, 0, 2, 0.0, 1], [None, "合计", 2, 0, 2, 0.0, 1]]
    assert [r[1] for r in rows(book["各户达标情况"])[1:]] == ["丙三", "丁四"]


def test_who_may_download(world):
    assert download(Role.TOWNSHIP_OFFICER, "520402001000", world.campaign.pk).status_code == 404
    assert download(Role.VILLAGE_CLERK, VILLAGE, world.campaign.pk, f"?region={OTHER_VILLAGE}").status_code == 404
    assert download(Role.HELPER, VILLAGE, world.campaign.pk).status_code == 403  # sees the campaign, may not export
    client = Client()
    client.force_login(make_member(Role.TOWNSHIP_OFFICER, TOWNSHIP, username="poster"))
    assert client.post(f"/care/{world.campaign.pk}/compliance.xlsx").status_code == 405
    assert not Event.objects.filter(action="care.export").exists()
