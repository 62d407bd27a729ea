"""Sign-in, second factor, profile and the region switcher."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from warmwinter.accounts import authentication, services
from warmwinter.accounts.forms import LoginForm, OtpForm, PasswordChangeForm
from warmwinter.accounts.middleware import ActiveMembershipMiddleware
from warmwinter.accounts.models import User
from warmwinter.core.errors import DomainError
from warmwinter.core.forms import add_domain_error

PENDING_KEY = "pending_login"


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


def login_view(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = authentication.password_check(request=request, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if user.totp_confirmed and user.needs_second_factor():
                request.session[PENDING_KEY] = {"user": user.pk, "next": _next_url(request)}
                return redirect("accounts:login_otp")
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            authentication.login_record(user=user, channel="web")
            return redirect(_next_url(request))
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


def login_otp_view(request):
    pending = request.session.get(PENDING_KEY)
    user = User.objects.filter(pk=(pending or {}).get("user")).first()
    if user is None:
        return redirect("accounts:login")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            authentication.otp_check(user=user, code=form.cleaned_data["otp"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            request.session.pop(PENDING_KEY, None)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            authentication.login_record(user=user, channel="web+otp")
            return redirect(pending.get("next") or "/")
    return render(request, "accounts/login_otp.html", {"form": form})


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")


@login_required
def profile_view(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(actor=request.user, user=request.user, password=form.cleaned_data["password"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            login(request, request.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("密码已修改。"))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form, "needs_totp": request.user.needs_second_factor()})


@login_required
def totp_enrol_view(request):
    """Show a QR code for a new secret; a correct code from the app confirms it."""
    user = request.user
    if request.method == "GET" and (not user.totp_secret or request.GET.get("restart")):
        authentication.totp_begin(user=user)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            authentication.totp_confirm(user=user, code=form.cleaned_data["otp"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("动态口令已绑定。"))
            return redirect("/")
    uri = authentication.totp_provisioning_uri(user) if user.totp_secret else ""
    qr_svg = segno.make(uri, error="m").svg_inline(scale=5) if uri else ""
    return render(request, "accounts/totp_enrol.html", {"form": form, "qr_svg": qr_svg, "secret": user.totp_secret, "confirmed": user.totp_confirmed})


@login_required
@require_POST
def switch_region_view(request):
    """Pick one membership to work in (or all of them)."""
    choice = request.POST.get("membership", "")
    if choice and request.user.memberships.filter(pk=choice, active=True).exists():
        request.session[ActiveMembershipMiddleware.SESSION_KEY] = int(choice)
    else:
        request.session.pop(ActiveMembershipMiddleware.SESSION_KEY, None)
    return redirect(_next_url(request))
