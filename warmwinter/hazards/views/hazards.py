"""Problem-list pages: the list with its filters, a manual report, one item with its timeline and
the moves this user may make, editing, evidence files and the xlsx export."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from warmwinter.accounts.scoping import can
from warmwinter.core.errors import DomainError, Forbidden, NotFound
from warmwinter.core.forms import add_domain_error
from warmwinter.hazards import exports, selectors, services, workflow
from warmwinter.hazards.choices import HazardCategory, HazardSource, Severity
from warmwinter.hazards.forms import HazardEditForm, HazardReportForm, TransitionForm
from warmwinter.hazards.selectors import HazardFilter
from warmwinter.hazards.views.common import query_without_page, region_options, require
from warmwinter.hazards.workflow import State
from warmwinter.registry.selectors import access_household
from warmwinter.surveys.selectors import rounds_for

INLINE_TYPES = {"image/jpeg", "image/png", "image/webp"}


@login_required
def hazard_list_view(request):
    require(request.user, "hazard.view")
    filters = HazardFilter.from_params(request.GET)
    today = timezone.localdate()
    hazards = selectors.hazards_for(request.user, filters, today=today)
    counts, overdue = selectors.state_counts(selectors.hazards_for(request.user, filters.without_state(), today=today), today=today)
    page = Paginator(hazards, 30).get_page(request.GET.get("page"))
    for hazard in page:
        hazard.overdue = selectors.is_overdue(hazard, today)
    base = filters.without_state()
    return render(request, "hazards/hazard_list.html", {
        "page": page, "filters": filters, "query": query_without_page(request), "total": page.paginator.count,
        "counts": counts, "overdue_count": overdue, "base_query": _query_of(base),
        "regions": region_options(request.user, "hazard.view"), "states": State.choices, "categories": HazardCategory.choices,
        "severities": Severity.choices, "sources": HazardSource.choices,
        "rounds": list(rounds_for(request.user).order_by("-starts_on", "-id")[:50]),
        "may_report": can(request.user, "hazard.report"),
    })


def _query_of(filters: HazardFilter) -> str:
    """The filters as a query string (for the state counts' links)."""
    names = {"open_only": "open"}
    pairs = [(names.get(k, k), "1" if v is True else v) for k, v in filters.__dict__.items() if v not in ("", None, False)]
    return urlencode(pairs)


@login_required
def hazard_create_view(request):
    require(request.user, "hazard.report")
    household = premises = None
    if request.GET.get("household"):
        household = access_household(request.user, selectors.parse_id(request.GET["household"]), action="hazard.report")
    elif request.GET.get("premises"):
        premises = selectors.access_premises(request.user, selectors.parse_id(request.GET["premises"]), action="hazard.report")
    regions = None if (household or premises) else region_options(request.user, "hazard.report")
    form = HazardReportForm(request.POST or None, request.FILES or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hazard = services.hazard_report(
                actor=request.user, region_code=data.get("region"), household=household, premises=premises,
                category=data["category"], severity=data["severity"], title=data["title"], description=data["description"],
                responsible_unit=data["responsible_unit"], responsible_person=data["responsible_person"],
                deadline=data["deadline"], evidence=data["evidence"],
            )
        except (NotFound, Forbidden):
            form.add_error("region" if "region" in form.fields else None, _("该区划不在您可登记问题的范围内。"))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if hazard.state == State.ESCALATED:
                messages.warning(request, _("已登记重大问题，已自动上报县级并通知有关人员。"))
            else:
                messages.success(request, _("已登记问题。"))
            return redirect("hazards:hazard_detail", hazard_id=hazard.pk)
    return render(request, "hazards/hazard_form.html", {"form": form, "household": household, "premises": premises, "hazard": None})


def _detail(request, hazard, *, failed: TransitionForm | None = None, status: int = 200):
    steps = list(selectors.steps_of(hazard))
    return render(request, "hazards/hazard_detail.html", {
        "hazard": hazard, "steps": steps, "overdue": selectors.is_overdue(hazard),
        "report_evidence": [e for e in selectors.evidence_of(hazard) if e.step_id is None],
        "transitions": selectors.transitions_for(request.user, hazard), "failed": failed,
        "step_labels": {"report": _("登记问题"), **{t.name: t.label for t in workflow.TRANSITIONS.values()}},
        "may_edit": hazard.is_open and can(request.user, "hazard.handle", hazard.region_id),
        "awaiting_other": hazard.state in workflow.AWAITING_VERIFICATION and hazard.fixed_by_id == request.user.pk,
    }, status=status)


@login_required
def hazard_detail_view(request, hazard_id: int):
    return _detail(request, selectors.access_hazard(request.user, hazard_id))


@login_required
@require_POST
def hazard_transition_view(request, hazard_id: int):
    """One move along workflow.py, with a note and photos; a refused move shows why, with its status."""
    hazard = selectors.access_hazard(request.user, hazard_id)
    form = TransitionForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, hazard, failed=form, status=400)
    data = form.cleaned_data
    try:
        moved = services.hazard_transition(actor=request.user, hazard=hazard, name=data["transition"], note=data["note"],
                                           version=data["version"], evidence=data["evidence"])
    except NotFound:
        raise
    except DomainError as exc:
        add_domain_error(form, exc)
        return _detail(request, selectors.access_hazard(request.user, hazard_id), failed=form, status=exc.status_code)
    messages.success(request, _("已%(action)s，当前状态：%(state)s。") % {
        "action": workflow.transition(data["transition"]).label, "state": State(moved.state).label})
    return redirect("hazards:hazard_detail", hazard_id=hazard.pk)


@login_required
def hazard_edit_view(request, hazard_id: int):
    hazard = selectors.access_hazard(request.user, hazard_id, action="hazard.handle")
    form = HazardEditForm(request.POST or None, initial=HazardEditForm.initial_for(hazard))
    stale = False
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.hazard_update(actor=request.user, hazard=hazard, version=version, **data)
        except DomainError as exc:
            stale = str(exc.message) == str(services.CHANGED_MEANWHILE)
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已保存问题信息。"))
            return redirect("hazards:hazard_detail", hazard_id=hazard.pk)
    return render(request, "hazards/hazard_form.html", {"form": form, "hazard": hazard, "stale": stale,
                                                        "household": hazard.household, "premises": hazard.premises})


@never_cache
@login_required
@require_GET
def hazard_evidence_view(request, hazard_id: int):
    """A photo or PDF of a hazard, only to users who can see the hazard (`?id=<evidence id>`)."""
    hazard = selectors.access_hazard(request.user, hazard_id)
    evidence_id = selectors.parse_id(request.GET.get("id"))
    if evidence_id is None:
        return redirect("hazards:hazard_detail", hazard_id=hazard.pk)
    evidence = selectors.access_evidence(request.user, hazard.pk, evidence_id)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise NotFound(_("文件已不存在。")) from None
    name = PurePath(evidence.file.name).name
    content_type = evidence.content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type, as_attachment=content_type not in INLINE_TYPES, filename=name)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def hazard_export_view(request):
    """The 问题清单 xlsx of what the list shows with the same filters."""
    require(request.user, "hazard.view")
    try:
        export = exports.hazard_export(actor=request.user, filters=HazardFilter.from_params(request.GET))
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("hazards:hazard_list")
    return exports.export_response(export)


urlpatterns = [
    path("", hazard_list_view, name="hazard_list"),
    path("new", hazard_create_view, name="hazard_create"),
    path("export.xlsx", hazard_export_view, name="hazard_export"),
    path("<int:hazard_id>/", hazard_detail_view, name="hazard_detail"),
    path("<int:hazard_id>/edit", hazard_edit_view, name="hazard_edit"),
    path("<int:hazard_id>/transition", hazard_transition_view, name="hazard_transition"),
    path("<int:hazard_id>/evidence", hazard_evidence_view, name="hazard_evidence"),
]
