"""A helper records contacts on a phone (360 × 740) and sees the household turn compliant (达标)."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.factories import PASSWORD, build_tree, make_member
from tests.registry.factories import make_household
from warmwinter.care.models import Contact

VILLAGE = "520402005001"  # 金钟社区居民委员会
TOWNSHIP = "520402005000"  # 东关街道
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the page scrolls sideways on a phone"


def field_time(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%dT%H:%M}"


@pytest.mark.browser
def test_helper_records_two_contacts_and_the_household_turns_compliant(open_page, server_url, sign_in):
    from tests.care.factories import make_campaign, make_contact, make_entry, make_helper, pair
    from tests.surveys.factories import template
    from warmwinter.surveys.seed import seed_templates

    build_tree()
    seed_templates()  # live-server tests flush the database between tests; the shipped templates come back here
    now = timezone.now()
    today = timezone.localdate(now)
    week_start = timezone.make_aware(datetime.combine(today - timedelta(days=today.weekday()), time.min))
    day_start = timezone.make_aware(datetime.combine(today, time.min))
    campaign = make_campaign(TOWNSHIP, name="东关街道帮扶联系", starts_on=today - timedelta(days=14), ends_on=today + timedelta(days=60),
                             filing_deadline=today - timedelta(days=15), contact_template=template())
    user = make_member("helper", VILLAGE, username="wang_helper", display_name="王书记")
    helper = make_helper(VILLAGE, name="王书记", user=user, position="村支书")
    home = make_household(VILLAGE, members=["张大山", "李秀英"], address="金钟社区2组15号", phone="13712345678")
    pair(make_entry(campaign, home, weekly=3), helper)
    # One contact earlier this week; the other two are recorded on the page, earlier today.
    make_contact(home, campaign, at=max(week_start + timedelta(minutes=1), now - timedelta(hours=3)), helper=helper)
    first_call = max(day_start + timedelta(minutes=2), now - timedelta(hours=2))
    home_visit = max(day_start + timedelta(minutes=3), now - timedelta(hours=1))

    page = open_page(**PHONE)
    sign_in(page, user.username, PASSWORD)
    page.goto(f"{server_url}/care/mine/")
    row = page.locator("#mine-{} li".format(campaign.pk)).first
    expect(row).to_contain_text("张大山")
    expect(row).to_contain_text("本周 1 / 3 次")
    expect(row.locator(".mark")).to_have_text("未达标")
    fits(page)
    with page.expect_navigation():
        row.get_by_role("link", name="记录联系").click()
    assert page.url.endswith(f"/care/contact/{home.pk}/?campaign={campaign.pk}")
    expect(page.locator("main h1")).to_contain_text("张大山户")
    expect(page.locator("#call-link")).to_have_attribute("href", "tel:13712345678")
    expect(page.locator("#week-status")).to_contain_text("本周已联系 1 / 3 次")
    expect(page.locator("#question-q_housing")).to_be_hidden()  # the checklist starts collapsed
    fits(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "test_contact_phone-top.png"))

    page.locator("#channel").get_by_text("电话联系").click()
    page.fill("#id_contacted_at", field_time(first_call))
    page.fill("#id_notes", "电话询问，老人身体尚好")
    for selector in ("#contact-form", "#channel", "#submit-contact"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, f"{selector} sticks out: {box}"
    with page.expect_navigation():
        page.click("#submit-contact")
    assert re.search(r"/care/contacts/\d+/\?saved=1$", page.url), page.url
    expect(page.locator("#week-status")).to_contain_text("本周已联系 2 / 3 次")
    expect(page.locator("#week-mark")).to_have_text("未达标")
    fits(page)

    with page.expect_navigation():
        page.click("#record-again")
    expect(page.locator("#channel input[value=visit]")).to_be_checked()
    page.fill("#id_contacted_at", field_time(home_visit))
    page.locator("#checklist summary").click()
    page.locator("#question-q_heating_method").get_by_text("电取暖", exact=True).click()
    page.fill("#id_solved_on_spot", "帮助检查电暖器线路")
    page.screenshot(path=str(SCREENSHOTS / "test_contact_phone-form.png"), full_page=True)
    with page.expect_navigation():
        page.click("#submit-contact")
    expect(page.locator("#week-status")).to_contain_text("本周已联系 3 / 3 次")
    expect(page.locator("#week-mark")).to_have_text("达标")
    fits(page)
    page.screenshot(path=str(SCREENSHOTS / "test_contact_phone-compliant.png"))

    page.goto(f"{server_url}/care/mine/")
    expect(row).to_contain_text("本周 3 / 3 次")
    expect(row.locator(".mark")).to_have_text("达标")
    fits(page)
    contacts = list(Contact.objects.filter(household=home).order_by("contacted_at").values_list("channel", "helper_id", "answers"))
    assert contacts[1:] == [("phone", helper.pk, {}), ("visit", helper.pk, {"heating_method": "electric"})]
