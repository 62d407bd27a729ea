"""Reads for de-duplication and cross-checks, always starting from what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch, Q, QuerySet

from warmwinter.accounts.scoping import NOT_FOUND
from warmwinter.core.errors import NotFound
from warmwinter.regions.codes import normalize, prefix_of
from warmwinter.registry.models import CategoryAssignment, CrosscheckFlag, DuplicateCandidate, DuplicateStatus, Person, PersonLink

STATUSES = set(DuplicateStatus.values)


def _region_prefix(code: str) -> str | None:
    try:
        return prefix_of(normalize(code))
    except ValueError:
        return None


def _in_region(queryset: QuerySet, region: str) -> QuerySet:
    if not region:
        return queryset
    prefix = _region_prefix(region)
    return queryset.filter(region__code__startswith=prefix) if prefix else queryset.none()


def _categories_in_force(path: str, day: date | None = None) -> Prefetch:
    day = day or date.today()
    in_force = CategoryAssignment.objects.filter(Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day)))
    return Prefetch(path, queryset=in_force.select_related("category").order_by("category__sort"), to_attr="current_categories")


def candidates_for(*, user, status: str = DuplicateStatus.OPEN, region: str = "") -> QuerySet[DuplicateCandidate]:
    """Duplicate candidates in scope (both persons lie under the candidate's region), best first."""
    candidates = _in_region(DuplicateCandidate.objects.visible_to(user), region)
    if status in STATUSES:
        candidates = candidates.filter(status=status)
    elif status != "all":
        candidates = candidates.none()
    return candidates.select_related(
        "region", "decided_by",
        "person_a__region", "person_a__household__head", "person_b__region", "person_b__household__head",
    ).prefetch_related(
        _categories_in_force("person_a__categories"), _categories_in_force("person_b__categories"),
    ).order_by("-score", "id")


def access_candidate(user, candidate_id: int, *, action: str = "registry.view") -> DuplicateCandidate:
    candidate = (
        DuplicateCandidate.objects.visible_to(user, action).filter(pk=candidate_id)
        .select_related("person_a", "person_b", "region").first()
    )
    if candidate is None:
        raise NotFound(NOT_FOUND)
    return candidate


def flags_for(*, user, status: str = DuplicateStatus.OPEN, kind: str = "", region: str = "") -> QuerySet[CrosscheckFlag]:
    """Cross-check flags on persons in scope, newest first."""
    flags = _in_region(CrosscheckFlag.objects.visible_to(user), region)
    if status in STATUSES:
        flags = flags.filter(status=status)
    elif status != "all":
        flags = flags.none()
    if kind:
        flags = flags.filter(kind=kind)
    return flags.select_related("person__region", "person__household__head").order_by("-created_at", "-id")


def access_flag(user, flag_id: int, *, action: str = "registry.view") -> CrosscheckFlag:
    flag = CrosscheckFlag.objects.visible_to(user, action).filter(pk=flag_id).select_related("person").first()
    if flag is None:
        raise NotFound(NOT_FOUND)
    return flag


@dataclass(frozen=True)
class LinkedPerson:
    """Another person row confirmed to be the same human as the one on the page."""

    person: Person
    decided_by: str
    decided_at: datetime


def person_links(person: Person, *, user) -> list[LinkedPerson]:
    """The persons linked to `person` as the same human, either direction, that `user` may see.

    A linked row outside the user's scope is left out (its name and village would leak).
    """
    visible = Person.objects.visible_to(user).values("pk")
    links = PersonLink.objects.filter(
        Q(person=person, same_as__in=visible) | Q(same_as=person, person__in=visible)
    ).select_related("person__region", "person__household", "same_as__region", "same_as__household", "decided_by").order_by("decided_at", "id")
    return [
        LinkedPerson(
            person=link.same_as if link.person_id == person.pk else link.person,
            decided_by=link.decided_by.display_name or link.decided_by.get_username(),
            decided_at=link.decided_at,
        )
        for link in links
    ]
