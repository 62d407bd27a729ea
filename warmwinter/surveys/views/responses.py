"""The phone form (one household's or premises' answers in a round) and one stored answer sheet."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from warmwinter.accounts.scoping import NOT_ALLOWED, NOT_FOUND, can, scope_q
from warmwinter.core.errors import NotFound
from warmwinter.surveys import selectors
from warmwinter.surveys.choices import QuestionType, ResponseKind, RoundStatus, Subject
from warmwinter.surveys.forms import AnswerForm
from warmwinter.surveys.models import SpotCheckItem, SurveyResponse
from warmwinter.surveys.views import sheet as sheets
from warmwinter.surveys.views.common import access_household, access_premises, survey_page, url_or_none
from warmwinter.surveys.views.display import answer_sections, severity_label
from warmwinter.surveys.views.page_forms import SheetForm


def _sheet_page(request, round_, *, household=None, premises=None):
    subject = household or premises
    if not can(request.user, "survey.respond", subject.region_id):
        raise PermissionDenied(str(NOT_ALLOWED))
    current = sheets.current_sheet(round_, household=household, premises=premises)
    earlier = None if current else sheets.earlier_sheet(round_, household=household, premises=premises)
    members = sheets.member_choices(household, timezone.localdate()) if household is not None else None
    template = round_.template
    open_ = round_.status == RoundStatus.OPEN
    if request.method == "POST" and open_:
        form = AnswerForm(request.POST, request.FILES, template=template)
        sheet = SheetForm(request.POST, members=members, premises=premises is not None)
        if form.is_valid() & sheet.is_valid():
            response = sheets.sheet_submit(actor=request.user, round_=round_, form=form, sheet=sheet, current=current,
                                           household=household, premises=premises)
            if response is not None:
                found = response.hazards.count()
                if found:
                    messages.warning(request, _("已保存摸排记录，发现 %(n)s 个问题，已列入问题清单。") % {"n": found})
                else:
                    messages.success(request, _("已保存摸排记录，未发现问题。"))
                return redirect("surveys:response_detail", response_id=response.pk)
    else:
        start = current or earlier
        form = AnswerForm(template=template, previous=start.answers if start else None)
        seen = [value for value, _label in (members or [])][: current.persons_covered if current else 0]
        sheet = SheetForm(members=members, premises=premises is not None, initial={
            "client_id": sheets.new_client_id(), "version": current.version if current else None,
            "notes": current.notes if current else "", "inspectors": current.inspectors if current else "", "persons": seen,
        })
    errors = sum(len(e) for e in form.errors.values()) + sum(len(e) for e in sheet.errors.values()) if form.is_bound else 0
    return render(request, "surveys/sheet_form.html", {
        "round": round_, "household": household, "premises": premises, "subject": subject, "form": form, "sheet": sheet,
        "current": current, "earlier": earlier, "open": open_, "error_count": errors,
        "alive": len(members or []),
    })


def _wrong_subject(request, round_):
    """Both are in scope but do not fit together (a premises in a household round): say so, 400."""
    return render(request, "surveys/wrong_subject.html", {"round": round_}, status=400)


@survey_page
def household_survey_view(request, round_id: int, household_id: int):
    """THE phone form: a household's answers in this round, pre-filled from its last visit."""
    round_ = selectors.access_round(request.user, round_id)
    household = access_household(request.user, round_, household_id)
    if round_.template.subject != Subject.HOUSEHOLD:
        return _wrong_subject(request, round_)
    return _sheet_page(request, round_, household=household)


@survey_page
def premises_survey_view(request, round_id: int, premises_id: int):
    """The same form for a premises round (fire-safety checklist of one place)."""
    round_ = selectors.access_round(request.user, round_id)
    premises = access_premises(request.user, round_, premises_id)
    if round_.template.subject != Subject.PREMISES:
        return _wrong_subject(request, round_)
    return _sheet_page(request, round_, premises=premises)


def access_response(user, response_id: int) -> SurveyResponse:
    """An answer sheet in the user's scope: surveys (survey.view) and premises inspections (premises.view)."""
    q = scope_q(user, "survey.view", "region__code")
    premises_q = scope_q(user, "premises.view", "region__code")
    if premises_q is not None:
        premises_q &= Q(premises__isnull=False)
        q = premises_q if q is None else q | premises_q
    if q is None:
        raise NotFound(NOT_FOUND)
    response = (SurveyResponse.objects.filter(q, pk=response_id)
                .select_related("round", "template", "household__head", "premises", "surveyor", "region").first())
    if response is None:
        raise NotFound(NOT_FOUND)
    return response


@survey_page
def response_detail_view(request, response_id: int):
    """One answer sheet, readable, with the problems it put on the list."""
    response = access_response(request.user, response_id)
    hazards = list(response.hazards.order_by("id"))
    for hazard in hazards:
        hazard.severity_text = severity_label(hazard.severity)
        hazard.url = url_or_none("hazards:hazard_detail", hazard_id=hazard.pk)
    round_ = response.round
    editable = (round_ is not None and response.kind == ResponseKind.SURVEY and round_.status == RoundStatus.OPEN
                and can(request.user, "survey.respond", response.region_id))
    alive = response.household.members.filter(alive=True).count() if response.household_id else None
    return render(request, "surveys/response_detail.html", {
        "response": response, "round": round_, "sections": answer_sections(response.template, response.answers),
        "hazards": hazards, "editable": editable, "alive": alive,
    })


@never_cache
@survey_page
def response_photo_view(request, response_id: int):
    """A photo answer of a sheet (?q=question key), served only to those who may read the sheet."""
    response = access_response(request.user, response_id)
    key = request.GET.get("q", "")
    if not key:
        return redirect("surveys:response_detail", response_id=response.pk)
    question = response.template.question(key)
    name = response.answers.get(key) if question and question["type"] == QuestionType.PHOTO else None
    # Only files the pages stored for this sheet: an answer written through the API could name any file.
    folders = [f"surveys/{response.pk}/"]
    item = SpotCheckItem.objects.filter(recheck=response).values_list("pk", flat=True).first()
    if item is not None:
        folders.append(f"surveys/spot-checks/{item}/")
    if (not isinstance(name, str) or not name.startswith(tuple(folders)) or ".." in name
            or not default_storage.exists(name)):
        raise NotFound(NOT_FOUND)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(default_storage.open(name, "rb"), content_type=content_type)


urlpatterns = [
    path("<int:round_id>/households/<int:household_id>/", household_survey_view, name="household_survey"),
    path("<int:round_id>/premises/<int:premises_id>/", premises_survey_view, name="premises_survey"),
    path("responses/<int:response_id>/", response_detail_view, name="response_detail"),
    path("responses/<int:response_id>/photo/", response_photo_view, name="response_photo"),
]
