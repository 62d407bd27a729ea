"""Writes on the ledger: households, persons, category assignments. Each is audited."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from warmwinter.accounts.permissions import role_may
from warmwinter.accounts.scoping import NOT_ALLOWED, membership_for, memberships_of
from warmwinter.audit import services as audit
from warmwinter.core.errors import DomainError, Forbidden
from warmwinter.regions.codes import Level
from warmwinter.regions.models import Region
from warmwinter.registry import names, protection
from warmwinter.registry.choices import HeatingMethod, HousingCondition, Relation
from warmwinter.registry.models import Category, CategoryAssignment, Household, Person, protect_id_number
from warmwinter.registry.validation import PersonInput, check_person

NOT_A_VILLAGE = _("家庭必须登记在村（社区）一级。")
ID_TAKEN = _("身份证号已登记（%(masked)s，%(village)s）。一个身份证号只能对应一个人。")
CHANGED_MEANWHILE = _("该记录已被他人修改，请刷新后重试。")
UNKNOWN_CATEGORY = _("人员类别不存在：%(code)s")
GRADE_REQUIRED = _("%(category)s需要填写等级（1–4 级）")
GRADE_NOT_ALLOWED = _("%(category)s不分等级")
PERIOD_ORDER = _("截止日期不能早于起始日期")
REASON_REQUIRED = _("查看完整身份证号须填写事由")
CATEGORY_EXISTS = _("类别代码或名称已存在。")

HOUSEHOLD_FIELDS = ["number", "address", "phone", "housing_condition", "heating_method", "status"]
PERSON_FIELDS = ["name", "gender", "birth_date", "relation", "phone", "alive", "death_date", "notes", "id_number_masked", "household_id"]


def _first_error(errors: list[tuple[str, str]]):
    if errors:
        field, message = errors[0]
        raise DomainError(message, field=field, errors=[m for _, m in errors[1:]])


def _bank_fields(bank_account: str | None) -> dict[str, str]:
    digits = "".join(ch for ch in str(bank_account or "") if ch.isdigit())
    return {"bank_account_protected": protection.encrypt(digits, context=b"bank") if digits else "", "bank_account_tail": digits[-4:]}


@transaction.atomic
def household_register(
    *, actor, region_code: str, number: str = "", address: str = "", phone: str = "",
    housing_condition: str = HousingCondition.UNKNOWN, heating_method: str = HeatingMethod.UNKNOWN, bank_account: str = "",
) -> Household:
    """Register a household in a village (户)."""
    acting = membership_for(actor, action="registry.edit", region_code=region_code)
    region = Region.objects.get(code=region_code)
    if region.level != Level.VILLAGE:
        raise DomainError(NOT_A_VILLAGE, field="region")
    household = Household(region=region, number=number.strip(), address=address.strip(), phone=phone.strip(),
                          housing_condition=housing_condition, heating_method=heating_method, **_bank_fields(bank_account))
    household.full_clean(exclude=["head"])
    household.save()
    audit.record(actor=actor, role=acting.role, action="household.register", region_code=region.code, obj=household,
                 changes={f: [None, getattr(household, f)] for f in HOUSEHOLD_FIELDS})
    return household


@transaction.atomic
def household_update(*, actor, household: Household, version: int | None = None, bank_account: str | None = None, **fields) -> Household:
    """Change a household's details; `version` guards against overwriting someone else's edit."""
    acting = membership_for(actor, action="registry.edit", region_code=household.region_id)
    before = {f: getattr(household, f) for f in HOUSEHOLD_FIELDS}
    for name, value in fields.items():
        if name not in HOUSEHOLD_FIELDS:
            raise TypeError(name)
        setattr(household, name, value.strip() if isinstance(value, str) else value)
    extra = []
    if bank_account is not None:
        for name, value in _bank_fields(bank_account).items():
            setattr(household, name, value)
        extra = ["bank_account_protected", "bank_account_tail"]
    household.full_clean(exclude=["head"])
    expected = version if version is not None else household.version
    updated = Household.objects.filter(pk=household.pk, version=expected).update(
        version=F("version") + 1, **{f: getattr(household, f) for f in HOUSEHOLD_FIELDS + extra})
    if not updated:
        raise DomainError(CHANGED_MEANWHILE)
    household.version = expected + 1
    changes = audit.changes_between(before, {f: getattr(household, f) for f in HOUSEHOLD_FIELDS})
    if extra:
        changes["bank_account"] = ["***", "***"]
    audit.record(actor=actor, role=acting.role, action="household.update", region_code=household.region_id, obj=household, changes=changes)
    return household


@transaction.atomic
def household_register_with_head(*, actor, region_code: str, head: PersonInput, **household_fields) -> Household:
    """Register a household and its head (户主) together: one form, one transaction, two audit events."""
    household = household_register(actor=actor, region_code=region_code, **household_fields)
    person_register(actor=actor, household=household, data=replace(head, relation=Relation.HEAD))
    return household


def _check_id_free(id_hash: str | None, *, exclude_pk: int | None = None) -> None:
    if not id_hash:
        return
    other = Person.objects.filter(id_number_hash=id_hash).exclude(pk=exclude_pk).select_related("region").first()
    if other:
        raise DomainError(ID_TAKEN % {"masked": other.id_number_masked, "village": other.region.name}, field="id_number")


@transaction.atomic
def person_register(*, actor, household: Household, data: PersonInput) -> Person:
    """Add a person to a household; the ID number is validated, encrypted and indexed."""
    acting = membership_for(actor, action="registry.edit", region_code=household.region_id)
    clean = check_person(data)
    _first_error(clean.errors)
    protected = protect_id_number(clean.id_number)
    _check_id_free(protected["id_number_hash"])
    person = Person(
        household=household, region_id=household.region_id, name=clean.name, name_pinyin=names.pinyin(clean.name),
        name_initials=names.initials(clean.name), gender=clean.gender, birth_date=clean.birth_date, relation=clean.relation,
        phone=clean.phone, alive=clean.alive, death_date=clean.death_date, notes=clean.notes, **protected,
    )
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        _check_id_free(protected["id_number_hash"])
        raise
    if clean.relation == Relation.HEAD and household.head_id is None:
        Household.objects.filter(pk=household.pk).update(head=person)
        household.head = person
    audit.record(actor=actor, role=acting.role, action="person.register", region_code=household.region_id, obj=person,
                 changes={f: [None, getattr(person, f)] for f in PERSON_FIELDS})
    return person


@transaction.atomic
def person_update(*, actor, person: Person, data: PersonInput, version: int | None = None) -> Person:
    """Correct a person's details (name, ID number, dates, relation, alive/deceased ...)."""
    acting = membership_for(actor, action="registry.edit", region_code=person.region_id)
    clean = check_person(data)
    _first_error(clean.errors)
    before = {f: getattr(person, f) for f in PERSON_FIELDS}
    protected = protect_id_number(clean.id_number)
    if protected["id_number_hash"] == person.id_number_hash:
        protected = {}
    else:
        _check_id_free(protected["id_number_hash"], exclude_pk=person.pk)
    values = dict(name=clean.name, name_pinyin=names.pinyin(clean.name), name_initials=names.initials(clean.name),
                  gender=clean.gender, birth_date=clean.birth_date, relation=clean.relation, phone=clean.phone,
                  alive=clean.alive, death_date=clean.death_date, notes=clean.notes, **protected)
    expected = version if version is not None else person.version
    if not Person.objects.filter(pk=person.pk, version=expected).update(version=F("version") + 1, **values):
        raise DomainError(CHANGED_MEANWHILE)
    for name, value in values.items():
        setattr(person, name, value)
    person.version = expected + 1
    changes = audit.changes_between(before, {f: getattr(person, f) for f in PERSON_FIELDS})
    audit.record(actor=actor, role=acting.role, action="person.update", region_code=person.region_id, obj=person, changes=changes)
    return person


