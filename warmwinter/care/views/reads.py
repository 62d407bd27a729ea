"""Figures the helping-contact pages show, always within what the user may see (care.view).

The weekly counts come from care.selectors.entries_with_compliance, so a page and the compliance
dashboard agree: a household is compliant (达标) only with a primary helper (R-P6-02: a roster
household nobody is responsible for is non-compliant whatever its contacts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, Value, When

from warmwinter.accounts.roles import Role
from warmwinter.accounts.scoping import scope_q
from warmwinter.care.choices import CampaignStatus, DutyStatus, HelperRole
from warmwinter.care.models import CareCampaign, ContactFormFiling, Helper, HelperAssignment, RosterEntry, VisitDuty
from warmwinter.care.quota import WeekFrame, week_frame, week_start_of
from warmwinter.care.selectors import entries_with_compliance, households_due
from warmwinter.regions.codes import Level, prefix_of
from warmwinter.regions.models import Region
from warmwinter.registry.models import Category


def category_names() -> dict[str, str]:
    return dict(Category.objects.values_list("code", "name"))


def frame_of(campaign: CareCampaign, day: date, today: date) -> WeekFrame:
    return week_frame(week_start_of(day), campaign.starts_on, campaign.ends_on, today=today)


def _primary():
    return HelperAssignment.objects.filter(entry_id=OuterRef("pk"), active=True, role=HelperRole.PRIMARY)


def _scoped(queryset, user, field_name: str = "region__code"):
    q = scope_q(user, "care.view", field_name)
    return queryset.none() if q is None else queryset.filter(q)


# --- campaigns and villages ------------------------------------------------------------------------


@dataclass
class CampaignSummary:
    campaign: CareCampaign
    households: int = 0
    without_helper: int = 0
    villages: int = 0  # villages with roster households
    filed: int = 0
    late: int = 0


def campaign_summaries(user, campaigns) -> list[CampaignSummary]:
    """Per campaign, inside the user's scope: roster households, those without a helper, villages filed."""
    found = []
    for campaign in campaigns:
        entries = _scoped(RosterEntry.objects.filter(campaign=campaign, active=True), user).annotate(has_helper=Exists(_primary()))
        figures = entries.aggregate(households=Count("id"), without=Count("id", filter=Q(has_helper=False)),
                                    villages=Count("region_id", distinct=True))
        filings = _scoped(ContactFormFiling.objects.filter(campaign=campaign), user).aggregate(
            filed=Count("id"), late=Count("id", filter=Q(late=True)))
        found.append(CampaignSummary(campaign=campaign, households=figures["households"], without_helper=figures["without"],
                                     villages=figures["villages"], filed=filings["filed"], late=filings["late"]))
    return found


@dataclass
class VillageRow:
    code: str
    name: str
    township: str = ""
    households: int = 0
    without_helper: int = 0
    filing: ContactFormFiling | None = None
    deadline_passed: bool = False

    @property
    def status(self) -> str:
        """filed (on time) / late (filed after the deadline) / overdue (not filed, deadline passed) / pending."""
        if self.filing is not None:
            return "late" if self.filing.late else "filed"
        return "overdue" if self.deadline_passed else "pending"


def village_rows(user, campaign: CareCampaign, within: str, today: date) -> list[VillageRow]:
    """Every village under `within` (inside the campaign) that the user may see, with its figures."""
    prefix = prefix_of(within)
    villages = _scoped(Region.objects.filter(code__startswith=prefix, level=Level.VILLAGE), user, "code").order_by("code")
    entries = (_scoped(RosterEntry.objects.filter(campaign=campaign, active=True, region__code__startswith=prefix), user)
               .annotate(has_helper=Exists(_primary())).order_by().values("region_id")
               .annotate(households=Count("id"), without=Count("id", filter=Q(has_helper=False))))
    counts = {r["region_id"]: r for r in entries}
    filings = {f.region_id: f for f in ContactFormFiling.objects.filter(campaign=campaign, region__code__startswith=prefix)}
    townships = dict(Region.objects.filter(code__startswith=prefix_of(within)[:9], level=Level.TOWNSHIP).values_list("code", "name"))
    rows = []
    for village in villages.only("code", "name"):
        c = counts.get(village.code, {})
        rows.append(VillageRow(code=village.code, name=village.name, township=townships.get(village.code[:9] + "000", ""),
                               households=c.get("households", 0), without_helper=c.get("without", 0), filing=filings.get(village.code),
                               deadline_passed=today > campaign.filing_deadline))
    return rows


