from __future__ import annotations

from django.db.models import QuerySet

from warmwinter.accounts.models import Membership, User
from warmwinter.accounts.scoping import scope_q


def users_visible_to(actor, *, action: str = "user.view") -> QuerySet[User]:
    """Users holding at least one membership inside the actor's scope for this action."""
    q = scope_q(actor, action, "memberships__region__code")
    if q is None:
        return User.objects.none()
    return User.objects.filter(q).distinct().order_by("username")


def memberships_visible_to(actor, *, action: str = "user.view") -> QuerySet[Membership]:
    q = scope_q(actor, action, "region__code")
    if q is None:
        return Membership.objects.none()
    return Membership.objects.filter(q).select_related("user", "region")
