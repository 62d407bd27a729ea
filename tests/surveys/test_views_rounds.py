"""Round pages through the test client: the list, a new round, the coverage dashboard, closing it.

The figures are counted by hand from the data each test builds:
金钟社区 (VILLAGE) 3 households of 2 + 1 + 2 persons, 2 surveyed (2 and 1 persons seen, the second late);
东关社区 (OTHER_VILLAGE) 1 household of 1 person, not surveyed. So 东关街道 has 2 / 4 households (50.0 %),
3 / 6 persons (50.0 %), 1 on time and 1 late; 金钟社区 alone 2 / 3 (66.7 %), 3 / 5 persons (60.0 %).
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import make_member
from tests.surveys.html import text_of
from tests.registry.factories import OTHER_VILLAGE, VILLAGE, make_household
from tests.surveys.factories import TOWNSHIP, make_hazard, make_response, make_round
from warmwinter.surveys.models import SurveyRound, SurveyTemplate

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def card(html: str, element_id: str) -> str:
    return text_of(html, element_id)


@pytest.fixture
def world(tree):
    homes = [make_household(VILLAGE, members=["张一", "张二"]), make_household(VILLAGE, members=["李一"]),
             make_household(VILLAGE, members=["王一", "王二"])]
    make_household(OTHER_VILLAGE, members=["赵一"])
    round_ = make_round(TOWNSHIP, name="冬季六项检查")
    first = make_response(round_, household=homes[0], persons_covered=2)
    make_response(round_, household=homes[1], persons_covered=1, late=True)
    return {"round": round_, "homes": homes, "first": first,
            "township": make_member("township_officer", TOWNSHIP, username="town"),
            "clerk": make_member("village_clerk", VILLAGE, username="clerk"),
            "helper": make_member("helper", VILLAGE, username="helper")}


def test_dashboard_shows_township_figures_counted_by_hand(world):
    html = client_for(world["township"]).get(f"/surveys/{world['round'].pk}/").content.decode()
    assert card(html, "card-units") == "已摸排户数 / 在册户数 2 / 4 50.0%"
    assert card(html, "card-persons") == "见到人数 / 在册人数 3 / 6 50.0%"
    assert card(html, "card-on-time") == "按时 / 逾期提交 1 / 1 按时率 50.0%"
    assert card(html, "card-villages") == "已摸排完成的村（社区） 0 / 2"
    village_row = text_of(html, f"village-{VILLAGE}")
    assert village_row == "金钟社区居民委员会 2 / 3 66.7% 3 / 5 未完成"
    assert text_of(html, f"village-{OTHER_VILLAGE}") == "东关社区居民委员会 0 / 1 0.0% 0 / 1 未完成"
    # The chart's data travel in a json_script, one bar per village of the township.
    data = json.loads(re.search(r'<script id="coverage-data" type="application/json">(.*?)</script>', html, re.S)[1])
    assert data["names"] == ["金钟社区", "东关社区"]  # short enough for a phone's axis
    assert data["series"][0]["data"] == [66.7, 0.0]
    assert data["series"][1]["data"] == [60.0, 0.0]
    assert "vendor/echarts/echarts.min.js" in html


def test_drill_down_to_a_village_and_village_complete_mark(world):
    client = client_for(world["township"])
    html = client.get(f"/surveys/{world['round'].pk}/?region={VILLAGE}").content.decode()
    assert card(html, "card-units") == "已摸排户数 / 在册户数 2 / 3 66.7%"
    assert card(html, "card-persons") == "见到人数 / 在册人数 3 / 5 60.0%"
    assert f"/surveys/{world['round'].pk}/villages/{VILLAGE}/" in html
    make_response(world["round"], household=world["homes"][2])
    html = client.get(f"/surveys/{world['round'].pk}/").content.decode()
    assert "✓ 已完成" in text_of(html, f"village-{VILLAGE}")
    assert card(html, "card-villages") == "已摸排完成的村（社区） 1 / 2"


def test_village_clerk_sees_own_village_by_default_and_nothing_next_door(world):
    client = client_for(world["clerk"])
    html = client.get(f"/surveys/{world['round'].pk}/").content.decode()
    assert card(html, "card-units") == "已摸排户数 / 在册户数 2 / 3 66.7%"
    assert "东关社区居民委员会" not in html
    assert client.get(f"/surveys/{world['round'].pk}/?region={OTHER_VILLAGE}").status_code == 404
    assert client.get(f"/surveys/{world['round'].pk}/?region=bogus").status_code == 404


def test_hazard_figures_of_the_round(world):
    now = timezone.now()
    today = timezone.localdate()
    home = world["homes"][0]
    make_hazard(household=home, response=world["first"], rule="a", state="closed", closed_at=now, deadline=today + timedelta(days=3))
    make_hazard(household=home, response=world["first"], rule="b", deadline=today - timedelta(days=1))
    make_hazard(household=home, rule="", deadline=today - timedelta(days=1))  # not found by this round
    html = client_for(world["township"]).get(f"/surveys/{world['round'].pk}/").content.decode()
    assert card(html, "card-found") == "发现问题 2"
    assert card(html, "card-closed") == "已销号 1"
    assert card(html, "card-rectification") == "整改率 50.0%"
    assert card(html, "card-closed-on-time") == "按期销号 1 100.0%"
    assert card(html, "card-overdue") == "逾期未销号 1"
    assert f'href="/hazards/?round={world["round"].pk}&amp;region={TOWNSHIP}" id="hazard-list-link"' in html


def test_round_list_shows_window_deadline_and_coverage(world):
    SurveyRound.objects.filter(pk=world["round"].pk).update(report_deadline=timezone.make_aware(timezone.datetime(2026, 11, 8, 12, 0)))
    html = client_for(world["township"]).get("/surveys/").content.decode()
    item = text_of(html, f"round-{world['round'].pk}")
    assert "冬季六项检查" in item and "进行中" in item
    assert "报送截止 11-08 12:00" in item
    assert "2 / 4 50.0%" in item
    assert "发起摸排" in html
    clerk_html = client_for(world["clerk"]).get("/surveys/").content.decode()
    assert "金钟社区居民委员会 2 / 3 66.7%" in text_of(clerk_html, f"round-{world['round'].pk}")
    assert "发起摸排" not in clerk_html


def test_township_officer_starts_a_round(world):
    client = client_for(world["township"])
    response = client.post("/surveys/new/", {
        "template": SurveyTemplate.objects.get(code="p6-visit-checklist").pk, "region": TOWNSHIP, "name": "节前走访",
        "starts_on": "2026-12-01", "ends_on": "2026-12-10", "report_deadline": "2026-12-08T12:00",
    })
    round_ = SurveyRound.objects.get(name="节前走访")
    assert response.status_code == 302 and response["Location"] == f"/surveys/{round_.pk}/"
    assert round_.region_id == TOWNSHIP and round_.ends_on == date(2026, 12, 10)
    assert timezone.localtime(round_.report_deadline).strftime("%m-%d %H:%M") == "12-08 12:00"


def test_new_round_errors_are_shown_on_the_form(world):
    client = client_for(world["township"])
    template = SurveyTemplate.objects.get(code="p6-visit-checklist")
    html = client.post("/surveys/new/", {"template": template.pk, "region": TOWNSHIP, "starts_on": "2026-12-10",
                                         "ends_on": "2026-12-01"}).content.decode()
    assert "结束日期不能早于开始日期。" in html
    html = client.post("/surveys/new/", {"template": template.pk, "region": "520402001000", "starts_on": "2026-12-01",
                                         "ends_on": "2026-12-10"}).content.decode()
    assert "选择一个有效的选项" in html  # 南街街道 is not among the officer's regions
    assert not SurveyRound.objects.exclude(pk=world["round"].pk).exists()


def test_template_thresholds_are_offered_and_kept(world):
    coal = SurveyTemplate.objects.create(
        code="t-coal", name="存煤摸排", name_en="Coal", params={"coal_days_min": 15},
        questions=[{"key": "coal_days", "type": "number", "label": "存煤可用天数", "label_en": "Coal days"}],
        rules=[{"key": "coal", "when": {"q": "coal_days", "op": "lt", "param": "coal_days_min"}, "category": "coal_low",
                "title": "储煤不足", "title_en": "Low coal"}],
    )
    client = client_for(world["township"])
    page = client.get("/surveys/new/").content.decode()
    box = re.search(r'<input[^>]*name="param_coal_days_min"[^>]*>', page)[0]
    assert str(coal.pk) in re.search(r'data-templates="([^"]*)"', box)[1].split()
    assert text_of(page, "round-params").startswith("规则参数（选填） 存煤至少可用天数（天）")
    form = {"template": coal.pk, "region": TOWNSHIP, "starts_on": "2026-12-01", "ends_on": "2026-12-10"}
    assert "请填数字" in client.post("/surveys/new/", {**form, "param_coal_days_min": "二十"}).content.decode()
    client.post("/surveys/new/", {**form, "name": "存煤", "param_coal_days_min": "20"})
    assert SurveyRound.objects.get(name="存煤").params == {"coal_days_min": 20}


def test_helper_cannot_start_rounds_and_supervisor_cannot_close_them(world):
    helper = client_for(world["helper"])
    assert helper.get("/surveys/new/").status_code == 404  # no role of theirs ever may: the same 404 as out of scope
    assert helper.post(f"/surveys/{world['round'].pk}/close/").status_code == 404  # the township is above the helper
    supervisor = client_for(make_member("supervisor", "520402000000", username="sup"))
    assert supervisor.get(f"/surveys/{world['round'].pk}/").status_code == 200
    assert supervisor.post(f"/surveys/{world['round'].pk}/close/").status_code == 403  # in scope, role not allowed
    assert SurveyRound.objects.get(pk=world["round"].pk).status == "open"


def test_township_officer_closes_the_round(world):
    client = client_for(world["township"])
    assert "结束本次摸排" in client.get(f"/surveys/{world['round'].pk}/").content.decode()
    assert client.get(f"/surveys/{world['round'].pk}/close/").status_code == 405
    response = client.post(f"/surveys/{world['round'].pk}/close/", follow=True)
    assert "已结束摸排“冬季六项检查”" in response.content.decode()
    assert SurveyRound.objects.get(pk=world["round"].pk).status == "closed"
    assert "结束本次摸排" not in response.content.decode()


def test_village_page_lists_who_is_left_with_a_button_each(world):
    client = client_for(world["clerk"])
    round_id = world["round"].pk
    html = client.get(f"/surveys/{round_id}/villages/{VILLAGE}/").content.decode()
    missing = text_of(html, "missing-count")
    assert missing == "1"
    assert "王一" in html and f'href="/surveys/{round_id}/households/{world["homes"][2].pk}/">去摸排' in html
    assert text_of(html, "done-count") == "2"
    assert "张一" in html and "李一" in html
    assert client.get(f"/surveys/{round_id}/villages/{OTHER_VILLAGE}/").status_code == 404
    # Above a village the page sends you to the dashboard that lists the villages.
    township = client_for(world["township"]).get(f"/surveys/{round_id}/villages/{TOWNSHIP}/")
    assert township.status_code == 302 and township["Location"] == f"/surveys/{round_id}/?region={TOWNSHIP}"


def test_export_link_only_when_the_export_page_exists(world):
    from warmwinter.surveys.views.common import url_or_none

    html = client_for(world["township"]).get(f"/surveys/{world['round'].pk}/").content.decode()
    exists = url_or_none("surveys:round_export", round_id=world["round"].pk)
    assert ('id="export-link"' in html) == (exists is not None)
    if exists:
        assert f'href="{exists}"' in html


def test_leaflet_and_education_rates_when_the_template_asks_them(tree):
    seven = SurveyTemplate.objects.create(code="t-p7", name="需求与隐患", name_en="Needs", questions=[
        {"key": "leaflet_given", "type": "yesno", "label": "明白纸已发放", "label_en": "Leaflet"},
        {"key": "education_given", "type": "yesno", "label": "已面对面安全教育", "label_en": "Education"}])
    round_ = make_round(TOWNSHIP, name="明白纸")
    SurveyRound.objects.filter(pk=round_.pk).update(template=seven)
    round_.refresh_from_db()
    homes = [make_household(VILLAGE, members=[f"户{i}"]) for i in range(4)]
    for home, leaflet, education in zip(homes, (True, True, False), (True, False, None), strict=False):
        make_response(round_, household=home, answers={}, leaflet_given=leaflet, education_given=education)
    client = client_for(make_member("township_officer", TOWNSHIP, username="town"))
    html = client.get(f"/surveys/{round_.pk}/").content.decode()
    assert card(html, "card-leaflets") == "明白纸发放率 50.0% 2 / 4"  # 2 of the 4 households, not of the 3 surveyed
    assert card(html, "card-education") == "面对面安全教育率 25.0% 1 / 4"
    p6 = make_round(TOWNSHIP, name="六项")
    assert 'id="card-leaflets"' not in client.get(f"/surveys/{p6.pk}/").content.decode()
