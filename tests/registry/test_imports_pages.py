"""The import pages: upload, the job page with its progress and errors, the error report, the list."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.test import Client

from tests.factories import make_member
from tests.registry.factories import PINGBA_VILLAGE, VILLAGE
from tests.registry.imports_support import BAD_CHECK_ROW, bad_rows, csv_bytes, good_rows, upload, xlsx_bytes
from warmwinter.audit.models import Event
from warmwinter.registry.models import Household, ImportJob, ImportStatus, Person


@pytest.fixture
def clerk(tree):
    return make_member("village_clerk", VILLAGE, username="yang", display_name="杨协理")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def submit(clerk, django_capture_on_commit_callbacks):
    """Post the upload form as the clerk; the job runs after commit (immediate backend)."""
    client = signed_in(clerk)

    def post(name: str, content: bytes, **fields):
        data = {"file": upload(name, content), "region": VILLAGE, **fields}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/registry/imports/new/", data)

    post.client = client
    return post


def job_id_of(response) -> int:
    match = re.fullmatch(r"/registry/imports/(\d+)/", response["Location"])
    assert match, response["Location"]
    return int(match[1])


def test_upload_page_offers_only_regions_in_scope(tree):
    officer = make_member("township_officer", "520402005000")
    html = signed_in(officer).get("/registry/imports/new/").content.decode()
    assert "东关街道" in html and "金钟社区居民委员会" in html and "东关社区居民委员会" in html
    assert "塔东社区居民委员会" not in html and "夏云村委会" not in html
    assert "只校验不写入" in html and 'type="file"' in html


def test_upload_page_is_404_without_import_rights(tree):
    assert signed_in(make_member("helper", VILLAGE)).get("/registry/imports/new/").status_code == 404
    assert signed_in(make_member("supervisor", "520402")).get("/registry/imports/").status_code == 404


def test_good_file_is_imported_and_the_job_page_shows_the_counts(submit):
    response = submit("金钟社区台账.xlsx", xlsx_bytes(good_rows()))
    assert response.status_code == 302
    job = ImportJob.objects.get(pk=job_id_of(response))
    assert job.status == ImportStatus.DONE
    assert job.file_name == "金钟社区台账.xlsx" and job.region_id == VILLAGE
    assert sorted(Person.objects.values_list("name", flat=True)) == ["李秀英", "王建国"]
    assert Household.objects.count() == 1
    html = submit.client.get(response["Location"]).content.decode()
    assert "已完成" in html and "导入完成：共 2 行" in html
    assert re.search(r'id="count-persons-created">\s*2<', html)
    assert re.search(r'id="count-households-created">\s*1<', html)
    assert "hx-trigger" not in html  # nothing left to poll


def test_bad_file_is_rejected_with_errors_on_the_page_and_nothing_written(submit):
    response = submit("金钟社区台账.csv", csv_bytes(bad_rows()))
    job = ImportJob.objects.get(pk=job_id_of(response))
    assert job.status == ImportStatus.REJECTED
    assert Person.objects.count() == 0 and Household.objects.count() == 0
    [error] = job.errors
    assert error["row"] == BAD_CHECK_ROW and error["column"] == "身份证号码" and "校验位" in error["message"]
    html = submit.client.get(response["Location"]).content.decode()
    assert "有错误，未导入" in html
    assert "<th>行</th><th>列</th><th>错误原因</th>" in html
    assert f'<td>{BAD_CHECK_ROW}</td><td style="white-space:nowrap">身份证号码</td><td>{error["message"]}</td>' in html
    assert f'href="/registry/imports/{job.pk}/errors.xlsx"' in html


def test_error_report_downloads_with_the_reason_column(submit, clerk):
    job_id = job_id_of(submit("金钟社区台账.xlsx", xlsx_bytes(bad_rows())))
    response = submit.client.get(f"/registry/imports/{job_id}/errors.xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if "错误原因" in r)
    reason_at = header.index("错误原因")
    assert header[:reason_at][:3] == ["序号", "户主姓名", "姓名"]
    wrong = next(r for r in rows if r[2] == "李秀英")
    assert "校验位" in wrong[reason_at]
    event = Event.objects.get(action="ledger.error_report")
    assert event.actor == clerk and event.object_id == str(job_id)


def test_error_report_is_refused_to_a_role_that_may_not_see_full_ids(submit):
    job_id = job_id_of(submit("台账.csv", csv_bytes(bad_rows())))
    admin = make_member("admin", "520402005000")  # may import, may not see full ID numbers
    assert signed_in(admin).get(f"/registry/imports/{job_id}/").status_code == 200
    assert signed_in(admin).get(f"/registry/imports/{job_id}/errors.xlsx").status_code == 403
    officer = make_member("township_officer", "520402005000")
    assert signed_in(officer).get(f"/registry/imports/{job_id}/errors.xlsx").status_code == 200


def test_dry_run_checks_and_writes_nothing(submit):
    response = submit("台账.xlsx", xlsx_bytes(good_rows()), dry_run="on")
    job = ImportJob.objects.get(pk=job_id_of(response))
    assert job.status == ImportStatus.DONE and job.dry_run
    assert Person.objects.count() == 0
    html = submit.client.get(response["Location"]).content.decode()
    assert "校验通过：共 2 行" in html and "未写入台账" in html


@pytest.mark.parametrize("name", ["台账.pdf", "台账.docx", "台账"])
def test_wrong_extension_is_a_form_error_and_no_job(submit, name):
    response = submit(name, b"whatever")
    assert response.status_code == 200
    assert f"不支持的文件类型：{name}（请上传 .xlsx、.xls 或 .csv 文件）" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_missing_file_is_a_form_error(submit):
    with_no_file = submit.client.post("/registry/imports/new/", {"region": VILLAGE})
    assert with_no_file.status_code == 200
    assert "errorlist" in with_no_file.content.decode()
    assert not ImportJob.objects.exists()


def test_region_outside_scope_cannot_be_chosen(submit):
    response = submit("台账.xlsx", xlsx_bytes(good_rows()), region=PINGBA_VILLAGE)
    assert response.status_code == 200
    assert not ImportJob.objects.exists()


def test_queued_job_page_polls_its_status_partial(clerk):
    job = ImportJob.objects.create(region_id=VILLAGE, created_by=clerk, file_name="台账.xlsx", file_path="/nonexistent",
                                   status=ImportStatus.RUNNING, rows_total=200, rows_done=50)
    client = signed_in(clerk)
    html = client.get(f"/registry/imports/{job.pk}/").content.decode()
    assert f'hx-get="/registry/imports/{job.pk}/status/"' in html and 'hx-trigger="every 1s"' in html
    assert 'value="25"' in html and "已处理 50 / 200 行（25%）" in html
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE, rows_done=200, summary={"rows": 200, "persons_created": 180})
    partial = client.get(f"/registry/imports/{job.pk}/status/").content.decode()
    assert "hx-trigger" not in partial and "导入完成：共 200 行" in partial
    assert "<html" not in partial


def test_job_outside_scope_is_404_on_every_page(clerk):
    other = ImportJob.objects.create(region_id=PINGBA_VILLAGE, file_name="夏云台账.xlsx", file_path="/nonexistent",
                                     status=ImportStatus.REJECTED, errors=[{"row": 3, "column": "姓名", "message": "姓名不能为空"}])
    client = signed_in(clerk)
    for url in (f"/registry/imports/{other.pk}/", f"/registry/imports/{other.pk}/status/", f"/registry/imports/{other.pk}/errors.xlsx"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "夏云台账" not in response.content.decode()


def test_list_shows_my_imports_and_on_request_everyone_s_in_scope(submit, clerk):
    submit("我的台账.xlsx", xlsx_bytes(good_rows()))
    colleague = make_member("village_clerk", VILLAGE, username="li")
    ImportJob.objects.create(region_id=VILLAGE, created_by=colleague, file_name="同事的台账.xlsx", file_path="/x")
    ImportJob.objects.create(region_id=PINGBA_VILLAGE, file_name="夏云台账.xlsx", file_path="/x")
    mine = submit.client.get("/registry/imports/").content.decode()
    assert "我的台账.xlsx" in mine and "同事的台账.xlsx" not in mine
    everyone = submit.client.get("/registry/imports/?all=1").content.decode()
    assert "我的台账.xlsx" in everyone and "同事的台账.xlsx" in everyone and "夏云台账.xlsx" not in everyone
