"""Read-only pages of the survey templates: their questions and the rules that find problems."""

from __future__ import annotations

from django.db.models import Count
from django.shortcuts import render
from django.urls import path

from warmwinter.accounts.scoping import NOT_FOUND
from warmwinter.core.errors import NotFound
from warmwinter.surveys.models import SurveyTemplate
from warmwinter.surveys.views.common import require, survey_page
from warmwinter.surveys.views.display import question_rows, rule_rows
from warmwinter.surveys.views.page_forms import PARAM_LABELS
from warmwinter.surveys.views.reports import section_labels


@survey_page
def template_list_view(request):
    require(request.user, "survey.view")
    templates = SurveyTemplate.objects.annotate(round_count=Count("rounds")).order_by("code", "-version")
    return render(request, "surveys/template_list.html", {"templates": templates})


@survey_page
def template_detail_view(request, template_id: int):
    require(request.user, "survey.view")
    template = SurveyTemplate.objects.filter(pk=template_id).first()  # national data: no region to scope by
    if template is None:
        raise NotFound(NOT_FOUND)
    params = [(name, PARAM_LABELS.get(name, name), default) for name, default in (template.params or {}).items()]
    return render(request, "surveys/template_detail.html", {
        "template": template, "questions": question_rows(template), "rules": rule_rows(template), "params": params,
        "report_labels": section_labels(template) if template.report_sections else None,
    })


urlpatterns = [
    path("templates/", template_list_view, name="template_list"),
    path("templates/<int:template_id>/", template_detail_view, name="template_detail"),
]
