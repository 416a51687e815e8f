"""Accounts. The same table exists in the public schema (platform operators and the municipal
committee) and in every institution's schema (that institution's people): a user, their
session and their API tokens never exist outside the schema they belong to."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.crypto import EncryptedTextField
from tenants.deletion import delete_in_schema


class User(AbstractUser):
    class PlatformRole(models.TextChoices):
        NONE = "", _("无")
        OPERATOR = "operator", _("平台运维")
        COMMITTEE = "committee", _("市教育工委")

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    # Only meaningful in the public schema.
    platform_role = models.CharField(_("平台角色"), max_length=20, choices=PlatformRole.choices, blank=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    totp_secret = EncryptedTextField(blank=True)
    totp_enabled = models.BooleanField(_("已启用两步验证"), default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def delete(self, using: Any = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        """Delete the user and what refers to it in this schema only: a console user (public
        schema) is pointed at by institution-only apps (admin grants, reminders, member records…)
        whose tables are not there (tenants/deletion.py)."""
        return delete_in_schema(self, using=using, keep_parents=keep_parents)


class SignInCounter(models.Model):
    """Failed sign-ins under one key (services/accounts/lockout.py): a keyed hash of a username
    and a client, or of a username alone. Usernames nobody has are counted like real ones, so the
    answers never say which exist; only the hash is stored (people type passwords into the
    username field)."""

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField()
    locks = models.PositiveIntegerField(default=0)  # locks in a row: each lasts twice the one before
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("登录失败计数")
        verbose_name_plural = _("登录失败计数")
        indexes = [models.Index(fields=["last_failure_at"], name="signincounter_last_idx")]

    def __str__(self) -> str:
        return f"{self.key[:12]} {self.failures}"


class ApiToken(models.Model):
    """A bearer token for API clients. Only a hash is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate() -> str:
        return "pc_" + secrets.token_urlsafe(32)
