"""Ledger pages to read: the person list, a household, a person, and the audited full ID view.

The forms that write are in people_edit.py and people_categories.py; all URLs are here.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from warmwinter.accounts.scoping import can
from warmwinter.audit.actions import action_labels
from warmwinter.core.errors import DomainError, Forbidden
from warmwinter.core.forms import add_domain_error
from warmwinter.registry import selectors, services
from warmwinter.registry.forms import CategoryEndForm, RevealForm
from warmwinter.registry.models import Category
from warmwinter.registry.selectors_dedupe import person_links
from warmwinter.registry.views import people_categories, people_edit
from warmwinter.registry.views.people_common import age_on, readable_changes, region_options, require, with_ages


@login_required
def person_list_view(request):
    require(request.user, "registry.view")
    filters = selectors.PersonFilter.from_params(request.GET)
    today = date.today()
    persons = selectors.persons_for(user=request.user, filters=filters, on=today).prefetch_related(selectors.current_categories(today))
    page = Paginator(persons, 50).get_page(request.GET.get("page"))
    with_ages(page.object_list, today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "registry/person_list.html", {
        "page": page, "filters": filters, "query": query.urlencode(), "regions": region_options(request.user),
        "categories": Category.objects.filter(active=True), "may_edit": can(request.user, "registry.edit"),
        "total": page.paginator.count,
    })


@login_required
def household_detail_view(request, household_id: int):
    household = selectors.access_household(request.user, household_id)
    today = date.today()
    members = with_ages(list(household.members.all().prefetch_related("categories__category")), today)
    history = Paginator(selectors.household_history(request.user, household), 30).get_page(request.GET.get("page"))
    subjects = {("registry.household", str(household.pk)): _("家庭")}
    for member in members:
        subjects[("registry.person", str(member.pk))] = member.name
        for assignment in member.categories.all():
            subjects[("registry.categoryassignment", str(assignment.pk))] = f"{member.name} · {assignment.category}"
    category_names = {c.code: str(c) for c in Category.objects.all()}
    for event in history:
        event.subject = subjects.get((event.object_type, event.object_id), event.object_id)
        event.rows = readable_changes(event.changes, category_names)
    return render(request, "registry/household_detail.html", {
        "household": household, "members": members, "history": history, "today": today,
        "action_labels": action_labels(), "may_edit": can(request.user, "registry.edit", household.region_id),
    })


@login_required
def person_detail_view(request, person_id: int):
    person = selectors.access_person(request.user, person_id)
    today = date.today()
    person.age = age_on(person.birth_date, today)
    may_edit = can(request.user, "registry.edit", person.region_id)
    return render(request, "registry/person_detail.html", {
        "person": person, "assignments": selectors.assignments_of(person), "today": today, "may_edit": may_edit,
        "may_reveal": bool(person.id_number_masked) and can(request.user, "person.view_id_number", person.region_id),
        "end_form": CategoryEndForm() if may_edit else None,
        "links": person_links(person, user=request.user),
    })


@never_cache
@login_required
def person_reveal_id_view(request, person_id: int):
    """Ask for a reason, then show the full number once, in the POST response only."""
    person = selectors.access_person(request.user, person_id)
    if not can(request.user, "person.view_id_number", person.region_id):
        raise PermissionDenied(_("您的角色无权查看完整身份证号。"))
    form = RevealForm(request.POST or None)
    number = None
    if request.method == "POST" and form.is_valid():
        try:
            number = services.person_reveal_id(actor=request.user, person=person, reason=form.cleaned_data["reason"])
        except Forbidden as exc:
            raise PermissionDenied(str(exc.message)) from None
        except DomainError as exc:
            add_domain_error(form, exc)
    return render(request, "registry/reveal_id.html", {"person": person, "form": form, "number": number})


urlpatterns = [
    path("", person_list_view, name="person_list"),
    path("households/new/", people_edit.household_create_view, name="household_create"),
    path("households/<int:household_id>/", household_detail_view, name="household_detail"),
    path("households/<int:household_id>/edit/", people_edit.household_edit_view, name="household_edit"),
    path("households/<int:household_id>/members/new/", people_edit.person_create_view, name="person_create"),
    path("persons/<int:person_id>/", person_detail_view, name="person_detail"),
    path("persons/<int:person_id>/edit/", people_edit.person_edit_view, name="person_edit"),
    path("persons/<int:person_id>/reveal-id/", person_reveal_id_view, name="person_reveal_id"),
    path("persons/<int:person_id>/categories/new/", people_categories.category_assign_view, name="category_assign"),
    path("persons/<int:person_id>/categories/<int:assignment_id>/end/", people_categories.category_end_view, name="category_end"),
    path("categories/", people_categories.category_list_view, name="category_list"),
]
