"""Helper pairing (一帮一/一帮多), contacts, contact quotas and weather-triggered visit duties (plans 6 and 7)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from warmwinter.care.choices import CampaignStatus, Channel, DutyStatus, HelperKind, HelperRole, QuotaKind, RosterSource
from warmwinter.registry.models import ScopedQuerySet


class CareCampaign(models.Model):
    """A helping-contact campaign (帮包联系): the roster, helpers and quotas of one region for one winter."""

    region = models.ForeignKey("regions.Region", verbose_name=_("范围"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=100)
    filing_deadline = models.DateField(_("联系表备案截止日期"))
    starts_on = models.DateField(_("联系开始日期"))
    ends_on = models.DateField(_("联系结束日期"))
    roster_categories = models.JSONField(_("纳入名册的人员类别"), default=list)
    contact_template = models.ForeignKey("surveys.SurveyTemplate", verbose_name=_("走访检查表"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮扶联系工作")
        verbose_name_plural = _("帮扶联系工作")
        ordering = ["-starts_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="care_campaign_window_order")]

    def __str__(self) -> str:
        return self.name


class Helper(models.Model):
    """帮扶责任人: a village cadre, Party member or user with the helper role, known by name and phone."""

    region = models.ForeignKey("regions.Region", verbose_name=_("所属村（社区）"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    kind = models.CharField(_("身份"), max_length=20, choices=HelperKind.choices, default=HelperKind.TWO_COMMITTEES)
    position = models.CharField(_("职务"), max_length=50, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("系统账号"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="helper_records")
    active = models.BooleanField(_("在岗"), default=True)
    version = models.PositiveIntegerField(default=1)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮扶责任人")
        verbose_name_plural = _("帮扶责任人")
        ordering = ["region_id", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name", "phone"], name="helper_once_per_village")]

    def __str__(self) -> str:
        return self.name


class RosterEntry(models.Model):
    """A household on a campaign's key-focus roster (重点关注对象名册)."""

    campaign = models.ForeignKey(CareCampaign, verbose_name=_("帮扶联系工作"), on_delete=models.CASCADE, related_name="roster")
    household = models.ForeignKey("registry.Household", verbose_name=_("家庭"), on_delete=models.PROTECT, related_name="roster_entries")
    region = models.ForeignKey("regions.Region", verbose_name=_("所属村（社区）"), on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("纳入方式"), max_length=10, choices=RosterSource.choices)
    categories = models.JSONField(_("人员类别"), default=list)
    reason = models.CharField(_("纳入理由"), max_length=200, blank=True)
    active = models.BooleanField(_("在册"), default=True)
    # What the campaign's quota rules ask of this household, kept here (care.services.requirements_apply)
    # so that compliance is one GROUP BY, not a rule evaluation per household.
    weekly_contacts = models.PositiveSmallIntegerField(_("每周应联系次数"), default=0)
    daily_contact = models.BooleanField(_("每日联系"), default=False)
    visit_hours = models.PositiveSmallIntegerField(_("预警后走访时限（小时）"), null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("添加人"), null=True, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("纳入时间"), auto_now_add=True)
    removed_at = models.DateTimeField(_("移出时间"), null=True, blank=True)
    removed_reason = models.CharField(_("移出理由"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("重点关注对象")
        verbose_name_plural = _("重点关注对象名册")
        ordering = ["region_id", "household_id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "household"], name="roster_once_per_campaign")]
        indexes = [models.Index(fields=["campaign", "region", "active"], name="roster_campaign_region")]


class HelperAssignment(models.Model):
    """Who is responsible for a roster household: one primary, at most one backup, at a time."""

    entry = models.ForeignKey(RosterEntry, verbose_name=_("重点关注对象"), on_delete=models.CASCADE, related_name="assignments")
    helper = models.ForeignKey(Helper, verbose_name=_("帮扶责任人"), on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("角色"), max_length=10, choices=HelperRole.choices, default=HelperRole.PRIMARY)
    active = models.BooleanField(_("有效"), default=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("安排人"), null=True, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("安排时间"), auto_now_add=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("帮扶结对")
        verbose_name_plural = _("帮扶结对")
        constraints = [
            models.UniqueConstraint(fields=["entry", "role"], condition=models.Q(active=True), name="one_active_helper_per_role"),
        ]


class ContactFormFiling(models.Model):
    """帮扶责任联系表 filed for record by a village (through its management area), due by the filing deadline."""

    campaign = models.ForeignKey(CareCampaign, verbose_name=_("帮扶联系工作"), on_delete=models.CASCADE, related_name="filings")
    region = models.ForeignKey("regions.Region", verbose_name=_("村（社区）"), on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("备案时间"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("备案人"), null=True, on_delete=models.PROTECT, related_name="+")
    late = models.BooleanField(_("逾期备案"), default=False)
    households = models.PositiveIntegerField(_("备案户数"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("联系表备案")
        verbose_name_plural = _("联系表备案")
        constraints = [models.UniqueConstraint(fields=["campaign", "region"], name="filing_once_per_village")]


class QuotaRule(models.Model):
    """Data: how often roster households must be contacted. A rule with neither category nor household
    applies to every roster household of the campaign; a household rule wins over a category rule."""

    campaign = models.ForeignKey(CareCampaign, verbose_name=_("帮扶联系工作"), on_delete=models.CASCADE, related_name="quota_rules")
    kind = models.CharField(_("类型"), max_length=20, choices=QuotaKind.choices)
    count = models.PositiveSmallIntegerField(_("每周次数"), default=3)
    hours = models.PositiveSmallIntegerField(_("时限（小时）"), default=24)
    category = models.ForeignKey("registry.Category", verbose_name=_("人员类别"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("registry.Household", verbose_name=_("家庭"), null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("联系频次规则")
        verbose_name_plural = _("联系频次规则")
        constraints = [models.CheckConstraint(condition=models.Q(category__isnull=True) | models.Q(household__isnull=True),
                                              name="quota_rule_one_target")]


def contact_photo_path(instance, filename: str) -> str:
    return f"contacts/{instance.region_id}/{filename}"


class Contact(models.Model):
    """One home visit or phone call to a roster household by its helper."""

    campaign = models.ForeignKey(CareCampaign, verbose_name=_("帮扶联系工作"), null=True, blank=True, on_delete=models.PROTECT, related_name="contacts")
    household = models.ForeignKey("registry.Household", verbose_name=_("家庭"), on_delete=models.PROTECT, related_name="contacts")
    region = models.ForeignKey("regions.Region", verbose_name=_("所属村（社区）"), on_delete=models.PROTECT, related_name="+")
    helper = models.ForeignKey(Helper, verbose_name=_("帮扶责任人"), null=True, blank=True, on_delete=models.PROTECT, related_name="contacts")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("方式"), max_length=10, choices=Channel.choices)
    contacted_at = models.DateTimeField(_("联系时间"))
    # The deployment-time-zone day and week of contacted_at, so quota counts are plain GROUP BYs.
    local_date = models.DateField(_("联系日期"))
    week_start = models.DateField(_("所在周（周一）"))
    answers = models.JSONField(_("检查项"), default=dict, blank=True)
    notes = models.TextField(_("情况记录"), blank=True)
    solved_on_spot = models.TextField(_("当场解决的问题"), blank=True)
    photo = models.FileField(_("照片"), upload_to=contact_photo_path, blank=True, max_length=300)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    client_id = models.CharField(_("客户端编号"), max_length=64, null=True, blank=True, unique=True)
    fingerprint = models.CharField(_("内容指纹"), max_length=64, blank=True)
    hazards = models.ManyToManyField("hazards.Hazard", verbose_name=_("上报的问题"), blank=True, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮扶联系记录")
        verbose_name_plural = _("帮扶联系记录")
        ordering = ["-contacted_at", "-id"]
        indexes = [
            # Covers the week's counts per household (care.selectors._counts, entries_with_compliance).
            models.Index(fields=["campaign", "week_start", "household", "local_date"], name="contact_campaign_week"),
            models.Index(fields=["household", "contacted_at"], name="contact_household_time"),
            models.Index(fields=["region", "local_date"], name="contact_region_date"),
        ]


class VisitDuty(models.Model):
    """A home visit a weather warning requires of a roster household by a deadline (a call does not count)."""

    alert = models.ForeignKey("alerts.WeatherAlert", verbose_name=_("预警"), on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(CareCampaign, verbose_name=_("帮扶联系工作"), on_delete=models.CASCADE, related_name="duties")
    household = models.ForeignKey("registry.Household", verbose_name=_("家庭"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("所属村（社区）"), on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("下达时间"))
    due_by = models.DateTimeField(_("须在此前走访"))
    status = models.CharField(_("状态"), max_length=10, choices=DutyStatus.choices, default=DutyStatus.OPEN)
    contact = models.ForeignKey(Contact, verbose_name=_("走访记录"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("预警走访任务")
        verbose_name_plural = _("预警走访任务")
        ordering = ["due_by", "id"]
        constraints = [models.UniqueConstraint(fields=["alert", "campaign", "household"], name="duty_once_per_alert")]
        indexes = [models.Index(fields=["status", "due_by"], name="duty_status_due")]


class WeekClose(models.Model):
    """The weekly compliance close of a campaign: the figures as they stood when the week ended."""

    campaign = models.ForeignKey(CareCampaign, verbose_name=_("帮扶联系工作"), on_delete=models.CASCADE, related_name="week_closes")
    week_start = models.DateField(_("周一"))
    closed_at = models.DateTimeField(_("结算时间"), auto_now_add=True)
    households = models.PositiveIntegerField(_("名册户数"), default=0)
    compliant = models.PositiveIntegerField(_("达标户数"), default=0)
    without_helper = models.PositiveIntegerField(_("未落实帮扶人户数"), default=0)
    figures = models.JSONField(_("各村情况"), default=dict)

    class Meta:
        verbose_name = _("周达标结算")
        verbose_name_plural = _("周达标结算")
        constraints = [models.UniqueConstraint(fields=["campaign", "week_start"], name="week_close_once")]
