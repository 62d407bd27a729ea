"""/api/v1/households, /api/v1/persons, /api/v1/categories: the ledger inside the caller's scope.

Thin: parse, call a selector or service, serialise. Scoping is the pages' (selectors.access_*,
services' membership_for): 404 outside scope, 403 for a role that may see but not do.
"""

from __future__ import annotations

from dataclasses import fields as dataclass_fields

from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from warmwinter.accounts.scoping import NOT_FOUND as SCOPE_NOT_FOUND
from warmwinter.accounts.scoping import can
from warmwinter.core.errors import Conflict, DomainError, NotFound
from warmwinter.registry import idnumbers, selectors, services
from warmwinter.registry.api import serializers as s
from warmwinter.registry.models import Category, Person
from warmwinter.registry.validation import PersonInput, check_person

NO_DELETE = (
    "There is no DELETE: ledger records are never deleted, they are closed by status "
    "(a household `status` of moved/closed, a person `alive: false`, a category ended with `valid_to`)."
)
ERROR = OpenApiResponse(description='`{"detail": "...", "field": "...", "errors": [{"field", "message"}]}` (messages in Chinese)')
NOT_FOUND = OpenApiResponse(description="missing or outside your scope (the same answer for both)")
FORBIDDEN = OpenApiResponse(description="in scope, but your role may not do this")
CONFLICT = OpenApiResponse(description="changed by someone else since you read `version`: read again and retry")
TAGS = ["registry"]


def _flatten(errors, field: str = ""):
    """(dotted field, message) pairs from DRF's nested error structure."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            yield from _flatten(value, field if key == "non_field_errors" else (f"{field}.{key}" if field else str(key)))
    elif isinstance(errors, list):
        for item in errors:
            yield from _flatten(item, field)
    else:
        yield field, str(errors)


def validated(serializer) -> dict:
    """The serializer's data, or a DomainError listing every problem with its field."""
    if serializer.is_valid():
        return serializer.validated_data
    problems = [{"field": f, "message": m} for f, m in _flatten(serializer.errors)]
    first = problems[0]
    raise DomainError(first["message"], field=first["field"] or None, errors=problems)


def checked_person(data: PersonInput, *, prefix: str = "") -> PersonInput:
    """Every person rule at once (registry.validation), before the service repeats them."""
    problems = [{"field": f"{prefix}{f}", "message": m} for f, m in check_person(data).errors]
    if problems:
        raise DomainError(problems[0]["message"], field=problems[0]["field"], errors=problems)
    return data


def person_input(body: dict, *, current: Person | None = None) -> PersonInput:
    """Input from a request body; for PATCH, fields left out keep the person's current values."""
    base = {}
    if current is not None:
        base = {f.name: getattr(current, f.name) for f in dataclass_fields(PersonInput) if f.name != "id_number"}
        base["id_number"] = current.id_number()  # unchanged unless sent; never sent back
    base.update({k: v for k, v in body.items() if k in {f.name for f in dataclass_fields(PersonInput)}})
    for key in ("gender", "relation", "phone", "notes", "id_number"):
        base[key] = base.get(key) or ""
    return PersonInput(**base)


def model_errors(exc: ValidationError) -> DomainError:
    problems = [{"field": f, "message": m} for f, ms in getattr(exc, "message_dict", {"": exc.messages}).items() for m in ms]
    return DomainError(problems[0]["message"], field=problems[0]["field"] or None, errors=problems)


def with_current_categories(persons: list[Person]) -> list[Person]:
    prefetch_related_objects(persons, selectors.current_categories())
    return persons


def paginate(view, request, queryset, serializer_class, prepare=None):
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    if prepare:
        prepare(page)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


def household_body(user, household_id: int) -> dict:
    """A household (re-read through the scope) with its members and their categories in force."""
    household = selectors.access_household(user, household_id)
    members = with_current_categories(list(
        Person.objects.visible_to(user).filter(household=household).select_related("region").order_by("id")))
    household.member_count = len(members)
    data = s.HouseholdSerializer(household).data
    data["members"] = s.PersonSerializer(members, many=True).data
    return data


# --- households -----------------------------------------------------------------------------------


