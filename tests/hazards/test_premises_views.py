"""Premises pages: the register, editing, and an inspection with the checklist whose findings become problems."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.hazards.conftest import PNG, TOWNSHIP, client_for
from tests.registry.factories import VILLAGE
from tests.surveys.factories import make_premises
from warmwinter.hazards.models import Hazard, Premises
from warmwinter.notifications.models import Notification
from warmwinter.surveys.models import SurveyResponse, SurveyTemplate

pytestmark = pytest.mark.django_db

SHOP = {"region": VILLAGE, "name": "金钟购物中心", "kind": "mall", "address": "金钟路 1 号", "operator": "金钟商贸公司",
        "contact_name": "陈经理", "contact_phone": "0851-3322110"}


def test_register_list_and_edit_premises(people):
    client = client_for(people.clerk)
    response = client.post("/hazards/premises/new", SHOP)
    shop = Premises.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/hazards/premises/{shop.pk}/"
    assert (shop.region_id, shop.kind, shop.contact_name) == (VILLAGE, "mall", "陈经理")
    again = client.post("/hazards/premises/new", SHOP)
    assert again.status_code == 200 and "该区划已有同名场所。" in again.content.decode() and Premises.objects.count() == 1

    make_premises("520402001001", name="南街加油站", kind="gas_station")
    make_premises(TOWNSHIP, name="东关加油站", kind="gas_station")
    town = client_for(people.township)
    listing = town.get("/hazards/premises/").content.decode()
    assert "共 2 处" in listing and "金钟购物中心" in listing and "南街加油站" not in listing
    assert "共 1 处" in town.get("/hazards/premises/?kind=gas_station").content.decode()
    assert "共 1 处" in town.get(f"/hazards/premises/?region={VILLAGE}").content.decode()

    edit = {k: v for k, v in SHOP.items() if k != "region"} | {"name": "金钟购物广场", "active": "", "version": shop.version}
    assert client.post(f"/hazards/premises/{shop.pk}/edit", edit).status_code == 302
    shop.refresh_from_db()
    assert (shop.name, shop.active, shop.version) == ("金钟购物广场", False, 2)
    stale = client.post(f"/hazards/premises/{shop.pk}/edit", {**edit, "name": "旧名", "version": 1})
    assert "该问题已被他人处理，请刷新后重试。" in stale.content.decode()
    assert client_for(people.nanjie).get(f"/hazards/premises/{shop.pk}/").status_code == 404


def test_an_inspection_lists_its_findings_on_the_problem_list(people, premises_template):
    shop = make_premises(VILLAGE, name="金钟超市")
    client = client_for(people.township)
    form = client.get(f"/hazards/premises/{shop.pk}/inspect").content.decode()
    assert "消防设施完好有效" in form and "疏散通道、安全出口畅通" in form and 'name="q_wiring"' in form
    missing = client.post(f"/hazards/premises/{shop.pk}/inspect", {"kind": "joint_inspection", "q_fire_equipment_ok": "false"})
    assert missing.status_code == 200 and not SurveyResponse.objects.exists()
    response = client.post(f"/hazards/premises/{shop.pk}/inspect", {
        "kind": "joint_inspection", "inspectors": "商务局 张三、消防 李四", "night": "on", "notes": "春节前夜查",
        "q_fire_equipment_ok": "false", "q_evacuation_clear": "false", "q_wiring": "ok",
        "q_exit_photo": SimpleUploadedFile("exit.png", PNG, content_type="image/png"),
    })
    assert response.status_code == 302 and response["Location"] == f"/hazards/premises/{shop.pk}/"
    sheet = SurveyResponse.objects.get()
    assert (sheet.kind, sheet.premises, sheet.template, sheet.inspectors) == ("joint_inspection", shop, premises_template, "商务局 张三、消防 李四")
    assert sheet.notes == "【夜间检查】春节前夜查"
    photo = sheet.answers.pop("exit_photo")
    assert sheet.answers == {"fire_equipment_ok": False, "evacuation_clear": False, "wiring": "ok"}
    assert photo.startswith(f"surveys/premises-{shop.pk}/") and default_storage.open(photo).read() == PNG
    found = {h.rule: h for h in Hazard.objects.all()}
    assert set(found) == {"fire_equipment", "evacuation"}
    assert {h.source for h in found.values()} == {"inspection"} and {h.premises for h in found.values()} == {shop}
    # A blocked evacuation route is a major problem: escalated, and the county officer is told.
    assert (found["evacuation"].state, found["fire_equipment"].state) == ("escalated", "identified")
    assert Notification.objects.filter(recipient=people.county, title="重大问题：疏散通道堵塞").count() == 1

    page = client.get(response["Location"]).content.decode()
    assert "已记录检查。发现问题 2 项，已列入问题清单。" in page
    inspections = page[page.index('id="inspections"'):page.index("</table>", page.index('id="inspections"'))]
    assert "联合检查" in inspections and "商务局 张三、消防 李四" in inspections and "<td>2</td>" in inspections
    assert "消防设施缺失或损坏" in page and "疏散通道堵塞" in page
    assert "共 2 项" in client.get(f"/hazards/?premises={shop.pk}&source=inspection").content.decode()


def test_a_clean_inspection_finds_nothing_and_roles_without_inspect_get_404(people, premises_template):
    shop = make_premises(VILLAGE, name="金钟饭店", kind="hotel_restaurant")
    client = client_for(people.clerk)
    response = client.post(f"/hazards/premises/{shop.pk}/inspect", {
        "kind": "pre_holiday", "extreme_weather": "on", "q_fire_equipment_ok": "true", "q_evacuation_clear": "true"})
    assert response.status_code == 302 and not Hazard.objects.exists()
    assert SurveyResponse.objects.get().notes == "【极端天气】"
    assert "已记录检查，未发现问题。" in client.get(response["Location"]).content.decode()
    assert client_for(people.charity).get(f"/hazards/premises/{shop.pk}/inspect").status_code == 404
    assert client_for(people.nanjie).get(f"/hazards/premises/{shop.pk}/inspect").status_code == 404


def test_without_a_premises_checklist_the_inspection_page_says_so(people):
    SurveyTemplate.objects.filter(subject="premises").update(active=False)
    shop = make_premises(VILLAGE)
    response = client_for(people.clerk).get(f"/hazards/premises/{shop.pk}/inspect")
    assert response.status_code == 409 and "尚未配置场所检查表，请联系管理员。" in response.content.decode()


def test_the_shipped_p10_checklist_end_to_end(people):
    """Without a test checklist, the shipped one (plan 10 with plan 7's premises items) is used."""
    shop = make_premises(VILLAGE, name="金钟网吧", kind="multi_use")
    client = client_for(people.clerk)
    form = client.get(f"/hazards/premises/{shop.pk}/inspect").content.decode()
    assert "消防设施、器材设置配备运行到位" in form and "夜间或降雪、骤冷等极端天气检查" in form
    assert 'name="night"' not in form  # the checklist asks it itself
    good = {"q_fire_equipment_ok": "true", "q_maintenance_ok": "true", "q_exits_clear": "false", "q_daily_checks_ok": "true",
            "q_flammable_decoration": "false", "q_multi_use": "true", "q_wiring_damaged": "false", "q_night_or_extreme_weather": "true"}
    response = client.post(f"/hazards/premises/{shop.pk}/inspect", {"kind": "self_inspection", **good})
    assert response.status_code == 302
    sheet = SurveyResponse.objects.get()
    assert (sheet.template.code, sheet.answers["night_or_extreme_weather"]) == ("p10-premises-fire", True)
    found = {h.rule: (h.category, h.severity, h.state) for h in Hazard.objects.filter(response=sheet)}
    assert found == {"evacuation_blocked": ("evacuation_blocked", "major", "escalated"), "multi_use": ("multi_use", "major", "escalated")}
    hazard = Hazard.objects.get(rule="multi_use")
    page = client_for(people.township).get(f"/hazards/{hazard.pk}/").content.decode()
    assert f'href="/surveys/responses/{sheet.pk}/"' in page and "场所检查" in page
