"""Helpers shared by the survey pages: access checks that answer 404/403 the house way, and look-ups."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.urls import NoReverseMatch, reverse

from warmwinter.accounts.scoping import NOT_FOUND, can, memberships_of
from warmwinter.core.errors import DomainError, Forbidden, NotFound
from warmwinter.hazards.models import Premises
from warmwinter.regions.codes import Level, in_subtree, level_of, normalize, parent_code, prefix_of
from warmwinter.regions.models import Region
from warmwinter.registry.choices import HouseholdStatus
from warmwinter.registry.models import Household
from warmwinter.surveys.models import SurveyRound

MAX_REGION_OPTIONS = 500
PAGE_SIZE = 30


def survey_page(view):
    """Sign-in required; a Forbidden that escapes the view is a 403 page, not a 500."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Forbidden as exc:
            raise PermissionDenied(str(exc.message)) from None

    return login_required(wrapped)


def require(user, action: str) -> None:
    """Pages of an action the user's role never has anywhere: the same 404 as out of scope."""
    if not can(user, action):
        raise NotFound(NOT_FOUND)


def url_or_none(name: str, **kwargs) -> str | None:
    """The URL if another part of the site has built that page yet, else None (the link is left out)."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def region_code(value: str | None) -> str:
    """A region code from a URL or query string, normalised; 404 when it is no region at all."""
    try:
        code = normalize(value or "")
    except ValueError:
        raise NotFound(NOT_FOUND) from None
    if not Region.objects.filter(pk=code).exists():
        raise NotFound(NOT_FOUND)
    return code


def region_choices(user, action: str, *, within: str | None = None, min_level: int = Level.COUNTY,
                   max_level: int = Level.VILLAGE) -> list[tuple[str, str]] | None:
    """(code, indented name) of the regions where the user may do `action`; None when too many for a select."""
    regions = Region.objects.visible_to(user, action).filter(level__gte=min_level, level__lte=max_level)
    if within:
        regions = regions.filter(code__startswith=prefix_of(within))
    regions = regions.order_by("code").only("code", "name", "level")
    if regions.count() > MAX_REGION_OPTIONS:
        return None
    return [(r.code, "\u3000" * max(r.level - min_level, 0) + r.name) for r in regions]


def trail(user, round_: SurveyRound, code: str) -> list[Region]:
    """The regions from the round's region down to `code` that the user may open (breadcrumbs)."""
    codes = []
    current = code
    while current and in_subtree(current, round_.region_id):
        codes.append(current)
        if current == round_.region_id:
            break
        current = parent_code(current)
    codes = [c for c in reversed(codes) if can(user, "survey.view", c)]
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return [Region(code=c, name=names.get(c, c), level=level_of(c)) for c in codes]


def access_household(user, round_: SurveyRound, household_id: int, *, action: str = "survey.view") -> Household:
    """An active household inside the round's region and the user's scope, or 404."""
    household = (Household.objects.visible_to(user, action)
                 .filter(pk=household_id, status=HouseholdStatus.ACTIVE, region__code__startswith=prefix_of(round_.region_id))
                 .select_related("head", "region").first())
    if household is None:
        raise NotFound(NOT_FOUND)
    return household


def access_premises(user, round_: SurveyRound, premises_id: int, *, action: str = "survey.view") -> Premises:
    """Premises in use inside the round's region and the user's scope, or 404."""
    premises = (Premises.objects.visible_to(user, action)
                .filter(pk=premises_id, active=True, region__code__startswith=prefix_of(round_.region_id))
                .select_related("region").first())
    if premises is None:
        raise NotFound(NOT_FOUND)
    return premises


def report_units(user, round_: SurveyRound) -> list[str]:
    """Regions the user may send the unit report of this round for (survey.report, inside the round)."""
    from warmwinter.accounts.permissions import roles_for

    units = []
    if can(user, "survey.report", round_.region_id):
        units.append(round_.region_id)
    allowed = roles_for("survey.report")
    for m in memberships_of(user):
        if m.role in allowed and in_subtree(m.region_id, round_.region_id) and m.region_id not in units:
            units.append(m.region_id)
    return sorted(units)


def page_of(items, request, param: str = "page", size: int = PAGE_SIZE):
    return Paginator(items, size).get_page(request.GET.get(param))


def form_error(form, exc: DomainError, *, fields: dict[str, str] | None = None) -> None:
    """A service's error on the form: on the field it names (renamed through `fields`), else on top;
    each per-question error of an answer sheet next to its question."""
    fields = fields or {}
    placed = False
    for line in exc.errors or []:
        if isinstance(line, dict) and str(line.get("field", "")).startswith("answers."):
            name = "q_" + line["field"].removeprefix("answers.")
            form.add_error(name if name in form.fields else None, str(line["message"]))
            placed = True
    if placed:
        return
    name = fields.get(exc.field or "", exc.field)
    if name and name.startswith("answers."):
        name = "q_" + name.removeprefix("answers.")
    form.add_error(name if name in form.fields else None, str(exc.message))
