"""The demo county's helping contacts (帮包联系) and a cold-wave warning.

Over the demo ledger of 东关街道 (after the surveys demo): one campaign whose contact window began on the
Monday two weeks before this one, so the dashboards show two closed weeks and the current one, and runs
to the end of February; its 帮扶责任联系表 were due the day before contacts began (plan 6: file by 12-20,
contact from 12-21), so that deadline is in the past. The roster comes from the ledger's categories plus
one household added by hand; first-grade disabled persons' households must be asked after daily (plan 7).
Every village with roster households gets two-committee helpers (a Party member where there are four or
more households); in 金钟社区 the demo user `helper` is one of them. About 90 % of households are paired,
the rest show up as "without a helper". Contacts fill the past weeks (most households meet the quota,
some fall short) and the current week up to yesterday; most villages filed their form, one late. A
寒潮黄色预警 over 西秀区, in force since a few hours ago, asks for home visits; some are done already.

Everything goes through the services as the demo users, deterministic (random.Random(2026)), contacts
never in the future. When the campaign exists already the whole load is skipped, so a second run changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from warmwinter.accounts.models import User
from warmwinter.alerts.choices import AlertEvent, Colour
from warmwinter.alerts.models import WeatherAlert
from warmwinter.alerts.services import AlertInput, alert_record
from warmwinter.care import services
from warmwinter.care.choices import DutyStatus, HelperKind, HelperRole
from warmwinter.care.models import CareCampaign, Contact, ContactFormFiling, Helper, HelperAssignment, RosterEntry, VisitDuty
from warmwinter.care.quota import week_start_of
from warmwinter.care.services_contacts import contact_record
from warmwinter.regions.models import Region
from warmwinter.registry.choices import HouseholdStatus
from warmwinter.registry.models import CategoryAssignment, Household
from warmwinter.surveys.demo_answers import good_answers, hang_together

SEED = 2026
COUNTY, DONGGUAN, JINZHONG = "520402000000", "520402005000", "520402005001"
USERNAMES = ["township", "clerk", "helper", "emergency"]
UNPAIRED_SHARE = 0.1  # households nobody has been named for yet
SHORT_SHARE = 0.15  # paired households that fall short of the quota in a past week
VISITED_SHARE = 0.4  # warning duties already fulfilled
WARNING_SENDER = "安顺市西秀区气象台"

SURNAMES = "王李张刘陈杨黄赵吴周罗龙韦徐胡朱高何郭马谢宋郑潘田石邓卢伍"
GIVEN = ["建国", "明华", "国强", "秀英", "桂兰", "志刚", "德华", "永富", "春梅", "文杰", "海燕", "光明", "玉珍", "兴旺", "世勇",
         "正荣", "会芬", "晓东", "德明", "金凤", "昌平", "红梅", "家贵", "绍勇", "天福", "应芬", "开明", "朝英", "跃进", "顺华"]
PHONE_NOTES = ["电话询问，家中取暖正常", "电话联系，老人身体尚好，叮嘱夜间关好炉门、注意通风", "电话询问储煤情况，尚够一个月",
               "电话联系家属，了解老人近况", "提醒降温添衣、注意用电安全", "电话询问，孩子已放学回家，家中有人照看"]
VISIT_NOTES = ["入户走访，查看取暖和用电情况，一切正常", "入户走访，讲解防一氧化碳中毒知识", "入户看望，了解生活和就医情况",
               "入户走访，检查门窗和烟道", "入户走访，家中御寒衣被充足"]
FIXES = ["已帮助清理烟道、加装风斗", "已更换老化插线板", "已送去棉被一床", "已协调送煤半吨", "已帮助包裹水管做好保温"]
WARNING_VISIT_NOTE = "寒潮预警后入户走访，检查取暖和门窗，叮嘱关好炉门、开窗通风"


@dataclass(frozen=True)
class CareDemo:
    households: int
    without_helper: int
    helpers: int
    pairings: int
    contacts: int
    filings: int
    late_filings: int
    warnings: int
    duties: int
    duties_done: int

    def summary(self) -> str:
        return (f"Demo care: {self.households} roster households ({self.without_helper} without a helper), {self.helpers} helpers, "
                f"{self.pairings} pairings, {self.contacts} contacts, {self.filings} filings ({self.late_filings} late), "
                f"{self.warnings} warning(s), {self.duties} visit duties ({self.duties_done} done)  "
                f"演示帮扶联系 名册 {self.households} 户（未落实帮扶人 {self.without_helper} 户）、帮扶责任人 {self.helpers} 名、"
                f"结对 {self.pairings} 个、联系记录 {self.contacts} 条、联系表备案 {self.filings} 个村（逾期 {self.late_filings} 个）、"
                f"气象预警 {self.warnings} 条、预警走访任务 {self.duties} 项（已走访 {self.duties_done} 项）")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def campaign_plan(today: date) -> dict:
    """Name and dates of the demo campaign for `today` (see the module docstring)."""
    window = services.default_window(today)
    starts_on = week_start_of(today) - timedelta(days=14)
    ends_on = max(window["ends_on"], today + timedelta(days=30))
    return {"name": f"东关街道{window['starts_on'].year}年冬季帮扶联系", "starts_on": starts_on, "ends_on": ends_on,
            "filing_deadline": starts_on - timedelta(days=1)}


def demo_campaign(today: date | None = None) -> CareCampaign | None:
    return CareCampaign.objects.filter(region_id=DONGGUAN, name=campaign_plan(today or timezone.localdate())["name"]).first()


def _roster(campaign: CareCampaign, users: dict) -> None:
    """From the ledger's categories; one lone old person in 金钟社区 by hand; daily contact for grade-1 disabled."""
    services.roster_build(actor=users["township"], campaign=campaign)
    listed = RosterEntry.objects.filter(campaign=campaign).values("household_id")
    lone = (Household.objects.filter(region_id=JINZHONG, status=HouseholdStatus.ACTIVE, head__isnull=False).exclude(pk__in=listed)
            .order_by("head__birth_date", "pk").first())
    if lone is not None:
        services.roster_add(actor=users["clerk"], campaign=campaign, household=lone, reason="独居高龄老人，子女在外务工")
    severe = (CategoryAssignment.objects.filter(category_id="disabled", grade=1, person__alive=True, person__household__in=listed)
              .values_list("person__household_id", flat=True).distinct().order_by("person__household_id"))
    for household in Household.objects.filter(pk__in=list(severe)).order_by("pk"):
        services.quota_rule_set(actor=users["township"], campaign=campaign, kind="daily", household=household)


