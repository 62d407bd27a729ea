"""The demo county's surveys (摸排) and problem list (问题清单).

Over the demo ledger of 西秀区 (东关街道 and 南街街道): a round of every shipped template whose window
contains today, answered for about 70 % of households (some villages complete, some not), the
problems the answers reveal taken through every state of the workflow (one overdue, some major),
premises of different kinds with a fire-safety round and self / joint inspections, a unit report and
a 四不两直 spot check with one mismatch. Everything goes through the services as the demo users, so
the audit chain and the notifications tell the same story a real county would see.

Deterministic (seeded with 2026 per round); a round whose name exists already is skipped, so running
it twice changes nothing, and a template shipped later gets its round on the next run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from warmwinter.accounts.models import User
from warmwinter.hazards import services as hazard_services
from warmwinter.hazards.choices import HazardSource, Severity
from warmwinter.hazards.models import Hazard, Premises
from warmwinter.hazards.workflow import State
from warmwinter.regions.codes import in_subtree, prefix_of
from warmwinter.regions.models import Region
from warmwinter.registry.choices import HouseholdStatus
from warmwinter.registry.models import Household
from warmwinter.surveys import selectors, services, services_spot_checks
from warmwinter.surveys.choices import ResponseKind
from warmwinter.surveys.demo_answers import good_answers, hang_together, trip
from warmwinter.surveys.models import SpotCheck, SurveyResponse, SurveyRound, SurveyTemplate

SEED = 2026
COUNTY, DONGGUAN, NANJIE, JINZHONG = "520402000000", "520402005000", "520402001000", "520402005001"
USERNAMES = ["county", "township", "clerk", "helper", "supervisor", "patrol", "emergency"]


@dataclass(frozen=True)
class RoundPlan:
    template: str
    name: str
    region: str
    creator: str
    starts: int  # days from today
    ends: int
    deadline: int | None = None  # report deadline at 12:00 on today + this many days
    majors: int = 0  # households whose answers find a major problem


PLANS = [
    RoundPlan("p4-heating-survey", "东关街道农村常住户冬季取暖摸底", DONGGUAN, "township", -6, 2, deadline=1),
    RoundPlan("p6-visit-checklist", "西秀区重点关注对象入户走访（六项检查）", COUNTY, "county", -13, 7, majors=1),
    RoundPlan("p7-needs-hazards", "南街街道困难群众需求和取暖隐患排查", NANJIE, "county", -9, 3, deadline=-1, majors=1),
    RoundPlan("p9-relocated-households", "金钟社区拆迁躲迁户冬季走访", JINZHONG, "township", -5, 9),
    RoundPlan("p10-premises-fire", "东关街道人员密集场所冬季消防安全检查", DONGGUAN, "township", -8, 10, majors=1),
]
# (village, name, kind, address, operator, contact, phone); the clerk registers those of 金钟社区.
PREMISES = [
    ("520402005011", "东关农贸市场", "market", "东关路88号", "东关农贸市场管理有限公司", "罗明华", "0851-33221001"),
    ("520402005001", "金钟惠民超市", "supermarket", "金钟路12号", "个体 王建平", "王建平", "13985311002"),
    ("520402005002", "中国石化安顺东郊加油站", "gas_station", "东郊路3号", "中国石化安顺分公司", "陈国强", "0851-33221003"),
    ("520402005013", "西秀区东关敬老院", "nursing_home", "伍家关路6号", "东关街道办事处", "杨秀英", "0851-33221004"),
    ("520402005017", "安顺市第五小学", "school", "城东路20号", "西秀区教育局", "周志伟", "0851-33221005"),
    ("520402005010", "虹轴宾馆", "hotel_restaurant", "虹轴北路45号", "个体 刘德福", "刘德福", "13985311006"),
    ("520402005001", "金钟浴池", "bathhouse", "金钟路30号", "个体 赵春梅", "赵春梅", "13985311007"),
    ("520402005018", "新天地购物广场", "mall", "新天地大道1号", "安顺新天地商业管理公司", "吴海波", "0851-33221008"),
    ("520402005012", "前进村小作坊（住宿、生产、经营三合一）", "multi_use", "前进村4组", "个体 龙桂珍", "龙桂珍", "13985311009"),
]
VILLAGE_SHARES = [1.0, 1.0, 0.875, 0.75, 0.625, 0.5, 0.375]  # mean ≈ 73 %: some villages complete
FIXES = {
    "heating_missing": "已协调送去电取暖器一台", "heating_equipment": "已请师傅修好炉具", "coal_low": "已协调送煤一吨",
    "co_risk": "已清理烟道、加装风斗，当面讲解通风", "house_danger": "已临时安置到亲属家，危房改造已申报",
    "wiring": "已请电工更换老化线路", "water": "已安排定点送水", "cold_supplies": "已送去棉被两床、棉衣一件",
    "hardship": "已启动临时救助", "food": "已送去大米一袋、食用油一桶", "fire_risk": "已清除炉边可燃物",
}


@dataclass(frozen=True)
class SurveysDemo:
    rounds: int
    responses: int
    hazards: int
    closed: int
    premises: int
    spot_checks: int

    def summary(self) -> str:
        return (f"Demo surveys: {self.rounds} rounds, {self.responses} answer sheets, {self.hazards} problems "
                f"({self.closed} closed), {self.premises} premises, {self.spot_checks} spot check(s)  "
                f"演示摸排 {self.rounds} 轮、摸排记录 {self.responses} 份、问题 {self.hazards} 条（已销号 {self.closed} 条）、"
                f"场所 {self.premises} 处、抽查 {self.spot_checks} 次")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _visited(rng: random.Random, today: date, first: date, days_ago: int | None = None) -> datetime:
    """A visit during working hours between the round's start and now."""
    span = max((today - first).days, 0)
    days_ago = min(rng.choice([0, 0, 1, 1, 2, 2, 3, 3, 4, 5, 6, 8, 10]) if days_ago is None else days_ago, span)
    moment = _at(today - timedelta(days=days_ago), rng.randint(8, 17), rng.choice([0, 10, 20, 30, 40, 50]))
    now = timezone.now()
    return moment if moment <= now else now - timedelta(minutes=rng.randint(5, 90))


