"""Signing in through the browser: Chinese login, language switch, lock-out, TOTP."""

from __future__ import annotations

import re
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import expect

from tests import factories
from tests.factories import build_tree, make_member

ENGLISH_CATALOG = Path(__file__).resolve().parents[2] / "warmwinter" / "locale" / "en" / "LC_MESSAGES" / "django.mo"


@pytest.mark.browser
def test_village_clerk_signs_in_in_chinese(open_page, server_url, sign_in):
    build_tree()
    clerk = make_member("village_clerk", "520402005001")
    page = open_page(locale="en-US")  # Chinese is the default whatever the browser asks for

    page.goto(f"{server_url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("h1")).to_have_text("登录暖冬")
    expect(page.locator("#language-switch select")).to_have_value("zh-hans")

    sign_in(page, clerk.username, factories.PASSWORD)

    assert page.url == f"{server_url}/"
    expect(page.locator("h1")).to_contain_text("您好")
    expect(page.locator("h1")).to_contain_text(clerk.display_name)
    villages = page.locator(".card", has=page.locator("#count-villages"))
    expect(villages.locator(".label")).to_have_text("村（社区）")
    expect(villages.locator(".num")).to_have_text("1")  # the clerk's own 金钟社区
    expect(page.locator("#count-townships")).to_have_text("0")


@pytest.mark.browser
def test_language_selector_switches_to_english_and_back(page, server_url):
    page.goto(f"{server_url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")

    with page.expect_navigation():
        page.select_option("#language-switch select", "en")

    assert page.url == f"{server_url}/accounts/login/"
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#language-switch select")).to_have_value("en")
    expect(page.locator("#language-switch select option:checked")).to_have_text("English")
    if ENGLISH_CATALOG.exists():
        expect(page.locator("main form button[type=submit]")).to_have_text("Sign in")

    # The choice sticks (cookie) on the next page load, and Chinese is one click away.
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    with page.expect_navigation():
        page.select_option("#language-switch select", "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("main form button[type=submit]")).to_have_text("登录")


@pytest.mark.browser
def test_five_wrong_passwords_lock_the_account(page, server_url, sign_in):
    build_tree()
    clerk = make_member("village_clerk", "520402005001")
    page.goto(f"{server_url}/accounts/login/")
    errors = page.locator("main .errorlist")

    for _ in range(4):
        sign_in(page, clerk.username, "wrong-password")
        expect(errors).to_have_text("用户名或密码错误。")
    sign_in(page, clerk.username, "wrong-password")
    expect(errors).to_contain_text("账户已锁定")

    sign_in(page, clerk.username, factories.PASSWORD)  # the right password, too late

    assert "/accounts/login/" in page.url
    expect(errors).to_contain_text("账户已锁定")
    expect(errors).to_contain_text(re.compile(r"请在 1[45] 分钟后再试"))
    expect(page.locator("h1")).to_have_text("登录暖冬")
    clerk.refresh_from_db()
    assert clerk.locked_until is not None


@pytest.mark.browser
def test_county_officer_signs_in_with_totp(page, server_url, sign_in):
    build_tree()
    officer = make_member("county_officer", "520402000000")
    assert officer.totp_confirmed and officer.totp_secret

    sign_in(page, officer.username, factories.PASSWORD)

    assert page.url == f"{server_url}/accounts/login/otp/"
    expect(page.locator("h1")).to_have_text("输入动态口令")
    page.fill("#id_otp", pyotp.TOTP(officer.totp_secret).now())
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    assert page.url == f"{server_url}/"
    expect(page.locator("h1")).to_contain_text("您好")
    expect(page.locator("#count-townships")).to_have_text("2")  # 东关街道 and 南街街道 in 西秀区
    expect(page.locator("#count-villages")).to_have_text("3")
