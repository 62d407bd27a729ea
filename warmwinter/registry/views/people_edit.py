"""Ledger forms: new household (with its head), household details, add a member, edit a person."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from warmwinter.core.errors import DomainError, Forbidden, NotFound
from warmwinter.core.forms import add_domain_error
from warmwinter.registry import selectors, services
from warmwinter.registry.forms import HouseholdForm, PersonForm
from warmwinter.registry.services import CHANGED_MEANWHILE
from warmwinter.registry.views.people_common import add_model_errors, require, villages_for

HOUSEHOLD_FIELDS = ("number", "address", "phone", "housing_condition", "heating_method")


def _stale(exc: DomainError) -> bool:
    return str(exc.message) == str(CHANGED_MEANWHILE)


@login_required
def household_create_view(request):
    require(request.user, "registry.edit")
    villages = villages_for(request.user)
    form = HouseholdForm(request.POST or None, villages=villages)
    head = PersonForm(request.POST or None, prefix="head", head=True)
    if request.method == "POST" and form.is_valid() & head.is_valid():
        data = form.cleaned_data
        try:
            household = services.household_register_with_head(
                actor=request.user, region_code=data["region"], head=head.person_input(),
                bank_account=data["bank_account"], **{f: data[f] for f in HOUSEHOLD_FIELDS},
            )
        except (NotFound, Forbidden):
            form.add_error("region", _("该村（社区）不在您可登记的范围内。"))
        except DomainError as exc:
            # The head's rules (ID number, name ...) name a person field; the rest are the household's.
            add_domain_error(head if exc.field in head.fields else form, exc)
        except ValidationError as exc:
            add_model_errors(form, exc)
        else:
            messages.success(request, _("已登记家庭。"))
            return redirect("registry:household_detail", household_id=household.pk)
    return render(request, "registry/household_form.html", {"form": form, "head": head, "household": None})


@login_required
def household_edit_view(request, household_id: int):
    household = selectors.access_household(request.user, household_id, action="registry.edit")
    form = HouseholdForm(request.POST or None, household=household, initial=HouseholdForm.initial_for(household))
    stale = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.household_update(
                actor=request.user, household=household, version=data["version"], status=data["status"],
                bank_account=data["bank_account"] or None, **{f: data[f] for f in HOUSEHOLD_FIELDS},
            )
        except DomainError as exc:
            stale = _stale(exc)
            add_domain_error(form, exc)
        except ValidationError as exc:
            add_model_errors(form, exc)
        else:
            messages.success(request, _("已保存家庭信息。"))
            return redirect("registry:household_detail", household_id=household.pk)
    return render(request, "registry/household_form.html", {"form": form, "household": household, "stale": stale})


@login_required
def person_create_view(request, household_id: int):
    household = selectors.access_household(request.user, household_id, action="registry.edit")
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_register(actor=request.user, household=household, data=form.person_input())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已添加家庭成员 %(name)s。") % {"name": person.name})
            return redirect("registry:household_detail", household_id=household.pk)
    return render(request, "registry/person_form.html", {"form": form, "household": household, "person": None})


@login_required
def person_edit_view(request, person_id: int):
    person = selectors.access_person(request.user, person_id, action="registry.edit")
    form = PersonForm(request.POST or None, person=person, initial=PersonForm.initial_for(person))
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person=person, data=form.person_input(), version=form.cleaned_data["version"])
        except DomainError as exc:
            stale = _stale(exc)
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已保存人员信息。"))
            return redirect("registry:person_detail", person_id=person.pk)
    return render(request, "registry/person_form.html", {"form": form, "household": person.household, "person": person, "stale": stale})
