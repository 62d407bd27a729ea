"""Errors every interface maps in one place: pages to messages, API to 4xx, CLI to exit codes."""

from __future__ import annotations

from django.http import Http404


class DomainError(Exception):
    """A request that cannot be done as asked (bad input, invalid state); shown to the user."""

    status_code = 400

    def __init__(self, message, *, field: str | None = None, errors: list | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.errors = errors or []


class NotFound(DomainError, Http404):
    """Missing or outside the user's scope: the same answer for both, so scope does not leak."""

    status_code = 404


class Forbidden(DomainError):
    """Visible, but the user's role may not do this action."""

    status_code = 403


class Conflict(DomainError):
    """The request clashes with what is stored (a stale version, a reused idempotency key)."""

    status_code = 409
