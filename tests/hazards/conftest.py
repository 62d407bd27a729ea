"""People and places of the problem-list tests: 金钟社区 in 东关街道, 西秀区; 南街街道 next door."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from tests.factories import make_member
from tests.registry.factories import VILLAGE, make_household
from warmwinter.accounts.models import User
from warmwinter.accounts.roles import Role
from warmwinter.surveys.models import SurveyTemplate

TOWNSHIP = "520402005000"  # 东关街道
COUNTY = "520402000000"  # 西秀区
NANJIE = "520402001000"  # 南街街道
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")

# A premises checklist for the tests (the shipped p10 one may differ): three items, two rules.
PREMISES_QUESTIONS = [
    {"key": "fire_equipment_ok", "type": "yesno", "label": "消防设施完好有效", "label_en": "Fire equipment working", "required": True,
     "section": "消防设施"},
    {"key": "evacuation_clear", "type": "yesno", "label": "疏散通道、安全出口畅通", "label_en": "Evacuation routes clear", "required": True,
     "section": "疏散通道"},
    {"key": "wiring", "type": "choice", "label": "电气线路", "label_en": "Wiring", "section": "电气",
     "options": [{"value": "ok", "label": "完好", "label_en": "Sound"}, {"value": "old", "label": "老化破损", "label_en": "Old or damaged"}]},
    {"key": "exit_photo", "type": "photo", "label": "安全出口照片", "label_en": "Photo of the exits", "section": "疏散通道"},
]
PREMISES_RULES = [
    {"key": "fire_equipment", "when": {"q": "fire_equipment_ok", "op": "no"}, "category": "fire_equipment", "severity": "general",
     "title": "消防设施缺失或损坏", "title_en": "Fire equipment missing or damaged"},
    {"key": "evacuation", "when": {"q": "evacuation_clear", "op": "no"}, "category": "evacuation_blocked", "severity": "major",
     "title": "疏散通道堵塞", "title_en": "Evacuation route blocked"},
    {"key": "wiring", "when": {"q": "wiring", "op": "eq", "value": "old"}, "category": "wiring", "severity": "general",
     "title": "电气线路老化破损", "title_en": "Old wiring"},
]


@dataclass
class People:
    clerk: User          # 村 clerk at 金钟社区: reports, handles
    clerk2: User         # a second clerk there
    township: User       # 东关街道 officer: handles, verifies, closes
    township2: User      # a second 东关街道 officer
    county: User         # 西秀区 officer: notified of major problems
    nanjie: User         # 南街街道 officer: next door, sees nothing here
    charity: User        # a charity organiser at 东关街道: no problem list at all


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def people(tree) -> People:
    return People(
        clerk=make_member(Role.VILLAGE_CLERK, VILLAGE, username="clerk", display_name="杨村干"),
        clerk2=make_member(Role.VILLAGE_CLERK, VILLAGE, username="clerk2", display_name="周村干"),
        township=make_member(Role.TOWNSHIP_OFFICER, TOWNSHIP, username="town", display_name="吴街道"),
        township2=make_member(Role.TOWNSHIP_OFFICER, TOWNSHIP, username="town2", display_name="郑街道"),
        county=make_member(Role.COUNTY_OFFICER, COUNTY, username="county", display_name="钱区"),
        nanjie=make_member(Role.TOWNSHIP_OFFICER, NANJIE, username="nanjie", display_name="孙南街"),
        charity=make_member(Role.CHARITY_ORGANIZER, TOWNSHIP, username="charity", display_name="慈善"),
    )


@pytest.fixture
def household(tree):
    return make_household(VILLAGE, members=["王大山", "李小花"], number="JZ-01")


@pytest.fixture
def premises_template(db) -> SurveyTemplate:
    """The only active premises checklist while the test runs."""
    SurveyTemplate.objects.filter(subject="premises").update(active=False)
    return SurveyTemplate.objects.create(code="test-premises-fire", version=1, name="场所消防安全检查表（测试）", name_en="Premises check (test)",
                                         plan="P10", subject="premises", questions=PREMISES_QUESTIONS, rules=PREMISES_RULES)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
