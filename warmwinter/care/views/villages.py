"""One village of a campaign: its key-focus roster (重点关注对象名册) with helpers and this week's contacts,
pairing and changing helpers, adding and removing households, registering helpers, the 帮扶责任联系表
download and its filing (备案). Every form posts to its own URL and comes back here (PRG)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from warmwinter.accounts.scoping import NOT_FOUND, can
from warmwinter.care import exports, selectors, services
from warmwinter.care.choices import CampaignStatus, HelperRole
from warmwinter.care.forms import AssignForm, HelperForm, ReasonForm, RosterAddForm
from warmwinter.care.models import ContactFormFiling, Helper, RosterEntry
from warmwinter.care.views import reads
from warmwinter.care.views.common import allow, care_page, flash_error, form_errors, region_in_campaign, trail
from warmwinter.core.errors import DomainError, Forbidden, NotFound
from warmwinter.regions.codes import Level
from warmwinter.registry.models import Household


def _village(request, campaign_id: int, code: str):
    """(campaign, village) in scope, or None for the village when `code` is a wider region of the campaign."""
    campaign = selectors.access_campaign(request.user, campaign_id)
    region = region_in_campaign(request.user, campaign, code)
    return campaign, (region if region.level == Level.VILLAGE else None), region


def _to_overview(campaign, region):
    """A wider region than a village: its villages are listed on the campaign page."""
    url = reverse("care:campaign_detail", kwargs={"campaign_id": campaign.pk})
    return redirect(url if region.code == campaign.region_id else f"{url}?region={region.code}")


def _back(campaign, code: str, anchor: str = ""):
    url = reverse("care:village_detail", kwargs={"campaign_id": campaign.pk, "code": code})
    return redirect(f"{url}#{anchor}" if anchor else url)


def _helpers(code: str):
    return Helper.objects.filter(region_id=code, active=True).order_by("name")


@care_page
def village_detail_view(request, campaign_id: int, code: str):
    """The village's roster, its helpers, and what may be done with them."""
    campaign, village, region = _village(request, campaign_id, code)
    if village is None:
        return _to_overview(campaign, region)
    today = timezone.localdate()
    frame = reads.frame_of(campaign, today, today)
    entries = reads.village_roster(campaign, village.code, frame)
    names = reads.category_names()
    for entry in entries:
        entry.category_text = "、".join(names.get(c, c) for c in entry.categories)
    user = request.user
    may_roster = can(user, "care.roster", village.code) and campaign.status == CampaignStatus.OPEN
    q = (request.GET.get("q") or "").strip()
    filing = ContactFormFiling.objects.filter(campaign=campaign, region=village).select_related("filed_by").first()
    row = reads.VillageRow(code=village.code, name=village.name, filing=filing, deadline_passed=today > campaign.filing_deadline)
    helpers = _helpers(village.code)
    return render(request, "care/village_detail.html", {
        "campaign": campaign, "village": village, "trail": trail(user, campaign, village.code), "entries": entries,
        "without_helper": sum(1 for e in entries if e.primary is None), "compliant": sum(1 for e in entries if e.compliant),
        "frame": frame, "in_campaign_week": bool(frame.campaign_days),
        "holdings": reads.village_helpers(campaign, village.code), "row": row,
        "may_roster": may_roster, "may_contact": can(user, "care.contact", village.code),
        "may_file": can(user, "care.file", village.code), "may_export": can(user, "care.export", village.code),
        "assign_form": AssignForm(helpers=helpers) if may_roster else None,
        "helper_form": HelperForm(users=reads.helper_users(village.code)) if may_roster else None,
        "q": q, "candidates": reads.households_to_add(user, campaign, village.code, q) if may_roster and q else [],
        "roles": HelperRole.choices,
    })


def _entry(request, entry_id: int) -> RosterEntry:
    """A roster entry the user can see (404), on which they may change the roster (403)."""
    entry = (RosterEntry.objects.visible_to(request.user, "care.view").filter(pk=entry_id)
             .select_related("campaign", "household__head").first())
    if entry is None:
        raise NotFound(NOT_FOUND)
    allow(request.user, "care.roster", entry.region_id)
    return entry


def _run(request, call, success: str) -> None:
    """One service call: its refusal as a message (404 and 403 pass through)."""
    try:
        call()
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, success)


