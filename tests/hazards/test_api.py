"""/api/v1/hazards and /api/v1/premises: the lifecycle, the refusals (400/403/409), filters and inspections."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.hazards.conftest import TOWNSHIP
from tests.registry.factories import VILLAGE
from tests.surveys.factories import make_hazard, make_premises, make_response, make_round
from warmwinter.accounts.tokens import token_issue
from warmwinter.hazards.models import Hazard
from warmwinter.hazards.services import CHANGED_MEANWHILE, SAME_PERSON
from warmwinter.notifications.models import Notification

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}")
    return client


def move(client, hazard_id: int, name: str, note: str = "", version: int | None = None):
    if version is None:
        version = client.get(f"/api/v1/hazards/{hazard_id}").json()["version"]
    return client.post(f"/api/v1/hazards/{hazard_id}/transitions", {"transition": name, "note": note, "version": version}, format="json")


def test_full_lifecycle_through_the_api(people, household):
    clerk, town, town2 = api(people.clerk), api(people.township), api(people.township2)
    created = clerk.post("/api/v1/hazards", {"household": household.pk, "category": "heating_missing", "title": "无取暖设施",
                                             "responsible_unit": "金钟社区"}, format="json")
    assert created.status_code == 201
    body = created.json()
    hazard_id = body["id"]
    assert (body["state"], body["region"], body["household"], body["subject"], body["version"]) == ("identified", VILLAGE, household.pk, "王大山户 JZ-01", 1)
    assert body["deadline"] == (timezone.localdate() + timedelta(days=7)).isoformat()
    assert body["transitions"] == ["warn", "resolve_on_spot", "escalate", "start_rectification"]

    for user, name, note in [(clerk, "warn", ""), (clerk, "escalate", "需街道协调"), (town, "start_rectification", ""),
                             (clerk, "rectify", "送去电暖器")]:
        response = move(user, hazard_id, name, note)
        assert response.status_code == 200, response.json()
    rejected = move(town, hazard_id, "reject", "电暖器功率不足")
    assert rejected.status_code == 200
    assert (rejected.json()["state"], rejected.json()["reopened"]) == ("rectifying", 1)
    assert move(clerk, hazard_id, "rectify", "更换大功率电暖器").json()["state"] == "rectified"
    verified = move(town2, hazard_id, "verify")
    assert verified.status_code == 200 and verified.json()["state"] == "verified" and verified.json()["verified_by"] == "town2"
    closed = move(town, hazard_id, "close")
    assert closed.status_code == 200 and closed.json()["state"] == "closed" and closed.json()["closed_at"]
    steps = [(s["transition"], s["to_state"], s["actor"]) for s in closed.json()["steps"]]
    assert steps == [("report", "identified", "clerk"), ("warn", "warned", "clerk"), ("escalate", "escalated", "clerk"),
                     ("start_rectification", "rectifying", "town"), ("rectify", "rectified", "clerk"), ("reject", "rectifying", "town"),
                     ("rectify", "rectified", "clerk"), ("verify", "verified", "town2"), ("close", "closed", "town")]


def test_refusals_400_403_409(people):
    hazard = make_hazard(VILLAGE)
    town = api(people.township)
    not_now = move(town, hazard.pk, "close")
    assert not_now.status_code == 400 and not_now.json() == {"detail": "“已发现”状态下不能“销号”。", "field": "transition"}
    assert move(api(people.clerk), hazard.pk, "close").status_code == 403  # a clerk's role may not close
    assert move(api(people.nanjie), hazard.pk, "warn", version=1).status_code == 404
    assert move(town, hazard.pk, "start_rectification").status_code == 200
    assert move(town, hazard.pk, "rectify", "已修复").status_code == 200
    own = move(town, hazard.pk, "verify")
    assert own.status_code == 403 and own.json()["detail"] == str(SAME_PERSON)
    stale = move(api(people.township2), hazard.pk, "verify", version=1)
    assert stale.status_code == 409 and stale.json()["detail"] == str(CHANGED_MEANWHILE)
    hazard.refresh_from_db()
    assert (hazard.state, hazard.verified_by) == ("rectified", None)
    bad = town.post(f"/api/v1/hazards/{hazard.pk}/transitions", {"transition": "fly", "version": hazard.version}, format="json")
    assert bad.status_code == 400 and bad.json()["field"] == "transition"


def test_patch_with_a_stale_version_is_409(people):
    hazard = make_hazard(VILLAGE, title="储煤不足")
    clerk = api(people.clerk)
    ok = clerk.patch(f"/api/v1/hazards/{hazard.pk}", {"version": 1, "responsible_person": "杨村干", "deadline": None}, format="json")
    assert ok.status_code == 200 and (ok.json()["responsible_person"], ok.json()["deadline"], ok.json()["version"]) == ("杨村干", None, 2)
    stale = clerk.patch(f"/api/v1/hazards/{hazard.pk}", {"version": 1, "title": "覆盖"}, format="json")
    assert stale.status_code == 409 and stale.json()["detail"] == str(CHANGED_MEANWHILE)
    hazard.refresh_from_db()
    assert (hazard.title, hazard.responsible_person) == ("储煤不足", "杨村干")
    # Raising it to major escalates it and tells the county.
    major = clerk.patch(f"/api/v1/hazards/{hazard.pk}", {"version": 2, "severity": "major"}, format="json")
    assert major.json()["state"] == "escalated" and Notification.objects.filter(recipient=people.county).count() == 1
    assert api(people.charity).get(f"/api/v1/hazards/{hazard.pk}").status_code == 404


def test_list_filters(people, household):
    today = timezone.localdate()
    round_ = make_round(TOWNSHIP)
    sheet = make_response(round_, household=household)
    from_round = make_hazard(household=household, response=sheet, rule="wiring", source="survey", title="摸排发现")
    late = make_hazard(VILLAGE, title="逾期", deadline=today - timedelta(days=3), found_at=timezone.now() - timedelta(days=10))
    make_hazard(VILLAGE, title="逾期已销号", deadline=today - timedelta(days=3), state="closed", found_at=timezone.now() - timedelta(days=10))
    shop = make_premises(TOWNSHIP, name="东关超市")
    at_shop = make_hazard(premises=shop, title="超市线路")
    make_hazard("520402001001", title="南街的")

    def ids(client, query: str = "") -> set[int]:
        response = client.get(f"/api/v1/hazards{query}")
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    town = api(people.township)
    assert len(ids(town)) == 4
    assert ids(town, "?overdue=true") == {late.pk}
    assert ids(town, f"?round={round_.pk}") == {from_round.pk}
    assert ids(town, "?round=abc") == set()
    assert ids(town, f"?region={VILLAGE}") == {from_round.pk, late.pk} | set(Hazard.objects.filter(state="closed").values_list("id", flat=True))
    assert ids(town, "?region=520402005") == ids(town)  # a short code is its subtree
    assert ids(town, "?state=closed&region=520402005001") == set(Hazard.objects.filter(state="closed").values_list("id", flat=True))
    assert ids(town, f"?premises={shop.pk}") == {at_shop.pk}
    assert ids(town, "?source=survey") == {from_round.pk}
    assert ids(town, "?q=超市") == {at_shop.pk}
    assert ids(api(people.county), "?q=南街") == set(Hazard.objects.filter(title="南街的").values_list("id", flat=True))
    assert ids(api(people.nanjie), f"?region={VILLAGE}") == set()
    bad = town.get("/api/v1/hazards?state=lost")
    assert bad.status_code == 400 and bad.json()["field"] == "state"
    row = next(r for r in town.get("/api/v1/hazards?overdue=true").json()["results"])
    assert (row["overdue"], row["title"]) == (True, "逾期")


def test_report_outside_scope_or_without_a_place(people, household):
    assert api(people.nanjie).post("/api/v1/hazards", {"household": household.pk, "category": "water", "title": "x"}, format="json").status_code == 404
    assert api(people.clerk).post("/api/v1/hazards", {"category": "water", "title": "x"}, format="json").status_code == 400
    response = api(people.clerk).post("/api/v1/hazards", {"region": VILLAGE, "category": "water", "title": "水管冻裂", "severity": "major"},
                                      format="json")
    assert response.status_code == 201 and response.json()["state"] == "escalated"
    assert Notification.objects.get(recipient=people.county).link == f"/hazards/{response.json()['id']}/"


def test_premises_and_their_inspections(people, premises_template):
    town = api(people.township)
    created = town.post("/api/v1/premises", {"region": TOWNSHIP, "name": "东关敬老院", "kind": "nursing_home"}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert (body["region"], body["kind_name"], body["open_hazards"], body["version"]) == (TOWNSHIP, "养老院", 0, 1)
    pid = body["id"]
    stale = town.patch(f"/api/v1/premises/{pid}", {"version": 1, "contact_name": "刘院长"}, format="json")
    assert stale.status_code == 200 and stale.json()["contact_name"] == "刘院长"
    assert town.patch(f"/api/v1/premises/{pid}", {"version": 1, "contact_name": "别人"}, format="json").status_code == 409
    assert api(people.nanjie).get(f"/api/v1/premises/{pid}").status_code == 404
    assert [p["name"] for p in town.get("/api/v1/premises?kind=nursing_home").json()["results"]] == ["东关敬老院"]

    sent = town.post(f"/api/v1/premises/{pid}/inspections", {
        "kind": "self_inspection", "answers": {"fire_equipment_ok": "否", "evacuation_clear": True, "wiring": "老化破损"},
        "inspectors": "刘院长", "night": True, "client_id": "insp-1"}, format="json")
    assert sent.status_code == 201
    sheet = sent.json()
    assert (sheet["kind"], sheet["template"], sheet["notes"], sheet["answers"]) == (
        "self_inspection", "test-premises-fire", "【夜间检查】", {"fire_equipment_ok": False, "evacuation_clear": True, "wiring": "old"})
    made = Hazard.objects.filter(premises_id=pid).order_by("id")
    assert sorted(sheet["hazards"]) == [h.pk for h in made] and {h.rule for h in made} == {"fire_equipment", "wiring"}
    assert town.get(f"/api/v1/premises/{pid}").json()["open_hazards"] == 2
    listed = town.get(f"/api/v1/premises/{pid}/inspections").json()["results"]
    assert [(r["id"], r["inspectors"]) for r in listed] == [(sheet["id"], "刘院长")]
    bad = town.post(f"/api/v1/premises/{pid}/inspections", {"kind": "self_inspection", "answers": {"wiring": "old"}}, format="json")
    assert bad.status_code == 400 and {e["field"] for e in bad.json()["errors"]} == {"answers.fire_equipment_ok", "answers.evacuation_clear"}
    assert town.post(f"/api/v1/premises/{pid}/inspections", {"kind": "survey", "answers": {}}, format="json").status_code == 400
    again = town.post(f"/api/v1/premises/{pid}/inspections", {"kind": "self_inspection", "answers": {"fire_equipment_ok": True,
                      "evacuation_clear": True}, "client_id": "insp-1"}, format="json")
    assert again.status_code == 409  # the same idempotency key with other answers
