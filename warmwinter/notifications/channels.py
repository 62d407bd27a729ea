"""Notification channels: in-app (always on) and SMS behind a pluggable gateway backend.

A channel turns a notification into an address and a message when the notification is created, and
`send(delivery)` hands it over later, from a background task. `send` returns nothing and raises on
failure: `DeliveryRefused` when retrying cannot help (no phone number), anything else to be retried.
On success it may set `delivery.status` to RECORDED (kept, not sent); otherwise the delivery is SENT.

SMS gateways differ by province and contract, so the gateway is a class named in
WARMWINTER_SMS_BACKEND with one method, `send(*, phone, text)`. The default RecordingSmsBackend sends
nothing: the phone number and text stay in the Delivery row, with status `recorded`.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from warmwinter.notifications.models import Delivery, DeliveryStatus, Notification

logger = logging.getLogger("warmwinter.notifications")

INAPP = "inapp"
SMS = "sms"
SMS_SIGNATURE = "【暖冬】"
NO_PHONE = _("接收人没有登记手机号，短信无法发送。")
UNKNOWN_CHANNEL = _("未知的通知渠道：%(name)s")


class DeliveryRefused(Exception):
    """A delivery that cannot succeed however often it is tried (no address, unknown channel)."""


class Channel(ABC):
    name: str = ""

    def address_for(self, user) -> str:
        """Where this channel reaches `user` ("" when it cannot)."""
        return ""

    def render(self, notification: Notification) -> str:
        """The message this channel sends for `notification`."""
        return notification.title

    @abstractmethod
    def send(self, delivery: Delivery) -> None:
        """Hand the delivery over; raise on failure."""


class InAppChannel(Channel):
    """The Notification row is the in-app message itself: nothing to send, delivered at once."""

    name = INAPP

    def send(self, delivery: Delivery) -> None:
        delivery.status = DeliveryStatus.SENT


class SmsBackend(ABC):
    """An SMS gateway. Set `records_only` when messages are kept instead of sent."""

    records_only = False

    @abstractmethod
    def send(self, *, phone: str, text: str) -> None:
        """Send `text` to `phone`; raise on failure."""


class RecordingSmsBackend(SmsBackend):
    """The default: no network. The Delivery row keeps the phone number and the text."""

    records_only = True

    def send(self, *, phone: str, text: str) -> None:
        logger.info("SMS recorded, not sent: %s chars to %s", len(text), phone[:3] + "****" + phone[-4:])


def sms_backend() -> SmsBackend:
    """The gateway named in settings.SMS_BACKEND (imported on each use, so a broken one fails only its deliveries)."""
    return import_string(settings.SMS_BACKEND)()


class SmsChannel(Channel):
    name = SMS

    def address_for(self, user) -> str:
        return (getattr(user, "phone", "") or "").strip()

    def render(self, notification: Notification) -> str:
        text = SMS_SIGNATURE + notification.title
        return f"{text}：{notification.body}" if notification.body else text

    def send(self, delivery: Delivery) -> None:
        if not delivery.address:
            raise DeliveryRefused(str(NO_PHONE))
        backend = sms_backend()
        backend.send(phone=delivery.address, text=delivery.message)
        if backend.records_only:
            delivery.status = DeliveryStatus.RECORDED


CHANNELS: dict[str, type[Channel]] = {INAPP: InAppChannel, SMS: SmsChannel}


def channel_named(name: str) -> Channel:
    try:
        return CHANNELS[name]()
    except KeyError:
        raise DeliveryRefused(str(UNKNOWN_CHANNEL) % {"name": name}) from None


def extra_channels() -> list[Channel]:
    """The channels enabled in settings.NOTIFY_CHANNELS besides in-app, each of which gets a Delivery."""
    found = []
    for name in dict.fromkeys(settings.NOTIFY_CHANNELS):
        if name == INAPP:
            continue
        if name not in CHANNELS:
            logger.error("WARMWINTER_NOTIFY_CHANNELS names an unknown channel %r (known: %s)", name, ", ".join(CHANNELS))
            continue
        found.append(CHANNELS[name]())
    return found
