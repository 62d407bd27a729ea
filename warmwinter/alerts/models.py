"""Weather warnings (气象预警) and the rules that say what a warning sets in motion.

This app knows regions only. What a warning obliges people to do with households (home visits of
key-focus households) lives in `care`, which listens to `alerts.signals`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warmwinter.alerts.choices import ActionKind, AlertEvent, AlertSource, AlertState, Colour
from warmwinter.registry.models import ScopedQuerySet


class WeatherAlert(models.Model):
    identifier = models.CharField(_("预警编号"), max_length=200, unique=True)
    sender = models.CharField(_("发布单位"), max_length=200, blank=True)
    sent = models.DateTimeField(_("发布时间"))
    msg_type = models.CharField(_("消息类型"), max_length=10, default="Alert")
    status = models.CharField(_("CAP 状态"), max_length=10, default="Actual")
    event = models.CharField(_("预警类型"), max_length=20, choices=AlertEvent.choices)
    event_text = models.CharField(_("预警名称"), max_length=100, blank=True)
    colour = models.PositiveSmallIntegerField(_("预警级别"), choices=Colour.choices)
    headline = models.CharField(_("标题"), max_length=300, blank=True)
    description = models.TextField(_("内容"), blank=True)
    instruction = models.TextField(_("防御指南"), blank=True)
    onset = models.DateTimeField(_("生效时间"))
    expires = models.DateTimeField(_("失效时间"))
    state = models.CharField(_("状态"), max_length=10, choices=AlertState.choices, default=AlertState.ACTIVE)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=AlertSource.choices, default=AlertSource.MANUAL)
    source_url = models.CharField(_("来源网址"), max_length=500, blank=True)
    raw = models.TextField(_("原文"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("气象预警")
        verbose_name_plural = _("气象预警")
        ordering = ["-onset", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(expires__gt=models.F("onset")), name="alert_expires_after_onset")]

    def __str__(self) -> str:
        return self.headline or f"{self.get_event_display()}{self.get_colour_display()}预警"

    def in_force(self, at=None) -> bool:
        at = at or timezone.now()
        return self.state == AlertState.ACTIVE and self.onset <= at < self.expires


class AlertArea(models.Model):
    """A region a warning covers (by division code; a county code covers its whole subtree)."""

    alert = models.ForeignKey(WeatherAlert, verbose_name=_("预警"), on_delete=models.CASCADE, related_name="areas")
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("预警区域")
        verbose_name_plural = _("预警区域")
        constraints = [models.UniqueConstraint(fields=["alert", "region"], name="alert_area_once")]


class AlertRule(models.Model):
    """Data: which warnings (events, at least which colour) set which action in motion, with what deadline."""

    name = models.CharField(_("名称"), max_length=100)
    events = models.JSONField(_("预警类型"), default=list, help_text=_("空表示任何类型"))
    min_colour = models.PositiveSmallIntegerField(_("最低级别"), choices=Colour.choices, default=Colour.BLUE)
    action = models.CharField(_("措施"), max_length=20, choices=ActionKind.choices)
    hours = models.PositiveIntegerField(_("完成时限（小时）"), default=24)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("预警响应规则")
        verbose_name_plural = _("预警响应规则")
        ordering = ["action", "min_colour", "id"]

    def __str__(self) -> str:
        return self.name

    def matches(self, alert: WeatherAlert) -> bool:
        return self.active and alert.colour >= self.min_colour and (not self.events or alert.event in self.events)


class AlertAction(models.Model):
    """A region-level action a warning set in motion: patrol intensification or a banner. Ends with the warning."""

    alert = models.ForeignKey(WeatherAlert, verbose_name=_("预警"), on_delete=models.CASCADE, related_name="actions")
    rule = models.ForeignKey(AlertRule, verbose_name=_("规则"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("措施"), max_length=20, choices=ActionKind.choices)
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(_("有效"), default=True)
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("预警措施")
        verbose_name_plural = _("预警措施")
        constraints = [models.UniqueConstraint(fields=["alert", "rule", "region"], name="alert_action_once")]
