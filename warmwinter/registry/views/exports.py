"""The export page: choose region, 台账 or 花名册, filters and format; the file downloads."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from warmwinter.accounts.scoping import NOT_FOUND, can
from warmwinter.core.errors import DomainError, NotFound
from warmwinter.core.forms import add_domain_error
from warmwinter.registry import exports, selectors
from warmwinter.registry.models import Category

ALIVE_CHOICES = [("1", _("仅在世人员")), ("0", _("仅已故人员")), ("", _("全部"))]


class ExportForm(forms.Form):
    region = forms.ChoiceField(label=_("导出范围"))
    kind = forms.ChoiceField(label=_("表格"), choices=[(exports.KIND_LEDGER, _("台账（每人一行，含家庭信息）")),
                                                     (exports.KIND_ROSTER, _("花名册（按人员类别，每人每类一行）"))])
    category = forms.ChoiceField(label=_("人员类别"), required=False)
    alive = forms.ChoiceField(label=_("在世情况"), choices=ALIVE_CHOICES, required=False)
    format = forms.ChoiceField(label=_("文件格式"), choices=[("xlsx", _("Excel（.xlsx）")), ("csv", _("CSV（.csv，UTF-8）"))])
    full_ids = forms.BooleanField(label=_("导出完整身份证号"), required=False,
                                  help_text=_("默认导出脱敏身份证号。导出完整号码须填写事由，并记入审计日志。"))
    reason = forms.CharField(label=_("事由"), max_length=200, required=False)

    def __init__(self, *args, regions, may_see_ids: bool, **kwargs):
        super().__init__(*args, **kwargs)
        top = min((r.level for r in regions), default=0)
        self.fields["region"].choices = [(r.code, "\u3000" * (r.level - top) + r.name) for r in regions]
        self.fields["category"].choices = [("", _("全部类别"))] + [(c.code, str(c)) for c in Category.objects.filter(active=True)]
        if not may_see_ids:
            del self.fields["full_ids"]
            del self.fields["reason"]


@login_required
def export_view(request):
    if not can(request.user, "registry.export"):
        raise NotFound(NOT_FOUND)
    regions = list(selectors.regions_to_choose(request.user, "registry.export"))
    active = getattr(request.user, "active_membership", None)
    initial = {"region": active.region_id if active else (regions[0].code if regions else ""), "alive": "1", "format": "xlsx"}
    form = ExportForm(request.POST or None, regions=regions, may_see_ids=can(request.user, "person.view_id_number"), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        alive = {"1": True, "0": False}.get(data.get("alive") or "")
        try:
            export = exports.ledger_export(actor=request.user, request=exports.ExportRequest(
                region=data["region"], kind=data["kind"], category=data.get("category") or "", alive=alive, format=data["format"],
                full_ids=bool(data.get("full_ids")), reason=data.get("reason") or "",
            ))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return exports.export_response(export)
    return render(request, "registry/export_form.html", {"form": form})


urlpatterns = [path("exports/", export_view, name="export")]
