"""/api/v1/care-campaigns, the roster, helpers and pairing: what a township officer and a village clerk do."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from tests.care.factories import make_campaign, make_entry, make_helper, pair
from tests.factories import make_member
from tests.registry.factories import NANJIE_VILLAGE, OTHER_VILLAGE, VILLAGE, make_household
from warmwinter.accounts.roles import Role
from warmwinter.accounts.tokens import token_issue
from warmwinter.audit.models import Event
from warmwinter.care import services
from warmwinter.care.models import HelperAssignment, RosterEntry

pytestmark = pytest.mark.django_db
TOWNSHIP = "520402005000"


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}")
    return client


@pytest.fixture
def people(tree):
    return {
        "township": make_member(Role.TOWNSHIP_OFFICER, TOWNSHIP, username="township"),
        "clerk": make_member(Role.VILLAGE_CLERK, VILLAGE, username="clerk"),
        "nanjie": make_member(Role.TOWNSHIP_OFFICER, "520402001000", username="nanjie"),
        "helper": make_member(Role.HELPER, VILLAGE, username="helper_user"),
    }


def test_township_officer_starts_a_campaign_with_plan_6_defaults(people):
    response = api(people["township"]).post("/api/v1/care-campaigns", {"region": "520402005", "name": "东关冬季帮扶",
                                                                         "starts_on": "2026-12-21", "ends_on": "2027-02-28",
                                                                         "filing_deadline": "2026-12-20"}, format="json")
    assert response.status_code == 201, response.content
    made = response.json()
    assert (made["region"], made["region_name"], made["status"], made["roster_households"]) == (TOWNSHIP, "东关街道", "open", 0)
    assert (made["filing_deadline"], made["starts_on"], made["ends_on"]) == ("2026-12-20", "2026-12-21", "2027-02-28")
    rules = {(r["kind"], r["category"]): (r["count"], r["hours"]) for r in made["quota_rules"]}
    assert rules[("weekly", None)][0] == 3 and rules[("after_warning", None)][1] == 24 and ("daily", "severe_mental_disorder") in rules
    assert "dibao" in made["roster_categories"]
    assert api(people["clerk"]).get(f"/api/v1/care-campaigns/{made['id']}").json()["name"] == "东关冬季帮扶"
    assert Event.objects.filter(action="care_campaign.create").count() == 1


def test_campaign_create_errors(people):
    body = {"region": TOWNSHIP, "starts_on": "2027-01-10", "ends_on": "2027-01-01"}
    wrong = api(people["township"]).post("/api/v1/care-campaigns", body, format="json")
    assert (wrong.status_code, wrong.json()) == (400, {"detail": "联系结束日期不能早于开始日期。", "field": "ends_on"})
    unknown = api(people["township"]).post("/api/v1/care-campaigns", {"region": TOWNSHIP, "roster_categories": ["nope"]}, format="json")
    assert (unknown.status_code, unknown.json()["detail"]) == (400, "人员类别不存在：nope")
    assert api(people["clerk"]).post("/api/v1/care-campaigns", {"region": VILLAGE}, format="json").status_code == 403
    assert api(people["nanjie"]).post("/api/v1/care-campaigns", {"region": TOWNSHIP}, format="json").status_code == 404


def test_campaign_list_shows_campaigns_over_and_under_the_users_regions(people):
    ours = make_campaign(TOWNSHIP, name="东关帮扶")
    county = make_campaign("520402000000", name="全区帮扶")
    theirs = make_campaign("520402001000", name="南街帮扶")
    names = lambda user, query="": [c["name"] for c in api(user).get(f"/api/v1/care-campaigns{query}").json()["results"]]  # noqa: E731
    assert set(names(people["clerk"])) == {"东关帮扶", "全区帮扶"}
    assert set(names(people["nanjie"])) == {"南街帮扶", "全区帮扶"}
    assert set(names(people["nanjie"], "?region=520402001001")) == {"南街帮扶", "全区帮扶"}
    assert names(people["township"], "?status=closed") == []
    assert api(people["nanjie"]).get(f"/api/v1/care-campaigns/{ours.pk}").status_code == 404
    assert api(people["clerk"]).get(f"/api/v1/care-campaigns/{theirs.pk}").status_code == 404
    assert api(people["clerk"]).get(f"/api/v1/care-campaigns/{county.pk}").status_code == 200
    assert api(people["clerk"]).get("/api/v1/care-campaigns?region=520402001000").status_code == 404


def test_roster_build_list_and_manual_add(people):
    campaign = services.campaign_create(actor=people["township"], region_code=TOWNSHIP, name="东关帮扶")  # with the default rules
    make_household(VILLAGE, members=[{"name": "甲", "categories": ["dibao"]}])
    make_household(OTHER_VILLAGE, members=[{"name": "乙", "categories": ["severe_mental_disorder"]}])
    plain = make_household(VILLAGE, members=[{"name": "丙"}])
    make_household(NANJIE_VILLAGE, members=[{"name": "外", "categories": ["dibao"]}])
    # The clerk builds for the village (the narrowest region shared with the campaign); the officer for the rest.
    built = api(people["clerk"]).post(f"/api/v1/care-campaigns/{campaign.pk}/roster/build", {}, format="json")
    assert (built.status_code, built.json()) == (200, {"added": 1, "region": VILLAGE})
    built = api(people["township"]).post(f"/api/v1/care-campaigns/{campaign.pk}/roster/build", {}, format="json")
    assert built.json() == {"added": 1, "region": TOWNSHIP}
    assert api(people["township"]).post(f"/api/v1/care-campaigns/{campaign.pk}/roster/build", {}, format="json").json()["added"] == 0
    assert api(people["clerk"]).post(f"/api/v1/care-campaigns/{campaign.pk}/roster/build", {"region": OTHER_VILLAGE},
                                     format="json").status_code == 404
    assert api(people["helper"]).post(f"/api/v1/care-campaigns/{campaign.pk}/roster/build", {}, format="json").status_code == 403

    listed = api(people["township"]).get(f"/api/v1/care-campaigns/{campaign.pk}/roster").json()["results"]
    assert [(e["head"], e["village"], e["categories"], e["daily_contact"]) for e in listed] == [
        ("甲", VILLAGE, ["dibao"], False), ("乙", OTHER_VILLAGE, ["severe_mental_disorder"], True)]
    assert [e["head"] for e in api(people["clerk"]).get(f"/api/v1/care-campaigns/{campaign.pk}/roster").json()["results"]] == ["甲"]
    village_only = api(people["township"]).get(f"/api/v1/care-campaigns/{campaign.pk}/roster?region={OTHER_VILLAGE}").json()["results"]
    assert [e["head"] for e in village_only] == ["乙"]

    added = api(people["clerk"]).post(f"/api/v1/care-campaigns/{campaign.pk}/roster", {"household": plain.pk, "reason": "独居老人，子女外出"},
                                      format="json")
    assert added.status_code == 201, added.content
    assert (added.json()["head"], added.json()["source"], added.json()["reason"], added.json()["weekly_contacts"]) == ("丙", "manual", "独居老人，子女外出", 3)
    again = api(people["clerk"]).post(f"/api/v1/care-campaigns/{campaign.pk}/roster", {"household": plain.pk, "reason": "再次"}, format="json")
    assert (again.status_code, again.json()["detail"]) == (400, "该家庭已在名册中。")
    no_reason = make_household(VILLAGE, members=[{"name": "丁"}])
    missing = api(people["clerk"]).post(f"/api/v1/care-campaigns/{campaign.pk}/roster", {"household": no_reason.pk, "reason": " "}, format="json")
    assert (missing.status_code, missing.json()["detail"]) == (400, "请填写理由。")
    outside = make_household(NANJIE_VILLAGE, members=[{"name": "戊"}])
    assert api(people["clerk"]).post(f"/api/v1/care-campaigns/{campaign.pk}/roster", {"household": outside.pk, "reason": "x"},
                                     format="json").status_code == 404


def test_helpers_and_pairing(people):
    campaign = make_campaign(TOWNSHIP)
    entry = make_entry(campaign, make_household(VILLAGE, members=["甲"]))
    made = api(people["clerk"]).post("/api/v1/helpers", {"village": VILLAGE, "name": "王书记", "phone": "13800000001",
                                                         "kind": "two_committees", "position": "村支书", "username": "helper_user"},
                                     format="json")
    assert made.status_code == 201, made.content
    helper = made.json()
    assert (helper["village_name"], helper["username"], helper["households"]) == ("金钟社区居民委员会", "helper_user", 0)
    dup = api(people["clerk"]).post("/api/v1/helpers", {"village": VILLAGE, "name": "王书记", "phone": "13800000001"}, format="json")
    assert (dup.status_code, dup.json()["detail"]) == (400, "本村已有同名同电话的帮扶责任人。")
    assert api(people["clerk"]).post("/api/v1/helpers", {"village": VILLAGE, "name": "张", "username": "nanjie"},
                                     format="json").json()["field"] == "username"
    assert api(people["clerk"]).post("/api/v1/helpers", {"village": NANJIE_VILLAGE, "name": "张"}, format="json").status_code == 404
    make_helper(NANJIE_VILLAGE, name="外村帮扶人")
    other = make_helper(OTHER_VILLAGE, name="东关帮扶人")
    assert [h["name"] for h in api(people["township"]).get("/api/v1/helpers").json()["results"]] == ["王书记", "东关帮扶人"]
    assert [h["name"] for h in api(people["township"]).get(f"/api/v1/helpers?region={OTHER_VILLAGE}").json()["results"]] == ["东关帮扶人"]

    paired = api(people["clerk"]).post(f"/api/v1/roster/{entry.pk}/helpers", {"helper": helper["id"]}, format="json")
    assert paired.status_code == 201, paired.content
    assert (paired.json()["helper_name"], paired.json()["role"]) == ("王书记", "primary")
    assert api(people["clerk"]).post(f"/api/v1/roster/{entry.pk}/helpers", {"helper": helper["id"]}, format="json").status_code == 200
    assert HelperAssignment.objects.filter(entry=entry, active=True).count() == 1
    elsewhere = api(people["township"]).post(f"/api/v1/roster/{entry.pk}/helpers", {"helper": other.pk, "role": "backup"}, format="json")
    assert (elsewhere.status_code, elsewhere.json()["detail"]) == (400, "帮扶责任人须是本村（社区）的人员。")
    roster = api(people["clerk"]).get(f"/api/v1/care-campaigns/{campaign.pk}/roster").json()["results"]
    assert roster[0]["helpers"] == [{"id": helper["id"], "name": "王书记", "phone": "13800000001", "role": "primary"}]
    assert api(people["clerk"]).get("/api/v1/helpers").json()["results"][0]["households"] == 1
    assert api(people["clerk"]).get(f"/api/v1/care-campaigns/{campaign.pk}/roster?without_helper=1").json()["results"] == []
    assert api(people["helper"]).post(f"/api/v1/roster/{entry.pk}/helpers", {"helper": helper["id"]}, format="json").status_code == 403
    assert api(people["nanjie"]).post(f"/api/v1/roster/{entry.pk}/helpers", {"helper": helper["id"]}, format="json").status_code == 404


def test_roster_without_helper_filter(people):
    campaign = make_campaign(TOWNSHIP, starts_on=date(2026, 11, 16))
    helped = make_entry(campaign, make_household(VILLAGE, members=["有人管"]))
    make_entry(campaign, make_household(VILLAGE, members=["没人管"]))
    pair(helped, make_helper(VILLAGE), role="backup")  # a backup alone is not someone responsible
    listed = api(people["clerk"]).get(f"/api/v1/care-campaigns/{campaign.pk}/roster?without_helper=true").json()["results"]
    assert sorted(e["head"] for e in listed) == ["有人管", "没人管"]
    assert RosterEntry.objects.count() == 2
