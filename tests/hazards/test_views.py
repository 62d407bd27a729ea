"""The problem-list pages as their users see them: report, move along the workflow, evidence, overdue list."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.hazards.conftest import PNG, TOWNSHIP, client_for
from tests.registry.factories import VILLAGE
from tests.surveys.factories import make_hazard, make_premises
from warmwinter.audit.models import Event
from warmwinter.hazards.models import Hazard, HazardEvidence
from warmwinter.hazards.services import SAME_PERSON
from warmwinter.notifications.models import Notification

pytestmark = pytest.mark.django_db


def moves_on(page: str) -> list[str]:
    """The transition forms the page offers, in order."""
    return re.findall(r'data-transition="([a-z_]+)"', page)


def move(client, hazard: Hazard, name: str, note: str = "", **extra):
    hazard.refresh_from_db()
    return client.post(f"/hazards/{hazard.pk}/transition", {"transition": name, "note": note, "version": hazard.version, **extra})


def test_full_lifecycle_through_the_pages(people, household):
    clerk, town, town2, county = (client_for(u) for u in (people.clerk, people.township, people.township2, people.county))
    deadline = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = clerk.post(f"/hazards/new?household={household.pk}", {
        "category": "co_risk", "severity": "general", "title": "煤炉无烟囱", "description": "卧室内使用煤炉",
        "responsible_unit": "金钟社区", "responsible_person": "杨村干", "deadline": deadline,
        "evidence": SimpleUploadedFile("stove.png", PNG, content_type="image/png"),
    })
    hazard = Hazard.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/hazards/{hazard.pk}/"
    assert (hazard.household, hazard.region_id, hazard.state, hazard.deadline.isoformat()) == (household, VILLAGE, "identified", deadline)
    page = clerk.get(response["Location"]).content.decode()
    assert "已登记问题。" in page and "煤炉无烟囱" in page and "王大山户" in page
    # The clerk may handle it but never verify or close it.
    assert moves_on(page) == ["warn", "resolve_on_spot", "escalate", "start_rectification"]
    assert len(HazardEvidence.objects.filter(hazard=hazard, step__isnull=True)) == 1

    assert move(clerk, hazard, "warn").status_code == 302
    assert move(clerk, hazard, "escalate", "需街道协调更换").status_code == 302
    assert move(town, hazard, "start_rectification").status_code == 302
    photo = SimpleUploadedFile("fixed.png", PNG, content_type="image/png")
    assert move(clerk, hazard, "rectify", "已安装烟囱", evidence=photo).status_code == 302
    hazard.refresh_from_db()
    assert (hazard.state, hazard.fixed_by) == ("rectified", people.clerk)

    response = move(town, hazard, "reject", "烟囱接口仍漏烟")
    hazard.refresh_from_db()
    assert response.status_code == 302 and (hazard.state, hazard.reopened) == ("rectifying", 1)
    page = town.get(f"/hazards/{hazard.pk}/").content.decode()
    assert "核验退回次数" in page and '<span id="reopened">1</span>' in page

    # This time the township officer fixes it, so may not verify it: no button, and a refused POST says why.
    assert move(town, hazard, "rectify", "重新密封接口").status_code == 302
    page = town.get(f"/hazards/{hazard.pk}/").content.decode()
    assert moves_on(page) == [] and "该问题由您整改，须由其他人员核验。" in page
    refused = move(town, hazard, "verify")
    assert refused.status_code == 403 and str(SAME_PERSON) in refused.content.decode()
    assert move(town2, hazard, "verify", "复查合格").status_code == 302
    page = county.get(f"/hazards/{hazard.pk}/").content.decode()
    assert moves_on(page) == ["close"]
    response = move(county, hazard, "close")
    hazard.refresh_from_db()
    assert (hazard.state, hazard.verified_by, hazard.closed_at is not None) == ("closed", people.township2, True)
    page = county.get(response["Location"]).content.decode()
    assert "已销号，当前状态：已销号。" in page and "该问题已销号。" in page

    steps = [s for s in hazard.steps.order_by("at", "id").values_list("transition", "to_state")]
    assert steps == [("report", "identified"), ("warn", "warned"), ("escalate", "escalated"), ("start_rectification", "rectifying"),
                     ("rectify", "rectified"), ("reject", "rectifying"), ("rectify", "rectified"), ("verify", "verified"), ("close", "closed")]
    timeline = page[page.index('id="timeline"'):]
    notes = ("卧室内使用煤炉", "需街道协调更换", "已安装烟囱", "烟囱接口仍漏烟", "重新密封接口", "复查合格")
    positions = [timeline.index(note) for note in notes]
    assert positions == sorted(positions)  # oldest first
    assert Event.objects.filter(action__startswith="hazard.").count() == 9  # report + 8 moves


def test_a_move_the_state_does_not_allow_is_refused_with_its_reason(people):
    hazard = make_hazard(VILLAGE)
    response = move(client_for(people.township), hazard, "close")
    assert response.status_code == 400 and "“已发现”状态下不能“销号”。" in response.content.decode()
    response = move(client_for(people.clerk), hazard, "escalate", "")
    assert response.status_code == 400 and "请填写处置说明。" in response.content.decode()
    hazard.refresh_from_db()
    assert hazard.state == "identified"


def test_evidence_is_served_only_to_who_can_see_the_hazard(people, household):
    clerk = client_for(people.clerk)
    clerk.post(f"/hazards/new?household={household.pk}", {"category": "wiring", "severity": "general", "title": "电线破皮",
                                                           "evidence": SimpleUploadedFile("w.png", PNG, content_type="image/png")})
    hazard = Hazard.objects.get()
    evidence = hazard.evidence.get()
    url = f"/hazards/{hazard.pk}/evidence?id={evidence.pk}"
    page = clerk.get(f"/hazards/{hazard.pk}/").content.decode()
    assert url in page
    served = clerk.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png" and b"".join(served.streaming_content) == PNG
    assert client_for(people.nanjie).get(url).status_code == 404
    assert client_for(people.charity).get(url).status_code == 404
    other = make_hazard(VILLAGE)
    assert clerk.get(f"/hazards/{other.pk}/evidence?id={evidence.pk}").status_code == 404  # not that hazard's file


def test_a_major_problem_goes_to_the_county_with_a_notification(people, household):
    clerk = client_for(people.clerk)
    response = clerk.post(f"/hazards/new?household={household.pk}", {"category": "house_danger", "severity": "major", "title": "房屋墙体开裂"})
    hazard = Hazard.objects.get()
    assert hazard.state == "escalated" and hazard.escalated_at is not None
    assert hazard.deadline == timezone.localdate(hazard.found_at) + timedelta(days=3)
    assert "已登记重大问题，已自动上报县级并通知有关人员。" in clerk.get(response["Location"]).content.decode()
    notes = Notification.objects.filter(recipient=people.county)
    assert [(n.kind, n.title, n.link) for n in notes] == [("hazard.major", "重大问题：房屋墙体开裂", f"/hazards/{hazard.pk}/")]
    assert Notification.objects.filter(recipient=people.nanjie).count() == 0

    county = client_for(people.county)
    home = county.get("/notifications/").content.decode()
    assert '<span class="badge" aria-label="未读">1</span>' in home and "重大问题：房屋墙体开裂" in home
    opened = county.post(f"/notifications/{notes.get().pk}/read")
    assert opened.status_code == 302 and opened["Location"] == f"/hazards/{hazard.pk}/"
    assert 'class="badge"' not in county.get(opened["Location"]).content.decode()


def test_overdue_filter_and_counts(people):
    today = timezone.localdate()
    late = make_hazard(VILLAGE, title="逾期未改", deadline=today - timedelta(days=1), found_at=timezone.now() - timedelta(days=9))
    make_hazard(VILLAGE, title="逾期但已销号", deadline=today - timedelta(days=2), state="closed", found_at=timezone.now() - timedelta(days=9))
    make_hazard(VILLAGE, title="今天到期", deadline=today)
    make_hazard(VILLAGE, title="无期限", deadline=None)
    client = client_for(people.township)
    page = client.get("/hazards/").content.decode()
    assert "共 4 项" in page and re.search(r'id="overdue-count"[^>]*>逾期未销号 <b>1</b>', page)
    assert re.search(r'data-state="identified"[^>]*>已发现 <b>3</b>', page) and re.search(r'data-state="closed"[^>]*>已销号 <b>1</b>', page)
    overdue = client.get("/hazards/?overdue=1").content.decode()
    assert "共 1 项" in overdue and "逾期未改" in overdue and "今天到期" not in overdue and "逾期但已销号" not in overdue
    card = overdue[overdue.index('<li class="hazard-card'):]
    assert card.startswith('<li class="hazard-card overdue') and '<span class="tag tag-overdue">逾期</span>' in card
    assert f"/hazards/{late.pk}/" in overdue
    assert "共 3 项" in client.get("/hazards/?open=1").content.decode()


def test_list_filters_by_region_text_and_premises(people):
    shop = make_premises(TOWNSHIP, name="东关超市")
    make_hazard(VILLAGE, title="村里的线路")
    make_hazard(premises=shop, title="超市的灭火器过期", category="fire_equipment")
    make_hazard("520402001001", title="南街的问题")
    client = client_for(people.county)
    assert "共 3 项" in client.get("/hazards/").content.decode()
    page = client.get(f"/hazards/?region={VILLAGE}").content.decode()
    assert "共 1 项" in page and "村里的线路" in page
    page = client.get("/hazards/?q=灭火器").content.decode()
    assert "共 1 项" in page and "东关超市" in page
    assert "共 1 项" in client.get(f"/hazards/?premises={shop.pk}").content.decode()
    assert "共 1 项" in client.get("/hazards/?category=fire_equipment").content.decode()
    assert "南街的问题" not in client_for(people.township).get("/hazards/").content.decode()
    assert client_for(people.charity).get("/hazards/").status_code == 404


def test_edit_changes_the_item_and_a_stale_form_says_so(people):
    hazard = make_hazard(VILLAGE, title="储煤不足")
    client = client_for(people.clerk)
    form = {"category": "coal_low", "severity": "general", "title": "储煤不足 3 天", "description": "", "responsible_unit": "金钟社区",
            "responsible_person": "杨村干", "deadline": "", "version": hazard.version}
    assert client.post(f"/hazards/{hazard.pk}/edit", form).status_code == 302
    hazard.refresh_from_db()
    assert (hazard.title, hazard.category, hazard.responsible_person, hazard.version) == ("储煤不足 3 天", "coal_low", "杨村干", 2)
    stale = client.post(f"/hazards/{hazard.pk}/edit", {**form, "title": "别人先改了", "version": 1})
    assert stale.status_code == 200 and "该问题已被他人处理，请刷新后重试。" in stale.content.decode() and "重新载入最新内容" in stale.content.decode()
    hazard.refresh_from_db()
    assert hazard.title == "储煤不足 3 天"
    assert client_for(people.nanjie).get(f"/hazards/{hazard.pk}/edit").status_code == 404


def test_manual_report_with_a_region_and_its_errors(people):
    client = client_for(people.township)
    page = client.get("/hazards/new").content.decode()
    assert f'<option value="{VILLAGE}">' in page and "南街街道" not in page
    response = client.post("/hazards/new", {"region": VILLAGE, "category": "water", "severity": "general", "title": " ",
                                            "deadline": "2000-01-01"})
    assert response.status_code == 200 and not Hazard.objects.exists()
    response = client.post("/hazards/new", {"region": VILLAGE, "category": "water", "severity": "general", "title": "水管冻裂",
                                            "deadline": (timezone.localdate() - timedelta(days=1)).isoformat()})
    assert "整改期限不能早于发现日期。" in response.content.decode() and not Hazard.objects.exists()
    response = client.post("/hazards/new", {"region": VILLAGE, "category": "water", "severity": "general", "title": "水管冻裂",
                                            "evidence": SimpleUploadedFile("a.txt", b"hi", content_type="text/plain")})
    assert "佐证材料只接受 JPG、PNG、WEBP、HEIC 照片或 PDF。" in response.content.decode() and not Hazard.objects.exists()
    response = client.post("/hazards/new", {"region": VILLAGE, "category": "water", "severity": "general", "title": "水管冻裂"})
    assert response.status_code == 302 and Hazard.objects.get().region_id == VILLAGE
