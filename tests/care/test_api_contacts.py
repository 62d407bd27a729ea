"""POST /api/v1/contacts (idempotent by client_id), the contact list and detail, and warning visit duties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from rest_framework.test import APIClient

from tests.care.factories import at_local, make_alert, make_campaign, make_contact, make_entry, make_helper, pair
from tests.factories import make_member
from tests.registry.factories import NANJIE_VILLAGE, OTHER_VILLAGE, VILLAGE, make_household
from warmwinter.accounts.roles import Role
from warmwinter.accounts.tokens import token_issue
from warmwinter.care.models import Contact, VisitDuty
from warmwinter.hazards.models import Hazard

pytestmark = pytest.mark.django_db
TOWNSHIP = "520402005000"
MONDAY = date(2026, 11, 16)


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}")
    return client


@pytest.fixture
def setup(tree):
    campaign = make_campaign(TOWNSHIP, starts_on=MONDAY)
    household = make_household(VILLAGE, members=["甲一"])
    entry = make_entry(campaign, household)
    helper_user = make_member(Role.HELPER, VILLAGE, username="wang")
    helper = make_helper(VILLAGE, name="王书记", user=helper_user)
    pair(entry, helper)
    return {"campaign": campaign, "household": household, "entry": entry, "helper": helper, "helper_user": helper_user,
            "clerk": make_member(Role.VILLAGE_CLERK, VILLAGE, username="clerk"),
            "township": make_member(Role.TOWNSHIP_OFFICER, TOWNSHIP, username="township"),
            "nanjie": make_member(Role.TOWNSHIP_OFFICER, "520402001000", username="nanjie")}


def _body(setup, **changes) -> dict:
    body = {"household": setup["household"].pk, "channel": "visit", "contacted_at": "2026-11-18T10:30:00+08:00",
            "notes": "炉子正常，煤够用", "solved_on_spot": "", "latitude": "26.245000", "longitude": "105.932000",
            "client_id": "phone-7f3a-0001"}
    body.update(changes)
    return body


def test_the_same_submission_twice_is_stored_once(setup):
    client = api(setup["helper_user"])
    first = client.post("/api/v1/contacts", _body(setup), format="json")
    assert first.status_code == 201, first.content
    made = first.json()
    assert (made["helper_name"], made["campaign"], made["channel"], made["local_date"], made["week"]) == (
        "王书记", setup["campaign"].pk, "visit", "2026-11-18", "2026-W47")
    assert (made["head"], made["recorded_by"], made["latitude"], made["client_id"]) == ("甲一", "wang", "26.245000", "phone-7f3a-0001")
    again = client.post("/api/v1/contacts", _body(setup), format="json")
    assert again.status_code == 200
    assert again.json()["id"] == made["id"]
    assert Contact.objects.count() == 1
    changed = client.post("/api/v1/contacts", _body(setup, notes="另一次走访"), format="json")
    assert changed.status_code == 409
    assert changed.json() == {"detail": "该提交编号已用于另一条不同的联系记录。", "field": "client_id"}
    assert Contact.objects.count() == 1


def test_a_retry_without_a_time_is_the_same_submission(setup, monkeypatch):
    from django.utils import timezone

    moment = at_local(MONDAY + timedelta(days=3), 15)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    client = api(setup["clerk"])
    body = _body(setup, channel="phone", client_id="phone-7f3a-0002", helper=setup["helper"].pk)
    del body["contacted_at"]
    assert client.post("/api/v1/contacts", body, format="json").status_code == 201
    monkeypatch.setattr(timezone, "now", lambda: moment + timedelta(minutes=3))  # the retry arrives later
    retry = client.post("/api/v1/contacts", body, format="json")
    assert retry.status_code == 200 and retry.json()["contacted_at"] == "2026-11-19T15:00:00+08:00"
    assert Contact.objects.count() == 1


def test_problems_go_on_the_problem_list(setup):
    body = _body(setup, client_id="", problems=[{"category": "heating_missing", "title": "没有取暖设备"}])
    made = api(setup["clerk"]).post("/api/v1/contacts", body, format="json")
    assert made.status_code == 201, made.content
    hazard = Hazard.objects.get(pk=made.json()["hazards"][0])
    assert (hazard.title, hazard.category, hazard.household_id, hazard.source) == ("没有取暖设备", "heating_missing", setup["household"].pk, "contact")


def test_contact_errors_and_scope(setup):
    client = api(setup["clerk"])
    future = client.post("/api/v1/contacts", _body(setup, contacted_at="2099-01-01T10:00:00+08:00", client_id=""), format="json")
    assert (future.status_code, future.json()) == (400, {"detail": "联系时间不能晚于现在。", "field": "contacted_at"})
    channel = client.post("/api/v1/contacts", _body(setup, channel="letter", client_id=""), format="json")
    assert (channel.status_code, channel.json()["field"]) == (400, "channel")
    missing = client.post("/api/v1/contacts", {}, format="json")
    assert missing.status_code == 400 and {e["field"] for e in missing.json()["errors"]} == {"household", "channel"}
    not_listed = make_household(OTHER_VILLAGE, members=["乙"])
    off = api(setup["township"]).post("/api/v1/contacts", _body(setup, household=not_listed.pk, client_id="", campaign=setup["campaign"].pk),
                                      format="json")
    assert (off.status_code, off.json()["detail"]) == (400, "该家庭不在重点关注对象名册中。")
    assert api(setup["nanjie"]).post("/api/v1/contacts", _body(setup, client_id=""), format="json").status_code == 404
    supervisor = make_member(Role.SUPERVISOR, TOWNSHIP, username="supervisor")
    assert api(supervisor).post("/api/v1/contacts", _body(setup, client_id=""), format="json").status_code == 403
    assert Contact.objects.count() == 0


def test_contact_list_and_detail(setup):
    mine = make_contact(setup["household"], setup["campaign"], at=at_local(MONDAY), notes="本村", helper=setup["helper"])
    make_contact(setup["household"], setup["campaign"], at=at_local(MONDAY + timedelta(days=7)), channel="visit")
    elsewhere = make_contact(make_household(NANJIE_VILLAGE, members=["外"]), None, at=at_local(MONDAY), notes="外村")
    listed = api(setup["township"]).get("/api/v1/contacts").json()["results"]
    assert [c["local_date"] for c in listed] == ["2026-11-23", "2026-11-16"]
    assert [c["id"] for c in api(setup["township"]).get("/api/v1/contacts?week=2026-W47").json()["results"]] == [mine.pk]
    assert [c["channel"] for c in api(setup["township"]).get("/api/v1/contacts?channel=visit").json()["results"]] == ["visit"]
    assert api(setup["township"]).get(f"/api/v1/contacts?helper={setup['helper'].pk}").json()["count"] == 1
    assert api(setup["clerk"]).get(f"/api/v1/contacts/{mine.pk}").json()["notes"] == "本村"
    assert api(setup["clerk"]).get(f"/api/v1/contacts/{elsewhere.pk}").status_code == 404
    assert api(setup["nanjie"]).get(f"/api/v1/contacts/{mine.pk}").status_code == 404
    assert api(setup["nanjie"]).get("/api/v1/contacts").json()["count"] == 1


def test_duties(setup):
    alert = make_alert([TOWNSHIP], headline="东关寒潮蓝色预警", onset=at_local(MONDAY + timedelta(days=1), 8))
    due = alert.onset + timedelta(hours=24)
    open_duty = VisitDuty.objects.create(alert=alert, campaign=setup["campaign"], household=setup["household"], region_id=VILLAGE,
                                         issued_at=alert.onset, due_by=due)
    other = make_household(OTHER_VILLAGE, members=["乙"])
    make_entry(setup["campaign"], other)
    VisitDuty.objects.create(alert=alert, campaign=setup["campaign"], household=other, region_id=OTHER_VILLAGE, issued_at=alert.onset,
                             due_by=due, status="missed")
    listed = api(setup["township"]).get(f"/api/v1/duties?alert={alert.pk}").json()["results"]
    assert [(d["head"], d["status"]) for d in listed] == [("甲一", "open"), ("乙", "missed")]
    assert [d["head"] for d in api(setup["township"]).get("/api/v1/duties?status=missed").json()["results"]] == ["乙"]
    assert [d["head"] for d in api(setup["township"]).get(f"/api/v1/duties?region={VILLAGE}").json()["results"]] == ["甲一"]
    assert [d["head"] for d in api(setup["clerk"]).get("/api/v1/duties").json()["results"]] == ["甲一"]
    detail = api(setup["clerk"]).get(f"/api/v1/duties/{open_duty.pk}").json()
    assert (detail["alert_title"], detail["due_by"], detail["contact"]) == ("东关寒潮蓝色预警", "2026-11-18T08:00:00+08:00", None)
    assert api(setup["nanjie"]).get(f"/api/v1/duties/{open_duty.pk}").status_code == 404
