"""Every shipped template, end to end in the demo county: a round through the API, the survey on the
phone page, the finding on the problem list, and the hazard moved to a verified close-out (销号)
half through the API and half through the pages — with the coverage and rates the officer reads."""

from __future__ import annotations

import random
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import otp_now
from warmwinter.accounts.models import User
from warmwinter.core.demo import DEMO_PASSWORD, demo_ledger_load, demo_load
from warmwinter.hazards.models import Hazard
from warmwinter.registry.models import Household
from warmwinter.surveys.demo_answers import good_answers, trip
from warmwinter.surveys.seed import shipped_templates

pytestmark = pytest.mark.django_db

TOWNSHIP = "520402005000"  # 东关街道
VILLAGE = "520402005001"  # 金钟社区, where the demo clerk works
CODES = [t["code"] for t in shipped_templates()]


@pytest.fixture
def county(tree):
    demo_load()
    demo_ledger_load()


def api_as(username: str) -> APIClient:
    client = APIClient()
    user = User.objects.get(username=username)
    body = {"username": username, "password": DEMO_PASSWORD, **({"otp": otp_now(user)} if user.totp_secret else {})}
    token = client.post("/api/v1/auth/token", body, format="json").json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def page_as(username: str) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


def as_form(template: dict, answers: dict) -> dict:
    data = {}
    for key, value in answers.items():
        data[f"q_{key}"] = ("true" if value else "false") if isinstance(value, bool) else value
    return data


@pytest.mark.parametrize("code", CODES)
def test_template_runs_from_survey_to_verified_close(county, code):
    township, clerk = api_as("township"), api_as("clerk")
    template = next(t for t in township.get("/api/v1/survey-templates").json() if t["code"] == code)
    detail = township.get(f"/api/v1/survey-templates/{template['id']}").json()
    today = timezone.localdate()
    made = township.post("/api/v1/survey-rounds", {
        "template": template["id"], "region": TOWNSHIP, "name": f"端到端 {code}",
        "starts_on": str(today), "ends_on": str(today + timedelta(days=3)),
    }, format="json")
    assert made.status_code == 201, made.content
    round_id = made.json()["id"]

    # The subject: a ledger household of the clerk's village, or premises registered through the API.
    if template["subject"] == "premises":
        premises = township.post("/api/v1/premises", {"region": VILLAGE, "name": "金钟综合超市", "kind": "supermarket"}, format="json")
        assert premises.status_code == 201, premises.content
        subject_url = f"/surveys/{round_id}/premises/{premises.json()['id']}/"
        household, alive = None, 0
    else:
        household = Household.objects.filter(region_id=VILLAGE).order_by("id").first()
        alive = household.members.filter(alive=True).count()
        subject_url = f"/surveys/{round_id}/households/{household.pk}/"

    # Answers that find exactly one general problem (the template's first general rule that can be tripped).
    from warmwinter.surveys.models import SurveyTemplate

    stored = SurveyTemplate.objects.get(pk=template["id"])
    answers = good_answers(stored, stored.params, random.Random(7), household=household, alive=alive)
    rule = next(r for r in detail["rules"] if r["severity"] == "general" and trip(stored, answers, r, stored.params))

    # The survey on the phone page, by the village clerk.
    phone = page_as("clerk")
    form_page = phone.get(subject_url).content.decode()
    client_id = re.search(r'name="client_id" value="([^"]+)"', form_page)[1]
    sent = phone.post(subject_url, {**as_form(detail, answers), "client_id": client_id, "notes": "端到端",
                                    **({"persons": [str(p) for p in household.members.filter(alive=True).values_list("pk", flat=True)]}
                                       if household else {})})
    assert sent.status_code in (200, 302), sent.content.decode()[:2000]
    hazard = Hazard.objects.get(response__round_id=round_id)
    assert hazard.rule == rule["key"] and hazard.state == "identified"

    # The problem list shows it to the township (API) ...
    listed = township.get("/api/v1/hazards", {"round": round_id}).json()
    assert [h["id"] for h in listed["results"]] == [hazard.pk]

    # ... the clerk warns and fixes it through the API ...
    version = listed["results"][0]["version"]
    for move, note in (("warn", ""), ("start_rectification", ""), ("rectify", "已整改，附照片")):
        moved = clerk.post(f"/api/v1/hazards/{hazard.pk}/transitions", {"transition": move, "note": note, "version": version}, format="json")
        assert moved.status_code == 200, moved.content
        version = moved.json()["version"]
    # ... who fixed it may not verify it ...
    refused = clerk.post(f"/api/v1/hazards/{hazard.pk}/transitions", {"transition": "verify", "version": version}, format="json")
    assert refused.status_code == 403
    # ... the township officer verifies and closes it on the page.
    office = page_as("township")
    for move in ("verify", "close"):
        answer = office.post(f"/hazards/{hazard.pk}/transition", {"transition": move, "note": "", "version": version})
        assert answer.status_code == 302, answer.content.decode()[:2000]
        version += 1
    hazard.refresh_from_db()
    assert hazard.state == "closed" and hazard.verified_by.username == "township" and hazard.fixed_by.username == "clerk"

    # The figures the county reads: one unit surveyed, one problem found, one closed on time.
    figures = api_as("county").get(f"/api/v1/survey-rounds/{round_id}/coverage", {"region": VILLAGE}).json()
    assert figures["total"]["households_surveyed"] == 1
    assert (figures["hazards"]["total"]["found"], figures["hazards"]["total"]["closed"], figures["hazards"]["total"]["closed_on_time"]) == (1, 1, 1)
    assert figures["hazards"]["total"]["rectification_rate"] == 100.0
