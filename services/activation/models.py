"""A run of activation slips: what a manager asked for, and the PDF while it waits to be
downloaded. The codes themselves live in services/accounts (ActivationCode, ActivationBatch),
stored only as keyed hashes; the PDF is the one place their plain text exists, so it is kept
in storage only until its issuer downloads it, or for at most ``FILE_HOURS`` hours."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

FILE_HOURS = 24


class SlipJob(models.Model):
    """One request for slips: the selection (a unit's subtree and filters), then the worker's
    progress, the batch it issued and the PDF waiting for its issuer."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        READY = "ready", _("可下载")
        DOWNLOADED = "downloaded", _("已下载")
        EXPIRED = "expired", _("已过期删除")
        FAILED = "failed", _("失败")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    unit = models.ForeignKey("organization.OrgUnit", on_delete=models.CASCADE, related_name="+")
    # The filters (selection.py Selection.as_json): not_activated, category, statuses.
    filters = models.JSONField(default=dict)
    valid_days = models.PositiveSmallIntegerField()
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    accounts_made = models.PositiveIntegerField(default=0)
    batch = models.ForeignKey("accounts.ActivationBatch", on_delete=models.SET_NULL, null=True, related_name="+")
    file_key = models.CharField(max_length=300, blank=True)
    # When the PDF is deleted if nobody downloaded it (the housekeeping sweep, tasks.py).
    file_expires_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    failure = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_by", "-created_at"], name="slipjob_creator_idx"),
            # The sweep: PDFs past their time (a partial index would be smaller, but pg_dump
            # rewrites its condition, and provisioning clones from pg_dump).
            models.Index(fields=["file_expires_at"], name="slipjob_file_expires_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} ×{self.total} ({self.status})"