def _names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    names = []
    while len(names) < count:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def _helpers(campaign: CareCampaign, users: dict, rng: random.Random) -> dict[str, list[Helper]]:
    """Helpers of every village with roster households: one, or two for three or more households."""
    counts: dict[str, int] = {}
    for region_id in RosterEntry.objects.filter(campaign=campaign, active=True).values_list("region_id", flat=True):
        counts[region_id] = counts.get(region_id, 0) + 1
    huang = users["helper"]
    huang_name = (huang.display_name or huang.username).split()[-1]
    taken = {huang_name}
    by_village: dict[str, list[Helper]] = {}
    for village in Region.objects.filter(pk__in=counts).order_by("code"):
        community = village.name.endswith("社区居民委员会")
        posts = ["社区党委书记", "居委会主任"] if community else ["村党支部书记", "村委会主任"]
        many = counts[village.code] >= 4
        wanted = 2 if counts[village.code] >= 3 or village.code == JINZHONG else 1
        actor = users["clerk"] if village.code == JINZHONG else users["township"]
        made = []
        if village.code == JINZHONG:  # the demo helper user holds the community's households; its director is the backup
            made.append(services.helper_register(actor=actor, region_code=JINZHONG, name=huang_name, phone="13985316688",
                                                 position="居委会委员", user=huang))
        for index, name in enumerate(_names(rng, wanted - len(made), taken), start=len(made)):
            party = many and index == 1
            made.append(services.helper_register(
                actor=actor, region_code=village.code, name=name, phone=f"139{rng.randint(10_000_000, 99_999_999)}",
                kind=HelperKind.PARTY_MEMBER if party else HelperKind.TWO_COMMITTEES, position="党员" if party else posts[index]))
        by_village[village.code] = made
    return by_village


