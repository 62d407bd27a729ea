"""Care services: the campaign and its defaults, the key-focus roster, helpers and pairings, filings, quota rules."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from tests.care.factories import COUNTY, TOWNSHIP, make_campaign, make_entry, make_helper, pair
from tests.factories import make_member
from tests.registry.factories import NANJIE_VILLAGE, OTHER_VILLAGE, VILLAGE, make_assignment, make_household, make_person
from warmwinter.audit.models import Event
from warmwinter.care import selectors, services
from warmwinter.care.models import CareCampaign, ContactFormFiling, Helper, HelperAssignment, QuotaRule, RosterEntry
from warmwinter.core.errors import DomainError, Forbidden, NotFound

from tests.care.service_support import NANJIE, actions, at, campaign, freeze, people  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


# --- campaign_create -------------------------------------------------------------------------


def test_default_window_is_plan_6s_this_winter():
    assert services.default_window(date(2026, 11, 29)) == {
        "filing_deadline": date(2026, 12, 20), "starts_on": date(2026, 12, 21), "ends_on": date(2027, 2, 28)}
    # In January the campaign that is running is last December's.
    assert services.default_window(date(2027, 1, 15))["starts_on"] == date(2026, 12, 21)
    assert services.default_window(date(2026, 7, 1))["filing_deadline"] == date(2026, 12, 20)
    assert services.default_window(date(2026, 6, 30))["ends_on"] == date(2026, 2, 28)


def test_default_window_runs_to_the_end_of_february_in_a_leap_year():
    assert services.default_window(date(2027, 10, 1)) == {
        "filing_deadline": date(2027, 12, 20), "starts_on": date(2027, 12, 21), "ends_on": date(2028, 2, 29)}
    assert services.default_window(date(2099, 10, 1))["ends_on"] == date(2100, 2, 28)  # 2100 is not a leap year


def test_campaign_create_with_defaults_makes_the_quota_rules_and_audits(people, monkeypatch):
    freeze(monkeypatch, at(date(2027, 10, 8)))
    campaign = services.campaign_create(actor=people["township"], region_code=TOWNSHIP, name=" 东关街道冬季帮扶 ")
    stored = CareCampaign.objects.get()
    assert (stored.pk, stored.name, stored.region_id, stored.status) == (campaign.pk, "东关街道冬季帮扶", TOWNSHIP, "open")
    assert (stored.filing_deadline, stored.starts_on, stored.ends_on) == (date(2027, 12, 20), date(2027, 12, 21), date(2028, 2, 29))
    assert stored.roster_categories == services.DEFAULT_ROSTER_CATEGORIES and stored.created_by == people["township"]
    assert stored.contact_template.code == "p6-visit-checklist"
    rules = sorted(QuotaRule.objects.filter(campaign=stored).values_list("kind", "count", "hours", "category_id", "household_id"))
    assert [(kind, category, household) for kind, _c, _h, category, household in rules] == [
        ("after_warning", None, None), ("daily", "severe_mental_disorder", None), ("weekly", None, None)]
    assert next(r for r in rules if r[0] == "weekly")[1] == 3 and next(r for r in rules if r[0] == "after_warning")[2] == 24
    assert actions() == ["care_campaign.create"]
    event = Event.objects.get()
    assert event.region_code == TOWNSHIP and event.changes["window"] == [None, "2027-12-21→2028-02-29"]


def test_campaign_create_takes_given_dates_and_categories(people):
    campaign = services.campaign_create(actor=people["county"], region_code=COUNTY, name="西秀区帮扶", filing_deadline=date(2026, 11, 1),
                                        starts_on=date(2026, 11, 2), ends_on=date(2026, 11, 2), roster_categories=["dibao"])
    assert (campaign.starts_on, campaign.ends_on, campaign.roster_categories) == (date(2026, 11, 2), date(2026, 11, 2), ["dibao"])


def test_campaign_window_must_not_end_before_it_starts(people):
    with pytest.raises(DomainError) as caught:
        services.campaign_create(actor=people["township"], region_code=TOWNSHIP, name="x", starts_on=date(2026, 12, 21),
                                 ends_on=date(2026, 12, 20))
    assert caught.value.message == services.WINDOW_ORDER and caught.value.field == "ends_on"
    assert not CareCampaign.objects.exists() and not QuotaRule.objects.exists() and not Event.objects.exists()


def test_campaign_with_an_unknown_category_is_refused(people):
    with pytest.raises(DomainError) as caught:
        services.campaign_create(actor=people["township"], region_code=TOWNSHIP, name="x", roster_categories=["dibao", "bogus"])
    assert str(caught.value) == "人员类别不存在：bogus" and caught.value.field == "roster_categories"
    assert not CareCampaign.objects.exists()


@pytest.mark.parametrize(("who", "region", "error"), [
    ("helper", VILLAGE, Forbidden), ("clerk", VILLAGE, Forbidden), ("clerk", TOWNSHIP, NotFound), ("nanjie", TOWNSHIP, NotFound),
])
def test_campaign_create_permissions(people, who, region, error):
    with pytest.raises(error):
        services.campaign_create(actor=people[who], region_code=region, name="x")
    assert not CareCampaign.objects.exists() and not Event.objects.exists()


# --- roster_build ----------------------------------------------------------------------------


def test_roster_build_lists_active_households_with_a_current_category(people, campaign):
    a = make_household(VILLAGE, members=[{"name": "甲", "categories": ["dibao"]}, {"name": "甲妻", "categories": ["disabled"]}])
    b = make_household(OTHER_VILLAGE, members=[{"name": "乙", "categories": ["severe_mental_disorder"]}])
    make_household(VILLAGE, members=["丙"])  # no category
    make_household(VILLAGE, status="moved", members=[{"name": "丁", "categories": ["dibao"]}])  # moved away
    ended = make_household(VILLAGE, members=["戊"])
    make_assignment(ended.head, "dibao", valid_from=date(2024, 1, 1), valid_to=date(2026, 6, 30))  # dibao ended in June
    future = make_household(VILLAGE, members=["己"])
    make_assignment(future.head, "dibao", valid_from=timezone.localdate() + timedelta(days=3))  # not yet
    dead = make_household(VILLAGE, members=["庚"])
    make_person(dead, name="庚父", alive=False, categories=["tekun_dispersed"])  # only the dead father was 特困
    make_household(VILLAGE, members=[{"name": "辛", "categories": ["disaster_affected"]}])  # not a roster category
    make_household(NANJIE_VILLAGE, members=[{"name": "壬", "categories": ["dibao"]}])  # another township

    assert services.roster_build(actor=people["township"], campaign=campaign) == 2
    entries = {e.household_id: e for e in RosterEntry.objects.filter(campaign=campaign)}
    assert set(entries) == {a.pk, b.pk}
    assert (entries[a.pk].categories, entries[a.pk].region_id, entries[a.pk].source) == (["dibao", "disabled"], VILLAGE, "category")
    assert (entries[a.pk].weekly_contacts, entries[a.pk].daily_contact, entries[a.pk].visit_hours) == (3, False, 24)
    assert (entries[b.pk].categories, entries[b.pk].daily_contact) == (["severe_mental_disorder"], True)
    assert entries[a.pk].added_by == people["township"] and entries[a.pk].active
    assert Event.objects.get().changes == {"added": [None, 2]}


def test_roster_build_twice_adds_nothing(people, campaign):
    a = make_household(VILLAGE, members=[{"name": "甲", "categories": ["dibao"]}])
    assert services.roster_build(actor=people["township"], campaign=campaign) == 1
    first = list(RosterEntry.objects.values_list("pk", "household_id", "categories"))
    assert services.roster_build(actor=people["township"], campaign=campaign) == 0
    assert list(RosterEntry.objects.values_list("pk", "household_id", "categories")) == first
    entry = RosterEntry.objects.get(household=a)
    services.roster_remove(actor=people["township"], entry=entry, reason="已迁往外地")
    assert services.roster_build(actor=people["township"], campaign=campaign) == 0  # removed by hand: not put back
    assert not RosterEntry.objects.get(household=a).active
    assert [e.changes["added"] for e in Event.objects.filter(action="roster.build").order_by("seq")] == [[None, 1], [None, 0], [None, 0]]


def test_roster_build_of_one_village(people, campaign):
    make_household(VILLAGE, members=[{"name": "甲", "categories": ["dibao"]}])
    other = make_household(OTHER_VILLAGE, members=[{"name": "乙", "categories": ["dibao"]}])
    assert services.roster_build(actor=people["clerk"], campaign=campaign, region_code=VILLAGE) == 1
    assert RosterEntry.objects.get().region_id == VILLAGE
    assert services.roster_build(actor=people["township"], campaign=campaign) == 1
    assert RosterEntry.objects.filter(household=other).exists()


def test_roster_build_outside_the_campaign_or_the_users_scope(people, campaign):
    with pytest.raises(DomainError) as caught:
        services.roster_build(actor=people["county"], campaign=campaign, region_code=NANJIE_VILLAGE)
    assert caught.value.message == services.OUTSIDE_CAMPAIGN
    with pytest.raises(NotFound):
        services.roster_build(actor=people["clerk"], campaign=campaign)  # the clerk's scope is one village
    with pytest.raises(Forbidden):
        services.roster_build(actor=people["helper"], campaign=campaign, region_code=VILLAGE)
    assert not RosterEntry.objects.exists()


# --- roster_add / roster_remove --------------------------------------------------------------


def test_roster_add_needs_a_reason_and_records_it(people, campaign):
    household = make_household(VILLAGE, members=[{"name": "甲", "categories": ["low_income"]}])
    for reason in ("", "   "):
        with pytest.raises(DomainError) as caught:
            services.roster_add(actor=people["clerk"], campaign=campaign, household=household, reason=reason)
        assert caught.value.message == services.REASON_REQUIRED and caught.value.field == "reason"
    entry = services.roster_add(actor=people["clerk"], campaign=campaign, household=household, reason=" 独居高龄老人，子女在外地 ")
    assert (entry.source, entry.reason, entry.categories, entry.added_by) == ("manual", "独居高龄老人，子女在外地", ["low_income"], people["clerk"])
    assert (entry.weekly_contacts, entry.visit_hours) == (3, 24)  # the campaign's rules apply to manual entries too
    with pytest.raises(DomainError) as caught:
        services.roster_add(actor=people["clerk"], campaign=campaign, household=household, reason="再加一次")
    assert caught.value.message == services.ALREADY_LISTED
    assert actions() == ["roster.add"]


def test_roster_add_refuses_a_household_moved_away_or_outside(people, campaign):
    moved = make_household(VILLAGE, status="moved", members=["甲"])
    with pytest.raises(DomainError) as caught:
        services.roster_add(actor=people["clerk"], campaign=campaign, household=moved, reason="独居")
    assert caught.value.message == services.HOUSEHOLD_INACTIVE
    outside = make_household(NANJIE_VILLAGE, members=["乙"])
    with pytest.raises(DomainError) as caught:
        services.roster_add(actor=people["county"], campaign=campaign, household=outside, reason="独居")
    assert caught.value.message == services.OUTSIDE_CAMPAIGN
    with pytest.raises(NotFound):
        services.roster_add(actor=people["clerk"], campaign=campaign, household=make_household(OTHER_VILLAGE), reason="独居")
    assert not RosterEntry.objects.exists()


def test_roster_remove_ends_the_pairings_and_re_adding_reopens_the_entry(people, campaign):
    household = make_household(VILLAGE, members=[{"name": "甲", "categories": ["dibao"]}])
    entry = make_entry(campaign, household)
    primary, backup = pair(entry, make_helper()), pair(entry, make_helper(), role="backup")
    with pytest.raises(DomainError):
        services.roster_remove(actor=people["clerk"], entry=entry, reason=" ")
    removed = services.roster_remove(actor=people["clerk"], entry=entry, reason="已搬到子女家居住")
    assert (removed.active, removed.removed_reason) == (False, "已搬到子女家居住") and removed.removed_at is not None
    for assignment in (primary, backup):
        assignment.refresh_from_db()
        assert not assignment.active and assignment.ended_at == removed.removed_at
    again = services.roster_add(actor=people["clerk"], campaign=campaign, household=household, reason="子女外出务工，老人回村独居")
    assert again.pk == entry.pk and RosterEntry.objects.count() == 1
    assert (again.active, again.removed_at, again.removed_reason, again.reason) == (True, None, "", "子女外出务工，老人回村独居")
    assert not HelperAssignment.objects.filter(active=True).exists()  # a new helper must be named
    assert selectors.households_without_helper(campaign, TOWNSHIP).get() == again
    assert actions() == ["roster.remove", "roster.add"]