@transaction.atomic
def category_assign(
    *, actor, person: Person, category_code: str, valid_from: date, valid_to: date | None = None, grade: int | None = None,
    source: str = "", verified_by: str = "", note: str = "",
) -> CategoryAssignment:
    """Record that a person holds a category over a period (认定)."""
    acting = membership_for(actor, action="registry.edit", region_code=person.region_id)
    category = Category.objects.filter(code=category_code, active=True).first()
    if category is None:
        raise DomainError(UNKNOWN_CATEGORY % {"code": category_code}, field="category")
    if category.has_grade and grade is None:
        raise DomainError(GRADE_REQUIRED % {"category": category.name}, field="grade")
    if not category.has_grade and grade is not None:
        raise DomainError(GRADE_NOT_ALLOWED % {"category": category.name}, field="grade")
    if valid_to and valid_to < valid_from:
        raise DomainError(PERIOD_ORDER, field="valid_to")
    assignment, created = CategoryAssignment.objects.get_or_create(
        person=person, category=category, valid_from=valid_from,
        defaults=dict(region_id=person.region_id, valid_to=valid_to, grade=grade, source=source, verified_by=verified_by, note=note),
    )
    if created:
        audit.record(actor=actor, role=acting.role, action="category.assign", region_code=person.region_id, obj=assignment,
                     changes={"person": [None, person.pk], "category": [None, category.code], "grade": [None, grade],
                              "valid_from": [None, valid_from], "valid_to": [None, valid_to], "source": [None, source]})
    return assignment


