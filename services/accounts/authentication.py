"""API authentication by bearer token (kept apart from api.py: DRF imports this module while
it loads its own views)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from .models import ApiToken, User
from .services import token_digest


def _older_than_password(token: ApiToken) -> bool:
    """A token made before the password last changed is dead, whichever way the password was
    set (the service revokes them; ``manage.py changepassword`` or any other path is caught here,
    as sessions are by Django's session hash)."""
    changed = token.user.password_changed_at
    return changed is not None and token.created_at < changed


class BearerTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer pc_…``. Tokens live in their institution's schema, so a token of
    one institution means nothing on another's host."""

    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("令牌格式不正确。"))
        digest = token_digest(parts[1].decode(errors="replace"))
        token = ApiToken.objects.select_related("user").filter(digest=digest, revoked_at__isnull=True).first()
        if token is None or not token.user.is_active or _older_than_password(token):
            raise exceptions.AuthenticationFailed(_("令牌无效或已撤销。"))
        if token.last_used_at is None or (timezone.now() - token.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return "Bearer"
