"""The notification page: the user's own notifications, unread first; reading one opens its link."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from warmwinter.notifications import selectors, services


@login_required
def notification_list_view(request):
    page = Paginator(selectors.notifications_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "query": ""})


@login_required
@require_POST
def notification_read_view(request, notification_id: int):
    """Mark it read, then go where it points (a path on this site only)."""
    notification = selectors.access_notification(request.user, notification_id)
    services.notification_mark_read(user=request.user, notification_id=notification.pk)
    link = notification.link
    if link and link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("notifications:list")