def _pairings(campaign: CareCampaign, helpers: dict[str, list[Helper]], users: dict, rng: random.Random) -> list[RosterEntry]:
    """About 90 % paired (一帮一 / 一帮多), with the village's other helper as backup; returns the paired entries."""
    entries = list(RosterEntry.objects.filter(campaign=campaign, active=True).order_by("region_id", "household_id"))
    outside = [e for e in entries if e.region_id != JINZHONG]
    unpaired = {e.pk for e in rng.sample(outside, round(UNPAIRED_SHARE * len(entries)))}
    paired, turn = [], {}
    for entry in entries:
        if entry.pk in unpaired:
            continue
        village = helpers[entry.region_id]
        actor = users["clerk"] if entry.region_id == JINZHONG else users["township"]
        index = 0 if entry.region_id == JINZHONG else turn.get(entry.region_id, 0)
        turn[entry.region_id] = (index + 1) % len(village)
        services.helper_assign(actor=actor, entry=entry, helper=village[index])
        if len(village) > 1:
            services.helper_assign(actor=actor, entry=entry, helper=village[1 - index], role=HelperRole.BACKUP)
        paired.append(entry)
    return paired


def _filings(campaign: CareCampaign, paired: list[RosterEntry], users: dict, rng: random.Random) -> None:
    """Villages whose every household has a helper filed their form on paper before the deadline, one late;
    villages with a household still unpaired have not filed."""
    entries = RosterEntry.objects.filter(campaign=campaign, active=True)
    waiting = set(entries.exclude(pk__in=[e.pk for e in paired]).values_list("region_id", flat=True))
    complete = sorted(set(entries.values_list("region_id", flat=True)) - waiting)
    late = rng.choice([v for v in complete if v != JINZHONG])
    for village in complete:
        day = campaign.filing_deadline + timedelta(days=3) if village == late else campaign.filing_deadline - timedelta(days=rng.randint(0, 3))
        actor = users["clerk"] if village == JINZHONG else users["township"]
        services.filing_submit(actor=actor, campaign=campaign, region_code=village,
                               filed_at=_at(day, rng.randint(9, 16), rng.choice([0, 15, 30, 45])))


def _record(campaign, entry, users, rng, template, *, moment: datetime | None, visit: bool, note: str = "") -> None:
    helpers = {a.role: a.helper for a in HelperAssignment.objects.filter(entry=entry, active=True).select_related("helper")}
    helper = helpers[HelperRole.BACKUP] if HelperRole.BACKUP in helpers and rng.random() < 0.1 else helpers[HelperRole.PRIMARY]
    actor = users["helper"] if helper.user_id == users["helper"].pk else users["clerk"] if entry.region_id == JINZHONG else users["township"]
    household = entry.household
    fields = {"notes": note or rng.choice(PHONE_NOTES)}
    if visit:
        alive = household.members.filter(alive=True).count()
        answers = good_answers(template, template.params, rng, household=household, alive=alive)
        hang_together(template.code, answers, set(), rng)
        fields = {"notes": note or rng.choice(VISIT_NOTES), "answers": answers}
        if rng.random() < 0.1:
            fields["solved_on_spot"] = rng.choice(FIXES)
    contact_record(actor=actor, household=household, campaign=campaign, helper=helper, channel="visit" if visit else "phone",
                   contacted_at=moment, **fields)


def _contacts(campaign: CareCampaign, paired: list[RosterEntry], users: dict, rng: random.Random, today: date) -> None:
    """Past weeks: most households three or four contacts, some one or two; daily households every day but one.
    This week: up to yesterday, one to three so far (today's are still to come)."""
    template = campaign.contact_template
    daily_missed = next((e.pk for e in paired if e.daily_contact), None)
    monday = campaign.starts_on
    while monday <= today:
        current = monday == week_start_of(today)
        days = [monday + timedelta(days=i) for i in range(7) if monday + timedelta(days=i) < today]
        for entry in paired:
            if entry.daily_contact:
                chosen = [d for d in days if not (entry.pk == daily_missed and monday == campaign.starts_on and d.weekday() == 3)]
            else:
                if current:
                    wanted = rng.choice([1, 2, 2, 3, 3])
                else:
                    wanted = rng.choice([1, 2]) if rng.random() < SHORT_SHARE else rng.choice([3, 3, 3, 4])
                chosen = sorted(rng.sample(days, min(wanted, len(days))))
            for index, day in enumerate(chosen):
                visit = rng.random() < (0.6 if index == 0 else 0.25)
                _record(campaign, entry, users, rng, template, moment=_at(day, rng.randint(8, 18), rng.choice([0, 10, 20, 30, 40, 50])),
                        visit=visit)
        monday += timedelta(days=7)


