from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from warmwinter.regions.codes import Level, level_of, prefix_of


class RegionQuerySet(models.QuerySet):
    def subtree(self, root_code: str) -> "RegionQuerySet":
        return self.filter(code__startswith=prefix_of(root_code))

    def visible_to(self, user, action: str = "region.view") -> "RegionQuerySet":
        from warmwinter.accounts.scoping import scope_filter

        return scope_filter(self, user, action=action, field="code")


class Region(models.Model):
    """One administrative division, keyed by its 12-digit statistical code."""

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("级别"), choices=Level.choices, db_index=True)
    parent = models.ForeignKey("self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    management_area = models.ForeignKey(
        "ManagementArea", verbose_name=_("管区"), null=True, blank=True, on_delete=models.SET_NULL, related_name="villages"
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="region_level_range"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def prefix(self) -> str:
        return prefix_of(self.code)

    def save(self, *args, **kwargs):
        self.level = level_of(self.code)
        super().save(*args, **kwargs)

    @property
    def region_code(self) -> str:
        """Scoping key: a region is in its own subtree."""
        return self.code


class ManagementArea(models.Model):
    """管区: a group of villages under one township, with its own head."""

    township = models.ForeignKey(Region, verbose_name=_("乡镇"), on_delete=models.PROTECT, related_name="management_areas")
    name = models.CharField(_("名称"), max_length=100)

    class Meta:
        verbose_name = _("管区")
        verbose_name_plural = _("管区")
        ordering = ["township_id", "name"]
        constraints = [models.UniqueConstraint(fields=["township", "name"], name="management_area_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def region_code(self) -> str:
        return self.township_id
