"""The keyed hash that links audit events into a chain."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime

from django.conf import settings

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq", "created_at", "actor_id", "actor_name", "role", "region_code", "action",
    "object_type", "object_id", "changes", "request_id", "prev_hash",
)


def _canonical(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def event_hash(event) -> str:
    content = {name: _canonical(getattr(event, name)) for name in HASHED_FIELDS}
    payload = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(settings.AUDIT_HMAC_KEY.encode(), payload.encode(), hashlib.sha256).hexdigest()