@transaction.atomic
def category_end(*, actor, assignment: CategoryAssignment, valid_to: date) -> CategoryAssignment:
    """End a category on a date (history is kept)."""
    acting = membership_for(actor, action="registry.edit", region_code=assignment.region_id)
    if valid_to < assignment.valid_from:
        raise DomainError(PERIOD_ORDER, field="valid_to")
    before = assignment.valid_to
    CategoryAssignment.objects.filter(pk=assignment.pk).update(valid_to=valid_to)
    assignment.valid_to = valid_to
    audit.record(actor=actor, role=acting.role, action="category.end", region_code=assignment.region_id, obj=assignment,
                 changes={"valid_to": [before, valid_to]})
    return assignment


@transaction.atomic
def category_create(*, actor, code: str, name: str, name_en: str, level: str = "person", has_grade: bool = False, aliases: str = "") -> Category:
    """Add a local category (admins of a county or above)."""
    acting = None
    if actor is not None:  # None: the system (migrations, demo)
        acting = next((m for m in memberships_of(actor) if role_may(m.role, "category.manage")), None)
        if acting is None:
            raise Forbidden(NOT_ALLOWED)
    if Category.objects.filter(code=code).exists() or Category.objects.filter(name=name).exists():
        raise DomainError(CATEGORY_EXISTS, field="code")
    category = Category(code=code, name=name.strip(), name_en=name_en.strip(), level=level, has_grade=has_grade, aliases=aliases)
    category.full_clean()
    category.save()
    audit.record(actor=actor, role=acting.role if acting else "", action="category.create", region_code=acting.region_id if acting else "",
                 obj=category, changes={"name": [None, category.name], "name_en": [None, category.name_en]})
    return category


def person_reveal_id(*, actor, person: Person, reason: str) -> str:
    """The full ID number for a role that needs it; each view is audited with its reason."""
    acting = membership_for(actor, action="person.view_id_number", region_code=person.region_id)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(REASON_REQUIRED, field="reason")
    with transaction.atomic():
        audit.record(actor=actor, role=acting.role, action="person.reveal_id", region_code=person.region_id, obj=person,
                     changes={"reason": [None, reason[:200]]})
    return person.id_number()
