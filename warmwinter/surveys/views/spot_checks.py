"""四不两直 spot checks: draw a sample, the sample with done/mismatch marks, and the inspector's fresh form."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from warmwinter.accounts.scoping import NOT_ALLOWED, NOT_FOUND, can
from warmwinter.core.errors import DomainError, Forbidden, NotFound
from warmwinter.surveys import selectors, services_spot_checks
from warmwinter.surveys.forms import AnswerForm
from warmwinter.surveys.models import SpotCheck, SpotCheckItem
from warmwinter.surveys.views import sheet as sheets
from warmwinter.surveys.views.common import form_error, region_choices, require, survey_page
from warmwinter.surveys.views.display import answer_text
from warmwinter.surveys.views.page_forms import SheetForm, SpotCheckForm


def _draw_regions(user, round_) -> list[tuple[str, str]] | None:
    """Where this user may draw a sample in this round: the round's region (if theirs) and the regions under it."""
    choices = region_choices(user, "spot_check.run", within=round_.region_id)
    if choices is None:
        return None
    if can(user, "spot_check.run", round_.region_id) and round_.region_id not in {c for c, _n in choices}:
        choices.insert(0, (round_.region_id, round_.region.name))
    return choices


@survey_page
def spot_check_new_view(request, round_id: int):
    """spot_check.run: a random sample of surveyed households (or premises) in a region, and the round's samples."""
    require(request.user, "spot_check.run")
    round_ = selectors.access_round(request.user, round_id, action="spot_check.run")
    form = SpotCheckForm(request.POST or None, regions=_draw_regions(request.user, round_))
    if request.method == "POST" and form.is_valid():
        try:
            check = services_spot_checks.spot_check_draw(actor=request.user, round_=round_, region_code=form.cleaned_data["region"],
                                                         size=form.cleaned_data["size"])
        except (NotFound, Forbidden):
            form.add_error("region", _("该区划不在您可抽查的范围内。"))
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("已随机抽取 %(n)s 户（处），请不打招呼、直奔现场。") % {"n": check.size})
            return redirect("surveys:spot_check_detail", spot_check_id=check.pk)
    checks = (SpotCheck.objects.visible_to(request.user, "spot_check.run").filter(round=round_).select_related("region", "drawn_by")
              .annotate(done=Count("items", filter=Q(items__recheck__isnull=False)), items_count=Count("items")))
    return render(request, "surveys/spot_check_new.html", {"round": round_, "form": form, "checks": checks})


def _access_check(user, spot_check_id: int) -> SpotCheck:
    """A sample in scope (404 otherwise); only spot_check.run roles may see who is drawn (403)."""
    check = (SpotCheck.objects.visible_to(user, "survey.view").filter(pk=spot_check_id)
             .select_related("round__template", "round__region", "region", "drawn_by").first())
    if check is None:
        raise NotFound(NOT_FOUND)
    if not can(user, "spot_check.run", check.region_id):
        raise PermissionDenied(str(NOT_ALLOWED))
    return check


@survey_page
def spot_check_detail_view(request, spot_check_id: int):
    check = _access_check(request.user, spot_check_id)
    items = list(check.items.select_related("original__household__head", "original__premises", "region", "recheck").order_by("id"))
    done = sum(1 for i in items if i.done)
    return render(request, "surveys/spot_check_detail.html", {
        "check": check, "round": check.round, "items": items, "done": done,
        "mismatched": sum(1 for i in items if i.mismatches),
    })


def _comparison(template, item: SpotCheckItem) -> list[dict]:
    rows = []
    for m in item.mismatches:
        q = template.question(m["question"])
        rows.append({"key": m["question"], "label": (m.get("label_en") if _english() and m.get("label_en") else m.get("label")),
                     "original": answer_text(q, m.get("original")), "found": answer_text(q, m.get("found"))})
    return rows


def _english() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "").startswith("en")


@survey_page
def spot_check_item_view(request, item_id: int):
    """The inspector's form: the same questions, NOT pre-filled (fresh eyes); afterwards, original vs found."""
    item = (SpotCheckItem.objects.visible_to(request.user, "survey.view").filter(pk=item_id)
            .select_related("spot_check__round", "original__template", "original__household__head", "original__premises",
                            "region", "recheck").first())
    if item is None:
        raise NotFound(NOT_FOUND)
    if not can(request.user, "spot_check.run", item.region_id):
        raise PermissionDenied(str(NOT_ALLOWED))
    original = item.original
    template = original.template
    household = original.household
    members = sheets.member_choices(household, timezone.localdate()) if household is not None else None
    form = sheet = None
    if not item.done:
        if request.method == "POST":
            form = AnswerForm(request.POST, request.FILES, template=template)
            sheet = SheetForm(request.POST, members=members)
            if form.is_valid() & sheet.is_valid() and sheets.photos_ok(form):
                answers = form.answers()
                stored = sheets.photos_store(f"surveys/spot-checks/{item.pk}", form.photo_uploads())
                try:
                    item = services_spot_checks.spot_check_record(
                        actor=request.user, item=item, answers={**answers, **stored}, notes=sheet.cleaned_data["notes"],
                        persons_covered=len(sheet.cleaned_data["persons"]) if household is not None else None,
                        client_id=sheet.cleaned_data["client_id"],
                    )
                except DomainError as exc:
                    sheets.photos_drop(stored)
                    sheets.show_error(form, sheet, exc)
                else:
                    if item.mismatches:
                        messages.warning(request, _("已记录暗访结果：%(n)s 项与原摸排不一致。") % {"n": len(item.mismatches)})
                    else:
                        messages.success(request, _("已记录暗访结果，与原摸排一致。"))
                    return redirect("surveys:spot_check_item", item_id=item.pk)
        else:
            form = AnswerForm(template=template)  # 四不两直: the inspector starts from a blank sheet
            sheet = SheetForm(members=members, initial={"client_id": sheets.new_client_id()})
    elif request.method == "POST":
        messages.info(request, _("该对象已暗访，结果如下。"))  # a second tap: the first one was stored
        return redirect("surveys:spot_check_item", item_id=item.pk)
    return render(request, "surveys/spot_check_item.html", {
        "item": item, "check": item.spot_check, "round": item.spot_check.round, "original": original, "form": form,
        "sheet": sheet, "comparison": _comparison(template, item) if item.done else [],
        "hazards": list(item.recheck.hazards.order_by("id")) if item.done else [],
    })


urlpatterns = [
    path("<int:round_id>/spot-checks/new/", spot_check_new_view, name="spot_check_new"),
    path("spot-checks/<int:spot_check_id>/", spot_check_detail_view, name="spot_check_detail"),
    path("spot-checks/items/<int:item_id>/", spot_check_item_view, name="spot_check_item"),
]
