"""/api/v1/survey-templates and /survey-rounds: start, read, close; coverage figures; households still to visit; unit reports."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import make_member
from tests.registry.factories import NANJIE_VILLAGE, OTHER_VILLAGE, VILLAGE, make_household
from tests.surveys.factories import GOOD_P6, TOWNSHIP, make_round, template
from warmwinter.accounts.roles import Role
from warmwinter.accounts.tokens import token_issue
from warmwinter.surveys import services
from warmwinter.surveys.models import SurveyRound, UnitReport

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}")
    return client


@pytest.fixture
def people(tree):
    return {
        "clerk": make_member(Role.VILLAGE_CLERK, VILLAGE, username="clerk"),
        "township": make_member(Role.TOWNSHIP_OFFICER, TOWNSHIP, username="township"),
        "nanjie": make_member(Role.TOWNSHIP_OFFICER, "520402001000", username="nanjie"),
        "warehouse": make_member(Role.WAREHOUSE_KEEPER, TOWNSHIP, username="keeper"),
    }


# --- templates ----------------------------------------------------------------------------------


def test_templates_list_and_detail(people):
    listed = api(people["clerk"]).get("/api/v1/survey-templates").json()
    p6 = next(t for t in listed if t["code"] == "p6-visit-checklist")
    assert p6["name"] == "重点关注对象入户走访六项检查表" and p6["subject"] == "household" and p6["question_count"] == 12
    detail = api(people["clerk"]).get(f"/api/v1/survey-templates/{p6['id']}").json()
    assert [q["key"] for q in detail["questions"]][:3] == ["co_publicity", "co_ventilation", "co_alarm"]
    assert {r["key"] for r in detail["rules"]} >= {"no_heating", "wiring", "house_dangerous"}
    assert detail["params"] == {}
    assert api(people["clerk"]).get("/api/v1/survey-templates/987654").status_code == 404
    # A role that does not see surveys sees no templates either.
    assert api(people["warehouse"]).get("/api/v1/survey-templates").status_code == 404
    assert api(people["warehouse"]).get(f"/api/v1/survey-templates/{p6['id']}").status_code == 404


# --- rounds ----------------------------------------------------------------------------------------


def test_township_officer_starts_a_round_with_a_deadline(people):
    body = {"template": template().pk, "region": "520402005", "name": "冬季入户走访", "starts_on": "2026-11-01",
            "ends_on": "2026-11-07", "report_deadline": "2026-11-08T12:00:00+08:00"}
    response = api(people["township"]).post("/api/v1/survey-rounds", body, format="json")
    assert response.status_code == 201, response.content
    made = response.json()
    assert (made["region"], made["region_name"], made["status"], made["template_code"]) == (TOWNSHIP, "东关街道", "open", "p6-visit-checklist")
    assert made["due_at"] == "2026-11-08T12:00:00+08:00"
    assert api(people["township"]).get(f"/api/v1/survey-rounds/{made['id']}").json()["name"] == "冬季入户走访"


def test_round_create_errors(people):
    body = {"template": template().pk, "region": TOWNSHIP, "starts_on": "2026-11-07", "ends_on": "2026-11-01"}
    township = api(people["township"])
    wrong_order = township.post("/api/v1/survey-rounds", body, format="json")
    assert wrong_order.status_code == 400
    assert wrong_order.json() == {"detail": "结束日期不能早于开始日期。", "field": "ends_on"}
    unknown = township.post("/api/v1/survey-rounds", {**body, "ends_on": "2026-11-09", "template": 987654}, format="json")
    assert (unknown.status_code, unknown.json()["field"], unknown.json()["detail"]) == (400, "template", "模板不存在。")
    missing = township.post("/api/v1/survey-rounds", {"region": TOWNSHIP}, format="json")
    assert missing.status_code == 400 and {e["field"] for e in missing.json()["errors"]} == {"template", "starts_on", "ends_on"}
    assert township.post("/api/v1/survey-rounds", {**body, "ends_on": "2026-11-09", "region": "520402001000"}, format="json").status_code == 404
    # A clerk sees the township but may not start rounds there.
    assert api(people["clerk"]).post("/api/v1/survey-rounds", {**body, "ends_on": "2026-11-09", "region": VILLAGE}, format="json").status_code == 403
    assert SurveyRound.objects.count() == 0


def test_rounds_list_is_scoped_and_filtered(people):
    ours = make_round(TOWNSHIP, name="东关摸排")
    county = make_round("520402000000", name="全区摸排")
    make_round("520402001000", name="南街摸排")
    names = lambda user, query="": [r["name"] for r in api(user).get(f"/api/v1/survey-rounds{query}").json()["results"]]  # noqa: E731
    # A clerk sees the rounds that cover the village; never the other township's.
    assert set(names(people["clerk"])) == {"全区摸排", "东关摸排"}
    assert set(names(people["nanjie"])) == {"全区摸排", "南街摸排"}
    SurveyRound.objects.filter(pk=county.pk).update(status="closed")
    assert names(people["clerk"], "?status=open") == ["东关摸排"]
    assert set(names(people["township"], f"?region={VILLAGE}")) == {"全区摸排", "东关摸排"}
    assert api(people["clerk"]).get(f"/api/v1/survey-rounds/{ours.pk}").status_code == 200
    assert api(people["nanjie"]).get(f"/api/v1/survey-rounds/{ours.pk}").status_code == 404
    assert api(people["clerk"]).get("/api/v1/survey-rounds?region=520402001000").status_code == 404


def test_close_a_round(people):
    round_ = make_round(TOWNSHIP)
    home = make_household(VILLAGE, members=["张三"])
    assert api(people["clerk"]).post(f"/api/v1/survey-rounds/{round_.pk}/close").status_code == 403
    assert api(people["nanjie"]).post(f"/api/v1/survey-rounds/{round_.pk}/close").status_code == 404
    closed = api(people["township"]).post(f"/api/v1/survey-rounds/{round_.pk}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    late = api(people["clerk"]).post("/api/v1/survey-responses", {"round": round_.pk, "household": home.pk, "answers": GOOD_P6}, format="json")
    assert late.status_code == 400 and late.json()["detail"] == "该摸排已结束，不能再提交。"


# --- coverage and the households still to visit --------------------------------------------------


@pytest.fixture
def surveyed(people):
    """东关街道: 金钟社区 3 households (2 + 3 + 1 persons), 东关社区 1 household (2 persons).
    Surveyed: 金钟 h1 (2 seen, wiring unsafe), 金钟 h2 (2 of 3 seen), 东关 h4 (2 seen, no heating)."""
    round_ = services.round_create(actor=people["township"], template=template(), region_code=TOWNSHIP, name="冬季摸排",
                                   starts_on=timezone.localdate() - timedelta(days=1), ends_on=timezone.localdate() + timedelta(days=3))
    h1 = make_household(VILLAGE, number="JZ-01", members=["张一", "张二"])
    h2 = make_household(VILLAGE, number="JZ-02", members=["李一", "李二", "李三"])
    h3 = make_household(VILLAGE, number="JZ-03", members=["王一"])
    h4 = make_household(OTHER_VILLAGE, number="DG-01", members=["赵一", "赵二"])
    services.response_submit(actor=people["clerk"], round_=round_, household=h1, answers={**GOOD_P6, "wiring_ok": False})
    services.response_submit(actor=people["clerk"], round_=round_, household=h2, answers=GOOD_P6, persons_covered=2)
    services.response_submit(actor=people["township"], round_=round_, household=h4, answers={**GOOD_P6, "heating_method": "none"})
    return {"round": round_, "h1": h1, "h2": h2, "h3": h3, "h4": h4}


def test_coverage_returns_the_hand_computed_figures(people, surveyed):
    round_ = surveyed["round"]
    body = api(people["township"]).get(f"/api/v1/survey-rounds/{round_.pk}/coverage").json()
    assert (body["region"], body["region_name"]) == (TOWNSHIP, "东关街道")
    total = body["total"]
    assert (total["households"], total["households_surveyed"], total["coverage_rate"]) == (4, 3, 75.0)
    assert (total["persons"], total["persons_covered"], total["persons_rate"]) == (8, 6, 75.0)
    assert (total["on_time"], total["late"], total["villages"], total["villages_complete"]) == (3, 0, 2, 1)
    by_code = {row["code"]: row for row in body["children"]}
    jinzhong, dongguan = by_code[VILLAGE], by_code[OTHER_VILLAGE]
    assert (jinzhong["households"], jinzhong["households_surveyed"], jinzhong["coverage_rate"]) == (3, 2, 66.7)
    assert (jinzhong["persons"], jinzhong["persons_covered"], jinzhong["persons_rate"]) == (6, 4, 66.7)
    assert (dongguan["coverage_rate"], dongguan["persons_rate"], dongguan["villages_complete"]) == (100.0, 100.0, 1)
    assert [v["code"] for v in body["villages"]] == [VILLAGE, OTHER_VILLAGE]
    hazards = body["hazards"]
    assert (hazards["total"]["found"], hazards["total"]["closed"], hazards["total"]["rectification_rate"]) == (2, 0, 0.0)
    assert {row["code"]: row["found"] for row in hazards["children"]} == {VILLAGE: 1, OTHER_VILLAGE: 1}


def test_coverage_of_one_village_and_out_of_scope_regions(people, surveyed):
    round_ = surveyed["round"]
    village = api(people["township"]).get(f"/api/v1/survey-rounds/{round_.pk}/coverage?region={VILLAGE}").json()
    assert (village["region"], village["total"]["households"], village["total"]["households_surveyed"]) == (VILLAGE, 3, 2)
    assert village["hazards"]["total"]["found"] == 1
    # A clerk of 金钟 gets their village by default, and nothing wider.
    mine = api(people["clerk"]).get(f"/api/v1/survey-rounds/{round_.pk}/coverage").json()
    assert (mine["region"], mine["total"]["persons"], mine["total"]["persons_covered"]) == (VILLAGE, 6, 4)
    assert api(people["clerk"]).get(f"/api/v1/survey-rounds/{round_.pk}/coverage?region={OTHER_VILLAGE}").status_code == 404
    assert api(people["township"]).get(f"/api/v1/survey-rounds/{round_.pk}/coverage?region={NANJIE_VILLAGE}").status_code == 404
    assert api(people["nanjie"]).get(f"/api/v1/survey-rounds/{round_.pk}/coverage").status_code == 404


def test_missing_households_of_a_village(people, surveyed):
    round_ = surveyed["round"]
    township = api(people["township"])
    missing = township.get(f"/api/v1/survey-rounds/{round_.pk}/missing?village={VILLAGE}").json()
    assert missing["count"] == 1
    assert missing["results"] == [{"id": surveyed["h3"].pk, "region": VILLAGE, "number": "JZ-03", "head_name": "王一", "address": ""}]
    assert township.get(f"/api/v1/survey-rounds/{round_.pk}/missing?village={OTHER_VILLAGE}").json()["count"] == 0
    assert township.get(f"/api/v1/survey-rounds/{round_.pk}/missing").json() == {
        "detail": "请指定一个村（社区）：?village=区划代码", "field": "village"}
    assert township.get(f"/api/v1/survey-rounds/{round_.pk}/missing?village={TOWNSHIP}").json()["detail"] == "请指定村（社区）一级的区划代码。"
    assert api(people["clerk"]).get(f"/api/v1/survey-rounds/{round_.pk}/missing?village={OTHER_VILLAGE}").status_code == 404


# --- unit reports -----------------------------------------------------------------------------------


def test_unit_report_submit_and_list(people):
    round_ = make_round(TOWNSHIP, ends_on=date.today() + timedelta(days=3))
    body = {"region": TOWNSHIP, "situation": "全街道已走访 120 户", "problems": "3 户无取暖设施", "measures": "已送电暖器"}
    township = api(people["township"])
    made = township.post(f"/api/v1/survey-rounds/{round_.pk}/unit-reports", body, format="json")
    assert made.status_code == 201, made.content
    assert (made.json()["region_name"], made.json()["late"], made.json()["submitted_by"]) == ("东关街道", False, "township")
    listed = api(people["clerk"]).get(f"/api/v1/survey-rounds/{round_.pk}/unit-reports").json()
    assert listed == []  # the township's report is above a village clerk's scope
    assert [r["problems"] for r in township.get(f"/api/v1/survey-rounds/{round_.pk}/unit-reports").json()] == ["3 户无取暖设施"]
    blank = township.post(f"/api/v1/survey-rounds/{round_.pk}/unit-reports", {**body, "measures": " "}, format="json")
    assert blank.status_code == 400 and blank.json()["field"] == "measures" and blank.json()["detail"] == "现状、问题、对策三栏必填。"
    clerk = api(people["clerk"]).post(f"/api/v1/survey-rounds/{round_.pk}/unit-reports", {**body, "region": VILLAGE}, format="json")
    assert clerk.status_code == 403
    assert UnitReport.objects.count() == 1
