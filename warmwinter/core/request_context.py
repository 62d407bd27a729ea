"""The id of the request (or command) being served, so audit events can name it."""

from __future__ import annotations

import contextvars
import uuid

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def current_request_id() -> str:
    value = _request_id.get()
    if value is None:
        value = "cli-" + uuid.uuid4().hex[:12]
        _request_id.set(value)
    return value


def set_request_id(value: str | None) -> contextvars.Token:
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token) -> None:
    _request_id.reset(token)
