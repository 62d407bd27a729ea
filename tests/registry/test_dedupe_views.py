"""The duplicates page and /api/v1/duplicates, through HTTP."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from tests.factories import make_member
from tests.registry.factories import NANJIE_VILLAGE, VILLAGE, id_number, make_person
from warmwinter.accounts.tokens import token_issue
from warmwinter.audit.models import Event
from warmwinter.registry import dedupe
from warmwinter.registry.models import DuplicateCandidate, DuplicateStatus, PersonLink

pytestmark = pytest.mark.django_db

URL = "/registry/duplicates/"


def _pair(village: str = VILLAGE, name: str = "张伟", other: str = "张玮") -> DuplicateCandidate:
    born = date(1960, 1, 1)
    make_person(name=name, region_code=village, id_number=id_number(birth_date=born), categories=["dibao"])
    make_person(name=other, region_code=village, id_number="", birth_date=date(1960, 3, 1), gender="M")
    dedupe.find_candidates()
    return DuplicateCandidate.objects.get(person_a__name=name)


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}")


def test_page_shows_both_persons_side_by_side_with_the_buttons(tree):
    candidate = _pair()
    page = _browser(make_member("village_clerk", VILLAGE)).get(URL)

    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="candidate-{candidate.pk}"' in html
    for text in ("张伟", "张玮", candidate.person_a.id_number_masked, "1960-01-01", "1960-03-01", "金钟社区居民委员会", "低保",
                 "同村姓名同音", ">是同一人</button>", ">不是同一人</button>", "未登记"):
        assert text in html
    assert candidate.person_a.id_number() not in html  # masked only


def test_page_without_resolve_role_has_no_buttons(tree):
    candidate = _pair()
    html = _browser(make_member("helper", VILLAGE)).get(URL).content.decode()

    assert "张玮" in html
    assert ">是同一人</button>" not in html
    assert f"{URL}{candidate.pk}/link/" not in html


def test_link_button_links_and_says_so(tree):
    candidate = _pair()
    client = _browser(make_member("village_clerk", VILLAGE))

    response = client.post(f"{URL}{candidate.pk}/link/", {"next": URL}, follow=True)

    assert "已确认张伟与张玮是同一人。两条记录及其历史均保留。" in response.content.decode()
    assert PersonLink.objects.filter(person=candidate.person_a, same_as=candidate.person_b).exists()
    assert "没有疑似重复人员。" in response.content.decode()  # the open list is empty now
    linked = client.get(URL, {"status": "linked"}).content.decode()
    assert f'id="candidate-{candidate.pk}"' in linked


def test_dismiss_button_from_another_township_is_404_and_changes_nothing(tree):
    candidate = _pair(NANJIE_VILLAGE)
    clerk = _browser(make_member("village_clerk", VILLAGE))

    assert clerk.post(f"{URL}{candidate.pk}/dismiss/").status_code == 404
    assert clerk.post(f"{URL}{candidate.pk}/link/").status_code == 404
    assert "张玮" not in clerk.get(URL).content.decode()
    assert DuplicateCandidate.objects.get(pk=candidate.pk).status == DuplicateStatus.OPEN
    assert not Event.objects.filter(action__startswith="duplicate.").exclude(action="duplicate.find").exists()


def test_helper_pressing_link_gets_the_role_message(tree):
    candidate = _pair()
    response = _browser(make_member("helper", VILLAGE)).post(f"{URL}{candidate.pk}/link/", follow=True)

    assert "您的角色无权进行此操作。" in response.content.decode()
    assert not PersonLink.objects.exists()


def test_api_lists_open_candidates_in_scope(tree):
    candidate = _pair()
    _pair(NANJIE_VILLAGE, name="刘德华", other="刘德化")
    body = _api(make_member("village_clerk", VILLAGE)).get("/api/v1/duplicates", {"status": "open"}).json()

    assert body["count"] == 1
    [row] = body["results"]
    assert (row["id"], row["reason"], row["status"], row["region"]) == (candidate.pk, "pinyin", "open", VILLAGE)
    assert row["person_a"]["name"] == "张伟" and row["person_b"]["name"] == "张玮"
    assert row["person_a"]["id_number_masked"] == candidate.person_a.id_number_masked
    assert row["person_a"]["categories"] == ["dibao"]


def test_api_region_filter(tree):
    _pair()
    county = _api(make_member("county_officer", "520402"))
    assert county.get("/api/v1/duplicates", {"region": NANJIE_VILLAGE}).json()["count"] == 0
    assert county.get("/api/v1/duplicates", {"region": VILLAGE}).json()["count"] == 1


def test_api_link_and_dismiss(tree):
    linked = _pair()
    dismissed = _pair(name="刘德华", other="刘德化")
    api = _api(make_member("township_officer", "520402005"))

    response = api.post(f"/api/v1/duplicates/{linked.pk}/link")
    assert response.status_code == 200
    assert response.json()["same_as"] == linked.person_b_id

    response = api.post(f"/api/v1/duplicates/{dismissed.pk}/dismiss")
    assert (response.status_code, response.json()["status"]) == (200, "dismissed")

    again = api.post(f"/api/v1/duplicates/{dismissed.pk}/link")
    assert again.status_code == 400
    assert again.json()["detail"] == "该疑似重复已处理（已排除），请刷新页面。"
    assert api.get("/api/v1/duplicates").json()["count"] == 0


def test_api_out_of_scope_is_404_and_look_only_role_is_403(tree):
    candidate = _pair(NANJIE_VILLAGE)
    assert _api(make_member("village_clerk", VILLAGE)).post(f"/api/v1/duplicates/{candidate.pk}/link").status_code == 404
    assert _api(make_member("helper", NANJIE_VILLAGE)).post(f"/api/v1/duplicates/{candidate.pk}/dismiss").status_code == 403
    assert DuplicateCandidate.objects.get(pk=candidate.pk).status == DuplicateStatus.OPEN


def test_person_page_shows_the_linked_record(tree):
    candidate = _pair()
    client = _browser(make_member("village_clerk", VILLAGE))
    client.post(f"{URL}{candidate.pk}/link/", {"next": URL})

    page = client.get(f"/registry/persons/{candidate.person_a.pk}/").content.decode()

    assert 'id="person-links"' in page
    assert f'href="/registry/persons/{candidate.person_b.pk}/">张玮</a>' in page
