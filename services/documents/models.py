"""Documents: notices, study materials, minutes and record attachments, with versions, visibility and read receipts.

The app is in both SHARED_APPS and TENANT_APPS. An institution's copy holds its own documents;
the public copy holds what the municipal committee publishes to every institution. Foreign keys
to institution-only tables (org units, member records) are declared without a database
constraint, because the public copy of these tables has the columns but no such tables to point
at; in the public schema they are always empty.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _


class Document(models.Model):
    class Kind(models.TextChoices):
        NOTICE = "notice", _("通知")
        STUDY = "study", _("学习资料")
        MINUTES = "minutes", _("会议纪要")
        ATTACHMENT = "attachment", _("档案附件")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    tags = ArrayField(models.CharField(max_length=30), verbose_name=_("标签"), default=list, blank=True)
    # None = the whole institution (or, in the public schema, every institution).
    scope_unit = models.ForeignKey(
        "organization.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
        verbose_name=_("可见范围"),
    )
    requires_signoff = models.BooleanField(_("需要签收"), default=False)
    current_version = models.ForeignKey(
        "DocumentVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("文档")
        verbose_name_plural = _("文档")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "-updated_at"], name="document_kind_idx"),
            GinIndex(fields=["tags"], name="document_tags_gin"),
        ]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    """One uploaded file. Versions are never changed or deleted while their document exists;
    a restore copies an old version into a new one."""

    class Extraction(models.TextChoices):
        PENDING = "pending", _("等待提取")
        DONE = "done", _("已提取")
        FAILED = "failed", _("无法提取")
        SKIPPED = "skipped", _("无需提取")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    filename = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.BigIntegerField(_("大小"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    storage_key = models.CharField(max_length=400, unique=True)
    note = models.CharField(_("版本说明"), max_length=200, blank=True)
    restored_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    text = models.TextField(_("提取的文本"), blank=True)
    extraction_status = models.CharField(
        _("文本提取"), max_length=10, choices=Extraction.choices, default=Extraction.PENDING
    )
    extraction_error = models.CharField(_("提取失败原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("文档版本")
        verbose_name_plural = _("文档版本")
        ordering = ["document", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="document_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"

    @property
    def previewable(self) -> bool:
        return self.content_type == "application/pdf" or self.content_type.startswith(("text/", "image/"))


class Receipt(models.Model):
    """A read receipt (签收): one member signed one notice. Institution schemas only: the notice is
    either this institution's (``document``) or one the committee published (``public_document_id``,
    an id in the public schema, which no foreign key can reach)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, null=True, blank=True, related_name="receipts")
    public_document_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, db_constraint=False, related_name="+", verbose_name=_("党员")
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    signed_at = models.DateTimeField(_("签收时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("签收")
        verbose_name_plural = _("签收")
        constraints = [
            models.UniqueConstraint(fields=["document", "member"], name="receipt_once_per_member"),
            models.UniqueConstraint(fields=["public_document_id", "member"], name="receipt_public_once_per_member"),
            models.CheckConstraint(
                condition=models.Q(document__isnull=True) ^ models.Q(public_document_id__isnull=True),
                name="receipt_one_notice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_id or self.public_document_id} signed by {self.member_id}"
