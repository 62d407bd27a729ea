"""The ledger (台账): households, persons and the categories that make them a focus of relief."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from warmwinter.registry import idnumbers, protection
from warmwinter.registry.choices import CategoryLevel, Gender, HeatingMethod, HouseholdStatus, HousingCondition, Relation


class ScopedQuerySet(models.QuerySet):
    scope_field = "region__code"

    def visible_to(self, user, action: str = "registry.view"):
        from warmwinter.accounts.scoping import scope_filter

        return scope_filter(self, user, action=action, field=self.scope_field)


class Category(models.Model):
    """A vulnerability category (低保, 特困, 残疾人 ...). Data, so admins can add local ones."""

    code = models.SlugField(_("代码"), max_length=40, primary_key=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=80)
    level = models.CharField(_("适用对象"), max_length=10, choices=CategoryLevel.choices, default=CategoryLevel.PERSON)
    has_grade = models.BooleanField(_("分等级"), default=False, help_text=_("如残疾等级 1–4 级"))
    aliases = models.CharField(_("别名"), max_length=200, blank=True, help_text=_("台账中的其他写法，用顿号或逗号分隔"))
    active = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("人员类别")
        verbose_name_plural = _("人员类别")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name


class Household(models.Model):
    """户: one household in a village, with its housing and heating situation."""

    region = models.ForeignKey("regions.Region", verbose_name=_("所属村（社区）"), on_delete=models.PROTECT, related_name="households")
    number = models.CharField(_("户编号"), max_length=40, blank=True)
    address = models.CharField(_("家庭住址"), max_length=200, blank=True)
    head = models.ForeignKey("Person", verbose_name=_("户主"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    housing_condition = models.CharField(_("住房状况"), max_length=20, choices=HousingCondition.choices, default=HousingCondition.UNKNOWN)
    heating_method = models.CharField(_("取暖方式"), max_length=30, choices=HeatingMethod.choices, default=HeatingMethod.UNKNOWN)
    bank_account_protected = models.TextField(_("一卡通账号（加密）"), blank=True)
    bank_account_tail = models.CharField(_("一卡通账号后四位"), max_length=4, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=HouseholdStatus.choices, default=HouseholdStatus.ACTIVE)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("家庭")
        verbose_name_plural = _("家庭")
        ordering = ["region_id", "number", "id"]
        indexes = [
            models.Index(fields=["region", "status"], name="household_region_status"),
            models.Index(fields=["region", "number"], name="household_region_number"),  # ledger import: 户编号 in a village
        ]

    def __str__(self) -> str:
        return f"{self.head.name if self.head_id and self.head else ''}户 {self.number}".strip()

    @property
    def region_code(self) -> str:
        return self.region_id

    @property
    def bank_account_masked(self) -> str:
        return f"****{self.bank_account_tail}" if self.bank_account_tail else ""


class Person(models.Model):
    """人: a member of a household. One row per resident ID number."""

    household = models.ForeignKey(Household, verbose_name=_("家庭"), on_delete=models.PROTECT, related_name="members")
    # Copied from the household so scoping and county-wide queries need no join.
    region = models.ForeignKey("regions.Region", verbose_name=_("所属村（社区）"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    name_pinyin = models.CharField(_("姓名拼音"), max_length=120, blank=True, db_index=True)
    name_initials = models.CharField(_("姓名首字母"), max_length=20, blank=True, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    id_number_protected = models.TextField(_("身份证号（加密）"), blank=True)
    id_number_hash = models.CharField(_("身份证号索引"), max_length=64, null=True, blank=True, unique=True)
    id_number_tail = models.CharField(_("身份证号后六位"), max_length=6, blank=True, db_index=True)
    id_number_masked = models.CharField(_("身份证号（脱敏）"), max_length=18, blank=True)
    relation = models.CharField(_("与户主关系"), max_length=20, choices=Relation.choices, default=Relation.OTHER)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    alive = models.BooleanField(_("在世"), default=True)
    death_date = models.DateField(_("死亡日期"), null=True, blank=True)
    notes = models.CharField(_("备注"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["household_id", "id"]
        indexes = [
            models.Index(fields=["region", "name"], name="person_region_name"),
            models.Index(fields=["name", "birth_date"], name="person_name_birth"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(death_date__isnull=True) | models.Q(alive=False), name="person_death_means_deceased"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def region_code(self) -> str:
        return self.region_id

    def id_number(self) -> str:
        """The full number. Callers must be allowed and must audit the view (selectors.person_reveal_id)."""
        return protection.decrypt(self.id_number_protected)

    @property
    def id_masked(self) -> str:
        return self.id_number_masked or ""


def protect_id_number(number: str) -> dict[str, str | None]:
    """The four stored forms of an ID number."""
    if not number:
        return {"id_number_protected": "", "id_number_hash": None, "id_number_tail": "", "id_number_masked": ""}
    return {
        "id_number_protected": protection.encrypt(number),
        "id_number_hash": protection.lookup_hash(number),
        "id_number_tail": number[-6:],
        "id_number_masked": idnumbers.mask(number),
    }


class CategoryAssignment(models.Model):
    """A person holds a category over a period (认定), from a source, verified by someone."""

    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="categories")
    category = models.ForeignKey(Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="assignments")
    region = models.ForeignKey("regions.Region", verbose_name=_("所属村（社区）"), on_delete=models.PROTECT, related_name="+")
    grade = models.PositiveSmallIntegerField(_("等级"), null=True, blank=True)
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=100, blank=True)
    verified_by = models.CharField(_("核实人"), max_length=50, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("类别认定")
        verbose_name_plural = _("类别认定")
        ordering = ["person_id", "category_id", "-valid_from"]
        indexes = [models.Index(fields=["category", "region"], name="assignment_category_region")]
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")), name="assignment_period_order"),
            models.CheckConstraint(condition=models.Q(grade__isnull=True) | models.Q(grade__gte=1, grade__lte=4), name="assignment_grade_range"),
            models.UniqueConstraint(fields=["person", "category", "valid_from"], name="assignment_unique_start"),
        ]

    @property
    def region_code(self) -> str:
        return self.region_id


class PersonLink(models.Model):
    """Two person rows confirmed to be the same human (e.g. one registered without an ID number).

    Nothing is merged: both rows keep their histories; reads follow the link.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="links_out")
    same_as = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="links_in")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("同一人关联")
        verbose_name_plural = _("同一人关联")
        constraints = [models.UniqueConstraint(fields=["person", "same_as"], name="person_link_unique")]


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("待核实")
    LINKED = "linked", _("已确认为同一人")
    DISMISSED = "dismissed", _("已排除")


