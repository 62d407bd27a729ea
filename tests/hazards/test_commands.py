"""`warmwinter hazards list|export|move`."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook

from tests.registry.factories import VILLAGE
from tests.surveys.factories import make_hazard
from warmwinter.audit.models import Event
from warmwinter.hazards.services import SAME_PERSON

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("hazards", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def hazards(people):
    today = timezone.localdate()
    return {
        "late": make_hazard(VILLAGE, title="逾期的", deadline=today - timedelta(days=2), found_at=timezone.now() - timedelta(days=9)),
        "fine": make_hazard(VILLAGE, title="未到期的", deadline=today + timedelta(days=2)),
        "closed": make_hazard(VILLAGE, title="已销号的", deadline=today - timedelta(days=2), state="closed",
                              found_at=timezone.now() - timedelta(days=9)),
        "nanjie": make_hazard("520402001001", title="南街的"),
    }


def test_list_as_json_with_filters(hazards):
    rows = json.loads(run("list", "--json"))
    assert len(rows) == 4  # the operator at the server: no scope
    rows = json.loads(run("list", "--overdue", "--json"))
    assert [(r["id"], r["title"], r["overdue"], r["region_name"]) for r in rows] == [(hazards["late"].pk, "逾期的", True, "金钟社区居民委员会")]
    assert {r["title"] for r in json.loads(run("list", "--region", "520402005", "--json"))} == {"逾期的", "未到期的", "已销号的"}
    assert [r["title"] for r in json.loads(run("list", "--state", "closed", "--json"))] == ["已销号的"]
    assert {r["title"] for r in json.loads(run("list", "--user", "nanjie", "--json"))} == {"南街的"}


def test_list_as_text(hazards):
    text = run("list", "--overdue")
    assert f"{hazards['late'].pk}\t已发现 逾期\t" in text and "逾期的" in text and text.rstrip().endswith("共 1 项")
    with pytest.raises(CommandError, match="状态不存在：lost"):
        run("list", "--state", "lost")


def test_export_writes_the_users_list(hazards, tmp_path):
    out = tmp_path / "问题清单.xlsx"
    assert run("export", str(out), "--user", "town", "--open").strip() == f"2 rows -> {out}"
    sheet = load_workbook(out).active
    assert sheet["A1"].value == "东关街道问题清单"
    assert sorted(row[5].value for row in sheet.iter_rows(min_row=4)) == ["未到期的", "逾期的"]
    with pytest.raises(CommandError, match="用户不存在或已停用：ghost"):
        run("export", str(out), "--user", "ghost")
    with pytest.raises(CommandError, match="未找到，或不在您的管辖范围内。"):
        run("export", str(out), "--user", "nanjie", "--region", VILLAGE)


def test_move_acts_as_the_user(hazards):
    hazard = hazards["fine"]
    assert run("move", str(hazard.pk), "start_rectification", "--user", "town").strip() == f"#{hazard.pk}: 已发现 → 整改中"
    assert run("move", str(hazard.pk), "rectify", "--user", "town", "--note", "已更换线路").strip() == f"#{hazard.pk}: 整改中 → 已整改"
    with pytest.raises(CommandError, match=str(SAME_PERSON)):
        run("move", str(hazard.pk), "verify", "--user", "town")
    with pytest.raises(CommandError, match="未找到"):
        run("move", str(hazard.pk), "verify", "--user", "nanjie")
    assert run("move", str(hazard.pk), "verify", "--user", "town2").strip().endswith("已整改 → 已核验")
    hazard.refresh_from_db()
    assert (hazard.state, hazard.verified_by.username) == ("verified", "town2")
    assert Event.objects.filter(action="hazard.verify", actor_name="town2").count() == 1
