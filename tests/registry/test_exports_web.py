"""The export page, GET /api/v1/exports/ledger and `warmwinter export ledger`."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.http import StreamingHttpResponse
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import make_member
from tests.registry.factories import PINGBA_VILLAGE, VILLAGE, make_household, make_person
from warmwinter.accounts.tokens import token_issue
from warmwinter.audit.models import Event

XIXIU = "520402000000"
ATTACK = "=cmd|' /C calc'!A0"


@pytest.fixture
def family(tree):
    household = make_household(VILLAGE, number="JZ-001")
    return {
        "head": make_person(household, name="王建国", relation="head", categories=["dibao"]),
        "son": make_person(household, name="王小明", relation="child", notes=ATTACK),
    }


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_for(user) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}")
    return api


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def sheet_of(response):
    return openpyxl.load_workbook(io.BytesIO(body(response))).active


def csv_rows(response) -> list[list[str]]:
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


# --- the page --------------------------------------------------------------------------------------


def test_export_page_downloads_the_ledger_xlsx(family):
    clerk = make_member("village_clerk", VILLAGE)
    client = signed_in(clerk)
    page = client.get("/registry/exports/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "金钟社区居民委员会" in html and "导出完整身份证号" in html
    response = client.post("/registry/exports/", {"region": VILLAGE, "kind": "ledger", "alive": "1", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = sheet_of(response)
    assert sheet["A1"].value == "金钟社区居民委员会困难群众台账"
    assert sheet["E4"].value == "王建国" and "*" in sheet["H4"].value
    assert sheet["N5"].value == "'" + ATTACK


def test_export_page_asks_for_a_reason_before_full_ids(family):
    client = signed_in(make_member("village_clerk", VILLAGE))
    response = client.post("/registry/exports/", {"region": VILLAGE, "kind": "ledger", "format": "xlsx", "full_ids": "on", "reason": ""})
    assert response.status_code == 200
    assert "查看完整身份证号须填写事由" in response.content.decode()
    assert not Event.objects.filter(action="ledger.export").exists()
    response = client.post("/registry/exports/", {"region": VILLAGE, "kind": "ledger", "format": "csv", "full_ids": "on", "reason": "发放核对"})
    rows = csv_rows(response)
    assert rows[1][7] == "\t" + family["head"].id_number()
    assert Event.objects.get(action="ledger.export").changes["reason"] == [None, "发放核对"]


def test_export_page_offers_no_full_ids_to_a_supervisor(family):
    client = signed_in(make_member("supervisor", XIXIU))
    html = client.get("/registry/exports/").content.decode()
    assert "导出完整身份证号" not in html
    response = client.post("/registry/exports/", {"region": XIXIU, "kind": "ledger", "format": "csv", "full_ids": "on", "reason": "x"})
    rows = csv_rows(response)
    assert rows[1][7] == family["head"].id_number_masked  # the field is not there: a masked export


def test_export_page_is_404_for_a_helper(family):
    response = signed_in(make_member("helper", VILLAGE)).get("/registry/exports/")
    assert response.status_code == 404


def test_export_page_streams_csv(family):
    client = signed_in(make_member("village_clerk", VILLAGE))
    response = client.post("/registry/exports/", {"region": VILLAGE, "kind": "roster", "category": "dibao", "format": "csv"})
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response)
    assert rows[0][:4] == ["序号", "乡镇", "村（社区）", "姓名"]
    assert [r[3] for r in rows[1:]] == ["王建国"]


# --- the API ---------------------------------------------------------------------------------------


def test_api_exports_csv_and_xlsx(family):
    api = api_for(make_member("village_clerk", VILLAGE))
    response = api.get("/api/v1/exports/ledger", {"region": VILLAGE, "format": "csv"})
    assert response.status_code == 200
    assert [r[4] for r in csv_rows(response)[1:]] == ["王建国", "王小明"]
    response = api.get("/api/v1/exports/ledger", {"region": VILLAGE, "kind": "roster", "category": "低保"})
    assert response.status_code == 200
    assert sheet_of(response)["A1"].value == "金钟社区居民委员会低保花名册"


def test_api_full_ids_need_reason_and_role(family):
    clerk_api = api_for(make_member("village_clerk", VILLAGE))
    response = clerk_api.get("/api/v1/exports/ledger", {"region": VILLAGE, "format": "csv", "full_ids": "1"})
    assert response.status_code == 400
    assert response.json() == {"detail": "查看完整身份证号须填写事由", "field": "reason"}
    response = clerk_api.get("/api/v1/exports/ledger", {"region": VILLAGE, "format": "csv", "full_ids": "1", "reason": "入户核查"})
    assert csv_rows(response)[1][7] == "\t" + family["head"].id_number()
    [event] = Event.objects.filter(action="ledger.export")
    assert event.changes["reason"] == [None, "入户核查"] and event.changes["rows"] == [None, 2]

    supervisor_api = api_for(make_member("supervisor", XIXIU))
    response = supervisor_api.get("/api/v1/exports/ledger", {"region": XIXIU, "full_ids": "1", "reason": "核查"})
    assert response.status_code == 403
    assert response.json()["detail"] == "您的角色不能导出完整身份证号，可导出脱敏台账。"
    response = supervisor_api.get("/api/v1/exports/ledger", {"region": XIXIU, "format": "csv"})
    assert csv_rows(response)[1][7] == family["head"].id_number_masked


def test_api_out_of_scope_region_is_404_and_helper_is_403(family):
    clerk_api = api_for(make_member("village_clerk", VILLAGE))
    assert clerk_api.get("/api/v1/exports/ledger", {"region": PINGBA_VILLAGE}).status_code == 404
    assert clerk_api.get("/api/v1/exports/ledger", {"region": "nonsense"}).status_code == 404
    assert clerk_api.get("/api/v1/exports/ledger", {"region": VILLAGE, "format": "pdf"}).status_code == 400
    helper_api = api_for(make_member("helper", VILLAGE))
    assert helper_api.get("/api/v1/exports/ledger", {"region": VILLAGE}).status_code == 403


# --- the command line --------------------------------------------------------------------------------


def test_cli_writes_an_xlsx_file(family, tmp_path):
    target = tmp_path / "台账.xlsx"
    out = io.StringIO()
    call_command("export", "ledger", "--region", "520402", "-o", str(target), stdout=out)
    assert "2 rows" in out.getvalue()
    sheet = openpyxl.load_workbook(target).active
    assert sheet["A1"].value == "西秀区困难群众台账"
    assert sheet.freeze_panes == "A4"
    assert [sheet["E4"].value, sheet["E5"].value] == ["王建国", "王小明"]
    assert "*" in sheet["H4"].value
    event = Event.objects.get(action="ledger.export")
    assert event.actor is None and event.actor_name == "system"


def test_cli_writes_csv_with_full_ids_only_with_a_reason(family, tmp_path):
    target = tmp_path / "roster.csv"
    with pytest.raises(CommandError, match="查看完整身份证号须填写事由"):
        call_command("export", "ledger", "--region", VILLAGE, "--full-ids", "-o", str(target), stdout=io.StringIO())
    assert not target.exists()
    call_command("export", "ledger", "--region", VILLAGE, "--kind", "roster", "--full-ids", "--reason", "省厅抽查",
                 "-o", str(target), stdout=io.StringIO())
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert rows[1][3] == "王建国" and rows[1][5] == "\t" + family["head"].id_number()
    assert Event.objects.get(action="ledger.export").changes["reason"] == [None, "省厅抽查"]


def test_cli_as_a_user_stays_in_their_scope(family, tmp_path):
    make_member("village_clerk", VILLAGE, username="yang")
    with pytest.raises(CommandError, match="未找到"):
        call_command("export", "ledger", "--region", PINGBA_VILLAGE, "--user", "yang", "-o", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="用户不存在"):
        call_command("export", "ledger", "--region", VILLAGE, "--user", "nobody", "-o", str(tmp_path / "x.xlsx"))
