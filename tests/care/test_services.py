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

pytestmark = pytest.mark.django_db
NANJIE = "520402001000"


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def freeze(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


def actions() -> list[str]:
    return list(Event.objects.order_by("seq").values_list("action", flat=True))


@pytest.fixture
def people(tree):
    return {
        "township": make_member("township_officer", TOWNSHIP, username="township"),
        "county": make_member("county_officer", COUNTY, username="county"),
        "clerk": make_member("village_clerk", VILLAGE, username="clerk"),
        "helper": make_member("helper", VILLAGE, username="helper", display_name="帮扶责任人 黄帮扶"),
        "nanjie": make_member("township_officer", NANJIE, username="nanjie"),
    }


@pytest.fixture
def campaign(people):
    """A campaign over 东关街道 (from 2026-11-16) with plan 6's default rules, and no audit events yet."""
    campaign = make_campaign(roster_categories=list(services.DEFAULT_ROSTER_CATEGORIES))
    QuotaRule.objects.bulk_create([QuotaRule(campaign=campaign, kind="weekly", count=3), QuotaRule(campaign=campaign, kind="after_warning", hours=24),
                                   QuotaRule(campaign=campaign, kind="daily", category_id="severe_mental_disorder")])
    return campaign


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


# --- helper_register -------------------------------------------------------------------------


def test_helper_register_in_a_village(people):
    helper = services.helper_register(actor=people["clerk"], region_code=VILLAGE, name=" 王建国 ", phone=" 13985310001 ",
                                      position="居委会主任", user=people["helper"])
    assert (helper.name, helper.phone, helper.kind, helper.position, helper.user, helper.active) == (
        "王建国", "13985310001", "two_committees", "居委会主任", people["helper"], True)
    assert Event.objects.get().changes["user"] == [None, "helper"]
    party = services.helper_register(actor=people["township"], region_code=OTHER_VILLAGE, name="李秀英", kind="party_member")
    assert (party.kind, party.phone, party.user) == ("party_member", "", None)


def test_helper_register_refuses_a_township_a_blank_name_a_bad_kind_and_duplicates(people):
    with pytest.raises(DomainError) as caught:
        services.helper_register(actor=people["township"], region_code=TOWNSHIP, name="王建国")
    assert caught.value.message == services.NOT_A_VILLAGE
    with pytest.raises(DomainError) as caught:
        services.helper_register(actor=people["clerk"], region_code=VILLAGE, name="  ")
    assert caught.value.message == services.NAME_REQUIRED
    with pytest.raises(DomainError) as caught:
        services.helper_register(actor=people["clerk"], region_code=VILLAGE, name="王建国", kind="boss")
    assert caught.value.field == "kind"
    services.helper_register(actor=people["clerk"], region_code=VILLAGE, name="王建国", phone="13985310001")
    with pytest.raises(DomainError) as caught:
        services.helper_register(actor=people["clerk"], region_code=VILLAGE, name="王建国 ", phone="13985310001")
    assert caught.value.message == services.HELPER_EXISTS
    services.helper_register(actor=people["clerk"], region_code=VILLAGE, name="王建国", phone="13985310002")  # a namesake
    services.helper_register(actor=people["township"], region_code=OTHER_VILLAGE, name="王建国", phone="13985310001")
    assert Helper.objects.count() == 3 and actions() == ["helper.register"] * 3


def test_helper_register_permissions(people):
    with pytest.raises(Forbidden):
        services.helper_register(actor=people["helper"], region_code=VILLAGE, name="王建国")
    with pytest.raises(NotFound):
        services.helper_register(actor=people["clerk"], region_code=OTHER_VILLAGE, name="王建国")
    with pytest.raises(NotFound):
        services.helper_register(actor=people["township"], region_code="520402005999", name="王建国")  # no such village
    assert not Helper.objects.exists()


# --- helper_assign ---------------------------------------------------------------------------


@pytest.fixture
def entry(campaign):
    return make_entry(campaign, make_household(VILLAGE, members=[{"name": "甲", "categories": ["dibao"]}]))


def active_pairs(entry) -> set[tuple[str, str]]:
    return set(HelperAssignment.objects.filter(entry=entry, active=True).values_list("helper__name", "role"))


def test_a_new_primary_replaces_the_old_one(people, entry):
    wang, li = make_helper(name="王建国"), make_helper(name="李秀英")
    first = services.helper_assign(actor=people["clerk"], entry=entry, helper=wang)
    assert (first.role, first.assigned_by) == ("primary", people["clerk"])
    services.helper_assign(actor=people["clerk"], entry=entry, helper=li)
    assert active_pairs(entry) == {("李秀英", "primary")}
    first.refresh_from_db()
    assert not first.active and first.ended_at is not None
    assert [e.changes for e in Event.objects.order_by("seq")] == [{"primary": [None, "王建国"]}, {"primary": ["王建国", "李秀英"]}]


def test_assigning_the_same_helper_again_changes_nothing(people, entry):
    wang = make_helper(name="王建国")
    first = services.helper_assign(actor=people["clerk"], entry=entry, helper=wang)
    assert services.helper_assign(actor=people["clerk"], entry=entry, helper=wang) == first
    assert HelperAssignment.objects.count() == 1 and actions() == ["helper.assign"]


def test_backup_is_separate_and_one_helper_cannot_be_both(people, entry):
    wang, li = make_helper(name="王建国"), make_helper(name="李秀英")
    services.helper_assign(actor=people["clerk"], entry=entry, helper=wang)
    services.helper_assign(actor=people["clerk"], entry=entry, helper=li, role="backup")
    assert active_pairs(entry) == {("王建国", "primary"), ("李秀英", "backup")}
    services.helper_assign(actor=people["clerk"], entry=entry, helper=wang, role="backup")  # 王 moves to backup
    assert active_pairs(entry) == {("王建国", "backup")}
    assert selectors.households_without_helper(entry.campaign, VILLAGE).get() == entry  # a backup alone is not enough


def test_helper_assign_refuses_a_helper_of_another_village_or_off_duty_and_a_removed_entry(people, entry):
    with pytest.raises(DomainError) as caught:
        services.helper_assign(actor=people["township"], entry=entry, helper=make_helper(OTHER_VILLAGE, name="外村人"))
    assert caught.value.message == services.HELPER_ELSEWHERE and caught.value.field == "helper"
    with pytest.raises(DomainError) as caught:
        services.helper_assign(actor=people["clerk"], entry=entry, helper=make_helper(name="退休人", active=False))
    assert caught.value.message == services.HELPER_INACTIVE
    with pytest.raises(DomainError) as caught:
        services.helper_assign(actor=people["clerk"], entry=entry, helper=make_helper(name="王建国"), role="boss")
    assert caught.value.field == "role"
    RosterEntry.objects.filter(pk=entry.pk).update(active=False)
    entry.refresh_from_db()
    with pytest.raises(DomainError) as caught:
        services.helper_assign(actor=people["clerk"], entry=entry, helper=make_helper(name="李秀英"))
    assert caught.value.message == services.NOT_ON_ROSTER
    with pytest.raises(Forbidden):
        services.helper_assign(actor=people["helper"], entry=entry, helper=make_helper(name="张三"))
    assert not HelperAssignment.objects.exists()


def test_one_helper_many_households(people, campaign):
    wang = make_helper(name="王建国")
    entries = [make_entry(campaign, make_household(VILLAGE, members=[name])) for name in ("甲", "乙", "丙")]
    for item in entries:
        services.helper_assign(actor=people["clerk"], entry=item, helper=wang)
    lone = make_entry(campaign, make_household(VILLAGE, members=["丁"]))
    assert HelperAssignment.objects.filter(helper=wang, active=True).count() == 3
    rows = selectors.compliance_by_helper(campaign, TOWNSHIP, date(2026, 11, 16), today=date(2026, 11, 23))
    assert [(r["name"], r["households"], r["compliant"]) for r in rows] == [("王建国", 3, 0)]
    assert list(selectors.households_without_helper(campaign, TOWNSHIP)) == [lone]


# --- filing_submit ---------------------------------------------------------------------------


def test_filing_on_time_then_refiled_late(people, monkeypatch):
    campaign = make_campaign(filing_deadline=date(2026, 12, 20))
    make_entry(campaign, make_household(VILLAGE, members=["甲"]))
    make_entry(campaign, make_household(OTHER_VILLAGE, members=["乙"]))
    freeze(monkeypatch, at(date(2026, 12, 20), 23, 50))  # the last evening, local time
    filing = services.filing_submit(actor=people["clerk"], campaign=campaign, region_code=VILLAGE)
    assert (filing.late, filing.households, filing.filed_by, filing.filed_at) == (False, 1, people["clerk"], at(date(2026, 12, 20), 23, 50))
    make_entry(campaign, make_household(VILLAGE, members=["丙"]))
    freeze(monkeypatch, at(date(2026, 12, 21), 0, 10))
    again = services.filing_submit(actor=people["township"], campaign=campaign, region_code=VILLAGE)
    assert again.pk == filing.pk and ContactFormFiling.objects.count() == 1
    assert (again.late, again.households, again.filed_by) == (True, 2, people["township"])
    assert [e.changes["refiled"] for e in Event.objects.filter(action="contact_form.file").order_by("seq")] == [[None, False], [None, True]]


def test_a_paper_filing_keeps_the_day_it_was_received(people, monkeypatch):
    campaign = make_campaign(filing_deadline=date(2026, 11, 8))
    freeze(monkeypatch, at(date(2026, 11, 29)))
    filing = services.filing_submit(actor=people["township"], campaign=campaign, region_code=VILLAGE, filed_at=at(date(2026, 11, 6), 16))
    assert (filing.filed_at, filing.late) == (at(date(2026, 11, 6), 16), False)
    with pytest.raises(DomainError) as caught:
        services.filing_submit(actor=people["township"], campaign=campaign, region_code=VILLAGE, filed_at=at(date(2026, 11, 30)))
    assert caught.value.field == "filed_at"


def test_filing_refuses_a_township_a_village_outside_and_other_roles(people, campaign):
    with pytest.raises(DomainError) as caught:
        services.filing_submit(actor=people["township"], campaign=campaign, region_code=TOWNSHIP)
    assert caught.value.message == services.NOT_A_VILLAGE
    with pytest.raises(DomainError):
        services.filing_submit(actor=people["nanjie"], campaign=campaign, region_code="520402001001")
    with pytest.raises(Forbidden):
        services.filing_submit(actor=people["helper"], campaign=campaign, region_code=VILLAGE)
    with pytest.raises(Forbidden):
        services.filing_submit(actor=people["county"], campaign=campaign, region_code=VILLAGE)
    assert not ContactFormFiling.objects.exists()


# --- quota_rule_set / requirements_apply -----------------------------------------------------


def requirements(campaign) -> dict[str, tuple]:
    return {e.household.head.name: (e.weekly_contacts, e.daily_contact, e.visit_hours)
            for e in RosterEntry.objects.filter(campaign=campaign).select_related("household__head")}


def test_household_rule_beats_category_rule_beats_campaign_rule(people):
    campaign = services.campaign_create(actor=people["township"], region_code=TOWNSHIP, name="东关", starts_on=date(2026, 11, 16),
                                        ends_on=date(2027, 2, 28))
    make_household(VILLAGE, members=[{"name": "低保户", "categories": ["dibao"]}])
    make_household(VILLAGE, members=[{"name": "残疾甲", "categories": ["disabled"]}])
    special = make_household(VILLAGE, members=[{"name": "残疾乙", "categories": ["disabled", "dibao"]}])
    make_household(VILLAGE, members=[{"name": "精神", "categories": ["severe_mental_disorder"]}])
    services.roster_build(actor=people["township"], campaign=campaign)
    assert requirements(campaign) == {"低保户": (3, False, 24), "残疾甲": (3, False, 24), "残疾乙": (3, False, 24), "精神": (3, True, 24)}

    services.quota_rule_set(actor=people["township"], campaign=campaign, kind="weekly", count=5, category_code="disabled")
    services.quota_rule_set(actor=people["township"], campaign=campaign, kind="weekly", count=2, household=special)
    services.quota_rule_set(actor=people["township"], campaign=campaign, kind="daily", household=special)
    services.quota_rule_set(actor=people["township"], campaign=campaign, kind="after_warning", hours=12, category_code="disabled")
    assert requirements(campaign) == {"低保户": (3, False, 24), "残疾甲": (5, False, 12), "残疾乙": (2, True, 12), "精神": (3, True, 24)}

    # Changing a rule updates it in place; switching one off falls back to the wider rule.
    rule = services.quota_rule_set(actor=people["township"], campaign=campaign, kind="weekly", count=4, category_code="disabled")
    assert QuotaRule.objects.filter(campaign=campaign, kind="weekly", category_id="disabled").get() == rule and rule.count == 4
    services.quota_rule_set(actor=people["township"], campaign=campaign, kind="weekly", count=2, household=special, active=False)
    services.quota_rule_set(actor=people["township"], campaign=campaign, kind="daily", category_code="severe_mental_disorder", active=False)
    assert requirements(campaign) == {"低保户": (3, False, 24), "残疾甲": (4, False, 12), "残疾乙": (4, True, 12), "精神": (3, False, 24)}
    assert actions().count("quota_rule.set") == 7


def test_without_a_warning_rule_a_household_owes_no_visit(people):
    campaign = make_campaign()
    make_household(VILLAGE, members=[{"name": "甲", "categories": ["dibao"]}])
    QuotaRule.objects.create(campaign=campaign, kind="weekly", count=3)
    services.roster_build(actor=people["township"], campaign=campaign)
    assert requirements(campaign) == {"甲": (3, False, None)}
    services.quota_rule_set(actor=people["township"], campaign=campaign, kind="after_warning", hours=6)
    assert requirements(campaign) == {"甲": (3, False, 6)}


@pytest.mark.parametrize(("fields", "field"), [
    ({"kind": "weekly", "count": 0}, "count"), ({"kind": "weekly", "count": 22}, "count"),
    ({"kind": "after_warning", "hours": 0}, "hours"), ({"kind": "after_warning", "hours": 169}, "hours"),
    ({"kind": "monthly"}, "kind"), ({"kind": "weekly", "category_code": "bogus"}, "category"),
])
def test_quota_rule_set_validates(people, campaign, fields, field):
    with pytest.raises(DomainError) as caught:
        services.quota_rule_set(actor=people["township"], campaign=campaign, **fields)
    assert caught.value.field == field
    assert QuotaRule.objects.count() == 3 and not Event.objects.exists()


def test_quota_rule_set_refuses_a_household_outside_and_other_roles(people, campaign):
    with pytest.raises(DomainError) as caught:
        services.quota_rule_set(actor=people["township"], campaign=campaign, kind="daily", household=make_household(NANJIE_VILLAGE))
    assert caught.value.message == services.OUTSIDE_CAMPAIGN
    with pytest.raises(NotFound):
        services.quota_rule_set(actor=people["clerk"], campaign=campaign, kind="daily")
    with pytest.raises(NotFound):
        services.quota_rule_set(actor=people["nanjie"], campaign=campaign, kind="daily")
    assert QuotaRule.objects.count() == 3
