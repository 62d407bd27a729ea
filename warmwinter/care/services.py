"""Writes on the helping-contact campaign: the campaign, its key-focus roster, helpers and pairings,
quota rules, and the filing of the 帮扶责任联系表. Contacts and duties are in services_contacts.py."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warmwinter.accounts.scoping import NOT_FOUND, membership_for
from warmwinter.audit import services as audit
from warmwinter.care.choices import HelperKind, HelperRole, QuotaKind, RosterSource
from warmwinter.care.models import CareCampaign, ContactFormFiling, Helper, HelperAssignment, QuotaRule, RosterEntry
from warmwinter.core.errors import DomainError, NotFound
from warmwinter.regions.codes import Level, in_subtree, prefix_of
from warmwinter.regions.models import Region
from warmwinter.registry.choices import HouseholdStatus
from warmwinter.registry.models import CategoryAssignment, Household

# P6's key-focus persons (重点关注对象) in the registry's category codes.
DEFAULT_ROSTER_CATEGORIES = [
    "dibao", "tekun_centralized", "tekun_dispersed", "wubao", "sanwu", "orphan", "child_in_difficulty", "left_behind_child",
    "empty_nest_elderly", "left_behind_elderly", "disabled", "severe_mental_disorder", "entitled_group", "unstable_poverty_exit",
    "edge_poverty",
]
# P7's special groups who must be asked after every day (老弱病残、重度残疾人、重度精神障碍患者).
DAILY_CATEGORIES = ["severe_mental_disorder"]
WEEKLY_CONTACTS = 3  # R-P6-04
VISIT_HOURS = 24  # R-P6-05 says "promptly"; 24 h is our default
FILING_MONTH_DAY = (12, 20)
CONTACT_START = (12, 21)
CONTACT_END = (2, 28)

WINDOW_ORDER = _("联系结束日期不能早于开始日期。")
NOT_A_VILLAGE = _("请选择村（社区）。")
OUTSIDE_CAMPAIGN = _("该家庭不在本次帮扶联系工作的范围内。")
HOUSEHOLD_INACTIVE = _("该家庭已迁出或注销，不能纳入名册。")
ALREADY_LISTED = _("该家庭已在名册中。")
REASON_REQUIRED = _("请填写理由。")
HELPER_ELSEWHERE = _("帮扶责任人须是本村（社区）的人员。")
HELPER_INACTIVE = _("该帮扶责任人已不在岗。")
NAME_REQUIRED = _("请填写姓名。")
HELPER_EXISTS = _("本村已有同名同电话的帮扶责任人。")
NOT_ON_ROSTER = _("该家庭不在重点关注对象名册中。")
UNKNOWN_CATEGORY = _("人员类别不存在：%(code)s")
RULE_COUNT = _("每周次数应为 1 到 21。")
RULE_HOURS = _("时限应为 1 到 168 小时。")
FILED_IN_FUTURE = _("备案时间不能晚于现在。")
FUTURE_GRACE = timedelta(minutes=5)


def default_window(today: date | None = None) -> dict[str, date]:
    """This winter's dates from plan 6: filing by 12-20, contacts 12-21 → 02-28 (02-29 in a leap year)."""
    today = today or timezone.localdate()
    year = today.year if today.month >= 7 else today.year - 1
    end_year = year + 1
    end = date(end_year, 2, 29) if end_year % 4 == 0 and (end_year % 100 != 0 or end_year % 400 == 0) else date(end_year, *CONTACT_END)
    return {"filing_deadline": date(year, *FILING_MONTH_DAY), "starts_on": date(year, *CONTACT_START), "ends_on": end}


