"""Fixtures and helpers shared by the care service tests."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from tests.care.factories import COUNTY, TOWNSHIP, make_campaign
from tests.factories import make_member
from tests.registry.factories import VILLAGE
from warmwinter.audit.models import Event
from warmwinter.care import services
from warmwinter.care.models import QuotaRule

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
