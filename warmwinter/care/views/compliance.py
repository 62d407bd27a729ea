"""The compliance page of a campaign (联系达标情况): a week's figures in a region — the total, per region one
level down, per village, per helper — the households without a helper, a week picker, a four-week chart;
and the same week as xlsx."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from warmwinter.accounts.scoping import NOT_FOUND, can
from warmwinter.care import exports_compliance, selectors
from warmwinter.care.quota import week_label, week_start_of
from warmwinter.care.selectors_compliance import campaign_region_for, compliance_figures, compliance_trend, week_monday
from warmwinter.care.views.common import care_page, url_or_none
from warmwinter.core.errors import DomainError, NotFound
from warmwinter.regions.codes import Level, in_subtree, level_of, normalize, parent_code
from warmwinter.regions.models import Region

SHORT_NAMES = (("居民委员会", ""), ("村民委员会", "村"), ("村委会", "村"), ("街道办事处", "街道"))


def short_name(name: str) -> str:
    """金钟社区居民委员会 → 金钟社区: a chart axis on a phone has room for a few characters only."""
    for long, short in SHORT_NAMES:
        if name.endswith(long) and len(name) > len(long):
            return name[: -len(long)] + short
    return name


def _region_code(value: str | None) -> str | None:
    if not (value or "").strip():
        return None
    try:
        return normalize(value)
    except ValueError:
        raise NotFound(NOT_FOUND) from None


def _trail(user, campaign, code: str) -> list[Region]:
    """The regions from the campaign's region down to `code` that the user may open (breadcrumbs)."""
    codes, current = [], code
    while current and in_subtree(current, campaign.region_id):
        codes.append(current)
        if current == campaign.region_id:
            break
        current = parent_code(current)
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return [Region(code=c, name=names.get(c, c), level=level_of(c)) for c in reversed(codes) if can(user, "care.view", c)]


def _place(request, campaign):
    """The region and week asked for (a malformed week: a message and the current week)."""
    code = campaign_region_for(request.user, campaign, _region_code(request.GET.get("region")))
    try:
        monday = week_monday(request.GET.get("week"))
    except DomainError as exc:
        messages.error(request, str(exc.message))
        monday = week_start_of(timezone.localdate())
    return code, monday


@care_page
def compliance_view(request, campaign_id: int):
    campaign = selectors.access_campaign(request.user, campaign_id)
    code, monday = _place(request, campaign)
    figures = compliance_figures(campaign, code, monday)
    chart = compliance_trend(campaign, code, monday)
    chart["names"] = [short_name(n) for n in chart["names"]]
    query = f"region={code}&week="
    level = level_of(code)
    return render(request, "care/compliance.html", {
        "campaign": campaign, "figures": figures, "total": figures["total"], "region_code": code, "is_village": level == Level.VILLAGE,
        "trail": _trail(request.user, campaign, code), "week": week_label(monday), "monday": monday, "sunday": monday + timedelta(days=6),
        "previous_query": query + week_label(monday - timedelta(weeks=1)), "next_query": query + week_label(monday + timedelta(weeks=1)),
        "current_week": week_label(week_start_of(timezone.localdate())), "outside_period": figures["days"] == 0,
        "children": figures["children"] if level < Level.TOWNSHIP else [], "villages": figures["villages"] if level < Level.VILLAGE else [],
        "chart": chart, "has_chart": bool(chart["series"] and chart["codes"]),
        "chart_height": 70 + (18 * len(chart["series"]) + 16) * len(chart["codes"]),
        "export_url": url_or_none("care:compliance_export", campaign_id=campaign.pk) if can(request.user, "care.export", code) else None,
    })


@care_page
@require_GET
def compliance_export_view(request, campaign_id: int):
    # Seen with care.view (404 outside scope); the export itself needs care.export there (403).
    campaign = selectors.access_campaign(request.user, campaign_id)
    code = campaign_region_for(request.user, campaign, _region_code(request.GET.get("region")))
    try:
        monday = week_monday(request.GET.get("week"))
    except DomainError:
        monday = week_start_of(timezone.localdate())
    export = exports_compliance.compliance_export(actor=request.user, campaign=campaign, region_code=code, monday=monday)
    return exports_compliance.export_response(export)


urlpatterns = [
    path("<int:campaign_id>/compliance/", compliance_view, name="compliance"),
    path("<int:campaign_id>/compliance.xlsx", compliance_export_view, name="compliance_export"),
]
