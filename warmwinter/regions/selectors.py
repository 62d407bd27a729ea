from __future__ import annotations

from django.db.models import QuerySet

from warmwinter.accounts.scoping import NOT_FOUND
from warmwinter.core.errors import NotFound
from warmwinter.regions.models import Region


def access_region(user, code: str, *, action: str = "region.view") -> Region:
    """The region if the user may see it; 404 for missing and out-of-scope alike."""
    code = (code or "").strip()
    if code.isdigit() and len(code) < 12:
        code = code.ljust(12, "0")
    region = Region.objects.visible_to(user, action).filter(code=code).select_related("parent").first()
    if region is None:
        raise NotFound(NOT_FOUND)
    return region


def region_children(*, user, region: Region) -> QuerySet[Region]:
    return Region.objects.visible_to(user).filter(parent=region).order_by("code")
