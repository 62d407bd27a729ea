"""A village clerk fills one household survey on a phone (360 × 740) and sees the household counted."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.factories import PASSWORD, build_tree, make_member
from tests.registry.factories import make_household
from warmwinter.surveys.models import SurveyResponse

VILLAGE = "520402005001"  # 金钟社区居民委员会
TOWNSHIP = "520402005000"  # 东关街道
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
YES = ("co_publicity", "co_ventilation", "co_alarm", "cold_supplies_enough", "water_ok", "wiring_ok")


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the page scrolls sideways on a phone"


@pytest.mark.browser
def test_clerk_surveys_a_household_on_a_phone_and_sees_it_counted(open_page, server_url, sign_in):
    from tests.surveys.factories import make_round
    from warmwinter.surveys.seed import seed_templates

    build_tree()
    seed_templates()  # live-server tests flush the database between tests; the shipped templates come back here
    clerk = make_member("village_clerk", VILLAGE, username="jinzhong_clerk", display_name="金钟协理员")
    home = make_household(VILLAGE, members=["张大山", "李秀英"], address="金钟社区2组15号")
    round_ = make_round(TOWNSHIP, name="入户走访六项检查")

    page = open_page(**PHONE)
    sign_in(page, clerk.username, PASSWORD)
    page.goto(f"{server_url}/surveys/{round_.pk}/")
    expect(page.locator("#card-units .num")).to_have_text("0 / 1")
    fits(page)

    with page.expect_navigation():
        page.click("#village-link")
    expect(page.locator("#missing")).to_contain_text("张大山")
    with page.expect_navigation():
        page.locator("#missing").get_by_role("link", name="去摸排").click()
    assert page.url.endswith(f"/surveys/{round_.pk}/households/{home.pk}/")
    expect(page.locator("main h1")).to_contain_text("张大山户")
    fits(page)

    page.locator("#members").get_by_text("张大山", exact=False).click()
    for key in YES:
        page.locator(f"#question-q_{key} input[value='true']").check()
    page.locator("#question-q_housing").get_by_text("安全", exact=True).click()
    page.locator("#question-q_heating_method").get_by_text("无取暖设施", exact=True).click()
    page.fill("#id_notes", "老人独居，已送电暖器登记")
    for selector in ("#sheet-form", "#question-q_housing", "#submit-sheet"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, f"{selector} sticks out: {box}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "test_survey_phone-form.png"), full_page=True)

    with page.expect_navigation():
        page.click("#submit-sheet")
    assert re.search(r"/surveys/responses/\d+/$", page.url), page.url
    expect(page.locator(".messages")).to_contain_text("发现 1 个问题")
    expect(page.locator("#hazards")).to_contain_text("无取暖设施")
    expect(page.locator("#persons-covered")).to_contain_text("1 / 2 人")
    fits(page)

    page.goto(f"{server_url}/surveys/{round_.pk}/")
    expect(page.locator("#card-units .num")).to_have_text("1 / 1")
    expect(page.locator("#card-persons .num")).to_have_text("1 / 2")
    fits(page)
    sheet = SurveyResponse.objects.get(household=home)
    assert (sheet.persons_covered, sheet.answers["heating_method"], sheet.surveyor_id) == (1, "none", clerk.pk)


@pytest.mark.browser
def test_township_dashboard_draws_the_coverage_chart_on_a_phone(open_page, server_url, sign_in):
    from tests.surveys.factories import make_response, make_round
    from warmwinter.surveys.seed import seed_templates

    build_tree()
    seed_templates()
    officer = make_member("township_officer", TOWNSHIP, username="dongguan_officer")
    homes = [make_household(VILLAGE, members=["张一"]), make_household(VILLAGE, members=["李二"]),
             make_household("520402005002", members=["王三"])]
    round_ = make_round(TOWNSHIP, name="东关街道摸排")
    make_response(round_, household=homes[0])

    page = open_page(**PHONE)
    sign_in(page, officer.username, PASSWORD)
    page.goto(f"{server_url}/surveys/{round_.pk}/")
    expect(page.locator("#card-units .num")).to_have_text("1 / 3")
    expect(page.locator("#coverage-chart canvas")).to_have_count(1)  # ECharts drew it (vendored, no CDN)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#coverage-chart").screenshot(path=str(SCREENSHOTS / "test_survey_phone-chart.png"))
    expect(page.locator(f"#village-{VILLAGE}")).to_contain_text("1 / 2")
    fits(page)
