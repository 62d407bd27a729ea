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
    # Serialise appenders: a row lock on PostgreSQL; on SQLite the IMMEDIATE transaction
    # already holds the database write lock.
    head, _ = ChainHead.objects.select_for_update().get_or_create(id=1, defaults={"seq": 0, "hash": ""})
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    event = Event(
        seq=head.seq + 1,
        created_at=timezone.now(),
        actor=actor if is_user else None,
        actor_name=(actor.get_username() if is_user else (actor or SYSTEM_ACTOR) if isinstance(actor, str) else SYSTEM_ACTOR),
        role=str(role or ""),
        region_code=region_code or "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        changes=_jsonable(changes or {}),
        request_id=current_request_id(),
        prev_hash=head.hash or GENESIS,
    )
    event.hash = event_hash(event)
    event.save(force_insert=True)
    ChainHead.objects.filter(id=1).update(seq=event.seq, hash=event.hash)
    return event