def build_regions(user, campaign: CareCampaign) -> list[Region]:
    """Where the user may build the roster from categories: the campaign's region, else their own regions inside it."""
    from warmwinter.accounts.permissions import roles_for
    from warmwinter.accounts.scoping import can, memberships_of
    from warmwinter.regions.codes import in_subtree

    if can(user, "care.roster", campaign.region_id):
        return [campaign.region]
    allowed = roles_for("care.roster")
    codes = sorted({m.region_id for m in memberships_of(user) if m.role in allowed and in_subtree(m.region_id, campaign.region_id)})
    return list(Region.objects.filter(code__in=codes).order_by("code"))


# --- one village ---------------------------------------------------------------------------------


def village_roster(campaign: CareCampaign, village: str, frame: WeekFrame) -> list[RosterEntry]:
    """The village's roster with this week's counts, each entry with `.primary` / `.backup` helpers and `.compliant`."""
    active = HelperAssignment.objects.filter(active=True).select_related("helper")
    entries = list(entries_with_compliance(campaign, prefix_of(village), frame).select_related("household__head")
                   .prefetch_related(Prefetch("assignments", queryset=active, to_attr="active_assignments")).order_by("household_id"))
    for entry in entries:
        by_role = {a.role: a.helper for a in entry.active_assignments}
        entry.primary, entry.backup = by_role.get(HelperRole.PRIMARY), by_role.get(HelperRole.BACKUP)
        entry.required = frame.weekly_required(entry.weekly_contacts)
        entry.compliant = bool(entry.met) and entry.primary is not None
    return entries


@dataclass
class HelperHolding:
    helper: Helper
    primary: list[RosterEntry] = field(default_factory=list)
    backup: list[RosterEntry] = field(default_factory=list)

    @property
    def mode(self) -> str:
        """一帮一 / 一帮多 by the households the helper holds as primary (empty when none)."""
        return pairing_mode(len(self.primary))


def pairing_mode(primary_households: int) -> str:
    from django.utils.translation import gettext as _

    if primary_households == 0:
        return ""
    return _("一帮一") if primary_households == 1 else _("一帮多")


def village_helpers(campaign: CareCampaign, village: str) -> list[HelperHolding]:
    """The village's helpers, each with the roster households they hold in this campaign."""
    holdings = {h.pk: HelperHolding(helper=h) for h in Helper.objects.filter(region_id=village).select_related("user").order_by("-active", "name")}
    assignments = (HelperAssignment.objects.filter(active=True, entry__campaign=campaign, entry__active=True, helper__region_id=village)
                   .select_related("entry__household__head").order_by("entry__household_id"))
    for a in assignments:
        holding = holdings.get(a.helper_id)
        if holding is not None:
            (holding.primary if a.role == HelperRole.PRIMARY else holding.backup).append(a.entry)
    return list(holdings.values())


def helper_users(village: str):
    """Users with an active helper membership in the village (a helper record may point to one)."""
    from warmwinter.accounts.models import User

    return User.objects.filter(memberships__region_id=village, memberships__role=Role.HELPER, memberships__active=True,
                               is_active=True).distinct().order_by("display_name", "username")


def households_to_add(user, campaign: CareCampaign, village: str, q: str, limit: int = 20):
    """Active households of the village not on the roster now, matching the search box."""
    from warmwinter.registry.choices import HouseholdStatus
    from warmwinter.registry.models import Household, Person
    from warmwinter.registry.selectors import search_q

    listed = RosterEntry.objects.filter(campaign=campaign, active=True).values("household_id")
    households = (Household.objects.visible_to(user, "care.view").filter(region_id=village, status=HouseholdStatus.ACTIVE)
                  .exclude(pk__in=listed))
    if q:
        households = households.filter(pk__in=Person.objects.filter(region_id=village).filter(search_q(q)).values("household_id"))
    return list(households.select_related("head").order_by("number", "id")[:limit])


# --- one household ---------------------------------------------------------------------------------


@dataclass
class WeekStatus:
    frame: WeekFrame
    contacts: int
    required: int
    daily: bool
    days: int
    met: bool
    has_helper: bool
    missed: bool

    @property
    def compliant(self) -> bool:
        return self.met and self.has_helper


