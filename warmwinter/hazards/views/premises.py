"""Premises pages: the register, one place with its inspections and problems, and an inspection
with the premises checklist (plan 10), whose findings go on the problem list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from warmwinter.accounts.scoping import can
from warmwinter.core.errors import DomainError, Forbidden, NotFound
from warmwinter.core.forms import add_domain_error
from warmwinter.hazards import selectors, services
from warmwinter.hazards.choices import PremisesKind
from warmwinter.hazards.forms import InspectionForm, PremisesForm, inspection_input
from warmwinter.hazards.views.common import query_without_page, region_options, require
from warmwinter.regions.codes import Level
from warmwinter.surveys import services as survey_services
from warmwinter.surveys.forms import AnswerForm
from warmwinter.surveys.views.sheet import photos_drop, photos_ok, photos_store

FIELDS = ("name", "kind", "address", "operator", "contact_name", "contact_phone")


@login_required
def premises_list_view(request):
    require(request.user, "premises.view")
    region, kind, q = (request.GET.get(k, "").strip() for k in ("region", "kind", "q"))
    premises = selectors.premises_for(request.user, region=region, kind=kind, q=q)
    page = Paginator(premises, 50).get_page(request.GET.get("page"))
    return render(request, "hazards/premises_list.html", {
        "page": page, "total": page.paginator.count, "query": query_without_page(request),
        "filters": {"region": region, "kind": kind, "q": q}, "kinds": PremisesKind.choices,
        "regions": region_options(request.user, "premises.view"), "may_manage": can(request.user, "premises.manage"),
    })


@login_required
def premises_create_view(request):
    require(request.user, "premises.manage")
    regions = region_options(request.user, "premises.manage", lowest=Level.TOWNSHIP)
    form = PremisesForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            premises = services.premises_register(actor=request.user, region_code=data["region"], **{f: data[f] for f in FIELDS})
        except (NotFound, Forbidden):
            form.add_error("region", _("该区划不在您可登记场所的范围内。"))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已登记场所。"))
            return redirect("hazards:premises_detail", premises_id=premises.pk)
    return render(request, "hazards/premises_form.html", {"form": form, "premises": None})


@login_required
def premises_detail_view(request, premises_id: int):
    premises = selectors.access_premises(request.user, premises_id)
    return render(request, "hazards/premises_detail.html", {
        "premises": premises, "inspections": selectors.inspections_of(premises)[:50],
        "hazards": _marked(list(selectors.hazards_of_premises(request.user, premises)[:100])),
        "may_edit": can(request.user, "premises.manage", premises.region_id),
        "may_inspect": can(request.user, "premises.inspect", premises.region_id),
        "may_report": can(request.user, "hazard.report", premises.region_id),
    })


def _marked(hazards: list) -> list:
    for hazard in hazards:
        hazard.overdue = selectors.is_overdue(hazard)
    return hazards


@login_required
def premises_edit_view(request, premises_id: int):
    premises = selectors.access_premises(request.user, premises_id, action="premises.manage")
    form = PremisesForm(request.POST or None, premises=premises, initial=PremisesForm.initial_for(premises))
    stale = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.premises_update(actor=request.user, premises=premises, version=data["version"], active=data["active"],
                                     **{f: data[f] for f in FIELDS})
        except DomainError as exc:
            stale = str(exc.message) == str(services.CHANGED_MEANWHILE)
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已保存场所信息。"))
            return redirect("hazards:premises_detail", premises_id=premises.pk)
    return render(request, "hazards/premises_form.html", {"form": form, "premises": premises, "stale": stale})


@login_required
def premises_inspect_view(request, premises_id: int):
    """Fill the premises checklist: a self-inspection, a joint inspection or a pre-holiday check."""
    premises = selectors.access_premises(request.user, premises_id, action="premises.inspect")
    template = selectors.premises_template()
    if template is None:
        messages.error(request, _("尚未配置场所检查表，请联系管理员。"))
        return render(request, "hazards/inspection_form.html", {"premises": premises, "template": None}, status=409)
    form = InspectionForm(request.POST or None, template=template)
    answers = AnswerForm(request.POST or None, request.FILES or None, template=template)
    if request.method == "POST" and form.is_valid() & answers.is_valid() and photos_ok(answers):
        data = form.cleaned_data
        stored: dict[str, str] = {}
        try:
            stored = photos_store(f"surveys/premises-{premises.pk}", answers.photo_uploads())
            given, notes = inspection_input(template, answers={**answers.answers(), **stored}, notes=data["notes"],
                                            night=data.get("night", False), extreme_weather=data.get("extreme_weather", False))
            response = survey_services.response_submit(actor=request.user, template=template, premises=premises, answers=given,
                                                       kind=data["kind"], inspectors=data["inspectors"], notes=notes)
        except NotFound:
            photos_drop(stored)
            raise
        except DomainError as exc:
            photos_drop(stored)
            _show_error(form, answers, exc)
        else:
            found = response.hazards.count()
            messages.success(request, _("已记录检查。发现问题 %(n)s 项，已列入问题清单。") % {"n": found} if found
                             else _("已记录检查，未发现问题。"))
            return redirect("hazards:premises_detail", premises_id=premises.pk)
    return render(request, "hazards/inspection_form.html", {"premises": premises, "template": template, "form": form,
                                                            "answers": answers})


def _show_error(form, answers, exc: DomainError) -> None:
    """Each problem on its question (`answers.<key>` is the field `q_<key>`), the rest on the inspection form."""
    problems = exc.errors or [{"field": exc.field or "", "message": str(exc.message)}]
    for problem in problems:
        field = problem.get("field") or ""
        name = "q_" + field.removeprefix("answers.") if field.startswith("answers.") else field
        if name in answers.fields:
            answers.add_error(name, str(problem["message"]))
        else:
            form.add_error(name if name in form.fields else None, str(problem["message"]))


urlpatterns = [
    path("premises/", premises_list_view, name="premises_list"),
    path("premises/new", premises_create_view, name="premises_create"),
    path("premises/<int:premises_id>/", premises_detail_view, name="premises_detail"),
    path("premises/<int:premises_id>/edit", premises_edit_view, name="premises_edit"),
    path("premises/<int:premises_id>/inspect", premises_inspect_view, name="premises_inspect"),
]
