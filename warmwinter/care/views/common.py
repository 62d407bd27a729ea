"""Helpers shared by the helping-contact pages: 404/403 the house way, look-ups, and service errors."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.urls import NoReverseMatch, reverse

from warmwinter.accounts.scoping import NOT_ALLOWED, NOT_FOUND, can
from warmwinter.care.models import CareCampaign
from warmwinter.core.errors import DomainError, Forbidden, NotFound
from warmwinter.regions.codes import in_subtree, normalize, parent_code
from warmwinter.regions.models import Region


def care_page(view):
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


def allow(user, action: str, region_code: str) -> None:
    """Seen (checked before) but the role may not do this here: 403."""
    if not can(user, action, region_code):
        raise Forbidden(NOT_ALLOWED)


def url_or_none(name: str, **kwargs) -> str | None:
    """The URL if another part of the site has built that page yet, else None (the link is left out)."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def parse_id(value) -> int | None:
    try:
        number = int(str(value or "").strip())
    except ValueError:
        return None
    return number if number > 0 else None


def region_in_campaign(user, campaign: CareCampaign, code: str) -> Region:
    """A region inside the campaign and the user's care.view scope, or 404."""
    try:
        code = normalize(code or "")
    except ValueError:
        raise NotFound(NOT_FOUND) from None
    if not in_subtree(code, campaign.region_id) or not can(user, "care.view", code):
        raise NotFound(NOT_FOUND)
    region = Region.objects.filter(pk=code).first()
    if region is None:
        raise NotFound(NOT_FOUND)
    return region


def flash_error(request, exc: DomainError) -> None:
    """A service's refusal on a page that redirects back (PRG): the message and its details."""
    messages.error(request, str(exc.message))
    for line in exc.errors or []:
        messages.error(request, str(line.get("message", line)) if isinstance(line, dict) else str(line))


def form_errors(request, form) -> None:
    """A small form's validation errors as messages (the page redirects back)."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else str(error))


def trail(user, campaign, code: str) -> list[Region]:
    """The regions from the campaign's region down to `code` that the user may open (breadcrumbs)."""
    codes, current = [], code
    while current and in_subtree(current, campaign.region_id):
        codes.append(current)
        if current == campaign.region_id:
            break
        current = parent_code(current)
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return [Region(code=c, name=names.get(c, c)) for c in reversed(codes) if can(user, "care.view", c)]