@transaction.atomic
def campaign_create(*, actor, region_code: str, name: str, filing_deadline: date | None = None, starts_on: date | None = None,
                    ends_on: date | None = None, roster_categories: list[str] | None = None, contact_template=None) -> CareCampaign:
    """Start a helping-contact campaign with plan 6's defaults: 3 contacts a week, daily for P7's special
    groups, a home visit within 24 h of a weather warning."""
    from warmwinter.surveys.models import SurveyTemplate

    acting = membership_for(actor, action="care.manage", region_code=region_code)
    window = default_window()
    campaign = CareCampaign(
        region_id=region_code, name=name.strip() or str(_("帮扶联系")), created_by=actor,
        filing_deadline=filing_deadline or window["filing_deadline"], starts_on=starts_on or window["starts_on"],
        ends_on=ends_on or window["ends_on"],
        roster_categories=list(DEFAULT_ROSTER_CATEGORIES if roster_categories is None else roster_categories),
        contact_template=contact_template or SurveyTemplate.objects.filter(code="p6-visit-checklist").order_by("-version").first(),
    )
    if campaign.ends_on < campaign.starts_on:
        raise DomainError(WINDOW_ORDER, field="ends_on")
    _check_categories(campaign.roster_categories)
    campaign.save()
    QuotaRule.objects.bulk_create([
        QuotaRule(campaign=campaign, kind=QuotaKind.WEEKLY, count=WEEKLY_CONTACTS),
        QuotaRule(campaign=campaign, kind=QuotaKind.AFTER_WARNING, hours=VISIT_HOURS),
        *[QuotaRule(campaign=campaign, kind=QuotaKind.DAILY, category_id=code) for code in DAILY_CATEGORIES],
    ])
    audit.record(actor=actor, role=acting.role, action="care_campaign.create", region_code=region_code, obj=campaign,
                 changes={"name": [None, campaign.name], "window": [None, f"{campaign.starts_on}→{campaign.ends_on}"],
                          "filing_deadline": [None, campaign.filing_deadline]})
    return campaign


def _check_categories(codes: list[str], field: str = "roster_categories") -> None:
    from warmwinter.registry.models import Category

    known = set(Category.objects.filter(code__in=codes).values_list("code", flat=True))
    for code in codes:
        if code not in known:
            raise DomainError(UNKNOWN_CATEGORY % {"code": code}, field=field)


def _current_categories(household_ids, on: date) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    rows = (CategoryAssignment.objects.filter(person__household_id__in=household_ids, person__alive=True, valid_from__lte=on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)).values_list("person__household_id", "category_id"))
    for household_id, code in rows:
        found.setdefault(household_id, set()).add(code)
    return found


@transaction.atomic
def roster_build(*, actor, campaign: CareCampaign, region_code: str | None = None) -> int:
    """Add every active household with a current roster category (in the campaign's region, or one village
    or township of it) to the roster; returns how many were added. Households already listed keep their entry."""
    region_code = region_code or campaign.region_id
    acting = membership_for(actor, action="care.roster", region_code=region_code)
    if not in_subtree(region_code, campaign.region_id):
        raise DomainError(OUTSIDE_CAMPAIGN, field="region")
    today = timezone.localdate()
    households = Household.objects.filter(region__code__startswith=prefix_of(region_code), status=HouseholdStatus.ACTIVE)
    listed = set(RosterEntry.objects.filter(campaign=campaign).values_list("household_id", flat=True))
    wanted = set(campaign.roster_categories)
    candidates = (CategoryAssignment.objects.filter(person__household__in=households, person__alive=True, category_id__in=wanted,
                                                    valid_from__lte=today)
                  .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
                  .values_list("person__household_id", "person__household__region_id", "category_id"))
    new: dict[int, RosterEntry] = {}
    for household_id, region_id, code in candidates:
        if household_id in listed:
            continue
        entry = new.setdefault(household_id, RosterEntry(campaign=campaign, household_id=household_id, region_id=region_id,
                                                         source=RosterSource.CATEGORY, added_by=actor, categories=[]))
        if code not in entry.categories:
            entry.categories.append(code)
    for entry in new.values():
        entry.categories.sort()
    RosterEntry.objects.bulk_create(new.values(), batch_size=2000)
    requirements_apply(campaign=campaign, household_ids=list(new))
    audit.record(actor=actor, role=acting.role, action="roster.build", region_code=region_code, obj=campaign,
                 changes={"added": [None, len(new)]})
    return len(new)


@transaction.atomic
def roster_add(*, actor, campaign: CareCampaign, household: Household, reason: str) -> RosterEntry:
    """Put a household on the roster by hand (R-P6-01: 其他重点人群), with the reason."""
    acting = membership_for(actor, action="care.roster", region_code=household.region_id)
    if not in_subtree(household.region_id, campaign.region_id):
        raise DomainError(OUTSIDE_CAMPAIGN, field="household")
    if household.status != HouseholdStatus.ACTIVE:
        raise DomainError(HOUSEHOLD_INACTIVE, field="household")
    if not (reason or "").strip():
        raise DomainError(REASON_REQUIRED, field="reason")
    entry = RosterEntry.objects.filter(campaign=campaign, household=household).first()
    if entry is not None and entry.active:
        raise DomainError(ALREADY_LISTED, field="household")
    categories = sorted(_current_categories([household.pk], timezone.localdate()).get(household.pk, set()))
    if entry is None:
        entry = RosterEntry.objects.create(campaign=campaign, household=household, region_id=household.region_id, source=RosterSource.MANUAL,
                                           categories=categories, reason=reason.strip(), added_by=actor)
    else:
        RosterEntry.objects.filter(pk=entry.pk).update(active=True, removed_at=None, removed_reason="", reason=reason.strip())
    requirements_apply(campaign=campaign, household_ids=[household.pk])
    entry.refresh_from_db()  # with what the rules ask of it
    audit.record(actor=actor, role=acting.role, action="roster.add", region_code=household.region_id, obj=entry,
                 changes={"household": [None, household.pk], "reason": [None, entry.reason]})
    return entry


