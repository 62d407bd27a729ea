"""/surveys/<round_id>/import and /surveys/<round_id>/blank.xlsx as a village clerk uses them."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import make_member
from tests.registry.factories import VILLAGE, make_household
from tests.surveys.factories import TOWNSHIP, make_round
from tests.surveys.test_imports import data_row, sheet_rows, xlsx_bytes
from warmwinter.accounts.roles import Role
from warmwinter.surveys.models import SurveyResponse

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def world(tree):
    round_ = make_round(TOWNSHIP, name="冬季入户走访")
    homes = [make_household(VILLAGE, number="JZ-01", members=["张一"]), make_household(VILLAGE, number="JZ-02", members=["李二"])]
    clerk = make_member(Role.VILLAGE_CLERK, VILLAGE, username="clerk")
    client = Client()
    client.force_login(clerk)
    return {"round": round_, "ids": [h.head.id_number() for h in homes], "client": client}


def upload(world, content: bytes, name: str = "摸底表.xlsx"):
    url = reverse("surveys:round_import", kwargs={"round_id": world["round"].pk})
    return world["client"].post(url, {"file": SimpleUploadedFile(name, content, content_type=XLSX)})


def text_of(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    return match.group(1).strip() if match else ""


def test_form_shows_the_round_and_the_blank_sheet_link(world):
    page = world["client"].get(reverse("surveys:round_import", kwargs={"round_id": world["round"].pk}))
    html = page.content.decode()
    assert page.status_code == 200 and "导入到：冬季入户走访（东关街道）" in html
    assert reverse("surveys:round_blank", kwargs={"round_id": world["round"].pk}) in html and 'type="file"' in html


def test_good_upload_shows_the_counts(world):
    ids = world["ids"]
    page = upload(world, xlsx_bytes(sheet_rows([1, *data_row("张一", ids[0], 取暖方式="无取暖设施")[1:]], [2, *data_row("李二", ids[1])[1:]])))
    html = page.content.decode()
    assert page.status_code == 200 and "导入完成：共 2 户。" in html
    assert (text_of(html, "count-created"), text_of(html, "count-updated"), text_of(html, "count-hazards")) == ("2", "0", "1")
    assert SurveyResponse.objects.count() == 2


def test_bad_upload_shows_every_error_and_writes_nothing(world):
    ids = world["ids"]
    page = upload(world, xlsx_bytes(sheet_rows([1, *data_row("张一", ids[0], 饮水正常="不知道")[1:]], [2, *data_row("李二", "")[1:]])))
    html = page.content.decode()
    assert "文件中有 2 处错误，整份文件未导入。" in html
    rows = re.findall(r"<tr><td>(.*?)</td><td[^>]*>(.*?)</td><td>(.*?)</td></tr>", html)
    assert rows == [("4", "饮水正常", "请填“是”或“否”"), ("5", "户主身份证号", "请填写户主身份证号或户编号")]
    assert SurveyResponse.objects.count() == 0


def test_blank_sheet_download(world):
    response = world["client"].get(reverse("surveys:round_blank", kwargs={"round_id": world["round"].pk}))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet["A1"].value == "冬季入户走访摸底表" and sheet["D3"].value == "户主姓名"


def test_roles_and_scope(world):
    auditor = make_member(Role.AUDITOR, "520402000000", username="auditor")
    client = Client()
    client.force_login(auditor)
    import_url = reverse("surveys:round_import", kwargs={"round_id": world["round"].pk})
    assert client.get(import_url).status_code == 404  # an auditor does not survey: the upload is not theirs
    assert client.get(reverse("surveys:round_blank", kwargs={"round_id": world["round"].pk})).status_code == 200
    other = make_round("520402001000")
    assert world["client"].get(reverse("surveys:round_import", kwargs={"round_id": other.pk})).status_code == 404
    assert world["client"].get(reverse("surveys:round_blank", kwargs={"round_id": other.pk})).status_code == 404
