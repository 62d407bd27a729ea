"""The cross-check page: upload a list, review the flags, record a confirmed death."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import make_member
from tests.registry.factories import NANJIE_VILLAGE, VILLAGE, id_number, make_person
from warmwinter.audit.models import Event
from warmwinter.registry.models import CrosscheckFlag, DuplicateStatus

pytestmark = pytest.mark.django_db

URL = "/registry/crosschecks/"


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(client, content: str, *, kind="deceased", region="520402005000", name="死亡名单.csv", source="县公安局"):
    upload = SimpleUploadedFile(name, content.encode())
    return client.post(f"{URL}run/", {"file": upload, "kind": kind, "region": region, "source": source}, follow=True)


@pytest.fixture
def old_man(tree):
    return make_person(name="王老汉", id_number=id_number(birth_date=date(1935, 2, 3)))


def _flag(person, **fields) -> CrosscheckFlag:
    values = {"kind": "deceased", "source": "县公安局", "detail": "2025-11-02"} | fields
    return CrosscheckFlag.objects.create(person=person, region_id=person.region_id, **values)


def test_upload_flags_and_lists_them(old_man):
    client = _browser(make_member("township_officer", "520402005"))

    response = _upload(client, f"姓名,身份证号,死亡日期\n王老汉,{old_man.id_number()},2025-11-02\n孙某,{id_number()},2025-11-03\n")

    html = response.content.decode()
    assert "比对完成：名单 2 人，在台账中找到 1 人，未找到 1 人；新增待核实疑点 1 条。" in html
    flag = CrosscheckFlag.objects.get()
    assert f'id="flag-{flag.pk}"' in html
    assert "2025-11-02" in html and "死亡人员" in html and ">情况属实</button>" in html


def test_upload_with_a_bad_id_cell_shows_row_and_column_and_writes_nothing(old_man):
    client = _browser(make_member("township_officer", "520402005"))

    response = _upload(client, f"姓名,身份证号码,死亡日期\n王老汉,{old_man.id_number()},2025-11-02\n孙某,52040219300101123,2025-11-03\n")

    assert response.status_code == 400
    html = response.content.decode()
    assert "比对名单有 1 处错误，未进行比对。请改正后重新上传。" in html
    assert "第 3 行，B 列（身份证号码）：身份证号应为 18 位（现为 17 位）" in html
    assert not CrosscheckFlag.objects.exists()
    assert not Event.objects.filter(action="crosscheck.run").exists()


def test_upload_form_only_for_crosscheck_roles(old_man):
    clerk = _browser(make_member("village_clerk", VILLAGE))

    assert 'id="crosscheck-upload"' not in clerk.get(URL).content.decode()
    assert _upload(clerk, f"身份证号\n{old_man.id_number()}\n", region=VILLAGE).status_code == 404
    assert not CrosscheckFlag.objects.exists()


def test_confirm_is_audited_and_does_not_change_the_person(old_man):
    flag = _flag(old_man)
    client = _browser(make_member("township_officer", "520402005"))

    response = client.post(f"{URL}{flag.pk}/review/", {"decision": "confirm"}, follow=True)

    assert "已记录核实结果：王老汉，情况属实。" in response.content.decode()
    flag.refresh_from_db()
    assert flag.status == DuplicateStatus.LINKED
    old_man.refresh_from_db()
    assert old_man.alive and old_man.death_date is None
    [event] = Event.objects.filter(action="crosscheck.confirm")
    assert event.changes["status"] == ["open", "linked"]
    # The confirmed death now offers the button, with the date from the list.
    assert "在台账中登记死亡（2025-11-02）" in client.get(URL, {"status": "linked"}).content.decode()


def test_dismiss_closes_the_flag(old_man):
    flag = _flag(old_man, kind="public_servant", detail="县一中")
    client = _browser(make_member("county_officer", "520402"))

    client.post(f"{URL}{flag.pk}/review/", {"decision": "dismiss"})

    assert CrosscheckFlag.objects.get(pk=flag.pk).status == DuplicateStatus.DISMISSED
    assert "没有比对疑点。" in client.get(URL).content.decode()
    assert Event.objects.filter(action="crosscheck.dismiss", object_id=str(flag.pk)).count() == 1


def test_mark_deceased_goes_through_the_person_update(old_man):
    flag = _flag(old_man, status=DuplicateStatus.LINKED)
    client = _browser(make_member("township_officer", "520402005"))

    response = client.post(f"{URL}{flag.pk}/deceased/", follow=True)

    assert "已将王老汉登记为死亡。" in response.content.decode()
    old_man.refresh_from_db()
    assert (old_man.alive, old_man.death_date) == (False, date(2025, 11, 2))
    [event] = Event.objects.filter(action="person.update", object_id=str(old_man.pk))
    assert event.changes["alive"] == [True, False]
    assert "在台账中登记死亡" not in client.get(URL, {"status": "linked"}).content.decode()


def test_mark_deceased_needs_a_confirmed_flag(old_man):
    flag = _flag(old_man)
    response = _browser(make_member("township_officer", "520402005")).post(f"{URL}{flag.pk}/deceased/", follow=True)

    assert "只有已确认的死亡比对疑点才能据此标记死亡。" in response.content.decode()
    old_man.refresh_from_db()
    assert old_man.alive


def test_supervisor_may_review_but_not_change_the_person(old_man):
    flag = _flag(old_man, status=DuplicateStatus.LINKED)
    client = _browser(make_member("supervisor", "520402"))

    assert "在台账中登记死亡" not in client.get(URL, {"status": "linked"}).content.decode()
    response = client.post(f"{URL}{flag.pk}/deceased/", follow=True)
    assert "您的角色无权进行此操作。" in response.content.decode()
    old_man.refresh_from_db()
    assert old_man.alive


def test_flags_of_another_township_are_invisible_and_404(tree):
    far = make_person(name="赵大爷", region_code=NANJIE_VILLAGE)
    flag = _flag(far)
    client = _browser(make_member("township_officer", "520402005"))

    assert "赵大爷" not in client.get(URL).content.decode()
    assert client.post(f"{URL}{flag.pk}/review/", {"decision": "confirm"}).status_code == 404
    assert client.post(f"{URL}{flag.pk}/deceased/").status_code == 404
    assert CrosscheckFlag.objects.get(pk=flag.pk).status == DuplicateStatus.OPEN
