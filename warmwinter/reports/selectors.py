from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from warmwinter.accounts.selectors import users_visible_to
from warmwinter.audit.models import Event
from warmwinter.regions.codes import Level
from warmwinter.regions.models import ManagementArea, Region
from warmwinter.registry.choices import HouseholdStatus
from warmwinter.registry.models import Household, Person


@dataclass(frozen=True)
class HomeCounts:
    townships: int
    villages: int
    management_areas: int
    users: int | None
    audit_events: int | None
    households: int | None = None
    persons: int | None = None


def home_counts(*, user) -> HomeCounts:
    """What the home page shows: counts inside the user's scope only."""
    by_level = dict(Region.objects.visible_to(user).values_list("level").annotate(n=Count("code")).values_list("level", "n"))
    areas = ManagementArea.objects.filter(township__in=Region.objects.visible_to(user)).count()
    from warmwinter.accounts.scoping import can

    return HomeCounts(
        townships=by_level.get(Level.TOWNSHIP, 0),
        villages=by_level.get(Level.VILLAGE, 0),
        management_areas=areas,
        users=users_visible_to(user).count() if can(user, "user.view") else None,
        audit_events=Event.objects.visible_to(user).count() if can(user, "audit.view") else None,
        households=Household.objects.visible_to(user).filter(status=HouseholdStatus.ACTIVE).count() if can(user, "registry.view") else None,
        persons=Person.objects.visible_to(user).filter(alive=True).count() if can(user, "registry.view") else None,
    )
