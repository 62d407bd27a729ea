"""Helping-contact and warning test data, written straight to the models (no audit, no permission checks).

Stable helpers other test modules import (keep their signatures):

    make_campaign(region_code=TOWNSHIP, **fields) -> CareCampaign          window 11-16 → 02-28 unless given
    make_entry(campaign, household, weekly=3, daily=False, visit_hours=24, **fields) -> RosterEntry
    make_helper(region_code=VILLAGE, name=None, user=None, **fields) -> Helper
    pair(entry, helper, role="primary") -> HelperAssignment
    make_contact(household, campaign=None, at=None, channel="phone", helper=None, **fields) -> Contact
    make_alert(area_codes=(TOWNSHIP,), onset=None, hours=48, event="cold_wave", colour=2, **fields) -> WeatherAlert
    at_local(day, hour=10, minute=0) -> aware datetime in the deployment time zone
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from tests.registry.factories import VILLAGE
from warmwinter.alerts.models import AlertArea, WeatherAlert
from warmwinter.care.models import CareCampaign, Contact, Helper, HelperAssignment, RosterEntry
from warmwinter.care.quota import local_day, week_start_of

TOWNSHIP = "520402005000"
COUNTY = "520402000000"
_serial = itertools.count(1)


def at_local(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def make_campaign(region_code: str = TOWNSHIP, **fields) -> CareCampaign:
    values = {"name": f"帮扶{next(_serial)}", "filing_deadline": date(2026, 11, 15), "starts_on": date(2026, 11, 16),
              "ends_on": date(2027, 2, 28), "roster_categories": ["dibao", "severe_mental_disorder"]}
    values.update(fields)
    return CareCampaign.objects.create(region_id=region_code, **values)


def make_entry(campaign: CareCampaign, household, weekly: int = 3, daily: bool = False, visit_hours: int | None = 24, **fields) -> RosterEntry:
    values = {"source": "category", "categories": ["dibao"], "weekly_contacts": weekly, "daily_contact": daily, "visit_hours": visit_hours}
    values.update(fields)
    return RosterEntry.objects.create(campaign=campaign, household=household, region_id=household.region_id, **values)


def make_helper(region_code: str = VILLAGE, name: str | None = None, user=None, **fields) -> Helper:
    return Helper.objects.create(region_id=region_code, name=name or f"帮扶人{next(_serial)}", phone=fields.pop("phone", f"139{next(_serial):08d}"),
                                 user=user, **fields)


def pair(entry: RosterEntry, helper: Helper, role: str = "primary") -> HelperAssignment:
    return HelperAssignment.objects.create(entry=entry, helper=helper, role=role)


def make_contact(household, campaign: CareCampaign | None = None, at: datetime | None = None, channel: str = "phone",
                 helper: Helper | None = None, **fields) -> Contact:
    at = at or timezone.now()
    day = local_day(at)
    return Contact.objects.create(campaign=campaign, household=household, region_id=household.region_id, helper=helper, channel=channel,
                                  contacted_at=at, local_date=day, week_start=week_start_of(day), **fields)


def make_alert(area_codes=(TOWNSHIP,), onset: datetime | None = None, hours: int = 48, event: str = "cold_wave", colour: int = 2,
               **fields) -> WeatherAlert:
    onset = onset or timezone.now()
    alert = WeatherAlert.objects.create(identifier=fields.pop("identifier", f"test-{next(_serial)}"), sent=onset, event=event, colour=colour,
                                        onset=onset, expires=onset + timedelta(hours=hours), **fields)
    AlertArea.objects.bulk_create([AlertArea(alert=alert, region_id=code) for code in area_codes])
    return alert
