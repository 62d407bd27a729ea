"""The one place region scoping lives.

A user sees a row when the row's region code starts with the prefix of a region where the
user holds an active membership whose role may do the action. No membership, no rows
(default deny). When the user has picked one membership with the region switcher, only that
membership counts on pages (`user.active_membership`, set by middleware).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from warmwinter.accounts.permissions import roles_for
from warmwinter.core.errors import Forbidden, NotFound
from warmwinter.regions.codes import prefix_of

NOT_FOUND = _("未找到，或不在您的管辖范围内。")
NOT_ALLOWED = _("您的角色无权进行此操作。")


def memberships_of(user) -> list:
    """Active memberships, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_memberships_cache", None)
    if cached is None:
        cached = list(user.memberships.filter(active=True).select_related("region").order_by("region_id", "role"))
        user._memberships_cache = cached
    active = getattr(user, "active_membership", None)
    if active is not None:
        return [m for m in cached if m.pk == active.pk]
    return cached


def prefixes_for(user, action: str) -> list[str]:
    """Code prefixes the user may act on for this action, without ones nested in another."""
    allowed = roles_for(action)
    prefixes = sorted({prefix_of(m.region_id) for m in memberships_of(user) if m.role in allowed}, key=len)
    kept: list[str] = []
    for prefix in prefixes:
        if not any(prefix.startswith(k) for k in kept):
            kept.append(prefix)
    return kept


def scope_q(user, action: str, field: str) -> Q | None:
    """A Q on `field` (a path to a 12-digit region code), or None when nothing is visible."""
    prefixes = prefixes_for(user, action)
    if not prefixes:
        return None
    q = Q()
    for prefix in prefixes:
        q |= Q(**{f"{field}__startswith": prefix})
    return q


def scope_filter(queryset: QuerySet, user, *, action: str, field: str) -> QuerySet:
    q = scope_q(user, action, field)
    return queryset.none() if q is None else queryset.filter(q)


def membership_for(user, *, action: str, region_code: str):
    """The most specific membership that lets `user` do `action` at `region_code`.

    Raises NotFound when the region is outside every membership (same answer as missing),
    Forbidden when it is visible but no role there allows the action.
    """
    covering = [m for m in memberships_of(user) if region_code.startswith(prefix_of(m.region_id))]
    if not covering:
        raise NotFound(NOT_FOUND)
    allowed = roles_for(action)
    permitted = [m for m in covering if m.role in allowed]
    if not permitted:
        raise Forbidden(NOT_ALLOWED)
    return max(permitted, key=lambda m: len(prefix_of(m.region_id)))


def can(user, action: str, region_code: str | None = None) -> bool:
    """For templates and menus: may the user do this action (somewhere, or at this region)?"""
    if region_code is None:
        return bool(prefixes_for(user, action))
    try:
        membership_for(user, action=action, region_code=region_code)
    except (NotFound, Forbidden):
        return False
    return True
