"""/api/v1/households, /persons, /categories: CRUD inside scope, 404 outside, masked ID numbers."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import make_member
from tests.registry.factories import NANJIE_VILLAGE, VILLAGE, id_number, make_household
from warmwinter.accounts.roles import Role
from warmwinter.accounts.tokens import token_issue
from warmwinter.audit.models import Event
from warmwinter.registry.models import CategoryAssignment, Household, Person


class Api:
    """A bearer-token client that checks no response ever carries a full ID number."""

    def __init__(self, user, secrets: list[str]):
        self.client = APIClient()
        self.client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}")
        self.secrets = secrets

    def __getattr__(self, method):
        def call(url, data=None, *, allow_secret: bool = False, **kwargs):
            if method == "get":
                response = self.client.get(url, data, **kwargs)
            else:
                response = getattr(self.client, method)(url, data, format="json", **kwargs)
            if not allow_secret:
                body = response.content.decode()
                leaked = [s for s in self.secrets if s in body or s.lower() in body]
                assert not leaked, f"{method.upper()} {url} answered a full ID number"
            return response
        return call


@pytest.fixture
def world(tree):
    zhang = make_household(VILLAGE, number="JZ-01", members=[{"name": "张伟", "categories": ["dibao"]}, "张小红"])
    outside = make_household(NANJIE_VILLAGE, number="NJ-01", members=["钱南街"])
    secrets = [p.id_number() for p in Person.objects.all()]
    clerk = make_member(Role.VILLAGE_CLERK, VILLAGE, username="yang")
    return {"zhang": zhang, "outside": outside, "secrets": secrets, "clerk": clerk, "api": Api(clerk, secrets)}


def test_lists_are_scoped_and_masked(world):
    api = world["api"]
    households = api.get("/api/v1/households").json()
    assert [h["number"] for h in households["results"]] == ["JZ-01"]
    assert households["results"][0]["member_count"] == 2 and households["results"][0]["head_name"] == "张伟"
    persons = api.get("/api/v1/persons").json()
    assert sorted(p["name"] for p in persons["results"]) == ["张伟", "张小红"]
    first = persons["results"][0]
    assert set(first) >= {"id_number_masked", "age", "categories", "version"} and "id_number" not in first
    assert "*" * 10 in first["id_number_masked"]


def test_person_filters_and_search(world):
    api = world["api"]
    assert [p["name"] for p in api.get("/api/v1/persons", {"q": "zw"}).json()["results"]] == ["张伟"]
    dibao = api.get("/api/v1/persons", {"category": "dibao"}).json()["results"]
    assert [p["name"] for p in dibao] == ["张伟"] and dibao[0]["categories"][0]["category"] == "dibao"
    assert api.get("/api/v1/persons", {"alive": "false"}).json()["count"] == 0
    assert api.get("/api/v1/persons", {"region": NANJIE_VILLAGE}).json()["count"] == 0
    assert [h["number"] for h in api.get("/api/v1/households", {"q": "zxh"}).json()["results"]] == ["JZ-01"]


def test_look_up_by_full_id_number(world):
    api = world["api"]
    zhang = world["zhang"].head
    found = api.get("/api/v1/persons", {"id_number": zhang.id_number().lower()}).json()
    assert found["count"] == 1 and found["results"][0]["id"] == zhang.pk
    outside = world["outside"].head
    assert api.get("/api/v1/persons", {"id_number": outside.id_number()}).json() == {"count": 0, "next": None, "previous": None, "results": []}
    assert api.get("/api/v1/persons", {"id_number": id_number()}).json()["count"] == 0
    bad = api.get("/api/v1/persons", {"id_number": "5204021950"})
    assert bad.status_code == 400 and bad.json() == {"detail": "身份证号应为 18 位（现为 10 位）", "field": "id_number"}


def test_objects_outside_scope_are_404(world):
    api, outside = world["api"], world["outside"]
    for url in (f"/api/v1/households/{outside.pk}", f"/api/v1/persons/{outside.head_id}", f"/api/v1/persons/{outside.head_id}/categories"):
        assert api.get(url).status_code == 404
    assert api.patch(f"/api/v1/households/{outside.pk}", {"address": "x", "version": 1}).status_code == 404
    assert api.post("/api/v1/persons", {"household": outside.pk, "name": "某", "id_number": id_number()}).status_code == 404
    assert api.post("/api/v1/households", {"region": NANJIE_VILLAGE}).status_code == 404
    assert Household.objects.count() == 2 and not Event.objects.exists()


def test_create_a_household_with_its_head_then_a_member(world):
    api = world["api"]
    number = id_number(birth_date=date(1950, 3, 1), gender="M")
    created = api.post("/api/v1/households", {"region": VILLAGE, "number": "JZ-07", "heating_method": "coal_stove", "bank_account": "6228480012345678",
                                              "head": {"name": "王大山", "id_number": number.lower()}})
    assert created.status_code == 201
    body = created.json()
    assert (body["number"], body["head_name"], body["bank_account_masked"], body["member_count"]) == ("JZ-07", "王大山", "****5678", 1)
    assert body["members"][0]["id_number_masked"] == number[:4] + "*" * 10 + number[-4:]
    assert "6228480012345678" not in created.content.decode()
    child = api.post("/api/v1/persons", {"household": body["id"], "name": "王小山", "id_number": id_number(birth_date=date(2012, 2, 2)), "relation": "长子"})
    assert child.status_code == 201 and child.json()["relation"] == "child" and child.json()["birth_date"] == "2012-02-02"
    assert Household.objects.get(pk=body["id"]).members.count() == 2


def test_errors_name_the_field_in_chinese_and_write_nothing(world):
    api = world["api"]
    taken = world["zhang"].head
    response = api.post("/api/v1/persons", {"household": world["zhang"].pk, "name": "张三", "id_number": taken.id_number()})
    assert response.status_code == 400
    assert response.json() == {"detail": f"身份证号已登记（{taken.id_number_masked}，金钟社区居民委员会）。一个身份证号只能对应一个人。", "field": "id_number"}
    response = api.post("/api/v1/households", {"region": VILLAGE, "head": {"name": "", "id_number": "", "phone": "abc"}})
    assert response.status_code == 400
    body = response.json()
    assert (body["detail"], body["field"]) == ("姓名不能为空", "head.name")
    assert {"field": "head.phone", "message": "联系电话“abc”格式不对"} in body["errors"]
    response = api.post("/api/v1/households", {"region": VILLAGE, "housing_condition": "palace"})
    assert response.status_code == 400 and response.json()["field"] == "housing_condition"
    assert Household.objects.count() == 2 and Person.objects.count() == 3 and not Event.objects.exists()


def test_patch_with_version(world):
    api, household = world["api"], world["zhang"]
    response = api.patch(f"/api/v1/households/{household.pk}", {"housing_condition": "dangerous", "version": 1})
    assert response.status_code == 200 and response.json()["version"] == 2 and response.json()["housing_condition"] == "dangerous"
    stale = api.patch(f"/api/v1/households/{household.pk}", {"housing_condition": "safe", "version": 1})
    assert stale.status_code == 409 and stale.json() == {"detail": "该记录已被他人修改，请刷新后重试。"}
    missing = api.patch(f"/api/v1/households/{household.pk}", {"housing_condition": "safe"})
    assert missing.status_code == 400 and missing.json()["field"] == "version"
    assert Household.objects.get(pk=household.pk).housing_condition == "dangerous"
    assert Event.objects.filter(action="household.update").count() == 1


def test_patch_a_person_keeps_what_is_not_sent(world):
    api, person = world["api"], world["zhang"].members.get(name="张小红")
    number = person.id_number()
    response = api.patch(f"/api/v1/persons/{person.pk}", {"phone": "13912345678", "version": 1})
    assert response.status_code == 200
    person.refresh_from_db()
    assert (person.phone, person.name, person.id_number(), person.version) == ("13912345678", "张小红", number, 2)
    assert api.patch(f"/api/v1/persons/{person.pk}", {"alive": False, "death_date": "2025-01-02", "version": 1}).status_code == 409
    response = api.patch(f"/api/v1/persons/{person.pk}", {"gender": "M" if person.gender == "F" else "F", "version": 2})
    assert response.status_code == 400 and response.json()["field"] == "gender"


def test_categories_of_a_person(world):
    api, person = world["api"], world["zhang"].members.get(name="张小红")
    url = f"/api/v1/persons/{person.pk}/categories"
    refused = api.post(url, {"category": "disabled", "valid_from": "2024-01-01"})
    assert refused.status_code == 400 and refused.json() == {"detail": "残疾人需要填写等级（1–4 级）", "field": "grade"}
    created = api.post(url, {"category": "disabled", "grade": 1, "valid_from": "2024-01-01", "source": "残联"})
    assert created.status_code == 201 and created.json()["in_force"] is True
    listed = api.get(url).json()
    assert [(a["category"], a["grade"]) for a in listed] == [("disabled", 1)]
    ended = api.post(f"{url}/{created.json()['id']}/end", {"valid_to": "2024-06-30"})
    assert ended.status_code == 200 and ended.json()["in_force"] is False
    assert CategoryAssignment.objects.get(pk=created.json()["id"]).valid_to == date(2024, 6, 30)
    assert [c["code"] for c in api.get("/api/v1/categories").json()][:2] == ["dibao", "tekun_centralized"]


def test_reveal_id_is_audited_and_refused_to_a_helper(world):
    api, person = world["api"], world["zhang"].head
    url = f"/api/v1/persons/{person.pk}/reveal-id"
    assert api.post(url, {"reason": ""}).json() == {"detail": "查看完整身份证号须填写事由", "field": "reason"}
    shown = api.post(url, {"reason": "核对发放名单"}, allow_secret=True)
    assert shown.status_code == 200 and shown.json() == {"id_number": person.id_number()}
    assert shown["Cache-Control"] == "no-store"
    event = Event.objects.get(action="person.reveal_id")
    assert (event.actor_name, event.changes) == ("yang", {"reason": [None, "核对发放名单"]})
    helper = Api(make_member(Role.HELPER, VILLAGE), world["secrets"])
    assert helper.post(url, {"reason": "好奇"}).status_code == 403
    assert helper.post(f"/api/v1/persons/{world['outside'].head_id}/reveal-id", {"reason": "核对"}).status_code == 404
    assert world["api"].post(f"/api/v1/persons/{world['outside'].head_id}/reveal-id", {"reason": "核对"}).status_code == 404
    assert Event.objects.filter(action="person.reveal_id").count() == 1


def test_read_only_roles_may_read_but_not_write(world):
    auditor = Api(make_member(Role.AUDITOR, "520402"), world["secrets"])
    assert auditor.get("/api/v1/persons").json()["count"] == 3
    assert auditor.patch(f"/api/v1/households/{world['zhang'].pk}", {"address": "x", "version": 1}).status_code == 404
    assert auditor.post("/api/v1/households", {"region": VILLAGE}).status_code == 403
    keeper = Api(make_member(Role.WAREHOUSE_KEEPER, "520402"), world["secrets"])
    assert keeper.get("/api/v1/persons").json()["count"] == 0
    assert keeper.get("/api/v1/categories").status_code == 404


def test_there_is_no_delete(world):
    api = world["api"]
    assert api.delete(f"/api/v1/households/{world['zhang'].pk}").status_code == 405
    assert api.delete(f"/api/v1/persons/{world['zhang'].head_id}").status_code == 405
    assert Household.objects.filter(pk=world["zhang"].pk).exists()


@pytest.mark.django_db
def test_the_openapi_document_describes_the_ledger():
    document = Client().get("/api/v1/openapi.json").json()
    paths = document["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/households"]) and {"get", "patch"} <= set(paths["/api/v1/households/{household_id}"])
    assert {"get", "post"} <= set(paths["/api/v1/persons"]) and "post" in paths["/api/v1/persons/{person_id}/reveal-id"]
    assert not any("delete" in ops for path, ops in paths.items() if "/households" in path or "/persons" in path)
    assert "no DELETE" in paths["/api/v1/households"]["get"]["description"]
    person = document["components"]["schemas"]["Person"]["properties"]
    assert "id_number_masked" in person and "id_number" not in person
    assert any(p["name"] == "id_number" for p in paths["/api/v1/persons"]["get"]["parameters"])
    json.dumps(document)
