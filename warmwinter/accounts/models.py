from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warmwinter.accounts.roles import Role, needs_second_factor


class User(AbstractUser):
    """A person who signs in. What they may see comes only from their memberships."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=20, blank=True)
    failed_logins = models.PositiveSmallIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    totp_secret = models.CharField(_("动态口令密钥"), max_length=64, blank=True)
    totp_confirmed = models.BooleanField(_("已绑定动态口令"), default=False)
    totp_last_step = models.BigIntegerField(_("上次使用的口令时间片"), default=0)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    def is_locked(self, now=None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())

    def needs_second_factor(self) -> bool:
        return any(
            needs_second_factor(role=m.role, region_level=m.region.level)
            for m in self.memberships.select_related("region").filter(active=True)
        )


class Membership(models.Model):
    """A user's role in one region; the user sees that region's subtree for that role's actions."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships")
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        ordering = ["user_id", "region_id", "role"]
        constraints = [models.UniqueConstraint(fields=["user", "region", "role"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.region.name} · {self.get_role_display()}"

    @property
    def region_code(self) -> str:
        return self.region_id


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
