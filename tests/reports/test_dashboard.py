"""The home dashboard's survey and problem-list cards and charts, for the user's scope, hand-counted.

Scope of the township officer of 东关街道 (金钟 + 东关社区):

    rounds    county round 冬季摸排 (open, most recent), township round 东关复查 (open, older),
              a closed one, one in 平坝区 (outside)
    金钟      h1 h2 h3 surveyed in 冬季摸排 (h3 late), h4 not     -> 3 / 4
    东关社区  h5 surveyed, h6 not                                -> 1 / 2      township: 4 / 6 = 66.7 %
    南街 (塔东) h7 surveyed                                      -> county: 5 / 7 = 71.4 %
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import make_member
from tests.registry.factories import NANJIE_VILLAGE, OTHER_VILLAGE, PINGBA_VILLAGE, VILLAGE, make_household
from tests.surveys.factories import COUNTY, TOWNSHIP, make_hazard, make_response, make_round
from warmwinter.reports.selectors import hazard_cards, survey_cards

pytestmark = pytest.mark.django_db


def page(role: str, code: str) -> str:
    client = Client()
    client.force_login(make_member(role, code))
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def card(html: str, name: str) -> int:
    match = re.search(rf'id="count-{name}">\s*(\d+)\s*<', html)
    assert match, f"no count-{name} card on the page"
    return int(match[1])


def script_data(html: str, element_id: str):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match[1]) if match else None


@pytest.fixture
def rounds(tree):
    today = timezone.localdate()
    county = make_round(COUNTY, name="冬季摸排", starts_on=today - timedelta(days=1))
    township = make_round(TOWNSHIP, name="东关复查", starts_on=today - timedelta(days=10))
    make_round(TOWNSHIP, name="已结束的摸排", starts_on=today, status="closed")
    make_round("520403000000", name="平坝摸排", starts_on=today)
    h = [make_household(VILLAGE, members=["甲"]) for _ in range(4)]
    h += [make_household(OTHER_VILLAGE, members=["乙"]) for _ in range(2)]
    h.append(make_household(NANJIE_VILLAGE, members=["丙"]))
    pingba = make_household(PINGBA_VILLAGE, members=["丁"])
    for index in (0, 1, 4, 6):
        make_response(county, h[index])
    make_response(county, h[2], late=True)
    make_response(township, h[0])
    return {"county": county, "township": township, "homes": h, "pingba": pingba}


# --- survey cards ----------------------------------------------------------------------------------


def test_open_rounds_of_a_township_officer_with_coverage(rounds):
    html = page("township_officer", TOWNSHIP)
    assert card(html, "open-rounds") == 2  # not the closed one, not 平坝区's
    cards = re.findall(r'data-round="(\d+)".*?<div class="num">([^<]*)</div>\s*<div class="label">([^<]*)</div>\s*'
                       r'<div class="help">([^<]*)</div>', html, re.S)
    assert cards == [
        (str(rounds["county"].pk), "66.7%", "冬季摸排 · 东关街道", "已摸排 4 / 6 · 逾期 1"),
        (str(rounds["township"].pk), "16.7%", "东关复查 · 东关街道", "已摸排 1 / 6"),
    ]
    assert f'href="/surveys/{rounds["county"].pk}/?region={TOWNSHIP}"' in html
    assert "平坝摸排" not in html and "已结束的摸排" not in html


def test_coverage_chart_shows_the_villages_of_the_latest_open_round(rounds):
    html = page("township_officer", TOWNSHIP)
    chart = script_data(html, "coverage-data")
    assert chart["names"] == ["金钟社区居民委员会", "东关社区居民委员会"]
    assert chart["rates"] == [75.0, 50.0]
    assert (chart["surveyed"], chart["units"]) == ([3, 1], [4, 2])
    assert chart["title"] == "冬季摸排 · 东关街道 各单位摸排覆盖率"
    assert 'id="chart-coverage"' in html


def test_county_officer_sees_townships_in_the_chart(rounds):
    html = page("county_officer", COUNTY)
    assert card(html, "open-rounds") == 2
    chart = script_data(html, "coverage-data")
    assert list(zip(chart["names"], chart["rates"], chart["units"], strict=True)) == [
        ("南街街道", 100.0, 1), ("东关街道", 66.7, 6)]
    assert "71.4%" in html  # 5 of 7 households of the county


def test_village_clerk_sees_the_own_village(rounds):
    html = page("village_clerk", OTHER_VILLAGE)
    chart = script_data(html, "coverage-data")
    assert (chart["names"], chart["rates"]) == (["东关社区居民委员会"], [50.0])
    assert "已摸排 1 / 2" in html


def test_survey_cards_keep_at_most_three_rounds_newest_first(tree):
    today = timezone.localdate()
    for n in (3, 0, 4, 1, 2):
        make_round(TOWNSHIP, name=f"第{n}轮", starts_on=today - timedelta(days=n))
    cards = survey_cards(user=make_member("township_officer", TOWNSHIP))
    assert cards.open_rounds == 5
    assert [c.round.name for c in cards.rounds] == ["第0轮", "第1轮", "第2轮"]


def test_no_rounds_no_chart_and_no_echarts(tree):
    html = page("township_officer", TOWNSHIP)
    assert card(html, "open-rounds") == 0
    assert 'id="coverage-data"' not in html and "echarts" not in html


def test_roles_without_surveys_or_hazards_see_neither(rounds):
    html = page("warehouse_keeper", TOWNSHIP)
    assert 'id="count-open-rounds"' not in html and 'id="count-hazards-open"' not in html
    assert survey_cards(user=make_member("charity_organizer", TOWNSHIP)) is None


# --- hazard cards ----------------------------------------------------------------------------------


@pytest.fixture
def hazards(tree):
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())

    def at(day, hour, minute=0):
        return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))

    make_hazard(VILLAGE, state="identified", deadline=today - timedelta(days=1))  # overdue
    make_hazard(VILLAGE, state="rectifying", severity="major", deadline=today - timedelta(days=3))  # overdue, major
    make_hazard(OTHER_VILLAGE, state="rectifying", deadline=today)  # due today: not overdue
    make_hazard(OTHER_VILLAGE, state="verified", severity="major", deadline=today + timedelta(days=2))
    make_hazard(VILLAGE, state="closed", severity="major", deadline=today - timedelta(days=9), closed_at=at(monday, 0, 10))
    make_hazard(VILLAGE, state="closed", deadline=today - timedelta(days=9), closed_at=at(monday - timedelta(days=1), 23, 50))
    make_hazard(NANJIE_VILLAGE, state="identified", severity="major", deadline=today - timedelta(days=5))  # other township
    make_hazard(PINGBA_VILLAGE, state="identified", deadline=today - timedelta(days=5))  # other county
    return today


def test_hazard_cards_of_a_township_officer(hazards):
    html = page("township_officer", TOWNSHIP)
    #                 open overdue major-open closed-this-week
    assert [card(html, n) for n in ("hazards-open", "hazards-overdue", "hazards-major", "hazards-closed-week")] == [4, 2, 2, 1]
    assert 'href="/hazards/?overdue=1"' in html
    assert 'href="/hazards/?severity=major&amp;open=1"' in html
    assert 'href="/hazards/?open=1"' in html and 'href="/hazards/?state=closed"' in html
    states = dict(re.findall(r'data-state="(\w+)">[^<]*?(\d+)</a>', html))
    assert states == {"identified": "1", "rectifying": "2", "verified": "1", "closed": "2"}


def test_hazard_doughnut_data(hazards):
    chart = script_data(page("county_officer", COUNTY), "hazard-data")
    assert [(i["state"], i["name"], i["value"]) for i in chart["items"]] == [
        ("identified", "已发现", 2), ("rectifying", "整改中", 2), ("verified", "已核验", 1), ("closed", "已销号", 2)]


def test_hazard_cards_selector_counts_the_week_from_monday(hazards):
    user = make_member("county_officer", COUNTY)
    cards = hazard_cards(user=user, today=hazards)
    assert (cards.open, cards.overdue, cards.major_open, cards.closed_this_week) == (5, 3, 3, 1)
    next_week = hazards + timedelta(days=7 - hazards.weekday())
    assert hazard_cards(user=user, today=next_week).closed_this_week == 0
    assert hazard_cards(user=user, today=next_week).overdue == 4  # the one due on the first day is now late too


def test_village_clerk_counts_the_own_village_only(hazards):
    cards = hazard_cards(user=make_member("village_clerk", OTHER_VILLAGE), today=hazards)
    assert (cards.open, cards.overdue, cards.major_open, cards.closed_this_week) == (2, 0, 1, 0)


def test_echarts_comes_from_our_static_files(rounds, hazards):
    html = page("township_officer", TOWNSHIP)
    assert '<script src="/static/vendor/echarts/echarts.min.js" defer></script>' in html
    assert '<script src="/static/reports/dashboard.js" defer></script>' in html
    assert not re.search(r"""src\s*=\s*["']?(?:https?:)?//""", html)
    client = Client()
    assert client.get("/static/reports/dashboard.js").status_code == 200


def test_empty_problem_list_draws_no_doughnut(tree):
    html = page("township_officer", TOWNSHIP)
    assert card(html, "hazards-open") == 0
    assert 'id="hazard-data"' not in html

