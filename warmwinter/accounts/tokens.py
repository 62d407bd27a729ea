"""API bearer tokens: `Authorization: Bearer <token>`; only a hash is stored."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from warmwinter.accounts.models import ApiToken, User, hash_token

TOKEN_DAYS = 30
TOKEN_INVALID = _("令牌无效或已过期。")


def token_issue(*, user: User) -> str:
    """A new token for the user; the raw value is returned once and never stored."""
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=hash_token(raw), expires_at=timezone.now() + timedelta(days=TOKEN_DAYS))
    return raw


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(TOKEN_INVALID)
        raw = header[1].decode(errors="ignore")
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
        now = timezone.now()
        if token is None or token.expires_at <= now or not token.user.is_active or token.user.is_locked(now):
            raise exceptions.AuthenticationFailed(TOKEN_INVALID)
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
