"""The phone quick-entry of a visit or call to a household, and one stored contact with the household's
week (count against the requirement, compliant or not). A double tap sends the same client_id: one contact."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath
from uuid import uuid4

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from warmwinter.accounts.scoping import NOT_FOUND, can
from warmwinter.care.choices import Channel, DutyStatus, HelperRole
from warmwinter.care.forms import ContactForm, checklist_form
from warmwinter.care.models import Contact, Helper, HelperAssignment, VisitDuty
from warmwinter.care.services_contacts import contact_record, helper_of
from warmwinter.care.views import reads
from warmwinter.care.views.common import allow, care_page, parse_id, url_or_none
from warmwinter.core.errors import Conflict, DomainError, Forbidden, NotFound
from warmwinter.registry.choices import HouseholdStatus
from warmwinter.registry.selectors import access_household
from warmwinter.surveys.views.common import form_error
from warmwinter.surveys.views.display import answer_sections


def _default_helper(user, household, entry):
    """The user's own helper record for the household, else the household's primary helper."""
    mine = helper_of(user, household.pk, entry.campaign if entry else None)
    if mine is not None and mine.region_id == household.region_id:
        return mine
    if entry is None:
        return None
    primary = HelperAssignment.objects.filter(entry=entry, role=HelperRole.PRIMARY, active=True).select_related("helper").first()
    return primary.helper if primary else None


def _show_error(form, checklist, exc: DomainError) -> None:
    """A service's refusal next to the field it names; checklist answers next to their question."""
    if checklist is not None and (exc.field or "").startswith("answers"):
        form_error(checklist, exc)
    elif exc.field in form.fields:
        form.add_error(exc.field, str(exc.message))
    else:
        form.add_error(None, str(exc.message))


@care_page
def contact_view(request, household_id: int):
    """THE phone page: one visit or call, with the checklist, problems, photo and location."""
    household = access_household(request.user, household_id, action="care.view")
    allow(request.user, "care.contact", household.region_id)
    asked = parse_id(request.GET.get("campaign"))
    entry = (reads.open_entry(request.user, household.pk, asked) if asked else None) or reads.open_entry(request.user, household.pk)
    campaign = entry.campaign if entry else None
    template = campaign.contact_template if campaign else None
    helpers = Helper.objects.filter(region_id=household.region_id, active=True).order_by("name")
    inactive = household.status != HouseholdStatus.ACTIVE
    if request.method == "POST" and not inactive:
        form = ContactForm(request.POST, request.FILES, helpers=helpers)
        checklist = checklist_form(request.POST, template=template) if template else None
        if form.is_valid() & (checklist is None or checklist.is_valid()):
            data = form.cleaned_data
            try:
                contact = contact_record(
                    actor=request.user, household=household, channel=data["channel"], contacted_at=data["contacted_at"],
                    campaign=campaign, helper=data["helper"], answers=checklist.answers() if checklist else None,
                    notes=data["notes"], solved_on_spot=data["solved_on_spot"], problems=form.problems(), photo=data["photo"],
                    latitude=data["latitude"], longitude=data["longitude"], client_id=data["client_id"])
            except (NotFound, Forbidden):
                raise
            except Conflict as exc:
                form.add_error(None, str(exc.message))
            except DomainError as exc:
                _show_error(form, checklist, exc)
            else:
                messages.success(request, _("已记录%(channel)s。") % {"channel": Channel(contact.channel).label})
                return redirect(reverse("care:contact_detail", kwargs={"contact_id": contact.pk}) + "?saved=1")
    else:
        form = ContactForm(helpers=helpers, initial={
            "client_id": uuid4().hex, "channel": Channel.VISIT, "helper": _default_helper(request.user, household, entry),
            "contacted_at": timezone.localtime().replace(second=0, microsecond=0)})
        checklist = checklist_form(template=template) if template else None
    today = timezone.localdate()
    week = reads.household_week(campaign, household.pk, household.region_id, today, today) if campaign else None
    duties = list(VisitDuty.objects.filter(household=household, status=DutyStatus.OPEN).select_related("alert").order_by("due_by"))
    bound_errors = form.is_bound and (form.errors or (checklist is not None and checklist.errors))
    return render(request, "care/contact_form.html", {
        "household": household, "entry": entry, "campaign": campaign, "form": form, "checklist": checklist, "week": week,
        "members": [m for m in household.members.all() if m.alive], "duties": duties, "inactive": inactive,
        "checklist_open": bool(checklist is not None and checklist.is_bound and checklist.errors),
        "phone": household.phone or (household.head.phone if household.head else ""),
    }, status=400 if bound_errors else 200)


def access_contact(user, contact_id: int) -> Contact:
    contact = (Contact.objects.visible_to(user, "care.view").filter(pk=contact_id)
               .select_related("household__head", "region", "helper", "recorded_by", "campaign__contact_template").first())
    if contact is None:
        raise NotFound(NOT_FOUND)
    return contact


@care_page
@require_GET
def contact_detail_view(request, contact_id: int):
    """One contact record; right after saving, the household's week against its requirement."""
    contact = access_contact(request.user, contact_id)
    today = timezone.localdate()
    campaign = contact.campaign
    week = reads.household_week(campaign, contact.household_id, contact.region_id, contact.local_date, today) if campaign else None
    hazards = list(contact.hazards.order_by("id"))
    for hazard in hazards:
        hazard.url = url_or_none("hazards:hazard_detail", hazard_id=hazard.pk)
    template = campaign.contact_template if campaign else None
    return render(request, "care/contact_detail.html", {
        "contact": contact, "household": contact.household, "campaign": campaign, "week": week, "saved": request.GET.get("saved") == "1",
        "sections": answer_sections(template, contact.answers) if template and contact.answers else [],
        "hazards": hazards, "duties": VisitDuty.objects.filter(contact=contact).select_related("alert"),
        "may_contact": can(request.user, "care.contact", contact.region_id),
    })


@never_cache
@care_page
@require_GET
def contact_photo_view(request, contact_id: int):
    """The photo of a contact, only to those who may read the contact."""
    contact = access_contact(request.user, contact_id)
    if not contact.photo:
        return redirect("care:contact_detail", contact_id=contact.pk)
    try:
        handle = contact.photo.open("rb")
    except FileNotFoundError:
        raise NotFound(NOT_FOUND) from None
    name = PurePath(contact.photo.name).name
    response = FileResponse(handle, content_type=mimetypes.guess_type(name)[0] or "application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("contact/<int:household_id>/", contact_view, name="contact"),
    path("contacts/<int:contact_id>/", contact_detail_view, name="contact_detail"),
    path("contacts/<int:contact_id>/photo", contact_photo_view, name="contact_photo"),
]
