"""The unit report of a round (P4: 现状、问题、对策、建议): the form, and every unit's report on time or late."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from warmwinter.accounts.scoping import can
from warmwinter.core.errors import DomainError, Forbidden, NotFound
from warmwinter.regions.codes import Level, prefix_of
from warmwinter.regions.models import Region
from warmwinter.surveys import selectors, services
from warmwinter.surveys.models import UnitReport
from warmwinter.surveys.schema import text
from warmwinter.surveys.views.common import form_error, report_units, survey_page
from warmwinter.surveys.views.page_forms import DEFAULT_SECTIONS, UnitReportForm

FIELDS = [key for key, _label in DEFAULT_SECTIONS]


def section_labels(template) -> dict[str, str]:
    """The report's four boxes, named by the template's report_sections when it has them.

    A section is a string or {key?, label, label_en}; one with a known key names that box, the
    others name the boxes in order."""
    labels = {key: str(label) for key, label in DEFAULT_SECTIONS}
    used, unnamed = set(), []
    for section in template.report_sections or []:
        if isinstance(section, dict) and section.get("key") in FIELDS:
            labels[section["key"]] = text(section) or labels[section["key"]]
            used.add(section["key"])
        else:
            unnamed.append(section if isinstance(section, str) else text(section))
    for key, label in zip([k for k in FIELDS if k not in used], unnamed, strict=False):
        if label:
            labels[key] = label
    return labels


def _expected_units(user, round_) -> list[Region]:
    """Who owes a report: the townships of a county-wide round, else the round's own region (those in scope)."""
    regions = Region.objects.visible_to(user, "survey.view")
    if round_.region.level <= Level.COUNTY:
        return list(regions.filter(code__startswith=prefix_of(round_.region_id), level=Level.TOWNSHIP).order_by("code"))
    return list(regions.filter(code=round_.region_id))


@survey_page
def unit_report_view(request, round_id: int):
    round_ = selectors.access_round(request.user, round_id)
    labels = section_labels(round_.template)
    units = report_units(request.user, round_)
    names = dict(Region.objects.filter(code__in=units).values_list("code", "name"))
    form = None
    if units:
        chosen = request.POST.get("region") or request.GET.get("region") or units[0]
        existing = UnitReport.objects.filter(round=round_, region_id=chosen).first() if chosen in units else None
        initial = {"region": chosen}
        if existing is not None:
            initial.update({f: getattr(existing, f) for f in FIELDS})
        form = UnitReportForm(request.POST or None, initial=initial, units=[(c, names.get(c, c)) for c in units], labels=labels)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                report = services.unit_report_submit(actor=request.user, round_=round_, region_code=data["region"],
                                                     **{f: data[f] for f in FIELDS})
            except (NotFound, Forbidden):
                form.add_error("region", _("您不能代该单位报送。"))
            except DomainError as exc:
                form_error(form, exc)
            else:
                if report.late:
                    messages.warning(request, _("已报送，但已超过截止时间，记为逾期报送。"))
                else:
                    messages.success(request, _("已按时报送。"))
                return redirect(reverse("surveys:unit_report", kwargs={"round_id": round_.pk}))
    reports = list(UnitReport.objects.visible_to(request.user, "survey.view").filter(round=round_)
                   .select_related("region", "submitted_by").order_by("region_id"))
    reported = {r.region_id for r in reports}
    waiting = [r for r in _expected_units(request.user, round_) if r.code not in reported]
    return render(request, "surveys/unit_report.html", {
        "round": round_, "form": form, "reports": reports, "labels": labels, "waiting": waiting,
        "due": services.due_at(round_), "may_report": bool(units) and can(request.user, "survey.report"),
        "on_time": sum(1 for r in reports if not r.late), "late": sum(1 for r in reports if r.late),
    })


urlpatterns = [path("<int:round_id>/report/", unit_report_view, name="unit_report")]
