from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "audit.view") -> "EventQuerySet":
        from warmwinter.accounts.scoping import scope_filter

        return scope_filter(self, user, action=action, field="region_code")


class Event(models.Model):
    """One audited write. Append-only: database triggers refuse UPDATE and DELETE.

    `hash` is an HMAC over this event's content and `prev_hash`, so editing, deleting or
    reordering any row breaks the chain that `warmwinter audit verify` walks.
    """

    seq = models.BigIntegerField(_("序号"), unique=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=150)
    role = models.CharField(_("角色"), max_length=32, blank=True)
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True, db_index=True)
    action = models.CharField(_("动作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class ChainHead(models.Model):
    """The last event's seq and hash (one row), so deleting events at the end is caught too."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)
