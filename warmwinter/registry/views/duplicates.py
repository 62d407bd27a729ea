"""Pages for likely duplicates (疑似重复) and cross-check flags (信息比对疑点)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from warmwinter.accounts.permissions import roles_for
from warmwinter.accounts.scoping import can, memberships_of
from warmwinter.core.errors import DomainError
from warmwinter.core.forms import add_domain_error
from warmwinter.registry import dedupe, services_dedupe
from warmwinter.registry.crosscheck import CrosscheckKind
from warmwinter.registry.models import DuplicateStatus
from warmwinter.registry.selectors_dedupe import access_candidate, access_flag, candidates_for, flags_for
from warmwinter.registry.views.people_common import region_options, require

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
FILE_TOO_BIG = gettext_lazy("文件超过 50 MB，请分批比对。")


def _back(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- duplicates -----------------------------------------------------------------------------


@login_required
def duplicate_list_view(request):
    require(request.user, "registry.view")
    status = request.GET.get("status") or DuplicateStatus.OPEN
    region = (request.GET.get("region") or "").strip()
    page = Paginator(candidates_for(user=request.user, status=status, region=region), 20).get_page(request.GET.get("page"))
    for candidate in page:
        candidate.reason_text = dedupe.reason_label(candidate.reason)
        candidate.may_resolve = candidate.status == DuplicateStatus.OPEN and can(request.user, "duplicate.resolve", candidate.region_id)
    return render(request, "registry/duplicate_list.html", {
        "page": page, "status": status, "region": region, "statuses": DuplicateStatus.choices, "query": _query(request),
        "regions": region_options(request.user), "total": page.paginator.count,
    })


def _decide_view(request, candidate_id: int, *, service, done):
    candidate = access_candidate(request.user, candidate_id)
    try:
        service(actor=request.user, candidate=candidate)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done % {"a": candidate.person_a.name, "b": candidate.person_b.name})
    return redirect(_back(request, reverse("registry:duplicate_list")))


@login_required
@require_POST
def duplicate_link_view(request, candidate_id: int):
    return _decide_view(request, candidate_id, service=services_dedupe.duplicate_link,
                        done=_("已确认%(a)s与%(b)s是同一人。两条记录及其历史均保留。"))


@login_required
@require_POST
def duplicate_dismiss_view(request, candidate_id: int):
    return _decide_view(request, candidate_id, service=services_dedupe.duplicate_dismiss,
                        done=_("已确认%(a)s与%(b)s不是同一人，今后不再提示。"))


# --- cross-checks ---------------------------------------------------------------------------


def crosscheck_regions(user) -> list[tuple[str, str]]:
    allowed = roles_for("crosscheck.run")
    seen: dict[str, str] = {}
    for membership in memberships_of(user):
        if membership.role in allowed:
            seen.setdefault(membership.region_id, membership.region.name)
    return sorted(seen.items())


class CrosscheckForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("比对名单"), help_text=gettext_lazy("csv 或 xlsx，须有“身份证号”列；可有“姓名”及死亡日期、单位、车牌号等列"))
    kind = forms.ChoiceField(label=gettext_lazy("比对类型"), choices=CrosscheckKind.choices)
    source = forms.CharField(label=gettext_lazy("名单来源"), max_length=200, required=False,
                             help_text=gettext_lazy("如“县公安局户籍注销名单 2025-11”；不填则用文件名"))
    region = forms.ChoiceField(label=gettext_lazy("比对范围"))

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = regions

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(FILE_TOO_BIG)
        return upload


def _crosscheck_page(request, form, *, status=400):
    status_filter = request.GET.get("status") or DuplicateStatus.OPEN
    kind = request.GET.get("kind") or ""
    page = Paginator(flags_for(user=request.user, status=status_filter, kind=kind), 50).get_page(request.GET.get("page"))
    kinds = dict(CrosscheckKind.choices)
    for flag in page:
        flag.kind_text = kinds.get(flag.kind, flag.kind)
        flag.status_text = services_dedupe.flag_status_label(flag.status)
        flag.may_review = flag.status == DuplicateStatus.OPEN and can(request.user, "crosscheck.run", flag.region_id)
        flag.may_mark_deceased = services_dedupe.can_mark_deceased(flag) and can(request.user, "registry.edit", flag.region_id)
        flag.death_date = services_dedupe.death_date_of(flag) if flag.kind == CrosscheckKind.DECEASED else None
    statuses = [(s, services_dedupe.flag_status_label(s)) for s in DuplicateStatus.values]
    return render(request, "registry/crosscheck_list.html", {
        "page": page, "form": form, "status": status_filter, "kind": kind, "kinds": CrosscheckKind.choices,
        "statuses": statuses, "query": _query(request), "total": page.paginator.count,
    }, status=status)


@login_required
def crosscheck_list_view(request):
    require(request.user, "registry.view")
    regions = crosscheck_regions(request.user)
    form = CrosscheckForm(regions=regions) if regions else None
    return _crosscheck_page(request, form, status=200)


@login_required
@require_POST
def crosscheck_run_view(request):
    require(request.user, "crosscheck.run")
    form = CrosscheckForm(request.POST, request.FILES, regions=crosscheck_regions(request.user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = services_dedupe.crosscheck_run(
                actor=request.user, kind=data["kind"], file_name=data["file"].name, content=data["file"].read(),
                source=data["source"], region_code=data["region"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _(
                "比对完成：名单 %(rows)s 人，在台账中找到 %(matched)s 人，未找到 %(unmatched)s 人；新增待核实疑点 %(flagged)s 条。"
            ) % {"rows": result.rows, "matched": result.matched, "unmatched": result.unmatched, "flagged": result.flagged})
            return redirect("registry:crosscheck_list")
    return _crosscheck_page(request, form)


@login_required
@require_POST
def crosscheck_review_view(request, flag_id: int):
    flag = access_flag(request.user, flag_id)
    decision = request.POST.get("decision")
    service = {"confirm": services_dedupe.crosscheck_confirm, "dismiss": services_dedupe.crosscheck_dismiss}.get(decision)
    if service is None:
        messages.error(request, _("请选择“情况属实”或“排除”。"))
    else:
        try:
            service(actor=request.user, flag=flag)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("已记录核实结果：%(name)s，%(status)s。") % {
                "name": flag.person.name, "status": services_dedupe.flag_status_label(flag.status)})
    return redirect(_back(request, reverse("registry:crosscheck_list")))


@login_required
@require_POST
def crosscheck_mark_deceased_view(request, flag_id: int):
    flag = access_flag(request.user, flag_id)
    try:
        person = services_dedupe.crosscheck_mark_deceased(actor=request.user, flag=flag)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("已将%(name)s登记为死亡。") % {"name": person.name})
    return redirect(_back(request, reverse("registry:crosscheck_list")))


urlpatterns = [
    path("duplicates/", duplicate_list_view, name="duplicate_list"),
    path("duplicates/<int:candidate_id>/link/", duplicate_link_view, name="duplicate_link"),
    path("duplicates/<int:candidate_id>/dismiss/", duplicate_dismiss_view, name="duplicate_dismiss"),
    path("crosschecks/", crosscheck_list_view, name="crosscheck_list"),
    path("crosschecks/run/", crosscheck_run_view, name="crosscheck_run"),
    path("crosschecks/<int:flag_id>/review/", crosscheck_review_view, name="crosscheck_review"),
    path("crosschecks/<int:flag_id>/deceased/", crosscheck_mark_deceased_view, name="crosscheck_mark_deceased"),
]
