"""/api/v1/alerts and /api/v1/alert-rules through HTTP: scope, manual entry, CAP import (body or file), cancel."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.alerts.helpers import COLD_WAVE_ID, COUNTY, DONGGUAN, JINZHONG, NANJIE, UPDATE_ID, freeze, local, sample
from tests.care.factories import make_alert
from tests.factories import make_member
from warmwinter.accounts.tokens import token_issue
from warmwinter.alerts.models import WeatherAlert

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def now(monkeypatch):
    return freeze(monkeypatch, local(29, 17))


def api(role: str, code: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=make_member(role, code))}")


def test_list_in_scope_with_state_filter(tree):
    make_alert([COUNTY], onset=local(29, 8), hours=48, headline="西秀区寒潮蓝色预警", colour=1)
    make_alert([NANJIE], onset=local(29, 8), hours=48, headline="南街街道大风预警")
    make_alert([DONGGUAN], onset=local(27, 8), hours=24, headline="东关街道旧预警", state="expired")
    client = api("village_clerk", JINZHONG)
    body = client.get("/api/v1/alerts").json()
    assert [a["headline"] for a in body["results"]] == ["西秀区寒潮蓝色预警", "东关街道旧预警"]
    first = body["results"][0]
    assert (first["colour"], first["colour_name"], first["in_force"], first["areas"]) == (
        "blue", "蓝色", True, [{"code": COUNTY, "name": "西秀区"}])
    assert [a["headline"] for a in client.get("/api/v1/alerts?state=in_force").json()["results"]] == ["西秀区寒潮蓝色预警"]
    bad = client.get("/api/v1/alerts?state=gone")
    assert (bad.status_code, bad.json()["detail"]) == (400, "“state”的取值无效：gone")


def test_manual_entry(tree):
    client = api("township_officer", DONGGUAN)
    response = client.post("/api/v1/alerts", {
        "event": "road_icing", "colour": "orange", "areas": ["520402005"], "onset": "2026-11-29T18:00:00+08:00",
        "expires": "2026-11-30T12:00:00+08:00", "description": "夜间路面结冰",
    }, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["event"], body["colour"], body["headline"], body["state"]) == ("road_icing", "orange", "道路结冰橙色预警", "active")
    assert body["areas"] == [{"code": DONGGUAN, "name": "东关街道"}]
    assert sorted(a["kind"] for a in body["actions"]) == ["banner", "patrol"]
    assert body["raw"] == "" and body["created_by"]


@pytest.mark.parametrize(("payload", "status", "field"), [
    ({"colour": "purple"}, 400, "colour"),
    ({"areas": []}, 400, "areas"),
    ({"areas": ["abc"]}, 400, "areas"),
    ({"expires": "2026-11-29T10:00:00+08:00"}, 400, "expires"),
    ({"areas": [NANJIE]}, 404, None),  # another township: outside the officer's scope
])
def test_manual_entry_refused(tree, payload, status, field):
    body = {"event": "cold_wave", "colour": "blue", "areas": [DONGGUAN], "onset": "2026-11-29T18:00:00+08:00",
            "expires": "2026-11-30T18:00:00+08:00", **payload}
    response = api("township_officer", DONGGUAN).post("/api/v1/alerts", body, content_type="application/json")
    assert response.status_code == status, response.json()
    assert response.json().get("field") == field
    assert not WeatherAlert.objects.exists()


def test_manual_entry_needs_a_managing_role(tree):
    body = {"event": "cold_wave", "colour": "blue", "areas": [JINZHONG], "onset": "2026-11-29T18:00:00+08:00",
            "expires": "2026-11-30T18:00:00+08:00"}
    assert api("village_clerk", JINZHONG).post("/api/v1/alerts", body, content_type="application/json").status_code == 403


@pytest.mark.parametrize("content_type", ["application/xml", "text/xml"])
def test_import_the_body(tree, content_type):
    client = api("county_officer", COUNTY)
    response = client.post("/api/v1/alerts/import", sample("cold_wave_blue.xml"), content_type=content_type)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["identifier"], body["event"], body["colour"], body["source"]) == (COLD_WAVE_ID, "cold_wave", "blue", "cap_file")
    assert "<headline>西秀区气象台发布寒潮蓝色预警信号</headline>" in body["raw"]
    again = client.post("/api/v1/alerts/import", sample("cold_wave_blue.xml"), content_type=content_type)
    assert (again.status_code, again.json()["id"]) == (200, body["id"])


def test_import_a_file_then_the_update(tree):
    client = api("county_officer", COUNTY)
    first = client.post("/api/v1/alerts/import", {"file": SimpleUploadedFile("cold.xml", sample("cold_wave_blue.xml"))}).json()
    update = client.post("/api/v1/alerts/import", {"file": SimpleUploadedFile("u.xml", sample("blizzard_yellow_update.xml"))})
    assert update.status_code == 201
    assert update.json()["identifier"] == UPDATE_ID
    assert client.get(f"/api/v1/alerts/{first['id']}").json()["state"] == "cancelled"


def test_import_refusals(tree):
    client = api("county_officer", COUNTY)
    xxe = client.post("/api/v1/alerts/import", sample("xxe.xml"), content_type="application/xml")
    assert (xxe.status_code, xxe.json()["detail"]) == (400, "CAP 消息不得包含 DOCTYPE 声明（出于安全考虑，拒绝含实体定义的 XML）。")
    bad = sample("cold_wave_blue.xml").replace(b"<msgType>Alert</msgType>", b"<msgType>Warning</msgType>")
    schema = client.post("/api/v1/alerts/import", bad, content_type="application/xml").json()
    assert schema["errors"] == ["第 7 行：元素 msgType 的值“Warning”不符合规范。"]
    json_body = client.post("/api/v1/alerts/import", {"xml": "<alert/>"}, content_type="application/json")
    assert (json_body.status_code, json_body.json()["field"]) == (400, "file")
    assert not WeatherAlert.objects.exists()


def test_import_beyond_scope_is_404(tree):
    response = api("township_officer", DONGGUAN).post("/api/v1/alerts/import", sample("cold_wave_blue.xml"), content_type="application/xml")
    assert response.status_code == 404


def test_detail_and_cancel(tree):
    county = api("county_officer", COUNTY)
    created = county.post("/api/v1/alerts/import", sample("cold_wave_blue.xml"), content_type="application/xml").json()
    url = f"/api/v1/alerts/{created['id']}"
    assert api("village_clerk", JINZHONG).get(url).json()["headline"] == "西秀区气象台发布寒潮蓝色预警信号"
    assert api("village_clerk", "520403100200").get(url).status_code == 404  # 平坝区
    assert api("township_officer", DONGGUAN).post(f"{url}/cancel").status_code == 403  # a county-wide warning
    cancelled = county.post(f"{url}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json()["state"] == "cancelled"
    assert all(not a["active"] for a in cancelled.json()["actions"])
    assert county.post(f"{url}/cancel").json()["detail"] == "该预警已结束。"


def test_rules(tree):
    body = api("helper", JINZHONG).get("/api/v1/alert-rules").json()
    assert [(r["action"], r["min_colour"], r["hours"]) for r in body] == [("banner", "blue", 0), ("home_visit", "blue", 24),
                                                                          ("patrol", "yellow", 0)]
