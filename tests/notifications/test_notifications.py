"""Notifications: each user sees only their own, unread first; reading one opens its link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import make_member
from warmwinter.accounts.roles import Role
from warmwinter.accounts.tokens import token_issue
from warmwinter.notifications.models import Notification

pytestmark = pytest.mark.django_db
VILLAGE = "520402005001"


@pytest.fixture
def users(tree):
    return make_member(Role.VILLAGE_CLERK, VILLAGE, username="me"), make_member(Role.VILLAGE_CLERK, VILLAGE, username="other")


def note(user, title: str, *, read: bool = False, ago: int = 0, link: str = "/hazards/") -> Notification:
    row = Notification.objects.create(recipient=user, region_id=VILLAGE, kind="hazard.major", title=title, link=link,
                                      read_at=timezone.now() if read else None)
    Notification.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(hours=ago))
    return row


def test_page_lists_own_notifications_unread_first(users):
    me, other = users
    note(me, "旧的已读", read=True, ago=1)
    note(me, "较早未读", ago=5)
    newest = note(me, "最新未读", ago=0)
    note(other, "别人的通知")
    client = Client()
    client.force_login(me)
    page = client.get("/notifications/").content.decode()
    assert "别人的通知" not in page and "2 条未读" in page
    assert page.index("最新未读") < page.index("较早未读") < page.index("旧的已读")
    response = client.post(f"/notifications/{newest.pk}/read")
    assert response.status_code == 302 and response["Location"] == "/hazards/"
    newest.refresh_from_db()
    assert newest.read_at is not None
    assert "1 条未读" in client.get("/notifications/").content.decode()


def test_someone_elses_notification_is_404_and_outside_links_are_not_followed(users):
    me, other = users
    theirs = note(other, "别人的通知")
    sneaky = note(me, "外链", link="//evil.example/")
    client = Client()
    client.force_login(me)
    assert client.post(f"/notifications/{theirs.pk}/read").status_code == 404
    assert client.get(f"/notifications/{sneaky.pk}/read").status_code == 405
    assert client.post(f"/notifications/{sneaky.pk}/read")["Location"] == "/notifications/"
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_api_lists_and_marks_read(users):
    me, other = users
    read = note(me, "已读", read=True, ago=2)
    unread = note(me, "未读", ago=3)
    theirs = note(other, "别人的")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=me)}")
    rows = api.get("/api/v1/notifications").json()["results"]
    assert [(r["id"], r["unread"]) for r in rows] == [(unread.pk, True), (read.pk, False)]
    assert [r["id"] for r in api.get("/api/v1/notifications?unread=true").json()["results"]] == [unread.pk]
    marked = api.post(f"/api/v1/notifications/{unread.pk}/read")
    assert marked.status_code == 200 and marked.json()["unread"] is False and marked.json()["read_at"]
    assert api.post(f"/api/v1/notifications/{theirs.pk}/read").status_code == 404
    assert api.get("/api/v1/notifications?unread=true").json()["results"] == []
