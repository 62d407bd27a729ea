"""Survey templates (摸排表), rounds, answers, unit reports and spot checks (四不两直).

A template is data: a versioned list of questions and the rules that turn answers into
findings (hazards.services turns findings into problem-list items). One answer sheet per
household (or premises) per round; a repeat visit in the same round edits it, the next
round's form starts from it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from warmwinter.registry.models import ScopedQuerySet
from warmwinter.surveys.choices import ResponseKind, ResponseSource, RoundStatus, Subject


def _english() -> bool:
    return (get_language() or "").startswith("en")


class SurveyTemplate(models.Model):
    """One version of a survey form. Questions and rules are JSON, see surveys/templates.py."""

    code = models.SlugField(_("模板代码"), max_length=40)
    version = models.PositiveIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=150)
    plan = models.CharField(_("来源方案"), max_length=20, blank=True)
    subject = models.CharField(_("对象"), max_length=10, choices=Subject.choices, default=Subject.HOUSEHOLD)
    questions = models.JSONField(_("题目"), default=list)
    rules = models.JSONField(_("发现问题规则"), default=list)
    params = models.JSONField(_("规则参数"), default=dict, blank=True)
    report_sections = models.JSONField(_("报告栏目"), default=list, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("摸排表模板")
        verbose_name_plural = _("摸排表模板")
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="survey_template_code_version")]

    def __str__(self) -> str:
        return f"{self.name_en if _english() else self.name} v{self.version}"

    def question(self, key: str) -> dict | None:
        return next((q for q in self.questions if q["key"] == key), None)


class SurveyRound(models.Model):
    """摸排: one template run over a region in a window, with an optional report deadline."""

    template = models.ForeignKey(SurveyTemplate, verbose_name=_("模板"), on_delete=models.PROTECT, related_name="rounds")
    region = models.ForeignKey("regions.Region", verbose_name=_("范围"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=100)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    report_deadline = models.DateTimeField(_("报送截止时间"), null=True, blank=True)
    params = models.JSONField(_("规则参数"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("摸排")
        verbose_name_plural = _("摸排")
        ordering = ["-starts_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="survey_round_window_order")]

    def __str__(self) -> str:
        return self.name

    @property
    def subject(self) -> str:
        return self.template.subject

    def rule_params(self) -> dict:
        return {**self.template.params, **(self.params or {})}


class SurveyAssignment(models.Model):
    """Who surveys which village (or which households in it) in a round."""

    round = models.ForeignKey(SurveyRound, verbose_name=_("摸排"), on_delete=models.CASCADE, related_name="assignments")
    region = models.ForeignKey("regions.Region", verbose_name=_("村（社区）"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("registry.Household", verbose_name=_("家庭"), null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    surveyor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("摸排人"), on_delete=models.PROTECT, related_name="survey_assignments")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("摸排任务")
        verbose_name_plural = _("摸排任务")
        constraints = [
            models.UniqueConstraint(fields=["round", "region", "household", "surveyor"], name="survey_assignment_unique"),
        ]


class SurveyResponse(models.Model):
    """One answer sheet: a household's survey, a premises inspection, or a spot-check re-visit."""

    round = models.ForeignKey(SurveyRound, verbose_name=_("摸排"), null=True, blank=True, on_delete=models.PROTECT, related_name="responses")
    template = models.ForeignKey(SurveyTemplate, verbose_name=_("模板"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=20, choices=ResponseKind.choices, default=ResponseKind.SURVEY)
    region = models.ForeignKey("regions.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("registry.Household", verbose_name=_("家庭"), null=True, blank=True, on_delete=models.PROTECT, related_name="survey_responses")
    premises = models.ForeignKey("hazards.Premises", verbose_name=_("场所"), null=True, blank=True, on_delete=models.PROTECT, related_name="inspections")
    surveyor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("摸排人"), null=True, on_delete=models.PROTECT, related_name="+")
    inspectors = models.CharField(_("检查人员"), max_length=200, blank=True)
    visited_at = models.DateTimeField(_("走访时间"))
    answers = models.JSONField(_("答案"), default=dict)
    persons_covered = models.PositiveIntegerField(_("见到人数"), default=0)
    # Copied out of the answers so the rates are plain column sums (plan 7's 100 % targets).
    leaflet_given = models.BooleanField(_("已发放明白纸"), null=True)
    education_given = models.BooleanField(_("已面对面安全教育"), null=True)
    notes = models.TextField(_("备注"), blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=ResponseSource.choices, default=ResponseSource.PAGE)
    client_id = models.CharField(_("客户端编号"), max_length=64, null=True, blank=True, unique=True)
    late = models.BooleanField(_("逾期提交"), default=False)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("摸排记录")
        verbose_name_plural = _("摸排记录")
        ordering = ["-visited_at", "-id"]
        indexes = [
            models.Index(fields=["round", "region"], name="survey_response_round_region"),
            models.Index(fields=["household", "-visited_at"], name="survey_response_household"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["round", "household"], condition=models.Q(kind="survey", household__isnull=False),
                                    name="survey_response_one_per_household"),
            models.UniqueConstraint(fields=["round", "premises"], condition=models.Q(kind="survey", premises__isnull=False),
                                    name="survey_response_one_per_premises"),
            models.CheckConstraint(condition=models.Q(household__isnull=True) | models.Q(premises__isnull=True),
                                   name="survey_response_one_subject"),
        ]

    def __str__(self) -> str:
        subject = self.household or self.premises
        return f"{subject} · {self.visited_at:%Y-%m-%d}"


class UnitReport(models.Model):
    """The survey situation report of a unit (P4: 现状、问题、对策、建议), due by the round's deadline."""

    round = models.ForeignKey(SurveyRound, verbose_name=_("摸排"), on_delete=models.CASCADE, related_name="unit_reports")
    region = models.ForeignKey("regions.Region", verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="+")
    situation = models.TextField(_("现状"))
    problems = models.TextField(_("问题"))
    measures = models.TextField(_("对策"))
    suggestions = models.TextField(_("建议"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("报送时间"))
    late = models.BooleanField(_("逾期报送"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("摸排情况报告")
        verbose_name_plural = _("摸排情况报告")
        constraints = [models.UniqueConstraint(fields=["round", "region"], name="unit_report_once_per_unit")]


class SpotCheck(models.Model):
    """四不两直: a random sample of surveyed households or premises to re-visit unannounced."""

    round = models.ForeignKey(SurveyRound, verbose_name=_("摸排"), on_delete=models.PROTECT, related_name="spot_checks")
    region = models.ForeignKey("regions.Region", verbose_name=_("抽查范围"), on_delete=models.PROTECT, related_name="+")
    size = models.PositiveIntegerField(_("样本量"))
    seed = models.BigIntegerField(_("随机种子"))
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("抽取人"), null=True, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("四不两直抽查")
        verbose_name_plural = _("四不两直抽查")
        ordering = ["-drawn_at", "-id"]


class SpotCheckItem(models.Model):
    """One drawn household or premises: the original answers, the inspector's, and where they differ."""

    spot_check = models.ForeignKey(SpotCheck, verbose_name=_("抽查"), on_delete=models.CASCADE, related_name="items")
    region = models.ForeignKey("regions.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="+")
    original = models.ForeignKey(SurveyResponse, verbose_name=_("原摸排记录"), on_delete=models.PROTECT, related_name="+")
    recheck = models.OneToOneField(SurveyResponse, verbose_name=_("暗访记录"), null=True, blank=True, on_delete=models.PROTECT, related_name="spot_check_item")
    mismatches = models.JSONField(_("不一致项"), default=list)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("抽查对象")
        verbose_name_plural = _("抽查对象")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["spot_check", "original"], name="spot_check_item_once")]

    @property
    def done(self) -> bool:
        return self.recheck_id is not None
