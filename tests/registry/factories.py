"""Registry test data: households, persons with valid ID numbers, category assignments.

Stable helpers other test modules import (keep their signatures):

    id_number(birth_date=None, gender=None, region6="520402") -> str   a valid, unique 18-digit number
    make_household(region_code=VILLAGE, members=(), **fields) -> Household
    make_person(household=None, *, name="张伟", id_number=None, region_code=VILLAGE, categories=(), **fields) -> Person
    make_assignment(person, category_code, *, valid_from=None, valid_to=None, grade=None, **fields) -> CategoryAssignment
    person_input(**overrides) -> PersonInput                            valid input for the services

Rows are written straight to the models (no audit events, no permission checks), with the same
derived columns the services write (encrypted/hashed/masked ID, pinyin, initials), so setup is
fast and tests of the services start from an empty audit chain.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date, timedelta

from tests.factories import region
from warmwinter.registry import names
from warmwinter.registry.choices import Relation
from warmwinter.registry.idnumbers import with_check_digit
from warmwinter.registry.models import Category, CategoryAssignment, Household, Person, protect_id_number
from warmwinter.registry.validation import PersonInput

VILLAGE = "520402005001"  # 金钟社区居民委员会 (东关街道, 西秀区) in tests.factories.TREE
OTHER_VILLAGE = "520402005002"  # 东关社区居民委员会, same township
NANJIE_VILLAGE = "520402001001"  # 塔东社区居民委员会, the other township of 西秀区
PINGBA_VILLAGE = "520403100200"  # 夏云村委会, the neighbouring county

_serial = itertools.count(1)


def id_number(birth_date: date | None = None, gender: str | None = None, region6: str = "520402") -> str:
    """A valid resident ID number, different on every call (within ~500 calls per birth date)."""
    n = next(_serial)
    birth = birth_date or date(1950, 1, 1) + timedelta(days=(n * 37) % 20000)
    order = (n % 499) * 2 + 1  # odd = male
    if gender == "F" or (gender is None and n % 2 == 0):
        order += 1
    return with_check_digit(f"{region6}{birth:%Y%m%d}{order:03d}"[:17])


_new_id_number = id_number


def _derived(name: str, number: str) -> dict:
    fields = {"name": name, "name_pinyin": names.pinyin(name), "name_initials": names.initials(name), **protect_id_number(number)}
    if number:
        fields["birth_date"] = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        fields["gender"] = "M" if int(number[16]) % 2 else "F"
    return fields


def make_household(region_code: str = VILLAGE, members: Iterable[str | dict] = (), **fields) -> Household:
    """A household in a village; `members` are names or make_person kwargs, the first is the head."""
    household = Household.objects.create(region=region(region_code), number=fields.pop("number", f"H{next(_serial):05d}"), **fields)
    for index, member in enumerate(members):
        spec = {"name": member} if isinstance(member, str) else dict(member)
        spec.setdefault("relation", Relation.HEAD if index == 0 else Relation.CHILD)
        make_person(household, **spec)
    household.refresh_from_db()
    return household


def make_person(household: Household | None = None, *, name: str = "张伟", id_number: str | None = None,
                region_code: str = VILLAGE, categories: Iterable[str | tuple] = (), **fields) -> Person:
    """A person (in a new household of `region_code` unless one is given); id_number="" for none.

    `categories`: codes, or (code, grade) pairs, assigned from 2024-01-01 without an end.
    """
    if household is None:
        household = make_household(region_code)
    if id_number is None:
        id_number = _new_id_number(birth_date=fields.get("birth_date"), gender=fields.get("gender"))
    values = _derived(name, id_number)
    values.update(fields)
    values.setdefault("relation", Relation.HEAD if not household.members.exists() else Relation.OTHER)
    person = Person.objects.create(household=household, region_id=household.region_id, **values)
    if person.relation == Relation.HEAD and household.head_id is None:
        Household.objects.filter(pk=household.pk).update(head=person)
        household.head = person
    for item in categories:
        code, grade = (item, None) if isinstance(item, str) else item
        make_assignment(person, code, grade=grade)
    return person


def make_assignment(person: Person, category_code: str, *, valid_from: date | None = None, valid_to: date | None = None,
                    grade: int | None = None, **fields) -> CategoryAssignment:
    return CategoryAssignment.objects.create(
        person=person, category=Category.objects.get(code=category_code), region_id=person.region_id,
        valid_from=valid_from or date(2024, 1, 1), valid_to=valid_to, grade=grade, **fields,
    )


def person_input(**overrides) -> PersonInput:
    """Valid input for services.person_register / person_update (a man born 1950-03-01)."""
    values = {"name": "张伟", "id_number": id_number(birth_date=date(1950, 3, 1), gender="M"), "relation": "户主", "phone": "13800000000"}
    values.update(overrides)
    return PersonInput(**values)
