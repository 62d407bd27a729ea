"""How domain errors end a `warmwinter` command: the message(s) on stderr and a non-zero exit."""

from __future__ import annotations

from contextlib import contextmanager

from django.core.management.base import CommandError

from warmwinter.core.errors import DomainError


@contextmanager
def domain_errors_as_command_errors():
    try:
        yield
    except DomainError as exc:
        lines = [str(exc.message), *map(str, exc.errors)]
        raise CommandError("\n".join(lines)) from None