@care_page
@require_POST
def helper_assign_view(request, entry_id: int):
    """Pair or change the primary or backup helper of a roster household."""
    entry = _entry(request, entry_id)
    form = AssignForm(request.POST, helpers=_helpers(entry.region_id))
    if not form.is_valid():
        form_errors(request, form)
    else:
        helper, role = form.cleaned_data["helper"], form.cleaned_data["role"]
        _run(request, lambda: services.helper_assign(actor=request.user, entry=entry, helper=helper, role=role),
             _("已安排 %(helper)s 为%(role)s。") % {"helper": helper.name, "role": HelperRole(role).label})
    return _back(entry.campaign, entry.region_id, f"entry-{entry.pk}")


@care_page
@require_POST
def roster_remove_view(request, entry_id: int):
    """Take a household off the roster, with the reason."""
    entry = _entry(request, entry_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
    else:
        _run(request, lambda: services.roster_remove(actor=request.user, entry=entry, reason=form.cleaned_data["reason"]),
             _("已将该户移出名册。"))
    return _back(entry.campaign, entry.region_id, "roster")


@care_page
@require_POST
def roster_add_view(request, campaign_id: int, code: str):
    """Put a household of the village on the roster by hand, with the reason."""
    campaign, village, region = _village(request, campaign_id, code)
    if village is None:
        return _to_overview(campaign, region)
    allow(request.user, "care.roster", village.code)
    form = RosterAddForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return _back(campaign, village.code, "add")
    household = (Household.objects.visible_to(request.user, "care.view")
                 .filter(pk=form.cleaned_data["household"], region_id=village.code).first())
    if household is None:
        messages.error(request, _("请在本村（社区）的家庭中选择。"))
    else:
        _run(request, lambda: services.roster_add(actor=request.user, campaign=campaign, household=household,
                                                  reason=form.cleaned_data["reason"]), _("已将该户纳入名册。"))
    return _back(campaign, village.code, "roster")


@care_page
@require_POST
def helper_register_view(request, campaign_id: int, code: str):
    """Record a helper of the village (两委 / 党员 / 包村干部), optionally linked to a helper user."""
    campaign, village, region = _village(request, campaign_id, code)
    if village is None:
        return _to_overview(campaign, region)
    allow(request.user, "care.roster", village.code)
    form = HelperForm(request.POST, users=reads.helper_users(village.code))
    if not form.is_valid():
        form_errors(request, form)
    else:
        data = form.cleaned_data
        _run(request, lambda: services.helper_register(actor=request.user, region_code=village.code, name=data["name"], phone=data["phone"],
                                                       kind=data["kind"], position=data["position"], user=data["user"]),
             _("已登记帮扶责任人 %(name)s。") % {"name": data["name"].strip()})
    return _back(campaign, village.code, "helpers")


@care_page
@require_POST
def filing_submit_view(request, campaign_id: int, code: str):
    """File the village's 帮扶责任联系表 for record (备案); late after the campaign's deadline."""
    campaign, village, region = _village(request, campaign_id, code)
    if village is None:
        return _to_overview(campaign, region)
    allow(request.user, "care.file", village.code)
    try:
        filing = services.filing_submit(actor=request.user, campaign=campaign, region_code=village.code)
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        flash_error(request, exc)
    else:
        if filing.late:
            messages.warning(request, _("已备案（%(n)s 户），已过备案截止日期，记为逾期备案。") % {"n": filing.households})
        else:
            messages.success(request, _("已备案（%(n)s 户）。") % {"n": filing.households})
    return _back(campaign, village.code, "filing")


@care_page
@require_GET
def contact_form_export_view(request, campaign_id: int, code: str):
    """The village's 帮扶责任联系表 as xlsx (care.export, audited)."""
    campaign, village, region = _village(request, campaign_id, code)
    if village is None:
        return _to_overview(campaign, region)
    export = exports.contact_form_export(actor=request.user, campaign=campaign, village=village)
    return exports.export_response(export)


urlpatterns = [
    path("<int:campaign_id>/villages/<str:code>/", village_detail_view, name="village_detail"),
    path("<int:campaign_id>/villages/<str:code>/add", roster_add_view, name="roster_add"),
    path("<int:campaign_id>/villages/<str:code>/helpers", helper_register_view, name="helper_register"),
    path("<int:campaign_id>/villages/<str:code>/file", filing_submit_view, name="filing_submit"),
    path("<int:campaign_id>/villages/<str:code>/contact-form.xlsx", contact_form_export_view, name="contact_form_export"),
    path("entries/<int:entry_id>/assign", helper_assign_view, name="helper_assign"),
    path("entries/<int:entry_id>/remove", roster_remove_view, name="roster_remove"),
]
