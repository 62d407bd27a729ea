"""Fetching a CAP message from a URL (the operator's `warmwinter alerts import URL`): http(s) only,
10 s timeout, at most 1 MB, and a redirect may not leave http(s)."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urljoin, urlsplit

from django.utils.translation import gettext_lazy as _

from warmwinter.alerts.cap import MAX_BYTES
from warmwinter.core.errors import DomainError

TIMEOUT_SECONDS = 10
SCHEMES = ("http", "https")

BAD_SCHEME = _("只能从 http 或 https 网址获取预警：%(url)s")
BAD_REDIRECT = _("网址跳转到了不允许的地址：%(url)s")
FETCH_FAILED = _("无法获取预警消息（%(url)s）：%(reason)s")
TOO_BIG = _("网址返回的内容超过 1 MB，不是一条预警消息。")


def is_url(text: str) -> bool:
    return urlsplit(text).scheme.lower() in SCHEMES


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to another http(s) URL (never file:, ftp: or data:)."""

    def http_error_302(self, req, fp, code, msg, headers):
        target = urljoin(req.full_url, headers.get("location") or headers.get("uri") or "")
        if urlsplit(target).scheme.lower() not in SCHEMES:
            raise DomainError(BAD_REDIRECT % {"url": target})
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _opener() -> urllib.request.OpenerDirector:
    # Built from scratch so that no file:, ftp: or data: handler is there to be reached.
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), urllib.request.HTTPHandler(), urllib.request.HTTPSHandler(),
                    _HttpOnlyRedirects(), urllib.request.HTTPErrorProcessor(), urllib.request.HTTPDefaultErrorHandler()):
        opener.add_handler(handler)
    return opener


def fetch_cap(url: str, *, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """The body at `url`, refused when it is not http(s), too slow, too big or an HTTP error."""
    if not is_url(url):
        raise DomainError(BAD_SCHEME % {"url": url})
    request = urllib.request.Request(url, headers={"Accept": "application/cap+xml, application/xml, text/xml", "User-Agent": "WarmWinter"})
    try:
        with _opener().open(request, timeout=timeout) as response:
            body = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise DomainError(FETCH_FAILED % {"url": url, "reason": f"HTTP {exc.code}"}) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise DomainError(FETCH_FAILED % {"url": url, "reason": reason}) from None
    if len(body) > MAX_BYTES:
        raise DomainError(TOO_BIG)
    return body
