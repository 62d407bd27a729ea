"""The notification outbox: in-app always, SMS as a Delivery per notification, sent after commit and retried."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import make_member
from warmwinter.accounts.roles import Role
from warmwinter.notifications.channels import NO_PHONE, SmsBackend
from warmwinter.notifications.models import Delivery, DeliveryStatus, Notification
from warmwinter.notifications.services import deliveries_retry, delivery_attempt, notify
from warmwinter.notifications.tasks import deliveries_send

pytestmark = pytest.mark.django_db
VILLAGE = "520402005001"
SENT: list[tuple[str, str]] = []


class BrokenSmsBackend(SmsBackend):
    def send(self, *, phone: str, text: str) -> None:
        raise ConnectionError("短信网关无响应")


class GatewaySmsBackend(SmsBackend):
    """Stands in for a real gateway: it 'sends'."""

    def send(self, *, phone: str, text: str) -> None:
        SENT.append((phone, text))


@pytest.fixture
def sms(settings):
    settings.NOTIFY_CHANNELS = ["inapp", "sms"]
    settings.SMS_BACKEND = "warmwinter.notifications.channels.RecordingSmsBackend"
    settings.NOTIFY_RETRIES = 3
    SENT.clear()
    return settings


@pytest.fixture
def clerk(tree):
    return make_member(Role.VILLAGE_CLERK, VILLAGE, username="clerk", phone="13900001111")


def send(user, django_capture_on_commit_callbacks, **fields) -> list[Notification]:
    with django_capture_on_commit_callbacks(execute=True):
        return notify(recipients=[user], region_code=VILLAGE, kind="test", title=fields.pop("title", "重大隐患待整改"),
                      body=fields.pop("body", "金钟社区 张三户 煤炉无烟囱"), link="/hazards/", **fields)


def test_in_app_only_by_default_makes_no_delivery(clerk, settings, django_capture_on_commit_callbacks):
    settings.NOTIFY_CHANNELS = ["inapp"]
    rows = send(clerk, django_capture_on_commit_callbacks)
    assert [n.title for n in Notification.objects.filter(recipient=clerk)] == ["重大隐患待整改"]
    assert rows[0].pk and not Delivery.objects.exists()


def test_recording_backend_keeps_phone_and_text_and_sends_nothing(clerk, sms, django_capture_on_commit_callbacks):
    send(clerk, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.status, delivery.attempts) == ("sms", DeliveryStatus.RECORDED, 1)
    assert delivery.address == "13900001111"
    assert delivery.message == "【暖冬】重大隐患待整改：金钟社区 张三户 煤炉无烟囱"
    assert delivery.sent_at is not None and delivery.notification.recipient == clerk
    assert Notification.objects.filter(recipient=clerk).count() == 1  # the in-app one is there as before


def test_a_real_gateway_marks_the_delivery_sent(clerk, sms, django_capture_on_commit_callbacks):
    sms.SMS_BACKEND = "tests.notifications.test_outbox.GatewaySmsBackend"
    send(clerk, django_capture_on_commit_callbacks, title="帮扶提醒", body="")
    assert Delivery.objects.get().status == DeliveryStatus.SENT
    assert SENT == [("13900001111", "【暖冬】帮扶提醒")]


def test_recipient_without_phone_fails_at_once_with_the_reason(tree, sms, django_capture_on_commit_callbacks):
    nobody = make_member(Role.VILLAGE_CLERK, VILLAGE, username="nophone")
    send(nobody, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.FAILED, 1, str(NO_PHONE))
    assert deliveries_retry(now=timezone.now() + timedelta(hours=1)) == {}
    assert Delivery.objects.get().attempts == 1


def test_broken_gateway_does_not_break_the_caller_and_is_retried_three_times(clerk, sms, django_capture_on_commit_callbacks):
    sms.SMS_BACKEND = "tests.notifications.test_outbox.BrokenSmsBackend"
    rows = send(clerk, django_capture_on_commit_callbacks)  # no exception reaches the caller
    assert len(rows) == 1
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.last_error == "ConnectionError: 短信网关无响应"
    # Too soon after the failure: the retry job leaves it alone.
    now = delivery.last_attempt_at
    assert deliveries_retry(now=now + timedelta(seconds=10)) == {}
    for minute in (1, 2):
        assert deliveries_retry(now=now + timedelta(minutes=minute)) == {DeliveryStatus.PENDING: 1}
    assert deliveries_retry(now=now + timedelta(minutes=3)) == {DeliveryStatus.FAILED: 1}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 4)  # the first try and three retries
    assert deliveries_retry(now=now + timedelta(minutes=4)) == {}


def test_a_retry_succeeds_once_the_gateway_is_back(clerk, sms, django_capture_on_commit_callbacks):
    sms.SMS_BACKEND = "tests.notifications.test_outbox.BrokenSmsBackend"
    send(clerk, django_capture_on_commit_callbacks)
    sms.SMS_BACKEND = "tests.notifications.test_outbox.GatewaySmsBackend"
    delivery = Delivery.objects.get()
    assert deliveries_retry(now=delivery.last_attempt_at + timedelta(minutes=1)) == {DeliveryStatus.SENT: 1}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 2, "")
    assert len(SENT) == 1


def test_a_gateway_that_cannot_even_be_imported_fails_its_deliveries_only(clerk, sms, django_capture_on_commit_callbacks):
    sms.SMS_BACKEND = "warmwinter.nowhere.SmsBackend"
    send(clerk, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and "No module named 'warmwinter.nowhere'" in delivery.last_error


def test_a_send_task_lost_with_the_queue_is_picked_up_by_the_retry_job(clerk, sms, monkeypatch, django_capture_on_commit_callbacks):
    def queue_down(self, task, args, kwargs):
        raise RuntimeError("queue down")

    monkeypatch.setattr(type(deliveries_send.get_backend()), "enqueue", queue_down)
    send(clerk, django_capture_on_commit_callbacks)  # the caller still gets its notification
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 0)
    assert deliveries_retry(now=delivery.created_at + timedelta(seconds=30)) == {}  # its send task may still come
    assert deliveries_retry(now=delivery.created_at + timedelta(minutes=2)) == {DeliveryStatus.RECORDED: 1}


def test_two_workers_never_send_the_same_attempt(clerk, sms, django_capture_on_commit_callbacks):
    sms.SMS_BACKEND = "tests.notifications.test_outbox.GatewaySmsBackend"
    send(clerk, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    # The after-commit task ran; a second copy of it (or a retry racing it) finds nothing left to do.
    assert delivery_attempt(delivery_id=delivery.pk, first=True) is None
    assert deliveries_send.call([delivery.pk]) == {}
    assert len(SENT) == 1


def test_a_key_makes_a_notification_reach_each_user_once(tree, clerk, sms, django_capture_on_commit_callbacks):
    other = make_member(Role.VILLAGE_CLERK, VILLAGE, username="other", phone="13900002222")
    send(clerk, django_capture_on_commit_callbacks, key="care.reminder:1:2026-11-27")
    rows = notify(recipients=[clerk, other, other], region_code=VILLAGE, kind="test", title="again", key="care.reminder:1:2026-11-27")
    assert [n.recipient for n in rows] == [other]
    assert Notification.objects.filter(key="care.reminder:1:2026-11-27").count() == 2
    assert Delivery.objects.count() == 2
