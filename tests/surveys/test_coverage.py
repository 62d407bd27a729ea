"""Coverage (村不漏户、户不漏人), households still to visit and hazard rates, against hand-computed figures.

The county round below covers two townships of 西秀区:

    东关街道 520402005000
      金钟 …005001  h1 3 alive, covered 3, leaflet+education, on time
                    h2 2 members (1 dead), covered 1, leaflet, late
                    h3 4 alive, covered 2, no leaflet, education unknown, on time
                    h4 1 alive, not surveyed (but surveyed in another round, and spot-checked)
                    h5 moved (surveyed), h6 closed            -> not counted
      东关 …005002  h7 2 alive, covered 2, leaflet+education, on time
                    h8 1 alive, covered 1, leaflet+education, late
      新村 …005003  no households
    南街街道 520402001000
      塔东 …001001  h9 5 members (2 dead), covered 3, leaflet+education, on time
                    h10 2 alive, not surveyed
      南村 …001002  h11 1 alive, covered 1, nothing handed over, late
    平坝区 夏云村: a household surveyed in the same round's template but another round -> not counted
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from tests.factories import make_member, region
from tests.registry.factories import NANJIE_VILLAGE, OTHER_VILLAGE, PINGBA_VILLAGE, VILLAGE, make_household
from tests.surveys.factories import COUNTY, GOOD_P6, TOWNSHIP, make_hazard, make_premises, make_response, make_round
from warmwinter.surveys import selectors, services
from warmwinter.surveys.models import SurveyTemplate

pytestmark = pytest.mark.django_db

NANJIE = "520402001000"
NEW_VILLAGE = "520402005003"
SOUTH_VILLAGE = "520402001002"


def dead(name: str) -> dict:
    return {"name": name, "alive": False}


@dataclass
class World:
    round: object
    other_round: object
    homes: dict
    responses: dict


@pytest.fixture
def world(tree) -> World:
    region(NEW_VILLAGE, "新村村委会")
    region(SOUTH_VILLAGE, "南村村委会")
    round_ = make_round(COUNTY, name="冬季摸排")
    other = make_round(COUNTY, name="上一轮摸排")
    h = {
        1: make_household(VILLAGE, members=["张一", "张二", "张三"]),
        2: make_household(VILLAGE, members=["李一", dead("李二")]),
        3: make_household(VILLAGE, members=["王一", "王二", "王三", "王四"]),
        4: make_household(VILLAGE, members=["赵一"]),
        5: make_household(VILLAGE, members=["钱一", "钱二"], status="moved"),
        6: make_household(VILLAGE, members=["孙一"], status="closed"),
        7: make_household(OTHER_VILLAGE, members=["周一", "周二"]),
        8: make_household(OTHER_VILLAGE, members=["吴一"]),
        9: make_household(NANJIE_VILLAGE, members=["郑一", "郑二", dead("郑三"), "郑四", dead("郑五")]),
        10: make_household(NANJIE_VILLAGE, members=["冯一", "冯二"]),
        11: make_household(SOUTH_VILLAGE, members=["陈一"]),
        12: make_household(PINGBA_VILLAGE, members=["褚一"]),
    }
    r = {
        1: make_response(round_, h[1], persons_covered=3, leaflet_given=True, education_given=True),
        2: make_response(round_, h[2], persons_covered=1, leaflet_given=True, education_given=False, late=True),
        3: make_response(round_, h[3], persons_covered=2, leaflet_given=False, education_given=None),
        5: make_response(round_, h[5], persons_covered=2, leaflet_given=True, education_given=True),
        7: make_response(round_, h[7], persons_covered=2, leaflet_given=True, education_given=True),
        8: make_response(round_, h[8], persons_covered=1, leaflet_given=True, education_given=True, late=True),
        9: make_response(round_, h[9], persons_covered=3, leaflet_given=True, education_given=True),
        11: make_response(round_, h[11], persons_covered=1, leaflet_given=False, education_given=False, late=True),
    }
    make_response(other, h[4], persons_covered=1, leaflet_given=True, education_given=True)
    make_response(other, h[12], persons_covered=1, leaflet_given=True)
    make_response(round_, h[1], kind="spot_check", persons_covered=3, leaflet_given=True)  # a re-visit, not a survey
    make_response(round_, h[4], kind="spot_check", persons_covered=1, leaflet_given=True)
    return World(round=round_, other_round=other, homes=h, responses=r)


def figures(row) -> tuple:
    return (row.units, row.persons, row.surveyed, row.persons_covered, row.on_time, row.late, row.leaflets, row.education)


# --- villages ---------------------------------------------------------------------------------------


def test_each_village_counts_active_households_and_living_persons_only(world):
    cov = selectors.coverage(world.round, TOWNSHIP)
    villages = {v.code: v for v in cov.villages}
    assert list(villages) == [VILLAGE, OTHER_VILLAGE, NEW_VILLAGE]
    jinzhong = villages[VILLAGE]
    #                    units persons surveyed covered on_time late leaflets education
    assert figures(jinzhong) == (4, 9, 3, 6, 2, 1, 2, 1)
    assert (jinzhong.coverage_rate, jinzhong.persons_rate, jinzhong.on_time_rate) == (75.0, 66.7, 66.7)
    assert (jinzhong.leaflet_rate, jinzhong.education_rate) == (50.0, 25.0)
    assert jinzhong.name == "金钟社区居民委员会"
    assert figures(villages[OTHER_VILLAGE]) == (2, 3, 2, 3, 1, 1, 2, 2)
    assert figures(villages[NEW_VILLAGE]) == (0, 0, 0, 0, 0, 0, 0, 0)
    assert villages[NEW_VILLAGE].coverage_rate is None and villages[NEW_VILLAGE].persons_rate is None


def test_a_village_is_complete_only_when_every_household_is_covered(world):
    villages = {v.code: v for v in selectors.coverage(world.round, TOWNSHIP).villages}
    assert [code for code, v in villages.items() if v.complete] == [OTHER_VILLAGE]
    assert not villages[VILLAGE].complete  # 3 of 4
    assert not villages[NEW_VILLAGE].complete  # nobody to cover is not "complete"
    services.response_submit(actor=make_member("village_clerk", VILLAGE), round_=world.round, household=world.homes[4],
                             answers=GOOD_P6)
    villages = {v.code: v for v in selectors.coverage(world.round, TOWNSHIP).villages}
    assert villages[VILLAGE].complete and villages[VILLAGE].coverage_rate == 100.0


def test_a_household_surveyed_then_moved_away_leaves_both_counts(world):
    """h5 was surveyed and has moved: counting its sheet would show 4 of 4 while h4 waits."""
    village = next(v for v in selectors.coverage(world.round, VILLAGE).villages if v.code == VILLAGE)
    assert (village.units, village.surveyed, village.complete) == (4, 3, False)


# --- roll-up ----------------------------------------------------------------------------------------


def test_township_sums_its_villages(world):
    cov = selectors.coverage(world.round, TOWNSHIP)
    assert (cov.total.code, cov.total.name) == (TOWNSHIP, "东关街道")
    assert figures(cov.total) == (6, 12, 5, 9, 3, 2, 4, 3)
    assert (cov.total.villages, cov.total.villages_complete) == (3, 1)
    assert (cov.total.coverage_rate, cov.total.persons_rate, cov.total.on_time_rate) == (83.3, 75.0, 60.0)
    assert (cov.total.leaflet_rate, cov.total.education_rate) == (66.7, 50.0)
    assert [(c.code, c.surveyed, c.units) for c in cov.children] == [(VILLAGE, 3, 4), (OTHER_VILLAGE, 2, 2), (NEW_VILLAGE, 0, 0)]


def test_county_rolls_up_to_townships(world):
    cov = selectors.coverage(world.round, COUNTY)
    assert [(c.code, c.name) for c in cov.children] == [(NANJIE, "南街街道"), (TOWNSHIP, "东关街道")]
    nanjie, dongguan = cov.children
    assert figures(nanjie) == (3, 6, 2, 4, 1, 1, 1, 1)
    assert (nanjie.villages, nanjie.villages_complete, nanjie.coverage_rate) == (2, 1, 66.7)
    assert figures(dongguan) == (6, 12, 5, 9, 3, 2, 4, 3)
    assert figures(cov.total) == (9, 18, 7, 13, 4, 3, 5, 4)
    assert (cov.total.villages, cov.total.villages_complete) == (5, 2)
    assert (cov.total.coverage_rate, cov.total.persons_rate, cov.total.on_time_rate) == (77.8, 72.2, 57.1)
    assert (cov.total.leaflet_rate, cov.total.education_rate) == (55.6, 44.4)
    assert [v.code for v in cov.villages] == [NANJIE_VILLAGE, SOUTH_VILLAGE, VILLAGE, OTHER_VILLAGE, NEW_VILLAGE]


def test_a_village_alone_has_no_children(world):
    cov = selectors.coverage(world.round, NANJIE_VILLAGE)
    assert cov.children == []
    assert figures(cov.total) == (2, 5, 1, 3, 1, 0, 1, 1)
    assert [v.code for v in cov.villages] == [NANJIE_VILLAGE]


def test_the_other_round_counts_its_own_sheets(world):
    cov = selectors.coverage(world.other_round, COUNTY)
    assert (cov.total.units, cov.total.surveyed, cov.total.persons_covered) == (9, 1, 1)  # 平坝区 is outside


def test_a_township_round_asked_for_at_county_level_stays_in_its_township(world):
    round_ = make_round(TOWNSHIP, name="东关摸排")
    make_response(round_, world.homes[7], persons_covered=2)
    cov = selectors.coverage(round_, COUNTY)
    assert cov.total.code == TOWNSHIP
    assert (cov.total.units, cov.total.surveyed) == (6, 1)
    assert [c.code for c in cov.children] == [VILLAGE, OTHER_VILLAGE, NEW_VILLAGE]


def test_late_is_decided_by_the_report_deadline(tree):
    clerk = make_member("village_clerk", VILLAGE)
    homes = [make_household(VILLAGE, members=["甲", "乙"]) for _ in range(2)]
    passed = make_round(TOWNSHIP, name="已过截止", report_deadline=timezone.now() - timedelta(minutes=1))
    open_ = make_round(TOWNSHIP, name="未过截止", report_deadline=timezone.now() + timedelta(hours=2))
    services.response_submit(actor=clerk, round_=passed, household=homes[0], answers=GOOD_P6)
    services.response_submit(actor=clerk, round_=open_, household=homes[0], answers=GOOD_P6, persons_covered=1)
    services.response_submit(actor=clerk, round_=open_, household=homes[1], answers=GOOD_P6)
    late = selectors.coverage(passed, TOWNSHIP).total
    assert (late.surveyed, late.late, late.on_time, late.persons_covered, late.coverage_rate) == (1, 1, 0, 2, 50.0)
    in_time = selectors.coverage(open_, TOWNSHIP).total
    assert (in_time.surveyed, in_time.late, in_time.on_time, in_time.persons_covered, in_time.persons_rate) == (2, 0, 2, 3, 75.0)


# --- households still to visit -----------------------------------------------------------------------


def test_households_missing_lists_active_unsurveyed_households_of_the_village(world):
    assert [h.pk for h in selectors.households_missing(world.round, VILLAGE)] == [world.homes[4].pk]
    assert [h.pk for h in selectors.households_missing(world.round, OTHER_VILLAGE)] == []
    assert [h.pk for h in selectors.households_missing(world.round, NANJIE_VILLAGE)] == [world.homes[10].pk]
    assert [h.pk for h in selectors.households_missing(world.other_round, VILLAGE)] == [
        world.homes[1].pk, world.homes[2].pk, world.homes[3].pk]
    missing = selectors.households_missing(world.round, VILLAGE).first()
    assert missing.head.name == "赵一"


def test_households_missing_in_household_number_order(tree):
    round_ = make_round(TOWNSHIP)
    b = make_household(VILLAGE, members=["乙"], number="002")
    a = make_household(VILLAGE, members=["甲"], number="001")
    c = make_household(VILLAGE, members=["丙"], number="003")
    make_response(round_, b)
    assert [h.number for h in selectors.households_missing(round_, VILLAGE)] == [a.number, c.number]


# --- premises rounds ----------------------------------------------------------------------------------


@pytest.fixture
def premises_template(db) -> SurveyTemplate:
    return SurveyTemplate.objects.create(
        code="test-premises", name="场所检查", name_en="Premises check", subject="premises",
        questions=[{"key": "exits_clear", "type": "yesno", "label": "疏散通道畅通", "required": True}])


def test_premises_round_counts_active_premises(tree, premises_template):
    round_ = make_round(TOWNSHIP, template_code="test-premises")
    shop, school, _gas = make_premises(VILLAGE, "超市"), make_premises(VILLAGE, "小学", kind="school"), make_premises(VILLAGE, "加油站")
    closed = make_premises(VILLAGE, "旧市场", active=False)
    other = make_premises(OTHER_VILLAGE, "饭店")
    make_household(VILLAGE, members=["张三"])  # households do not count in a premises round
    make_response(round_, premises=shop, answers={"exits_clear": True}, late=True)
    make_response(round_, premises=closed, answers={"exits_clear": True})
    make_response(round_, premises=other, answers={"exits_clear": False})
    make_response(round_, premises=school, kind="self_inspection", answers={"exits_clear": True})  # not the round's survey
    cov = selectors.coverage(round_, TOWNSHIP)
    villages = {v.code: v for v in cov.villages}
    assert (villages[VILLAGE].units, villages[VILLAGE].surveyed, villages[VILLAGE].late) == (3, 1, 1)
    assert villages[VILLAGE].coverage_rate == 33.3
    assert (villages[OTHER_VILLAGE].units, villages[OTHER_VILLAGE].surveyed, villages[OTHER_VILLAGE].complete) == (1, 1, True)
    assert (cov.total.units, cov.total.surveyed, cov.total.persons, cov.total.coverage_rate) == (4, 2, 0, 50.0)


# --- hazard rates -------------------------------------------------------------------------------------

TODAY = date(2026, 12, 20)


def local(*parts) -> datetime:
    return timezone.make_aware(datetime(*parts))


@pytest.fixture
def hazards(world):
    r, h = world.responses, world.homes
    rows = {
        # closed on the deadline day, late in the evening: on time
        "on_time": make_hazard(household=h[1], response=r[1], rule="a", state="closed", deadline=date(2026, 12, 10),
                               closed_at=local(2026, 12, 10, 23, 50)),
        # closed the morning after: late
        "late": make_hazard(household=h[1], response=r[1], rule="b", state="closed", deadline=date(2026, 12, 10),
                            closed_at=local(2026, 12, 11, 9, 0)),
        # open, deadline yesterday: overdue, major
        "overdue": make_hazard(household=h[2], response=r[2], rule="c", state="rectifying", severity="major",
                               deadline=date(2026, 12, 19)),
        # open, deadline today: not overdue yet
        "due_today": make_hazard(household=h[3], response=r[3], rule="d", state="identified", deadline=TODAY),
        # 00:30 local on the 6th is the 5th in UTC: closed one day late in Beijing time
        "late_tz": make_hazard(household=h[7], response=r[7], rule="e", state="closed", deadline=date(2026, 12, 5),
                               closed_at=local(2026, 12, 6, 0, 30)),
        # verified but not yet closed (销号): still open, and overdue; major
        "verified": make_hazard(household=h[9], response=r[9], rule="f", state="verified", severity="major",
                                deadline=date(2026, 12, 1)),
        # closed, no deadline was set: cannot be late
        "no_deadline": make_hazard(household=h[9], response=r[9], rule="g", state="closed", deadline=None,
                                   closed_at=local(2026, 12, 18, 8, 0)),
        "south": make_hazard(household=h[11], response=r[11], rule="h", state="closed", deadline=date(2026, 12, 18),
                             closed_at=local(2026, 12, 15, 8, 0)),
    }
    # Not the round's: a manual entry, and a problem found by the other round.
    make_hazard(household=h[1], state="identified", deadline=date(2026, 12, 1))
    other = make_response(world.other_round, h[10])
    make_hazard(household=h[10], response=other, rule="x", state="closed", closed_at=local(2026, 12, 2, 8, 0))
    return rows


def rates(r) -> tuple:
    return (r.found, r.closed, r.closed_on_time, r.open_overdue, r.major)


def test_hazard_rates_of_a_county_round(world, hazards):
    total, children = selectors.hazard_rates(world.round, COUNTY, today=TODAY)
    assert (total.code, total.name) == (COUNTY, "西秀区")
    #                        found closed on_time overdue major
    assert rates(total) == (8, 5, 3, 2, 2)
    assert (total.rectification_rate, total.on_time_rate) == (62.5, 60.0)
    assert [(c.code, c.name) for c in children] == [(NANJIE, "南街街道"), (TOWNSHIP, "东关街道")]
    nanjie, dongguan = children
    assert rates(nanjie) == (3, 2, 2, 1, 1)
    assert (nanjie.rectification_rate, nanjie.on_time_rate) == (66.7, 100.0)
    assert rates(dongguan) == (5, 3, 1, 1, 1)
    assert (dongguan.rectification_rate, dongguan.on_time_rate) == (60.0, 33.3)


def test_hazard_rates_per_village(world, hazards):
    total, children = selectors.hazard_rates(world.round, TOWNSHIP, today=TODAY)
    assert rates(total) == (5, 3, 1, 1, 1)
    assert [(c.code, rates(c)) for c in children] == [(VILLAGE, (4, 2, 1, 1, 1)), (OTHER_VILLAGE, (1, 1, 0, 0, 0))]
    assert children[0].as_dict()["rectification_rate"] == 50.0
    village_total, village_children = selectors.hazard_rates(world.round, VILLAGE, today=TODAY)
    assert rates(village_total) == (4, 2, 1, 1, 1) and village_children == []


def test_overdue_moves_with_today(world, hazards):
    total, _ = selectors.hazard_rates(world.round, COUNTY, today=TODAY + timedelta(days=1))
    assert total.open_overdue == 3  # due_today is now overdue
    total, _ = selectors.hazard_rates(world.round, COUNTY, today=date(2026, 12, 1))
    assert total.open_overdue == 0


def test_no_hazards_no_rates(world):
    total, children = selectors.hazard_rates(world.round, COUNTY, today=TODAY)
    assert rates(total) == (0, 0, 0, 0, 0)
    assert (total.rectification_rate, total.on_time_rate, children) == (None, None, [])


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Europe/Berlin", "America/New_York"])
def test_closing_on_the_deadline_day_is_on_time_in_the_deployment_s_zone(world, zone):
    """Fixed-offset zones compare against the end of the deadline day; summer-time zones too (another code path on SQLite)."""
    r, h = world.responses, world.homes
    with timezone.override(zone):
        at = lambda *parts: timezone.make_aware(datetime(*parts))  # noqa: E731
        make_hazard(household=h[1], response=r[1], rule="z1", state="closed", deadline=date(2026, 7, 10), closed_at=at(2026, 7, 10, 23, 59))
        make_hazard(household=h[1], response=r[1], rule="z2", state="closed", deadline=date(2026, 7, 10), closed_at=at(2026, 7, 11, 0, 1))
        make_hazard(household=h[2], response=r[2], rule="z3", state="closed", deadline=date(2026, 1, 10), closed_at=at(2026, 1, 10, 0, 0))
        make_hazard(household=h[2], response=r[2], rule="z4", state="closed", deadline=date(2026, 1, 9), closed_at=at(2026, 1, 10, 0, 0))
        total, _ = selectors.hazard_rates(world.round, COUNTY, today=TODAY)
    assert (total.found, total.closed, total.closed_on_time) == (4, 4, 2)


def test_fixed_offset_zones_are_told_from_summer_time_zones():
    assert selectors._fixed_offset_minutes("Asia/Shanghai") == 480
    assert selectors._fixed_offset_minutes("UTC") == 0
    assert selectors._fixed_offset_minutes("Asia/Kolkata") == 330
    assert selectors._fixed_offset_minutes("Europe/Berlin") is None