@transaction.atomic
def roster_remove(*, actor, entry: RosterEntry, reason: str) -> RosterEntry:
    """Take a household off the roster (moved, no longer in need); its pairings end with it."""
    acting = membership_for(actor, action="care.roster", region_code=entry.region_id)
    if not (reason or "").strip():
        raise DomainError(REASON_REQUIRED, field="reason")
    now = timezone.now()
    RosterEntry.objects.filter(pk=entry.pk).update(active=False, removed_at=now, removed_reason=reason.strip())
    HelperAssignment.objects.filter(entry=entry, active=True).update(active=False, ended_at=now)
    entry.refresh_from_db()
    audit.record(actor=actor, role=acting.role, action="roster.remove", region_code=entry.region_id, obj=entry,
                 changes={"active": [True, False], "reason": [None, entry.removed_reason]})
    return entry


@transaction.atomic
def helper_register(*, actor, region_code: str, name: str, phone: str = "", kind: str = HelperKind.TWO_COMMITTEES,
                    position: str = "", user=None) -> Helper:
    """Record a helper (帮扶责任人) of a village: a two-committee member, a Party member, or a helper user."""
    acting = membership_for(actor, action="care.roster", region_code=region_code)
    region = _region(region_code)
    if region.level != Level.VILLAGE:
        raise DomainError(NOT_A_VILLAGE, field="region")
    if not (name or "").strip():
        raise DomainError(NAME_REQUIRED, field="name")
    if kind not in HelperKind.values:
        raise DomainError(_("身份不正确。"), field="kind")
    if Helper.objects.filter(region=region, name=name.strip(), phone=phone.strip()).exists():
        raise DomainError(HELPER_EXISTS, field="name")
    helper = Helper.objects.create(region=region, name=name.strip(), phone=phone.strip(), kind=kind, position=position.strip(), user=user)
    audit.record(actor=actor, role=acting.role, action="helper.register", region_code=region_code, obj=helper,
                 changes={"name": [None, helper.name], "kind": [None, kind], "user": [None, user.username if user else None]})
    return helper


@transaction.atomic
def helper_assign(*, actor, entry: RosterEntry, helper: Helper, role: str = HelperRole.PRIMARY) -> HelperAssignment:
    """Pair a roster household with a helper (一帮一 / 一帮多); an earlier helper in the same role is relieved."""
    acting = membership_for(actor, action="care.roster", region_code=entry.region_id)
    if not entry.active:
        raise DomainError(NOT_ON_ROSTER, field="household")
    if helper.region_id != entry.region_id:
        raise DomainError(HELPER_ELSEWHERE, field="helper")
    if not helper.active:
        raise DomainError(HELPER_INACTIVE, field="helper")
    if role not in HelperRole.values:
        raise DomainError(_("角色不正确。"), field="role")
    current = HelperAssignment.objects.select_for_update().filter(entry=entry, role=role, active=True).first()
    if current is not None and current.helper_id == helper.pk:
        return current
    before = current.helper.name if current else None
    if current is not None:
        HelperAssignment.objects.filter(pk=current.pk).update(active=False, ended_at=timezone.now())
    # The same helper cannot be both primary and backup of one household.
    HelperAssignment.objects.filter(entry=entry, helper=helper, active=True).update(active=False, ended_at=timezone.now())
    assignment = HelperAssignment.objects.create(entry=entry, helper=helper, role=role, assigned_by=actor)
    audit.record(actor=actor, role=acting.role, action="helper.assign", region_code=entry.region_id, obj=entry,
                 changes={role: [before, helper.name]})
    return assignment


def _region(code: str) -> Region:
    region = Region.objects.filter(pk=code).first()
    if region is None:
        raise NotFound(NOT_FOUND)
    return region


