"""Assignments, the unit report, 四不两直 spot checks and the template pages, through the test client."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import make_member
from tests.registry.factories import OTHER_VILLAGE, VILLAGE, make_household
from tests.surveys.factories import COUNTY, GOOD_P6, TOWNSHIP, make_response, make_round
from tests.surveys.html import text_of
from warmwinter.surveys.models import SpotCheck, SpotCheckItem, SurveyAssignment, SurveyResponse, SurveyRound, SurveyTemplate, UnitReport

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(tree):
    homes = [make_household(VILLAGE, members=[name]) for name in ("张一", "李二", "王三")]
    round_ = make_round(TOWNSHIP, name="六项检查")
    for home in homes[:2]:
        make_response(round_, household=home)
    return {"round": round_, "homes": homes,
            "township": make_member("township_officer", TOWNSHIP, username="town", display_name="乡镇干部"),
            "clerk": make_member("village_clerk", VILLAGE, username="clerk", display_name="金钟协理员"),
            "helper": make_member("helper", VILLAGE, username="helper", display_name="帮扶人")}


# --- assignments ------------------------------------------------------------------------------


def test_township_officer_assigns_a_village_and_the_clerk_sees_what_is_left(world):
    town = client_for(world["township"])
    page = town.get(f"/surveys/{world['round'].pk}/assignments/?village={VILLAGE}").content.decode()
    assert 'id="assign-form"' in page and "金钟协理员" in page and "帮扶人" in page
    response = town.post(f"/surveys/{world['round'].pk}/assignments/", {"village": VILLAGE, "surveyor": world["clerk"].pk})
    assert response.status_code == 302
    assert SurveyAssignment.objects.get().household is None
    mine = client_for(world["clerk"]).get("/surveys/mine/").content.decode()
    row = text_of(mine, "assignments")
    assert "六项检查" in row and "金钟社区居民委员会" in row and "整村" in row
    assert "还剩 1 户未摸排（共 3 户）" in row
    assert f'href="/surveys/{world["round"].pk}/villages/{VILLAGE}/"' in mine


def test_assign_some_households_to_a_helper(world):
    town = client_for(world["township"])
    town.post(f"/surveys/{world['round'].pk}/assignments/", {
        "village": VILLAGE, "surveyor": world["helper"].pk, "households": [world["homes"][1].pk, world["homes"][2].pk]})
    assert SurveyAssignment.objects.filter(surveyor=world["helper"]).count() == 2
    mine = text_of(client_for(world["helper"]).get("/surveys/mine/").content.decode(), "assignments")
    assert "指定 2 户" in mine and "还剩 1 户未摸排（共 2 户）" in mine and "✓ 李二" in mine
    listing = text_of(town.get(f"/surveys/{world['round'].pk}/assignments/").content.decode(), "assignments")
    assert "帮扶人" in listing and "指定 2 户" in listing


def test_only_managers_assign_and_only_people_who_may_answer_there(world):
    assert client_for(world["helper"]).get(f"/surveys/{world['round'].pk}/assignments/").status_code == 404
    outsider = make_member("village_clerk", OTHER_VILLAGE, username="next_door", display_name="东关协理员")
    town = client_for(world["township"])
    page = town.get(f"/surveys/{world['round'].pk}/assignments/?village={VILLAGE}").content.decode()
    assert "东关协理员" not in page  # answers next door, not in 金钟社区
    html = town.post(f"/surveys/{world['round'].pk}/assignments/", {"village": VILLAGE, "surveyor": outsider.pk}).content.decode()
    assert "选择一个有效的选项" in html
    assert not SurveyAssignment.objects.exists()


# --- unit report ------------------------------------------------------------------------------


def test_unit_report_on_time_then_listed(world):
    SurveyRound.objects.filter(pk=world["round"].pk).update(report_deadline=timezone.now() + timedelta(hours=3))
    town = client_for(world["township"])
    page = town.get(f"/surveys/{world['round'].pk}/report/").content.decode()
    for label in ("现状", "问题", "对策", "建议"):
        assert f">{label}" in page
    assert "尚未报送：东关街道" in text_of(page, "waiting")
    town.post(f"/surveys/{world['round'].pk}/report/", {"region": TOWNSHIP, "situation": "已摸排 2 户", "problems": "1 户未见到",
                                                        "measures": "明日补访"})
    report = UnitReport.objects.get()
    assert (report.region_id, report.late, report.measures) == (TOWNSHIP, False, "明日补访")
    html = town.get(f"/surveys/{world['round'].pk}/report/").content.decode()
    assert "按时报送" in text_of(html, f"report-{TOWNSHIP}")
    assert text_of(html, "report-counts") == "按时 1 · 逾期 0"
    assert 'id="waiting"' not in html


def test_late_report_and_missing_sections(world):
    SurveyRound.objects.filter(pk=world["round"].pk).update(report_deadline=timezone.now() - timedelta(minutes=1))
    town = client_for(world["township"])
    html = town.post(f"/surveys/{world['round'].pk}/report/", {"region": TOWNSHIP, "situation": "有", "problems": ""}).content.decode()
    assert not UnitReport.objects.exists()
    assert html.count("该字段是必填项。") == 2  # 问题 and 对策
    response = town.post(f"/surveys/{world['round'].pk}/report/", {"region": TOWNSHIP, "situation": "有", "problems": "无",
                                                                   "measures": "无"}, follow=True)
    assert "已报送，但已超过截止时间，记为逾期报送。" in response.content.decode()
    assert "逾期报送" in text_of(response.content.decode(), f"report-{TOWNSHIP}")


def test_report_sections_come_from_the_template(world):
    sections = SurveyTemplate.objects.create(code="t-report", name="报告表", name_en="Report", report_sections=[
        {"key": "situation", "label": "供暖现状", "label_en": "Heating now"}, "存在问题", "工作对策", "意见建议"],
        questions=[{"key": "x", "type": "text", "label": "x", "label_en": "x"}])
    round_ = make_round(TOWNSHIP, name="供暖摸底")
    SurveyRound.objects.filter(pk=round_.pk).update(template=sections)
    page = client_for(world["township"]).get(f"/surveys/{round_.pk}/report/").content.decode()
    for field, label in (("situation", "供暖现状"), ("problems", "存在问题"), ("measures", "工作对策"), ("suggestions", "意见建议")):
        assert f'<label for="id_{field}">{label}' in page


def test_clerk_reads_reports_but_has_no_form(world):
    html = client_for(world["clerk"]).get(f"/surveys/{world['round'].pk}/report/").content.decode()
    assert 'id="report-form"' not in html and "摸排情况报告" in html


# --- spot checks ------------------------------------------------------------------------------


def test_spot_check_draw_fresh_form_and_mismatches(world):
    county = make_member("county_officer", COUNTY, username="county")
    client = client_for(county)
    page = client.get(f"/surveys/{world['round'].pk}/spot-checks/new/").content.decode()
    assert f'value="{TOWNSHIP}"' in page
    assert "样本量应为 1 到 2" in client.post(f"/surveys/{world['round'].pk}/spot-checks/new/", {"region": TOWNSHIP, "size": 3}).content.decode()
    response = client.post(f"/surveys/{world['round'].pk}/spot-checks/new/", {"region": TOWNSHIP, "size": 1})
    check = SpotCheck.objects.get()
    assert response["Location"] == f"/surveys/spot-checks/{check.pk}/"
    item = SpotCheckItem.objects.get()
    detail = client.get(f"/surveys/spot-checks/{check.pk}/").content.decode()
    assert "待暗访" in text_of(detail, f"item-{item.pk}")

    form = client.get(f"/surveys/spot-checks/items/{item.pk}/").content.decode()
    assert not re.search(r'name="q_[a-z_]+" value="[^"]*"[^>]*checked', form)  # 四不两直: nothing pre-filled
    data = {f"q_{k}": ("true" if v else "false") if isinstance(v, bool) else v for k, v in GOOD_P6.items()}
    data.update({"q_housing": "dangerous", "q_water_ok": "false", "client_id": re.search(r'name="client_id" value="(\w+)"', form)[1]})
    first = client.post(f"/surveys/spot-checks/items/{item.pk}/", data)
    second = client.post(f"/surveys/spot-checks/items/{item.pk}/", data)
    assert first.status_code == second.status_code == 302
    assert SurveyResponse.objects.filter(kind="spot_check").count() == 1
    result = client.get(f"/surveys/spot-checks/items/{item.pk}/").content.decode()
    assert text_of(result, "mismatch-housing") == "住房状况 安全 危房"
    assert text_of(result, "mismatch-water_ok") == "饮水正常（保温、错时、定点供水） 是 否"
    assert "住房为危房" in text_of(result, "hazards")
    detail = client.get(f"/surveys/spot-checks/{check.pk}/").content.decode()
    assert "2 项不一致" in text_of(detail, f"item-{item.pk}")
    assert text_of(detail, "check-facts").startswith("样本 1 · 已暗访 1 · 与原摸排不一致 1")


def test_spot_checks_are_for_inspectors_only(world):
    check = SpotCheck.objects.create(round=world["round"], region_id=TOWNSHIP, size=1, seed=1)
    item = SpotCheckItem.objects.create(spot_check=check, original=SurveyResponse.objects.first(), region_id=VILLAGE)
    town = client_for(world["township"])
    assert town.get(f"/surveys/{world['round'].pk}/spot-checks/new/").status_code == 404  # never runs spot checks
    assert town.get(f"/surveys/spot-checks/{check.pk}/").status_code == 403  # in scope, not an inspector
    assert town.get(f"/surveys/spot-checks/items/{item.pk}/").status_code == 403
    assert client_for(world["clerk"]).get(f"/surveys/spot-checks/{check.pk}/").status_code == 404  # drawn above the village
    supervisor = client_for(make_member("supervisor", COUNTY, username="sup"))
    assert supervisor.get(f"/surveys/spot-checks/items/{item.pk}/").status_code == 200


# --- templates and one answer sheet -----------------------------------------------------------


def test_template_pages_show_questions_and_rules(world):
    client = client_for(world["clerk"])
    template = SurveyTemplate.objects.get(code="p6-visit-checklist")
    listing = client.get("/surveys/templates/").content.decode()
    assert "重点关注对象入户走访六项检查表" in listing
    html = client.get(f"/surveys/templates/{template.pk}/").content.decode()
    assert text_of(html, "q-housing").startswith("住房状况 * 摸底表列：住房状况 单选 安全、老旧、危房、漏雨漏风")
    assert text_of(html, "rule-house_dangerous") == "住房为危房 重大 「住房状况」 = 危房 危房/漏雨"
    assert text_of(html, "rule-wiring") == "电力设施或线路存在隐患 「电力设施和线路安全」 为“否” 电气线路老化破损"
    assert text_of(html, "rule-assistance_homeless").startswith("发现流浪乞讨人员需救助 「需要临时救助的情形」 包含 流浪乞讨人员街面巡查救助")
    assert client.get("/surveys/templates/987654/").status_code == 404
    assert client_for(make_member("warehouse_keeper", VILLAGE, username="wh")).get("/surveys/templates/").status_code == 404


def test_answer_sheet_page_out_of_scope_is_404(world):
    sheet = SurveyResponse.objects.first()
    assert client_for(world["clerk"]).get(f"/surveys/responses/{sheet.pk}/").status_code == 200
    next_door = make_member("village_clerk", OTHER_VILLAGE, username="next_door")
    assert client_for(next_door).get(f"/surveys/responses/{sheet.pk}/").status_code == 404
    assert client_for(next_door).get(f"/surveys/responses/{sheet.pk}/photo/?q=photo").status_code == 404
