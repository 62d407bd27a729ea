"""Writes on the ledger: each one checks scope and role, validates, and leaves one audit event."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.factories import make_member
from tests.registry.factories import NANJIE_VILLAGE, VILLAGE, id_number, make_household, make_person, person_input
from warmwinter.accounts.roles import Role
from warmwinter.audit.models import Event
from warmwinter.core.errors import DomainError, Forbidden, NotFound
from warmwinter.registry import protection, services
from warmwinter.registry.models import Category, CategoryAssignment, Household, Person


@pytest.fixture
def clerk(tree):
    return make_member(Role.VILLAGE_CLERK, VILLAGE, username="clerk")


@pytest.fixture
def household(tree):
    return make_household(VILLAGE, number="H1")


def only_event(action: str) -> Event:
    events = list(Event.objects.filter(action=action))
    assert len(events) == 1, f"{len(events)} {action} events"
    return events[0]


# --- households -------------------------------------------------------------------------------------


def test_household_register_audits_the_new_values(clerk):
    household = services.household_register(actor=clerk, region_code=VILLAGE, number="001", address="金钟路 1 号",
                                             heating_method="coal_stove", bank_account="6228 4800 1234 5678")
    assert household.region_id == VILLAGE and household.bank_account_masked == "****5678"
    assert protection.decrypt(household.bank_account_protected, context=b"bank") == "6228480012345678"
    event = only_event("household.register")
    assert (event.actor_name, event.role, event.region_code) == ("clerk", Role.VILLAGE_CLERK, VILLAGE)
    assert (event.object_type, event.object_id) == ("registry.household", str(household.pk))
    assert event.changes["address"] == [None, "金钟路 1 号"]
    assert event.changes["heating_method"] == [None, "coal_stove"]
    assert "6228480012345678" not in json.dumps(event.changes)


def test_household_must_be_in_a_village(clerk, tree):
    county = make_member(Role.COUNTY_OFFICER, "520402")
    with pytest.raises(DomainError) as caught:
        services.household_register(actor=county, region_code="520402005000")
    assert str(caught.value) == str(services.NOT_A_VILLAGE) and caught.value.field == "region"
    assert not Household.objects.exists() and not Event.objects.filter(action="household.register").exists()


def test_household_outside_scope_is_not_found_and_a_helper_is_forbidden(clerk, tree):
    with pytest.raises(NotFound):
        services.household_register(actor=clerk, region_code=NANJIE_VILLAGE)
    helper = make_member(Role.HELPER, VILLAGE)
    with pytest.raises(Forbidden):
        services.household_register(actor=helper, region_code=VILLAGE)
    assert not Household.objects.exists()


def test_household_update_audits_before_and_after(clerk, household):
    services.household_update(actor=clerk, household=household, version=1, housing_condition="dangerous", address="新址")
    household.refresh_from_db()
    assert (household.housing_condition, household.address, household.version) == ("dangerous", "新址", 2)
    event = only_event("household.update")
    assert event.changes == {"address": ["", "新址"], "housing_condition": ["unknown", "dangerous"]}


def test_household_update_with_a_stale_version_changes_nothing(clerk, household):
    services.household_update(actor=clerk, household=Household.objects.get(pk=household.pk), version=1, address="甲")
    with pytest.raises(DomainError) as caught:
        services.household_update(actor=clerk, household=Household.objects.get(pk=household.pk), version=1, address="乙")
    assert str(caught.value) == "该记录已被他人修改，请刷新后重试。"
    household.refresh_from_db()
    assert (household.address, household.version) == ("甲", 2)
    assert Event.objects.filter(action="household.update").count() == 1


def test_household_bank_account_change_is_audited_without_the_number(clerk, household):
    services.household_update(actor=clerk, household=household, version=1, bank_account="6228480099998888")
    assert Household.objects.get(pk=household.pk).bank_account_masked == "****8888"
    assert only_event("household.update").changes["bank_account"] == ["***", "***"]


def test_household_with_head_is_all_or_nothing(clerk):
    household = services.household_register_with_head(actor=clerk, region_code=VILLAGE, head=person_input(name="王大山", relation=""))
    assert household.head.name == "王大山" and household.head.relation == "head"
    assert Event.objects.filter(action__in=["household.register", "person.register"]).count() == 2
    with pytest.raises(DomainError) as caught:
        services.household_register_with_head(actor=clerk, region_code=VILLAGE, head=person_input(name="李四", id_number="52040219500301001"))
    assert caught.value.field == "id_number"
    assert Household.objects.count() == 1 and Event.objects.count() == 2


# --- persons ----------------------------------------------------------------------------------------


def test_person_register_protects_the_id_number_and_audits_it_masked(clerk, household):
    number = id_number(birth_date=date(1948, 5, 6), gender="F")
    person = services.person_register(actor=clerk, household=household, data=person_input(name="曾秀英", id_number=number.lower(), relation="户主"))
    stored = Person.objects.get(pk=person.pk)
    assert stored.id_number_protected and number not in stored.id_number_protected
    assert stored.id_number_hash == protection.lookup_hash(number)
    assert stored.id_number_masked == number[:4] + "*" * 10 + number[-4:]
    assert stored.id_number() == number
    assert (stored.gender, stored.birth_date) == ("F", date(1948, 5, 6))  # derived from the number
    assert (stored.name_pinyin, stored.name_initials) == ("zengxiuying", "zxy")
    assert Household.objects.get(pk=household.pk).head_id == person.pk
    event = only_event("person.register")
    assert event.changes["name"] == [None, "曾秀英"]
    assert event.changes["id_number_masked"] == [None, stored.id_number_masked]
    assert number not in json.dumps(event.changes)


def test_one_person_per_id_number(clerk, household, tree):
    other = make_household(NANJIE_VILLAGE)
    existing = make_person(other, name="张三")
    with pytest.raises(DomainError) as caught:
        services.person_register(actor=clerk, household=household, data=person_input(name="张叁", id_number=existing.id_number()))
    assert str(caught.value) == f"身份证号已登记（{existing.id_number_masked}，塔东社区居民委员会）。一个身份证号只能对应一个人。"
    assert caught.value.field == "id_number"
    assert Person.objects.count() == 1 and not Event.objects.filter(action="person.register").exists()


def test_person_register_reports_the_first_rule_broken(clerk, household):
    with pytest.raises(DomainError) as caught:
        services.person_register(actor=clerk, household=household, data=person_input(name="", phone="abc"))
    assert (str(caught.value), caught.value.field) == ("姓名不能为空", "name")
    assert caught.value.errors == ["联系电话“abc”格式不对"]
    assert not Person.objects.exists()


def test_person_update_audits_before_and_after(clerk, household):
    person = make_person(household, name="王芳")
    number = person.id_number()
    services.person_update(actor=clerk, person=person, version=1,
                           data=person_input(name="王芳芳", id_number=number, relation="配偶", phone="13912345678"))
    stored = Person.objects.get(pk=person.pk)
    assert (stored.name, stored.name_initials, stored.relation, stored.version) == ("王芳芳", "wff", "spouse", 2)
    assert stored.id_number() == number
    event = only_event("person.update")
    assert event.changes["name"] == ["王芳", "王芳芳"]
    assert event.changes["relation"][1] == "spouse"
    assert "id_number_masked" not in event.changes  # unchanged number, no change recorded


def test_person_update_with_a_stale_version_changes_nothing(clerk, household):
    person = make_person(household, name="王芳")
    data = person_input(name="王芳", id_number=person.id_number(), relation="户主")
    services.person_update(actor=clerk, person=Person.objects.get(pk=person.pk), data=data, version=1)
    with pytest.raises(DomainError) as caught:
        services.person_update(actor=clerk, person=Person.objects.get(pk=person.pk), data=person_input(
            name="王小芳", id_number=person.id_number()), version=1)
    assert str(caught.value) == str(services.CHANGED_MEANWHILE)
    assert Person.objects.get(pk=person.pk).name == "王芳"
    assert Event.objects.filter(action="person.update").count() == 1


def test_person_update_to_a_taken_number_is_refused(clerk, household):
    first, second = make_person(household, name="甲"), make_person(household, name="乙")
    with pytest.raises(DomainError) as caught:
        services.person_update(actor=clerk, person=second, data=person_input(name="乙", id_number=first.id_number()), version=1)
    assert caught.value.field == "id_number" and "身份证号已登记" in str(caught.value)
    assert Person.objects.get(pk=second.pk).id_number_hash == second.id_number_hash


# --- categories -------------------------------------------------------------------------------------


def test_category_assign_audits_the_period_and_grade(clerk, household):
    person = make_person(household)
    assignment = services.category_assign(actor=clerk, person=person, category_code="disabled", grade=2, valid_from=date(2024, 3, 1),
                                          source="残联残疾证", verified_by="杨协理")
    assert (assignment.category_id, assignment.grade, assignment.region_id) == ("disabled", 2, VILLAGE)
    event = only_event("category.assign")
    assert event.changes["category"] == [None, "disabled"]
    assert event.changes["grade"] == [None, 2]
    assert event.changes["valid_from"] == [None, "2024-03-01"]
    again = services.category_assign(actor=clerk, person=person, category_code="disabled", grade=2, valid_from=date(2024, 3, 1))
    assert again.pk == assignment.pk and Event.objects.filter(action="category.assign").count() == 1


@pytest.mark.parametrize(("code", "grade", "valid_to", "field", "message"), [
    ("disabled", None, None, "grade", "残疾人需要填写等级（1–4 级）"),
    ("dibao", 1, None, "grade", "低保不分等级"),
    ("dibao", None, date(2023, 12, 31), "valid_to", "截止日期不能早于起始日期"),
    ("no_such", None, None, "category", "人员类别不存在：no_such"),
])
def test_category_rules(clerk, household, code, grade, valid_to, field, message):
    person = make_person(household)
    with pytest.raises(DomainError) as caught:
        services.category_assign(actor=clerk, person=person, category_code=code, grade=grade, valid_from=date(2024, 1, 1), valid_to=valid_to)
    assert (caught.value.field, str(caught.value)) == (field, message)
    assert not CategoryAssignment.objects.exists() and not Event.objects.exists()


def test_an_inactive_category_cannot_be_assigned(clerk, household):
    Category.objects.filter(code="wubao").update(active=False)
    with pytest.raises(DomainError) as caught:
        services.category_assign(actor=clerk, person=make_person(household), category_code="wubao", valid_from=date(2024, 1, 1))
    assert caught.value.field == "category"


def test_category_end_keeps_the_record_and_audits_the_date(clerk, household):
    person = make_person(household, categories=["dibao"])
    assignment = person.categories.get()
    services.category_end(actor=clerk, assignment=assignment, valid_to=date(2025, 6, 30))
    assert CategoryAssignment.objects.get(pk=assignment.pk).valid_to == date(2025, 6, 30)
    assert only_event("category.end").changes == {"valid_to": [None, "2025-06-30"]}
    with pytest.raises(DomainError) as caught:
        services.category_end(actor=clerk, assignment=assignment, valid_to=date(2023, 1, 1))
    assert caught.value.field == "valid_to"
    assert CategoryAssignment.objects.get(pk=assignment.pk).valid_to == date(2025, 6, 30)


def test_category_create_by_a_county_officer(tree):
    county = make_member(Role.COUNTY_OFFICER, "520402", username="county")
    category = services.category_create(actor=county, code="hardship_local", name="临时困难户", name_en="Local hardship", level="household")
    assert Category.objects.get(code="hardship_local").name == "临时困难户"
    event = only_event("category.create")
    assert (event.role, event.region_code, event.object_id) == (Role.COUNTY_OFFICER, "520402000000", category.pk)
    with pytest.raises(DomainError) as caught:
        services.category_create(actor=county, code="other", name="临时困难户", name_en="x")
    assert str(caught.value) == "类别代码或名称已存在。"


def test_category_create_needs_a_role_that_manages_categories(tree):
    clerk = make_member(Role.VILLAGE_CLERK, VILLAGE)
    with pytest.raises(Forbidden):
        services.category_create(actor=clerk, code="x1", name="某类", name_en="x")
    nobody = make_member(Role.HELPER, VILLAGE)
    nobody.memberships.update(active=False)
    with pytest.raises(Forbidden):
        services.category_create(actor=nobody, code="x2", name="某类二", name_en="x")
    # A clerk who is also a county officer may: the membership that allows it is the one used.
    make_member(Role.COUNTY_OFFICER, "520402", user=clerk)
    services.category_create(actor=type(clerk).objects.get(pk=clerk.pk), code="x3", name="某类三", name_en="x")
    assert list(Category.objects.filter(code__in=["x1", "x2", "x3"]).values_list("code", flat=True)) == ["x3"]


# --- the full ID number -----------------------------------------------------------------------------


def test_reveal_returns_the_number_and_audits_the_reason(clerk, household):
    person = make_person(household)
    assert services.person_reveal_id(actor=clerk, person=person, reason="  核对低保发放名单 ") == person.id_number()
    event = only_event("person.reveal_id")
    assert (event.actor_name, event.object_id, event.region_code) == ("clerk", str(person.pk), VILLAGE)
    assert event.changes == {"reason": [None, "核对低保发放名单"]}


def test_reveal_without_a_reason_shows_nothing_and_writes_nothing(clerk, household):
    with pytest.raises(DomainError) as caught:
        services.person_reveal_id(actor=clerk, person=make_person(household), reason=" ")
    assert (str(caught.value), caught.value.field) == ("查看完整身份证号须填写事由", "reason")
    assert not Event.objects.exists()


def test_reveal_is_forbidden_to_a_helper_and_not_found_outside_scope(clerk, household, tree):
    person = make_person(household)
    helper = make_member(Role.HELPER, VILLAGE)
    with pytest.raises(Forbidden):
        services.person_reveal_id(actor=helper, person=person, reason="好奇")
    stranger = make_member(Role.VILLAGE_CLERK, NANJIE_VILLAGE)
    with pytest.raises(NotFound):
        services.person_reveal_id(actor=stranger, person=person, reason="核对")
    assert not Event.objects.exists()


def test_no_audit_event_ever_holds_a_full_id_number(clerk, household):
    person = services.person_register(actor=clerk, household=household, data=person_input(name="甲"))
    services.person_update(actor=clerk, person=person, data=person_input(name="甲", id_number=id_number()), version=1)
    services.person_reveal_id(actor=clerk, person=person, reason="核对")
    numbers = {person.id_number()}
    dumped = json.dumps(list(Event.objects.values("changes")), ensure_ascii=False)
    assert Event.objects.count() == 3
    assert not any(n in dumped for n in numbers)


@pytest.mark.django_db(transaction=True)
def test_two_clerks_saving_the_same_version_at_once_one_wins(append_only_flushable, tree):
    """The version check is a conditional UPDATE, so it holds without row locks."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the SQLite test database is in memory: threads cannot share it (the race is run on PostgreSQL)")
    household = make_household(VILLAGE)
    clerks = [make_member(Role.VILLAGE_CLERK, VILLAGE, username=f"c{i}") for i in range(2)]
    barrier, outcomes = threading.Barrier(2), []

    def save(clerk, address):
        try:
            barrier.wait()
            services.household_update(actor=clerk, household=Household.objects.get(pk=household.pk), version=1, address=address)
            outcomes.append("saved")
        except DomainError as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(c, f"地址{i}")) for i, c in enumerate(clerks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == sorted(["saved", str(services.CHANGED_MEANWHILE)])
    household.refresh_from_db()
    assert household.version == 2 and household.address in ("地址0", "地址1")
    assert Event.objects.filter(action="household.update").count() == 1
