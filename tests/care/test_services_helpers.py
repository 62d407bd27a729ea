"""Care services: helpers and pairings (一帮一/一帮多), the filing of the 帮扶责任联系表, and quota rules."""


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
