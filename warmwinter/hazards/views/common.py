"""Helpers shared by the problem-list and premises pages."""

from __future__ import annotations

from warmwinter.accounts.scoping import NOT_FOUND, can
from warmwinter.core.errors import NotFound
from warmwinter.regions.codes import Level
from warmwinter.registry.selectors import regions_to_choose


def require(user, action: str) -> None:
    """Pages of an action the user's role never has anywhere: the same 404 as out of scope."""
    if not can(user, action):
        raise NotFound(NOT_FOUND)


def region_options(user, action: str, *, lowest: int = Level.COUNTY) -> list:
    """Regions a form or filter may offer for `action`, from the county down (two levels below each scope root)."""
    return [r for r in regions_to_choose(user, action) if r.level >= lowest]


def query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
