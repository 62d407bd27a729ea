"""Survey and problem-list test data, written straight to the models (no audit, no permission checks).

Stable helpers other test modules import (keep their signatures):

    template(code="p6-visit-checklist") -> SurveyTemplate          a shipped template (seeded by migrate)
    make_round(region_code=TOWNSHIP, template_code=..., **fields) -> SurveyRound
    make_response(round_, household=None, premises=None, answers=None, **fields) -> SurveyResponse
    make_premises(region_code=VILLAGE, name=None, kind="supermarket", **fields) -> Premises
    make_hazard(region_code=VILLAGE, household=None, premises=None, **fields) -> Hazard
    GOOD_P6 -> dict                                                  answers to the P6 checklist that find nothing
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from django.utils import timezone

from tests.registry.factories import VILLAGE
from warmwinter.hazards.models import Hazard, HazardStep, Premises
from warmwinter.surveys.models import SurveyResponse, SurveyRound, SurveyTemplate

TOWNSHIP = "520402005000"  # 东关街道
COUNTY = "520402000000"  # 西秀区
GOOD_P6 = {"co_publicity": True, "co_ventilation": True, "housing": "safe", "heating_method": "electric",
           "cold_supplies_enough": True, "water_ok": True, "wiring_ok": True}

_serial = itertools.count(1)


def template(code: str = "p6-visit-checklist") -> SurveyTemplate:
    return SurveyTemplate.objects.filter(code=code).order_by("-version").first()


def make_round(region_code: str = TOWNSHIP, template_code: str = "p6-visit-checklist", **fields) -> SurveyRound:
    today = timezone.localdate()
    values = {"name": f"摸排{next(_serial)}", "starts_on": today - timedelta(days=2), "ends_on": today + timedelta(days=5)}
    values.update(fields)
    return SurveyRound.objects.create(template=template(template_code), region_id=region_code, **values)


def make_response(round_: SurveyRound, household=None, premises=None, answers=None, **fields) -> SurveyResponse:
    subject = household or premises
    values = {"kind": "survey", "visited_at": timezone.now(), "answers": dict(GOOD_P6 if answers is None else answers),
              "persons_covered": household.members.filter(alive=True).count() if household is not None else 0}
    values.update(fields)
    return SurveyResponse.objects.create(round=round_, template=round_.template if round_ else template(), household=household,
                                         premises=premises, region_id=subject.region_id, **values)


def make_premises(region_code: str = VILLAGE, name: str | None = None, kind: str = "supermarket", **fields) -> Premises:
    return Premises.objects.create(region_id=region_code, name=name or f"场所{next(_serial)}", kind=kind, **fields)


def make_hazard(region_code: str = VILLAGE, household=None, premises=None, **fields) -> Hazard:
    subject = household or premises
    now = timezone.now()
    values = {"category": "wiring", "title": f"线路老化{next(_serial)}", "found_at": now,
              "deadline": timezone.localdate(now) + timedelta(days=7), "state": "identified"}
    values.update(fields)
    hazard = Hazard.objects.create(region_id=subject.region_id if subject else region_code, household=household, premises=premises, **values)
    HazardStep.objects.create(hazard=hazard, transition="report", to_state="identified", at=now)
    return hazard


__all__ = ["COUNTY", "GOOD_P6", "TOWNSHIP", "VILLAGE", "date", "make_hazard", "make_premises", "make_response", "make_round", "template"]
