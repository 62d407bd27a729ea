"""`warmwinter alerts import|list|expire` as an operator would run them."""

from __future__ import annotations

import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.alerts.helpers import CAP_DIR, COLD_WAVE_ID, COUNTY, DONGGUAN, freeze, local
from tests.care.factories import make_alert
from tests.factories import make_member
from warmwinter.alerts.choices import AlertSource, AlertState
from warmwinter.alerts.models import WeatherAlert
from warmwinter.audit.models import Event

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("alerts", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def now(monkeypatch):
    return freeze(monkeypatch, local(29, 9))


def test_import_a_file_as_the_system(tree):
    out = run("import", str(CAP_DIR / "cold_wave_blue.xml"))
    alert = WeatherAlert.objects.get()
    assert out == f"{alert.pk}\t生效中\t西秀区气象台发布寒潮蓝色预警信号\t2026-11-29 08:00 → 2026-12-01 08:00\n"
    assert (alert.created_by, alert.source) == (None, AlertSource.CAP_FILE)
    assert Event.objects.get(action="alert.record").actor is None
    assert run("import", str(CAP_DIR / "cold_wave_blue.xml")) == f"已录入过，未重复记录：{COLD_WAVE_ID}\n"


def test_import_as_a_user_inside_their_scope(tree):
    make_member("county_officer", COUNTY, username="county1")
    make_member("township_officer", DONGGUAN, username="dg1")
    with pytest.raises(CommandError) as caught:
        run("import", str(CAP_DIR / "cold_wave_blue.xml"), "--user", "dg1")
    assert str(caught.value) == "未找到，或不在您的管辖范围内。"
    run("import", str(CAP_DIR / "cold_wave_blue.xml"), "--user", "county1")
    assert WeatherAlert.objects.get().created_by.username == "county1"
    with pytest.raises(CommandError, match="用户不存在或已停用：nobody"):
        run("import", str(CAP_DIR / "cold_wave_blue.xml"), "--user", "nobody")


def test_import_errors_exit_non_zero_with_the_message(tree):
    with pytest.raises(CommandError) as caught:
        run("import", str(CAP_DIR / "missing_expires.xml"))
    assert str(caught.value) == "CAP 消息缺少失效时间（expires），无法确定预警何时结束。"
    with pytest.raises(CommandError, match="文件不存在：/nowhere/cap.xml"):
        run("import", "/nowhere/cap.xml")
    with pytest.raises(CommandError, match="只能从 http 或 https 网址获取预警"):
        run("import", "ftp://example.com/cap.xml")


def test_import_from_a_url(tree, monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    handler = partial(SimpleHTTPRequestHandler, directory=str(CAP_DIR))
    handler.log_message = lambda *a: None
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_port}/cold_wave_blue.xml"
        run("import", url)
    finally:
        httpd.shutdown()
        httpd.server_close()
    alert = WeatherAlert.objects.get()
    assert (alert.source, alert.source_url, alert.identifier) == (AlertSource.CAP_URL, url, COLD_WAVE_ID)


def test_list_and_expire(tree, monkeypatch):
    make_alert([COUNTY], onset=local(29, 8), hours=24, headline="西秀区寒潮预警", identifier="a-1")
    make_alert([DONGGUAN], onset=local(27, 8), hours=24, headline="东关旧预警", identifier="a-2", state=AlertState.EXPIRED)
    make_alert([DONGGUAN], onset=local(28, 8), hours=24, headline="东关到期未结束", identifier="a-3")
    lines = run("list").splitlines()
    assert [line.split("\t")[3] for line in lines[:-1]] == ["西秀区寒潮预警", "东关到期未结束", "东关旧预警"]
    assert lines[0].startswith("* ") and lines[1].startswith("  ")  # in force, and no longer
    assert lines[-1] == "共 3 条（* 为生效中）"
    active = json.loads(run("list", "--active", "--json"))
    assert [a["identifier"] for a in active] == ["a-1", "a-3"]
    assert run("expire") == "已结束 1 条过期预警。\n"
    assert WeatherAlert.objects.get(identifier="a-3").state == AlertState.EXPIRED
    assert [a["identifier"] for a in json.loads(run("list", "--active", "--json"))] == ["a-1"]
