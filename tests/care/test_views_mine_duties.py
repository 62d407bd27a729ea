"""A helper's own households (this week, due today, open warning visits) and the warning visit duties."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.care.factories import at_local, make_alert, make_campaign, make_contact, make_entry, make_helper, pair
from tests.factories import make_member
from tests.registry.factories import NANJIE_VILLAGE, OTHER_VILLAGE, VILLAGE, make_household
from tests.surveys.html import text_of
from warmwinter.care.models import VisitDuty

pytestmark = pytest.mark.django_db

TOWNSHIP = "520402005000"
NOW = timezone.make_aware(datetime.combine(date(2026, 11, 27), time(15, 0)))  # Friday: Fri, Sat, Sun left this week
MONDAY = date(2026, 11, 23)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(tree, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    campaign = make_campaign(TOWNSHIP, name="东关帮扶")
    user = make_member("helper", VILLAGE, username="wang", display_name="王书记")
    wang = make_helper(VILLAGE, name="王书记", user=user)
    other = make_helper(VILLAGE, name="刘党员")
    names = ("张大山", "李秀英", "王五", "赵六", "钱七")
    homes = {n: make_household(VILLAGE, members=[n]) for n in names}
    entries = {n: make_entry(campaign, homes[n], daily=(n == "王五")) for n in names}
    for n in ("张大山", "李秀英", "王五"):
        pair(entries[n], wang)
    pair(entries["赵六"], other)
    pair(entries["赵六"], wang, role="backup")
    pair(entries["钱七"], other)  # not theirs
    # 张大山: three contacts (met); 李秀英: none (3 left, 3 days left: due); 王五 (daily): contacted Mon–Thu, not today.
    for day in range(3):
        make_contact(homes["张大山"], campaign, at=at_local(MONDAY + timedelta(days=day)), helper=wang)
    for day in range(4):
        make_contact(homes["王五"], campaign, at=at_local(MONDAY + timedelta(days=day)), helper=wang)
    alert = make_alert([TOWNSHIP], onset=NOW - timedelta(hours=3), headline="东关寒潮预警")
    duty = VisitDuty.objects.create(alert=alert, campaign=campaign, household=homes["赵六"], region_id=VILLAGE,
                                    issued_at=NOW - timedelta(hours=3), due_by=NOW + timedelta(hours=21))
    return {"campaign": campaign, "user": user, "homes": homes, "entries": entries, "alert": alert, "duty": duty, "wang": wang}


def test_mine_lists_the_helpers_households_with_the_week_and_what_is_due(world):
    html = client_for(world["user"]).get("/care/mine/").content.decode()
    mine = text_of(html, f"mine-{world['campaign'].pk}")
    assert "钱七" not in mine
    e = world["entries"]
    assert "本周 3 / 3 次 达标" in text_of(html, f"mine-entry-{e['张大山'].pk}")
    li = text_of(html, f"mine-entry-{e['李秀英'].pk}")
    assert "本周 0 / 3 次 未达标" in li and "本周还差 3 次，今天须联系" in li
    wu = text_of(html, f"mine-entry-{e['王五'].pk}")
    assert "每日联系：今天还没有联系" in wu and "每日联系 · 每周 3 次" in wu
    zhao = text_of(html, f"mine-entry-{e['赵六'].pk}")
    assert "备用" in zhao and "预警后须在 11-28 12:00 前入户走访" in zhao
    assert f'href="/care/contact/{world["homes"]["李秀英"].pk}/?campaign={world["campaign"].pk}"' in html
    # Due ones first (a warning visit before the rest), the one with nothing due last.
    order = [html.index(f'id="mine-entry-{e[n].pk}"') for n in ("赵六", "李秀英", "王五", "张大山")]
    assert order == sorted(order)


def test_mine_without_a_helper_record_says_so(world):
    clerk = make_member("village_clerk", VILLAGE, username="clerk")
    assert "您还没有登记为帮扶责任人" in text_of(client_for(clerk).get("/care/mine/").content.decode(), "not-a-helper")
    organizer = make_member("charity_organizer", TOWNSHIP, username="charity")
    assert client_for(organizer).get("/care/mine/").status_code == 404


def test_duty_list_filters_and_shows_due_time_and_the_fulfilling_contact(world):
    homes = world["homes"]
    done_contact = make_contact(homes["钱七"], world["campaign"], at=NOW - timedelta(hours=1), channel="visit")
    done = VisitDuty.objects.create(alert=world["alert"], campaign=world["campaign"], household=homes["钱七"], region_id=VILLAGE,
                                    issued_at=NOW - timedelta(hours=3), due_by=NOW + timedelta(hours=21), status="done",
                                    contact=done_contact, closed_at=NOW)
    older = make_alert([TOWNSHIP], onset=NOW - timedelta(days=3), headline="上周大风预警")
    missed = VisitDuty.objects.create(alert=older, campaign=world["campaign"], household=homes["李秀英"], region_id=VILLAGE,
                                      issued_at=NOW - timedelta(days=3), due_by=NOW - timedelta(days=2), status="missed")
    outside_campaign = make_campaign("520402001000", name="南街帮扶")
    outside_home = make_household(NANJIE_VILLAGE, members=["外人"])
    make_entry(outside_campaign, outside_home)
    outside = VisitDuty.objects.create(alert=world["alert"], campaign=outside_campaign, household=outside_home, region_id=NANJIE_VILLAGE,
                                       issued_at=NOW, due_by=NOW + timedelta(hours=24))
    officer = client_for(make_member("township_officer", TOWNSHIP, username="officer"))
    html = officer.get("/care/duties/").content.decode()
    assert f'id="duty-{outside.pk}"' not in html and "外人" not in html
    assert text_of(html, "status-counts") == "全部 3 待走访 1 已走访 1 逾期未走访 1 预警结束 0"
    assert "须在 11-28 12:00 前走访" in text_of(html, f"duty-{world['duty'].pk}")
    assert "已走访 11-27 14:00 入户走访" in text_of(html, f"duty-{done.pk}")
    assert html.index(f'id="duty-{world["duty"].pk}"') < html.index(f'id="duty-{missed.pk}"')  # open first
    by_alert = officer.get(f"/care/duties/?alert={older.pk}").content.decode()
    assert f'id="duty-{missed.pk}"' in by_alert and f'id="duty-{done.pk}"' not in by_alert
    by_status = officer.get("/care/duties/?status=done").content.decode()
    assert f'id="duty-{done.pk}"' in by_status and f'id="duty-{world["duty"].pk}"' not in by_status


def test_duty_detail_and_scope(world):
    helper = client_for(world["user"])
    html = helper.get(f"/care/duties/{world['duty'].pk}/").content.decode()
    assert "东关寒潮预警" in text_of(html, "duty-facts") and text_of(html, "due-by") == "2026-11-28 12:00"
    assert text_of(html, "duty-status") == "待走访" and text_of(html, "duty-contact") == "—"
    assert f'href="/care/contact/{world["homes"]["赵六"].pk}/?campaign={world["campaign"].pk}"' in html
    other_clerk = client_for(make_member("village_clerk", OTHER_VILLAGE, username="next_door"))
    assert other_clerk.get(f"/care/duties/{world['duty'].pk}/").status_code == 404
    assert f'id="duty-{world["duty"].pk}"' not in other_clerk.get("/care/duties/").content.decode()
