"""The audit log: append-only, enforced by a database trigger (not only in Python).

The table exists in the public schema (platform actions: provisioning, suspensions, console
logins) and in every institution's schema (that institution's actions). ``event`` holds the
code of an event its owner declared (services/kernel/audit_events.py); a code is free text to the
database, so adding an event needs no migration.
"""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import label_for


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    event = models.CharField(_("事件"), max_length=50, db_index=True)
    actor_id = models.BigIntegerField(_("操作人 ID"), null=True, blank=True)
    actor_username = models.CharField(_("操作人"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    object_type = models.CharField(_("对象类型"), max_length=50, blank=True)
    object_id = models.CharField(_("对象 ID"), max_length=64, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    # The action the row was written in (services/kernel/actions.py): web, api, task or command,
    # and its request id (a request's X-Request-ID, a task's id), to find it in the logs.
    channel = models.CharField(_("途径"), max_length=16, blank=True, default="", db_default="")
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor_username", "-occurred_at"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.event} {self.actor_username}"

    def event_label(self) -> str | Promise:
        """The event's registered label, or its code when no module declares it (any more)."""
        return label_for(self.event)
