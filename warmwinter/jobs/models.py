"""Which scheduled runs have been enqueued: one row per (job, slot), so two schedulers never enqueue the same run."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    """A periodic job's planned run (slot) that a scheduler has put on the queue."""

    name = models.CharField(_("任务"), max_length=100)
    slot = models.DateTimeField(_("计划时间"))
    enqueued_at = models.DateTimeField(_("入队时间"), default=timezone.now)
    task_result_id = models.CharField(_("队列任务编号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("定时任务运行")
        verbose_name_plural = _("定时任务运行")
        ordering = ["-slot", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="scheduled_run_once")]
        indexes = [models.Index(fields=["slot"], name="scheduled_run_slot")]

    def __str__(self) -> str:
        return f"{self.name} @ {self.slot:%Y-%m-%d %H:%M}"
