"""「查看完整身份证号」: a reason first, the number once in the POST answer, one audit event."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import make_member
from tests.registry.factories import NANJIE_VILLAGE, VILLAGE, make_household, make_person
from warmwinter.accounts.roles import Role
from warmwinter.audit.models import Event


def signed_in(role: str, code: str = VILLAGE, **fields) -> Client:
    client = Client()
    client.force_login(make_member(role, code, **fields))
    return client


@pytest.fixture
def person(tree):
    return make_person(make_household(VILLAGE), name="张伟")


def test_reveal_asks_for_a_reason_then_shows_the_number_once(person):
    client = signed_in(Role.VILLAGE_CLERK, username="yang")
    url = f"/registry/persons/{person.pk}/reveal-id/"
    number = person.id_number()

    form = client.get(url)
    assert form.status_code == 200
    assert "查看事由" in form.content.decode() and number not in form.content.decode()
    assert not Event.objects.exists()

    empty = client.post(url, {"reason": "  "})
    assert "查看完整身份证号须填写事由" in empty.content.decode() and number not in empty.content.decode()
    assert not Event.objects.exists()

    shown = client.post(url, {"reason": "核对低保发放名单"})
    assert shown.status_code == 200
    html = shown.content.decode()
    assert 'id="id-full"' in html and html.count(number) == 1
    assert "no-cache" in shown["Cache-Control"] or "no-store" in shown["Cache-Control"]
    event = Event.objects.get()
    assert (event.action, event.actor_name, event.object_id) == ("person.reveal_id", "yang", str(person.pk))
    assert event.changes == {"reason": [None, "核对低保发放名单"]}

    # The person page itself never carries the number.
    assert number not in client.get(f"/registry/persons/{person.pk}/").content.decode()


@pytest.mark.parametrize("role", [Role.TOWNSHIP_OFFICER, Role.STATION_STAFF, Role.FINANCE_OFFICER])
def test_other_roles_that_need_the_number(person, role):
    code = "520402" if role in (Role.STATION_STAFF, Role.FINANCE_OFFICER) else "520402005000"
    response = signed_in(role, code).post(f"/registry/persons/{person.pk}/reveal-id/", {"reason": "核对"})
    assert person.id_number() in response.content.decode()
    assert Event.objects.filter(action="person.reveal_id").count() == 1


def test_a_helper_sees_the_person_but_is_refused_the_number(person):
    client = signed_in(Role.HELPER)
    assert "查看完整身份证号" not in client.get(f"/registry/persons/{person.pk}/").content.decode()
    assert client.get(f"/registry/persons/{person.pk}/reveal-id/").status_code == 403
    refused = client.post(f"/registry/persons/{person.pk}/reveal-id/", {"reason": "好奇"})
    assert refused.status_code == 403 and person.id_number() not in refused.content.decode()
    assert not Event.objects.exists()


@pytest.mark.parametrize("role", [Role.HELPER, Role.VILLAGE_CLERK, Role.WAREHOUSE_KEEPER])
def test_outside_scope_or_without_the_ledger_it_is_404(person, role):
    code = "520402" if role == Role.WAREHOUSE_KEEPER else NANJIE_VILLAGE  # the keeper: in scope, never sees the ledger
    client = signed_in(role, code)
    assert client.get(f"/registry/persons/{person.pk}/reveal-id/").status_code == 404
    assert client.post(f"/registry/persons/{person.pk}/reveal-id/", {"reason": "核对"}).status_code == 404
    assert not Event.objects.exists()


def test_no_link_for_a_person_without_an_id_number(tree):
    person = make_person(make_household(VILLAGE), name="无证者", id_number="", gender="M")
    html = signed_in(Role.VILLAGE_CLERK).get(f"/registry/persons/{person.pk}/").content.decode()
    assert "查看完整身份证号" not in html
