"""Reads on helping contacts: campaigns in scope, the roster with helpers, and weekly compliance.

Compliance of a week, per roster household: a primary helper, contacts on the campaign days of the week
≥ the weekly quota (prorated to those days), a contact on every campaign day already over when the
household has a daily rule, and no warning visit missed that week. The counts per village and per helper
are one GROUP BY each (`_counts`); `entries_with_compliance` annotates households one by one for lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from warmwinter.accounts.scoping import NOT_FOUND, prefixes_for
from warmwinter.care.choices import DutyStatus, HelperRole
from warmwinter.care.models import CareCampaign, Contact, Helper, HelperAssignment, RosterEntry, VisitDuty
from warmwinter.care.quota import WeekFrame, day_bounds, week_frame
from warmwinter.core.errors import NotFound
from warmwinter.regions.codes import Level, level_of, parent_code, prefix_of
from warmwinter.regions.models import Region

ONE_DAY = timedelta(days=1)


def campaigns_for(user, *, action: str = "care.view"):
    """Campaigns over a region in the user's scope, or over a wider region that covers it."""
    prefixes = prefixes_for(user, action)
    if not prefixes:
        return CareCampaign.objects.none()
    covering: set[str] = set()
    q = Q()
    for p in prefixes:
        q |= Q(region__code__startswith=p)
        code = Region.objects.filter(code__startswith=p).order_by("level").values_list("code", flat=True).first()
        while code:
            covering.add(code)
            code = parent_code(code)
    return CareCampaign.objects.filter(q | Q(region_id__in=covering)).select_related("region")


def access_campaign(user, campaign_id: int, *, action: str = "care.view") -> CareCampaign:
    campaign = campaigns_for(user, action=action).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound(NOT_FOUND)
    return campaign


def _frame(campaign: CareCampaign, monday: date, today: date | None) -> WeekFrame:
    return week_frame(monday, campaign.starts_on, campaign.ends_on, today=today)


def _week_contacts(campaign: CareCampaign, frame: WeekFrame):
    """Contacts of the campaign on its days in the week of `frame` (none when the week is outside it)."""
    first, last = (frame.campaign_days[0], frame.campaign_days[-1]) if frame.campaign_days else (frame.monday, frame.monday - ONE_DAY)
    return Contact.objects.filter(campaign=campaign, week_start=frame.monday, local_date__gte=first, local_date__lte=last).order_by()


def _last_day_over(frame: WeekFrame) -> date:
    """Contacts up to this day count for the daily rule (the day before Monday when none is over yet)."""
    return frame.ended_days[-1] if frame.ended_days else frame.monday - ONE_DAY


def _missed_duties(campaign: CareCampaign, frame: WeekFrame):
    """Warning visits due in the week and not made: marked missed, or still open past the deadline
    (the scheduler has not run yet)."""
    start = day_bounds(frame.monday)[0]
    end = day_bounds(frame.monday + timedelta(days=6))[1]
    return (VisitDuty.objects.filter(campaign=campaign, due_by__gte=start, due_by__lt=end)
            .filter(Q(status=DutyStatus.MISSED) | Q(status=DutyStatus.OPEN, due_by__lt=timezone.now())).order_by())


def _roster(campaign: CareCampaign, prefix: str):
    return RosterEntry.objects.filter(campaign=campaign, active=True, region__code__startswith=prefix)


def entries_with_compliance(campaign: CareCampaign, prefix: str, frame: WeekFrame):
    """Active roster entries under `prefix`, each annotated with contacts, days contacted (of the days
    over), missed duties, whether it has a primary helper, and `met` (1/0) for the week of `frame`.
    A household without a primary helper is never compliant (C8: every household has someone responsible).
    For lists of households; the counts per village or helper are `compliance` / `compliance_by_helper`."""
    week = _week_contacts(campaign, frame).filter(household_id=OuterRef("household_id"))
    contacts = Subquery(week.values("household_id").annotate(n=Count("*")).values("n")[:1], output_field=IntegerField())
    days = Subquery(week.filter(local_date__lte=_last_day_over(frame)).values("household_id")
                    .annotate(n=Count("local_date", distinct=True)).values("n")[:1], output_field=IntegerField())
    missed = _missed_duties(campaign, frame).filter(household_id=OuterRef("household_id"))
    helper = HelperAssignment.objects.filter(entry_id=OuterRef("pk"), active=True, role=HelperRole.PRIMARY)
    return (
        _roster(campaign, prefix)
        .annotate(contacts=Coalesce(contacts, 0), days=Coalesce(days, 0), missed=Exists(missed), has_helper=Exists(helper))
        .annotate(met=Case(When(Q(has_helper=True) & Q(contacts__gte=Least(F("weekly_contacts"), Value(len(frame.campaign_days))))
                                & (Q(daily_contact=False) | Q(days__gte=frame.daily_required)) & Q(missed=False), then=Value(1)),
                           default=Value(0), output_field=IntegerField()))
    )


