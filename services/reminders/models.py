"""Reminders: due and overdue items produced by the scan, delivered in the portal and by e-mail.

One ``Reminder`` row per recipient per ``Due.key`` (services/reminders/registry.py). The unique
constraint on (recipient, key) is THE idempotency guarantee: the scan inserts with
``ON CONFLICT DO NOTHING``, so running it twice (or two scans racing) never creates a reminder
twice, and ``emailed_at`` is what keeps an e-mail from being sent twice.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Reminder(models.Model):
    recipient = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="reminders")
    key = models.CharField(max_length=200)  # Due.key: the obligation and its due date
    source = models.CharField(max_length=80)  # the registered source that produced it
    kind = models.CharField(_("类别"), max_length=80)
    title = models.CharField(_("事项"), max_length=200)
    detail = models.CharField(_("说明"), max_length=300, blank=True)
    due_on = models.DateField(_("截止日期"))
    url = models.CharField(max_length=300, blank=True)
    rule_key = models.CharField(_("规则"), max_length=80, blank=True)
    citation = models.TextField(_("依据"), blank=True)
    member = models.ForeignKey(
        "members.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="reminders"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when a later scan no longer produces the key (the obligation was met or went away):
    # the row stays, so the history and the idempotency key survive.
    resolved_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="reminder_recipient_key_unique")]
        indexes = [
            # The inbox and the unread count: a user's open reminders.
            models.Index(
                fields=["recipient", "due_on"], name="reminder_open_idx", condition=Q(resolved_at__isnull=True)
            ),
            # The digest: who has something open and not yet e-mailed.
            models.Index(
                fields=["recipient"],
                name="reminder_unsent_idx",
                condition=Q(emailed_at__isnull=True, resolved_at__isnull=True, read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.key}"


class ReminderPreference(models.Model):
    """How a user wants reminders by e-mail. The portal inbox always shows them."""

    class Email(models.TextChoices):
        IMMEDIATE = "immediate", _("即时发送")
        DAILY = "daily", _("每日汇总")
        WEEKLY = "weekly", _("每周汇总（周一）")
        OFF = "off", _("不发送邮件")

    DEFAULT = Email.DAILY

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="reminder_preference", primary_key=True
    )
    email = models.CharField(_("邮件提醒"), max_length=20, choices=Email.choices, default=DEFAULT)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("提醒设置")
        verbose_name_plural = _("提醒设置")

    def __str__(self) -> str:
        return f"{self.user_id} {self.email}"


class SourceRun(models.Model):
    """How each reminder source fared in this institution's last scan. A source that raised is
    kept failing here — which source, since when, why in Chinese for the administrators, the
    technical error after it — and shown on the reminders page to the institution's
    administrators until a later scan runs it again: a failure is never silent."""

    source = models.CharField(_("提醒来源"), max_length=80, unique=True)
    scanned_on = models.DateField(_("扫描日期"))
    ran_at = models.DateTimeField(_("运行时间"))
    ok = models.BooleanField(_("运行正常"), default=True)
    failing_since = models.DateTimeField(_("出错起始时间"), null=True, blank=True)
    error = models.TextField(_("出错原因"), blank=True)

    class Meta:
        verbose_name = _("提醒来源运行情况")
        verbose_name_plural = _("提醒来源运行情况")
        ordering = ["source"]

    def __str__(self) -> str:
        return f"{self.source} {'ok' if self.ok else 'failed'}"
