"""Fixtures for the audit chain tests: a few real events, and raw SQL as an attacker would use it."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from tests.factories import make_member
from warmwinter.audit import services as audit
from warmwinter.audit import triggers
from warmwinter.core.request_context import reset_request_id, set_request_id


@pytest.fixture
def append_only(db):
    """The append-only triggers, whatever a transactional test elsewhere left behind."""
    triggers.install(connection)
    yield


@pytest.fixture
def chain(append_only, tree):
    """Five events by two people in two counties, as services write them."""
    officer = make_member("township_officer", "520402005000", username="liu", display_name="刘助理员")
    other = make_member("township_officer", "520403100000", username="xia", display_name="夏助理员")
    token = set_request_id("req-chain")
    try:
        events = [
            audit.record(actor=officer, role="township_officer", action="household.register", region_code="520402005001",
                         object_type="registry.household", object_id="1", changes={"name": [None, "张三"]}),
            audit.record(actor=officer, role="township_officer", action="household.update", region_code="520402005001",
                         object_type="registry.household", object_id="1", changes={"phone": ["", "13800000000"]}),
            audit.record(actor=other, role="township_officer", action="household.register", region_code="520403100200",
                         object_type="registry.household", object_id="2", changes={"name": [None, "李四"]}),
            audit.record(actor=officer, role="township_officer", action="hazard.close", region_code="520402005002",
                         object_type="hazards.hazard", object_id="7", changes={"status": ["rectified", "closed"]}),
            audit.record(actor=None, action="region.load", region_code="520402000000", changes={"created": [None, 22]}),
        ]
    finally:
        reset_request_id(token)
    return events


class Attacker:
    """Someone with the database owner's rights: drops the triggers and edits rows with raw SQL."""

    def __init__(self, connection):
        self.connection = connection

    def execute(self, sql: str, params=()) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    def set_changes(self, seq: int, changes: dict) -> int:
        cast = "CAST(%s AS jsonb)" if self.connection.vendor == "postgresql" else "%s"
        return self.execute(f"UPDATE audit_event SET changes = {cast} WHERE seq = %s", [json.dumps(changes, ensure_ascii=False), seq])


@pytest.fixture
def attacker(append_only):
    triggers.remove(connection)
    yield Attacker(connection)
    triggers.install(connection)