def _surveyor(users: dict, village: str, plan: RoundPlan, rng: random.Random):
    if plan.template.startswith("p9"):
        return users["helper"]
    if village == JINZHONG:
        return users["clerk"] if rng.random() < 0.7 else users["helper"]
    return users["township"] if in_subtree(village, DONGGUAN) else users["county"]


def _answers(template, params, rng, *, household=None, alive=0, rule=None) -> tuple[dict, set[str]]:
    answers = good_answers(template, params, rng, household=household, alive=alive)
    tripped = set()
    for chosen in [rule] if rule else []:
        if trip(template, answers, chosen, params):
            tripped.add(chosen["when"]["q"])
    hang_together(template.code, answers, tripped, rng)
    return answers, tripped


def _rule_to_trip(template, rng: random.Random, *, major: bool) -> dict | None:
    """A general rule about one household in six or seven; a major one only when asked for."""
    wanted = [r for r in template.rules if (r.get("severity") == Severity.MAJOR) == major]
    if not wanted or (not major and rng.random() > 0.15):
        return None
    return rng.choice(wanted)


def _household_round(plan: RoundPlan, round_, users: dict, rng: random.Random, today: date) -> None:
    """Answers for about 70 % of the round's households; a few find problems, `plan.majors` a major one."""
    households = Household.objects.filter(region__code__startswith=prefix_of(round_.region_id), status=HouseholdStatus.ACTIVE)
    by_village: dict[str, list] = {}
    for household in households.order_by("region_id", "number", "id"):
        by_village.setdefault(household.region_id, []).append(household)
    if JINZHONG in by_village and round_.region_id != JINZHONG:
        services.assignment_set(actor=round_.created_by, round_=round_, region_code=JINZHONG, surveyor=users["clerk"])
    template, params = round_.template, round_.rule_params()
    majors, old = plan.majors, 0
    major_village = JINZHONG if JINZHONG in by_village else max(by_village, default="")  # officers nearby get told
    for village, homes in by_village.items():
        share = rng.choice(VILLAGE_SHARES)
        for household in sorted(rng.sample(homes, round(share * len(homes))), key=lambda h: h.pk):
            alive = household.members.filter(alive=True).count()
            major = majors > 0 and village == major_village
            rule = _rule_to_trip(template, rng, major=major)
            majors -= bool(major and rule)
            answers, _tripped = _answers(template, params, rng, household=household, alive=alive, rule=rule)
            persons = alive - 1 if alive > 1 and rng.random() < 0.15 else alive  # someone away at work
            days_ago = None
            if rule and old < 2 and plan.starts <= -10:
                days_ago, old = 10, old + 1  # found long ago: one of these stays open, overdue
            services.response_submit(actor=_surveyor(users, village, plan, rng), round_=round_, household=household,
                                     answers=answers, persons_covered=persons, visited_at=_visited(rng, today, round_.starts_on, days_ago))


