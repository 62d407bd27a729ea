"""The problem-list item's life (requirements.md C7), declared once.

identified → warned → resolved on the spot | escalated → rectifying → rectified → verified → closed (销号).
A failed verification sends the item back to rectifying; whoever rectified (or resolved it on
the spot) may not verify it. Services (hazards.services.hazard_transition) and every interface
read this table; nothing else decides what may follow what.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    IDENTIFIED = "identified", _("已发现")
    WARNED = "warned", _("已警示")
    RESOLVED_ON_SPOT = "resolved_on_spot", _("当场解决")
    ESCALATED = "escalated", _("已上报")
    RECTIFYING = "rectifying", _("整改中")
    RECTIFIED = "rectified", _("已整改")
    VERIFIED = "verified", _("已核验")
    CLOSED = "closed", _("已销号")


OPEN_STATES = frozenset(State) - {State.CLOSED}
# States in which the fix is done and waits for someone else to check it.
AWAITING_VERIFICATION = frozenset({State.RESOLVED_ON_SPOT, State.RECTIFIED})


@dataclass(frozen=True)
class Transition:
    name: str
    label: object
    sources: frozenset
    target: str
    action: str  # accounts.permissions action the actor's role needs at the hazard's region
    needs_note: bool = False
    needs_evidence: bool = False
    not_by_fixer: bool = False  # the verifier may not be the person who fixed it


def _t(name, label, sources, target, action, **kw) -> Transition:
    return Transition(name=name, label=label, sources=frozenset(sources), target=target, action=action, **kw)


_EARLY = (State.IDENTIFIED, State.WARNED)

TRANSITIONS: dict[str, Transition] = {t.name: t for t in [
    _t("warn", _("警示"), [State.IDENTIFIED], State.WARNED, "hazard.handle"),
    _t("resolve_on_spot", _("当场解决"), _EARLY, State.RESOLVED_ON_SPOT, "hazard.handle", needs_note=True),
    _t("escalate", _("上报"), _EARLY, State.ESCALATED, "hazard.handle", needs_note=True),
    _t("start_rectification", _("开始整改"), (*_EARLY, State.ESCALATED), State.RECTIFYING, "hazard.handle"),
    _t("rectify", _("完成整改"), [State.RECTIFYING], State.RECTIFIED, "hazard.handle", needs_note=True),
    _t("verify", _("核验通过"), AWAITING_VERIFICATION, State.VERIFIED, "hazard.verify", not_by_fixer=True),
    _t("reject", _("核验不通过"), AWAITING_VERIFICATION, State.RECTIFYING, "hazard.verify", needs_note=True, not_by_fixer=True),
    _t("close", _("销号"), [State.VERIFIED], State.CLOSED, "hazard.close"),
]}

# Transitions that mark who fixed the item (and so may not verify it).
FIXING = frozenset({"resolve_on_spot", "rectify"})


def available(state: str) -> list[Transition]:
    """Transitions that may follow `state`, in the order a user would take them."""
    return [t for t in TRANSITIONS.values() if state in t.sources]


def transition(name: str) -> Transition:
    return TRANSITIONS[name]
