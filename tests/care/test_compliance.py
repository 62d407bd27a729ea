"""Compliance per village, township, county and helper, and the households due today, against hand counts.

A county campaign from Monday 2026-11-16; week 2026-W47 (11-16 → 11-22) is over. Helpers 王 and 李 in
金钟 (东关街道), 赵 in 东关 (东关街道), 张 in 塔东 (南街街道).

    金钟  a1 王  weekly 3, Mon Wed Fri                          -> compliant
          a2 王  weekly 3, Mon Tue                              -> not (2 < 3)
          a3 李  weekly 3, Mon Mon Thu Sat (4 contacts, 3 days)  -> compliant (the weekly quota counts contacts)
          a4 --  weekly 3 (李 only as backup), Mon Tue Wed       -> not (no primary helper)
          a5 李  daily, every day Mon-Sun                       -> compliant
          a6 王  taken off the roster, Mon Tue Wed              -> not counted
    塔东  b1 张  weekly 3, Mon Tue Wed, warning visit missed Wed -> not
          b2 张  weekly 2, Tue Sat (an ended warning visit)     -> compliant
          b3 张  daily, every day but Thursday, twice Friday    -> not (6 of 7 days)
          b4 张  weekly 3, Mon Sat + next Monday 00:00 local    -> not (2 this week)
          b5 --  weekly 3, no helper, no contact               -> not
    东关  c1 赵  weekly 3, Tue Thu Sun 23:59 local               -> compliant

    金钟 5 households, 3 compliant (60.0 %), 1 without helper
    塔东 5 households, 1 compliant (20.0 %), 1 without helper
    东关 1 household,  1 compliant (100 %)
    东关街道 6 / 4 (66.7 %) / 1;  南街街道 5 / 1 (20.0 %) / 1;  西秀区 11 / 5 (45.5 %) / 2
    王 2 households 1 compliant (50.0 %); 李 2 / 2; 赵 1 / 1; 张 4 / 1 (25.0 %)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone as dt_timezone

import pytest

from tests.care.factories import at_local, make_alert, make_campaign, make_contact, make_entry, make_helper, pair
from tests.registry.factories import NANJIE_VILLAGE, OTHER_VILLAGE, VILLAGE, make_household
from warmwinter.care import selectors
from warmwinter.care.models import VisitDuty

pytestmark = pytest.mark.django_db

COUNTY, DONGGUAN, NANJIE = "520402000000", "520402005000", "520402001000"
MONDAY = date(2026, 11, 16)
AFTER = date(2026, 11, 23)  # "today": the week is over


def day(n: int, hour: int = 10, minute: int = 0):
    return at_local(MONDAY + timedelta(days=n), hour, minute)


@dataclass
class World:
    campaign: object
    entries: dict
    helpers: dict


@pytest.fixture
def world(tree) -> World:
    campaign = make_campaign(COUNTY)
    helpers = {"王": make_helper(VILLAGE, "王"), "李": make_helper(VILLAGE, "李"), "赵": make_helper(OTHER_VILLAGE, "赵"),
               "张": make_helper(NANJIE_VILLAGE, "张")}
    plan = {
        # name: (village, helper, weekly, daily, contact moments)
        "a1": (VILLAGE, "王", 3, False, [day(0), day(2), day(4)]),
        "a2": (VILLAGE, "王", 3, False, [day(0), day(1)]),
        "a3": (VILLAGE, "李", 3, False, [day(0, 9), day(0, 15), day(3), day(5)]),
        "a4": (VILLAGE, None, 3, False, [day(0), day(1), day(2)]),
        "a5": (VILLAGE, "李", 3, True, [day(n) for n in range(7)]),
        "a6": (VILLAGE, "王", 3, False, [day(0), day(1), day(2)]),
        "b1": (NANJIE_VILLAGE, "张", 3, False, [day(0), day(1), day(2)]),
        "b2": (NANJIE_VILLAGE, "张", 2, False, [day(1), day(5)]),
        "b3": (NANJIE_VILLAGE, "张", 3, True, [day(n) for n in range(7) if n != 3] + [day(4, 18)]),
        "b4": (NANJIE_VILLAGE, "张", 3, False, [day(0), day(5), day(7, 0, 0)]),
        "b5": (NANJIE_VILLAGE, None, 3, False, []),
        "c1": (OTHER_VILLAGE, "赵", 3, False, [day(1), day(3), day(6, 23, 59)]),
    }
    entries = {}
    for name, (village, helper, weekly, daily, moments) in plan.items():
        household = make_household(village, number=name)
        entries[name] = entry = make_entry(campaign, household, weekly=weekly, daily=daily)
        if helper:
            pair(entry, helpers[helper])
        for moment in moments:
            make_contact(household, campaign, at=moment, helper=helpers.get(helper or ""))
    pair(entries["a4"], helpers["李"], role="backup")
    entries["a6"].active = False
    entries["a6"].save()
    alert = make_alert((NANJIE,), onset=day(1, 8))
    VisitDuty.objects.create(alert=alert, campaign=campaign, household=entries["b1"].household, region_id=NANJIE_VILLAGE,
                             issued_at=day(1, 8), due_by=day(2, 8), status="missed", closed_at=day(2, 9))
    VisitDuty.objects.create(alert=alert, campaign=campaign, household=entries["b2"].household, region_id=NANJIE_VILLAGE,
                             issued_at=day(1, 8), due_by=day(2, 8), status="ended", closed_at=day(2, 9))
    return World(campaign=campaign, entries=entries, helpers=helpers)


def figures(row) -> tuple:
    return row.code, row.households, row.compliant, row.without_helper, row.rate


def test_county_township_and_village_figures(world):
    week = selectors.compliance(world.campaign, COUNTY, MONDAY, today=AFTER)
    assert figures(week.total) == (COUNTY, 11, 5, 2, 45.5)
    assert [figures(r) for r in week.children] == [(NANJIE, 5, 1, 1, 20.0), (DONGGUAN, 6, 4, 1, 66.7)]
    assert [figures(r) for r in week.villages] == [(NANJIE_VILLAGE, 5, 1, 1, 20.0), (VILLAGE, 5, 3, 1, 60.0),
                                                   (OTHER_VILLAGE, 1, 1, 0, 100.0)]
    assert [r.name for r in week.children] == ["南街街道", "东关街道"]
    assert week.total.as_dict()["not_compliant"] == 6


def test_township_and_village_views(world):
    township = selectors.compliance(world.campaign, DONGGUAN, MONDAY, today=AFTER)
    assert figures(township.total) == (DONGGUAN, 6, 4, 1, 66.7)
    assert [figures(r) for r in township.children] == [(VILLAGE, 5, 3, 1, 60.0), (OTHER_VILLAGE, 1, 1, 0, 100.0)]
    village = selectors.compliance(world.campaign, NANJIE_VILLAGE, MONDAY, today=AFTER)
    assert (figures(village.total), village.children) == ((NANJIE_VILLAGE, 5, 1, 1, 20.0), [])


def test_households_one_by_one_agree_with_the_counts(world):
    week = selectors.compliance(world.campaign, COUNTY, MONDAY, today=AFTER)
    rows = {e.household.number: (e.contacts, e.days, e.met) for e in
            selectors.entries_with_compliance(world.campaign, "520402", week.frame).select_related("household")}
    assert rows == {"a1": (3, 3, 1), "a2": (2, 2, 0), "a3": (4, 3, 1), "a4": (3, 3, 0), "a5": (7, 7, 1), "b1": (3, 3, 0),
                    "b2": (2, 2, 1), "b3": (7, 6, 0), "b4": (2, 2, 0), "b5": (0, 0, 0), "c1": (3, 3, 1)}


def test_per_helper(world):
    rows = [(r["name"], r["village"], r["households"], r["compliant"], r["compliance_rate"])
            for r in selectors.compliance_by_helper(world.campaign, COUNTY, MONDAY, today=AFTER)]
    assert rows == [("张", NANJIE_VILLAGE, 4, 1, 25.0), ("李", VILLAGE, 2, 2, 100.0), ("王", VILLAGE, 2, 1, 50.0),
                    ("赵", OTHER_VILLAGE, 1, 1, 100.0)]
    township = selectors.compliance_by_helper(world.campaign, DONGGUAN, MONDAY, today=AFTER)
    assert [r["name"] for r in township] == ["李", "王", "赵"]


def test_the_next_week_so_far(world):
    """Week 2026-W48 seen on its Wednesday: only b4's Monday 00:00 contact is in it, and daily households have missed Mon and Tue."""
    week = selectors.compliance(world.campaign, COUNTY, AFTER, today=AFTER + timedelta(days=2))
    assert (week.total.households, week.total.compliant, week.total.without_helper) == (11, 0, 2)
    assert len(week.frame.ended_days) == 2