class HouseholdList(APIView):
    @extend_schema(
        tags=TAGS, summary="Households in your scope", description=NO_DELETE, responses=s.HouseholdSerializer(many=True),
        parameters=[OpenApiParameter("region", str, description="a region code in your scope: its whole subtree"),
                    OpenApiParameter("q", str, description="a member's name, pinyin, pinyin initials (zw) or last digits of the ID number")],
    )
    def get(self, request):
        households = selectors.households_for(user=request.user, region=request.query_params.get("region", "").strip(),
                                              q=request.query_params.get("q", "").strip())
        return paginate(self, request, households, s.HouseholdSerializer)

    @extend_schema(tags=TAGS, summary="Register a household (optionally with its head)", description=NO_DELETE, request=s.HouseholdCreate,
                   responses={201: s.HouseholdDetailSerializer, 400: ERROR, 403: FORBIDDEN, 404: NOT_FOUND})
    def post(self, request):
        body = validated(s.HouseholdCreate(data=request.data))
        fields = {k: v for k, v in body.items() if k not in ("region", "head")}
        try:
            if "head" in body:
                head = checked_person(person_input(dict(body["head"])), prefix="head.")
                household = services.household_register_with_head(actor=request.user, region_code=body["region"], head=head, **fields)
            else:
                household = services.household_register(actor=request.user, region_code=body["region"], **fields)
        except ValidationError as exc:
            raise model_errors(exc) from None
        except DomainError as exc:
            if "head" in body and exc.field in {f.name for f in dataclass_fields(PersonInput)}:
                exc.field = f"head.{exc.field}"
            raise
        return Response(household_body(request.user, household.pk), status=status.HTTP_201_CREATED)


class HouseholdDetail(APIView):
    @extend_schema(tags=TAGS, summary="One household with its members", description=NO_DELETE,
                   responses={200: s.HouseholdDetailSerializer, 404: NOT_FOUND})
    def get(self, request, household_id: int):
        return Response(household_body(request.user, household_id))

    @extend_schema(tags=TAGS, summary="Change a household's details (send the `version` you read)", description=NO_DELETE,
                   request=s.HouseholdPatch, responses={200: s.HouseholdDetailSerializer, 400: ERROR, 404: NOT_FOUND, 409: CONFLICT})
    def patch(self, request, household_id: int):
        household = selectors.access_household(request.user, household_id, action="registry.edit")
        body = dict(validated(s.HouseholdPatch(data=request.data, partial=False)))
        version = body.pop("version")
        bank_account = body.pop("bank_account", None)
        try:
            services.household_update(actor=request.user, household=household, version=version, bank_account=bank_account, **body)
        except ValidationError as exc:
            raise model_errors(exc) from None
        except DomainError as exc:
            if str(exc.message) == str(services.CHANGED_MEANWHILE):
                raise Conflict(exc.message) from None
            raise
        return Response(household_body(request.user, household_id))


# --- persons --------------------------------------------------------------------------------------


class PersonList(APIView):
    @extend_schema(
        tags=TAGS, summary="Persons in your scope", responses={200: s.PersonSerializer(many=True), 400: ERROR},
        description="`?id_number=` looks one person up by the full number (through its keyed hash): at most one result, "
                    "an empty list when none is in your scope, 400 when the number itself is invalid. " + NO_DELETE,
        parameters=[
            OpenApiParameter("region", str, description="a region code in your scope: its whole subtree"),
            OpenApiParameter("category", str, description="category code in force today"),
            OpenApiParameter("alive", bool),
            OpenApiParameter("q", str, description="name, pinyin, pinyin initials (zw finds 张伟) or last digits of the ID number"),
            OpenApiParameter("id_number", str, description="exact look-up by the full ID number"),
        ],
    )
    def get(self, request):
        raw = request.query_params.get("id_number", "").strip()
        if raw:
            try:
                number = idnumbers.parse(raw).number
            except idnumbers.IdNumberError as exc:
                raise DomainError(exc.message, field="id_number") from None
            found = selectors.person_by_id_number(request.user, number)
            persons = Person.objects.filter(pk=found.pk).select_related("household", "region") if found else Person.objects.none()
        else:
            persons = selectors.persons_for(user=request.user, filters=selectors.PersonFilter.from_params(request.query_params))
        return paginate(self, request, persons, s.PersonSerializer, prepare=with_current_categories)

    @extend_schema(tags=TAGS, summary="Add a person to a household", description=NO_DELETE, request=s.PersonCreate,
                   responses={201: s.PersonSerializer, 400: ERROR, 404: NOT_FOUND})
    def post(self, request):
        body = validated(s.PersonCreate(data=request.data))
        household = selectors.access_household(request.user, body["household"], action="registry.edit")
        person = services.person_register(actor=request.user, household=household, data=checked_person(person_input(body)))
        return Response(s.PersonSerializer(with_current_categories([person])[0]).data, status=status.HTTP_201_CREATED)


