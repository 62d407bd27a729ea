"""Writes on users and memberships. Each checks permission, validates, and is audited."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from warmwinter.accounts.models import Membership, User
from warmwinter.accounts.roles import COUNTY_LEVEL_ROLES, Role
from warmwinter.accounts.scoping import membership_for
from warmwinter.audit import services as audit
from warmwinter.core.errors import DomainError, NotFound
from warmwinter.regions.codes import Level
from warmwinter.regions.models import Region

USERNAME_TAKEN = _("用户名已被使用。")
USERNAME_REQUIRED = _("请填写用户名。")
UNKNOWN_ROLE = _("未知角色：%(role)s")
UNKNOWN_REGION = _("区划代码不存在：%(code)s")
ROLE_BELOW_COUNTY = _("该角色只能设在县级或以上区划。")
MEMBERSHIP_EXISTS = _("该用户在此区划已有此角色。")
LAST_MEMBERSHIP = _("不能停用用户的最后一个任职；如需停用账户，请停用用户。")


def _region(code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise DomainError(UNKNOWN_REGION % {"code": code}, field="region")
    return region


def _validate_role(role: str, region: Region) -> Role:
    try:
        role = Role(role)
    except ValueError:
        raise DomainError(UNKNOWN_ROLE % {"role": role}, field="role") from None
    if role in COUNTY_LEVEL_ROLES and region.level > Level.COUNTY:
        raise DomainError(ROLE_BELOW_COUNTY, field="role")
    return role


def _authorize_manage(actor, region_code: str):
    """The acting admin's membership, or None when run by an operator from the command line."""
    if actor is None:
        return None
    return membership_for(actor, action="user.manage", region_code=region_code)


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    role: str,
    region_code: str,
    password: str | None = None,
    display_name: str = "",
    phone: str = "",
) -> User:
    """Create a user with one membership (区划 + 角色); actor None means an operator at the CLI."""
    username = (username or "").strip()
    if not username:
        raise DomainError(USERNAME_REQUIRED, field="username")
    region = _region(region_code)
    role = _validate_role(role, region)
    acting = _authorize_manage(actor, region.code)
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(USERNAME_TAKEN, field="username")
    user = User(username=username, display_name=display_name, phone=phone)
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), field="password") from None
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    membership = Membership.objects.create(user=user, region=region, role=role)
    audit.record(
        actor=actor, role=acting.role if acting else "", region_code=region.code, action="user.create", obj=user,
        changes={"username": [None, user.username], "membership": [None, f"{region.code}:{role}"]},
    )
    del membership
    return user


@transaction.atomic
def membership_add(*, actor: User | None, user: User, role: str, region_code: str) -> Membership:
    """Give a user one more role in a region."""
    region = _region(region_code)
    role = _validate_role(role, region)
    acting = _authorize_manage(actor, region.code)
    existing = Membership.objects.filter(user=user, region=region, role=role).first()
    if existing and existing.active:
        raise DomainError(MEMBERSHIP_EXISTS)
    if existing:
        existing.active = True
        existing.save(update_fields=["active"])
        membership = existing
    else:
        try:
            with transaction.atomic():
                membership = Membership.objects.create(user=user, region=region, role=role)
        except IntegrityError:
            raise DomainError(MEMBERSHIP_EXISTS) from None
    audit.record(
        actor=actor, role=acting.role if acting else "", region_code=region.code, action="membership.add", obj=membership,
        changes={"user": [None, user.username], "role": [None, role], "active": [None, True]},
    )
    return membership


@transaction.atomic
def membership_deactivate(*, actor: User | None, membership: Membership) -> Membership:
    """End a role (kept for history: audit events name it)."""
    acting = _authorize_manage(actor, membership.region_id)
    if not Membership.objects.filter(user_id=membership.user_id, active=True).exclude(pk=membership.pk).exists():
        raise DomainError(LAST_MEMBERSHIP)
    Membership.objects.filter(pk=membership.pk).update(active=False)
    membership.active = False
    audit.record(
        actor=actor, role=acting.role if acting else "", region_code=membership.region_id, action="membership.deactivate",
        obj=membership, changes={"active": [True, False]},
    )
    return membership


@transaction.atomic
def user_set_active(*, actor: User | None, user: User, active: bool) -> User:
    """Enable or disable a whole account (all memberships stop counting while disabled)."""
    codes = list(user.memberships.values_list("region_id", flat=True))
    acting = None
    for code in codes:
        acting = _authorize_manage(actor, code)
    before = user.is_active
    User.objects.filter(pk=user.pk).update(is_active=active)
    user.is_active = active
    audit.record(
        actor=actor, role=acting.role if acting else "", region_code=codes[0] if codes else "",
        action="user.set_active", obj=user, changes={"is_active": [before, active]},
    )
    return user


@transaction.atomic
def user_set_password(*, actor: User | None, user: User, password: str) -> User:
    """Set a new password (by the user, an admin in scope, or an operator)."""
    if actor is not None and actor.pk != user.pk:
        for code in user.memberships.values_list("region_id", flat=True):
            _authorize_manage(actor, code)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password") from None
    user.set_password(password)
    user.failed_logins, user.locked_until = 0, None
    user.save(update_fields=["password", "failed_logins", "locked_until"])
    first = user.memberships.values_list("region_id", flat=True).first() or ""
    audit.record(actor=actor, region_code=first, action="user.set_password", obj=user, changes={"password": ["***", "***"]})
    return user


def access_user(actor: User, user_id: int, *, action: str = "user.view") -> User:
    """A user the actor may see: one with a membership inside the actor's scope, else 404."""
    from warmwinter.accounts.selectors import users_visible_to

    user = users_visible_to(actor, action=action).filter(pk=user_id).first()
    if user is None:
        from warmwinter.accounts.scoping import NOT_FOUND

        raise NotFound(NOT_FOUND)
    return user
