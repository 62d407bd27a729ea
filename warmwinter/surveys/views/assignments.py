"""Who surveys where: a surveyor's own list (what is left per village) and the manager's assignment page."""

from __future__ import annotations

from collections import OrderedDict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from warmwinter.accounts.models import Membership, User
from warmwinter.accounts.permissions import roles_for
from warmwinter.accounts.roles import Role
from warmwinter.accounts.scoping import NOT_ALLOWED, scope_q
from warmwinter.core.errors import DomainError, Forbidden, NotFound
from warmwinter.regions.codes import Level, parent_code, prefix_of
from warmwinter.regions.models import Region
from warmwinter.registry.choices import HouseholdStatus
from warmwinter.registry.models import Household
from warmwinter.surveys import selectors, services
from warmwinter.surveys.choices import ResponseKind, RoundStatus
from warmwinter.surveys.models import SurveyAssignment, SurveyResponse
from warmwinter.surveys.views.common import form_error, require, survey_page
from warmwinter.surveys.views.page_forms import AssignmentForm


def _groups(assignments) -> list[dict]:
    """Assignments grouped by (round, village, surveyor), with what is left to visit there."""
    groups: OrderedDict = OrderedDict()
    for a in assignments:
        key = (a.round_id, a.region_id, a.surveyor_id)
        group = groups.setdefault(key, {"round": a.round, "region": a.region, "whole": False, "households": [],
                                        "surveyor": a.surveyor.display_name or a.surveyor.username})
        if a.household_id is None:
            group["whole"] = True
        else:
            group["households"].append(a.household)
    for (round_id, village, _surveyor), group in groups.items():
        surveyed = set(SurveyResponse.objects.filter(round_id=round_id, kind=ResponseKind.SURVEY, region_id=village,
                                                     household__isnull=False).values_list("household_id", flat=True))
        if group["whole"]:
            group["left"] = selectors.households_missing(group["round"], village).count()
            group["total"] = Household.objects.filter(region_id=village, status=HouseholdStatus.ACTIVE).count()
        else:
            group["left"] = sum(1 for h in group["households"] if h.pk not in surveyed)
            group["total"] = len(group["households"])
        for household in group["households"]:
            household.surveyed = household.pk in surveyed
        group["open"] = group["round"].status == RoundStatus.OPEN
    return list(groups.values())


@survey_page
def my_assignments_view(request):
    """The signed-in surveyor's villages and households, open rounds first, with what is left."""
    rows = (SurveyAssignment.objects.visible_to(request.user, "survey.respond").filter(surveyor=request.user)
            .select_related("round__template", "region", "household__head", "surveyor")
            .order_by("round__status", "-round__starts_on", "region_id", "household__number", "id"))
    return render(request, "surveys/my_assignments.html", {"groups": _groups(rows)})


def _surveyors(user, village: str) -> list[tuple[str, str]]:
    """People who may answer in the village (a membership there or above it) that the manager can see."""
    codes, code = [], village
    while code:
        codes.append(code)
        code = parent_code(code)
    in_scope = scope_q(user, "survey.manage", "region__code")
    if in_scope is None:
        return []
    memberships = (Membership.objects.filter(in_scope, active=True, user__is_active=True, region_id__in=codes,
                                             role__in=roles_for("survey.respond"))
                   .select_related("user", "region").order_by("-region_id", "user__username"))
    found: OrderedDict = OrderedDict()
    for m in memberships:
        found.setdefault(str(m.user_id), f"{m.user.display_name or m.user.username} · {Role(m.role).label} · {m.region.name}")
    return list(found.items())


@survey_page
def round_assignments_view(request, round_id: int):
    """survey.manage: give a village (and optionally some of its households) to a surveyor."""
    require(request.user, "survey.manage")
    round_ = selectors.access_round(request.user, round_id)
    villages = list(Region.objects.visible_to(request.user, "survey.manage")
                    .filter(level=Level.VILLAGE, code__startswith=prefix_of(round_.region_id)).order_by("code"))
    if not villages:
        raise PermissionDenied(str(NOT_ALLOWED))  # the round is visible, but none of its villages is the user's to assign
    village = next((v for v in villages if v.code == (request.POST.get("village") or request.GET.get("village"))), None)
    form = None
    if village is not None:
        households = (Household.objects.filter(region=village, status=HouseholdStatus.ACTIVE).select_related("head")
                      .order_by("number", "id"))
        form = AssignmentForm(request.POST or None, surveyors=_surveyors(request.user, village.code),
                              households=[(str(h.pk), f"{h.number} {h.head.name if h.head else ''}".strip()) for h in households])
        if request.method == "POST" and form.is_valid():
            surveyor = User.objects.get(pk=form.cleaned_data["surveyor"])  # one of _surveyors(): the form's choices
            chosen = [h for h in households if str(h.pk) in set(form.cleaned_data["households"])]
            try:
                services.assignment_set(actor=request.user, round_=round_, region_code=village.code, surveyor=surveyor, households=chosen)
            except (NotFound, Forbidden):
                form.add_error("surveyor", _("此人不能在该村（社区）摸排。"))
            except DomainError as exc:
                form_error(form, exc, fields={"region": "households"})
            else:
                messages.success(request, _("已将%(village)s的摸排任务分配给 %(name)s。") % {
                    "village": village.name, "name": surveyor.display_name or surveyor.username})
                return redirect(f"{reverse('surveys:round_assignments', kwargs={'round_id': round_.pk})}?village={village.code}")
    rows = (SurveyAssignment.objects.visible_to(request.user, "survey.view").filter(round=round_)
            .select_related("round__template", "region", "household__head", "surveyor").order_by("region_id", "household__number", "id"))
    return render(request, "surveys/assignments.html", {
        "round": round_, "villages": villages, "village": village, "form": form, "groups": _groups(rows),
    })


urlpatterns = [
    path("mine/", my_assignments_view, name="my_assignments"),
    path("<int:round_id>/assignments/", round_assignments_view, name="round_assignments"),
]
