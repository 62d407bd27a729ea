"""`warmwinter care campaigns | roster-build | compliance | export`: output and exit codes, against the
hand-counted week of tests/care/compliance_world.py."""

from __future__ import annotations

import io
import json
from datetime import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook

from tests.care.compliance_world import TOWNSHIP, WEEK, build_week
from tests.care.factories import make_campaign
from tests.factories import make_member
from tests.registry.factories import OTHER_VILLAGE, VILLAGE, make_household
from warmwinter.accounts.roles import Role
from warmwinter.audit.models import Event
from warmwinter.care import services

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[int, str, str]:
    """The command as `warmwinter care ...` runs it, with the exit status BaseCommand.run_from_argv would give."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("care", *map(str, args), stdout=out, stderr=err)
        code = 0
    except CommandError as error:
        code = error.returncode
        err.write(str(error) + "\n")
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def world(tree):
    return build_week()


def test_campaigns(world):
    make_campaign("520402001000", name="南街帮扶", status="closed")
    make_member(Role.VILLAGE_CLERK, VILLAGE, username="clerk")
    code, out, _ = run("campaigns")
    assert code == 0 and {line.split("\t")[1] for line in out.splitlines()} == {"东关帮扶联系", "南街帮扶"}
    line = next(line for line in out.splitlines() if "东关帮扶联系" in line)
    assert line == f"{world.campaign.pk}\t东关帮扶联系\t东关街道\t2026-11-16~2027-02-28\t备案截止 2026-11-15\t进行中"
    assert [line.split("\t")[1] for line in run("campaigns", "--status", "closed")[1].splitlines()] == ["南街帮扶"]
    assert [line.split("\t")[1] for line in run("campaigns", "--region", VILLAGE)[1].splitlines()] == ["东关帮扶联系"]
    assert [line.split("\t")[1] for line in run("campaigns", "--user", "clerk")[1].splitlines()] == ["东关帮扶联系"]
    code, _, err = run("campaigns", "--user", "nobody")
    assert code == 1 and "用户不存在或已停用：nobody" in err
    assert run("campaigns", "--region", "99x")[0] == 1


def test_compliance_table_and_json(world, monkeypatch):
    # On Wednesday of the next week only C (daily rule) is due today.
    monkeypatch.setattr(timezone, "now", lambda: timezone.make_aware(datetime(2026, 11, 25, 9, 0)))
    code, out, _ = run("compliance", world.campaign.pk, "--week", WEEK)
    assert code == 0
    assert out.splitlines() == [
        "东关帮扶联系（东关街道）2026-W47 2026-11-16~2026-11-22",
        "区划\t名册户数\t达标户数\t达标率\t未落实帮扶人",
        "金钟社区居民委员会\t2\t1\t50.0%\t0",
        "东关社区居民委员会\t2\t0\t0.0%\t1",
        "合计\t4\t1\t25.0%\t1",
        "未落实帮扶人 1 户；今日应联系 1 户。",
    ]
    code, out, _ = run("compliance", world.campaign.pk, "--week", WEEK, "--json", "--region", OTHER_VILLAGE)
    figures = json.loads(out)
    assert code == 0 and figures["region"] == OTHER_VILLAGE
    assert (figures["total"]["households"], figures["total"]["compliant"], figures["without_helper"]["count"]) == (2, 0, 1)
    assert [h["head"] for h in figures["without_helper"]["households"]] == ["丁四"]
    make_member(Role.VILLAGE_CLERK, VILLAGE, username="clerk")
    code, out, _ = run("compliance", world.campaign.pk, "--week", WEEK, "--user", "clerk")
    assert code == 0 and out.splitlines()[-2] == "合计\t2\t1\t50.0%\t0"


def test_compliance_errors_exit_1(world):
    code, _, err = run("compliance", world.campaign.pk, "--week", "2026-48")
    assert code == 1 and "周次格式应为 YYYY-Www，例如 2026-W52。" in err
    code, _, err = run("compliance", 987654)
    assert code == 1 and "帮扶联系工作不存在（或不在该用户的范围内）：987654" in err
    code, _, err = run("compliance", world.campaign.pk, "--region", "520402001001")
    assert code == 1 and "区划不在该帮扶联系工作的范围内：520402001001" in err
    make_member(Role.TOWNSHIP_OFFICER, "520402001000", username="nanjie")
    assert run("compliance", world.campaign.pk, "--user", "nanjie")[0] == 1


def test_roster_build(tree):
    township = make_member(Role.TOWNSHIP_OFFICER, TOWNSHIP, username="township")
    make_member(Role.HELPER, VILLAGE, username="helper")
    campaign = services.campaign_create(actor=township, region_code=TOWNSHIP, name="东关帮扶")
    make_household(VILLAGE, members=[{"name": "甲", "categories": ["dibao"]}])
    make_household(OTHER_VILLAGE, members=[{"name": "乙", "categories": ["dibao"]}])
    code, out, _ = run("roster-build", campaign.pk, "--user", "township", "--region", VILLAGE)
    assert (code, out.strip()) == (0, "金钟社区居民委员会：名册新增 1 户。")
    code, out, _ = run("roster-build", campaign.pk, "--user", "township")
    assert (code, out.strip()) == (0, "东关街道：名册新增 1 户。")
    code, _, err = run("roster-build", campaign.pk, "--user", "helper")
    assert code == 1 and "您的角色无权进行此操作。" in err
    assert Event.objects.filter(action="roster.build").count() == 2


def test_export(world, tmp_path):
    make_member(Role.TOWNSHIP_OFFICER, TOWNSHIP, username="township")
    make_member(Role.HELPER, VILLAGE, username="helper")
    out_file = tmp_path / "达标.xlsx"
    code, out, _ = run("export", world.campaign.pk, out_file, "--week", WEEK, "--user", "township")
    assert (code, out.strip()) == (0, f"{out_file}（东关街道 {WEEK}）")
    book = load_workbook(out_file)
    assert [c.value for c in book["汇总"][6]] == [None, "合计", 4, 1, 3, 0.25, 1]
    assert Event.objects.filter(action="care.export").count() == 1
    code, _, err = run("export", world.campaign.pk, tmp_path / "h.xlsx", "--user", "helper")
    assert code == 1 and "您的角色无权进行此操作。" in err and not (tmp_path / "h.xlsx").exists()
    code, _, err = run("export", world.campaign.pk, tmp_path / "missing" / "x.xlsx", "--user", "township")
    assert code == 1 and "目录不存在" in err
