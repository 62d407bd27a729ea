"""Home-visit duties issued by weather warnings (a call does not count): the list in scope with its
filters, and one duty with the visit that fulfilled it."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from warmwinter.accounts.scoping import NOT_FOUND, can
from warmwinter.care.choices import DutyStatus
from warmwinter.care.models import VisitDuty
from warmwinter.care.views import reads
from warmwinter.care.views.common import care_page, require, url_or_none
from warmwinter.core.errors import NotFound


@care_page
@require_GET
def duty_list_view(request):
    require(request.user, "care.view")
    filters = reads.DutyFilter.from_params(request.GET)
    duties, counts = reads.duties_for(request.user, filters)
    page = Paginator(duties, 50).get_page(request.GET.get("page"))
    now = timezone.now()
    for duty in page:
        duty.late = duty.status == DutyStatus.OPEN and duty.due_by < now
    query = request.GET.copy()
    query.pop("page", None)
    base = request.GET.copy()
    for key in ("page", "status"):
        base.pop(key, None)
    return render(request, "care/duty_list.html", {
        "page": page, "filters": filters, "counts": [(value, label, counts.get(value, 0)) for value, label in DutyStatus.choices],
        "total": sum(counts.values()), "alerts": reads.duty_alerts(request.user), "query": query.urlencode(), "base": base.urlencode(),
    })


@care_page
@require_GET
def duty_detail_view(request, duty_id: int):
    duty = (VisitDuty.objects.visible_to(request.user, "care.view").filter(pk=duty_id)
            .select_related("household__head", "region", "alert", "contact__helper", "campaign").first())
    if duty is None:
        raise NotFound(NOT_FOUND)
    return render(request, "care/duty_detail.html", {
        "duty": duty, "late": duty.status == DutyStatus.OPEN and duty.due_by < timezone.now(),
        "may_contact": duty.status == DutyStatus.OPEN and can(request.user, "care.contact", duty.region_id),
        "alert_url": url_or_none("alerts:alert_detail", alert_id=duty.alert_id),
    })


urlpatterns = [
    path("duties/", duty_list_view, name="duty_list"),
    path("duties/<int:duty_id>/", duty_detail_view, name="duty_detail"),
]
