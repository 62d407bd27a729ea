"""The 问题清单 xlsx: its layout, its rows (with the list's filters and the user's scope), and safe cells."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.hazards.conftest import TOWNSHIP, client_for
from tests.registry.factories import VILLAGE, make_household
from tests.surveys.factories import make_hazard, make_premises
from warmwinter.audit.models import Event

pytestmark = pytest.mark.django_db

HEADER = ["序号", "乡镇", "村（社区）", "对象", "问题类别", "问题描述", "严重程度", "发现途径", "发现时间", "责任单位", "责任人", "整改期限", "状态", "销号时间"]


def sheet_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content)).active


def at(day: int, hour: int) -> datetime:
    return timezone.make_aware(datetime(2026, 11, day, hour, 30))


def test_export_layout_rows_and_filters(people):
    home = make_household(VILLAGE, members=["赵老汉"], number="JZ-07")
    shop = make_premises(TOWNSHIP, name="东关加油站", kind="gas_station")
    make_hazard(household=home, title="=HYPERLINK(\"http://x\")", category="co_risk", severity="major", source="survey",
                found_at=at(3, 9), deadline=datetime(2026, 11, 6).date(), responsible_unit="金钟社区", responsible_person="杨村干",
                state="rectifying")
    make_hazard(premises=shop, title="灭火器过期", category="fire_equipment", source="inspection", found_at=at(4, 15),
                deadline=datetime(2026, 11, 11).date(), state="closed", closed_at=at(10, 16))
    make_hazard("520402001001", title="南街的问题")

    client = client_for(people.township)
    sheet = sheet_of(client.get("/hazards/export.xlsx"))
    assert sheet["A1"].value == "东关街道问题清单"
    assert sheet["A2"].value.startswith("填报单位：东关街道")
    assert [c.value for c in sheet[3]] == HEADER
    assert sheet.freeze_panes == "A4"
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert rows == [
        [1, "东关街道", None, "东关加油站", "消防设施缺失损坏", "灭火器过期", "一般", "场所检查", "2026-11-04 15:30", None, None,
         "2026-11-11", "已销号", "2026-11-10 16:30"],
        [2, "东关街道", "金钟社区居民委员会", "赵老汉户 JZ-07", "一氧化碳中毒/窒息风险", "'=HYPERLINK(\"http://x\")", "重大", "摸排",
         "2026-11-03 09:30", "金钟社区", "杨村干", "2026-11-06", "整改中", None],
    ]
    event = Event.objects.get(action="hazard.export")
    assert (event.actor, event.region_code, event.changes["rows"]) == (people.township, TOWNSHIP, [None, 2])

    only_open = sheet_of(client.get("/hazards/export.xlsx?open=1&region=520402005001"))
    assert only_open["A1"].value == "金钟社区居民委员会问题清单"
    assert [row[5].value for row in only_open.iter_rows(min_row=4)] == ["'=HYPERLINK(\"http://x\")"]
    assert list(sheet_of(client.get("/hazards/export.xlsx?state=warned")).iter_rows(min_row=4)) == []


def test_export_outside_scope_is_404(people):
    make_hazard(VILLAGE)
    assert client_for(people.nanjie).get(f"/hazards/export.xlsx?region={VILLAGE}").status_code == 404
    assert client_for(people.charity).get("/hazards/export.xlsx").status_code == 404
    assert not Event.objects.filter(action="hazard.export").exists()


def test_the_list_page_links_to_the_export_with_its_filters(people):
    make_hazard(VILLAGE, deadline=timezone.localdate() - timedelta(days=1), found_at=timezone.now() - timedelta(days=5))
    page = client_for(people.clerk).get("/hazards/?overdue=1&severity=general").content.decode()
    assert 'href="/hazards/export.xlsx?overdue=1&amp;severity=general"' in page
