"""Out-of-scope objects for the scoping matrix (tests/test_scoping_matrix.py).

The matrix walks every URL pattern. For a pattern with path parameters it needs, for each
parameter name, an object that lives OUTSIDE the requesting user's scope (expect 404) and one
INSIDE it (to prove the 404 comes from scoping, not from a malformed value). This module maps
each URL kwarg name to a pair of functions that make them.

Adding a URL with a new parameter name, say `<int:household_id>`? Register it here:

    @register("household_id")
    class _Household:
        @staticmethod
        def outside(world: World):
            return HouseholdFactory(village=region(world.outside_village)).pk

        @staticmethod
        def inside(world: World):
            return HouseholdFactory(village=region(world.inside_village)).pk

`outside` may return a list of values: each one is tried (e.g. a sibling township and a
neighbouring county). Put the objects under `world.outside` / `world.outside_village`, which
already account for the requester's level (a township officer's "outside" is the other
township of the same county; a county officer's is the neighbouring county). Reuse objects
made for another parameter of the same URL through `world.once(key, make)`, so that
`/users/<user_id>/memberships/<membership_id>/` gets a membership of that same user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.factories import build_tree, make_member
from warmwinter.accounts import services as account_services
from warmwinter.accounts.models import Membership, User
from warmwinter.accounts.roles import COUNTY_LEVEL_ROLES, Role

# The requester's home and the places outside it.
XIXIU = "520402000000"  # 西秀区
DONGGUAN = "520402005000"  # 东关街道 (home of township-level requesters)
DONGGUAN_VILLAGE = "520402005001"  # 金钟社区居民委员会
NANJIE = "520402001000"  # 南街街道 (outside for township-level requesters)
NANJIE_VILLAGE = "520402001001"  # 塔东社区居民委员会
PINGBA = "520403000000"  # 平坝区 (outside for everyone homed in 西秀区)
PINGBA_TOWNSHIP = "520403100000"  # 夏云镇
PINGBA_VILLAGE = "520403100200"  # 夏云村委会
ANSHUN = "520400000000"  # 安顺市, the common ancestor: outside every requester's scope


@dataclass(frozen=True)
class Requester:
    """One requesting user of the matrix: a role at its natural level in 西秀区."""

    role: str
    home: str

    @property
    def county_level(self) -> bool:
        return self.home == XIXIU

    @property
    def id(self) -> str:
        return f"{self.role}@{'county' if self.county_level else 'township'}"  # ASCII: pytest escapes the rest


def requesters() -> list[Requester]:
    """Every role at 东关街道, county-only roles at 西秀区; plus an admin at 西秀区 (the widest)."""
    found = [Requester(role.value, XIXIU if role in COUNTY_LEVEL_ROLES else DONGGUAN) for role in Role]
    if Requester(Role.ADMIN.value, XIXIU) not in found:
        found.append(Requester(Role.ADMIN.value, XIXIU))
    return found


@dataclass
class Outsider:
    """A user (and the audit event of their creation) somewhere; its texts must never leak."""

    user: User
    region_code: str
    markers: tuple[str, ...]


@dataclass
class World:
    """The requester, the outside objects, and markers that must not show up in responses."""

    requester: User
    spec: Requester
    outsiders: list[Outsider] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def home(self) -> str:
        return self.spec.home

    @property
    def outside(self) -> str:
        """The nearest region outside the requester's scope, at the requester's own level."""
        return PINGBA if self.spec.county_level else NANJIE

    @property
    def outside_village(self) -> str:
        return PINGBA_VILLAGE if self.spec.county_level else NANJIE_VILLAGE

    @property
    def inside_village(self) -> str:
        return DONGGUAN_VILLAGE

    @property
    def nearest_outsider(self) -> Outsider:
        return next(o for o in self.outsiders if o.region_code == self.outside_village)

    @property
    def markers(self) -> list[str]:
        """Texts that identify out-of-scope objects: none may appear in any response."""
        return [m for o in self.outsiders for m in o.markers]

    def once(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]


def _outsider(username: str, display_name: str, village: str, region_names: tuple[str, ...]) -> Outsider:
    # Through the service, so the audit chain holds an out-of-scope event naming this user.
    user = account_services.user_create(
        actor=None, username=username, role=Role.VILLAGE_CLERK, region_code=village, display_name=display_name, password=None,
    )
    return Outsider(user=user, region_code=village, markers=(username, display_name, village, *region_names))


def build_world(spec: Requester) -> World:
    """The region tree, the requester, and users outside (and inside) the requester's scope."""
    build_tree()
    requester = make_member(spec.role, spec.home, username=f"req_{spec.role}", display_name="请求人")
    world = World(requester=requester, spec=spec)
    world.outsiders.append(_outsider("outsider_pingba", "平坝外人", PINGBA_VILLAGE, ("平坝区", "夏云镇", "夏云村委会")))
    if not spec.county_level:
        world.outsiders.append(_outsider("outsider_nanjie", "南街外人", NANJIE_VILLAGE, ("南街街道", "塔东社区居民委员会")))
    # Inside the scope: a plain user, and one who also works outside (their outside membership
    # is out of scope even though the user is visible).
    account_services.user_create(actor=None, username="insider", role=Role.HELPER, region_code=DONGGUAN_VILLAGE, display_name="东关内人")
    straddler = account_services.user_create(
        actor=None, username="straddler", role=Role.HELPER, region_code=DONGGUAN_VILLAGE, display_name="两地人",
    )
    account_services.membership_add(actor=None, user=straddler, role=Role.PATROL_MEMBER, region_code=world.outside_village)
    world.cache["straddler"] = straddler
    return world