@transaction.atomic
def filing_submit(*, actor, campaign: CareCampaign, region_code: str, filed_at: datetime | None = None) -> ContactFormFiling:
    """File a village's 帮扶责任联系表 for record (备案), late after the campaign's filing deadline.
    `filed_at`: when a paper form reached the inspection office, if earlier than now (the audit keeps both)."""
    acting = membership_for(actor, action="care.file", region_code=region_code)
    region = _region(region_code)
    if region.level != Level.VILLAGE or not in_subtree(region_code, campaign.region_id):
        raise DomainError(NOT_A_VILLAGE, field="region")
    now = filed_at or timezone.now()
    if now > timezone.now() + FUTURE_GRACE:
        raise DomainError(FILED_IN_FUTURE, field="filed_at")
    households = RosterEntry.objects.filter(campaign=campaign, region=region, active=True).count()
    filing, created = ContactFormFiling.objects.update_or_create(
        campaign=campaign, region=region,
        defaults={"filed_at": now, "filed_by": actor, "late": timezone.localdate(now) > campaign.filing_deadline, "households": households},
    )
    audit.record(actor=actor, role=acting.role, action="contact_form.file", region_code=region_code, obj=filing,
                 changes={"households": [None, households], "late": [None, filing.late], "refiled": [None, not created],
                          "filed_at": [None, filing.filed_at]})
    return filing


def _rule_applies(rule: QuotaRule, household_id: int, categories: set[str]) -> bool:
    if rule.household_id is not None:
        return rule.household_id == household_id
    if rule.category_id is not None:
        return rule.category_id in categories
    return True


def requirements_apply(*, campaign: CareCampaign, household_ids: list[int] | None = None) -> int:
    """Work out what the campaign's quota rules ask of each roster household and store it on the entry.
    A household rule wins over category rules, which win over campaign-wide ones; returns entries changed."""
    rules = list(QuotaRule.objects.filter(campaign=campaign, active=True))
    entries = RosterEntry.objects.filter(campaign=campaign)
    if household_ids is not None:
        entries = entries.filter(household_id__in=household_ids)
    changed = []
    for entry in entries.only("pk", "household_id", "categories", "weekly_contacts", "daily_contact", "visit_hours").iterator(chunk_size=5000):
        categories = set(entry.categories or [])
        values = {}
        for kind in QuotaKind.values:
            applying = [r for r in rules if r.kind == kind and _rule_applies(r, entry.household_id, categories)]
            specific = [r for r in applying if r.household_id] or [r for r in applying if r.category_id] or applying
            values[kind] = specific
        weekly = max((r.count for r in values[QuotaKind.WEEKLY]), default=0)
        daily = bool(values[QuotaKind.DAILY])
        hours = min((r.hours for r in values[QuotaKind.AFTER_WARNING]), default=None)
        if (entry.weekly_contacts, entry.daily_contact, entry.visit_hours) != (weekly, daily, hours):
            entry.weekly_contacts, entry.daily_contact, entry.visit_hours = weekly, daily, hours
            changed.append(entry)
    RosterEntry.objects.bulk_update(changed, ["weekly_contacts", "daily_contact", "visit_hours"], batch_size=2000)
    return len(changed)


@transaction.atomic
def quota_rule_set(*, actor, campaign: CareCampaign, kind: str, count: int = WEEKLY_CONTACTS, hours: int = VISIT_HOURS,
                   category_code: str | None = None, household: Household | None = None, active: bool = True) -> QuotaRule:
    """Add or change a quota rule (per category or per household) and re-apply the campaign's rules."""
    acting = membership_for(actor, action="care.manage", region_code=campaign.region_id)
    if kind not in QuotaKind.values:
        raise DomainError(_("规则类型不正确。"), field="kind")
    if kind == QuotaKind.WEEKLY and not 1 <= count <= 21:
        raise DomainError(RULE_COUNT, field="count")
    if kind == QuotaKind.AFTER_WARNING and not 1 <= hours <= 168:
        raise DomainError(RULE_HOURS, field="hours")
    if category_code:
        _check_categories([category_code], field="category")
    if household is not None and not in_subtree(household.region_id, campaign.region_id):
        raise DomainError(OUTSIDE_CAMPAIGN, field="household")
    rule, created = QuotaRule.objects.update_or_create(
        campaign=campaign, kind=kind, category_id=category_code or None, household=household,
        defaults={"count": count, "hours": hours, "active": active},
    )
    requirements_apply(campaign=campaign)
    audit.record(actor=actor, role=acting.role, action="quota_rule.set", region_code=campaign.region_id, obj=rule,
                 changes={"kind": [None, kind], "count": [None, count], "hours": [None, hours], "category": [None, category_code],
                          "household": [None, household.pk if household else None], "active": [None, active], "new": [None, created]})
    return rule
