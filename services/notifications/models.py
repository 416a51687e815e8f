"""The outbox of messages, and how each user wants to be reached.

``Message`` is one send on one channel, written in the caller's transaction and delivered after
the commit (services/notifications/outbox.py). It records what was sent, never a secret: an SMS
verification code is kept masked in ``params`` and ``body``; the real value travels only in the
delivery task's encrypted arguments. The address is encrypted at rest, with a keyed hash
(``recipient_index``) for the per-recipient rate limit. ``(idempotency_key, channel)`` is unique:
the same key never creates or sends a second message.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.crypto import EncryptedTextField

from .kinds import Channel


class Message(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    user = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="notification_messages"
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("类别"), max_length=50)
    recipient = EncryptedTextField(_("收件人"))
    recipient_index = models.CharField(max_length=64)
    recipient_masked = models.CharField(_("收件人"), max_length=100)
    template = models.CharField(_("短信模板"), max_length=50, blank=True)
    params = models.JSONField(default=dict, blank=True)  # secret values masked
    subject = models.CharField(_("标题"), max_length=200, blank=True)
    body = models.TextField(_("内容"), blank=True)  # as sent, secret values masked
    link = models.CharField(max_length=500, blank=True)
    idempotency_key = models.CharField(max_length=200)
    has_secret = models.BooleanField(default=False)  # deliverable only with the task's sealed values
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)  # a code past its validity is not sent
    last_error = models.TextField(_("错误"), blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    provider_message_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key", "channel"], name="notification_idempotency_unique")
        ]
        indexes = [
            models.Index(fields=["next_attempt_at", "id"], name="notification_due_idx", condition=Q(status="pending")),
            models.Index(fields=["recipient_index", "channel", "created_at"], name="notification_recipient_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.kind} → {self.recipient_masked} ({self.status})"


class ChannelPreference(models.Model):
    """The channels a user chose for one kind of message; no row: the kind's defaults."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="notification_preferences")
    kind = models.CharField(max_length=50)
    channels = models.JSONField(default=list)  # Channel values; empty: none (the portal still shows it)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("通知渠道设置")
        verbose_name_plural = _("通知渠道设置")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.channels}"


class Address(models.Model):
    """Where a user can be reached beyond their e-mail: the WeChat Work user id they set, and the
    phone number verified by a code (set by the account's activation or the user's settings)."""

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, primary_key=True, related_name="notification_address"
    )
    wecom_userid = models.CharField(_("企业微信账号"), max_length=64, blank=True)
    phone = EncryptedTextField(_("手机号"), blank=True)
    phone_verified_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("通知地址")
        verbose_name_plural = _("通知地址")

    def __str__(self) -> str:
        return f"{self.user_id}"