# --- the registry -----------------------------------------------------------------------------


@dataclass(frozen=True)
class KwargCase:
    outside: Callable[[World], Any]
    inside: Callable[[World], Any]


REGISTRY: dict[str, KwargCase] = {}


def register(name: str):
    def decorate(cls):
        REGISTRY[name] = KwargCase(outside=cls.outside, inside=cls.inside)
        return cls

    return decorate


@register("code")
class _RegionCode:
    @staticmethod
    def outside(world: World):
        # Next door, a village there, next door written short (the URLs accept it), an ancestor.
        if world.spec.county_level:
            return [PINGBA, PINGBA_VILLAGE, "520403", ANSHUN]
        return [NANJIE, NANJIE_VILLAGE, "520402001", XIXIU]

    @staticmethod
    def inside(world: World):
        return DONGGUAN


@register("user_id")
class _UserId:
    @staticmethod
    def outside(world: World):
        return world.nearest_outsider.user.pk

    @staticmethod
    def inside(world: World):
        return world.cache["straddler"].pk


@register("membership_id")
class _MembershipId:
    @staticmethod
    def outside(world: World):
        # A membership of the same out-of-scope user that `user_id` names.
        return Membership.objects.get(user=world.nearest_outsider.user).pk

    @staticmethod
    def inside(world: World):
        return Membership.objects.get(user=world.cache["straddler"], region_id=DONGGUAN_VILLAGE).pk


@register("format")
class _FormatSuffix:
    """DRF routers add `<format>` suffix patterns (`.json`): not an object, the same both ways."""

    @staticmethod
    def outside(world: World):
        return "json"

    @staticmethod
    def inside(world: World):
        return "json"


def _import_job(village: str) -> int:
    """A rejected ledger import job with its error report on disk (the report URL needs one)."""
    from pathlib import Path

    from django.conf import settings

    from warmwinter.registry.models import ImportJob, ImportStatus

    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    report = folder / f"scoping-{village}.errors.xlsx"
    report.write_bytes(b"PK")  # only served, never parsed
    job = ImportJob.objects.create(
        region_id=village, file_name=f"台账-{village}.xlsx", file_path=str(folder / f"scoping-{village}.xlsx"),
        status=ImportStatus.REJECTED, errors=[{"row": 3, "column": "身份证号", "message": "校验位错误"}], error_report_path=str(report),
    )
    return job.pk


@register("job_id")
class _ImportJobId:
    @staticmethod
    def outside(world: World):
        return _import_job(world.outside_village)

    @staticmethod
    def inside(world: World):
        return _import_job(world.inside_village)


# --- registry: households, persons, category assignments (people pages and API) --------------------


def _registry_person(world: World, where: str):
    from tests.registry.factories import make_household

    village = world.outside_village if where == "outside" else world.inside_village
    name = "外村户主" if where == "outside" else "本村户主"
    return world.once(f"registry_person_{where}", lambda: make_household(village, members=[{"name": name, "categories": ["dibao"]}]).head)


@register("household_id")
class _HouseholdId:
    @staticmethod
    def outside(world: World):
        return _registry_person(world, "outside").household_id

    @staticmethod
    def inside(world: World):
        return _registry_person(world, "inside").household_id


@register("person_id")
class _PersonId:
    @staticmethod
    def outside(world: World):
        return _registry_person(world, "outside").pk

    @staticmethod
    def inside(world: World):
        return _registry_person(world, "inside").pk


@register("assignment_id")
class _AssignmentId:
    """A category assignment of the same person that `person_id` names."""

    @staticmethod
    def outside(world: World):
        return _registry_person(world, "outside").categories.get().pk

    @staticmethod
    def inside(world: World):
        return _registry_person(world, "inside").categories.get().pk


