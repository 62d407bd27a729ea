"""Helpers shared by the ledger pages."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from warmwinter.accounts.scoping import NOT_FOUND, can
from warmwinter.core.errors import NotFound
from warmwinter.regions.codes import Level
from warmwinter.regions.models import Region
from warmwinter.registry.choices import Gender, HeatingMethod, HouseholdStatus, HousingCondition, Relation
from warmwinter.registry.forms import MAX_REGION_OPTIONS
from warmwinter.registry.models import CategoryAssignment, Household, Person


def age_on(birth: date | None, day: date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def require(user, action: str) -> None:
    """Pages of an action the user's role never has anywhere: the same 404 as out of scope."""
    if not can(user, action):
        raise NotFound(NOT_FOUND)


def region_options(user, *, action: str = "registry.view") -> list[tuple[str, str]] | None:
    """(code, indented name) of the counties, townships and villages in scope; None when too many for a select."""
    regions = Region.objects.visible_to(user, action).filter(level__gte=Level.COUNTY).order_by("code")
    if regions.count() > MAX_REGION_OPTIONS:
        return None
    return [(r.code, "\u3000" * (r.level - Level.COUNTY) + r.name) for r in regions.only("code", "name", "level")]


def with_ages(people, day: date):
    for person in people:
        person.age = age_on(person.birth_date, day)
    return people


def villages_for(user, *, action: str = "registry.edit") -> list[Region]:
    """Villages where the user may register households (for the village select)."""
    villages = Region.objects.visible_to(user, action).filter(level=Level.VILLAGE).select_related("parent").order_by("code")
    return list(villages[: MAX_REGION_OPTIONS + 1])


def add_model_errors(form, exc) -> None:
    """A model's full_clean() error, shown on the form's fields where they exist."""
    for field, messages in getattr(exc, "message_dict", {None: exc.messages}).items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


_CHOICES = {"gender": Gender, "relation": Relation, "housing_condition": HousingCondition, "heating_method": HeatingMethod, "status": HouseholdStatus}
_EXTRA_LABELS = {"id_number_masked": _("身份证号"), "reason": _("查看事由"), "bank_account": _("一卡通账号"), "category": _("类别")}
_HIDDEN = {"person", "household_id"}  # the subject column already names them


def _label(field: str) -> str:
    if field in _EXTRA_LABELS:
        return str(_EXTRA_LABELS[field])
    for model in (Person, Household, CategoryAssignment):
        for f in model._meta.concrete_fields:
            if field in (f.name, f.attname):
                return str(f.verbose_name)
    return field


def _value(field: str, value, categories: dict) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if field in _CHOICES and value in _CHOICES[field].values:
        return str(_CHOICES[field](value).label)
    if field == "category":
        return str(categories.get(value, value))
    return str(value)


def readable_changes(changes: dict, categories: dict) -> list[tuple[str, str, str]]:
    """(field label, before, after) in the reader's language, for a history table."""
    rows = []
    for field, pair in changes.items():
        if field in _HIDDEN or not isinstance(pair, list) or len(pair) != 2:
            continue
        before, after = _value(field, pair[0], categories), _value(field, pair[1], categories)
        if before != after:  # a new record's empty fields say nothing
            rows.append((_label(field), before, after))
    return rows
