"""/api/v1/survey-responses: submit a sheet (201 with the problems it listed), idempotent retries, Chinese
validation errors per question, repeat visits, scoped reads."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import make_member
from tests.registry.factories import NANJIE_VILLAGE, VILLAGE, make_household
from tests.surveys.factories import GOOD_P6, TOWNSHIP, make_response, make_round
from warmwinter.accounts.roles import Role
from warmwinter.accounts.tokens import token_issue
from warmwinter.hazards.models import Hazard
from warmwinter.surveys.models import SurveyResponse

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}")
    return client


@pytest.fixture
def world(tree):
    round_ = make_round(TOWNSHIP, name="冬季摸排")
    return {
        "round": round_,
        "home": make_household(VILLAGE, number="JZ-01", members=["张三", "张小三"]),
        "nanjie_home": make_household(NANJIE_VILLAGE, number="NJ-01", members=["钱一"]),
        "clerk": make_member(Role.VILLAGE_CLERK, VILLAGE, username="clerk"),
        "nanjie_clerk": make_member(Role.VILLAGE_CLERK, NANJIE_VILLAGE, username="nanjie"),
        "auditor": make_member(Role.AUDITOR, "520402000000", username="auditor"),
    }


def sheet(world, **changes) -> dict:
    body = {"round": world["round"].pk, "household": world["home"].pk, "client_id": "phone-1-0001",
            "answers": {**GOOD_P6, "heating_method": "无取暖设施", "wiring_ok": "否"}, "visited_at": "2026-11-03T10:30:00+08:00"}
    body.update(changes)
    return body


def test_submit_creates_the_sheet_and_lists_its_problems(world):
    response = api(world["clerk"]).post("/api/v1/survey-responses", sheet(world), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["round"], body["household"], body["household_head"], body["region"]) == (world["round"].pk, world["home"].pk, "张三", VILLAGE)
    assert body["answers"]["heating_method"] == "none" and body["answers"]["wiring_ok"] is False and body["answers"]["co_publicity"] is True
    assert (body["persons_covered"], body["source"], body["surveyor"], body["kind"]) == (2, "api", "clerk", "survey")
    assert body["visited_at"] == "2026-11-03T10:30:00+08:00"
    assert [(h["rule"], h["title"], h["state"]) for h in body["hazards"]] == [
        ("no_heating", "无取暖设施", "identified"), ("wiring", "电力设施或线路存在隐患", "identified")]
    assert Hazard.objects.filter(response_id=body["id"]).count() == 2


def test_same_client_id_and_content_returns_the_stored_sheet(world):
    client = api(world["clerk"])
    first = client.post("/api/v1/survey-responses", sheet(world), format="json")
    again = client.post("/api/v1/survey-responses", sheet(world), format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["version"] == 1
    assert [h["rule"] for h in again.json()["hazards"]] == ["no_heating", "wiring"]
    assert SurveyResponse.objects.count() == 1 and Hazard.objects.count() == 2


def test_same_client_id_with_different_content_is_a_conflict(world):
    client = api(world["clerk"])
    client.post("/api/v1/survey-responses", sheet(world), format="json")
    clash = client.post("/api/v1/survey-responses", sheet(world, answers=GOOD_P6), format="json")
    assert clash.status_code == 409
    assert clash.json() == {"detail": "该提交编号已用于另一份不同的记录。", "field": "client_id"}
    stored = SurveyResponse.objects.get()
    assert stored.answers["heating_method"] == "none" and Hazard.objects.count() == 2


def test_invalid_answers_are_listed_per_question_in_chinese(world):
    bad = {**GOOD_P6, "housing": "豪宅", "water_ok": "也许", "coal_tons": 3}
    response = api(world["clerk"]).post("/api/v1/survey-responses", sheet(world, answers=bad), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == [
        {"field": "answers.coal_tons", "message": "没有这道题：coal_tons"},
        {"field": "answers.housing", "message": "住房状况：不是可选项：豪宅"},
        {"field": "answers.water_ok", "message": "饮水正常（保温、错时、定点供水）：请填“是”或“否”"},
    ]
    assert (body["field"], body["detail"]) == ("answers.coal_tons", "没有这道题：coal_tons")
    missing = {k: v for k, v in GOOD_P6.items() if k != "housing"}
    required = api(world["clerk"]).post("/api/v1/survey-responses", sheet(world, answers=missing), format="json").json()
    assert required["errors"] == [{"field": "answers.housing", "message": "住房状况：必填"}]
    assert SurveyResponse.objects.count() == 0


def test_body_and_count_errors(world):
    client = api(world["clerk"])
    no_answers = client.post("/api/v1/survey-responses", {"round": world["round"].pk, "household": world["home"].pk}, format="json")
    assert no_answers.status_code == 400 and no_answers.json()["field"] == "answers"
    too_many = client.post("/api/v1/survey-responses", sheet(world, persons_covered=5), format="json")
    assert too_many.status_code == 400
    assert too_many.json() == {"detail": "见到人数应在 0 到 2 之间（该户在册 2 人）。", "field": "persons_covered"}
    nobody = client.post("/api/v1/survey-responses", sheet(world, household=None), format="json")
    assert nobody.json() == {"detail": "请选择家庭或场所。", "field": "household"}
    assert client.post("/api/v1/survey-responses", sheet(world, round=None), format="json").json()["field"] == "round"


def test_repeat_visit_updates_the_sheet(world):
    client = api(world["clerk"])
    first = client.post("/api/v1/survey-responses", sheet(world, client_id=None), format="json").json()
    second = client.post("/api/v1/survey-responses", sheet(world, client_id=None, answers=GOOD_P6, persons_covered=1), format="json")
    assert second.status_code == 200
    assert second.json()["id"] == first["id"] and second.json()["version"] == 2 and second.json()["persons_covered"] == 1
    assert second.json()["answers"]["heating_method"] == "electric"
    # The problems the first visit found stay on the list (they are closed through their own workflow).
    assert [h["rule"] for h in second.json()["hazards"]] == ["no_heating", "wiring"]
    stale = client.post("/api/v1/survey-responses", sheet(world, client_id=None, version=1), format="json")
    assert stale.status_code == 409 and stale.json()["detail"] == "该记录已被他人修改，请刷新后重试。"


def test_scope_and_roles(world):
    outside = api(world["clerk"]).post("/api/v1/survey-responses", sheet(world, household=world["nanjie_home"].pk), format="json")
    assert outside.status_code == 404
    # The round is 东关街道's: a 南街 clerk cannot reach it.
    assert api(world["nanjie_clerk"]).post("/api/v1/survey-responses", sheet(world), format="json").status_code == 404
    # An auditor sees the household and the round but does not survey.
    assert api(world["auditor"]).post("/api/v1/survey-responses", sheet(world), format="json").status_code == 403
    assert SurveyResponse.objects.count() == 0


def test_read_one_and_list(world):
    mine = make_response(world["round"], household=world["home"])
    other_round = make_round("520402001000")
    theirs = make_response(other_round, household=world["nanjie_home"])
    clerk = api(world["clerk"])
    one = clerk.get(f"/api/v1/survey-responses/{mine.pk}")
    assert one.status_code == 200 and one.json()["household_head"] == "张三" and one.json()["hazards"] == []
    assert clerk.get(f"/api/v1/survey-responses/{theirs.pk}").status_code == 404
    listed = clerk.get("/api/v1/survey-responses").json()
    assert [r["id"] for r in listed["results"]] == [mine.pk]
    assert clerk.get(f"/api/v1/survey-responses?round={other_round.pk}").json()["count"] == 0
    assert clerk.get(f"/api/v1/survey-responses?household={world['home'].pk}&kind=survey").json()["count"] == 1
    assert api(world["auditor"]).get(f"/api/v1/survey-responses?region={NANJIE_VILLAGE}").json()["count"] == 1
    assert clerk.get(f"/api/v1/survey-responses?region={NANJIE_VILLAGE}").status_code == 404