def premises_demo_load(users: dict) -> list[Premises]:
    """Register the demo premises (those missing)."""
    made = []
    for village, name, kind, address, operator, contact, phone in PREMISES:
        found = Premises.objects.filter(region_id=village, name=name).first()
        if found is None:
            actor = users["clerk"] if village == JINZHONG else users["township"]
            found = hazard_services.premises_register(actor=actor, region_code=village, name=name, kind=kind, address=address,
                                                      operator=operator, contact_name=contact, contact_phone=phone)
        made.append(found)
    return made


def _premises_round(round_, premises: list[Premises], users: dict, rng: random.Random, today: date) -> None:
    """The round's inspections of most premises, and self, joint and pre-holiday inspections of some."""
    template, params = round_.template, round_.rule_params()
    majors = sorted((r for r in template.rules if r.get("severity") == Severity.MAJOR), key=lambda r: r["key"] != "multi_use")
    general = [r for r in template.rules if r.get("severity") != Severity.MAJOR]
    for index, place in enumerate(premises):
        if index % 4 == 3:
            continue  # not inspected yet
        rule = majors[0] if majors and place.kind == "multi_use" else rng.choice(general) if general and index % 3 == 0 else None
        answers, _ = _answers(template, params, rng, rule=rule)
        actor = users["clerk"] if place.region_id == JINZHONG else users["township"]
        services.response_submit(actor=actor, round_=round_, premises=place, answers=answers, inspectors=str(actor),
                                 visited_at=_visited(rng, today, round_.starts_on))
    named = {p.name: p for p in premises}
    others = [(ResponseKind.SELF_INSPECTION, 1, "clerk", "超市安全员 王建平"),
              (ResponseKind.SELF_INSPECTION, 3, "township", "敬老院院长 杨秀英"),
              (ResponseKind.SELF_INSPECTION, 6, "clerk", "浴池负责人 赵春梅"),
              (ResponseKind.JOINT_INSPECTION, 7, "county", "区民政局、区应急管理局、区消防救援大队、东关街道"),
              (ResponseKind.JOINT_INSPECTION, 0, "county", "区市场监管局、区消防救援大队、东关街道"),
              (ResponseKind.PRE_HOLIDAY, 3, "emergency", "区应急管理局 元旦前检查组")]
    for kind, number, username, inspectors in others:
        place = named.get(PREMISES[number][1])
        if place is None:
            continue
        rule = general[1] if len(general) > 1 and number == 0 else None  # the joint inspection finds what the market missed
        answers, _ = _answers(template, params, rng, rule=rule)
        services.response_submit(actor=users[username], round_=round_, premises=place, answers=answers, kind=kind,
                                 inspectors=inspectors, visited_at=_visited(rng, today, round_.starts_on))


def _people(region_code: str, users: dict) -> tuple:
    """(who handles, who verifies, who closes) problems of a region."""
    if region_code == JINZHONG:
        return users["clerk"], users["township"], users["township"]
    if in_subtree(region_code, DONGGUAN):
        return users["township"], users["supervisor"], users["county"]
    return users["county"], users["supervisor"], users["county"]