def household_week(campaign: CareCampaign, household_id: int, region_code: str, day: date, today: date) -> WeekStatus | None:
    """The household's week (the one holding `day`): contacts against what its rules ask, met or not."""
    frame = frame_of(campaign, day, today)
    entry = entries_with_compliance(campaign, prefix_of(region_code), frame).filter(household_id=household_id).first()
    if entry is None:
        return None
    return WeekStatus(frame=frame, contacts=entry.contacts, required=frame.weekly_required(entry.weekly_contacts),
                      daily=entry.daily_contact, days=entry.days, met=bool(entry.met), has_helper=entry.has_helper, missed=entry.missed)


def open_entry(user, household_id: int, campaign_id: int | None = None) -> RosterEntry | None:
    """The household's entry on the roster of an open campaign the user can see (the latest-starting one)."""
    from warmwinter.care.selectors import campaigns_for

    entries = RosterEntry.objects.filter(household_id=household_id, active=True, campaign__status=CampaignStatus.OPEN,
                                         campaign__in=campaigns_for(user))
    if campaign_id is not None:
        entries = entries.filter(campaign_id=campaign_id)
    return entries.select_related("campaign").order_by("-campaign__starts_on", "-campaign_id").first()


# --- a helper's own households ---------------------------------------------------------------------


@dataclass
class MyCampaign:
    campaign: CareCampaign
    frame: WeekFrame
    entries: list = field(default_factory=list)


def my_households(user, today: date) -> tuple[list[Helper], list[MyCampaign]]:
    """The user's helper records and, per open campaign, the households they hold with this week's figures,
    what is due today and the open warning visits."""
    helpers = list(Helper.objects.filter(user=user, active=True).select_related("region"))
    if not helpers:
        return helpers, []
    held = _scoped(HelperAssignment.objects.filter(helper__in=helpers, active=True, entry__active=True,
                                                   entry__campaign__status=CampaignStatus.OPEN), user, "entry__region__code")
    roles = {}
    for entry_id, role in held.values_list("entry_id", "role"):
        roles.setdefault(entry_id, role)
    campaigns = CareCampaign.objects.filter(roster__in=list(roles)).distinct().order_by("-starts_on", "-id")
    found = []
    for campaign in campaigns:
        frame = week_frame(week_start_of(today), campaign.starts_on, campaign.ends_on, today=today)
        entries = list(entries_with_compliance(campaign, prefix_of(campaign.region_id), frame).filter(pk__in=list(roles))
                       .annotate(has_primary=Exists(_primary())).select_related("household__head", "region").order_by("region_id", "household_id"))
        due = {}
        for helper in helpers:
            for item in households_due(campaign, campaign.region_id, today=today, helper=helper):
                due.setdefault(item["household"].pk, item["reasons"])
        duties = {}
        for duty in VisitDuty.objects.filter(campaign=campaign, status=DutyStatus.OPEN, household_id__in=[e.household_id for e in entries]):
            duties.setdefault(duty.household_id, duty)
        for entry in entries:
            entry.role = roles[entry.pk]
            entry.required = frame.weekly_required(entry.weekly_contacts)
            entry.due_reasons = due.get(entry.household_id, [])
            entry.duty = duties.get(entry.household_id)
        entries.sort(key=lambda e: (not e.due_reasons, e.duty is None, e.region_id, e.household_id))
        found.append(MyCampaign(campaign=campaign, frame=frame, entries=entries))
    return helpers, found


# --- visit duties --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DutyFilter:
    alert: int | None = None
    status: str = ""

    @classmethod
    def from_params(cls, params) -> "DutyFilter":
        from warmwinter.care.views.common import parse_id

        status = (params.get("status") or "").strip()
        return cls(alert=parse_id(params.get("alert")), status=status if status in DutyStatus.values else "")


def duties_for(user, filters: DutyFilter):
    """Visit duties in scope, open ones first by deadline, then the rest latest first."""
    duties = VisitDuty.objects.visible_to(user, "care.view")
    if filters.alert:
        duties = duties.filter(alert_id=filters.alert)
    counts = dict(duties.order_by().values_list("status").annotate(n=Count("id")))
    if filters.status:
        duties = duties.filter(status=filters.status)
    ordered = duties.select_related("household__head", "region", "alert", "contact").annotate(
        open_first=Case(When(status=DutyStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("open_first", "due_by", "id")
    return ordered, counts


def duty_alerts(user) -> list:
    """Warnings that issued duties the user can see (for the filter)."""
    from warmwinter.alerts.models import WeatherAlert

    ids = VisitDuty.objects.visible_to(user, "care.view").order_by().values("alert_id").distinct()
    return list(WeatherAlert.objects.filter(pk__in=ids).order_by("-onset")[:50])
