"""The person list, the household page and the person page, as a clerk or officer sees them."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.test import Client

from tests.factories import make_member
from tests.registry.factories import NANJIE_VILLAGE, OTHER_VILLAGE, PINGBA_VILLAGE, VILLAGE, make_assignment, make_household, make_person
from warmwinter.accounts.roles import Role
from warmwinter.registry import services
from warmwinter.registry.validation import PersonInput


def signed_in(role: str, code: str, **fields) -> Client:
    client = Client()
    client.force_login(make_member(role, code, **fields))
    return client


def names_listed(response) -> list[str]:
    assert response.status_code == 200
    body = response.content.decode()
    table = body[body.index('<table id="persons">'):body.index("</table>")]
    return re.findall(r'<a href="/registry/persons/\d+/"[^>]*>([^<]+)</a>', table)


@pytest.fixture
def ledger(tree):
    """Two households in 金钟社区, one in 东关社区 (same township), one in 南街 and one in 平坝 (outside)."""
    zhang = make_household(VILLAGE, number="JZ-01", members=[{"name": "张伟", "categories": ["dibao"]}, {"name": "张小红"}])
    li = make_household(VILLAGE, number="JZ-02", members=[{"name": "李娜", "alive": False, "death_date": date(2024, 2, 1)}])
    make_person(zhang.members.get(name="张小红").household, name="单田芳", relation="parent", categories=[("disabled", 2)])
    dong = make_household(OTHER_VILLAGE, number="DG-01", members=["赵敏"])
    make_household(NANJIE_VILLAGE, members=["钱南街"])
    make_household(PINGBA_VILLAGE, members=["孙平坝"])
    return {"zhang": zhang, "li": li, "dong": dong}


def test_a_village_clerk_sees_only_their_village(ledger):
    listed = names_listed(signed_in(Role.VILLAGE_CLERK, VILLAGE).get("/registry/"))
    assert sorted(listed) == sorted(["张伟", "张小红", "单田芳", "李娜"])


def test_a_township_officer_filters_by_village(ledger):
    client = signed_in(Role.TOWNSHIP_OFFICER, "520402005000")
    assert sorted(names_listed(client.get("/registry/"))) == sorted(["张伟", "张小红", "单田芳", "李娜", "赵敏"])
    assert names_listed(client.get("/registry/", {"region": OTHER_VILLAGE})) == ["赵敏"]
    # A region outside the scope finds nothing rather than the other township's people.
    assert names_listed(client.get("/registry/", {"region": NANJIE_VILLAGE})) == []


def test_the_region_select_offers_only_places_in_scope(ledger):
    html = signed_in(Role.TOWNSHIP_OFFICER, "520402005000").get("/registry/").content.decode()
    select = html[html.index('id="f-region"'):html.index("</select>", html.index('id="f-region"'))]
    assert "金钟社区居民委员会" in select and "东关社区居民委员会" in select and "东关街道" in select
    assert "塔东社区居民委员会" not in select and "南街街道" not in select and "夏云" not in html


def test_search_by_pinyin_initials_full_pinyin_name_and_id_tail(ledger):
    client = signed_in(Role.VILLAGE_CLERK, VILLAGE)
    assert names_listed(client.get("/registry/", {"q": "zw"})) == ["张伟"]
    assert names_listed(client.get("/registry/", {"q": "ZW"})) == ["张伟"]
    assert sorted(names_listed(client.get("/registry/", {"q": "zhang"}))) == ["张伟", "张小红"]
    assert names_listed(client.get("/registry/", {"q": "stf"})) == ["单田芳"]  # 单 read as the surname shan
    assert names_listed(client.get("/registry/", {"q": "小红"})) == ["张小红"]
    person = ledger["zhang"].members.get(name="张伟")
    assert names_listed(client.get("/registry/", {"q": person.id_number()[-6:]})) == ["张伟"]


def test_filter_by_category_in_force_and_by_alive(ledger):
    client = signed_in(Role.VILLAGE_CLERK, VILLAGE)
    assert names_listed(client.get("/registry/", {"category": "dibao"})) == ["张伟"]
    assert names_listed(client.get("/registry/", {"alive": "0"})) == ["李娜"]
    assert "李娜" not in names_listed(client.get("/registry/", {"alive": "1"}))
    # An ended category no longer counts.
    ended = ledger["zhang"].members.get(name="张伟").categories.get()
    ended.valid_to = date.today() - timedelta(days=1)
    ended.save()
    assert names_listed(client.get("/registry/", {"category": "dibao"})) == []


def test_rows_show_the_masked_id_age_village_and_categories_of_today(ledger):
    person = ledger["zhang"].members.get(name="单田芳")
    make_assignment(person, "orphan", valid_from=date(2000, 1, 1), valid_to=date(2001, 1, 1))  # long ended
    html = signed_in(Role.VILLAGE_CLERK, VILLAGE).get("/registry/", {"q": "stf"}).content.decode()
    row = html[html.index("单田芳"):html.index("</tr>", html.index("单田芳"))]
    assert person.id_number_masked in row and person.id_number() not in html
    assert "金钟社区居民委员会" in row
    assert "残疾人 2级" in row and "孤儿" not in row
    today = date.today()
    age = today.year - person.birth_date.year - ((today.month, today.day) < (person.birth_date.month, person.birth_date.day))
    assert f"{age} 岁 · " in row


def test_the_list_pages_by_fifty(tree):
    household = make_household(VILLAGE)
    for i in range(51):
        make_person(household, name=f"王{chr(0x4e00 + i)}")
    client = signed_in(Role.VILLAGE_CLERK, VILLAGE)
    assert len(names_listed(client.get("/registry/"))) == 50
    assert len(names_listed(client.get("/registry/", {"page": 2}))) == 1
    assert "共 51 人" in client.get("/registry/").content.decode()


def test_the_menu_shows_the_ledger_to_roles_that_may_see_it(tree):
    assert 'href="/registry/"' in signed_in(Role.HELPER, VILLAGE).get("/").content.decode()
    keeper = signed_in(Role.WAREHOUSE_KEEPER, "520402")
    assert 'href="/registry/"' not in keeper.get("/").content.decode()
    assert keeper.get("/registry/").status_code == 404


# --- household and person pages ---------------------------------------------------------------------


def test_household_page_shows_members_categories_and_masked_numbers(ledger, tree):
    household = ledger["zhang"]
    clerk = make_member(Role.VILLAGE_CLERK, VILLAGE, username="yang")
    services.household_update(actor=clerk, household=household, version=1, heating_method="coal_stove", bank_account="6228480012345678")
    client = Client()
    client.force_login(clerk)
    html = client.get(f"/registry/households/{household.pk}/").content.decode()
    assert "张伟户" in html and "JZ-01" in html
    members = html[html.index('id="members"'):html.index("</table>", html.index('id="members"'))]
    for person in household.members.all():
        assert person.name in members and person.id_number_masked in members
        assert person.id_number() not in html
    assert "低保" in members and "2024-01-01" in members and "残疾人 2级" in members
    assert "燃煤炉" in html and "****5678" in html and "6228480012345678" not in html


def test_household_history_lists_its_events_newest_first(ledger, tree):
    household = ledger["zhang"]
    clerk = make_member(Role.VILLAGE_CLERK, VILLAGE, username="yang")
    person = services.person_register(actor=clerk, household=household, data=PersonInput(name="张新", id_number="", gender="男", birth_date="2020-01-02", relation="孙子"))
    services.household_update(actor=clerk, household=household, version=1, housing_condition="dangerous")
    services.category_assign(actor=clerk, person=person, category_code="left_behind_child", valid_from=date(2025, 1, 1))
    other = ledger["li"]
    services.household_update(actor=clerk, household=other, version=1, address="别家的地址")
    client = Client()
    client.force_login(make_member(Role.HELPER, VILLAGE))  # read-only roles see the history too
    html = client.get(f"/registry/households/{household.pk}/").content.decode()
    history = html[html.index('id="history"'):html.index("</table>", html.index('id="history"'))]
    order = [history.index(label) for label in ("认定人员类别", "修改家庭", "登记人员")]
    assert order == sorted(order), "newest first"
    assert "住房状况" in history and "未知 → 危房" in history
    assert "张新 · 留守儿童" in history
    assert "别家的地址" not in history


def test_person_page(ledger):
    person = ledger["zhang"].members.get(name="单田芳")
    html = signed_in(Role.VILLAGE_CLERK, VILLAGE).get(f"/registry/persons/{person.pk}/").content.decode()
    assert "单田芳" in html and "shantianfang" in html and person.id_number_masked in html
    assert person.id_number() not in html
    assert "残疾人 2级" in html and "查看完整身份证号" in html and "认定人员类别" in html


def test_pages_outside_scope_are_404(ledger):
    client = signed_in(Role.VILLAGE_CLERK, VILLAGE)
    dong = ledger["dong"]
    assert client.get(f"/registry/households/{dong.pk}/").status_code == 404
    assert client.get(f"/registry/persons/{dong.head_id}/").status_code == 404
    assert client.get("/registry/households/999999/").status_code == 404


def test_a_helper_reads_but_does_not_edit(ledger):
    client = signed_in(Role.HELPER, VILLAGE)
    household = ledger["zhang"]
    html = client.get(f"/registry/households/{household.pk}/").content.decode()
    assert "张伟" in html and "修改家庭信息" not in html and "添加家庭成员" not in html
    person_html = client.get(f"/registry/persons/{household.head_id}/").content.decode()
    assert "查看完整身份证号" not in person_html and "修改人员信息" not in person_html
    assert client.get(f"/registry/households/{household.pk}/edit/").status_code == 404
    assert client.get(f"/registry/persons/{household.head_id}/edit/").status_code == 404
    assert client.get("/registry/households/new/").status_code == 404