def test_households_without_helper_listed(world):
    listed = [e.household.number for e in selectors.households_without_helper(world.campaign, COUNTY)]
    assert listed == ["b5", "a4"]  # ordered by village code: 塔东 …001001 before 金钟 …005001
    assert [e.household.number for e in selectors.households_without_helper(world.campaign, DONGGUAN)] == ["a4"]


# --- households due today ---------------------------------------------------------------------------


def reasons(campaign, today: date, region_code: str = COUNTY, helper=None) -> dict[str, list]:
    return {row["household"].number: [r[0] for r in row["reasons"]]
            for row in selectors.households_due(campaign, region_code, today=today, helper=helper)}


@pytest.fixture
def due_world(tree):
    """Week 2026-W48 (11-23 → 11-29) seen on Friday 11-27: Fri, Sat, Sun are left."""
    campaign = make_campaign(COUNTY)
    wang, li = make_helper(VILLAGE, "王"), make_helper(VILLAGE, "李")
    friday = date(2026, 11, 27)
    at = lambda n, hour=10: at_local(date(2026, 11, 23) + timedelta(days=n), hour)  # noqa: E731
    plan = {
        "daily_open": (wang, True, 3, [at(0), at(1), at(2), at(3)]),  # not yet today
        "daily_done": (wang, True, 3, [at(0), at(1), at(2), at(3), at(4, 8)]),  # called this morning
        "none_yet": (wang, False, 3, []),  # 3 to go in 3 days: today is needed
        "one_so_far": (li, False, 3, [at(1)]),  # 2 to go in 3 days: not yet
        "two_owed": (li, False, 2, []),  # 2 to go in 3 days
        "met": (li, False, 3, [at(0), at(2), at(3)]),
        "warned": (li, False, 3, [at(0), at(1), at(2)]),  # quota met, but a warning visit is open
    }
    entries = {}
    for name, (helper, daily, weekly, moments) in plan.items():
        household = make_household(VILLAGE, number=name)
        entries[name] = entry = make_entry(campaign, household, weekly=weekly, daily=daily)
        pair(entry, helper)
        for moment in moments:
            make_contact(household, campaign, at=moment)
    alert = make_alert((COUNTY,), onset=at(4, 6))
    due_by = at(5, 6)
    VisitDuty.objects.create(alert=alert, campaign=campaign, household=entries["warned"].household, region_id=VILLAGE,
                             issued_at=at(4, 6), due_by=due_by)
    VisitDuty.objects.create(alert=alert, campaign=campaign, household=entries["met"].household, region_id=VILLAGE,
                             issued_at=at(4, 6), due_by=due_by, status="done", closed_at=at(4, 9))
    return campaign, friday, wang, li, due_by


