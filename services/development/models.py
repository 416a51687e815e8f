"""Development dossiers (发展党员, docs/domain.md#development): one per person in the pipeline, its steps with dates,
actors and documents, its contact persons and sponsors, and the institution's local steps.

"一人一档、一事一记、一步一审": one dossier per person, one ``DossierStep`` per thing done, and each
step is recorded, then reviewed by a manager (``DossierStep.Review``).

The stage dates are kept on the dossier (``applied_on``, ``activist_on``...) so that the board, the
guards and the reminder scan read one row per person; the steps are the evidence behind them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from services.crypto import EncryptedTextField
from services.members.models import Member, NationalIdTailIndexField
from services.organization.models import OrgUnit
from services.procedures.models import Stage, TemplateStep

__all__ = ["Dossier", "DossierContact", "DossierDocument", "DossierStep", "LocalStep", "Stage"]


class Dossier(models.Model):
    Stage = Stage
    Gender = Member.Gender
    Category = Member.Category

    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    gender = models.CharField(_("性别"), max_length=10, choices=Member.Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    national_id = EncryptedTextField(_("身份证号"))
    # Not unique: a person whose dossier ended may apply again (a new dossier).
    national_id_index = models.CharField(max_length=64, db_index=True, editable=False)
    national_id_tail_index = NationalIdTailIndexField()  # computed from national_id on every write
    category = models.CharField(_("人员类别"), max_length=20, choices=Member.Category.choices)
    number = models.CharField(_("学号/工号"), max_length=30, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("登录账号"),
    )
    branch = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("所在支部"))
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices, default=Stage.APPLICANT)
    # The date each stage began (the decision's date), and the dates the rules count from.
    applied_on = models.DateField(_("申请入党日期"))
    activist_on = models.DateField(_("确定为积极分子日期"), null=True, blank=True)
    target_on = models.DateField(_("确定为发展对象日期"), null=True, blank=True)
    admitted_on = models.DateField(_("接收为预备党员日期"), null=True, blank=True)  # the meeting date
    probation_ends_on = models.DateField(_("预备期满日期"), null=True, blank=True)
    extension_months = models.PositiveSmallIntegerField(_("延长预备期（月）"), null=True, blank=True)
    extension_reason = models.CharField(_("延长理由"), max_length=300, blank=True)
    confirmed_on = models.DateField(_("转为正式党员日期"), null=True, blank=True)
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)
    ended_reason = models.CharField(_("终止原因"), max_length=300, blank=True)
    admission_vote_id = models.BigIntegerField(_("接收表决"), null=True, blank=True)
    confirmation_vote_id = models.BigIntegerField(_("转正表决"), null=True, blank=True)
    member = models.OneToOneField(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossier",
        verbose_name=_("党员档案"),
    )
    template = models.ForeignKey(
        "procedures.ProcedureTemplate", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("发展档案")
        verbose_name_plural = _("发展档案")
        ordering = ["branch", "stage", "name", "id"]
        indexes = [
            models.Index(fields=["branch", "stage"], name="dossier_branch_stage_idx"),
            models.Index(fields=["stage", "applied_on"], name="dossier_stage_applied_idx"),
            # Self-activation finds a person by student/staff number (services/activation).
            models.Index(fields=["number"], name="dossier_number_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class LocalStep(models.Model):
    """A step an institution adds to the standard template, after one of its steps."""

    after_step = models.ForeignKey(
        TemplateStep, on_delete=models.PROTECT, related_name="+", verbose_name=_("位于标准步骤之后")
    )
    title = models.CharField(_("步骤"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    documents = models.JSONField(_("所需材料"), default=list, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("本校步骤")
        verbose_name_plural = _("本校步骤")
        ordering = ["after_step__number", "sort_order", "id"]

    def __str__(self) -> str:
        return self.title


class DossierStep(models.Model):
    """One thing done for a person: a standard or local step, its date, actors, documents, note,
    and its review. ``code`` is the standard step's code (guards read it); a local step has
    ``code = "local"``."""

    class Review(models.TextChoices):
        RECORDED = "recorded", _("待审核")
        APPROVED = "approved", _("已审核")
        REJECTED = "rejected", _("退回")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    template_step = models.ForeignKey(TemplateStep, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    local_step = models.ForeignKey(LocalStep, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    code = models.CharField(_("代码"), max_length=40)
    title = models.CharField(_("步骤"), max_length=100)
    occurred_on = models.DateField(_("日期"))
    # A period (publicity 公示: first and last day; training: last day).
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=1, null=True, blank=True)
    days = models.PositiveSmallIntegerField(_("天数"), null=True, blank=True)
    note = models.TextField(_("记录"), blank=True)
    actor_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    actor_members = models.ManyToManyField(Member, blank=True, related_name="+")
    review = models.CharField(_("审核"), max_length=20, choices=Review.choices, default=Review.RECORDED)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("发展步骤记录")
        verbose_name_plural = _("发展步骤记录")
        ordering = ["dossier", "occurred_on", "id"]
        indexes = [models.Index(fields=["code", "dossier"], name="dossierstep_code_dossier_idx")]

    def __str__(self) -> str:
        return f"{self.title} {self.occurred_on}"


class DossierDocument(models.Model):
    """A document of a step, stored through services/storage (``storage_key``), never on disk here."""

    step = models.ForeignKey(DossierStep, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("材料"), max_length=50)  # one of the step's required documents, or free text
    filename = models.CharField(_("文件名"), max_length=200)
    storage_key = models.CharField(max_length=300)
    size = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("发展材料")
        verbose_name_plural = _("发展材料")
        ordering = ["step", "id"]

    def __str__(self) -> str:
        return self.filename


class DossierContact(models.Model):
    """A contact person (培养联系人, activist stage on) or a sponsor (入党介绍人, target stage on):
    full members (status normal) assigned on a date; a replaced one gets ``ended_on``."""

    class Role(models.TextChoices):
        CONTACT = "contact", _("培养联系人")
        SPONSOR = "sponsor", _("入党介绍人")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="contacts")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    assigned_on = models.DateField(_("确定日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("培养联系人/入党介绍人")
        verbose_name_plural = _("培养联系人/入党介绍人")
        ordering = ["dossier", "role", "assigned_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "member", "role"],
                condition=models.Q(ended_on__isnull=True),
                name="dossiercontact_active_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.member_id}"
