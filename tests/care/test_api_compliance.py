"""GET /api/v1/compliance: a week's figures against hand counts (tests/care/compliance_world.py), the defaults
for campaign, region and week, and what each user may ask for."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.care.compliance_world import MONDAY, TOWNSHIP, WEEK, build_week
from tests.care.factories import at_local, make_alert, make_campaign
from tests.factories import make_member
from tests.registry.factories import OTHER_VILLAGE, VILLAGE
from warmwinter.accounts.roles import Role
from warmwinter.accounts.tokens import token_issue
from warmwinter.care.models import VisitDuty

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}")
    return client


@pytest.fixture
def world(tree):
    return build_week()


@pytest.fixture
def township(tree):
    return make_member(Role.TOWNSHIP_OFFICER, TOWNSHIP, username="township")


def test_week_figures_match_the_hand_count(world, township):
    response = api(township).get(f"/api/v1/compliance?region={TOWNSHIP}&week={WEEK}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["campaign"], body["region"], body["region_name"]) == (world.campaign.pk, TOWNSHIP, "东关街道")
    assert (body["week"], body["week_start"], body["week_end"], body["days"], body["days_over"]) == (WEEK, "2026-11-16", "2026-11-22", 7, 7)
    assert body["total"] == {"code": TOWNSHIP, "name": "东关街道", "households": 4, "compliant": 1, "not_compliant": 3,
                             "compliance_rate": 25.0, "without_helper": 1}
    villages = {v["code"]: (v["households"], v["compliant"], v["compliance_rate"], v["without_helper"]) for v in body["villages"]}
    assert villages == {VILLAGE: (2, 1, 50.0, 0), OTHER_VILLAGE: (2, 0, 0.0, 1)}
    assert [c["code"] for c in body["children"]] == [VILLAGE, OTHER_VILLAGE]
    helpers = {h["name"]: (h["village_name"], h["households"], h["compliant"], h["compliance_rate"]) for h in body["helpers"]}
    assert helpers == {"王书记": ("金钟社区居民委员会", 2, 1, 50.0), "李委员": ("东关社区居民委员会", 1, 0, 0.0)}
    assert body["without_helper"]["count"] == 1
    assert [(h["head"], h["village"], h["address"]) for h in body["without_helper"]["households"]] == [("丁四", OTHER_VILLAGE, "丁四家")]


def test_a_missed_warning_visit_makes_a_household_non_compliant(world, township):
    alert = make_alert([TOWNSHIP], onset=at_local(MONDAY + timedelta(days=1), 8), hours=48)
    VisitDuty.objects.create(alert=alert, campaign=world.campaign, household=world.a.household, region_id=VILLAGE,
                             issued_at=alert.onset, due_by=alert.onset + timedelta(hours=24), status="missed")
    body = api(township).get(f"/api/v1/compliance?region={TOWNSHIP}&week={WEEK}").json()
    assert (body["total"]["households"], body["total"]["compliant"]) == (4, 0)


def test_the_campaign_defaults_to_the_open_one_over_the_region(world, tree):
    clerk = make_member(Role.VILLAGE_CLERK, VILLAGE, username="clerk")
    body = api(clerk).get(f"/api/v1/compliance?region={VILLAGE[:12]}&week={WEEK}").json()
    assert (body["campaign"], body["region"]) == (world.campaign.pk, VILLAGE)
    assert (body["total"]["households"], body["total"]["compliant"], body["total"]["without_helper"]) == (2, 1, 0)
    assert body["children"] == [] and [v["code"] for v in body["villages"]] == [VILLAGE]
    assert [h["name"] for h in body["helpers"]] == ["王书记"]
    # With only the campaign, the region is the narrowest the clerk shares with it: the village.
    by_campaign = api(clerk).get(f"/api/v1/compliance?campaign={world.campaign.pk}&week={WEEK}").json()
    assert by_campaign["region"] == VILLAGE and by_campaign["total"]["households"] == 2


def test_no_or_several_open_campaigns_need_the_campaign_parameter(world, tree):
    county = make_member(Role.COUNTY_OFFICER, "520402000000", username="county")
    none = api(county).get(f"/api/v1/compliance?region=520402001000&week={WEEK}")
    assert none.status_code == 400
    assert none.json() == {"detail": "该区划没有进行中的帮扶联系工作，请用 campaign 参数指定。", "field": "campaign"}
    other = make_campaign("520402000000", name="全区帮扶", starts_on=MONDAY)
    several = api(county).get(f"/api/v1/compliance?region={TOWNSHIP}&week={WEEK}")
    assert several.status_code == 400
    assert several.json()["detail"] == f"该区划有多项进行中的帮扶联系工作（{world.campaign.pk}、{other.pk}），请用 campaign 参数指定。"
    chosen = api(county).get(f"/api/v1/compliance?region={TOWNSHIP}&week={WEEK}&campaign={world.campaign.pk}").json()
    assert chosen["total"]["households"] == 4
    # Asking for the county with the township's campaign shows the campaign's own region.
    wider = api(county).get(f"/api/v1/compliance?region=520402&week={WEEK}&campaign={world.campaign.pk}").json()
    assert wider["region"] == TOWNSHIP
    assert api(county).get("/api/v1/compliance").json()["field"] == "region"


def test_week_defaults_to_the_current_one_and_is_checked(world, township, monkeypatch):
    wednesday = timezone.make_aware(datetime(2026, 11, 25, 9, 0))
    monkeypatch.setattr(timezone, "now", lambda: wednesday)
    body = api(township).get(f"/api/v1/compliance?region={TOWNSHIP}").json()
    assert (body["week"], body["week_start"], body["days"], body["days_over"]) == ("2026-W48", "2026-11-23", 7, 2)
    assert body["total"]["compliant"] == 0
    # Wednesday: only C (daily rule, not yet asked today) is due; three weekly contacts still fit in Wed–Sun.
    assert body["due_today"] == 1
    monkeypatch.setattr(timezone, "now", lambda: wednesday + timedelta(days=2))  # Friday: 3 owed, 3 days left
    assert api(township).get(f"/api/v1/compliance?region={TOWNSHIP}").json()["due_today"] == 4
    bad = api(township).get(f"/api/v1/compliance?region={TOWNSHIP}&week=2026-48")
    assert bad.status_code == 400
    assert bad.json() == {"detail": "周次格式应为 YYYY-Www，例如 2026-W52。", "field": "week"}


def test_scope(world, tree):
    clerk = make_member(Role.VILLAGE_CLERK, VILLAGE, username="clerk")
    nanjie = make_member(Role.TOWNSHIP_OFFICER, "520402001000", username="nanjie")
    keeper = make_member(Role.WAREHOUSE_KEEPER, TOWNSHIP, username="keeper")
    assert api(clerk).get(f"/api/v1/compliance?region={OTHER_VILLAGE}&week={WEEK}").status_code == 404
    assert api(clerk).get(f"/api/v1/compliance?region={TOWNSHIP}&week={WEEK}").status_code == 404
    assert api(nanjie).get(f"/api/v1/compliance?campaign={world.campaign.pk}&week={WEEK}").status_code == 404
    assert api(nanjie).get(f"/api/v1/compliance?region={TOWNSHIP}&week={WEEK}").status_code == 404
    assert api(keeper).get(f"/api/v1/compliance?campaign={world.campaign.pk}&week={WEEK}").status_code == 404
