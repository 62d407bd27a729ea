from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from warmwinter.accounts.roles import Role
from warmwinter.accounts.scoping import NOT_FOUND, can
from warmwinter.audit.actions import action_labels
from warmwinter.audit.selectors import EventFilter, event_actions, events_for
from warmwinter.core.errors import NotFound


@login_required
def event_list_view(request):
    if not can(request.user, "audit.view"):
        raise NotFound(NOT_FOUND)
    filters = EventFilter.from_params(request.GET)
    page = Paginator(events_for(user=request.user, filters=filters), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/event_list.html", {
        "page": page, "filters": filters, "role_labels": dict(Role.choices), "action_labels": action_labels(), "actions": event_actions(user=request.user), "query": query.urlencode(),
    })
