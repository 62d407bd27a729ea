"""The pages at phone size (360 px) and with the vendored CJK font."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.factories import build_tree, make_member

PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}

FONTS_READY = """async () => {
  await document.fonts.ready;
  const faces = [...document.fonts].filter(f => f.family.replace(/["']/g, '') === 'Noto Sans SC' && f.status === 'loaded');
  return {check: document.fonts.check('16px "Noto Sans SC"', '暖冬'), loaded: faces.length};
}"""


def rendered_fonts(page, selector: str) -> dict[str, bool]:
    """Font families Chromium actually used to draw the text of `selector` -> is it a web font."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return {f["familyName"]: f["isCustomFont"] for f in fonts}


@pytest.mark.browser
def test_home_fits_360px_and_uses_the_cjk_font(open_page, server_url, sign_in):
    build_tree()
    # Two memberships, so the header carries the region switcher too: the widest header we have.
    user = make_member("township_officer", "520402005000")
    make_member("village_clerk", "520402001001", user=user)
    page = open_page(**PHONE)

    page.goto(f"{server_url}/accounts/login/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    sign_in(page, user.username, factories.PASSWORD)
    assert page.url == f"{server_url}/"
    expect(page.locator("#membership-select")).to_be_visible()
    page.wait_for_load_state("networkidle")

    assert page.evaluate("window.innerWidth") == 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for selector in ("header.top", "nav.menu", ".cards >> nth=0", "#survey-cards", "#hazard-cards", "#membership-select",
                     "#language-switch select"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, f"{selector} sticks out: {box}"

    fonts = page.evaluate(FONTS_READY)
    assert fonts["check"] is True
    assert fonts["loaded"] > 0, "no Noto Sans SC face was loaded"
    # What Chromium drew the heading with. The vendored subsets carry the variable font's
    # internal name ("Noto Sans SC Thin"), so match the prefix and insist on a web font.
    drawn = rendered_fonts(page, "main h1")
    assert any(name.startswith("Noto Sans SC") and custom for name, custom in drawn.items()), drawn
