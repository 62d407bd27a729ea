"""Round pages: the list, a new round, the coverage dashboard, closing, and a village's households."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from warmwinter.accounts.scoping import NOT_FOUND, can
from warmwinter.core.errors import DomainError, Forbidden, NotFound
from warmwinter.hazards.models import Premises
from warmwinter.regions.codes import Level, level_of
from warmwinter.surveys import selectors, services
from warmwinter.surveys.choices import ResponseKind, RoundStatus, Subject
from warmwinter.surveys.models import SurveyResponse
from warmwinter.surveys.schema import RATE_KEYS
from warmwinter.surveys.views.common import (
    page_of, region_choices, region_code, require, survey_page, trail, url_or_none,
)
from warmwinter.surveys.views.page_forms import RoundForm

ROUNDS_PER_PAGE = 20  # each row's coverage is three GROUP BYs: keep the page short


@survey_page
def round_list_view(request):
    require(request.user, "survey.view")
    rounds = selectors.rounds_for(request.user)
    status = request.GET.get("status", "")
    if status in RoundStatus.values:
        rounds = rounds.filter(status=status)
    page = page_of(rounds, request, size=ROUNDS_PER_PAGE)
    for round_ in page.object_list:
        round_.due = services.due_at(round_)
        try:
            round_.my_region = selectors.round_region_for(request.user, round_, None)
        except NotFound:
            round_.coverage = None
            continue
        round_.coverage = selectors.coverage(round_, round_.my_region).total
    return render(request, "surveys/round_list.html", {
        "page": page, "status": status, "statuses": RoundStatus.choices, "query": f"status={status}" if status else "",
        "may_create": can(request.user, "survey.manage"), "may_respond": can(request.user, "survey.respond"),
    })


@survey_page
def round_create_view(request):
    require(request.user, "survey.manage")
    form = RoundForm(request.POST or None, regions=region_choices(request.user, "survey.manage"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = services.round_create(
                actor=request.user, template=data["template"], region_code=data["region"], name=data["name"],
                starts_on=data["starts_on"], ends_on=data["ends_on"], report_deadline=data["report_deadline"],
                params=data["params"],
            )
        except (NotFound, Forbidden):
            form.add_error("region", _("该区划不在您可发起摸排的范围内。"))
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("已发起摸排“%(name)s”。") % {"name": round_.name})
            return redirect("surveys:round_detail", round_id=round_.pk)
    return render(request, "surveys/round_form.html", {"form": form})


SHORT_NAMES = (("居民委员会", ""), ("村民委员会", "村"), ("村委会", "村"), ("街道办事处", "街道"))


def short_name(name: str) -> str:
    """金钟社区居民委员会 → 金钟社区: a chart axis on a phone has room for a few characters only."""
    for long, short in SHORT_NAMES:
        if name.endswith(long) and len(name) > len(long):
            return name[: -len(long)] + short
    return name


def _chart(rows, unit_label: str) -> dict:
    """Bars for the dashboard: coverage of households (or premises) and of persons, per region."""
    return {
        "names": [short_name(r.name or r.code) for r in rows],
        "series": [
            {"name": _("%(unit)s覆盖率") % {"unit": unit_label}, "data": [r.coverage_rate or 0 for r in rows]},
            {"name": _("人员覆盖率"), "data": [r.persons_rate or 0 for r in rows]},
        ],
        "unit": "%",
    }


@survey_page
def round_detail_view(request, round_id: int):
    """The coverage dashboard of a round in one region (the user's, or ?region= below it)."""
    round_ = selectors.access_round(request.user, round_id)
    asked = request.GET.get("region")
    code = selectors.round_region_for(request.user, round_, region_code(asked) if asked else None)
    cov = selectors.coverage(round_, code)
    hazards, hazard_children = selectors.hazard_rates(round_, code)
    premises = round_.template.subject == Subject.PREMISES
    unit_label = _("场所") if premises else _("户")
    children = cov.children if cov.region.level < Level.TOWNSHIP else []
    bars = children or (cov.villages if cov.region.level < Level.VILLAGE else [])
    keys = {q["key"] for q in round_.template.questions}
    open_ = round_.status == RoundStatus.OPEN
    region_level = cov.region.level
    return render(request, "surveys/round_detail.html", {
        "round": round_, "cov": cov, "total": cov.total, "children": children, "villages": cov.villages,
        "region": cov.region, "trail": trail(request.user, round_, code), "premises": premises, "unit_label": unit_label,
        "show_leaflets": RATE_KEYS[0] in keys, "show_education": RATE_KEYS[1] in keys,
        "hazards": hazards, "hazard_children": hazard_children, "chart": _chart(bars, unit_label), "has_chart": bool(bars),
        "chart_height": 60 + 48 * len(bars),
        "due": services.due_at(round_), "open": open_,
        "is_village": region_level == Level.VILLAGE,
        "may_manage": can(request.user, "survey.manage", round_.region_id),
        "may_assign": can(request.user, "survey.manage"),
        "may_spot_check": can(request.user, "spot_check.run"),
        "may_report": can(request.user, "survey.report"),
        "export_url": url_or_none("surveys:round_export", round_id=round_.pk) if can(request.user, "survey.export") else None,
        "hazard_list_url": url_or_none("hazards:hazard_list"),
        "import_url": url_or_none("surveys:round_import", round_id=round_.pk)
        if open_ and can(request.user, "survey.respond", code) else None,
    })


@survey_page
@require_POST
def round_close_view(request, round_id: int):
    round_ = selectors.access_round(request.user, round_id)
    if round_.status != RoundStatus.OPEN:
        messages.info(request, _("该摸排已结束。"))
        return redirect("surveys:round_detail", round_id=round_.pk)
    services.round_close(actor=request.user, round_=round_)  # Forbidden → 403 (survey_page)
    messages.success(request, _("已结束摸排“%(name)s”，不再接受提交。") % {"name": round_.name})
    return redirect("surveys:round_detail", round_id=round_.pk)


@survey_page
def village_detail_view(request, round_id: int, code: str):
    """Who is still to visit in one village (户不漏), with a 去摸排 button each, and who has been visited."""
    round_ = selectors.access_round(request.user, round_id)
    code = region_code(code)
    if selectors.round_region_for(request.user, round_, code) != code:
        raise NotFound(NOT_FOUND)  # a region above the round is not one of its villages
    premises = round_.template.subject == Subject.PREMISES
    if not premises and level_of(code) != Level.VILLAGE:
        # Above a village: its dashboard lists the villages to pick from.
        return redirect(f"{reverse('surveys:round_detail', kwargs={'round_id': round_.pk})}?region={code}")
    total = selectors.coverage(round_, code).total
    done = (SurveyResponse.objects.filter(round=round_, kind=ResponseKind.SURVEY, region_id=code)
            .select_related("household__head", "premises", "surveyor").order_by("-visited_at", "-id"))
    if premises:
        done = done.filter(premises__isnull=False)
        missing = (Premises.objects.filter(region_id=code, active=True)
                   .exclude(pk__in=SurveyResponse.objects.filter(round=round_, kind=ResponseKind.SURVEY, premises__isnull=False)
                            .values("premises_id")).order_by("name", "id"))
    else:
        done = done.filter(household__isnull=False)
        missing = selectors.households_missing(round_, code)
    open_ = round_.status == RoundStatus.OPEN
    return render(request, "surveys/village_detail.html", {
        "round": round_, "region": trail(request.user, round_, code)[-1], "trail": trail(request.user, round_, code),
        "total": total, "premises": premises, "missing": page_of(missing, request), "done": page_of(done, request, "done_page"),
        "may_respond": open_ and can(request.user, "survey.respond", code), "open": open_,
    })


urlpatterns = [
    path("", round_list_view, name="round_list"),
    path("new/", round_create_view, name="round_create"),
    path("<int:round_id>/", round_detail_view, name="round_detail"),
    path("<int:round_id>/close/", round_close_view, name="round_close"),
    path("<int:round_id>/villages/<str:code>/", village_detail_view, name="village_detail"),
]