PATHS = {
    State.IDENTIFIED: [], State.WARNED: ["warn"], State.ESCALATED: ["warn", "escalate"],
    State.RESOLVED_ON_SPOT: ["resolve_on_spot"], State.RECTIFYING: ["warn", "start_rectification"],
    State.RECTIFIED: ["warn", "start_rectification", "rectify"], State.VERIFIED: ["warn", "start_rectification", "rectify", "verify"],
    State.CLOSED: ["warn", "start_rectification", "rectify", "verify", "close"],
}
# Where a problem stands by how long ago it was found: old ones are mostly closed, new ones just warned.
BY_AGE = [
    (7, [State.CLOSED] * 4 + [State.VERIFIED, State.RECTIFIED, State.RECTIFYING]),
    (3, [State.RECTIFYING] * 3 + [State.RECTIFIED] * 2 + [State.VERIFIED, State.CLOSED, State.CLOSED, State.RESOLVED_ON_SPOT]),
    (0, [State.IDENTIFIED] * 3 + [State.WARNED] * 3 + [State.RESOLVED_ON_SPOT, State.ESCALATED, State.RECTIFYING, State.RECTIFYING]),
]


def _target(hazard: Hazard, today: date, rng: random.Random) -> str:
    age = (today - timezone.localdate(hazard.found_at)).days
    return rng.choice(next(states for least, states in BY_AGE if age >= least))


def problems_demo_load(hazards: list[Hazard], users: dict, rng: random.Random, today: date) -> None:
    """Take the problems through the workflow: every state shows up, one old problem stays open (overdue)."""
    targets = {h.pk: _target(h, today, rng) for h in hazards}
    overdue = next((h for h in hazards if h.severity == Severity.GENERAL and h.deadline < today), None)
    if overdue is not None:
        targets[overdue.pk] = State.RECTIFYING
    for state in State:
        if state not in targets.values():
            spare = next((h for h in hazards if h.severity == Severity.GENERAL and targets[h.pk] in (State.IDENTIFIED, State.WARNED)
                          and h != overdue), None)
            if spare is not None:
                targets[spare.pk] = state
    majors = [h for h in hazards if h.severity == Severity.MAJOR]
    for index, hazard in enumerate(majors):  # already escalated; the first stays with the county, the others get fixed
        targets[hazard.pk] = State.ESCALATED if index == 0 else State.RECTIFYING
    for hazard in hazards:
        handler, verifier, closer = _people(hazard.region_id, users)
        path = PATHS[targets[hazard.pk]]
        if hazard.state == State.ESCALATED:
            path = [step for step in path if step not in ("warn", "escalate", "resolve_on_spot")]
        if rng.random() < 0.3 and "rectify" in path and targets[hazard.pk] in (State.VERIFIED, State.CLOSED):
            path = ["resolve_on_spot", *path[path.index("verify"):]]
        if "start_rectification" in path:
            hazard = hazard_services.hazard_update(actor=handler, hazard=hazard, responsible_unit=_unit(hazard),
                                                   responsible_person=(handler.display_name or handler.username).split()[-1])
        for name in path:
            actor = verifier if name == "verify" else closer if name == "close" else handler
            note = {"escalate": "需街道协调解决", "rectify": FIXES.get(hazard.category, "已整改"),
                    "resolve_on_spot": FIXES.get(hazard.category, "已当场处理")}.get(name, "")
            hazard = hazard_services.hazard_transition(actor=actor, hazard=hazard, name=name, note=note)


def _unit(hazard: Hazard) -> str:
    return Region.objects.get(pk=hazard.region_id).name.replace("居民委员会", "居委会").replace("村民委员会", "村委会")


def unit_report_demo_load(round_, users: dict) -> None:
    """东关街道's situation report (现状、问题、对策、建议) with the round's figures."""
    figures = selectors.coverage(round_, DONGGUAN).total
    rates, _ = selectors.hazard_rates(round_, DONGGUAN)
    services.unit_report_submit(
        actor=users["township"], round_=round_, region_code=DONGGUAN,
        situation=(f"东关街道应摸排 {figures.units} 户 {figures.persons} 人，已摸排 {figures.surveyed} 户（{figures.coverage_rate}%），"
                   f"见到 {figures.persons_covered} 人；{figures.villages_complete} 个村（社区）已全部摸排。"),
        problems=f"发现问题 {rates.found} 条，其中重大问题 {rates.major} 条；部分老人独居、储煤不足，个别房屋老旧。",
        measures="逐户建立问题清单，明确责任人和整改时限，边排查、边整改；重大问题已报区民政局。",
        suggestions="建议区里统筹调配取暖煤和电取暖器，优先保障特困、低保家庭。",
    )