def _counts(campaign: CareCampaign, prefix: str, frame: WeekFrame, *, per_helper: bool) -> list[tuple]:
    """The week's figures per village — (village, households, compliant, without helper) — or per primary
    helper — (helper, name, village, households, compliant, 0) — in one GROUP BY: the roster joined to the
    week's contacts grouped by household, the households with a missed duty, and the primary pairings.

    The same rule as `entries_with_compliance`, but joined to grouped subqueries rather than one correlated
    subquery per household and figure, which PostgreSQL runs 5-7x slower (bench/care_compliance.py, docs/benchmarks.md).
    The parts are ORM querysets; only the joins and the GROUP BY are written out."""
    parts = {
        "r": _roster(campaign, prefix).order_by().values("id", "household_id", "region_id", "weekly_contacts", "daily_contact"),
        "a": HelperAssignment.objects.filter(active=True, role=HelperRole.PRIMARY).values("entry_id", "helper_id"),
        "c": _week_contacts(campaign, frame).values("household_id").annotate(
            n=Count("*"), days=Count("local_date", distinct=True, filter=Q(local_date__lte=_last_day_over(frame)))),
        "m": _missed_duties(campaign, frame).values("household_id").distinct(),
    }
    sql, params = {}, {}
    for alias, qs in parts.items():
        sql[alias], params[alias] = qs.query.sql_with_params()
    required = len(frame.campaign_days)
    met = ("a.entry_id IS NOT NULL AND COALESCE(c.n, 0) >= CASE WHEN r.weekly_contacts < %s THEN r.weekly_contacts ELSE %s END "
           "AND (r.daily_contact = %s OR COALESCE(c.days, 0) >= %s) AND m.household_id IS NULL")
    met_params = (required, required, False, frame.daily_required)
    counted = f"COUNT(*), SUM(CASE WHEN {met} THEN 1 ELSE 0 END)"
    if per_helper:
        select, group = f"a.helper_id, h.name, h.region_id, {counted}, 0", "a.helper_id, h.name, h.region_id"
        pairing = f"INNER JOIN ({sql['a']}) a ON a.entry_id = r.id INNER JOIN {Helper._meta.db_table} h ON h.id = a.helper_id"
    else:
        select, group = f"r.region_id, {counted}, SUM(CASE WHEN a.entry_id IS NULL THEN 1 ELSE 0 END)", "r.region_id"
        pairing = f"LEFT JOIN ({sql['a']}) a ON a.entry_id = r.id"
    query = (f"SELECT {select} FROM ({sql['r']}) r {pairing} "
             f"LEFT JOIN ({sql['c']}) c ON c.household_id = r.household_id "
             f"LEFT JOIN ({sql['m']}) m ON m.household_id = r.household_id GROUP BY {group}")
    with connection.cursor() as cursor:
        cursor.execute(query, (*met_params, *params["r"], *params["a"], *params["c"], *params["m"]))
        return cursor.fetchall()


@dataclass
class ComplianceRow:
    code: str
    name: str = ""
    level: int = Level.VILLAGE
    households: int = 0
    compliant: int = 0
    without_helper: int = 0

    def add(self, other: "ComplianceRow") -> None:
        self.households += other.households
        self.compliant += other.compliant
        self.without_helper += other.without_helper

    @property
    def rate(self) -> float | None:
        return round(100 * self.compliant / self.households, 1) if self.households else None

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "households": self.households, "compliant": self.compliant,
                "not_compliant": self.households - self.compliant, "compliance_rate": self.rate, "without_helper": self.without_helper}


@dataclass
class Compliance:
    campaign: CareCampaign
    region: Region
    frame: WeekFrame
    total: ComplianceRow
    children: list[ComplianceRow] = field(default_factory=list)
    villages: list[ComplianceRow] = field(default_factory=list)


def _ancestor_at(code: str, level: int) -> str:
    while level_of(code) > level:
        code = parent_code(code)
    return code


