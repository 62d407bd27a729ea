"""The audit page and API: auditors see their county's events, nobody else sees any."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from tests.factories import make_member
from warmwinter.audit import services as audit

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(monkeypatch, when: datetime, **fields):
    with monkeypatch.context() as patch:
        patch.setattr("django.utils.timezone.now", lambda: when)
        return audit.record(**fields)


@pytest.fixture
def events(append_only, tree, monkeypatch):
    """Two events in 东关街道 (one per date), one in 南街街道, one in 平坝区 next door."""
    return [
        _at(monkeypatch, datetime(2026, 1, 10, 9, 30, tzinfo=SHANGHAI), actor="wang-clerk", action="household.register",
            region_code="520402005001", changes={"name": [None, "张三"]}),
        _at(monkeypatch, datetime(2026, 1, 20, 23, 30, tzinfo=SHANGHAI), actor="liu-officer", action="hazard.close",
            region_code="520402005002"),
        _at(monkeypatch, datetime(2026, 1, 20, 8, 0, tzinfo=SHANGHAI), actor="zhao-nanjie", action="household.update",
            region_code="520402001001"),
        _at(monkeypatch, datetime(2026, 1, 15, 8, 0, tzinfo=SHANGHAI), actor="xia-pingba", action="pingba.secret",
            region_code="520403100200"),
    ]


@pytest.fixture
def auditor(tree):
    return make_member("auditor", "520402000000", username="zhou-auditor")


def _page(client, user, **params):
    client.force_login(user)
    return client.get("/audit/", params)


def _rows(response) -> set[str]:
    return {e.actor_name for e in response.context["page"]}


def test_auditor_sees_own_county_only(client, events, auditor):
    response = _page(client, auditor)
    assert response.status_code == 200
    assert _rows(response) == {"wang-clerk", "liu-officer", "zhao-nanjie"}
    content = response.content.decode()
    assert "wang-clerk" in content and "张三" in content
    assert "xia-pingba" not in content
    assert "pingba.secret" not in content  # not even in the action filter list


def test_filter_by_region(client, events, auditor):
    assert _rows(_page(client, auditor, region="520402005")) == {"wang-clerk", "liu-officer"}
    assert _rows(_page(client, auditor, region="520402005001")) == {"wang-clerk"}


def test_region_filter_cannot_widen_scope(client, events, auditor):
    assert _rows(_page(client, auditor, region="520403")) == set()
    assert _rows(_page(client, auditor, region="52")) == {"wang-clerk", "liu-officer", "zhao-nanjie"}


def test_filter_by_actor_and_action(client, events, auditor):
    assert _rows(_page(client, auditor, actor="LIU")) == {"liu-officer"}
    assert _rows(_page(client, auditor, action="household.")) == {"wang-clerk", "zhao-nanjie"}
    assert _rows(_page(client, auditor, action="household.update")) == {"zhao-nanjie"}


def test_filter_by_date_in_local_time(client, events, auditor):
    assert _rows(_page(client, auditor, date_from="2026-01-11")) == {"liu-officer", "zhao-nanjie"}
    assert _rows(_page(client, auditor, date_to="2026-01-10")) == {"wang-clerk"}
    # 23:30 in Shanghai on the 20th is still the 20th.
    assert _rows(_page(client, auditor, date_from="2026-01-20", date_to="2026-01-20")) == {"liu-officer", "zhao-nanjie"}
    assert _rows(_page(client, auditor, date_from="not-a-date")) == {"wang-clerk", "liu-officer", "zhao-nanjie"}


def test_township_auditor_sees_own_township_only(client, events, tree):
    township_admin = make_member("admin", "520402001000", username="nanjie-admin")
    assert _rows(_page(client, township_admin)) == {"zhao-nanjie"}


@pytest.mark.parametrize("role, code", [("village_clerk", "520402005001"), ("county_officer", "520402000000"), ("supervisor", "520402000000")])
def test_roles_without_audit_view_get_404(client, events, role, code):
    response = _page(client, make_member(role, code))
    assert response.status_code == 404


def test_anonymous_is_sent_to_login(client, events):
    response = client.get("/audit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def _api(user, **params):
    api = APIClient()
    api.force_authenticate(user)
    return api.get("/api/v1/audit/events", params)


def test_api_lists_events_in_scope(events, auditor):
    response = _api(auditor)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [e["actor"] for e in body["results"]] == ["zhao-nanjie", "liu-officer", "wang-clerk"]  # newest seq first
    first = body["results"][-1]
    assert first["seq"] == 1
    assert first["region_code"] == "520402005001"
    assert first["action"] == "household.register"
    assert first["changes"] == {"name": [None, "张三"]}


def test_api_filters(events, auditor):
    assert [e["actor"] for e in _api(auditor, region="520402001").json()["results"]] == ["zhao-nanjie"]
    assert [e["actor"] for e in _api(auditor, actor="wang").json()["results"]] == ["wang-clerk"]
    assert [e["actor"] for e in _api(auditor, date_from="2026-01-20").json()["results"]] == ["zhao-nanjie", "liu-officer"]
    assert _api(auditor, region="520403").json()["count"] == 0


def test_api_with_a_real_bearer_token(events, tree):
    from warmwinter.accounts.tokens import token_issue

    auditor = make_member("auditor", "520402000000")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=auditor)}")
    assert api.get("/api/v1/audit/events").json()["count"] == 3


def test_api_refuses_village_clerk_with_404(events):
    from warmwinter.accounts.scoping import NOT_FOUND

    response = _api(make_member("village_clerk", "520402005001"))
    assert response.status_code == 404
    assert response.json() == {"detail": str(NOT_FOUND)}


def test_api_refuses_anonymous(events):
    assert APIClient().get("/api/v1/audit/events").status_code == 401
