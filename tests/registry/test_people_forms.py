"""The ledger forms: Chinese errors on the right field, nothing changed on error, one event on success."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from tests.factories import make_member
from tests.registry.factories import NANJIE_VILLAGE, VILLAGE, id_number, make_household, make_person
from warmwinter.accounts.roles import Role
from warmwinter.audit.models import Event
from warmwinter.registry.models import Category, CategoryAssignment, Household, Person


def field_errors(response, field: str) -> list[str]:
    form = response.context["form"]
    return [str(e) for e in form.errors.get(field, [])]


@pytest.fixture
def clerk(tree):
    client = Client()
    client.force_login(make_member(Role.VILLAGE_CLERK, VILLAGE, username="yang"))
    return client


NEW_HOUSEHOLD = {"region": VILLAGE, "number": "JZ-09", "address": "金钟路 9 号", "phone": "", "housing_condition": "old",
                 "heating_method": "coal_stove", "bank_account": "", "head-name": "王大山", "head-phone": "13800000000"}


def test_new_household_with_its_head(clerk):
    number = id_number(birth_date=date(1952, 7, 1), gender="M")
    response = clerk.post("/registry/households/new/", {**NEW_HOUSEHOLD, "head-id_number": number.lower()})
    household = Household.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/registry/households/{household.pk}/"
    assert household.head.name == "王大山" and household.head.id_number() == number and household.head.relation == "head"
    assert (household.housing_condition, household.heating_method, household.address) == ("old", "coal_stove", "金钟路 9 号")
    assert set(Event.objects.values_list("action", flat=True)) == {"household.register", "person.register"}
    page = clerk.get(response["Location"]).content.decode()
    assert "已登记家庭。" in page and "王大山户" in page


def test_new_household_with_a_bad_id_shows_chinese_errors_and_writes_nothing(clerk):
    response = clerk.post("/registry/households/new/", {**NEW_HOUSEHOLD, "head-id_number": "52040219500230001X", "head-gender": "F"})
    assert response.status_code == 200
    head = response.context["head"]
    assert head.errors["id_number"] == ["身份证号中的出生日期 19500230 不存在"]
    response = clerk.post("/registry/households/new/", {**NEW_HOUSEHOLD, "head-id_number": "", "head-name": ""})
    head = response.context["head"]
    assert head.errors["name"] == ["姓名不能为空"]
    assert head.errors["id_number"] == ["没有身份证号时，须填写性别和出生日期"]
    assert "姓名不能为空" in response.content.decode()
    assert not Household.objects.exists() and not Person.objects.exists() and not Event.objects.exists()


def test_new_household_village_select_is_the_clerk_s_village_only(clerk):
    html = clerk.get("/registry/households/new/").content.decode()
    assert f'value="{VILLAGE}" selected' in html  # their only village, chosen already
    assert "东关社区居民委员会" not in html and "塔东" not in html
    response = clerk.post("/registry/households/new/", {**NEW_HOUSEHOLD, "region": NANJIE_VILLAGE, "head-id_number": id_number()})
    assert response.status_code == 200 and field_errors(response, "region")
    assert not Household.objects.exists()


def test_edit_household_keeps_the_bank_account_when_left_blank(clerk):
    household = make_household(VILLAGE, members=["张伟"])
    form = {"number": "JZ-01", "address": "新地址", "phone": "", "housing_condition": "dangerous", "heating_method": "none",
            "status": "active", "bank_account": "6228480012345678", "version": "1"}
    assert clerk.post(f"/registry/households/{household.pk}/edit/", form).status_code == 302
    form.update(bank_account="", address="再改", version="2")
    assert clerk.post(f"/registry/households/{household.pk}/edit/", form).status_code == 302
    household.refresh_from_db()
    assert (household.address, household.bank_account_masked, household.version) == ("再改", "****5678", 3)
    html = clerk.get(f"/registry/households/{household.pk}/edit/").content.decode()
    assert "当前为 ****5678" in html and "6228480012345678" not in html


def test_edit_household_someone_else_changed_meanwhile(clerk):
    household = make_household(VILLAGE, address="旧地址")
    form = {"address": "我的修改", "housing_condition": "safe", "heating_method": "electric", "status": "active", "version": "1"}
    Household.objects.filter(pk=household.pk).update(address="别人的修改", version=2)
    response = clerk.post(f"/registry/households/{household.pk}/edit/", form)
    assert response.status_code == 200
    assert "该记录已被他人修改，请刷新后重试。" in response.content.decode()
    assert "重新载入最新内容" in response.content.decode()
    assert Household.objects.get(pk=household.pk).address == "别人的修改"
    assert not Event.objects.exists()


def test_add_member_and_its_errors(clerk):
    household = make_household(VILLAGE, members=["张伟"])
    taken = household.head
    response = clerk.post(f"/registry/households/{household.pk}/members/new/", {"name": "张二", "id_number": taken.id_number(), "relation": "child", "alive": "on"})
    assert field_errors(response, "id_number") == [f"身份证号已登记（{taken.id_number_masked}，金钟社区居民委员会）。一个身份证号只能对应一个人。"]
    number = id_number(birth_date=date(2015, 1, 5), gender="F")
    response = clerk.post(f"/registry/households/{household.pk}/members/new/",
                          {"name": "张二", "id_number": number, "gender": "M", "birth_date": "2015-01-06", "relation": "child", "alive": "on"})
    assert field_errors(response, "gender") == ["性别“男”与身份证号（女）不符"]
    assert field_errors(response, "birth_date") == ["出生日期 2015-01-06 与身份证号中的 2015-01-05 不符"]
    assert household.members.count() == 1 and not Event.objects.exists()
    response = clerk.post(f"/registry/households/{household.pk}/members/new/", {"name": "张二", "id_number": number, "relation": "child", "alive": "on"})
    assert response.status_code == 302
    assert household.members.get(name="张二").birth_date == date(2015, 1, 5)


def test_edit_person_keeps_the_id_number_when_left_blank(clerk):
    person = make_person(make_household(VILLAGE), name="王芳", phone="")
    number = person.id_number()
    html = clerk.get(f"/registry/persons/{person.pk}/edit/").content.decode()
    assert number not in html and f"当前为 {person.id_number_masked}" in html
    response = clerk.post(f"/registry/persons/{person.pk}/edit/", {"name": "王芳芳", "id_number": "", "relation": "spouse", "alive": "on", "version": "1"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.name, person.relation, person.id_number()) == ("王芳芳", "spouse", number)


def test_edit_person_changed_meanwhile(clerk):
    person = make_person(make_household(VILLAGE), name="王芳")
    Person.objects.filter(pk=person.pk).update(name="王芳（别人改）", version=2)
    response = clerk.post(f"/registry/persons/{person.pk}/edit/", {"name": "王小芳", "relation": "head", "alive": "on", "version": "1"})
    assert "该记录已被他人修改，请刷新后重试。" in response.content.decode()
    assert Person.objects.get(pk=person.pk).name == "王芳（别人改）"


def test_mark_a_person_deceased(clerk):
    person = make_person(make_household(VILLAGE), name="王芳")
    response = clerk.post(f"/registry/persons/{person.pk}/edit/", {"name": "王芳", "relation": "head", "death_date": "2025-01-03", "version": "1"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.alive, person.death_date) == (False, date(2025, 1, 3))


def test_assign_a_graded_category(clerk):
    person = make_person(make_household(VILLAGE))
    url = f"/registry/persons/{person.pk}/categories/new/"
    form = {"category": "disabled", "grade": "", "valid_from": "2024-05-01", "source": "残联", "verified_by": "杨协理"}
    response = clerk.post(url, form)
    assert field_errors(response, "grade") == ["残疾人需要填写等级（1–4 级）"]
    assert not CategoryAssignment.objects.exists()
    response = clerk.post(url, {**form, "valid_to": "2024-04-01", "grade": "3"})
    assert field_errors(response, "valid_to") == ["截止日期不能早于起始日期"]
    assert clerk.post(url, {**form, "grade": "3"}).status_code == 302
    assignment = CategoryAssignment.objects.get()
    assert (assignment.category_id, assignment.grade, assignment.valid_from, assignment.source) == ("disabled", 3, date(2024, 5, 1), "残联")
    assert "残疾人 3级" in clerk.get(f"/registry/persons/{person.pk}/").content.decode()


def test_end_a_category(clerk):
    person = make_person(make_household(VILLAGE), categories=["dibao"])
    assignment = person.categories.get()
    url = f"/registry/persons/{person.pk}/categories/{assignment.pk}/end/"
    response = clerk.post(url, {"valid_to": "2023-12-31"})
    assert response.status_code == 400 and field_errors(response, "valid_to") == ["截止日期不能早于起始日期"]
    assert clerk.post(url, {"valid_to": "2025-03-31"}).status_code == 302
    assert CategoryAssignment.objects.get().valid_to == date(2025, 3, 31)
    other = make_person(make_household(VILLAGE), categories=["wubao"]).categories.get()
    assert clerk.post(f"/registry/persons/{person.pk}/categories/{other.pk}/end/", {"valid_to": "2025-03-31"}).status_code == 404
    assert other.valid_to is None and CategoryAssignment.objects.get(pk=other.pk).valid_to is None


def test_category_list_and_add_form(tree):
    county = Client()
    county.force_login(make_member(Role.COUNTY_OFFICER, "520402"))
    html = county.get("/registry/categories/").content.decode()
    assert "低保" in html and "流浪乞讨" in html and "新增人员类别" in html
    response = county.post("/registry/categories/", {"code": "bad code", "name": "某类", "name_en": "x", "level": "person"})
    assert field_errors(response, "code")
    response = county.post("/registry/categories/", {"code": "dibao2", "name": "低保", "name_en": "x", "level": "person"})
    assert field_errors(response, "code") == ["类别代码或名称已存在。"]
    assert county.post("/registry/categories/", {"code": "local_hardship", "name": "临时困难", "name_en": "Local hardship", "level": "household"}).status_code == 302
    assert Category.objects.get(code="local_hardship").name == "临时困难"

    helper = Client()
    helper.force_login(make_member(Role.HELPER, VILLAGE))
    html = helper.get("/registry/categories/").content.decode()
    assert "临时困难" in html and "新增人员类别" not in html
    assert helper.post("/registry/categories/", {"code": "x", "name": "某类", "name_en": "x", "level": "person"}).status_code == 404
    assert not Category.objects.filter(code="x").exists()