class DuplicateCandidate(models.Model):
    """A pair of persons that look like the same human, for a person to link or dismiss."""

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+",
                               help_text=_("两人共同的最小区划（用于权限范围）"))
    reason = models.CharField(_("疑似原因"), max_length=40)
    score = models.PositiveSmallIntegerField(_("相似度"), default=0)
    status = models.CharField(_("状态"), max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("疑似重复")
        verbose_name_plural = _("疑似重复")
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="duplicate_pair_unique"),
            models.CheckConstraint(condition=models.Q(person_a__lt=models.F("person_b")), name="duplicate_pair_ordered"),
        ]

    @property
    def region_code(self) -> str:
        return self.region_id


class CrosscheckFlag(models.Model):
    """A registry person found on an outside list (deceased, public servant, vehicle owner ...)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="crosscheck_flags")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("比对类型"), max_length=30)
    source = models.CharField(_("比对来源"), max_length=200)
    detail = models.CharField(_("比对详情"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("比对疑点")
        verbose_name_plural = _("比对疑点")
        constraints = [models.UniqueConstraint(fields=["person", "kind", "source"], name="crosscheck_flag_unique")]

    @property
    def region_code(self) -> str:
        return self.region_id


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导入中")
    REJECTED = "rejected", _("有错误，未导入")
    DONE = "done", _("已完成")
    FAILED = "failed", _("系统错误")


class ImportJob(models.Model):
    """One uploaded ledger file and what became of it (runs in the background worker)."""

    region = models.ForeignKey("regions.Region", verbose_name=_("导入范围"), on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=32, blank=True)
    file_name = models.CharField(_("文件名"), max_length=200)
    file_path = models.CharField(max_length=500)
    dry_run = models.BooleanField(_("只校验不写入"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    error_report_path = models.CharField(max_length=500, blank=True)
    summary = models.JSONField(_("结果"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("台账导入")
        verbose_name_plural = _("台账导入")
        ordering = ["-created_at"]

    @property
    def region_code(self) -> str:
        return self.region_id

    @property
    def progress_percent(self) -> int:
        if not self.rows_total:
            return 0 if self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING) else 100
        return min(100, round(100 * self.rows_done / self.rows_total))
