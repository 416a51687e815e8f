"""Letters between two institutions on the platform (public schema): no member record lives here.

An ``ExchangeLetter`` is the envelope both institutions see. It carries only what the receiving
institution needs to decide (letter number, the person's name, the sending institution and
branch, the date and the validity); the record itself stays in the sender's schema until the
receiver accepts, and then moves schema to schema in one transaction (services/transfers/moves.py).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExchangeLetter(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待接收")
        ACCEPTED = "accepted", _("已接收，转移中")
        COMPLETED = "completed", _("已完成")
        REJECTED = "rejected", _("已退回")
        CANCELLED = "cancelled", _("已撤回")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("介绍信编号"), max_length=40, unique=True)
    # CASCADE: an envelope exists between two institutions on the platform only; when one is
    # deleted (after its archive), the other keeps its own records (arrivals, audit) in its schema,
    # and a reused code starts its letter numbers afresh without colliding with old envelopes.
    from_institution = models.ForeignKey("tenants.Institution", on_delete=models.CASCADE, null=True, related_name="+")
    to_institution = models.ForeignKey("tenants.Institution", on_delete=models.CASCADE, null=True, related_name="+")
    from_institution_name = models.CharField(_("转出学校"), max_length=100)
    from_branch_name = models.CharField(_("转出支部"), max_length=100)
    to_institution_name = models.CharField(_("接收学校"), max_length=100)
    person_name = models.CharField(_("姓名"), max_length=50)
    issued_on = models.DateField(_("开具日期"))
    valid_until = models.DateField(_("有效期至"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    batch_id = models.UUIDField(null=True, blank=True, db_index=True)
    target_branch_id = models.BigIntegerField(null=True, blank=True)  # an org unit of the receiver's schema
    target_branch_name = models.CharField(_("接收支部"), max_length=100, blank=True)
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.CharField(_("退回原因"), max_length=200, blank=True)
    error = models.CharField(_("问题"), max_length=200, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("组织关系介绍信（平台内）")
        verbose_name_plural = _("组织关系介绍信（平台内）")
        ordering = ["-created_at", "number"]
        indexes = [
            models.Index(fields=["to_institution", "status"], name="letter_to_status_idx"),
            models.Index(fields=["from_institution", "status"], name="letter_from_status_idx"),
        ]

    def __str__(self) -> str:
        return self.number
