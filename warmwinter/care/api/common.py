"""What the care endpoints share: the tag, error descriptions, and look-ups that answer 404 outside scope."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q

from warmwinter.accounts.scoping import NOT_FOUND
from warmwinter.care.models import Contact, Helper, HelperAssignment, RosterEntry, VisitDuty
from warmwinter.core.errors import NotFound
from warmwinter.regions.selectors import access_region
from warmwinter.registry.api.people import CONFLICT, ERROR, FORBIDDEN, paginate, validated
from warmwinter.registry.api.people import NOT_FOUND as NOT_FOUND_BODY

TAGS = ["care"]
VIEW = "care.view"

__all__ = ["CONFLICT", "ERROR", "FORBIDDEN", "NOT_FOUND_BODY", "TAGS", "access_contact", "access_duty", "access_entry",
           "access_helper", "access_region_code", "contacts_for", "duties_for", "entries_for", "helpers_for", "paginate", "validated"]


def as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def access_region_code(user, code: str, *, action: str = VIEW) -> str:
    """A region code from a request ("520402005" is understood as 520402005000); 404 when missing or outside scope."""
    return access_region(user, code, action=action).code


def entries_for(user):
    """Roster entries in the user's scope, with the household's head and the active pairings."""
    pairs = Prefetch("assignments", queryset=HelperAssignment.objects.filter(active=True).select_related("helper"), to_attr="active_pairs")
    return RosterEntry.objects.visible_to(user, VIEW).select_related("household__head", "region").prefetch_related(pairs)


def access_entry(user, entry_id) -> RosterEntry:
    entry = entries_for(user).filter(pk=as_int(entry_id)).first()
    if entry is None:
        raise NotFound(NOT_FOUND)
    return entry


def helpers_for(user):
    """Helpers in the user's scope, each with the roster households held as primary."""
    held = Count("assignments", filter=Q(assignments__active=True, assignments__role="primary"))
    return Helper.objects.visible_to(user, VIEW).select_related("region", "user").annotate(households=held)


def access_helper(user, helper_id) -> Helper:
    helper = helpers_for(user).filter(pk=as_int(helper_id)).first()
    if helper is None:
        raise NotFound(NOT_FOUND)
    return helper


def contacts_for(user):
    return (Contact.objects.visible_to(user, VIEW).select_related("household__head", "region", "helper", "recorded_by")
            .prefetch_related("hazards"))


def access_contact(user, contact_id) -> Contact:
    contact = contacts_for(user).filter(pk=as_int(contact_id)).first()
    if contact is None:
        raise NotFound(NOT_FOUND)
    return contact


def duties_for(user):
    return VisitDuty.objects.visible_to(user, VIEW).select_related("alert", "household__head", "region")


def access_duty(user, duty_id) -> VisitDuty:
    duty = duties_for(user).filter(pk=as_int(duty_id)).first()
    if duty is None:
        raise NotFound(NOT_FOUND)
    return duty
