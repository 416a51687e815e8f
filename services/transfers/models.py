"""Transfers (组织关系转接) inside an institution, between institutions and out of the platform.

- ``Transfer``: one person's transfer as the sending institution records it (internal, to an
  institution on the platform, or out of the platform with a PDF introduction letter).
- ``IncomingLetter``: the receiving institution's inbox entry for a platform letter (only the
  letter id: what the letter says is read from the public ``ExchangeLetter``).
- ``TransferArrival``: the receiver's member created by an accepted letter, unique per letter: the
  idempotency key of the move (re-running the move finds it and never creates a second member).
- ``BatchTransfer`` / ``BatchItem``: graduation season, hundreds of letters at once with progress.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from services.members.models import Member
from services.organization.models import OrgUnit


class LetterCounter(models.Model):
    """Letter numbers "<code>-<year>-<seq>": one sequence per year, taken under a row lock."""

    year = models.PositiveIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class BatchTransfer(models.Model):
    class Destination(models.TextChoices):
        PLATFORM = "platform", _("平台内学校")
        EXTERNAL = "external", _("平台外单位（介绍信）")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("处理中")
        DONE = "done", _("已完成")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    destination = models.CharField(_("去向"), max_length=20, choices=Destination.choices)
    to_institution_id = models.BigIntegerField(null=True, blank=True)
    to_institution_name = models.CharField(max_length=100, blank=True)
    to_organization = models.CharField(_("接收单位"), max_length=100, blank=True)
    reason = models.CharField(_("转接原因"), max_length=200)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    ok_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_destination_display()} {self.total}"

    @property
    def target_label(self) -> str:
        return self.to_institution_name or self.to_organization


class Transfer(models.Model):
    class Kind(models.TextChoices):
        INTERNAL = "internal", _("校内转接")
        PLATFORM = "platform", _("转往平台内学校")
        EXTERNAL = "external", _("转出平台（介绍信）")

    class Status(models.TextChoices):
        PENDING = "pending", _("待对方接收")
        ACCEPTED = "accepted", _("对方已接收，转移中")
        COMPLETED = "completed", _("已完成")
        REJECTED = "rejected", _("对方已退回")
        CANCELLED = "cancelled", _("已撤回")
        ISSUED = "issued", _("已开具，回执未返回")
        STUB_RETURNED = "stub_returned", _("回执已返回")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="transfers")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices)
    from_branch = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    to_branch = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    number = models.CharField(_("介绍信编号"), max_length=40, blank=True, db_index=True)
    letter_id = models.UUIDField(null=True, blank=True, unique=True)  # transfer_exchange.ExchangeLetter
    to_institution_id = models.BigIntegerField(null=True, blank=True)
    to_institution_name = models.CharField(_("接收学校"), max_length=100, blank=True)
    to_organization = models.CharField(_("接收单位"), max_length=100, blank=True)
    reason = models.CharField(_("转接原因"), max_length=200)
    issued_on = models.DateField(_("开具日期"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    validity_rule = models.CharField(max_length=300, blank=True)  # the rule and citation that set valid_until
    pdf_key = models.CharField(max_length=300, blank=True)
    stub_returned_on = models.DateField(_("回执返回日期"), null=True, blank=True)
    stub_receiving_org = models.CharField(_("接收党组织"), max_length=100, blank=True)
    error = models.CharField(_("问题"), max_length=200, blank=True)
    batch = models.ForeignKey(BatchTransfer, on_delete=models.SET_NULL, null=True, blank=True, related_name="transfers")
    created_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("组织关系转接")
        verbose_name_plural = _("组织关系转接")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open platform letter per person: a second would race the first to the receiver.
            models.UniqueConstraint(
                fields=["member"],
                # OR, not IN: PostgreSQL prints an IN list differently once pg_dump's text is
                # replayed, and provisioning clones schemas from that text (tests compare them).
                condition=Q(status="pending") | Q(status="accepted"),
                name="transfer_one_open_letter_per_member",
            )
        ]
        indexes = [models.Index(fields=["kind", "status", "valid_until"], name="transfer_kind_status_idx")]

    def __str__(self) -> str:
        return self.number or f"{self.get_kind_display()} {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.ACCEPTED, self.Status.ISSUED)


class BatchItem(models.Model):
    class Result(models.TextChoices):
        PENDING = "pending", _("待处理")
        OK = "ok", _("成功")
        ERROR = "error", _("失败")

    batch = models.ForeignKey(BatchTransfer, on_delete=models.CASCADE, related_name="items")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    result = models.CharField(_("结果"), max_length=20, choices=Result.choices, default=Result.PENDING)
    message = models.CharField(_("说明"), max_length=200, blank=True)
    transfer = models.ForeignKey(Transfer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["batch", "member"], name="batchitem_once_per_member")]

    def __str__(self) -> str:
        return f"{self.batch_id} {self.member_id} {self.result}"


class IncomingLetter(models.Model):
    """The receiver's inbox entry: the letter's id only; its content is the public envelope."""

    letter_id = models.UUIDField(unique=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return str(self.letter_id)


class TransferArrival(models.Model):
    """The member a letter brought in: unique per letter, so a move runs at most once."""

    letter_id = models.UUIDField(unique=True)
    letter_number = models.CharField(max_length=40)
    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="transfer_arrival")
    from_institution_name = models.CharField(max_length=100)
    from_branch_name = models.CharField(max_length=100)
    arrived_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.letter_number
