"""audit.services.record: one linked, keyed event per write."""

import pytest
from django.test import override_settings

from tests.factories import make_member
from warmwinter.audit import services as audit
from warmwinter.audit.chain import GENESIS, event_hash
from warmwinter.audit.models import ChainHead, Event
from warmwinter.core.request_context import reset_request_id, set_request_id


def test_events_are_numbered_from_one_and_linked(chain):
    events = list(Event.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == GENESIS
    for previous, event in zip(events, events[1:]):
        assert event.prev_hash == previous.hash
    assert len({e.hash for e in events}) == 5
    head = ChainHead.objects.get()
    assert (head.seq, head.hash) == (5, events[-1].hash)


def test_event_stores_who_where_what(chain):
    event = Event.objects.get(seq=2)
    assert event.actor.username == "liu"
    assert event.actor_name == "liu"
    assert event.role == "township_officer"
    assert event.region_code == "520402005001"
    assert event.action == "household.update"
    assert (event.object_type, event.object_id) == ("registry.household", "1")
    assert event.changes == {"phone": ["", "13800000000"]}
    assert event.request_id == "req-chain"


def test_event_without_a_user_is_by_system(chain):
    event = Event.objects.get(seq=5)
    assert event.actor is None
    assert event.actor_name == audit.SYSTEM_ACTOR
    assert event.role == ""


def test_a_named_operator_is_recorded_by_name(db):
    event = audit.record(actor="ops-wang", action="backup.restore", region_code="")
    assert event.actor_name == "ops-wang"
    assert event.actor is None


def test_object_type_and_id_come_from_the_object(tree):
    region = tree["520402005001"]
    event = audit.record(actor=None, action="region.rename", region_code=region.code, obj=region,
                         changes=audit.changes_between({"name": "旧名"}, {"name": region.name}))
    assert (event.object_type, event.object_id) == ("regions.region", "520402005001")
    assert event.changes == {"name": ["旧名", "金钟社区居民委员会"]}


def test_changes_between_lists_only_differences():
    assert audit.changes_between({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": "新"}) == {"b": [2, 3], "c": [None, "新"]}


def test_dates_and_decimals_in_changes_are_stored_as_json(db):
    import datetime
    import decimal

    event = audit.record(actor=None, action="payment.issue", region_code="520402000000",
                         changes={"amount": [None, decimal.Decimal("1200.50")], "on": [None, datetime.date(2026, 1, 5)]})
    event.refresh_from_db()
    assert event.changes == {"amount": [None, "1200.50"], "on": [None, "2026-01-05"]}
    assert event_hash(event) == event.hash


def test_hash_is_keyed(db):
    event = audit.record(actor=None, action="x.y", region_code="")
    event.refresh_from_db()
    assert event_hash(event) == event.hash
    with override_settings(AUDIT_HMAC_KEY="another-key"):
        assert event_hash(event) != event.hash


def test_request_id_comes_from_the_request(tree, client):
    admin = make_member("admin", "520402000000", username="boss")
    client.force_login(admin)
    response = client.post("/accounts/users/new/", {
        "username": "newclerk", "password": "Snow-Field-9182", "role": "village_clerk", "region": "520402005001",
    }, HTTP_X_REQUEST_ID="trace-abc-123")
    assert response.status_code == 302
    assert response["X-Request-ID"] == "trace-abc-123"
    event = Event.objects.get(action="user.create")
    assert (event.request_id, event.actor_name, event.role, event.region_code) == ("trace-abc-123", "boss", "admin", "520402005001")


def test_failed_write_leaves_no_event(db):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor=None, action="doomed", region_code="")
        raise RuntimeError("the service failed after recording")
    assert not Event.objects.exists()
    assert audit.record(actor=None, action="next", region_code="").seq == 1


def test_command_line_writes_get_a_cli_request_id(db):
    token = set_request_id(None)
    try:
        event = audit.record(actor=None, action="cli.thing", region_code="")
    finally:
        reset_request_id(token)
    assert event.request_id.startswith("cli-")