def _duplicate_candidate(village_a: str, village_b: str) -> int:
    """An open candidate pair (same name and birth date) between two villages."""
    from datetime import date

    from tests.registry.factories import id_number, make_person
    from warmwinter.registry.dedupe import common_region
    from warmwinter.registry.models import DuplicateCandidate

    born = date(1961, 5, 6)
    a = make_person(name="范疑重", region_code=village_a, id_number=id_number(birth_date=born))
    b = make_person(name="范疑重", region_code=village_b, id_number="", birth_date=born, gender="M")
    return DuplicateCandidate.objects.create(person_a=a, person_b=b, region_id=common_region(village_a, village_b), reason="name_birth", score=100).pk


@register("candidate_id")
class _DuplicateCandidateId:
    @staticmethod
    def outside(world: World):
        # Wholly outside; and straddling the scope's edge (one person inside, the pair's
        # common region above the requester), which is just as much out of reach.
        return [_duplicate_candidate(world.outside_village, world.outside_village),
                _duplicate_candidate(world.inside_village, world.outside_village)]

    @staticmethod
    def inside(world: World):
        return _duplicate_candidate(world.inside_village, world.inside_village)


def _crosscheck_flag(village: str) -> int:
    from tests.registry.factories import make_person
    from warmwinter.registry.models import CrosscheckFlag

    person = make_person(name="比对人", region_code=village)
    return CrosscheckFlag.objects.create(person=person, region_id=village, kind="deceased", source="公安注销名单", detail="2025-11-02").pk


@register("flag_id")
class _CrosscheckFlagId:
    @staticmethod
    def outside(world: World):
        return _crosscheck_flag(world.outside_village)

    @staticmethod
    def inside(world: World):
        return _crosscheck_flag(world.inside_village)


# --- surveys, the problem list, premises, notifications ------------------------------------------
# Rounds are visible below their region (a county-wide round shows to a township officer), so an
# out-of-scope round lies over the requester's `outside` region, never over a common ancestor.


def _round(world: World, where: str):
    from tests.surveys.factories import make_round

    region = world.outside if where == "outside" else world.home
    return world.once(f"round_{where}", lambda: make_round(region, name=("外地摸排" if where == "outside" else "本地摸排")))


def _survey_household(world: World, where: str):
    return _registry_person(world, where).household


@register("round_id")
class _RoundId:
    @staticmethod
    def outside(world: World):
        return _round(world, "outside").pk

    @staticmethod
    def inside(world: World):
        return _round(world, "inside").pk


@register("response_id")
class _ResponseId:
    @staticmethod
    def outside(world: World):
        from tests.surveys.factories import make_response

        return world.once("response_outside", lambda: make_response(_round(world, "outside"), household=_survey_household(world, "outside"))).pk

    @staticmethod
    def inside(world: World):
        from tests.surveys.factories import make_response

        return world.once("response_inside", lambda: make_response(_round(world, "inside"), household=_survey_household(world, "inside"))).pk


@register("template_id")
class _TemplateId:
    """Templates are national data with no region: nothing is out of scope, so `outside` is a missing id."""

    @staticmethod
    def outside(world: World):
        return 987654

    @staticmethod
    def inside(world: World):
        from tests.surveys.factories import template

        return template().pk


def _premises(world: World, where: str):
    from tests.surveys.factories import make_premises

    village = world.outside_village if where == "outside" else world.inside_village
    return world.once(f"premises_{where}", lambda: make_premises(village, name=("外地超市" if where == "outside" else "本地超市")))


@register("premises_id")
class _PremisesId:
    @staticmethod
    def outside(world: World):
        return _premises(world, "outside").pk

    @staticmethod
    def inside(world: World):
        return _premises(world, "inside").pk


@register("hazard_id")
class _HazardId:
    @staticmethod
    def outside(world: World):
        from tests.surveys.factories import make_hazard

        return world.once("hazard_outside", lambda: make_hazard(household=_survey_household(world, "outside"), title="外地隐患")).pk

    @staticmethod
    def inside(world: World):
        from tests.surveys.factories import make_hazard

        return world.once("hazard_inside", lambda: make_hazard(household=_survey_household(world, "inside"), title="本地隐患")).pk


def _spot_check(world: World, where: str):
    from tests.surveys.factories import make_response
    from warmwinter.surveys.models import SpotCheck, SpotCheckItem

    def make():
        round_ = _round(world, where)
        response = make_response(round_, household=_survey_household(world, where))
        check = SpotCheck.objects.create(round=round_, region_id=round_.region_id, size=1, seed=1)
        SpotCheckItem.objects.create(spot_check=check, original=response, region_id=response.region_id)
        return check

    return world.once(f"spot_check_{where}", make)


