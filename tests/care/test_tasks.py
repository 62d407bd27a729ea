"""Helpers' daily reminders and the weekly compliance close, checked against hand counts."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from tests.care.factories import TOWNSHIP, at_local, make_alert, make_campaign, make_contact, make_entry, make_helper, pair
from tests.factories import make_member
from tests.registry.factories import OTHER_VILLAGE, VILLAGE, make_household
from warmwinter.accounts.roles import Role
from warmwinter.care.models import VisitDuty, WeekClose
from warmwinter.care.tasks import REMINDER_KIND, WEEK_CLOSE_KIND, reminders_send, week_close
from warmwinter.jobs.registry import job_named
from warmwinter.jobs.scheduler import run_due
from warmwinter.notifications.models import Delivery, DeliveryStatus, Notification

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 11, 23)
FRIDAY, SATURDAY = date(2026, 11, 27), date(2026, 11, 28)


def household(name: str, village: str = VILLAGE):
    return make_household(village, members=[{"name": name}], number=f"H-{name}")


@pytest.fixture
def reminders_setup(tree):
    """Helper 王 (with an account) holds 甲 乙 丙 丁; 戊's helper has no account; 李 holds 己."""
    campaign = make_campaign()
    wang = make_helper(VILLAGE, name="王书记", user=make_member(Role.HELPER, VILLAGE, username="wang", phone="13800000001"))
    li = make_helper(VILLAGE, name="李委员", user=make_member(Role.HELPER, VILLAGE, username="li"))
    offline = make_helper(VILLAGE, name="赵党员")
    people = {name: household(name) for name in "甲乙丙丁戊己"}
    entries = {
        "甲": make_entry(campaign, people["甲"]),  # no contact this week
        "乙": make_entry(campaign, people["乙"], daily=True),  # daily; contacted Mon, Wed and today
        "丙": make_entry(campaign, people["丙"]),  # one contact, on Wednesday
        "丁": make_entry(campaign, people["丁"], weekly=0),  # only an open warning visit
        "戊": make_entry(campaign, people["戊"]),
        "己": make_entry(campaign, people["己"]),  # two contacts
    }
    for name in "甲乙丙丁":
        pair(entries[name], wang)
    pair(entries["戊"], offline)
    pair(entries["己"], li)
    for day in (MONDAY, date(2026, 11, 25), FRIDAY):
        make_contact(people["乙"], campaign, at=at_local(day, 9), helper=wang)
    make_contact(people["丙"], campaign, at=at_local(date(2026, 11, 25)), helper=wang)
    for day in (MONDAY, date(2026, 11, 25)):
        make_contact(people["己"], campaign, at=at_local(day), helper=li)
    alert = make_alert(onset=at_local(date(2026, 11, 26), 18))
    VisitDuty.objects.create(alert=alert, campaign=campaign, household=people["丁"], region_id=VILLAGE,
                             issued_at=alert.onset, due_by=at_local(FRIDAY, 18))
    return campaign, wang, li


def reminders():
    return list(Notification.objects.filter(kind=REMINDER_KIND).order_by("id"))


def test_each_helper_gets_one_reminder_listing_the_households_due_today(reminders_setup):
    campaign, wang, li = reminders_setup
    assert reminders_send(today=FRIDAY) == 1
    [note] = reminders()
    assert (note.recipient, note.region_id, note.link) == (wang.user, VILLAGE, "/care/mine/")
    assert note.title == "今天有 2 户重点关注对象需要联系"
    # 甲 cannot reach 3 contacts without today (3 days left); 丁 has a warning visit due tonight.
    # 乙 was contacted today, 丙 needs 2 more in 3 days; 戊's helper has no account; 李's 己 needs 1 in 3 days.
    assert note.body.splitlines() == [
        "甲户 H-甲（金钟社区居民委员会）：本周还需联系 3 次",
        "丁户 H-丁（金钟社区居民委员会）：预警后须在 11-27 18:00 前入户走访",
    ]
    client = Client()
    client.force_login(wang.user)
    page = client.get("/notifications/").content.decode()
    assert "本周还需联系 3 次<br>丁户 H-丁" in page  # one household a line


def test_reminders_are_sent_once_per_helper_and_day(reminders_setup):
    campaign, wang, li = reminders_setup
    reminders_send(today=FRIDAY)
    assert reminders_send(today=FRIDAY) == 0
    assert len(reminders()) == 1
    # Saturday: 乙 has no contact yet today, and 丙 now needs 2 contacts in the 2 days left.
    assert reminders_send(today=SATURDAY) == 1
    saturday = reminders()[-1]
    assert saturday.recipient == wang.user and saturday.title == "今天有 4 户重点关注对象需要联系"
    assert saturday.body.splitlines() == [
        "甲户 H-甲（金钟社区居民委员会）：本周还需联系 3 次",
        "乙户 H-乙（金钟社区居民委员会）：每日联系，今天尚未联系",
        "丙户 H-丙（金钟社区居民委员会）：本周还需联系 2 次",
        "丁户 H-丁（金钟社区居民委员会）：预警后须在 11-27 18:00 前入户走访",
    ]


