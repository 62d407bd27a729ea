"""Human names of audited actions. Each app registers its own from its AppConfig.ready()."""

from __future__ import annotations

from django.utils.functional import Promise

_LABELS: dict[str, Promise | str] = {}


def register_action_labels(labels: dict[str, Promise | str]) -> None:
    _LABELS.update(labels)


def action_labels() -> dict[str, Promise | str]:
    return dict(_LABELS)
