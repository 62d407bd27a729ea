"""One village of a campaign: the roster with helpers and this week's counts, pairing and changing helpers,
adding and removing households, registering helpers, filing, and the 帮扶责任联系表 xlsx."""

from __future__ import annotations

import io
from datetime import date, datetime, time

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from tests.care.factories import at_local, make_campaign, make_contact, make_entry, make_helper, pair
from tests.factories import make_member
from tests.registry.factories import OTHER_VILLAGE, VILLAGE, make_household
from tests.surveys.html import text_of
from warmwinter.audit.models import Event
from warmwinter.care.models import ContactFormFiling, Helper, HelperAssignment, RosterEntry

pytestmark = pytest.mark.django_db

TOWNSHIP = "520402005000"
NOW = timezone.make_aware(datetime.combine(date(2026, 11, 27), time(15, 0)))  # Friday; the week began Monday 11-23
MONDAY = date(2026, 11, 23)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(tree, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    campaign = make_campaign(TOWNSHIP, name="东关帮扶", filing_deadline=date(2026, 12, 20))
    a = make_household(VILLAGE, members=["张大山", "张小明"], address="金钟社区2组15号", phone="0851-3322110")
    b = make_household(VILLAGE, members=["李秀英"], address="金钟社区3组2号")
    c = make_household(VILLAGE, members=["王五"], address="金钟社区1组8号")
    entry_a = make_entry(campaign, a, categories=["dibao", "empty_nest_elderly"])
    entry_b = make_entry(campaign, b, categories=["wubao"])
    entry_c = make_entry(campaign, c, categories=["disabled"])
    wang = make_helper(VILLAGE, name="王书记", phone="13800000001", kind="two_committees", position="村支书")
    liu = make_helper(VILLAGE, name="刘党员", phone="13800000002", kind="party_member")
    pair(entry_a, wang)
    pair(entry_b, wang)
    pair(entry_c, liu, role="backup")
    for day in (0, 1, 3):  # A: three contacts this week (Mon, Tue, Thu); B: one
        make_contact(a, campaign, at=at_local(MONDAY.replace(day=23 + day)), helper=wang)
    make_contact(b, campaign, at=at_local(MONDAY), helper=wang)
    return {"campaign": campaign, "a": a, "b": b, "c": c, "entry_a": entry_a, "entry_b": entry_b, "entry_c": entry_c,
            "wang": wang, "liu": liu,
            "clerk": make_member("village_clerk", VILLAGE, username="clerk"),
            "helper_user": make_member("helper", VILLAGE, username="helper", display_name="刘党员")}


def page_url(world) -> str:
    return f"/care/{world['campaign'].pk}/villages/{VILLAGE}/"


def test_roster_shows_categories_helpers_weekly_counts_and_highlights_no_helper(world):
    html = client_for(world["clerk"]).get(page_url(world)).content.decode()
    assert "金钟社区居民委员会重点关注对象名册" in html
    assert text_of(html, "card-households") == "名册户数 3"
    assert text_of(html, "card-without-helper") == "未落实帮扶人户数 1"
    assert text_of(html, "card-compliant") == "本周达标户数 1 / 3"
    a = text_of(html, f"entry-{world['entry_a'].pk}")
    assert "张大山" in a and "低保、空巢/独居老人" in a and "每周 3 次" in a
    assert "本周已联系 3 / 3 次 达标" in a and "帮扶责任人： 王书记" in a
    b = text_of(html, f"entry-{world['entry_b'].pk}")
    assert "本周已联系 1 / 3 次 未达标" in b
    c = text_of(html, f"entry-{world['entry_c'].pk}")
    assert "未落实帮扶责任人" in c and "备用：刘党员" in c and "未达标" in c
    assert f'class="subject-item care-entry care-noncompliant" id="entry-{world["entry_c"].pk}"' in html
    assert f'class="subject-item care-entry" id="entry-{world["entry_a"].pk}"' in html


def test_helpers_show_their_households_and_pairing_mode(world):
    html = client_for(world["clerk"]).get(page_url(world)).content.decode()
    wang = text_of(html, f"helper-{world['wang'].pk}")
    assert "王书记" in wang and "村两委成员" in wang and "村支书" in wang and "一帮多" in wang
    assert "帮扶 2 户：张大山、李秀英" in wang
    assert 'href="tel:13800000001"' in html
    liu = text_of(html, f"helper-{world['liu'].pk}")
    assert "帮扶 0 户" in liu and "备用：王五" in liu and "一帮" not in liu


def test_assign_pairs_and_changes_the_primary_helper(world):
    client = client_for(world["clerk"])
    entry_c = world["entry_c"]
    response = client.post(f"/care/entries/{entry_c.pk}/assign", {"helper": world["wang"].pk, "role": "primary"}, follow=True)
    assert response.redirect_chain[-1][0] == page_url(world) + f"#entry-{entry_c.pk}"
    assert "已安排 王书记 为主帮扶人。" in response.content.decode()
    assert HelperAssignment.objects.get(entry=entry_c, role="primary", active=True).helper == world["wang"]
    # Change A's primary from 王书记 to 刘党员: the old pairing ends.
    client.post(f"/care/entries/{world['entry_a'].pk}/assign", {"helper": world["liu"].pk, "role": "primary"})
    assert list(HelperAssignment.objects.filter(entry=world["entry_a"], active=True).values_list("helper__name", flat=True)) == ["刘党员"]
    assert Event.objects.filter(action="helper.assign").count() == 2


def test_assign_refuses_a_helper_of_another_village(world):
    stranger = make_helper(OTHER_VILLAGE, name="外村人")
    response = client_for(world["clerk"]).post(f"/care/entries/{world['entry_c'].pk}/assign",
                                               {"helper": stranger.pk, "role": "primary"}, follow=True)
    assert '<li class="error">帮扶责任人：选择一个有效的选项' in response.content.decode()
    assert not HelperAssignment.objects.filter(entry=world["entry_c"], role="primary").exists()


def test_remove_needs_a_reason(world):
    client = client_for(world["clerk"])
    entry = world["entry_b"]
    response = client.post(f"/care/entries/{entry.pk}/remove", {"reason": ""}, follow=True)
    assert '<li class="error">理由：该字段是必填项。</li>' in response.content.decode()
    entry.refresh_from_db()
    assert entry.active
    client.post(f"/care/entries/{entry.pk}/remove", {"reason": "已迁往城区子女家"})
    entry.refresh_from_db()
    assert (entry.active, entry.removed_reason) == (False, "已迁往城区子女家")
    assert not HelperAssignment.objects.filter(entry=entry, active=True).exists()
    html = client.get(page_url(world)).content.decode()
    assert f'id="entry-{entry.pk}"' not in html and text_of(html, "card-households") == "名册户数 2"


def test_add_by_hand_searches_the_village_and_needs_a_reason(world):
    newcomer = make_household(VILLAGE, members=["陈独居"], address="金钟社区5组1号")
    make_household(OTHER_VILLAGE, members=["陈外村"])
    client = client_for(world["clerk"])
    html = client.get(page_url(world) + "?q=陈").content.decode()
    found = text_of(html, "candidates")
    assert "陈独居" in found and "陈外村" not in found
    assert text_of(client.get(page_url(world) + "?q=张").content.decode(), "candidates") == "没有找到不在名册中的本村家庭。"
    response = client.post(f"/care/{world['campaign'].pk}/villages/{VILLAGE}/add", {"household": newcomer.pk, "reason": "独居老人，子女在外"},
                           follow=True)
    assert "已将该户纳入名册。" in response.content.decode()
    entry = RosterEntry.objects.get(household=newcomer)
    assert (entry.source, entry.reason, entry.active) == ("manual", "独居老人，子女在外", True)
    assert "人工添加" in text_of(response.content.decode(), f"entry-{entry.pk}")


def test_add_refuses_a_household_of_another_village(world):
    outsider = make_household(OTHER_VILLAGE, members=["陈外村"])
    response = client_for(world["clerk"]).post(f"/care/{world['campaign'].pk}/villages/{VILLAGE}/add",
                                               {"household": outsider.pk, "reason": "试试"}, follow=True)
    assert "请在本村（社区）的家庭中选择。" in response.content.decode()
    assert not RosterEntry.objects.filter(household=outsider).exists()


def test_register_helper_with_a_helper_user(world):
    client = client_for(world["clerk"])
    html = client.get(page_url(world)).content.decode()
    assert f'<option value="{world["helper_user"].pk}">刘党员（helper）</option>' in html
    response = client.post(f"/care/{world['campaign'].pk}/villages/{VILLAGE}/helpers", {
        "name": "赵主任", "phone": "13900000003", "kind": "cadre", "position": "包村干部", "user": world["helper_user"].pk}, follow=True)
    assert "已登记帮扶责任人 赵主任。" in response.content.decode()
    helper = Helper.objects.get(name="赵主任")
    assert (helper.region_id, helper.kind, helper.user) == (VILLAGE, "cadre", world["helper_user"])
    again = client.post(f"/care/{world['campaign'].pk}/villages/{VILLAGE}/helpers",
                        {"name": "赵主任", "phone": "13900000003", "kind": "cadre"}, follow=True)
    assert "本村已有同名同电话的帮扶责任人。" in again.content.decode()
    assert Helper.objects.filter(name="赵主任").count() == 1


def test_filing_on_time_and_late(world):
    client = client_for(world["clerk"])
    response = client.post(f"/care/{world['campaign'].pk}/villages/{VILLAGE}/file", follow=True)
    assert "已备案（3 户）。" in response.content.decode()
    assert "已备案 11-27" in text_of(response.content.decode(), "filing")
    filing = ContactFormFiling.objects.get(campaign=world["campaign"], region_id=VILLAGE)
    assert (filing.late, filing.households) == (False, 3)
    type(world["campaign"]).objects.filter(pk=world["campaign"].pk).update(filing_deadline=date(2026, 11, 26))
    response = client.post(f"/care/{world['campaign'].pk}/villages/{VILLAGE}/file", follow=True)
    assert "已过备案截止日期，记为逾期备案" in response.content.decode()
    assert ContactFormFiling.objects.get(pk=filing.pk).late


def test_helpers_may_not_change_the_roster_or_file(world):
    helper = client_for(world["helper_user"])
    html = helper.get(page_url(world)).content.decode()
    assert "调整帮扶人" not in html and "报送备案" not in html and "下载帮扶责任联系表" not in html
    assert helper.post(f"/care/entries/{world['entry_c'].pk}/assign", {"helper": world["wang"].pk, "role": "primary"}).status_code == 403
    assert helper.post(f"/care/entries/{world['entry_c'].pk}/remove", {"reason": "x"}).status_code == 403
    assert helper.post(f"/care/{world['campaign'].pk}/villages/{VILLAGE}/file").status_code == 403
    assert helper.get(f"/care/{world['campaign'].pk}/villages/{VILLAGE}/contact-form.xlsx").status_code == 403
    other_clerk = client_for(make_member("village_clerk", OTHER_VILLAGE, username="other_clerk"))
    assert other_clerk.post(f"/care/entries/{world['entry_c'].pk}/assign", {"helper": world["wang"].pk}).status_code == 404
    assert other_clerk.post(f"/care/{world['campaign'].pk}/villages/{VILLAGE}/file").status_code == 404


def test_a_township_code_leads_to_the_campaign_overview(world):
    officer = client_for(make_member("township_officer", TOWNSHIP, username="officer"))
    response = officer.get(f"/care/{world['campaign'].pk}/villages/{TOWNSHIP}/")
    assert response.status_code == 302 and response["Location"] == f"/care/{world['campaign'].pk}/"


def test_contact_form_xlsx(world):
    response = client_for(world["clerk"]).get(f"/care/{world['campaign'].pk}/villages/{VILLAGE}/contact-form.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "金钟社区居民委员会帮扶责任联系表"
    assert rows[1][0].startswith("乡镇（街道）：东关街道　村（社区）：金钟社区居民委员会　备案截止：2026-12-20")
    assert rows[2] == ("序号", "重点关注对象", "类别", "家庭住址", "联系电话", "帮扶责任人", "身份", "职务", "联系电话", "结对方式", "备用帮扶人")
    assert rows[3] == (1, "张大山", "低保、空巢/独居老人", "金钟社区2组15号", "0851-3322110", "王书记", "村两委成员", "村支书", "13800000001", "一帮多", None)
    assert rows[4] == (2, "李秀英", "五保", "金钟社区3组2号", None, "王书记", "村两委成员", "村支书", "13800000001", "一帮多", None)
    assert rows[5] == (3, "王五", "残疾人", "金钟社区1组8号", None, None, None, None, None, None, "刘党员")
    assert len(rows) == 6
    event = Event.objects.get(action="care.export")
    assert event.region_code == VILLAGE


def test_one_helper_one_household_is_one_to_one(world):
    client = client_for(world["clerk"])
    client.post(f"/care/entries/{world['entry_c'].pk}/assign", {"helper": world["liu"].pk, "role": "primary"})
    response = client.get(f"/care/{world['campaign'].pk}/villages/{VILLAGE}/contact-form.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert rows[5][5:] == ("刘党员", "党员", None, "13800000002", "一帮一", None)
