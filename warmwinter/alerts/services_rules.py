"""Writes on the alert rules (预警响应规则): deployment-wide data that county officers and admins edit."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from warmwinter.accounts.permissions import role_may
from warmwinter.accounts.scoping import NOT_ALLOWED, memberships_of
from warmwinter.alerts.choices import AlertEvent, Colour
from warmwinter.alerts.models import AlertRule
from warmwinter.audit import services as audit
from warmwinter.core.errors import DomainError, Forbidden

NAME_REQUIRED = _("请填写规则名称。")
BAD_EVENTS = _("预警类型不正确：%(values)s")
BAD_COLOUR = _("预警级别不正确。")
HOURS_RANGE = _("完成时限须在 0 至 720 小时之间。")
MAX_HOURS = 720


@transaction.atomic
def alert_rule_update(*, actor, rule: AlertRule, name: str, events: list[str], min_colour: int, hours: int, active: bool) -> AlertRule:
    """Change what a rule reacts to and how fast; applies to warnings recorded from now on."""
    acting = None
    if actor is not None:  # None: the system (demo, migrations)
        acting = next((m for m in memberships_of(actor) if role_may(m.role, "alert_rule.manage")), None)
        if acting is None:
            raise Forbidden(NOT_ALLOWED)
    name = (name or "").strip()
    if not name:
        raise DomainError(NAME_REQUIRED, field="name")
    events = list(dict.fromkeys(events or []))
    wrong = [e for e in events if e not in AlertEvent.values]
    if wrong:
        raise DomainError(BAD_EVENTS % {"values": "、".join(map(str, wrong))}, field="events")
    events = [e for e in AlertEvent.values if e in events]  # one order, so that an unchanged set is no change
    if min_colour not in Colour.values:
        raise DomainError(BAD_COLOUR, field="min_colour")
    if not 0 <= hours <= MAX_HOURS:
        raise DomainError(HOURS_RANGE, field="hours")
    rule = AlertRule.objects.select_for_update().get(pk=rule.pk)
    after = {"name": name, "events": events, "min_colour": min_colour, "hours": hours, "active": active}
    changes = {f: [getattr(rule, f), v] for f, v in after.items() if getattr(rule, f) != v}
    if not changes:
        return rule
    for field, value in after.items():
        setattr(rule, field, value)
    rule.full_clean()
    rule.save(update_fields=list(changes))
    audit.record(actor=actor, role=acting.role if acting else "", action="alert_rule.update",
                 region_code=acting.region_id if acting else "", obj=rule, changes=changes)
    return rule
