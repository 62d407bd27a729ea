"""Reads behind the compliance page, API, export and command: which region and week to show, which
campaign a region means, and the week's figures in the API's shape (`warmwinter care compliance --json` too)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warmwinter.accounts.scoping import NOT_FOUND, membership_for, prefixes_for
from warmwinter.care import selectors
from warmwinter.care.choices import CampaignStatus
from warmwinter.care.models import CareCampaign
from warmwinter.care.quota import parse_week, week_label, week_start_of
from warmwinter.core.errors import DomainError, NotFound
from warmwinter.regions.codes import in_subtree, parent_code, prefix_of
from warmwinter.regions.models import Region

WITHOUT_HELPER_LISTED = 100  # the API lists the first 100; the count is complete
TREND_WEEKS = 4
NO_CAMPAIGN = _("该区划没有进行中的帮扶联系工作，请用 campaign 参数指定。")
SEVERAL_CAMPAIGNS = _("该区划有多项进行中的帮扶联系工作（%(ids)s），请用 campaign 参数指定。")


def week_monday(text: str | None) -> date:
    """The Monday of `YYYY-Www`, or of the current week (deployment time zone) when not given."""
    if (text or "").strip():
        return parse_week(text)
    return week_start_of(timezone.localdate())


def campaign_region_for(user, campaign: CareCampaign, region_code: str | None = None, *, action: str = "care.view") -> str:
    """The region to show for a campaign: the one asked for (inside the campaign; one above it means the
    campaign's own), else the narrowest region the user and the campaign share. 404 outside either."""
    if region_code:
        membership_for(user, action=action, region_code=region_code)
        if in_subtree(region_code, campaign.region_id):
            return region_code
        if in_subtree(campaign.region_id, region_code):
            return campaign.region_id
        raise NotFound(NOT_FOUND)
    prefixes = prefixes_for(user, action)
    if any(prefix_of(campaign.region_id).startswith(p) for p in prefixes):
        return campaign.region_id
    for p in prefixes:
        if p.startswith(prefix_of(campaign.region_id)):
            return Region.objects.filter(code__startswith=p).order_by("level", "code").values_list("code", flat=True).first()
    raise NotFound(NOT_FOUND)


def open_campaign_for(user, region_code: str, monday: date) -> CareCampaign:
    """The open campaign (visible to the user) over the region or a region above it; when several, the ones
    whose contact period meets the week. None or still several: a DomainError asking for `campaign`."""
    covering, code = [], region_code
    while code:
        covering.append(code)
        code = parent_code(code)
    found = list(selectors.campaigns_for(user).filter(status=CampaignStatus.OPEN, region_id__in=covering).order_by("id"))
    if len(found) > 1:
        sunday = monday + timedelta(days=6)
        found = [c for c in found if c.starts_on <= sunday and c.ends_on >= monday] or found
    if not found:
        raise DomainError(NO_CAMPAIGN, field="campaign")
    if len(found) > 1:
        raise DomainError(SEVERAL_CAMPAIGNS % {"ids": "、".join(str(c.pk) for c in found)}, field="campaign")
    return found[0]


def _names(codes) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=set(codes)).values_list("code", "name"))


def without_helper_rows(campaign: CareCampaign, region_code: str, limit: int | None = None) -> list[dict]:
    """Roster households nobody is responsible for, as rows (head, village, address, phone)."""
    entries = selectors.households_without_helper(campaign, region_code)
    if limit is not None:
        entries = entries[:limit]
    return [{"entry": e.pk, "household": e.household_id, "head": e.household.head.name if e.household.head else "",
             "number": e.household.number, "village": e.region_id, "village_name": e.region.name,
             "address": e.household.address, "phone": e.household.phone, "categories": e.categories} for e in entries]


def helper_rows(campaign: CareCampaign, region_code: str, monday: date, *, today: date | None = None) -> list[dict]:
    """compliance_by_helper with each helper's village named."""
    rows = selectors.compliance_by_helper(campaign, region_code, monday, today=today)
    names = _names(r["village"] for r in rows)
    return [{**r, "village_name": names.get(r["village"], "")} for r in rows]


def compliance_figures(campaign: CareCampaign, region_code: str, monday: date, *, today: date | None = None) -> dict:
    """A week's compliance in a region, as GET /api/v1/compliance answers it."""
    today = today or timezone.localdate()
    figures = selectors.compliance(campaign, region_code, monday, today=today)
    without = selectors.households_without_helper(campaign, region_code)
    return {
        "campaign": campaign.pk, "campaign_name": campaign.name,
        "region": figures.region.code, "region_name": figures.region.name,
        "week": week_label(monday), "week_start": monday.isoformat(), "week_end": (monday + timedelta(days=6)).isoformat(),
        "days": len(figures.frame.campaign_days), "days_over": len(figures.frame.ended_days),
        "total": figures.total.as_dict(),
        "children": [row.as_dict() for row in figures.children],
        "villages": [row.as_dict() for row in figures.villages],
        "helpers": helper_rows(campaign, region_code, monday, today=today),
        "without_helper": {"count": without.count(), "households": without_helper_rows(campaign, region_code, WITHOUT_HELPER_LISTED)},
        "due_today": len(selectors.households_due(campaign, region_code, today=today)),
    }


def compliance_trend(campaign: CareCampaign, region_code: str, monday: date, *, weeks: int = TREND_WEEKS,
                     today: date | None = None) -> dict:
    """Share compliant per region one level down (a village: itself) over the weeks up to `monday`, for the
    chart; weeks with no day inside the contact period are left out (nothing was owed)."""
    today = today or timezone.localdate()
    series, regions = [], {}
    for back in range(weeks - 1, -1, -1):
        start = monday - timedelta(weeks=back)
        if not (campaign.starts_on <= start + timedelta(days=6) and start <= campaign.ends_on):
            continue
        figures = selectors.compliance(campaign, region_code, start, today=today)
        rows = figures.children or figures.villages
        for row in rows:
            regions.setdefault(row.code, row.name or row.code)
        series.append((week_label(start), {row.code: row.rate for row in rows}))
    codes = sorted(regions)
    return {"codes": codes, "names": [regions[c] for c in codes],
            "series": [{"name": label, "data": [rates.get(c) if rates.get(c) is not None else 0 for c in codes]} for label, rates in series]}


def campaigns_listed(user, *, region_code: str | None = None, status: str | None = None):
    """Campaigns in scope, filtered by a region (over it, under it, or over a region above it) and status."""
    campaigns = selectors.campaigns_for(user)
    if region_code:
        ancestors, up = [], parent_code(region_code)
        while up:
            ancestors.append(up)
            up = parent_code(up)
        campaigns = campaigns.filter(Q(region__code__startswith=prefix_of(region_code)) | Q(region_id__in=[region_code, *ancestors]))
    if status:
        campaigns = campaigns.filter(status=status)
    return campaigns
