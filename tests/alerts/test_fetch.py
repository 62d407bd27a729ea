"""Fetching a CAP message from a URL: http(s) only, capped at 1 MB, no redirect to file:, errors in Chinese."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.alerts.helpers import sample
from warmwinter.alerts import cap, fetch
from warmwinter.core.errors import DomainError

ROUTES: dict[str, tuple[int, dict, bytes]] = {
    "/cap/cold.xml": (200, {"Content-Type": "application/xml"}, sample("cold_wave_blue.xml")),
    "/big.xml": (200, {"Content-Type": "application/xml"}, b"<a>" + b"x" * (cap.MAX_BYTES + 10) + b"</a>"),
    "/gone.xml": (404, {}, b"not here"),
    "/to-file": (302, {"Location": "file:///etc/passwd"}, b""),
    "/to-cold": (302, {"Location": "/cap/cold.xml"}, b""),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        code, headers, body = ROUTES.get(self.path, (404, {}, b""))
        self.send_response(code)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


def test_fetches_the_message(server):
    assert fetch.fetch_cap(f"{server}/cap/cold.xml") == sample("cold_wave_blue.xml")


def test_follows_a_redirect_to_http(server):
    assert fetch.fetch_cap(f"{server}/to-cold") == sample("cold_wave_blue.xml")


def test_refuses_a_redirect_to_file(server):
    with pytest.raises(DomainError) as caught:
        fetch.fetch_cap(f"{server}/to-file")
    assert str(caught.value.message) == "网址跳转到了不允许的地址：file:///etc/passwd"


def test_refuses_more_than_a_megabyte(server):
    with pytest.raises(DomainError) as caught:
        fetch.fetch_cap(f"{server}/big.xml")
    assert caught.value.message == fetch.TOO_BIG


def test_http_error(server):
    with pytest.raises(DomainError) as caught:
        fetch.fetch_cap(f"{server}/gone.xml")
    assert str(caught.value.message) == f"无法获取预警消息（{server}/gone.xml）：HTTP 404"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/a.xml", "/tmp/a.xml", "data:text/xml,<a/>"])
def test_only_http_and_https(url):
    with pytest.raises(DomainError) as caught:
        fetch.fetch_cap(url)
    assert str(caught.value.message) == f"只能从 http 或 https 网址获取预警：{url}"


def test_nothing_listening():
    with pytest.raises(DomainError) as caught:
        fetch.fetch_cap("http://127.0.0.1:9/cap.xml", timeout=2)
    assert str(caught.value.message).startswith("无法获取预警消息（http://127.0.0.1:9/cap.xml）：")
