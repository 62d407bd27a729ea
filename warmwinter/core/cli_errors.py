"""How domain errors end a `warmwinter` command: the message(s) on stderr and a non-zero exit."""

from __future__ import annotations

from contextlib import contextmanager

from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy as _

from warmwinter.core.errors import DomainError


@contextmanager
def domain_errors_as_command_errors():
    try:
        yield
    except DomainError as exc:
        lines = [str(exc.message), *map(str, exc.errors)]
        raise CommandError("\n".join(lines)) from None


UNKNOWN_USER = _("用户不存在或已停用：%(name)s")


def acting_user(username: str | None):
    """The active user a command acts as (`--user NAME`), or None for the operator; CommandError if unknown."""
    from django.contrib.auth import get_user_model

    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(UNKNOWN_USER % {"name": username})
    return user


def percent(value) -> str:
    """A rate for a terminal table: 66.7% or — when there is nothing to divide by."""
    return "—" if value is None else f"{value}%"
