"""The pages shell: home counts for the user's scope, region pages, language, own static files."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from tests.factories import make_member
from warmwinter.accounts.roles import Role

EXTERNAL_ASSET = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)
STATIC_ASSET = re.compile(r"""(?:src|href)\s*=\s*["'](/static/[^"']+)["']""", re.IGNORECASE)
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")
HTML_LANG = re.compile(r"<html[^>]*\blang=\"([^\"]+)\"")


def _signed_in(role: str, code: str) -> Client:
    client = Client()
    client.force_login(make_member(role, code))  # county-level users come with a confirmed TOTP secret
    return client


def _count(html: str, name: str) -> int:
    match = re.search(rf'id="count-{name}">\s*(\d+)\s*<', html)
    assert match, f"no count-{name} card on the page"
    return int(match[1])


# --- home -----------------------------------------------------------------------------------------


def test_home_asks_for_login(db):
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_home_counts_only_the_township_of_a_township_officer(tree):
    html = _signed_in(Role.TOWNSHIP_OFFICER, "520402005000").get("/").content.decode()
    assert _count(html, "townships") == 1  # 东关街道 itself
    assert _count(html, "villages") == 2  # its two 社区, not the county's three


def test_home_counts_the_whole_county_for_a_county_officer(tree):
    html = _signed_in(Role.COUNTY_OFFICER, "520402").get("/").content.decode()
    assert _count(html, "townships") == 2  # 东关街道 and 南街街道, not 平坝区's 夏云镇
    assert _count(html, "villages") == 3


def test_home_counts_a_village_clerk_s_own_village(tree):
    html = _signed_in(Role.VILLAGE_CLERK, "520402005001").get("/").content.decode()
    assert _count(html, "townships") == 0
    assert _count(html, "villages") == 1


# --- regions --------------------------------------------------------------------------------------


def test_region_root_opens_the_user_s_own_region(tree):
    response = _signed_in(Role.TOWNSHIP_OFFICER, "520402005000").get("/regions/")
    assert response.status_code == 302
    assert response["Location"] == "/regions/520402005000/"


def test_township_page_lists_its_villages_and_ancestors(tree):
    client = _signed_in(Role.TOWNSHIP_OFFICER, "520402005000")
    html = client.get("/regions/520402005000/").content.decode()
    assert "东关街道" in html and "520402005000" in html
    assert "金钟社区居民委员会" in html and "东关社区居民委员会" in html
    assert "href=\"/regions/520402005001/\"" in html
    assert "贵州省" in html and "安顺市" in html and "西秀区" in html  # breadcrumbs
    assert "南街街道" not in html and "塔东社区居民委员会" not in html


def test_region_page_accepts_a_short_code(tree):
    response = _signed_in(Role.TOWNSHIP_OFFICER, "520402005000").get("/regions/520402005/")
    assert response.status_code == 200
    assert "金钟社区居民委员会" in response.content.decode()


def test_county_page_lists_its_townships(tree):
    html = _signed_in(Role.COUNTY_OFFICER, "520402").get("/regions/520402/").content.decode()
    assert "东关街道" in html and "南街街道" in html
    assert "夏云镇" not in html


def test_region_outside_scope_is_404_with_the_same_message_as_missing(tree):
    client = _signed_in(Role.TOWNSHIP_OFFICER, "520402005000")
    outside = client.get("/regions/520402001000/")
    missing = client.get("/regions/520402999000/")
    assert outside.status_code == missing.status_code == 404
    assert outside.content == missing.content


# --- language -------------------------------------------------------------------------------------


def test_login_page_is_chinese_by_default(db):
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert HTML_LANG.search(html)[1] == "zh-CN"
    assert response["Content-Language"] == "zh-hans"
    assert "登录" in html


def test_login_page_stays_chinese_for_an_english_browser(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get("/accounts/login/")
    assert HTML_LANG.search(response.content.decode())[1] == "zh-CN"


def test_language_switch_makes_the_login_page_english(db):
    client = Client()
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert switched.status_code == 302
    assert switched["Location"] == "/accounts/login/"
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert HTML_LANG.search(response.content.decode())[1] == "en"
    assert response["Content-Language"] == "en"

    back = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/login/"})
    assert back.status_code == 302
    response = client.get("/accounts/login/")
    assert HTML_LANG.search(response.content.decode())[1] == "zh-CN"
    assert "登录" in response.content.decode()


def test_language_switch_ignores_an_unknown_language(db):
    client = Client()
    client.post("/i18n/setlang/", {"language": "fr", "next": "/accounts/login/"})
    assert HTML_LANG.search(client.get("/accounts/login/").content.decode())[1] == "zh-CN"


def test_language_switch_is_on_every_page(tree):
    for client, url in ((Client(), "/accounts/login/"), (_signed_in(Role.HELPER, "520402005001"), "/")):
        html = client.get(url).content.decode()
        assert 'action="/i18n/setlang/"' in html
        assert 'value="en"' in html and 'value="zh-hans"' in html


# --- own static files, no CDN ---------------------------------------------------------------------


@pytest.fixture
def static_served(settings):
    """WhiteNoise serves straight from the app static folders, as after collectstatic."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.mark.parametrize("signed_in", [False, True], ids=["login", "home"])
def test_pages_load_htmx_and_the_cjk_font_from_our_static_files(tree, static_served, signed_in):
    client = _signed_in(Role.TOWNSHIP_OFFICER, "520402005000") if signed_in else Client()
    html = client.get("/" if signed_in else "/accounts/login/").content.decode()
    assert not EXTERNAL_ASSET.search(html), "a page loads something from another site (CDN)"
    assets = STATIC_ASSET.findall(html)
    assert "/static/vendor/htmx/htmx.min.js" in assets
    font_css = "/static/vendor/noto-sans-sc/noto-sans-sc.css"
    assert font_css in assets
    for asset in assets:
        assert client.get(asset).status_code == 200, f"{asset} is referenced but not served"


def test_cjk_font_stylesheet_points_at_bundled_font_files(db, static_served):
    path = finders.find("vendor/noto-sans-sc/noto-sans-sc.css")
    assert path, "the CJK font stylesheet is missing from the static files"
    css = open(path, encoding="utf-8").read()
    assert "Noto Sans SC" in css
    urls = CSS_URL.findall(css)
    assert urls, "the font stylesheet names no font files"
    assert not [u for u in urls if re.match(r"(?:https?:)?//", u)], "font files come from another site"
    client = Client()
    for url in sorted(set(urls)):
        assert url.endswith(".woff2"), url
        served = client.get(f"/static/vendor/noto-sans-sc/{url}")
        assert served.status_code == 200, f"font file {url} is not served"


def test_home_counts_households_and_persons_of_the_users_scope(tree, client):
    from tests.registry.factories import make_person

    make_person(name="张伟", region_code="520402005001")
    make_person(name="李娜", region_code="520402001001")
    client.force_login(make_member("village_clerk", "520402005001"))
    html = client.get("/").content.decode()
    assert 'id="count-households">1<' in html
    assert 'id="count-persons">1<' in html
