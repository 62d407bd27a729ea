"""The region switcher in the header narrows the home page to one membership."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.factories import build_tree, make_member


def choose(page, label_part: str) -> None:
    value = page.locator("#membership-select option", has_text=label_part).get_attribute("value")
    with page.expect_navigation():
        page.select_option("#membership-select", value)


@pytest.mark.browser
def test_region_switcher_changes_the_village_count(page, server_url, sign_in):
    build_tree()
    user = make_member("township_officer", "520402005000")
    make_member("village_clerk", "520402001001", user=user)

    sign_in(page, user.username, factories.PASSWORD)
    assert page.url == f"{server_url}/"
    villages = page.locator("#count-villages")
    current = page.locator("main p.help")
    expect(current).to_have_text("当前：全部任职")
    expect(villages).to_have_text("3")  # 金钟, 东关 (东关街道) + 塔东
    expect(page.locator("#membership-select")).to_be_visible()
    expect(page.locator("label[for=membership-select]")).to_be_hidden()  # aria-label names the select

    choose(page, "东关街道")
    assert page.url == f"{server_url}/"
    expect(current).to_have_text("当前：东关街道 · 乡镇民政助理员")
    expect(villages).to_have_text("2")
    expect(page.locator("#count-townships")).to_have_text("1")
    expect(page.locator("#membership-select option:checked")).to_contain_text("东关街道")

    choose(page, "塔东社区")
    expect(current).to_have_text("当前：塔东社区居民委员会 · 村协理员")
    expect(villages).to_have_text("1")
    expect(page.locator("#count-townships")).to_have_text("0")

    choose(page, "全部任职")
    expect(villages).to_have_text("3")
