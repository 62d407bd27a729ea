"""The warning pages as users see them: the list, entering and importing, one warning, lifting it, the rules,
and the banner on every page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.alerts.helpers import COLD_WAVE_ID, COUNTY, DONGGUAN, JINZHONG, NANJIE, freeze, local, sample
from tests.care.factories import make_alert
from tests.factories import make_member
from warmwinter.alerts.choices import AlertSource, AlertState
from warmwinter.alerts.models import AlertRule, WeatherAlert
from warmwinter.audit.models import Event

pytestmark = pytest.mark.django_db
NOW = local(29, 9)


@pytest.fixture
def now(monkeypatch):
    return freeze(monkeypatch, NOW)


def signed_in(role: str, code: str, **fields) -> Client:
    client = Client()
    client.force_login(make_member(role, code, **fields))
    return client


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else sample(name), content_type="application/xml")


# --- list --------------------------------------------------------------------------------------------


def test_list_in_force_first_and_filtered_by_state(tree, now):
    make_alert([COUNTY], onset=local(27, 8), hours=24, headline="前日低温预警", state=AlertState.EXPIRED)
    make_alert([DONGGUAN], onset=local(29, 8), hours=24, headline="东关寒潮蓝色预警", colour=1)
    make_alert([NANJIE], onset=local(29, 8), hours=24, headline="南街大风预警")
    client = signed_in("township_officer", DONGGUAN)
    html = client.get("/alerts/").content.decode()
    assert html.index("东关寒潮蓝色预警") < html.index("前日低温预警")
    assert "南街大风预警" not in html
    assert 'id="create-link"' in html  # township officers enter warnings
    html = client.get("/alerts/?state=expired").content.decode()
    assert "前日低温预警" in html and "东关寒潮蓝色预警" not in html


def test_list_for_a_helper_has_no_entry_links(tree, now):
    html = signed_in("helper", JINZHONG).get("/alerts/").content.decode()
    assert "没有符合条件的气象预警。" in html
    assert 'id="create-link"' not in html
    assert signed_in("helper", JINZHONG).get("/alerts/new").status_code == 404


def test_menu_link(tree, now):
    html = signed_in("helper", JINZHONG).get("/").content.decode()
    assert 'href="/alerts/"' in html


# --- manual entry -------------------------------------------------------------------------------------


def test_manual_entry_records_and_sets_rules_in_motion(tree, now):
    client = signed_in("township_officer", DONGGUAN, username="dg")
    form = client.get("/alerts/new").content.decode()
    assert 'value="520402005001"' in form and 'value="520402001000"' not in form  # only its own township's regions
    response = client.post("/alerts/new", {
        "event": "blizzard", "colour": "2", "areas": [JINZHONG, "520402005002"], "onset": "2026-11-29T10:00",
        "expires": "2026-11-30T10:00", "headline": "", "description": "东关街道夜间有中到大雪", "instruction": "",
    })
    alert = WeatherAlert.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/alerts/{alert.pk}/"
    assert (alert.event, alert.colour, alert.headline, alert.source) == ("blizzard", 2, "暴雪黄色预警", AlertSource.MANUAL)
    assert alert.identifier.startswith("warmwinter-20261129090000-")
    assert alert.onset == local(29, 10) and alert.expires == local(30, 10)
    assert sorted(alert.areas.values_list("region_id", flat=True)) == [JINZHONG, "520402005002"]
    assert sorted(alert.actions.values_list("kind", flat=True)) == ["banner", "banner", "patrol", "patrol"]
    page = client.get(response["Location"]).content.decode()
    assert "已录入预警，响应规则已生效。" in page
    assert "金钟社区居民委员会" in page and "东关社区居民委员会" in page


def test_manual_entry_errors_on_their_fields(tree, now):
    client = signed_in("township_officer", DONGGUAN)
    response = client.post("/alerts/new", {"event": "cold_wave", "colour": "1", "areas": [DONGGUAN],
                                           "onset": "2026-11-30T10:00", "expires": "2026-11-30T08:00"})
    assert response.status_code == 200
    assert "失效时间须晚于生效时间。" in response.content.decode()
    response = client.post("/alerts/new", {"event": "cold_wave", "colour": "1", "areas": [NANJIE],
                                           "onset": "2026-11-29T10:00", "expires": "2026-11-30T08:00"})
    assert "选择一个有效的选项" in response.content.decode()  # not offered: another township
    assert not WeatherAlert.objects.exists()


# --- import --------------------------------------------------------------------------------------------


def test_import_the_cold_wave_then_again(tree, now):
    client = signed_in("county_officer", COUNTY)
    response = client.post("/alerts/import", {"file": upload("cold_wave_blue.xml")}, follow=True)
    alert = WeatherAlert.objects.get()
    assert (alert.identifier, alert.source) == (COLD_WAVE_ID, AlertSource.CAP_FILE)
    html = response.content.decode()
    assert "已录入预警，响应规则已生效。" in html
    assert "西秀区气象台发布寒潮蓝色预警信号" in html
    assert "&lt;event&gt;寒潮&lt;/event&gt;" in html  # the raw CAP, pretty-printed and escaped
    again = client.post("/alerts/import", {"file": upload("cold_wave_blue.xml")}, follow=True).content.decode()
    assert f"该预警此前已录入（编号 {COLD_WAVE_ID}），未重复记录。" in again
    assert WeatherAlert.objects.count() == 1


def test_import_shows_every_schema_error_with_its_line(tree, now):
    client = signed_in("county_officer", COUNTY)
    bad = sample("cold_wave_blue.xml").replace(b"<msgType>Alert</msgType>", b"<msgType>Warning</msgType>")
    html = client.post("/alerts/import", {"file": upload("bad.xml", bad)}).content.decode()
    assert "CAP 消息不符合 CAP 1.2 规范，共 1 处错误。" in html
    assert "第 7 行：元素 msgType 的值“Warning”不符合规范。" in html


def test_import_refuses_xxe_and_unknown_areas(tree, now):
    client = signed_in("county_officer", COUNTY)
    html = client.post("/alerts/import", {"file": upload("xxe.xml")}).content.decode()
    assert "CAP 消息不得包含 DOCTYPE 声明" in html and "root:" not in html
    html = client.post("/alerts/import", {"file": upload("unknown_geocode.xml")}).content.decode()
    assert "以下区划代码在本系统中不存在：520499000000" in html
    assert not WeatherAlert.objects.exists()


def test_import_over_regions_beyond_the_user(tree, now):
    html = signed_in("township_officer", DONGGUAN).post("/alerts/import", {"file": upload("cold_wave_blue.xml")}).content.decode()
    assert "所选区域不在您可发布预警的范围内。" in html  # the county-wide warning is the county's to record
    assert not WeatherAlert.objects.exists()


# --- one warning, lifting it ---------------------------------------------------------------------------


def test_detail_for_a_village_clerk_no_cancel_button(tree, now):
    alert = make_alert([COUNTY], onset=local(29, 8), headline="西秀区寒潮预警", description="降温8℃以上")
    html = signed_in("village_clerk", JINZHONG).get(f"/alerts/{alert.pk}/").content.decode()
    assert "西秀区寒潮预警" in html and "降温8℃以上" in html and "西秀区" in html
    assert 'id="cancel-form"' not in html


def test_cancel_by_the_county(tree, now):
    client = signed_in("county_officer", COUNTY)
    client.post("/alerts/import", {"file": upload("cold_wave_blue.xml")})
    alert = WeatherAlert.objects.get()
    assert 'id="cancel-form"' in client.get(f"/alerts/{alert.pk}/").content.decode()
    response = client.post(f"/alerts/{alert.pk}/cancel", follow=True)
    alert.refresh_from_db()
    assert alert.state == AlertState.CANCELLED
    assert "已解除预警，未完成的走访任务和措施已结束。" in response.content.decode()
    assert not alert.actions.filter(active=True).exists()
    again = client.post(f"/alerts/{alert.pk}/cancel", follow=True).content.decode()
    assert "该预警已结束。" in again


def test_cancel_by_a_township_officer_of_a_county_warning_is_403(tree, now):
    alert = make_alert([COUNTY], onset=local(29, 8))
    assert signed_in("township_officer", DONGGUAN).post(f"/alerts/{alert.pk}/cancel").status_code == 403
    assert signed_in("township_officer", NANJIE).get(f"/alerts/{make_alert([DONGGUAN]).pk}/").status_code == 404
    alert.refresh_from_db()
    assert alert.state == AlertState.ACTIVE


def test_detail_links_to_the_visit_duties(tree, now):
    alert = make_alert([COUNTY], onset=local(29, 8))
    html = signed_in("county_officer", COUNTY).get(f"/alerts/{alert.pk}/").content.decode()
    assert f'href="/care/duties/?alert={alert.pk}"' in html


# --- rules -------------------------------------------------------------------------------------------


def test_rules_read_only_for_a_helper(tree, now):
    rule = AlertRule.objects.get(action="patrol")
    client = signed_in("helper", JINZHONG)
    assert "黄色及以上预警加密街面巡查" in client.get("/alerts/rules/").content.decode()
    page = client.get(f"/alerts/rules/{rule.pk}/").content.decode()
    assert 'id="read-only"' in page and "disabled" in page
    assert client.post(f"/alerts/rules/{rule.pk}/", {"name": "x", "min_colour": "1", "hours": "0"}).status_code == 403
    assert client.get("/alerts/rules/987654/").status_code == 404


def test_county_officer_edits_a_rule_and_it_is_audited(tree, now):
    rule = AlertRule.objects.get(action="patrol")
    client = signed_in("county_officer", COUNTY, username="county1")
    response = client.post(f"/alerts/rules/{rule.pk}/", {"name": "橙色及以上寒潮、暴雪加密巡查", "events": ["cold_wave", "blizzard"],
                                                        "min_colour": "3", "hours": "0", "active": "on"}, follow=True)
    assert "已保存规则，此后录入的预警按新规则响应。" in response.content.decode()
    assert "寒潮、暴雪" in response.content.decode()
    rule.refresh_from_db()
    assert (rule.name, rule.events, rule.min_colour) == ("橙色及以上寒潮、暴雪加密巡查", ["cold_wave", "blizzard"], 3)
    event = Event.objects.get(action="alert_rule.update")
    assert event.changes["min_colour"] == [2, 3]
    html = client.post(f"/alerts/rules/{rule.pk}/", {"name": "x", "min_colour": "1", "hours": "999"}).content.decode()
    assert "720" in html  # out of range, on the field


# --- the banner ----------------------------------------------------------------------------------------


def test_banner_on_every_page_for_those_under_the_warning(tree, now):
    county = signed_in("county_officer", COUNTY)
    county.post("/alerts/import", {"file": upload("cold_wave_blue.xml")})
    alert = WeatherAlert.objects.get()
    clerk = signed_in("village_clerk", JINZHONG)
    for url in ("/", "/notifications/", "/alerts/rules/"):
        html = clerk.get(url).content.decode()
        assert 'id="weather-banner"' in html, url
        assert f'class="weather-alert colour-1" href="/alerts/{alert.pk}/"' in html
        assert "西秀区气象台发布寒潮蓝色预警信号" in html and "至 12-01 08:00" in html
    assert 'id="weather-banner"' not in signed_in("village_clerk", "520403100200").get("/").content.decode()  # 平坝区
    county.post(f"/alerts/{alert.pk}/cancel")
    assert 'id="weather-banner"' not in clerk.get("/").content.decode()


def test_no_banner_before_onset_or_for_anonymous(tree, monkeypatch):
    freeze(monkeypatch, NOW)
    county = signed_in("county_officer", COUNTY)
    county.post("/alerts/new", {"event": "cold_wave", "colour": "4", "areas": [COUNTY], "onset": "2026-11-30T08:00",
                                "expires": "2026-12-01T08:00", "headline": "明日寒潮红色预警"})
    assert 'id="weather-banner"' not in county.get("/").content.decode()
    freeze(monkeypatch, NOW + timedelta(days=1))
    clerk = signed_in("village_clerk", JINZHONG)  # sessions last 8 hours: sign in again the next day
    assert 'class="weather-alert colour-4"' in clerk.get("/").content.decode()
    assert "weather-banner" not in Client().get("/accounts/login/").content.decode()
