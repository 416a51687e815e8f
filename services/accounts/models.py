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
    # The blind index of the phone number verified at activation: a second sign-in name. One
    # account per number (two records sharing a phone cannot both verify it).
    phone_index = models.CharField(max_length=64, blank=True, default="", editable=False)
    # When the person set their own password for the first time (activation). An account made
    # for a member and not activated yet has an unusable password.
    activated_at = models.DateTimeField(_("激活时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.UniqueConstraint(
                fields=["phone_index"], condition=~models.Q(phone_index=""), name="user_phone_index_unique"
            )
        ]

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


class UserSession(models.Model):
    """Which session belongs to which user, written at sign-in: ending one person's sessions
    (an account disabled, a member transferred out) is an indexed delete, not a scan that decodes
    every session of the institution."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Where the sign-in came from, as the 账号与安全 page shows it (empty for sessions recorded
    # from before the index existed: accounts/0004 backfilled those).
    address = models.GenericIPAddressField(_("登录地址"), null=True, blank=True)
    agent = models.CharField(_("设备"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")
        indexes = [models.Index(fields=["user"], name="usersession_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.session_key[:6]}…"


class ActivationBatch(models.Model):
    """One issue of activation slips (a branch, a college, a filter): who issued how many, for
    whom, valid until when. The slips themselves are never stored: their codes exist only as
    keyed hashes (ActivationCode)."""

    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    scope_label = models.CharField(_("范围"), max_length=200)
    count = models.PositiveIntegerField(_("份数"), default=0)
    valid_until = models.DateTimeField(_("有效期至"))

    class Meta:
        verbose_name = _("激活单批次")
        verbose_name_plural = _("激活单批次")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.scope_label} ×{self.count}"


class ActivationCode(models.Model):
    """A one-time code that lets a person set their password: printed on an activation slip
    (sheet), or sent by SMS to the phone on their record (phone). Stored as a keyed hash
    (services/accounts/codes.py); used once; a newer code of the same kind replaces the older."""

    class Kind(models.TextChoices):
        SHEET = "sheet", _("激活单")
        PHONE = "phone", _("短信验证码")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="activation_codes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    digest = models.CharField(max_length=64)
    batch = models.ForeignKey(ActivationBatch, on_delete=models.CASCADE, null=True, blank=True, related_name="codes")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("激活码")
        verbose_name_plural = _("激活码")
        indexes = [models.Index(fields=["user", "kind"], name="activationcode_user_kind_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"
