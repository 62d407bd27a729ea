"""Category pages: assign a category to a person, end one, and the category list (with an add form)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from warmwinter.accounts.scoping import NOT_FOUND, can
from warmwinter.core.errors import DomainError, NotFound
from warmwinter.core.forms import add_domain_error
from warmwinter.registry import selectors, services
from warmwinter.registry.forms import CategoryAssignForm, CategoryCreateForm, CategoryEndForm
from warmwinter.registry.models import Category
from warmwinter.registry.views.people_common import add_model_errors, require


@login_required
def category_assign_view(request, person_id: int):
    person = selectors.access_person(request.user, person_id, action="registry.edit")
    form = CategoryAssignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.category_assign(
                actor=request.user, person=person, category_code=data["category"].code, valid_from=data["valid_from"],
                valid_to=data["valid_to"], grade=data["grade"], source=data["source"], verified_by=data["verified_by"], note=data["note"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已认定 %(name)s 为%(category)s。") % {"name": person.name, "category": data["category"]})
            return redirect("registry:person_detail", person_id=person.pk)
    return render(request, "registry/category_assign.html", {"form": form, "person": person})


@login_required
@require_POST
def category_end_view(request, person_id: int, assignment_id: int):
    person = selectors.access_person(request.user, person_id, action="registry.edit")
    assignment = selectors.assignments_of(person).filter(pk=assignment_id).first()
    if assignment is None:
        raise NotFound(NOT_FOUND)
    form = CategoryEndForm(request.POST)
    if form.is_valid():
        try:
            services.category_end(actor=request.user, assignment=assignment, valid_to=form.cleaned_data["valid_to"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("%(category)s已于 %(date)s 终止。") % {
                "category": assignment.category, "date": form.cleaned_data["valid_to"].isoformat()})
            return redirect("registry:person_detail", person_id=person.pk)
    return render(request, "registry/category_end.html", {"form": form, "person": person, "assignment": assignment}, status=400)


@login_required
def category_list_view(request):
    require(request.user, "registry.view")
    may_manage = can(request.user, "category.manage")
    form = CategoryCreateForm(request.POST or None) if may_manage else None
    if request.method == "POST":
        if not may_manage:
            raise NotFound(NOT_FOUND)
        if form.is_valid():
            try:
                category = services.category_create(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            except ValidationError as exc:
                add_model_errors(form, exc)
            else:
                messages.success(request, _("已新增人员类别“%(name)s”。") % {"name": category.name})
                return redirect("registry:category_list")
    return render(request, "registry/category_list.html", {
        "categories": Category.objects.all(), "form": form, "may_manage": may_manage,
    })
