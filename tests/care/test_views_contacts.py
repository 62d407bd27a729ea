"""The phone quick-entry of a contact and one stored contact: what the helper sees, the week turning
compliant, one contact per double tap, 409 on a reused id, problems and checklist findings onto the
problem list, photo and location, warning visits fulfilled, and who may open what."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.care.factories import at_local, make_alert, make_campaign, make_contact, make_entry, make_helper, pair
from tests.factories import make_member
from tests.registry.factories import NANJIE_VILLAGE, VILLAGE, make_household
from tests.surveys.factories import template
from tests.surveys.html import text_of
from warmwinter.care.models import Contact, VisitDuty
from warmwinter.hazards.models import Hazard

pytestmark = pytest.mark.django_db

TOWNSHIP = "520402005000"
NOW = timezone.make_aware(datetime.combine(date(2026, 11, 27), time(15, 0)))  # Friday; the week began Monday 11-23
MONDAY = date(2026, 11, 23)
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}"(?: value="([^"]*)")?', html)[1] or ""


@pytest.fixture
def world(tree, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    campaign = make_campaign(TOWNSHIP, name="东关帮扶", contact_template=template())
    home = make_household(VILLAGE, members=["张大山", "李秀英"], address="金钟社区2组15号", phone="13712345678")
    entry = make_entry(campaign, home)
    helper_user = make_member("helper", VILLAGE, username="wang", display_name="王书记")
    wang = make_helper(VILLAGE, name="王书记", user=helper_user)
    make_helper(VILLAGE, name="刘党员")
    pair(entry, wang)
    make_contact(home, campaign, at=at_local(MONDAY, 9), helper=wang)
    make_contact(home, campaign, at=at_local(MONDAY + timedelta(days=1), 9), helper=wang)
    return {"campaign": campaign, "home": home, "entry": entry, "wang": wang, "helper_user": helper_user,
            "client": client_for(helper_user)}


def url(world) -> str:
    return f"/care/contact/{world['home'].pk}/"


def visit(page: str, **fields) -> dict:
    """What the phone posts when the helper only taps 入户走访 and saves."""
    return {"client_id": hidden(page, "client_id"), "channel": "visit", "contacted_at": "2026-11-27T14:30",
            "helper": str(fields.pop("helper", "")), **fields}


def test_page_shows_the_household_the_helper_and_the_week(world):
    html = world["client"].get(url(world)).content.decode()
    assert "张大山户" in html and "金钟社区2组15号" in html
    assert 'href="tel:13712345678"' in html
    assert text_of(html, "members") == "张大山（户主） 李秀英（子女）"
    assert f'<option value="{world["wang"].pk}" selected>' in html  # the user's own helper record
    assert re.fullmatch(r"[0-9a-f]{32}", hidden(html, "client_id"))
    assert 'value="visit"' in html and re.search(r'value="visit"[^>]*checked', html)
    assert 'name="contacted_at" value="2026-11-27T15:00"' in html
    assert re.search(r'<details class="answer-section care-checklist" id="checklist">', html)  # collapsed
    assert 'name="q_housing"' in html and 'name="q_photo"' not in html
    assert 'accept="image/*"' in html and 'capture="environment"' in html
    assert text_of(html, "week-status").startswith("本周已联系 2 / 3 次 未达标")


def test_saving_the_third_contact_makes_the_week_compliant(world):
    client = world["client"]
    page = client.get(url(world)).content.decode()
    response = client.post(url(world), visit(page, helper=world["wang"].pk, notes="老人精神好"))
    contact = Contact.objects.latest("id")
    assert response.status_code == 302 and response["Location"] == f"/care/contacts/{contact.pk}/?saved=1"
    assert (contact.channel, contact.helper, contact.campaign, contact.notes) == ("visit", world["wang"], world["campaign"], "老人精神好")
    assert timezone.localtime(contact.contacted_at).strftime("%m-%d %H:%M") == "11-27 14:30"
    html = client.get(response["Location"]).content.decode()
    assert text_of(html, "week-status").startswith("本周已联系 3 / 3 次 达标")
    assert f'href="/care/contact/{world["home"].pk}/?campaign={world["campaign"].pk}"' in html  # 再记录一次


def test_a_double_tap_stores_one_contact(world):
    client = world["client"]
    page = client.get(url(world)).content.decode()
    data = visit(page, helper=world["wang"].pk, solved_on_spot="帮助清理烟道")
    first = client.post(url(world), data)
    second = client.post(url(world), data)
    assert first["Location"] == second["Location"]
    assert Contact.objects.filter(household=world["home"]).count() == 3  # two from before, one now


def test_the_same_id_with_other_content_is_refused(world):
    client = world["client"]
    page = client.get(url(world)).content.decode()
    client.post(url(world), visit(page, notes="第一次"))
    response = client.post(url(world), visit(page, notes="改过的内容"))
    assert response.status_code == 400
    assert "该提交编号已用于另一条不同的联系记录。" in text_of(response.content.decode(), "form-errors")
    assert Contact.objects.filter(household=world["home"]).count() == 3


def test_problems_and_checklist_findings_go_on_the_problem_list(world):
    client = world["client"]
    page = client.get(url(world)).content.decode()
    response = client.post(url(world), visit(page, q_heating_method="none", q_water_ok="true", problem_category_1="water",
                                             problem_text_1="自来水管冻裂", solved_on_spot="已送棉被两床"))
    contact = Contact.objects.latest("id")
    assert contact.answers == {"heating_method": "none", "water_ok": True}
    assert contact.solved_on_spot == "已送棉被两床"
    assert sorted(contact.hazards.values_list("category", "title")) == [("heating_missing", "无取暖设施"), ("water", "自来水管冻裂")]
    assert Hazard.objects.filter(household=world["home"], source="contact").count() == 2
    html = client.get(response["Location"]).content.decode()
    assert "自来水管冻裂" in text_of(html, "hazards") and "无取暖设施" in text_of(html, "hazards")
    assert "已送棉被两床" in text_of(html, "solved")


def test_a_problem_category_without_text_is_sent_back(world):
    client = world["client"]
    page = client.get(url(world)).content.decode()
    response = client.post(url(world), visit(page, problem_category_1="water"))
    assert response.status_code == 400
    assert "请写明需要上报的问题。" in text_of(response.content.decode(), "problem-1")
    assert Contact.objects.filter(household=world["home"]).count() == 2


def test_a_time_in_the_future_is_refused_next_to_the_time(world):
    client = world["client"]
    page = client.get(url(world)).content.decode()
    response = client.post(url(world), visit(page, contacted_at="2026-11-27T16:00"))
    assert response.status_code == 400 and "联系时间不能晚于现在。" in response.content.decode()


def test_photo_and_location_are_kept(world):
    client = world["client"]
    page = client.get(url(world)).content.decode()
    photo = SimpleUploadedFile("stove.png", PNG, content_type="image/png")
    response = client.post(url(world), visit(page, photo=photo, latitude="26.2541234567", longitude="105.9321"))
    contact = Contact.objects.latest("id")
    assert contact.photo.name.startswith(f"contacts/{VILLAGE}/")
    assert (Path(settings.MEDIA_ROOT) / contact.photo.name).read_bytes() == PNG
    assert (contact.latitude, contact.longitude) == (Decimal("26.254123"), Decimal("105.932100"))
    served = client.get(f"/care/contacts/{contact.pk}/photo")
    assert served.status_code == 200 and b"".join(served.streaming_content) == PNG
    assert f'src="/care/contacts/{contact.pk}/photo"' in client.get(response["Location"]).content.decode()
    bad = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    page = client.get(url(world)).content.decode()
    refused = client.post(url(world), visit(page, photo=bad))
    assert refused.status_code == 400 and "照片只接受 JPG、PNG、WEBP、HEIC 格式。" in refused.content.decode()


def test_a_home_visit_fulfils_the_warning_duty_a_call_does_not(world):
    alert = make_alert([TOWNSHIP], onset=NOW - timedelta(hours=7), headline="西秀区寒潮黄色预警")
    duty = VisitDuty.objects.create(alert=alert, campaign=world["campaign"], household=world["home"], region_id=VILLAGE,
                                    issued_at=NOW - timedelta(hours=7), due_by=NOW + timedelta(hours=17))
    client = world["client"]
    page = client.get(url(world)).content.decode()
    assert "西秀区寒潮黄色预警：须在 11-28 08:00 前入户走访" in text_of(page, f"duty-{duty.pk}")
    client.post(url(world), visit(page, channel="phone"))
    duty.refresh_from_db()
    assert duty.status == "open"
    page = client.get(url(world)).content.decode()
    response = client.post(url(world), visit(page, contacted_at="2026-11-27T14:45"))
    duty.refresh_from_db()
    assert duty.status == "done" and duty.contact == Contact.objects.latest("id")
    assert "完成了“西秀区寒潮黄色预警”的预警走访任务" in client.get(response["Location"]).content.decode()


def test_a_household_off_the_roster_is_recorded_without_counting(world):
    stranger = make_household(VILLAGE, members=["陈独居"])
    client = world["client"]
    page = client.get(f"/care/contact/{stranger.pk}/").content.decode()
    assert "该家庭不在进行中的帮扶联系工作名册中" in text_of(page, "not-on-roster") and 'id="checklist"' not in page
    client.post(f"/care/contact/{stranger.pk}/", visit(page))
    contact = Contact.objects.get(household=stranger)
    assert contact.campaign is None


def test_who_may_open_the_page_and_the_record(world):
    contact = make_contact(world["home"], world["campaign"], at=at_local(MONDAY, 11))
    clerk = client_for(make_member("village_clerk", VILLAGE, username="clerk"))
    assert clerk.get(url(world)).status_code == 200
    county = client_for(make_member("county_officer", "520402000000", username="county"))
    assert county.get(url(world)).status_code == 403  # sees the household, may not record contacts
    assert county.post(url(world), {"channel": "visit"}).status_code == 403
    assert county.get(f"/care/contacts/{contact.pk}/").status_code == 200
    organizer = client_for(make_member("charity_organizer", TOWNSHIP, username="charity"))
    assert organizer.get(url(world)).status_code == 404
    assert organizer.get(f"/care/contacts/{contact.pk}/").status_code == 404
    next_door = client_for(make_member("village_clerk", NANJIE_VILLAGE, username="nanjie"))
    assert next_door.get(url(world)).status_code == 404
    assert next_door.get(f"/care/contacts/{contact.pk}/").status_code == 404
    assert next_door.get(f"/care/contacts/{contact.pk}/photo").status_code == 404
    assert Contact.objects.filter(household=world["home"]).count() == 3
