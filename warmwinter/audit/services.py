"""Appending to the audit chain. Every service write calls `record` inside its transaction."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from warmwinter.audit.chain import GENESIS, event_hash
from warmwinter.audit.models import ChainHead, Event
from warmwinter.core.request_context import current_request_id

SYSTEM_ACTOR = "system"


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """{"field": [before, after]} for every field whose value differs."""
    keys = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def snapshot(obj, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


class ChainAppender:
    """Appends events to the chain inside the caller's transaction, in batches.

    Opening it locks the chain head (a row lock on PostgreSQL; on SQLite the IMMEDIATE
    transaction already holds the database write lock), so appenders queue one behind the other.
    """

    BATCH = 2000

    def __init__(self, actor):
        head, _ = ChainHead.objects.select_for_update().get_or_create(id=1, defaults={"seq": 0, "hash": ""})
        self.seq, self.prev = head.seq, head.hash or GENESIS
        is_user = actor is not None and getattr(actor, "is_authenticated", False)
        self.actor = actor if is_user else None
        self.actor_name = actor.get_username() if is_user else (actor if isinstance(actor, str) and actor else SYSTEM_ACTOR)
        self.now = timezone.now()
        self.request_id = current_request_id()
        self.batch: list[Event] = []
        self.written = 0

    def add(self, *, action: str, region_code: str, role: str = "", object_type: str = "", object_id="", changes: dict | None = None) -> Event:
        self.seq += 1
        event = Event(
            seq=self.seq, created_at=self.now, actor=self.actor, actor_name=self.actor_name, role=str(role or ""),
            region_code=region_code or "", action=action, object_type=object_type, object_id=str(object_id),
            changes=_jsonable(changes or {}), request_id=self.request_id, prev_hash=self.prev,
        )
        event.hash = event_hash(event)
        self.prev = event.hash
        self.batch.append(event)
        if len(self.batch) >= self.BATCH:
            self.flush()
        return event

    def flush(self) -> None:
        if self.batch:
            Event.objects.bulk_create(self.batch)
            self.written += len(self.batch)
            self.batch = []

    def close(self) -> None:
        self.flush()
        if self.written:
            ChainHead.objects.filter(id=1).update(seq=self.seq, hash=self.prev)


@transaction.atomic
def record(
    *,
    actor,
    action: str,
    region_code: str,
    role: str = "",
    obj=None,
    object_type: str = "",
    object_id: str = "",
    changes: dict[str, list] | None = None,
) -> Event:
    """Append one event to the chain, in the caller's transaction."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    appender = ChainAppender(actor)
    event = appender.add(action=action, region_code=region_code, role=role, object_type=object_type,
                         object_id=object_id, changes=changes)
    appender.close()
    return event
