"""The helping-contact loop through the services: roster, pairing, contacts, a warning's visit duty, compliance."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from tests.factories import make_member
from tests.registry.factories import VILLAGE, make_household
from warmwinter.alerts.services import AlertInput, alert_record, alerts_expire
from warmwinter.care import selectors, services
from warmwinter.care.choices import DutyStatus
from warmwinter.care.models import VisitDuty
from warmwinter.care.services_contacts import contact_record, duties_mark_missed

pytestmark = pytest.mark.django_db


def at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def test_roster_contacts_and_compliance(tree, monkeypatch):
    township = make_member("township_officer", "520402005000", username="t")
    clerk = make_member("village_clerk", VILLAGE, username="c")
    county = make_member("county_officer", "520402000000", username="county")
    monday = date(2026, 11, 16)  # a Monday in the past, the campaign's first day
    campaign = services.campaign_create(actor=township, region_code="520402005000", name="东关帮扶",
                                        starts_on=monday, ends_on=date(2027, 2, 28), filing_deadline=date(2026, 12, 20))
    a = make_household(VILLAGE, members=[{"name": "甲", "categories": ["dibao"]}])
    b = make_household(VILLAGE, members=[{"name": "乙", "categories": ["severe_mental_disorder"]}])
    make_household(VILLAGE, members=[{"name": "丙"}])  # no category: not on the roster
    assert services.roster_build(actor=township, campaign=campaign) == 2
    entry_a = campaign.roster.get(household=a)
    entry_b = campaign.roster.get(household=b)
    assert (entry_a.weekly_contacts, entry_a.daily_contact, entry_b.daily_contact) == (3, False, True)
    helper = services.helper_register(actor=clerk, region_code=VILLAGE, name="王书记", phone="13800000000")
    services.helper_assign(actor=clerk, entry=entry_a, helper=helper)
    for day in (0, 2, 4):
        contact_record(actor=clerk, household=a, channel="phone", contacted_at=at(monday + timedelta(days=day), 10), helper=helper)
    week = selectors.compliance(campaign, "520402005000", monday, today=monday + timedelta(days=7))
    assert (week.total.households, week.total.compliant, week.total.without_helper) == (2, 1, 1)
    # A cold wave: a home visit within 24 h for both; a visit to A in time, B missed.
    onset = at(monday + timedelta(days=1), 8)
    monkeypatch.setattr(timezone, "now", lambda: onset)
    alert = alert_record(actor=county, data=AlertInput(identifier="cap-1", event="cold_wave", colour=2, onset=onset,
                                                       expires=onset + timedelta(days=2), area_codes=["520402005000"]))
    assert VisitDuty.objects.filter(alert=alert).count() == 2
    monkeypatch.setattr(timezone, "now", lambda: onset + timedelta(hours=4))
    contact_record(actor=clerk, household=a, channel="visit", contacted_at=onset + timedelta(hours=3), helper=helper)
    assert duties_mark_missed(now=onset + timedelta(hours=25)) == 1
    assert VisitDuty.objects.get(household=a).status == DutyStatus.DONE
    monkeypatch.setattr(timezone, "now", lambda: onset + timedelta(days=3))
    assert alerts_expire() == 1
