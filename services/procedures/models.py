"""Published procedure templates (docs/domain.md#development), in the public schema: the 5 stages and 25 standard
steps of member development, each step with its required documents.

A template is versioned like the standard rule set: a new version is a new ``ProcedureTemplate``
with a later ``effective_from``, never an edit, so a dossier opened under one version keeps its
steps. Institutions add local steps in their own schema (``services.development.models.LocalStep``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """The five stages of development (docs/domain.md#development) and the end of a dossier that stops early."""

    APPLICANT = "applicant", _("入党申请人")
    ACTIVIST = "activist", _("入党积极分子")
    TARGET = "target", _("发展对象")
    PROBATIONARY = "probationary", _("预备党员")
    FULL = "full", _("正式党员")
    ENDED = "ended", _("已终止")


# The order of the pipeline; ENDED is outside it.
PIPELINE: tuple[str, ...] = (Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET, Stage.PROBATIONARY, Stage.FULL)


class ProcedureTemplate(models.Model):
    code = models.CharField(_("程序"), max_length=40)  # "development"
    version = models.PositiveIntegerField(_("版本"))
    title = models.CharField(_("名称"), max_length=100)
    citation = models.CharField(_("依据"), max_length=200)
    effective_from = models.DateField(_("生效日期"))
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("程序模板")
        verbose_name_plural = _("程序模板")
        ordering = ["code", "-effective_from", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="procedures_code_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class TemplateStage(models.Model):
    template = models.ForeignKey(ProcedureTemplate, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices)
    number = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("名称"), max_length=100)

    class Meta:
        verbose_name = _("阶段")
        verbose_name_plural = _("阶段")
        ordering = ["template", "number"]
        constraints = [models.UniqueConstraint(fields=["template", "stage"], name="procedures_template_stage_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class TemplateStep(models.Model):
    """One standard step. ``code`` is stable across versions: guards and reminders find the step
    of a dossier by it ("talk", "training", "publicity"...)."""

    template = models.ForeignKey(ProcedureTemplate, on_delete=models.CASCADE, related_name="steps")
    stage = models.ForeignKey(TemplateStage, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("步骤序号"))  # 1..25 across the whole template
    code = models.CharField(_("代码"), max_length=40)
    title = models.CharField(_("步骤"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    documents = models.JSONField(_("所需材料"), default=list)  # ["入党申请书", ...]
    citation = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("标准步骤")
        verbose_name_plural = _("标准步骤")
        ordering = ["template", "number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="procedures_step_number_unique"),
            models.UniqueConstraint(fields=["template", "code"], name="procedures_step_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class MeetingTemplate(models.Model):
    """The published procedure of one meeting type (三会一课 and more, docs/domain.md#orglife-templates): its
    agenda steps in order, which of them need a record in the minutes, and the minutes' sections.

    ``kind`` is the meeting type's code as organizational life stores it ("life_meeting"...);
    ``variant`` tells apart procedures of one type ("admission": the branch member meeting that
    admits a probationary member). Versioned like the development template: a new version is a new
    row with a later ``effective_from``, never an edit, so minutes keep the version they followed."""

    kind = models.CharField(_("会议类型"), max_length=30)
    variant = models.CharField(_("程序"), max_length=30, blank=True, default="")
    version = models.PositiveIntegerField(_("版本"))
    title = models.CharField(_("名称"), max_length=100)
    citation = models.CharField(_("依据"), max_length=200)
    effective_from = models.DateField(_("生效日期"))
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("会议程序模板")
        verbose_name_plural = _("会议程序模板")
        ordering = ["kind", "variant", "-effective_from", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "variant", "version"], name="procedures_meeting_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class MeetingStep(models.Model):
    """One agenda step of a meeting template; ``record_required``: the minutes cannot be finalized
    until this step has its record (text or an attachment). ``code`` is stable across versions."""

    template = models.ForeignKey(MeetingTemplate, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("步骤序号"))
    code = models.CharField(_("代码"), max_length=40)
    title = models.CharField(_("步骤"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    record_required = models.BooleanField(_("须有记录"), default=False)
    record_hint = models.CharField(_("记录内容"), max_length=200, blank=True)
    citation = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("会议步骤")
        verbose_name_plural = _("会议步骤")
        ordering = ["template", "number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="procedures_meeting_step_number_unique"),
            models.UniqueConstraint(fields=["template", "code"], name="procedures_meeting_step_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class MinutesSectionTemplate(models.Model):
    """One section of the minutes a meeting template asks for (会议议题, 讨论情况, 会议决议...)."""

    template = models.ForeignKey(MeetingTemplate, on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveSmallIntegerField(_("序号"))
    code = models.CharField(_("代码"), max_length=40)
    title = models.CharField(_("名称"), max_length=100)
    hint = models.CharField(_("填写提示"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("纪要栏目")
        verbose_name_plural = _("纪要栏目")
        ordering = ["template", "number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="procedures_minutes_section_code_unique")
        ]

    def __str__(self) -> str:
        return self.title
