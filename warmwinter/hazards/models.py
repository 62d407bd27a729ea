"""The problem list (问题清单): hazards found on households and premises, to verified close-out (销号)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from warmwinter.hazards.choices import HazardCategory, HazardSource, PremisesKind, Severity
from warmwinter.hazards.workflow import State
from warmwinter.registry.models import ScopedQuerySet


class Premises(models.Model):
    """A place that needs fire-safety inspection: a mall, a gas station, a nursing home ..."""

    region = models.ForeignKey("regions.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="premises")
    name = models.CharField(_("场所名称"), max_length=100)
    kind = models.CharField(_("场所类型"), max_length=30, choices=PremisesKind.choices)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    operator = models.CharField(_("经营/管理单位"), max_length=100, blank=True)
    contact_name = models.CharField(_("安全责任人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("场所")
        verbose_name_plural = _("场所")
        ordering = ["region_id", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="premises_name_in_region")]

    def __str__(self) -> str:
        return self.name


class Hazard(models.Model):
    """One item on the problem list: what, where, who fixes it by when, and where it stands."""

    region = models.ForeignKey("regions.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("registry.Household", verbose_name=_("家庭"), null=True, blank=True, on_delete=models.PROTECT, related_name="hazards")
    premises = models.ForeignKey(Premises, verbose_name=_("场所"), null=True, blank=True, on_delete=models.PROTECT, related_name="hazards")
    category = models.CharField(_("问题类别"), max_length=30, choices=HazardCategory.choices)
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices, default=Severity.GENERAL)
    title = models.CharField(_("问题描述"), max_length=200)
    description = models.TextField(_("详细情况"), blank=True)
    source = models.CharField(_("发现途径"), max_length=20, choices=HazardSource.choices, default=HazardSource.MANUAL)
    response = models.ForeignKey("surveys.SurveyResponse", verbose_name=_("来源记录"), null=True, blank=True, on_delete=models.PROTECT, related_name="hazards")
    rule = models.CharField(_("发现规则"), max_length=60, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.IDENTIFIED)
    responsible_unit = models.CharField(_("责任单位"), max_length=100, blank=True)
    responsible_person = models.CharField(_("责任人"), max_length=50, blank=True)
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    found_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发现人"), null=True, on_delete=models.PROTECT, related_name="+")
    found_at = models.DateTimeField(_("发现时间"))
    fixed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("整改人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("核验人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    escalated_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    reopened = models.PositiveIntegerField(_("核验退回次数"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题清单")
        ordering = ["-found_at", "-id"]
        indexes = [
            models.Index(fields=["region", "state"], name="hazard_region_state"),
            models.Index(fields=["state", "deadline"], name="hazard_state_deadline"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(household__isnull=True) | models.Q(premises__isnull=True), name="hazard_one_subject"),
            # A rule finds a problem once per answer sheet: re-saving the answers does not list it twice.
            models.UniqueConstraint(fields=["response", "rule"], condition=~models.Q(rule=""), name="hazard_rule_once_per_response"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state != State.CLOSED

    @property
    def subject(self):
        return self.household or self.premises


class HazardStep(models.Model):
    """One step of a hazard's life: who moved it, from where to where, with what note."""

    hazard = models.ForeignKey(Hazard, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="steps")
    transition = models.CharField(_("操作"), max_length=30)
    from_state = models.CharField(_("原状态"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=State.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("处置记录")
        verbose_name_plural = _("处置记录")
        ordering = ["at", "id"]


def evidence_path(instance, filename: str) -> str:
    return f"hazards/{instance.hazard_id}/{filename}"


class HazardEvidence(models.Model):
    """A photo (or other file) proving the problem or its fix."""

    hazard = models.ForeignKey(Hazard, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="evidence")
    step = models.ForeignKey(HazardStep, verbose_name=_("处置记录"), null=True, blank=True, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=300)
    content_type = models.CharField(_("类型"), max_length=60)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