def test_households_due_and_why(due_world):
    campaign, friday, wang, li, due_by = due_world
    assert reasons(campaign, friday) == {"daily_open": ["daily"], "none_yet": ["weekly"], "warned": ["warning_visit"]}
    rows = {row["household"].number: row["reasons"] for row in selectors.households_due(campaign, COUNTY, today=friday)}
    assert rows["none_yet"] == [("weekly", 3)]
    assert rows["warned"] == [("warning_visit", due_by)]


def test_households_due_on_sunday_and_per_helper(due_world):
    campaign, friday, wang, li, _due_by = due_world
    sunday = friday + timedelta(days=2)
    # Sunday, one day left: everyone short of the quota must be contacted today; the daily ones too.
    assert reasons(campaign, sunday) == {"daily_open": ["daily"], "daily_done": ["daily"], "none_yet": ["weekly"],
                                         "one_so_far": ["weekly"], "two_owed": ["weekly"], "warned": ["warning_visit"]}
    assert reasons(campaign, friday, helper=wang) == {"daily_open": ["daily"], "none_yet": ["weekly"]}
    assert reasons(campaign, friday, helper=li) == {"warned": ["warning_visit"]}


def test_nothing_is_due_outside_the_campaign(tree):
    campaign = make_campaign(COUNTY, starts_on=date(2026, 12, 21), ends_on=date(2027, 2, 28))
    household = make_household(VILLAGE)
    pair(make_entry(campaign, household, daily=True), make_helper(VILLAGE))
    assert selectors.households_due(campaign, COUNTY, today=date(2026, 12, 20)) == []
    assert reasons(campaign, date(2026, 12, 21)) == {household.number: ["daily"]}  # 3 contacts can still come in 7 days


def test_week_and_day_boundaries_in_the_counts(tree):
    """A contact written in UTC on Sunday 16:00 is Monday 00:00 in Asia/Shanghai: next week's."""
    campaign = make_campaign(COUNTY)
    household = make_household(VILLAGE)
    pair(make_entry(campaign, household), make_helper(VILLAGE))
    utc = dt_timezone.utc
    for moment in (datetime(2026, 11, 16, 1, 0, tzinfo=utc), datetime(2026, 11, 18, 2, 0, tzinfo=utc),
                   datetime(2026, 11, 22, 15, 59, tzinfo=utc), datetime(2026, 11, 22, 16, 0, tzinfo=utc)):
        make_contact(household, campaign, at=moment)
    this = selectors.compliance(campaign, VILLAGE, MONDAY, today=AFTER)
    following = selectors.compliance(campaign, VILLAGE, AFTER, today=AFTER + timedelta(days=7))
    assert (this.total.compliant, following.total.compliant) == (1, 0)