@register("spot_check_id")
class _SpotCheckId:
    @staticmethod
    def outside(world: World):
        return _spot_check(world, "outside").pk

    @staticmethod
    def inside(world: World):
        return _spot_check(world, "inside").pk


@register("item_id")
class _SpotCheckItemId:
    @staticmethod
    def outside(world: World):
        return _spot_check(world, "outside").items.get().pk

    @staticmethod
    def inside(world: World):
        return _spot_check(world, "inside").items.get().pk


@register("notification_id")
class _NotificationId:
    """Notifications belong to their recipient: someone else's is out of reach, even next door."""

    @staticmethod
    def outside(world: World):
        from warmwinter.notifications.models import Notification

        return Notification.objects.create(recipient=world.nearest_outsider.user, region_id=world.outside_village,
                                           kind="hazard.major", title="外地通知").pk

    @staticmethod
    def inside(world: World):
        from warmwinter.notifications.models import Notification

        return Notification.objects.create(recipient=world.requester, region_id=world.inside_village, kind="hazard.major", title="本人通知").pk


# --- helping contacts (care) and weather warnings (alerts) ----------------------------------------


def _campaign(world: World, where: str):
    from tests.care.factories import make_campaign

    region = world.outside if where == "outside" else world.home
    return world.once(f"campaign_{where}", lambda: make_campaign(region, name=("外地帮扶" if where == "outside" else "本地帮扶")))


def _entry(world: World, where: str):
    from tests.care.factories import make_entry

    return world.once(f"entry_{where}", lambda: make_entry(_campaign(world, where), _survey_household(world, where)))


def _helper(world: World, where: str):
    from tests.care.factories import make_helper

    village = world.outside_village if where == "outside" else world.inside_village
    return world.once(f"helper_{where}", lambda: make_helper(village, name=("外村帮扶人" if where == "outside" else "本村帮扶人")))


@register("campaign_id")
class _CampaignId:
    @staticmethod
    def outside(world: World):
        return _campaign(world, "outside").pk

    @staticmethod
    def inside(world: World):
        return _campaign(world, "inside").pk


@register("entry_id")
class _RosterEntryId:
    @staticmethod
    def outside(world: World):
        return _entry(world, "outside").pk

    @staticmethod
    def inside(world: World):
        return _entry(world, "inside").pk


@register("helper_id")
class _HelperId:
    @staticmethod
    def outside(world: World):
        return _helper(world, "outside").pk

    @staticmethod
    def inside(world: World):
        return _helper(world, "inside").pk


@register("contact_id")
class _ContactId:
    @staticmethod
    def outside(world: World):
        from tests.care.factories import make_contact

        return world.once("contact_outside", lambda: make_contact(_survey_household(world, "outside"), _campaign(world, "outside"),
                                                                   notes="外地联系")).pk

    @staticmethod
    def inside(world: World):
        from tests.care.factories import make_contact

        return world.once("contact_inside", lambda: make_contact(_survey_household(world, "inside"), _campaign(world, "inside"),
                                                                  notes="本地联系")).pk


@register("alert_id")
class _AlertId:
    """Warnings are seen by whoever lives under one of their areas."""

    @staticmethod
    def outside(world: World):
        from tests.care.factories import make_alert

        return world.once("alert_outside", lambda: make_alert([world.outside], headline="外地寒潮预警")).pk

    @staticmethod
    def inside(world: World):
        from tests.care.factories import make_alert

        return world.once("alert_inside", lambda: make_alert([world.home], headline="本地寒潮预警")).pk


@register("rule_id")
class _AlertRuleId:
    """Alert rules are deployment-wide data with no region: `outside` is a missing id."""

    @staticmethod
    def outside(world: World):
        return 987654

    @staticmethod
    def inside(world: World):
        from warmwinter.alerts.models import AlertRule

        return AlertRule.objects.order_by("pk").values_list("pk", flat=True).first()


@register("duty_id")
class _VisitDutyId:
    @staticmethod
    def outside(world: World):
        return _duty(world, "outside")

    @staticmethod
    def inside(world: World):
        return _duty(world, "inside")


def _duty(world: World, where: str) -> int:
    from datetime import timedelta

    from django.utils import timezone

    from tests.care.factories import make_alert
    from warmwinter.care.models import VisitDuty

    def make():
        entry = _entry(world, where)
        region = world.outside if where == "outside" else world.home
        alert = make_alert([region])
        now = timezone.now()
        return VisitDuty.objects.create(alert=alert, campaign=entry.campaign, household=entry.household, region_id=entry.region_id,
                                        issued_at=now, due_by=now + timedelta(hours=24)).pk

    return world.once(f"duty_{where}", make)
