"""A hand-counted week for the compliance tests (API, page, export, command).

Campaign over 东关街道 from Monday 2026-11-16; week 2026-W47 (11-16 → 11-22) is over:

    A 甲一 (金钟)   helper 王书记, weekly 3, contacts Mon Wed Fri          -> compliant
    B 乙二 (金钟)   helper 王书记, weekly 3, contacts Mon Tue              -> not (2 < 3)
    C 丙三 (东关)   helper 李委员, daily, contacts every day but Thursday  -> not (6 of 7 days)
    D 丁四 (东关)   no helper, contacts Mon Tue Wed                        -> not (nobody responsible)

Totals: 4 households, 1 compliant (25.0%), 1 without a helper; 金钟 2/1, 东关 2/0;
王书记 2 households 1 compliant (50.0%), 李委员 1 household 0 compliant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tests.care.factories import at_local, make_campaign, make_contact, make_entry, make_helper, pair
from tests.registry.factories import OTHER_VILLAGE, VILLAGE, make_household
from warmwinter.care.models import CareCampaign, Helper, RosterEntry

TOWNSHIP = "520402005000"
MONDAY = date(2026, 11, 16)
WEEK = "2026-W47"


@dataclass
class World:
    campaign: CareCampaign
    a: RosterEntry
    b: RosterEntry
    c: RosterEntry
    d: RosterEntry
    wang: Helper
    li: Helper


def _contacts(entry: RosterEntry, campaign: CareCampaign, days, helper=None) -> None:
    for day in days:
        make_contact(entry.household, campaign, at=at_local(MONDAY + timedelta(days=day)), helper=helper)


def build_week(**campaign_fields) -> World:
    campaign = make_campaign(TOWNSHIP, name="东关帮扶联系", starts_on=MONDAY, **campaign_fields)
    entries = {}
    for key, village, head in (("a", VILLAGE, "甲一"), ("b", VILLAGE, "乙二"), ("c", OTHER_VILLAGE, "丙三"), ("d", OTHER_VILLAGE, "丁四")):
        household = make_household(village, members=[{"name": head, "categories": ["dibao"]}], address=f"{head}家")
        entries[key] = make_entry(campaign, household, daily=(key == "c"))
    wang = make_helper(VILLAGE, name="王书记")
    li = make_helper(OTHER_VILLAGE, name="李委员")
    pair(entries["a"], wang)
    pair(entries["b"], wang)
    pair(entries["c"], li)
    _contacts(entries["a"], campaign, (0, 2, 4), wang)
    _contacts(entries["b"], campaign, (0, 1), wang)
    _contacts(entries["c"], campaign, (0, 1, 2, 4, 5, 6), li)
    _contacts(entries["d"], campaign, (0, 1, 2))
    return World(campaign=campaign, wang=wang, li=li, **entries)
