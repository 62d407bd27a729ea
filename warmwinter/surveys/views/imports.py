"""Pages of the 摸底表 import: upload a filled sheet into a round (every row or none), download a blank one."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warmwinter.core.errors import Forbidden
from warmwinter.surveys import selectors
from warmwinter.surveys.imports import blank_sheet_xlsx, survey_import

MAX_UPLOAD = 20 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_SHOWN = 500


class SurveyUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("摸底表文件"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        help_text=gettext_lazy("支持 .xlsx 和 .csv，不超过 20 MB。表头上方可以有标题行；每户一行，用户主身份证号或户编号找到台账中的家庭。"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("文件超过 20 MB，请分村导入。"))
        return upload


@login_required
def round_import_view(request, round_id: int):
    round_ = selectors.access_round(request.user, round_id, action="survey.respond")
    form = SurveyUploadForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            outcome = survey_import(actor=request.user, round_=round_, file_name=upload.name, content=upload.read())
        except Forbidden:
            raise PermissionDenied from None
    context = {"round": round_, "form": form, "outcome": outcome,
               "errors_shown": outcome.errors[:ERRORS_SHOWN] if outcome else []}
    return render(request, "surveys/import_round.html", context)


@login_required
def round_blank_view(request, round_id: int):
    round_ = selectors.access_round(request.user, round_id)
    response = HttpResponse(blank_sheet_xlsx(round_), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, _("%(name)s-摸底表.xlsx") % {"name": round_.name})
    return response


urlpatterns = [
    path("<int:round_id>/import", round_import_view, name="round_import"),
    path("<int:round_id>/blank.xlsx", round_blank_view, name="round_blank"),
]