class PersonDetail(APIView):
    @extend_schema(tags=TAGS, summary="One person (ID number masked)", description=NO_DELETE, responses={200: s.PersonSerializer, 404: NOT_FOUND})
    def get(self, request, person_id: int):
        person = selectors.access_person(request.user, person_id)
        return Response(s.PersonSerializer(with_current_categories([person])[0]).data)

    @extend_schema(tags=TAGS, summary="Correct a person (send the `version` you read)", request=s.PersonPatch,
                   description="Fields left out keep their values; `id_number` left out keeps the stored number, "
                               "`\"id_number\": \"\"` removes it (then gender and birth_date are required). " + NO_DELETE,
                   responses={200: s.PersonSerializer, 400: ERROR, 404: NOT_FOUND, 409: CONFLICT})
    def patch(self, request, person_id: int):
        person = selectors.access_person(request.user, person_id, action="registry.edit")
        body = dict(validated(s.PersonPatch(data=request.data)))
        version = body.pop("version")
        data = checked_person(person_input(body, current=person))
        try:
            person = services.person_update(actor=request.user, person=person, data=data, version=version)
        except DomainError as exc:
            if str(exc.message) == str(services.CHANGED_MEANWHILE):
                raise Conflict(exc.message) from None
            raise
        return Response(s.PersonSerializer(with_current_categories([person])[0]).data)


class PersonCategories(APIView):
    @extend_schema(tags=TAGS, summary="A person's categories, past and present", description=NO_DELETE,
                   responses={200: s.AssignmentSerializer(many=True), 404: NOT_FOUND})
    def get(self, request, person_id: int):
        person = selectors.access_person(request.user, person_id)
        return Response(s.AssignmentSerializer(selectors.assignments_of(person), many=True).data)

    @extend_schema(tags=TAGS, summary="Assign a category to a person (认定)", description=NO_DELETE, request=s.AssignRequest,
                   responses={201: s.AssignmentSerializer, 400: ERROR, 404: NOT_FOUND})
    def post(self, request, person_id: int):
        person = selectors.access_person(request.user, person_id, action="registry.edit")
        body = validated(s.AssignRequest(data=request.data))
        assignment = services.category_assign(
            actor=request.user, person=person, category_code=body["category"], valid_from=body["valid_from"],
            valid_to=body.get("valid_to"), grade=body.get("grade"), source=body.get("source", ""),
            verified_by=body.get("verified_by", ""), note=body.get("note", ""),
        )
        return Response(s.AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


class CategoryEnd(APIView):
    @extend_schema(tags=TAGS, summary="End a person's category on a date (the record is kept)", request=s.EndRequest,
                   responses={200: s.AssignmentSerializer, 400: ERROR, 404: NOT_FOUND})
    def post(self, request, person_id: int, assignment_id: int):
        person = selectors.access_person(request.user, person_id, action="registry.edit")
        assignment = selectors.assignments_of(person).filter(pk=assignment_id).first()
        if assignment is None:
            raise NotFound(SCOPE_NOT_FOUND)
        body = validated(s.EndRequest(data=request.data))
        return Response(s.AssignmentSerializer(services.category_end(actor=request.user, assignment=assignment, valid_to=body["valid_to"])).data)


class PersonRevealId(APIView):
    @extend_schema(tags=TAGS, summary="The full ID number, for roles that need it; audited with the reason",
                   request=s.RevealRequest, responses={200: s.RevealResponse, 400: ERROR, 403: FORBIDDEN, 404: NOT_FOUND})
    def post(self, request, person_id: int):
        person = selectors.access_person(request.user, person_id)
        body = validated(s.RevealRequest(data=request.data))
        number = services.person_reveal_id(actor=request.user, person=person, reason=body["reason"])
        response = Response({"id_number": number})
        response["Cache-Control"] = "no-store"
        return response


class CategoryList(APIView):
    @extend_schema(tags=TAGS, summary="Person categories (低保, 特困, 残疾人 ...)", responses=s.CategorySerializer(many=True))
    def get(self, request):
        if not can(request.user, "registry.view"):
            raise NotFound(SCOPE_NOT_FOUND)
        return Response(s.CategorySerializer(Category.objects.all(), many=True).data)


urlpatterns = [
    path("households", HouseholdList.as_view(), name="household-list"),
    path("households/<int:household_id>", HouseholdDetail.as_view(), name="household-detail"),
    path("persons", PersonList.as_view(), name="person-list"),
    path("persons/<int:person_id>", PersonDetail.as_view(), name="person-detail"),
    path("persons/<int:person_id>/categories", PersonCategories.as_view(), name="person-categories"),
    path("persons/<int:person_id>/categories/<int:assignment_id>/end", CategoryEnd.as_view(), name="person-category-end"),
    path("persons/<int:person_id>/reveal-id", PersonRevealId.as_view(), name="person-reveal-id"),
    path("categories", CategoryList.as_view(), name="category-list"),
]