def spot_check_demo_load(round_, users: dict) -> None:
    """The inspection office draws five households of 东关街道 and re-visits two: one answer differs."""
    check = services_spot_checks.spot_check_draw(actor=users["supervisor"], round_=round_, region_code=DONGGUAN, size=5, seed=SEED)
    first, second = list(check.items.select_related("original__template"))[:2]
    services_spot_checks.spot_check_record(actor=users["supervisor"], item=first, answers=dict(first.original.answers),
                                           notes="与摸排记录一致")
    answers = dict(second.original.answers)
    template = second.original.template
    flip = next((q["key"] for q in template.questions if answers.get(q["key"]) is True
                 and any(r["when"] == {"q": q["key"], "op": "no"} for r in template.rules)), None)
    flip = flip or next(q["key"] for q in template.questions if isinstance(answers.get(q["key"]), bool))
    answers[flip] = not answers[flip]
    services_spot_checks.spot_check_record(actor=users["supervisor"], item=second, answers=answers,
                                           notes="暗访发现与摸排记录不一致，已要求村里重新核实")


def manual_demo_load(users: dict, today: date) -> None:
    """Problems reported outside any round: by the patrol, and from a resident's call."""
    hazard_services.hazard_report(actor=users["patrol"], region_code="520402005011", category="hardship",
                                  title="东关农贸市场附近发现流浪乞讨人员，夜间露宿", source=HazardSource.MANUAL,
                                  description="约60岁男性，衣着单薄，已劝导前往救助站", deadline=today + timedelta(days=1))
    hazard_services.hazard_report(actor=users["county"], region_code="520402001002", category="supply_shortage",
                                  title="群众反映南华社区部分楼栋供暖不足", source=HazardSource.COMPLAINT,
                                  responsible_unit="南街街道办事处", deadline=today + timedelta(days=3))


def _template(code: str) -> SurveyTemplate | None:
    return SurveyTemplate.objects.filter(code=code, active=True).order_by("-version").first()


@transaction.atomic
def surveys_demo_load() -> SurveysDemo:
    """Load the demo surveys and problem list; rounds that exist already (by name) are left alone."""
    users = {u.username: u for u in User.objects.filter(username__in=USERNAMES)}
    today = timezone.localdate()
    first_time = not Premises.objects.filter(name=PREMISES[0][1]).exists()
    premises = premises_demo_load(users)
    made: list[SurveyRound] = []
    for plan in PLANS:
        template = _template(plan.template)
        if template is None or SurveyRound.objects.filter(name=plan.name).exists():
            continue
        rng = random.Random(f"{SEED}:{plan.template}")
        deadline = _at(today + timedelta(days=plan.deadline), 12) if plan.deadline is not None else None
        round_ = services.round_create(actor=users[plan.creator], template=template, region_code=plan.region, name=plan.name,
                                       starts_on=today + timedelta(days=plan.starts), ends_on=today + timedelta(days=plan.ends),
                                       report_deadline=deadline)
        if template.subject == "premises":
            _premises_round(round_, premises, users, rng, today)
        else:
            _household_round(plan, round_, users, rng, today)
        made.append(round_)
    found = list(Hazard.objects.filter(response__round__in=made).exclude(source=HazardSource.SPOT_CHECK).order_by("pk"))
    problems_demo_load(found, users, random.Random(SEED), today)
    for round_ in made:
        if round_.template.code == "p4-heating-survey" or (round_.template.code == "p6-visit-checklist" and not _template("p4-heating-survey")):
            unit_report_demo_load(round_, users)
        if round_.template.code == "p6-visit-checklist":
            spot_check_demo_load(round_, users)
    if first_time:
        manual_demo_load(users, today)
    return surveys_demo_figures()


def surveys_demo_figures() -> SurveysDemo:
    rounds = SurveyRound.objects.filter(name__in=[p.name for p in PLANS])
    hazards = Hazard.objects.filter(region__code__startswith=COUNTY[:6])
    return SurveysDemo(
        rounds=rounds.count(), responses=SurveyResponse.objects.filter(round__in=rounds).count(), hazards=hazards.count(),
        closed=hazards.filter(state=State.CLOSED).count(), premises=Premises.objects.filter(region__code__startswith=COUNTY[:6]).count(),
        spot_checks=SpotCheck.objects.filter(round__in=rounds).count(),
    )

