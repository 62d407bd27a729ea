"""What the survey endpoints share: error descriptions, the tag, and look-ups that give 404 outside scope.

Input checking (`validated`) and paging (`paginate`) are the registry API's, so every endpoint
answers errors the same way: `{"detail", "field", "errors": [{"field", "message"}]}`.
"""

from __future__ import annotations

from django.db.models import Prefetch

from warmwinter.accounts.scoping import NOT_FOUND as SCOPE_NOT_FOUND
from warmwinter.accounts.scoping import can
from warmwinter.core.errors import NotFound
from warmwinter.hazards.models import Hazard
from warmwinter.regions.selectors import access_region
from warmwinter.registry.api.people import CONFLICT, ERROR, FORBIDDEN, NOT_FOUND, paginate, validated
from warmwinter.surveys.models import SpotCheck, SpotCheckItem, SurveyResponse, SurveyTemplate

TAGS = ["surveys"]

__all__ = ["CONFLICT", "ERROR", "FORBIDDEN", "NOT_FOUND", "TAGS", "access_region_code", "access_response", "access_spot_check",
           "access_spot_check_item", "access_template", "paginate", "responses_for", "validated"]


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def access_template(user, template_id) -> SurveyTemplate:
    """Templates are national data: anyone who may see surveys sees them all."""
    template = SurveyTemplate.objects.filter(pk=_int(template_id)).first() if can(user, "survey.view") else None
    if template is None:
        raise NotFound(SCOPE_NOT_FOUND)
    return template


def access_region_code(user, code: str, *, action: str = "survey.view") -> str:
    """A region code from a request ("520402" is understood as 520402000000); 404 when missing or outside scope."""
    return access_region(user, code, action=action).code


def responses_for(user):
    """Answer sheets in the user's scope, ready to serialise (with the problems each one listed)."""
    return (SurveyResponse.objects.visible_to(user, "survey.view")
            .select_related("region", "household__head", "premises", "surveyor")
            .prefetch_related(Prefetch("hazards", queryset=Hazard.objects.order_by("id"), to_attr="listed_hazards")))


def access_response(user, response_id) -> SurveyResponse:
    response = responses_for(user).filter(pk=_int(response_id)).first()
    if response is None:
        raise NotFound(SCOPE_NOT_FOUND)
    return response


def with_items(check: SpotCheck) -> SpotCheck:
    check.item_list = list(check.items.select_related("original__household__head", "original__premises").order_by("id"))
    return check


# 四不两直 means unannounced: the sample is seen only by those who run spot checks, never by the surveyed village.


def access_spot_check(user, spot_check_id) -> SpotCheck:
    check = SpotCheck.objects.visible_to(user, "spot_check.run").select_related("drawn_by").filter(pk=_int(spot_check_id)).first()
    if check is None:
        raise NotFound(SCOPE_NOT_FOUND)
    return with_items(check)


def access_spot_check_item(user, item_id) -> SpotCheckItem:
    item = (SpotCheckItem.objects.visible_to(user, "spot_check.run")
            .select_related("original__household__head", "original__premises").filter(pk=_int(item_id)).first())
    if item is None:
        raise NotFound(SCOPE_NOT_FOUND)
    return item