def test_no_reminder_when_nothing_is_due_or_the_campaign_is_closed(reminders_setup):
    campaign, wang, li = reminders_setup
    assert reminders_send(today=date(2026, 11, 15)) == 0  # the day before the campaign starts
    campaign.status = "closed"
    campaign.save()
    assert reminders_send(today=FRIDAY) == 0
    assert reminders() == []


def test_reminder_goes_out_by_sms_when_enabled(reminders_setup, settings, django_capture_on_commit_callbacks):
    settings.NOTIFY_CHANNELS = ["inapp", "sms"]
    settings.SMS_BACKEND = "warmwinter.notifications.channels.RecordingSmsBackend"
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(today=FRIDAY)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.address) == (DeliveryStatus.RECORDED, "13800000001")
    assert delivery.message.startswith("【暖冬】今天有 2 户重点关注对象需要联系：甲户 H-甲（金钟社区居民委员会）：本周还需联系 3 次")


def test_scheduler_sends_the_reminder_of_the_planned_day(reminders_setup):
    campaign, wang, li = reminders_setup
    job = job_named("care.reminders")
    run_due(at_local(FRIDAY, 7, 29), declared=[job])  # still Thursday's slot
    run_due(at_local(FRIDAY, 7, 31), declared=[job])
    run_due(at_local(FRIDAY, 12, 0), declared=[job])
    assert [(n.key, n.title) for n in reminders()] == [
        (f"care.reminder:{wang.pk}:2026-11-26", "今天有 2 户重点关注对象需要联系"),  # Thursday: 乙 (daily) and 丁
        (f"care.reminder:{wang.pk}:2026-11-27", "今天有 2 户重点关注对象需要联系"),  # Friday: 甲 and 丁
    ]


@pytest.fixture
def week_setup(tree):
    """Week 2026-W47 (11-16 → 11-22), the campaign's first: 金钟 1 of 3 compliant (one without helper), 东关 1 of 1."""
    campaign = make_campaign(name="东关街道冬季帮扶")
    make_campaign(name="下期帮扶", starts_on=date(2026, 12, 21))  # starts after that week: not closed
    helper, helper2 = make_helper(VILLAGE), make_helper(OTHER_VILLAGE)
    contacts = {"甲": 3, "乙": 2, "丁": 0}
    for name, count in contacts.items():
        entry = make_entry(campaign, household(name))
        if name != "丁":
            pair(entry, helper)
        for day in (16, 18, 20)[:count]:
            make_contact(entry.household, campaign, at=at_local(date(2026, 11, day)), helper=helper)
    entry = make_entry(campaign, household("丙", OTHER_VILLAGE))
    pair(entry, helper2)
    for day in (17, 19, 21):
        make_contact(entry.household, campaign, at=at_local(date(2026, 11, day)), helper=helper2)
    officers = {
        "township": make_member(Role.TOWNSHIP_OFFICER, TOWNSHIP, username="dongguan"),
        "other_township": make_member(Role.TOWNSHIP_OFFICER, "520402001000", username="nanjie"),
        "clerk": make_member(Role.VILLAGE_CLERK, VILLAGE, username="clerk"),
    }
    return campaign, officers


def test_week_close_records_the_figures_and_tells_the_township(week_setup):
    campaign, officers = week_setup
    [close] = week_close(monday=date(2026, 11, 16))
    assert (close.campaign, close.week_start) == (campaign, date(2026, 11, 16))
    assert (close.households, close.compliant, close.without_helper) == (4, 2, 1)
    assert close.figures["week"] == "2026-W47"
    assert close.figures["villages"] == [
        {"code": VILLAGE, "name": "金钟社区居民委员会", "households": 3, "compliant": 1, "not_compliant": 2,
         "compliance_rate": 33.3, "without_helper": 1},
        {"code": OTHER_VILLAGE, "name": "东关社区居民委员会", "households": 1, "compliant": 1, "not_compliant": 0,
         "compliance_rate": 100.0, "without_helper": 0},
    ]
    [note] = Notification.objects.filter(kind=WEEK_CLOSE_KIND)
    assert note.recipient == officers["township"] and note.region_id == TOWNSHIP
    assert note.title == "2026-W47 东关街道冬季帮扶：1 个村（社区）未全部达标"
    assert note.body == "金钟社区居民委员会：达标 1/3 户（33.3%），未落实帮扶人 1 户"


def test_week_close_twice_changes_nothing(week_setup):
    week_close(monday=date(2026, 11, 16))
    first = WeekClose.objects.get()
    assert week_close(monday=date(2026, 11, 16)) == []
    assert list(WeekClose.objects.values_list("pk", "closed_at", "compliant")) == [(first.pk, first.closed_at, 2)]
    assert Notification.objects.filter(kind=WEEK_CLOSE_KIND).count() == 1


def test_monday_0031_closes_last_week_and_0029_does_not(week_setup):
    campaign, officers = week_setup
    job = job_named("care.week_close")
    run_due(at_local(date(2026, 11, 23), 0, 29), declared=[job])  # slot 11-16 00:30 closes 11-09, before the campaign
    assert not WeekClose.objects.exists()
    run_due(at_local(date(2026, 11, 23), 0, 31), declared=[job])
    assert list(WeekClose.objects.values_list("campaign__name", "week_start")) == [("东关街道冬季帮扶", date(2026, 11, 16))]
