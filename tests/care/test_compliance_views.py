"""The compliance page /care/<campaign_id>/compliance/: the hand-counted week (tests/care/compliance_world.py)
as a township officer and a village clerk see it, the week picker, the chart data, and scope."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.care.compliance_world import MONDAY, TOWNSHIP, WEEK, build_week
from tests.care.factories import at_local, make_contact
from tests.factories import make_member
from tests.registry.factories import OTHER_VILLAGE, VILLAGE
from tests.surveys.html import text_of
from warmwinter.accounts.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree):
    return build_week()


def page(role: str, code: str, campaign_id: int, query: str = "", username: str | None = None):
    client = Client()
    client.force_login(make_member(role, code, username=username or f"{role}-{code}"))
    return client.get(f"/care/{campaign_id}/compliance/{query}")


def test_township_officer_sees_the_hand_counted_week(world):
    response = page(Role.TOWNSHIP_OFFICER, TOWNSHIP, world.campaign.pk, f"?week={WEEK}")
    assert response.status_code == 200
    html = response.content.decode()
    assert text_of(html, "card-households") == "名册户数 4"
    assert text_of(html, "card-compliant") == "达标户数 1"
    assert text_of(html, "card-rate") == "达标率 25.0%"
    assert text_of(html, "card-without-helper") == "未落实帮扶人 1"
    assert "2026-W47（11-16 — 11-22）" in text_of(html, "week-facts")
    assert text_of(html, f"villages-{VILLAGE}").startswith("金钟社区居民委员会 名册 1 / 2 50.0% 0")
    assert text_of(html, f"villages-{OTHER_VILLAGE}").startswith("东关社区居民委员会 名册 0 / 2 0.0% 1")
    assert text_of(html, f"helper-{world.wang.pk}") == "王书记 金钟社区居民委员会 1 / 2 50.0%"
    assert text_of(html, f"helper-{world.li.pk}") == "李委员 东关社区居民委员会 0 / 1 0.0%"
    assert text_of(html, f"unhelped-{world.d.pk}").startswith("丁四 东关社区居民委员会 丁四家")
    assert f'href="/care/{world.campaign.pk}/villages/{OTHER_VILLAGE}/"' in html
    # The week picker: the weeks either side of W47, keeping the region.
    assert f'href="?region={TOWNSHIP}&amp;week=2026-W46"' in html and f'href="?region={TOWNSHIP}&amp;week=2026-W48"' in html
    assert f'/care/{world.campaign.pk}/compliance.xlsx?region={TOWNSHIP}&amp;week={WEEK}' in html


def test_chart_has_the_last_four_weeks_of_the_campaign(world):
    # One contact in W48 is not enough for A: every bar of W48 is 0.
    make_contact(world.a.household, world.campaign, at=at_local(MONDAY + timedelta(days=7)))
    html = page(Role.TOWNSHIP_OFFICER, TOWNSHIP, world.campaign.pk, "?week=2026-W48").content.decode()
    data = json.loads(re.search(r'<script id="compliance-data" type="application/json">(.*?)</script>', html, re.S)[1])
    # The campaign starts in W47: W45 and W46 owe nothing and are left out.
    assert data["names"] == ["金钟社区", "东关社区"]
    assert data["series"] == [{"name": "2026-W47", "data": [50.0, 0.0]}, {"name": "2026-W48", "data": [0.0, 0.0]}]
    assert "vendor/echarts/echarts.min.js" in html and 'id="compliance-chart"' in html


def test_village_clerk_sees_the_own_village_and_no_other(world):
    response = page(Role.VILLAGE_CLERK, VILLAGE, world.campaign.pk, f"?week={WEEK}")
    html = response.content.decode()
    assert text_of(html, "card-households") == "名册户数 2"
    assert text_of(html, "card-rate") == "达标率 50.0%"
    assert 'id="villages"' not in html and "丁四" not in html and "东关社区居民委员会" not in html
    assert text_of(html, "all-helped") == "每户都已落实帮扶责任人。"
    assert page(Role.VILLAGE_CLERK, VILLAGE, world.campaign.pk, f"?region={OTHER_VILLAGE}", username="clerk2").status_code == 404
    assert page(Role.VILLAGE_CLERK, VILLAGE, world.campaign.pk, "?region=abc", username="clerk3").status_code == 404


def test_current_week_by_default_and_a_bad_week_is_said(world, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: timezone.make_aware(datetime(2026, 11, 25, 9, 0)))
    html = page(Role.TOWNSHIP_OFFICER, TOWNSHIP, world.campaign.pk).content.decode()
    assert "2026-W48" in text_of(html, "week-facts")
    assert text_of(html, "card-due-today") == "今日应联系 1"
    assert 'id="week-current"' not in html
    bad = page(Role.TOWNSHIP_OFFICER, TOWNSHIP, world.campaign.pk, "?week=48", username="t2").content.decode()
    assert "周次格式应为 YYYY-Www，例如 2026-W52。" in bad and "2026-W48" in text_of(bad, "week-facts")
    before = page(Role.TOWNSHIP_OFFICER, TOWNSHIP, world.campaign.pk, "?week=2026-W40", username="t3").content.decode()
    assert text_of(before, "outside-period") == "本周不在联系期内，没有应联系的次数。"
    assert 'id="week-current"' in before


def test_scope_and_export_link(world):
    assert page(Role.TOWNSHIP_OFFICER, "520402001000", world.campaign.pk).status_code == 404
    assert page(Role.WAREHOUSE_KEEPER, TOWNSHIP, world.campaign.pk).status_code == 404
    helper_page = page(Role.HELPER, VILLAGE, world.campaign.pk, f"?week={WEEK}").content.decode()
    assert text_of(helper_page, "card-households") == "名册户数 2" and 'id="export-link"' not in helper_page
    county = page(Role.COUNTY_OFFICER, "520402000000", world.campaign.pk, f"?region=520402&week={WEEK}").content.decode()
    assert text_of(county, "card-households") == "名册户数 4"  # above the campaign: the campaign's own region
