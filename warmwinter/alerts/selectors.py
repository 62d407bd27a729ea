"""Reads on weather warnings. A user sees a warning when one of its areas covers their scope or lies inside it:
a county-wide cold wave shows to every village clerk of the county, a township's to its county officer."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warmwinter.accounts.scoping import NOT_FOUND, can, prefixes_for
from warmwinter.alerts.choices import ActionKind, AlertState
from warmwinter.alerts.models import AlertAction, AlertArea, AlertRule, WeatherAlert
from warmwinter.core.errors import Forbidden, NotFound
from warmwinter.regions.codes import CODE_LENGTH, normalize, parent_code, prefix_of

BEYOND_SCOPE = _("该预警覆盖了您管辖范围以外的区域，您无权解除。")
IN_FORCE = "in_force"  # a list filter beside the stored states: active and between onset and expiry


def covering_codes(code: str) -> list[str]:
    """The region itself and every ancestor: the areas whose subtree contains this region."""
    codes, current = [], normalize(code)
    while current:
        codes.append(current)
        current = parent_code(current)
    return codes


def _region_q(prefix: str, field: str = "region") -> Q:
    """Areas inside the subtree of `prefix`, or covering it."""
    return Q(**{f"{field}__code__startswith": prefix}) | Q(**{f"{field}_id__in": covering_codes(prefix.ljust(CODE_LENGTH, "0"))})


def _visible_area_q(user, action: str) -> Q | None:
    prefixes = prefixes_for(user, action)
    if not prefixes:
        return None
    q = Q()
    for prefix in prefixes:
        q |= _region_q(prefix)
    return q


def _visible(user, action: str = "alert.view") -> QuerySet[WeatherAlert]:
    q = _visible_area_q(user, action)
    if q is None:
        return WeatherAlert.objects.none()
    return WeatherAlert.objects.filter(pk__in=AlertArea.objects.filter(q).values("alert_id"))


def in_force_q(at: datetime | None = None) -> Q:
    at = at or timezone.now()
    return Q(state=AlertState.ACTIVE, onset__lte=at, expires__gt=at)


def alerts_for(user, *, state: str = "", region: str = "", at: datetime | None = None) -> QuerySet[WeatherAlert]:
    """Warnings the user can see, those in force first, then newest first; `state` may also be "in_force"."""
    at = at or timezone.now()
    alerts = _visible(user)
    if state == IN_FORCE:
        alerts = alerts.filter(in_force_q(at))
    elif state:
        alerts = alerts.filter(state=state)
    if region:
        try:
            prefix = prefix_of(normalize(region))
        except ValueError:
            return alerts.none()
        alerts = alerts.filter(pk__in=AlertArea.objects.filter(_region_q(prefix)).values("alert_id"))
    return (alerts.annotate(in_force_rank=Case(When(in_force_q(at), then=Value(0)), default=Value(1), output_field=IntegerField()))
            .order_by("in_force_rank", "-onset", "-id"))


def alerts_in_force_for(user, at: datetime | None = None) -> QuerySet[WeatherAlert]:
    """Warnings in force now over (or inside) the user's regions, most severe first."""
    return _visible(user).filter(in_force_q(at)).order_by("-colour", "expires", "id")


def banner_alerts_for(user, at: datetime | None = None) -> list[WeatherAlert]:
    """What the banner shows: warnings in force whose rules asked for a banner (an active banner action)."""
    if not prefixes_for(user, "alert.view"):
        return []
    banner = AlertAction.objects.filter(kind=ActionKind.BANNER, active=True).values("alert_id")
    return list(alerts_in_force_for(user, at).filter(pk__in=banner)[:5])


def access_alert(user, alert_id: int, *, action: str = "alert.view") -> WeatherAlert:
    alert = _visible(user, action).filter(pk=alert_id).select_related("created_by").first()
    if alert is None:
        raise NotFound(NOT_FOUND)
    return alert


def may_cancel(user, alert: WeatherAlert) -> bool:
    """Active, and every area lies where the user may manage warnings."""
    return alert.state == AlertState.ACTIVE and all(can(user, "alert.manage", code) for code in area_codes(alert))


def access_alert_to_cancel(user, alert_id: int) -> WeatherAlert:
    """A warning the user can see (404 otherwise) and whose every area they may manage (403 otherwise)."""
    alert = access_alert(user, alert_id)
    if not all(can(user, "alert.manage", code) for code in area_codes(alert)):
        raise Forbidden(BEYOND_SCOPE)
    return alert


def area_codes(alert: WeatherAlert) -> list[str]:
    return list(alert.areas.order_by("region_id").values_list("region_id", flat=True))


def areas_of(alert: WeatherAlert) -> QuerySet[AlertArea]:
    return alert.areas.select_related("region", "region__parent").order_by("region_id")


def actions_of(alert: WeatherAlert) -> QuerySet[AlertAction]:
    return alert.actions.select_related("region", "rule").order_by("kind", "region_id")


def patrol_intensified(region_code: str, at: datetime | None = None) -> bool:
    """Does a warning in force call for intensified street patrols over this region or any part of it?"""
    at = at or timezone.now()
    prefix = prefix_of(normalize(region_code))
    return AlertAction.objects.filter(
        _region_q(prefix), kind=ActionKind.PATROL, started_at__lte=at, alert__onset__lte=at, alert__expires__gt=at,
    ).filter(Q(ended_at__isnull=True) | Q(ended_at__gt=at)).exists()


def rules_for(user) -> QuerySet[AlertRule]:
    """The alert rules: deployment-wide data, seen by everyone who sees warnings."""
    return AlertRule.objects.all() if can(user, "alert.view") else AlertRule.objects.none()


def access_rule(user, rule_id: int) -> AlertRule:
    rule = rules_for(user).filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(NOT_FOUND)
    return rule