def compliance(campaign: CareCampaign, region_code: str, monday: date, *, today: date | None = None) -> Compliance:
    """Households compliant in a week, per village and rolled up to the region asked for."""
    region = Region.objects.get(pk=region_code)
    frame = _frame(campaign, monday, today or timezone.localdate())
    prefix = prefix_of(region_code)
    rows = _counts(campaign, prefix, frame, per_helper=False)
    names = dict(Region.objects.filter(code__startswith=prefix, level__gte=region.level).values_list("code", "name"))
    total = ComplianceRow(code=region.code, name=region.name, level=region.level)
    villages, children = [], {}
    for code, households, compliant, without_helper in rows:
        village = ComplianceRow(code=code, name=names.get(code, ""), households=households, compliant=int(compliant or 0),
                                without_helper=int(without_helper or 0))
        villages.append(village)
        total.add(village)
        if region.level < Level.VILLAGE:
            code = _ancestor_at(village.code, region.level + 1)
            children.setdefault(code, ComplianceRow(code=code, name=names.get(code, ""), level=region.level + 1)).add(village)
    return Compliance(campaign=campaign, region=region, frame=frame, total=total,
                      children=sorted(children.values(), key=lambda r: r.code), villages=sorted(villages, key=lambda r: r.code))


def compliance_by_helper(campaign: CareCampaign, region_code: str, monday: date, *, today: date | None = None) -> list[dict]:
    """Per helper (primary pairings): households held and how many are compliant this week."""
    frame = _frame(campaign, monday, today or timezone.localdate())
    found = []
    for helper_id, name, village, households, compliant, _none in _counts(campaign, prefix_of(region_code), frame, per_helper=True):
        compliant = int(compliant or 0)
        found.append({"helper": helper_id, "name": name, "village": village, "households": households, "compliant": compliant,
                      "compliance_rate": round(100 * compliant / households, 1) if households else None})
    return sorted(found, key=lambda r: (r["village"], r["name"], r["helper"]))


def households_without_helper(campaign: CareCampaign, region_code: str):
    """Roster households nobody is responsible for: non-compliant whatever their contacts (R-P6-02)."""
    helper = HelperAssignment.objects.filter(entry_id=OuterRef("pk"), active=True, role=HelperRole.PRIMARY)
    return (RosterEntry.objects.filter(campaign=campaign, active=True, region__code__startswith=prefix_of(region_code))
            .exclude(Exists(helper)).select_related("household__head", "region").order_by("region_id", "household_id"))


def households_due(campaign: CareCampaign, region_code: str, *, today: date | None = None, helper=None) -> list[dict]:
    """Households that need a contact today: a daily rule not yet met today, a weekly quota that cannot be
    met without today, or an open warning visit. Each with the reason (for the helper's daily reminder)."""
    today = today or timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    frame = _frame(campaign, monday, today)
    if today not in frame.campaign_days:
        return []
    days_left = len([d for d in frame.campaign_days if d >= today])
    contacted = Contact.objects.filter(campaign=campaign, week_start=monday, household_id=OuterRef("household_id"), local_date=today)
    open_duty = VisitDuty.objects.filter(campaign=campaign, status=DutyStatus.OPEN, household_id=OuterRef("household_id"))
    short = Least(F("weekly_contacts"), Value(len(frame.campaign_days))) - Value(days_left)  # at most this many so far: today is needed
    entries = (entries_with_compliance(campaign, prefix_of(region_code), frame)
               .annotate(contacted_today=Exists(contacted), open_duty=Exists(open_duty))
               # Only the households due are loaded (a county holds tens of thousands).
               .filter(Q(open_duty=True) | (Q(contacted_today=False) & (Q(daily_contact=True) | Q(contacts__lte=short))))
               .select_related("household__head", "region"))
    if helper is not None:
        entries = entries.filter(assignments__helper=helper, assignments__active=True)
    duties = {}
    for duty in VisitDuty.objects.filter(campaign=campaign, status=DutyStatus.OPEN, region__code__startswith=prefix_of(region_code)):
        duties.setdefault(duty.household_id, duty)  # the earliest deadline first (VisitDuty's ordering)
    due = []
    for entry in entries:
        reasons = []
        if entry.open_duty:
            reasons.append(("warning_visit", duties[entry.household_id].due_by))
        if entry.daily_contact and not entry.contacted_today:
            reasons.append(("daily", None))
        required = frame.weekly_required(entry.weekly_contacts)
        if required - entry.contacts >= days_left and not entry.contacted_today:
            reasons.append(("weekly", required - entry.contacts))
        if reasons:
            due.append({"entry": entry, "household": entry.household, "reasons": reasons})
    return due
