"""Writes on weather warnings: record one (by hand or from CAP), end it, expire those past their time.

Recording a warning applies the alert rules: region-level actions (patrol intensification, a banner)
are written here; what it asks of households (home visits) is issued by `care` on `alert_activated`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warmwinter.accounts.scoping import membership_for
from warmwinter.alerts import signals
from warmwinter.alerts.choices import ActionKind, AlertEvent, AlertSource, AlertState, Colour
from warmwinter.alerts.models import AlertAction, AlertArea, AlertRule, WeatherAlert
from warmwinter.audit import services as audit
from warmwinter.core.errors import DomainError
from warmwinter.regions.codes import normalize
from warmwinter.regions.models import Region

EXPIRES_ORDER = _("失效时间须晚于生效时间。")
NO_AREA = _("请至少选择一个预警区域。")
UNKNOWN_AREA = _("预警区域代码不存在：%(code)s")
ALREADY_ENDED = _("该预警已结束。")
UNKNOWN_EVENT = _("预警类型不正确。")

# What we ship (data, editable on the rules page): every cold-weather warning asks for a home visit of the
# key-focus households within 24 h (R-P6-05) and a banner; yellow and above steps up street patrols (P1, P3).
DEFAULT_RULES = [
    ("恶劣天气入户走访重点户", [], Colour.BLUE, ActionKind.HOME_VISIT, 24),
    ("恶劣天气提示横幅", [], Colour.BLUE, ActionKind.BANNER, 0),
    ("黄色及以上预警加密街面巡查", [], Colour.YELLOW, ActionKind.PATROL, 0),
]


def seed_rules(AlertRule=AlertRule) -> int:
    if AlertRule.objects.exists():
        return 0
    AlertRule.objects.bulk_create([AlertRule(name=n, events=e, min_colour=c, action=a, hours=h) for n, e, c, a, h in DEFAULT_RULES])
    return len(DEFAULT_RULES)


@dataclass
class AlertInput:
    """A warning as it arrives: from a CAP message (alerts.cap.parse) or typed in."""

    identifier: str
    event: str
    colour: int
    onset: datetime
    expires: datetime
    area_codes: list[str]
    sent: datetime | None = None
    sender: str = ""
    event_text: str = ""
    headline: str = ""
    description: str = ""
    instruction: str = ""
    msg_type: str = "Alert"
    status: str = "Actual"
    references: list[str] = field(default_factory=list)


@transaction.atomic
def alert_record(*, actor, data: AlertInput, source: str = AlertSource.MANUAL, raw: str = "", source_url: str = "") -> WeatherAlert:
    """Record a warning and set its actions in motion. Recording the same identifier again changes nothing;
    a CAP Update replaces the warning it references, a Cancel ends it."""
    codes = []
    for code in data.area_codes:
        if not str(code).strip():
            continue
        try:
            codes.append(normalize(str(code)))
        except ValueError:  # not digits, or too long: not a code we could know
            raise DomainError(UNKNOWN_AREA % {"code": code}, field="areas") from None
    if not codes:
        raise DomainError(NO_AREA, field="areas")
    regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
    for code in codes:
        if code not in regions:
            raise DomainError(UNKNOWN_AREA % {"code": code}, field="areas")
    memberships = [membership_for(actor, action="alert.manage", region_code=code) for code in codes] if actor else []
    role = memberships[0].role if memberships else ""
    if data.event not in AlertEvent.values:
        raise DomainError(UNKNOWN_EVENT, field="event")
    if data.colour not in Colour.values:
        raise DomainError(_("预警级别不正确。"), field="colour")
    if data.expires <= data.onset:
        raise DomainError(EXPIRES_ORDER, field="expires")
    existing = WeatherAlert.objects.filter(identifier=data.identifier).first()
    if existing is not None:
        return existing
    for reference in data.references:
        earlier = WeatherAlert.objects.filter(identifier=reference, state=AlertState.ACTIVE).first()
        if earlier is not None:
            _end(alert=earlier, actor=actor, role=role, state=AlertState.CANCELLED, reason="superseded")
    if data.msg_type == "Cancel":
        # A Cancel only ends what it references; it is kept for the record, already ended.
        state, ended_at = AlertState.CANCELLED, timezone.now()
    else:
        state, ended_at = AlertState.ACTIVE, None
    alert = WeatherAlert.objects.create(
        identifier=data.identifier, sender=data.sender, sent=data.sent or timezone.now(), msg_type=data.msg_type, status=data.status,
        event=data.event, event_text=data.event_text, colour=data.colour, headline=data.headline, description=data.description,
        instruction=data.instruction, onset=data.onset, expires=data.expires, state=state, ended_at=ended_at, source=source,
        source_url=source_url, raw=raw, created_by=actor,
    )
    AlertArea.objects.bulk_create([AlertArea(alert=alert, region=regions[code]) for code in dict.fromkeys(codes)])
    if state == AlertState.ACTIVE and data.status == "Actual":
        now = timezone.now()
        rules = [r for r in AlertRule.objects.filter(active=True) if r.matches(alert)]
        AlertAction.objects.bulk_create([
            AlertAction(alert=alert, rule=rule, kind=rule.action, region=regions[code], started_at=max(alert.onset, now))
            for rule in rules if rule.action != ActionKind.HOME_VISIT for code in dict.fromkeys(codes)
        ])
        if any(r.action == ActionKind.HOME_VISIT for r in rules):
            signals.alert_activated.send(sender=WeatherAlert, alert=alert, actor=actor)
    audit.record(actor=actor, role=role, action="alert.record", region_code=codes[0], obj=alert,
                 changes={"event": [None, alert.event], "colour": [None, alert.colour], "areas": [None, codes],
                          "onset": [None, alert.onset], "expires": [None, alert.expires], "source": [None, source]})
    return alert


def _end(*, alert: WeatherAlert, actor, role: str, state: str, reason: str) -> None:
    now = timezone.now()
    WeatherAlert.objects.filter(pk=alert.pk).update(state=state, ended_at=now)
    AlertAction.objects.filter(alert=alert, active=True).update(active=False, ended_at=now)
    alert.state, alert.ended_at = state, now
    signals.alert_ended.send(sender=WeatherAlert, alert=alert, actor=actor, reason=reason)
    region = alert.areas.values_list("region_id", flat=True).first() or ""
    audit.record(actor=actor, role=role, action="alert.end", region_code=region, obj=alert,
                 changes={"state": [AlertState.ACTIVE, state], "reason": [None, reason]})


@transaction.atomic
def alert_cancel(*, actor, alert: WeatherAlert) -> WeatherAlert:
    """Lift a warning before it expires (解除); its open duties and actions end."""
    codes = list(alert.areas.values_list("region_id", flat=True))
    memberships = [membership_for(actor, action="alert.manage", region_code=code) for code in codes]
    if alert.state != AlertState.ACTIVE:
        raise DomainError(ALREADY_ENDED)
    _end(alert=alert, actor=actor, role=memberships[0].role if memberships else "", state=AlertState.CANCELLED, reason="cancelled")
    return alert


def alerts_expire(*, now: datetime | None = None) -> int:
    """Warnings past their expiry end (run by the scheduler); returns how many."""
    now = now or timezone.now()
    ended = 0
    for alert in WeatherAlert.objects.filter(state=AlertState.ACTIVE, expires__lte=now):
        with transaction.atomic():
            _end(alert=alert, actor=None, role="", state=AlertState.EXPIRED, reason="expired")
        ended += 1
    return ended
