"""Ideological reports (思想汇报, docs/thought_reports.md): a report written by a person in the
development pipeline (applicant, activist, development target, probationary member), its
attachments (through services/storage) and the notes its reviewers write.

A report belongs to the person's development dossier, or — for a probationary member recorded
without one (an imported roster) — to their member record; ``branch`` is the person's branch when
the report was written, which decides who reviews it. Once accepted a report, its attachments and
its notes never change: the database refuses it (migration 0002).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from services.development.models import Dossier
from services.members.models import Member
from services.organization.models import OrgUnit


class Report(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        CONTACT = "contact", _("待培养联系人审阅")
        BRANCH = "branch", _("待支部审阅")
        RETURNED = "returned", _("退回修改")
        ACCEPTED = "accepted", _("已通过")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, null=True, blank=True, related_name="thought_reports"
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    branch = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在支部"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("作者")
    )
    author_name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("标题"), max_length=100, blank=True)
    body = models.TextField(_("汇报内容"), blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # The due date the report answers (set when first submitted: the first due date on or after it).
    due_on = models.DateField(_("应交日期"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    revision = models.PositiveSmallIntegerField(_("修改次数"), default=0)
    contact_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contact_reviewed_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(_("通过时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("思想汇报")
        verbose_name_plural = _("思想汇报")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["branch", "status"], name="thoughtreport_branch_status"),
            models.Index(fields=["dossier", "due_on"], name="thoughtreport_dossier_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(dossier__isnull=False) | models.Q(member__isnull=False),
                name="thoughtreport_has_person",
            )
        ]

    def __str__(self) -> str:
        return self.title or str(_("思想汇报"))

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class Attachment(models.Model):
    """A file of a report, stored through services/storage (``storage_key``)."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="attachments")
    filename = models.CharField(_("文件名"), max_length=200)
    storage_key = models.CharField(max_length=300)
    size = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("思想汇报附件")
        verbose_name_plural = _("思想汇报附件")
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return self.filename


class Note(models.Model):
    """What a reviewer wrote: an annotation, or the note of a decision (passed on, accepted,
    returned for revision). Notes are never changed."""

    class Kind(models.TextChoices):
        ANNOTATION = "annotation", _("批注")
        PASSED = "passed", _("培养联系人同意")
        ACCEPTED = "accepted", _("支部通过")
        RETURNED = "returned", _("退回修改")

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="notes")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("意见"), blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    written_by_name = models.CharField(max_length=50, blank=True)
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("审阅意见")
        verbose_name_plural = _("审阅意见")
        ordering = ["report", "written_at", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()
