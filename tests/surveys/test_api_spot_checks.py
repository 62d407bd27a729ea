"""四不两直 through the API: draw a sample, read it, record the inspector's answers and see the mismatches."""

from __future__ import annotations

import random

import pytest
from rest_framework.test import APIClient

from tests.factories import make_member
from tests.registry.factories import VILLAGE, make_household
from tests.surveys.factories import GOOD_P6, TOWNSHIP, make_response, make_round
from warmwinter.accounts.roles import Role
from warmwinter.accounts.tokens import token_issue
from warmwinter.surveys.models import SpotCheck, SurveyResponse

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}")
    return client


@pytest.fixture
def world(tree):
    round_ = make_round(TOWNSHIP)
    homes = [make_household(VILLAGE, number=f"JZ-0{i}", members=[name]) for i, name in enumerate(["张一", "李二", "王三"], start=1)]
    sheets = [make_response(round_, household=h) for h in homes]
    return {"round": round_, "homes": homes, "sheets": sheets,
            "supervisor": make_member(Role.SUPERVISOR, "520402000000", username="supervisor"),
            "clerk": make_member(Role.VILLAGE_CLERK, VILLAGE, username="clerk"),
            "nanjie": make_member(Role.TOWNSHIP_OFFICER, "520402001000", username="nanjie")}


def test_draw_a_sample_with_a_seed(world):
    url = f"/api/v1/survey-rounds/{world['round'].pk}/spot-checks"
    drawn = api(world["supervisor"]).post(url, {"region": VILLAGE, "size": 2, "seed": 7}, format="json")
    assert drawn.status_code == 201, drawn.content
    body = drawn.json()
    assert (body["size"], body["seed"], body["region"], body["drawn_by"]) == (2, 7, VILLAGE, "supervisor")
    pool = [(s.pk, s.region_id) for s in sorted(world["sheets"], key=lambda s: s.pk)]
    expected = [pk for pk, _code in random.Random(7).sample(pool, 2)]
    assert sorted(item["original"] for item in body["items"]) == sorted(expected)
    assert all(not item["done"] and item["mismatches"] == [] for item in body["items"])
    read = api(world["supervisor"]).get(f"/api/v1/spot-checks/{body['id']}").json()
    assert [i["id"] for i in read["items"]] == [i["id"] for i in body["items"]]


def test_draw_errors(world):
    url = f"/api/v1/survey-rounds/{world['round'].pk}/spot-checks"
    too_many = api(world["supervisor"]).post(url, {"region": VILLAGE, "size": 4}, format="json")
    assert too_many.status_code == 400
    assert too_many.json() == {"detail": "样本量应为 1 到 3（该范围已摸排 3 户/处）。", "field": "size"}
    assert api(world["supervisor"]).post(url, {"region": VILLAGE, "size": 0}, format="json").json()["field"] == "size"
    assert api(world["clerk"]).post(url, {"region": VILLAGE, "size": 1}, format="json").status_code == 403
    assert api(world["nanjie"]).post(url, {"region": VILLAGE, "size": 1}, format="json").status_code == 404
    assert SpotCheck.objects.count() == 0


def test_record_the_inspectors_answers_and_flag_mismatches(world):
    drawn = api(world["supervisor"]).post(f"/api/v1/survey-rounds/{world['round'].pk}/spot-checks",
                                          {"region": VILLAGE, "size": 1, "seed": 3}, format="json").json()
    item = drawn["items"][0]
    found = {**GOOD_P6, "housing": "漏雨漏风", "wiring_ok": "否"}
    recorded = api(world["supervisor"]).post(f"/api/v1/spot-check-items/{item['id']}", {"answers": found, "notes": "屋顶漏雨"}, format="json")
    assert recorded.status_code == 200, recorded.content
    body = recorded.json()
    assert body["done"] is True and body["recheck"] is not None
    assert [(m["question"], m["original"], m["found"]) for m in body["mismatches"]] == [("housing", "safe", "leaking"), ("wiring_ok", True, False)]
    recheck = SurveyResponse.objects.get(pk=body["recheck"])
    assert recheck.kind == "spot_check" and sorted(recheck.hazards.values_list("rule", flat=True)) == ["house_leaking", "wiring"]
    again = api(world["supervisor"]).post(f"/api/v1/spot-check-items/{item['id']}", {"answers": found}, format="json")
    assert again.status_code == 400 and again.json()["detail"] == "该对象已暗访，不能重复记录。"
    detail = api(world["supervisor"]).get(f"/api/v1/spot-checks/{drawn['id']}").json()
    assert detail["items"][0]["done"] is True


def test_spot_check_scope_and_roles(world):
    drawn = api(world["supervisor"]).post(f"/api/v1/survey-rounds/{world['round'].pk}/spot-checks",
                                          {"region": VILLAGE, "size": 1, "seed": 1}, format="json").json()
    item = drawn["items"][0]["id"]
    assert api(world["nanjie"]).get(f"/api/v1/spot-checks/{drawn['id']}").status_code == 404
    assert api(world["nanjie"]).post(f"/api/v1/spot-check-items/{item}", {"answers": GOOD_P6}, format="json").status_code == 404
    # Unannounced: the surveyed village does not even see the sample.
    assert api(world["clerk"]).get(f"/api/v1/spot-checks/{drawn['id']}").status_code == 404
    assert api(world["clerk"]).post(f"/api/v1/spot-check-items/{item}", {"answers": GOOD_P6}, format="json").status_code == 404
    bad = api(world["supervisor"]).post(f"/api/v1/spot-check-items/{item}", {"answers": {**GOOD_P6, "housing": "豪宅"}}, format="json")
    assert bad.status_code == 400 and bad.json()["field"] == "answers.housing"
