"""Reads on the ledger, always starting from what the user may see."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet

from warmwinter.accounts.scoping import NOT_FOUND
from warmwinter.core.errors import NotFound
from warmwinter.regions.codes import normalize, prefix_of
from warmwinter.registry.models import CategoryAssignment, Household, ImportJob, Person
from warmwinter.registry.names import clean_name


@dataclass(frozen=True)
class PersonFilter:
    region: str = ""        # any code in the user's scope: the subtree is searched
    category: str = ""      # category code
    alive: bool | None = None
    q: str = ""             # name, pinyin or its initials, or the last digits of the ID number

    @classmethod
    def from_params(cls, params) -> "PersonFilter":
        alive = params.get("alive")
        return cls(
            region=(params.get("region") or "").strip(),
            category=(params.get("category") or "").strip(),
            alive=None if alive in (None, "") else str(alive).lower() in ("1", "true", "yes"),
            q=(params.get("q") or "").strip(),
        )


def _region_prefix(code: str) -> str | None:
    try:
        return prefix_of(normalize(code))
    except ValueError:
        return None


def categories_active_on(day: date) -> Q:
    return Q(categories__valid_from__lte=day) & (Q(categories__valid_to__isnull=True) | Q(categories__valid_to__gte=day))


def persons_for(*, user, filters: PersonFilter, on: date | None = None) -> QuerySet[Person]:
    """Persons in scope matching the list filters and the search box."""
    persons = Person.objects.visible_to(user)
    if filters.region:
        prefix = _region_prefix(filters.region)
        persons = persons.filter(region__code__startswith=prefix) if prefix else persons.none()
    if filters.category:
        day = on or date.today()
        persons = persons.filter(categories_active_on(day), categories__category_id=filters.category).distinct()
    if filters.alive is not None:
        persons = persons.filter(alive=filters.alive)
    if filters.q:
        persons = persons.filter(search_q(filters.q))
    return persons.select_related("household", "region").order_by("region_id", "household_id", "id")


def search_q(text: str) -> Q:
    """Digits search the ID tail; letters search pinyin initials or full pinyin; else the name."""
    text = clean_name(text)
    if re.fullmatch(r"\d{2,6}[Xx]?", text):
        return Q(id_number_tail__endswith=text.upper())
    if re.fullmatch(r"[A-Za-z]+", text):
        lowered = text.lower()
        return Q(name_initials__startswith=lowered) | Q(name_pinyin__startswith=lowered)
    return Q(name__contains=text)


def households_for(*, user, region: str = "", q: str = "") -> QuerySet[Household]:
    households = Household.objects.visible_to(user)
    if region:
        prefix = _region_prefix(region)
        households = households.filter(region__code__startswith=prefix) if prefix else households.none()
    if q:
        households = households.filter(pk__in=Person.objects.visible_to(user).filter(search_q(q)).values("household_id"))
    return households.select_related("region", "head").annotate(member_count=Count("members")).order_by("region_id", "number", "id")


def access_household(user, household_id: int, *, action: str = "registry.view") -> Household:
    household = (
        Household.objects.visible_to(user, action).filter(pk=household_id).select_related("region", "head")
        .prefetch_related(Prefetch("members", queryset=Person.objects.order_by("id")))
        .first()
    )
    if household is None:
        raise NotFound(NOT_FOUND)
    return household


def access_person(user, person_id: int, *, action: str = "registry.view") -> Person:
    person = Person.objects.visible_to(user, action).filter(pk=person_id).select_related("household", "region").first()
    if person is None:
        raise NotFound(NOT_FOUND)
    return person


def person_by_id_number(user, id_number: str) -> Person | None:
    """Exact look-up through the keyed hash (the number itself is never searched)."""
    from warmwinter.registry import idnumbers, protection

    digest = protection.lookup_hash(idnumbers.clean(id_number))
    return Person.objects.visible_to(user).filter(id_number_hash=digest).select_related("household", "region").first()


def assignments_of(person: Person) -> QuerySet[CategoryAssignment]:
    return person.categories.select_related("category").order_by("-valid_from")


def current_categories(day: date | None = None) -> Prefetch:
    """Prefetch for persons: the assignments in force on `day` (today), as `person.current_categories`."""
    day = day or date.today()
    in_force = CategoryAssignment.objects.filter(Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day)))
    return Prefetch("categories", queryset=in_force.select_related("category").order_by("category__sort"), to_attr="current_categories")


def household_history(user, household: Household):
    """Audit events of a household, its members and their categories, newest first (read-only)."""
    from warmwinter.audit.models import Event

    persons = [str(pk) for pk in household.members.values_list("pk", flat=True)]
    assignments = [str(pk) for pk in CategoryAssignment.objects.filter(person__household=household).values_list("pk", flat=True)]
    about = (Q(object_type="registry.household", object_id=str(household.pk)) | Q(object_type="registry.person", object_id__in=persons)
             | Q(object_type="registry.categoryassignment", object_id__in=assignments))
    return Event.objects.visible_to(user, "registry.view").filter(about).order_by("-seq")


def regions_to_choose(user, action: str, *, depth: int = 2):
    """Regions a form may offer for `action`: each of the user's scope roots and `depth` levels below."""
    from warmwinter.accounts.scoping import prefixes_for
    from warmwinter.regions.codes import SIGNIFICANT_DIGITS
    from warmwinter.regions.models import Region

    level_of_prefix = {digits: level for level, digits in SIGNIFICANT_DIGITS.items()}
    prefixes = prefixes_for(user, action)
    if not prefixes:
        return Region.objects.none()
    q = Q()
    for prefix in prefixes:
        q |= Q(code__startswith=prefix, level__lte=level_of_prefix[len(prefix)] + depth)
    return Region.objects.filter(q).order_by("code")


def import_jobs_for(*, user, mine_only: bool = True) -> QuerySet[ImportJob]:
    """Import jobs in the user's scope (only their own unless asked), newest first."""
    jobs = ImportJob.objects.visible_to(user, "registry.import").select_related("region", "created_by")
    return (jobs.filter(created_by=user) if mine_only else jobs).order_by("-created_at", "-id")


def access_import_job(user, job_id: int) -> ImportJob:
    job = ImportJob.objects.visible_to(user, "registry.import").filter(pk=job_id).first()
    if job is None:
        raise NotFound(NOT_FOUND)
    return job
