"""Signing in: password check with lock-out, and the TOTP second factor."""

from __future__ import annotations

from datetime import timedelta

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warmwinter.accounts.models import User
from warmwinter.audit import services as audit
from warmwinter.core.errors import DomainError

LOGIN_INVALID = _("用户名或密码错误。")
LOGIN_LOCKED = _("登录失败次数过多，账户已锁定。请在 %(minutes)s 分钟后再试，或联系管理员。")
OTP_REQUIRED = _("请输入动态口令（6 位数字）。")
OTP_INVALID = _("动态口令不正确或已过期。")
OTP_NOT_ENROLLED = _("您的角色需要动态口令，请先登录网页在个人资料页绑定。")
TOTP_ISSUER = "WarmWinter 暖冬"


class LoginError(DomainError):
    status_code = 401


def _minutes_left(user: User) -> int:
    seconds = (user.locked_until - timezone.now()).total_seconds()
    return max(1, int(seconds // 60) + (1 if seconds % 60 else 0))


def _record_failure(user: User) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        user.refresh_from_db(fields=["failed_logins"])
        if user.failed_logins >= settings.LOGIN_MAX_FAILURES:
            user.locked_until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
            user.failed_logins = 0
            user.save(update_fields=["locked_until", "failed_logins"])
            first = user.memberships.values_list("region_id", flat=True).first() or ""
            audit.record(actor=user, region_code=first, action="user.lock", obj=user,
                         changes={"locked_until": [None, user.locked_until]})


def password_check(*, username: str, password: str, request=None) -> User:
    """The user if the password is right and the account is not locked; counts failures."""
    user = User.objects.filter(username__iexact=(username or "").strip()).first()
    if user is not None and user.is_locked():
        raise LoginError(LOGIN_LOCKED % {"minutes": _minutes_left(user)})
    authenticated = authenticate(request, username=user.username if user else username, password=password)
    if authenticated is None:
        if user is not None and user.is_active:
            _record_failure(user)
            if user.is_locked():
                raise LoginError(LOGIN_LOCKED % {"minutes": _minutes_left(user)})
        raise LoginError(LOGIN_INVALID)
    if authenticated.failed_logins or authenticated.locked_until:
        User.objects.filter(pk=authenticated.pk).update(failed_logins=0, locked_until=None)
        authenticated.failed_logins, authenticated.locked_until = 0, None
    return authenticated


def otp_check(*, user: User, code: str) -> None:
    """Accept a current TOTP code once (a replayed code in the same 30 s step is refused)."""
    code = (code or "").strip().replace(" ", "")
    if not code:
        raise LoginError(OTP_REQUIRED, field="otp")
    if not user.totp_secret:
        raise LoginError(OTP_NOT_ENROLLED, field="otp")
    totp = pyotp.TOTP(user.totp_secret)
    now = timezone.now()
    for offset in (0, -1, 1):
        at = now + timedelta(seconds=30 * offset)
        step = totp.timecode(at)
        if step > user.totp_last_step and totp.verify(code, for_time=at):
            updated = User.objects.filter(pk=user.pk, totp_last_step__lt=step).update(totp_last_step=step)
            if updated:
                user.totp_last_step = step
                return
    raise LoginError(OTP_INVALID, field="otp")


def login_record(*, user: User, channel: str) -> None:
    """A successful sign-in, in the audit log (pages and API tokens alike)."""
    first = user.memberships.values_list("region_id", flat=True).first() or ""
    with transaction.atomic():
        audit.record(actor=user, region_code=first, action="user.login", obj=user, changes={"channel": [None, channel]})


def login_check(*, username: str, password: str, otp: str | None = None, request=None) -> User:
    """Password, lock-out and, for roles that need it, the second factor (API sign-in)."""
    user = password_check(username=username, password=password, request=request)
    if user.needs_second_factor():
        if not user.totp_confirmed:
            raise LoginError(OTP_NOT_ENROLLED, field="otp")
        otp_check(user=user, code=otp or "")
    return user


def totp_provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name=TOTP_ISSUER)


@transaction.atomic
def totp_begin(*, user: User) -> User:
    """Start enrolment: a fresh secret, not yet trusted until a code is confirmed."""
    user.totp_secret = pyotp.random_base32()
    user.totp_confirmed = False
    user.save(update_fields=["totp_secret", "totp_confirmed"])
    return user


@transaction.atomic
def totp_confirm(*, user: User, code: str) -> User:
    """Finish enrolment with a code from the user's authenticator app."""
    otp_check(user=user, code=code)
    user.totp_confirmed = True
    user.save(update_fields=["totp_confirmed"])
    first = user.memberships.values_list("region_id", flat=True).first() or ""
    audit.record(actor=user, region_code=first, action="user.totp_enrol", obj=user, changes={"totp_confirmed": [False, True]})
    return user
