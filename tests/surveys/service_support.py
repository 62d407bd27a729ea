"""Fixtures and helpers shared by the survey service tests."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from tests.factories import make_member
from tests.registry.factories import VILLAGE
from tests.surveys.factories import COUNTY, TOWNSHIP, make_round
from warmwinter.audit.models import Event

NANJIE = "520402001000"


def actions() -> list[str]:
    return list(Event.objects.order_by("seq").values_list("action", flat=True))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def freeze(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def people(tree):
    return {
        "township": make_member("township_officer", TOWNSHIP, username="township", display_name="东关 刘助理员"),
        "county": make_member("county_officer", COUNTY, username="county"),
        "clerk": make_member("village_clerk", VILLAGE, username="clerk"),
        "helper": make_member("helper", VILLAGE, username="helper"),
        "nanjie": make_member("township_officer", NANJIE, username="nanjie"),
    }


@pytest.fixture
def round_(people):
    return make_round(TOWNSHIP, name="东关走访")
