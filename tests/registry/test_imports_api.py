"""POST /api/v1/imports (multipart) -> 202 and a job; GET /api/v1/imports/{job_id} to follow it."""

from __future__ import annotations

import io

import openpyxl
import pytest
from rest_framework.test import APIClient

from tests.factories import make_member
from tests.registry.factories import PINGBA_VILLAGE, VILLAGE
from tests.registry.imports_support import BAD_CHECK_ROW, bad_rows, csv_bytes, good_rows, upload, xlsx_bytes
from warmwinter.accounts.tokens import token_issue
from warmwinter.registry.models import ImportJob, ImportStatus, Person


@pytest.fixture
def clerk(tree):
    return make_member("village_clerk", VILLAGE, username="yang")


def api_for(user) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}")
    return api


@pytest.fixture
def post(clerk, django_capture_on_commit_callbacks):
    api = api_for(clerk)

    def send(name: str, content: bytes, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return api.post("/api/v1/imports", {"file": upload(name, content), "region": VILLAGE, **fields}, format="multipart")

    send.api = api
    return send


def test_post_returns_202_with_the_job_and_get_follows_it(post):
    response = post("台账.xlsx", xlsx_bytes(good_rows()))
    assert response.status_code == 202
    created = response.json()
    assert created["file_name"] == "台账.xlsx" and created["region"] == VILLAGE and created["region_name"] == "金钟社区居民委员会"
    assert response["Location"].endswith(f"/api/v1/imports/{created['id']}")
    body = post.api.get(f"/api/v1/imports/{created['id']}").json()
    assert body["status"] == "done"
    assert body["progress"] == {"rows_done": 2, "rows_total": 2, "percent": 100}
    assert body["errors"] == []
    assert body["summary"]["rows"] == 2 and body["summary"]["persons_created"] == 2 and body["summary"]["households_created"] == 1
    assert body["summary"]["dry_run"] is False
    assert body["error_report"] is None
    assert Person.objects.count() == 2


def test_rejected_job_lists_its_errors_as_json(post):
    job_id = post("台账.csv", csv_bytes(bad_rows())).json()["id"]
    body = post.api.get(f"/api/v1/imports/{job_id}").json()
    assert body["status"] == "rejected" and body["status_display"] == "有错误，未导入"
    [error] = body["errors"]
    assert error["row"] == BAD_CHECK_ROW and error["column"] == "身份证号码" and "校验位" in error["message"]
    assert body["summary"] == {"errors_total": 1}
    assert body["error_report"].endswith(f"/api/v1/imports/{job_id}/errors.xlsx")
    report = post.api.get(f"/api/v1/imports/{job_id}/errors.xlsx")
    assert report.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    assert any("错误原因" in [c.value for c in row] for row in sheet.iter_rows())
    assert Person.objects.count() == 0


def test_dry_run_flag_is_honoured(post):
    job_id = post("台账.xlsx", xlsx_bytes(good_rows()), dry_run="true").json()["id"]
    body = post.api.get(f"/api/v1/imports/{job_id}").json()
    assert body["dry_run"] is True and body["status"] == "done" and body["summary"]["dry_run"] is True
    assert Person.objects.count() == 0


def test_wrong_extension_is_400_and_no_job(post):
    response = post("台账.txt", b"hello")
    assert response.status_code == 400
    assert response.json() == {"detail": "不支持的文件类型：台账.txt（请上传 .xlsx、.xls 或 .csv 文件）", "field": "file"}
    assert not ImportJob.objects.exists()


def test_missing_file_or_region_is_400(clerk):
    api = api_for(clerk)
    response = api.post("/api/v1/imports", {"region": VILLAGE}, format="multipart")
    assert response.status_code == 400 and response.json()["field"] == "file"
    response = api.post("/api/v1/imports", {"file": upload("台账.csv", b"x")}, format="multipart")
    assert response.status_code == 400 and response.json()["field"] == "region"
    assert not ImportJob.objects.exists()


def test_upload_to_a_region_outside_scope_is_404(post):
    response = post("台账.xlsx", xlsx_bytes(good_rows()), region=PINGBA_VILLAGE)
    assert response.status_code == 404
    assert not ImportJob.objects.exists()


def test_role_without_import_right_is_403(tree, django_capture_on_commit_callbacks):
    helper = make_member("helper", VILLAGE)
    response = api_for(helper).post("/api/v1/imports", {"file": upload("台账.csv", b"x"), "region": VILLAGE}, format="multipart")
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_job_outside_scope_is_404(clerk):
    other = ImportJob.objects.create(region_id=PINGBA_VILLAGE, file_name="夏云台账.xlsx", file_path="/x", status=ImportStatus.DONE)
    api = api_for(clerk)
    response = api.get(f"/api/v1/imports/{other.pk}")
    assert response.status_code == 404
    assert "夏云" not in response.content.decode()
    assert api.get(f"/api/v1/imports/{other.pk}/errors.xlsx").status_code == 404


def test_list_shows_jobs_in_scope(post, clerk):
    post("台账.xlsx", xlsx_bytes(good_rows()))
    ImportJob.objects.create(region_id=PINGBA_VILLAGE, file_name="夏云台账.xlsx", file_path="/x")
    body = post.api.get("/api/v1/imports", {"all": "1"}).json()
    assert [j["file_name"] for j in body["results"]] == ["台账.xlsx"]
