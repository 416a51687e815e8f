"""Minutes of a meeting (docs/orglife.md "Minutes") and what freezes with them: the template's
local steps, the minutes with their sections, step records, attachments and addenda, and the
organizational life meeting's per-person record.

Finalized minutes, their sections, step records and attachments, the attendance rows of their
meeting and its per-person record are refused UPDATE and DELETE by triggers (migrations
0002_d_minutes, 0007_life_notes_immutable); addenda are append-only from the start.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from services.members.models import Member
from services.procedures.models import MeetingStep, MeetingTemplate

from .meetings import Meeting


class LocalMeetingStep(models.Model):
    """A step an institution adds to a published meeting template, after one of its steps."""

    after_step = models.ForeignKey(
        MeetingStep, on_delete=models.PROTECT, related_name="+", verbose_name=_("位于标准步骤之后")
    )
    title = models.CharField(_("步骤"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    record_required = models.BooleanField(_("须有记录"), default=False)
    record_hint = models.CharField(_("记录内容"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("本校会议步骤")
        verbose_name_plural = _("本校会议步骤")
        ordering = ["after_step__number", "sort_order", "id"]

    def __str__(self) -> str:
        return self.title


class Minutes(models.Model):
    """The minutes of one meeting, following one version of its type's template. ``attendance``
    is the summary read from the meeting's attendee rows (refreshed while a draft, frozen when
    finalized). Finalized when both the host and the recorder have confirmed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        FINALIZED = "finalized", _("已定稿")

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    template = models.ForeignKey(
        MeetingTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("程序模板")
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    attendance = models.JSONField(_("出席情况"), default=dict)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    host_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    host_confirmed_at = models.DateTimeField(_("主持人确认时间"), null=True, blank=True)
    recorder_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorder_confirmed_at = models.DateTimeField(_("记录人确认时间"), null=True, blank=True)
    finalized_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("会议纪要")
        verbose_name_plural = _("会议纪要")

    def __str__(self) -> str:
        return str(self.meeting)

    @property
    def finalized(self) -> bool:
        return self.status == self.Status.FINALIZED


class MinutesSection(models.Model):
    """One section of the minutes (会议议题, 讨论情况, 会议决议...), as the template names it."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveSmallIntegerField(_("序号"))
    code = models.CharField(_("代码"), max_length=40)
    title = models.CharField(_("栏目"), max_length=100)
    hint = models.CharField(_("填写提示"), max_length=200, blank=True)
    text = models.TextField(_("内容"), blank=True)

    class Meta:
        verbose_name = _("纪要栏目")
        verbose_name_plural = _("纪要栏目")
        ordering = ["minutes", "number"]
        constraints = [models.UniqueConstraint(fields=["minutes", "code"], name="minutes_section_code_unique")]

    def __str__(self) -> str:
        return self.title


class MinutesStep(models.Model):
    """One item of the minutes' checklist: a template step or a local one, with its record."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("序号"))
    template_step = models.ForeignKey(MeetingStep, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    local_step = models.ForeignKey(LocalMeetingStep, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    title = models.CharField(_("步骤"), max_length=100)
    record_required = models.BooleanField(_("须有记录"), default=False)
    record_hint = models.CharField(_("记录内容"), max_length=200, blank=True)
    text = models.TextField(_("记录"), blank=True)

    class Meta:
        verbose_name = _("纪要步骤")
        verbose_name_plural = _("纪要步骤")
        ordering = ["minutes", "number"]

    def __str__(self) -> str:
        return self.title


class MinutesAttachment(models.Model):
    """A file of the minutes (a photo, the slides), stored through services/storage; ``step``:
    the checklist item it is the record of, if any."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="attachments")
    step = models.ForeignKey(MinutesStep, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    filename = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_key = models.CharField(max_length=300, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("纪要附件")
        verbose_name_plural = _("纪要附件")
        ordering = ["minutes", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.filename


class MinutesAddendum(models.Model):
    """A correction of finalized minutes, shown beside the original; append-only (a trigger)."""

    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField(_("补充说明"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    author_name = models.CharField(_("补充人"), max_length=100)
    created_at = models.DateTimeField(_("补充时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("纪要补充说明")
        verbose_name_plural = _("纪要补充说明")
        ordering = ["minutes", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:30]


class LifeMeetingNote(models.Model):
    """One participant's record at an organizational life meeting (组织生活会, 教育管理条例 第十七条):
    their self-criticism, the criticism others raised, and what they will rectify. Written by the
    recorder or a manager of the branch; part of the meeting's minutes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="life_notes")
    member = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    self_criticism = models.TextField(_("自我批评"), blank=True)
    criticism_received = models.TextField(_("批评意见"), blank=True)
    rectification = models.TextField(_("整改措施"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("批评与自我批评记录")
        verbose_name_plural = _("批评与自我批评记录")
        ordering = ["meeting", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="life_note_meeting_member_unique")]

    def __str__(self) -> str:
        return self.name
