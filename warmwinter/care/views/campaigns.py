"""Campaign pages: the campaigns in scope, starting one (plan 6's defaults), one campaign per village,
and building the roster from the registry's categories."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from warmwinter.accounts.scoping import can
from warmwinter.care import selectors, services
from warmwinter.care.choices import CampaignStatus
from warmwinter.care.forms import CampaignForm, RosterBuildForm
from warmwinter.care.models import Helper
from warmwinter.care.views import reads
from warmwinter.care.views.common import allow, care_page, flash_error, region_in_campaign, require, trail, url_or_none
from warmwinter.core.errors import DomainError, Forbidden, NotFound
from warmwinter.core.forms import add_domain_error
from warmwinter.regions.codes import Level
from warmwinter.registry.models import Category
from warmwinter.registry.selectors import regions_to_choose

P6_TEMPLATE = "p6-visit-checklist"


@care_page
def campaign_list_view(request):
    """Campaigns over the user's regions, with roster size, households without a helper and filing status."""
    require(request.user, "care.view")
    page = Paginator(selectors.campaigns_for(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "care/campaign_list.html", {
        "page": page, "summaries": reads.campaign_summaries(request.user, page), "today": timezone.localdate(),
        "may_create": can(request.user, "care.manage"),
        "is_helper": Helper.objects.filter(user=request.user, active=True).exists(),
    })


def _campaign_form(request) -> CampaignForm:
    from warmwinter.surveys.choices import Subject
    from warmwinter.surveys.models import SurveyTemplate

    regions = [(r.code, "\u3000" * max(r.level - Level.COUNTY, 0) + r.name)
               for r in regions_to_choose(request.user, "care.manage") if r.level <= Level.TOWNSHIP]
    categories = list(Category.objects.filter(active=True).order_by("sort", "code").values_list("code", "name"))
    templates = [(str(t.pk), f"{t.name} v{t.version}") for t in
                 SurveyTemplate.objects.filter(active=True, subject=Subject.HOUSEHOLD).order_by("code", "-version")]
    initial = {}
    if request.method != "POST":
        window = services.default_window()
        p6 = SurveyTemplate.objects.filter(code=P6_TEMPLATE, active=True).order_by("-version").first()
        initial = {**window, "name": _("%(start)s—%(end)s年冬季帮扶联系") % {"start": window["starts_on"].year, "end": window["ends_on"].year},
                   "roster_categories": [c for c in services.DEFAULT_ROSTER_CATEGORIES if c in dict(categories)],
                   "contact_template": str(p6.pk) if p6 else "", "region": regions[0][0] if regions else ""}
    return CampaignForm(request.POST or None, initial=initial, regions=regions, categories=categories, templates=templates)


@care_page
def campaign_create_view(request):
    """Start a campaign: filing by 12-20, contacts 12-21 → 02-28, the roster categories of plan 6."""
    from warmwinter.surveys.models import SurveyTemplate

    require(request.user, "care.manage")
    form = _campaign_form(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        template = SurveyTemplate.objects.filter(pk=data["contact_template"]).first() if data["contact_template"] else None
        try:
            campaign = services.campaign_create(
                actor=request.user, region_code=data["region"], name=data["name"], filing_deadline=data["filing_deadline"],
                starts_on=data["starts_on"], ends_on=data["ends_on"], roster_categories=list(data["roster_categories"]),
                contact_template=template)
        except (NotFound, Forbidden):
            form.add_error("region", _("该区划不在您可发起帮扶联系工作的范围内。"))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已发起帮扶联系工作。下一步：按人员类别生成重点关注对象名册。"))
            return redirect("care:campaign_detail", campaign_id=campaign.pk)
    return render(request, "care/campaign_form.html", {"form": form}, status=400 if form.is_bound and form.errors else 200)


@care_page
def campaign_detail_view(request, campaign_id: int):
    """One campaign per village: roster households, without a helper, the contact form filed or not."""
    campaign = selectors.access_campaign(request.user, campaign_id)
    within = campaign.region
    if request.GET.get("region"):
        within = region_in_campaign(request.user, campaign, request.GET["region"])
    today = timezone.localdate()
    rows = reads.village_rows(request.user, campaign, within.code, today)
    total = reads.VillageRow(code=within.code, name=within.name, households=sum(r.households for r in rows),
                             without_helper=sum(r.without_helper for r in rows))
    return render(request, "care/campaign_detail.html", {
        "campaign": campaign, "within": within, "trail": trail(request.user, campaign, within.code), "rows": rows, "total": total,
        "filed": sum(1 for r in rows if r.filing), "late": sum(1 for r in rows if r.status == "late"),
        "overdue": sum(1 for r in rows if r.status == "overdue"),
        "villages_with_roster": sum(1 for r in rows if r.households), "today": today,
        "build_regions": reads.build_regions(request.user, campaign) if campaign.status == CampaignStatus.OPEN else [],
        "compliance_url": url_or_none("care:compliance", campaign_id=campaign.pk),
    })


@care_page
@require_POST
def roster_build_view(request, campaign_id: int):
    """Put every household with a roster category (in the campaign, or one region of it) on the roster."""
    campaign = selectors.access_campaign(request.user, campaign_id)
    form = RosterBuildForm(request.POST)
    code = (form.data.get("region") or "").strip() or campaign.region_id
    region = region_in_campaign(request.user, campaign, code)
    allow(request.user, "care.roster", region.code)
    try:
        added = services.roster_build(actor=request.user, campaign=campaign, region_code=region.code)
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("已按人员类别生成名册：新增 %(n)s 户。") % {"n": added})
    if region.level == Level.VILLAGE:
        return redirect("care:village_detail", campaign_id=campaign.pk, code=region.code)
    url = reverse("care:campaign_detail", kwargs={"campaign_id": campaign.pk})
    return redirect(url if region.code == campaign.region_id else f"{url}?region={region.code}")


urlpatterns = [
    path("", campaign_list_view, name="campaign_list"),
    path("new", campaign_create_view, name="campaign_create"),
    path("<int:campaign_id>/", campaign_detail_view, name="campaign_detail"),
    path("<int:campaign_id>/build", roster_build_view, name="roster_build"),
]