def _warning(users: dict, now: datetime) -> WeatherAlert:
    """寒潮黄色预警 over 西秀区, in force since a few hours ago, for two more days."""
    local = timezone.localtime(now).replace(minute=0, second=0, microsecond=0)
    onset = local - timedelta(hours=4)
    return alert_record(actor=users["emergency"], data=AlertInput(
        identifier=f"52040241600000_{onset:%Y%m%d%H%M%S}", sender=WARNING_SENDER, sent=onset, event=AlertEvent.COLD_WAVE,
        event_text="寒潮黄色预警", colour=Colour.YELLOW, onset=onset, expires=local + timedelta(days=2), area_codes=[COUNTY],
        headline="西秀区气象台发布寒潮黄色预警信号",
        description=(f"西秀区气象台{onset:%Y年%m月%d日%H时}发布寒潮黄色预警信号：受强冷空气影响，预计未来48小时内我区气温将下降8～10℃，"
                     "最低气温降至-2℃～0℃，并伴有4～6级偏北风，部分乡镇有雨夹雪或冻雨，请注意防范。"),
        instruction=("1. 政府及有关部门按照职责做好防寒潮准备工作；2. 注意添衣保暖，老、弱、病、残等重点人群减少外出；"
                     "3. 帮扶责任人及时入户走访重点关注对象，检查取暖设施，防范一氧化碳中毒；4. 做好道路结冰和供水、供电设施防冻工作。"),
    ))


def _warning_visits(campaign: CareCampaign, alert: WeatherAlert, users: dict, rng: random.Random) -> None:
    """Some helpers went at once: about 40 % of the duties are done (in 金钟社区, one of the demo helper's two)."""
    open_duties = set(VisitDuty.objects.filter(alert=alert, campaign=campaign, status=DutyStatus.OPEN).values_list("household_id", flat=True))
    paired = list(RosterEntry.objects.filter(campaign=campaign, active=True, household_id__in=open_duties,
                                             assignments__active=True, assignments__role=HelperRole.PRIMARY)
                  .select_related("household").order_by("region_id", "household_id"))
    jinzhong = [e for e in paired if e.region_id == JINZHONG][:1]
    others = [e for e in paired if e.region_id != JINZHONG]
    chosen = jinzhong + rng.sample(others, max(round(VISITED_SHARE * len(open_duties)) - len(jinzhong), 0))
    for entry in sorted(chosen, key=lambda e: (e.region_id, e.household_id)):
        _record(campaign, entry, users, rng, campaign.contact_template, moment=None, visit=True, note=WARNING_VISIT_NOTE)


@transaction.atomic
def care_demo_load() -> CareDemo:
    """Load the demo campaign, its contacts and the cold-wave warning, unless the campaign exists already."""
    today = timezone.localdate()
    if demo_campaign(today) is not None:
        return care_demo_figures()
    users = {u.username: u for u in User.objects.filter(username__in=USERNAMES)}
    rng = random.Random(SEED)
    plan = campaign_plan(today)
    campaign = services.campaign_create(actor=users["township"], region_code=DONGGUAN, **plan)
    _roster(campaign, users)
    helpers = _helpers(campaign, users, rng)
    paired = _pairings(campaign, helpers, users, rng)
    _filings(campaign, paired, users, rng)
    paired = list(RosterEntry.objects.filter(pk__in=[e.pk for e in paired]).select_related("household").order_by("region_id", "household_id"))
    _contacts(campaign, paired, users, rng, today)
    alert = _warning(users, timezone.now())
    _warning_visits(campaign, alert, users, rng)
    return care_demo_figures()


def care_demo_figures() -> CareDemo:
    campaign = demo_campaign()
    if campaign is None:
        return CareDemo(0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    entries = RosterEntry.objects.filter(campaign=campaign, active=True)
    paired = HelperAssignment.objects.filter(entry__in=entries, active=True)
    filings = ContactFormFiling.objects.filter(campaign=campaign)
    duties = VisitDuty.objects.filter(campaign=campaign)
    return CareDemo(
        households=entries.count(), without_helper=entries.exclude(pk__in=paired.filter(role=HelperRole.PRIMARY).values("entry_id")).count(),
        helpers=Helper.objects.filter(region__code__startswith=DONGGUAN[:9]).count(), pairings=paired.count(),
        contacts=Contact.objects.filter(campaign=campaign).count(), filings=filings.count(), late_filings=filings.filter(late=True).count(),
        warnings=duties.values("alert_id").distinct().count(), duties=duties.count(),
        duties_done=duties.filter(status=DutyStatus.DONE).count(),
    )
