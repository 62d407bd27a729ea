"""Admin pages: users and memberships inside the admin's own scope."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from warmwinter.accounts import services
from warmwinter.accounts.forms import MembershipForm, UserCreateForm
from warmwinter.accounts.scoping import NOT_FOUND, can
from warmwinter.accounts.selectors import memberships_visible_to, users_visible_to
from warmwinter.core.errors import DomainError, Forbidden, NotFound
from warmwinter.core.forms import add_domain_error
from warmwinter.regions.codes import normalize


def _code(value: str) -> str:
    try:
        return normalize(value)
    except ValueError:
        return value


def _require(user, action: str) -> None:
    if not can(user, action):
        raise NotFound(NOT_FOUND)


@login_required
def user_list_view(request):
    _require(request.user, "user.view")
    users = users_visible_to(request.user)
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(username__icontains=query) | users.filter(display_name__icontains=query)
    # Only the memberships inside the viewer's scope: a user who also works elsewhere must not
    # reveal where.
    visible = Prefetch("memberships", queryset=memberships_visible_to(request.user).order_by("region_id"))
    page = Paginator(users.prefetch_related(visible), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "q": query, "may_manage": can(request.user, "user.manage")})


@login_required
def user_create_view(request):
    _require(request.user, "user.manage")
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=request.user, username=data["username"], role=data["role"], region_code=_code(data["region"]),
                password=data["password"], display_name=data["display_name"], phone=data["phone"],
            )
        except Forbidden:
            form.add_error(None, _("您无权在该区划创建此角色。"))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已创建用户 %(name)s。") % {"name": user.username})
            return redirect("accounts:user_detail", user_id=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
def user_detail_view(request, user_id: int):
    subject = services.access_user(request.user, user_id)
    memberships = memberships_visible_to(request.user).filter(user=subject).order_by("-active", "region_id")
    return render(request, "accounts/user_detail.html", {
        "subject": subject, "memberships": memberships, "form": MembershipForm(), "may_manage": can(request.user, "user.manage"),
    })


@login_required
@require_POST
def membership_add_view(request, user_id: int):
    subject = services.access_user(request.user, user_id, action="user.manage")
    form = MembershipForm(request.POST)
    if form.is_valid():
        try:
            services.membership_add(actor=request.user, user=subject, role=form.cleaned_data["role"], region_code=_code(form.cleaned_data["region"]))
            messages.success(request, _("已添加任职。"))
        except DomainError as exc:
            messages.error(request, str(exc.message))
    else:
        messages.error(request, _("请检查角色和区划代码。"))
    return redirect("accounts:user_detail", user_id=subject.pk)


@login_required
@require_POST
def membership_deactivate_view(request, user_id: int, membership_id: int):
    subject = services.access_user(request.user, user_id, action="user.manage")
    membership = memberships_visible_to(request.user, action="user.manage").filter(user=subject, pk=membership_id).first()
    if membership is None:
        raise NotFound(NOT_FOUND)
    try:
        services.membership_deactivate(actor=request.user, membership=membership)
        messages.success(request, _("已停用任职。"))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("accounts:user_detail", user_id=subject.pk)


@login_required
@require_POST
def user_active_view(request, user_id: int):
    subject = services.access_user(request.user, user_id, action="user.manage")
    try:
        services.user_set_active(actor=request.user, user=subject, active=request.POST.get("active") == "1")
        messages.success(request, _("账户状态已更新。"))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("accounts:user_detail", user_id=subject.pk)
