"""The quota engine: weeks and days in Asia/Shanghai, prorated and daily quotas, which rule applies,
and weather-warning visit duties, each checked on one household against a hand count.

Every week figure is read twice — from `entries_with_compliance` (the households one by one) and from
`compliance` (the GROUP BY behind the dashboard) — and the two must agree (`met`)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone as dt_timezone

import pytest
from django.utils import timezone

from tests.care.factories import TOWNSHIP, at_local, make_campaign, make_contact, make_entry, make_helper, pair
from tests.factories import make_member
from tests.registry.factories import NANJIE_VILLAGE, VILLAGE, make_household
from warmwinter.alerts.services import AlertInput, alert_record, alerts_expire
from warmwinter.care import selectors, services
from warmwinter.care.choices import DutyStatus
from warmwinter.care.models import RosterEntry, VisitDuty
from warmwinter.care.quota import day_bounds, parse_week, week_frame, week_label
from warmwinter.care.services_contacts import contact_record, duties_mark_missed
from warmwinter.core.errors import DomainError

pytestmark = pytest.mark.django_db

UTC = dt_timezone.utc
MONDAY = date(2026, 11, 16)  # week 2026-W47; TODAY (2026-11-29) is the Sunday of W48
SUNDAY = date(2026, 11, 22)


def met(campaign, monday: date, today: date) -> dict[int, int]:
    """household id -> 1/0 compliant, from both selectors (which must agree on the total)."""
    frame = week_frame(monday, campaign.starts_on, campaign.ends_on, today=today)
    rows = {e.household_id: e.met for e in selectors.entries_with_compliance(campaign, "520402", frame)}
    figures = selectors.compliance(campaign, "520402000000", monday, today=today)
    assert (figures.total.households, figures.total.compliant) == (len(rows), sum(rows.values()))
    return rows


def paired(campaign, household, **fields) -> RosterEntry:
    entry = make_entry(campaign, household, **fields)
    pair(entry, make_helper(household.region_id))
    return entry


def contacts(household, campaign, *moments, channel="phone"):
    return [make_contact(household, campaign, at=m, channel=channel) for m in moments]


# --- weeks and days in the deployment time zone --------------------------------------------------


def test_week_labels_and_day_bounds_are_local():
    assert parse_week("2026-W47") == MONDAY
    assert week_label(date(2026, 12, 28)) == "2026-W53"  # 2026 has 53 ISO weeks
    assert week_label(date(2027, 1, 4)) == "2027-W01"
    assert parse_week(" 2026-W53 ") == date(2026, 12, 28)
    for text in ("2026-W54", "2025-W53", "2026-47", "", None):
        with pytest.raises(DomainError):
            parse_week(text)
    start, end = day_bounds(MONDAY)
    assert (start.astimezone(UTC), end.astimezone(UTC)) == (datetime(2026, 11, 15, 16, tzinfo=UTC), datetime(2026, 11, 16, 16, tzinfo=UTC))


def test_contact_record_stores_the_local_day_and_week(tree):
    clerk = make_member("village_clerk", VILLAGE, username="clerk")
    campaign = make_campaign()
    household = make_household(VILLAGE)
    make_entry(campaign, household)
    cases = [
        (at_local(SUNDAY, 23, 59), SUNDAY, MONDAY),
        (at_local(SUNDAY + timedelta(days=1), 0, 0), date(2026, 11, 23), date(2026, 11, 23)),
        # The same instants and one more written in UTC: the UTC date is a Sunday each time.
        (datetime(2026, 11, 22, 15, 59, tzinfo=UTC), SUNDAY, MONDAY),
        (datetime(2026, 11, 22, 16, 0, tzinfo=UTC), date(2026, 11, 23), date(2026, 11, 23)),
        (datetime(2026, 11, 22, 23, 30, tzinfo=UTC), date(2026, 11, 23), date(2026, 11, 23)),
        (datetime(2026, 11, 15, 16, 0, tzinfo=UTC), MONDAY, MONDAY),  # Sunday 16:00 UTC = Monday 00:00 local
    ]
    for moment, local_date, week_start in cases:
        contact = contact_record(actor=clerk, household=household, channel="phone", contacted_at=moment, campaign=campaign)
        assert (contact.local_date, contact.week_start) == (local_date, week_start), moment


def test_sunday_2359_local_counts_in_its_week_monday_0000_in_the_next(tree):
    campaign = make_campaign()
    late, early = make_household(VILLAGE), make_household(VILLAGE)
    paired(campaign, late)
    paired(campaign, early)
    for household in (late, early):
        contacts(household, campaign, at_local(MONDAY), at_local(MONDAY + timedelta(days=2)))
    contacts(late, campaign, datetime(2026, 11, 22, 15, 59, tzinfo=UTC))  # Sunday 23:59 local
    contacts(early, campaign, datetime(2026, 11, 22, 16, 0, tzinfo=UTC))  # Monday 00:00 local, a Sunday in UTC
    assert met(campaign, MONDAY, date(2026, 11, 29)) == {late.pk: 1, early.pk: 0}
    frame = week_frame(MONDAY + timedelta(days=7), campaign.starts_on, campaign.ends_on, today=date(2026, 11, 29))
    counted = {e.household_id: e.contacts for e in selectors.entries_with_compliance(campaign, "520402", frame)}
    assert counted == {late.pk: 0, early.pk: 1}


# --- partial weeks ------------------------------------------------------------------------------


def test_a_campaign_starting_on_saturday_asks_for_two_contacts_that_week(tree):
    campaign = make_campaign(starts_on=date(2026, 11, 21))  # Saturday
    two, one, early = make_household(VILLAGE), make_household(VILLAGE), make_household(VILLAGE)
    for household in (two, one, early):
        paired(campaign, household)
    contacts(two, campaign, at_local(date(2026, 11, 21)), at_local(SUNDAY, 20))
    contacts(one, campaign, at_local(SUNDAY))
    contacts(early, campaign, at_local(date(2026, 11, 20)), at_local(SUNDAY))  # Friday is before the campaign
    assert week_frame(MONDAY, campaign.starts_on, campaign.ends_on).weekly_required(3) == 2
    assert met(campaign, MONDAY, date(2026, 11, 29)) == {two.pk: 1, one.pk: 0, early.pk: 0}


def test_a_campaign_starting_on_sunday_asks_for_one(tree):
    campaign = make_campaign(starts_on=SUNDAY)
    household = make_household(VILLAGE)
    paired(campaign, household)
    contacts(household, campaign, at_local(SUNDAY, 9))
    assert met(campaign, MONDAY, date(2026, 11, 29)) == {household.pk: 1}


def test_the_last_partial_week_asks_for_its_days_only(tree):
    campaign = make_campaign(starts_on=date(2026, 11, 2), ends_on=date(2026, 11, 17))  # ends on a Tuesday
    both, after_end = make_household(VILLAGE), make_household(VILLAGE)
    paired(campaign, both)
    paired(campaign, after_end)
    contacts(both, campaign, at_local(MONDAY), at_local(MONDAY + timedelta(days=1)))
    contacts(after_end, campaign, at_local(MONDAY), at_local(MONDAY + timedelta(days=2)))  # Wednesday: campaign over
    assert met(campaign, MONDAY, date(2026, 11, 29)) == {both.pk: 1, after_end.pk: 0}
    after = week_frame(MONDAY + timedelta(days=7), campaign.starts_on, campaign.ends_on)
    assert (after.campaign_days, after.weekly_required(3), after.daily_required) == ((), 0, 0)


# --- the daily rule -----------------------------------------------------------------------------


def test_daily_rule_needs_every_day_over_and_today_is_not_yet_missed(tree):
    campaign = make_campaign()
    households = {name: make_household(VILLAGE) for name in ("every", "twice_monday", "today_not_monday", "weekly_only")}
    for name, household in households.items():
        paired(campaign, household, daily=name != "weekly_only")
    mon, tue, wed, thu = (MONDAY + timedelta(days=n) for n in range(4))
    contacts(households["every"], campaign, at_local(mon), at_local(tue), at_local(wed))
    contacts(households["twice_monday"], campaign, at_local(mon, 9), at_local(mon, 16), at_local(tue))  # 3 contacts, 2 days
    contacts(households["today_not_monday"], campaign, at_local(tue), at_local(wed), at_local(thu))  # today does not make up for Monday
    contacts(households["weekly_only"], campaign, at_local(tue), at_local(wed), at_local(thu))
    # Thursday: Mon-Wed are over, Thursday is still open.
    assert met(campaign, MONDAY, thu) == {households["every"].pk: 1, households["twice_monday"].pk: 0,
                                          households["today_not_monday"].pk: 0, households["weekly_only"].pk: 1}
    # The week over: "every" missed Thursday to Sunday.
    assert met(campaign, MONDAY, date(2026, 11, 29))[households["every"].pk] == 0


def test_daily_rule_over_a_whole_week(tree):
    campaign = make_campaign()
    all_days, six_days = make_household(VILLAGE), make_household(VILLAGE)
    paired(campaign, all_days, daily=True)
    paired(campaign, six_days, daily=True)
    for n in range(7):
        contacts(all_days, campaign, at_local(MONDAY + timedelta(days=n), 23, 50))
        if n != 3:
            contacts(six_days, campaign, at_local(MONDAY + timedelta(days=n)), at_local(MONDAY + timedelta(days=n), 18))
    assert met(campaign, MONDAY, date(2026, 11, 29)) == {all_days.pk: 1, six_days.pk: 0}


# --- which rule applies -------------------------------------------------------------------------


def test_household_rule_beats_category_rule_beats_campaign_wide_rule(tree):
    officer = make_member("township_officer", TOWNSHIP, username="officer")
    campaign = services.campaign_create(actor=officer, region_code=TOWNSHIP, name="规则", starts_on=MONDAY, ends_on=date(2027, 2, 28),
                                        filing_deadline=date(2026, 11, 15))
    poor = make_household(VILLAGE, members=[{"name": "甲", "categories": ["dibao"]}])
    both = make_household(VILLAGE, members=[{"name": "乙", "categories": ["dibao"]}, {"name": "丙", "categories": ["tekun_dispersed"]}])
    ill = make_household(VILLAGE, members=[{"name": "丁", "categories": ["severe_mental_disorder"]}])
    services.roster_build(actor=officer, campaign=campaign)

    def required(household) -> tuple:
        entry = RosterEntry.objects.get(campaign=campaign, household=household)
        return entry.weekly_contacts, entry.daily_contact, entry.visit_hours

    assert [required(h) for h in (poor, both, ill)] == [(3, False, 24), (3, False, 24), (3, True, 24)]
    services.quota_rule_set(actor=officer, campaign=campaign, kind="weekly", count=2, category_code="dibao")
    services.quota_rule_set(actor=officer, campaign=campaign, kind="weekly", count=5, category_code="tekun_dispersed")
    # A category rule wins over the campaign-wide 3 even when it asks less; two categories: the larger.
    assert [required(h)[0] for h in (poor, both, ill)] == [2, 5, 3]
    services.quota_rule_set(actor=officer, campaign=campaign, kind="weekly", count=4, household=both)
    services.quota_rule_set(actor=officer, campaign=campaign, kind="after_warning", hours=6, household=poor)
    services.quota_rule_set(actor=officer, campaign=campaign, kind="daily", household=poor)
    assert [required(h) for h in (poor, both, ill)] == [(2, True, 6), (4, False, 24), (3, True, 24)]
    services.quota_rule_set(actor=officer, campaign=campaign, kind="weekly", count=2, category_code="dibao", active=False)
    services.quota_rule_set(actor=officer, campaign=campaign, kind="weekly", count=4, household=both, active=False)
    assert [required(h)[0] for h in (poor, both, ill)] == [3, 5, 3]
    # What the rules ask is what the week is measured against: 2 contacts for "poor" are now too few.
    entry = RosterEntry.objects.get(campaign=campaign, household=poor)
    pair(entry, make_helper(VILLAGE))
    services.quota_rule_set(actor=officer, campaign=campaign, kind="daily", household=poor, active=False)
    contacts(poor, campaign, at_local(MONDAY), at_local(MONDAY + timedelta(days=3)))
    assert met(campaign, MONDAY, date(2026, 11, 29))[poor.pk] == 0
    services.quota_rule_set(actor=officer, campaign=campaign, kind="weekly", count=2, household=poor)
    assert met(campaign, MONDAY, date(2026, 11, 29))[poor.pk] == 1


# --- weather-warning visit duties ---------------------------------------------------------------


def test_warning_duties_visits_calls_deadlines_expiry_and_the_week(tree, monkeypatch):
    county = make_member("county_officer", "520402000000", username="county")
    clerk = make_member("village_clerk", VILLAGE, username="clerk")
    campaign = make_campaign()
    homes = {name: make_household(VILLAGE) for name in ("visited", "late", "called", "long", "no_rule")}
    for name, household in homes.items():
        paired(campaign, household, visit_hours={"long": 72, "no_rule": None}.get(name, 24))
    elsewhere = make_household(NANJIE_VILLAGE)  # not in the warning's township (nor the campaign's)
    onset = at_local(MONDAY + timedelta(days=1), 8)  # Tuesday 08:00

    def now(hours: float) -> datetime:
        moment = onset + timedelta(hours=hours)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    now(0)
    alert = alert_record(actor=county, data=AlertInput(identifier="cap-cold-1", event="cold_wave", colour=2, onset=onset,
                                                       expires=onset + timedelta(hours=48), area_codes=[TOWNSHIP]))
    duties = {d.household_id: d for d in VisitDuty.objects.filter(alert=alert)}
    assert set(duties) == {homes[n].pk for n in ("visited", "late", "called", "long")}
    assert elsewhere.pk not in duties
    assert duties[homes["visited"].pk].due_by == onset + timedelta(hours=24)
    assert duties[homes["long"].pk].due_by == onset + timedelta(hours=72)

    # Three phone calls each in the week (Mon, Fri, Sat): only the warning visits decide.
    for household in homes.values():
        contacts(household, campaign, at_local(MONDAY), at_local(MONDAY + timedelta(days=4)), at_local(MONDAY + timedelta(days=5)))
    contact_record(actor=clerk, household=homes["called"], channel="phone", contacted_at=now(2), campaign=campaign)
    visit = contact_record(actor=clerk, household=homes["visited"], channel="visit", contacted_at=now(3), campaign=campaign)
    contact_record(actor=clerk, household=homes["late"], channel="visit", contacted_at=now(26), campaign=campaign)
    status = lambda name: VisitDuty.objects.get(alert=alert, household=homes[name]).status  # noqa: E731
    assert [status(n) for n in ("visited", "late", "called", "long")] == ["done", "open", "open", "open"]
    assert VisitDuty.objects.get(alert=alert, household=homes["visited"]).contact == visit
    expected = {homes["visited"].pk: 1, homes["late"].pk: 0, homes["called"].pk: 0, homes["long"].pk: 1, homes["no_rule"].pk: 1}
    # Before the scheduler runs, a duty still open past its deadline already counts as missed.
    assert met(campaign, MONDAY, date(2026, 11, 29)) == expected
    assert duties_mark_missed(now=now(26)) == 2
    assert [status(n) for n in ("visited", "late", "called", "long")] == ["done", "missed", "missed", "open"]
    assert alerts_expire(now=now(49)) == 1
    assert [status(n) for n in ("visited", "late", "called", "long")] == ["done", "missed", "missed", "ended"]
    assert VisitDuty.objects.get(alert=alert, household=homes["long"]).closed_at == onset + timedelta(hours=49)
    # A missed visit makes the week non-compliant; an ended one does not.
    assert met(campaign, MONDAY, date(2026, 11, 29)) == expected
    # The next week is not touched by this week's missed visits.
    next_monday = MONDAY + timedelta(days=7)
    for household in homes.values():
        contacts(household, campaign, *(at_local(next_monday + timedelta(days=n)) for n in range(3)))
    assert set(met(campaign, next_monday, date(2026, 11, 30)).values()) == {1}


def test_a_visit_before_the_warning_does_not_fulfil_its_duty(tree, monkeypatch):
    county = make_member("county_officer", "520402000000", username="county")
    clerk = make_member("village_clerk", VILLAGE, username="clerk")
    campaign = make_campaign()
    household = make_household(VILLAGE)
    paired(campaign, household)
    onset = at_local(MONDAY + timedelta(days=2), 12)
    monkeypatch.setattr(timezone, "now", lambda: onset + timedelta(hours=1))
    alert = alert_record(actor=county, data=AlertInput(identifier="cap-2", event="blizzard", colour=3, onset=onset,
                                                       expires=onset + timedelta(hours=24), area_codes=["520402000000"]))
    contact_record(actor=clerk, household=household, channel="visit", contacted_at=onset - timedelta(hours=2), campaign=campaign)
    assert VisitDuty.objects.get(alert=alert).status == DutyStatus.OPEN
    monkeypatch.setattr(timezone, "now", lambda: onset + timedelta(hours=3))
    contact_record(actor=clerk, household=household, channel="visit", contacted_at=onset + timedelta(hours=2), campaign=campaign)
    assert VisitDuty.objects.get(alert=alert).status == DutyStatus.DONE


# --- households without a helper ----------------------------------------------------------------


def test_households_without_helper_and_never_compliant(tree):
    campaign = make_campaign()
    helped, backup_only, relieved, nobody, removed = (make_household(VILLAGE) for _ in range(5))
    paired(campaign, helped)
    pair(make_entry(campaign, backup_only), make_helper(), role="backup")
    old = pair(make_entry(campaign, relieved), make_helper())
    old.active = False
    old.save()
    make_entry(campaign, nobody)
    make_entry(campaign, removed, active=False)
    for household in (helped, backup_only, relieved, nobody):
        contacts(household, campaign, *(at_local(MONDAY + timedelta(days=n)) for n in range(3)))
    listed = [e.household_id for e in selectors.households_without_helper(campaign, TOWNSHIP)]
    assert sorted(listed) == sorted([backup_only.pk, relieved.pk, nobody.pk])
    assert met(campaign, MONDAY, date(2026, 11, 29)) == {helped.pk: 1, backup_only.pk: 0, relieved.pk: 0, nobody.pk: 0}
    figures = selectors.compliance(campaign, TOWNSHIP, MONDAY, today=date(2026, 11, 29))
    assert (figures.total.households, figures.total.compliant, figures.total.without_helper) == (4, 1, 3)
