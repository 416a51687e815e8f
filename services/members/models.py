"""The member record (党员档案), core fields. National ID and phone are encrypted at rest and
looked up through a keyed blind index."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from services.crypto import EncryptedTextField
from services.organization.models import OrgUnit

from .national_id import tail_index


class NationalIdTailIndexField(models.CharField):
    """The blind index of the last six characters of the row's ``national_id``
    (``national_id.tail_index``), which self-activation compares without decrypting anything.
    Computed from the number on every insert and save, ``bulk_create`` included (Django calls
    ``pre_save`` for each row there too), so no way of writing a record can leave it out of
    step; the roster import's COPY writes it with the number (imports/writing.py)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        number = getattr(model_instance, "national_id", None)
        if number:
            setattr(model_instance, self.attname, tail_index(str(number)))
        return str(getattr(model_instance, self.attname) or "")


class Member(models.Model):
    class Gender(models.TextChoices):
        MALE = "male", _("男")
        FEMALE = "female", _("女")

    class Category(models.TextChoices):
        STUDENT = "student", _("学生")
        FACULTY = "faculty", _("教师")
        STAFF = "staff", _("职工")
        RETIREE = "retiree", _("离退休")

    class Status(models.TextChoices):
        NORMAL = "normal", _("正式党员")
        PROBATIONARY = "probationary", _("预备党员")
        MOBILE = "mobile", _("流动党员")
        ABROAD = "abroad", _("出国（境）")
        RETAINED = "retained", _("毕业保留组织关系")
        LOST_CONTACT = "lost_contact", _("失联")
        TRANSFERRED_OUT = "transferred_out", _("已转出")
        STOPPED = "stopped", _("停止党籍")
        DECEASED = "deceased", _("已故")

    user = models.OneToOneField(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
        verbose_name=_("登录账号"),
    )
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    gender = models.CharField(_("性别"), max_length=10, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    birth_date = models.DateField(_("出生日期"))
    national_id = EncryptedTextField(_("身份证号"))
    national_id_index = models.CharField(max_length=64, unique=True, editable=False)
    national_id_tail_index = NationalIdTailIndexField()
    phone = EncryptedTextField(_("手机号"), blank=True)
    native_place = models.CharField(_("籍贯"), max_length=50, blank=True)
    education = models.CharField(_("学历"), max_length=20, blank=True)
    degree = models.CharField(_("学位"), max_length=20, blank=True)
    category = models.CharField(_("人员类别"), max_length=20, choices=Category.choices)
    number = models.CharField(_("学号/工号"), max_length=30, blank=True)
    status = models.CharField(_("党籍状态"), max_length=20, choices=Status.choices, default=Status.NORMAL)
    branch = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="members", verbose_name=_("所在支部"))
    # The party group (党小组) within the branch the member belongs to, if the branch has groups.
    party_group = models.ForeignKey(
        OrgUnit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="group_members",
        limit_choices_to={"kind": "party_group"},
        verbose_name=_("所在党小组"),
    )
    joined_on = models.DateField(_("入党日期"), null=True, blank=True)
    confirmed_on = models.DateField(_("转正日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["branch", "status"], name="member_branch_status_idx"),
            models.Index(fields=["branch", "name", "id"], name="member_branch_name_idx"),
            # Self-activation finds a person by student/staff number (services/activation).
            models.Index(fields=["number"], name="member_number_idx"),
            # Activation slips for one category of a branch (services/activation/selection.py).
            models.Index(fields=["branch", "category"], name="member_branch_category_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class MemberChange(models.Model):
    """One change to a member record: who, when, why, and each field before -> after."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField(auto_now_add=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_username = models.CharField(max_length=150, blank=True)
    kind = models.CharField(max_length=30)  # created, updated, status, imported, transferred…
    reason = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict)  # {"field": [before, after]}, sensitive values masked

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["member", "-changed_at"], name="memberchange_member_idx")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind} {self.changed_at:%Y-%m-%d}"


class RewardPunishment(models.Model):
    class Kind(models.TextChoices):
        REWARD = "reward", _("奖励")
        PUNISHMENT = "punishment", _("处分")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="rewards")
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=100)
    issued_on = models.DateField(_("日期"))
    issuer = models.CharField(_("批准机关"), max_length=100, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["-issued_on"]

    def __str__(self) -> str:
        return self.title


class TimeAbroad(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="time_abroad")
    country = models.CharField(_("国家（地区）"), max_length=50)
    purpose = models.CharField(_("事由"), max_length=100)
    left_on = models.DateField(_("出境日期"))
    returned_on = models.DateField(_("回国日期"), null=True, blank=True)
    last_contact_on = models.DateField(_("最近联系日期"), null=True, blank=True)

    class Meta:
        ordering = ["-left_on"]

    def __str__(self) -> str:
        return f"{self.country} {self.left_on}"


class Hardship(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="hardships")
    year = models.PositiveIntegerField(_("年度"))
    kind = models.CharField(_("困难类型"), max_length=50)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} {self.kind}"


class FamilyMember(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="family")
    relation = models.CharField(_("关系"), max_length=20)
    name = models.CharField(_("姓名"), max_length=50)
    political_status = models.CharField(_("政治面貌"), max_length=20, blank=True)
    work_unit = models.CharField(_("工作单位"), max_length=100, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.relation} {self.name}"


class ImportJob(models.Model):
    """One import of a spreadsheet (a roster, a payroll): upload -> validate (a preview with
    row-level errors) -> commit.
    Runs on the worker; the page polls ``processed_rows``/``total_rows`` for progress."""

    class Status(models.TextChoices):
        VALIDATING = "validating", _("校验中")
        PREVIEW = "preview", _("待确认")
        INVALID = "invalid", _("有错误")
        COMMITTING = "committing", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # What the file is (imports/kinds.py): "roster", or a kind another capability registers
    # ("dues_payroll"); the job's steps, leases and pages are the same for every kind.
    kind = models.CharField(max_length=30, default="roster")
    created_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    filename = models.CharField(max_length=200)
    file_key = models.CharField(max_length=300)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.VALIDATING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)  # [{"row": 3, "column": "身份证号", "message": "…"}]
    # Which column of the file was read for which field: [{"column": "公民身份号码", "field": "national_id"}],
    # "" for a column nothing is read from (imports/aliases.py, ColumnMap.as_json).
    columns = models.JSONField(default=list, blank=True)
    error_report_key = models.CharField(max_length=300, blank=True)
    failure = models.TextField(blank=True)
    # The lease of a worker step (imports/leases.py): the uploader's language, when the step was
    # (re)queued, how often a worker started it, the worker's last sign of life, the last restart.
    language = models.CharField(max_length=10, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    restarted_at = models.DateTimeField(null=True, blank=True)
    # "为导入的党员开通账号": chosen at confirmation; after the commit, accounts are made for the
    # file's members (new, updated and unchanged rows) who have none (services/members/accounts.py).
    create_accounts = models.BooleanField(default=False)
    accounts_created = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        # The housekeeping sweep looks for running jobs every minute. (A partial index would be
        # smaller, but pg_dump rewrites its condition, and provisioning clones from pg_dump.)
        indexes = [models.Index(fields=["status"], name="importjob_status_idx")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"


class AppraisalResult(models.Model):
    """The branch's conclusion of a member's annual democratic appraisal (民主评议党员), written by
    organizational life when the branch concludes the appraisal; one a year, never edited."""

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        QUALIFIED = "qualified", _("合格")
        BASIC = "basic", _("基本合格")
        UNQUALIFIED = "unqualified", _("不合格")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="appraisals")
    year = models.PositiveSmallIntegerField(_("年度"))
    grade = models.CharField(_("评议结果"), max_length=20, choices=Grade.choices)
    concluded_on = models.DateField(_("结论日期"))
    branch_name = models.CharField(_("作出结论的支部"), max_length=100)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("民主评议结果")
        verbose_name_plural = _("民主评议结果")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="appraisal_result_member_year_unique")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year} {self.grade}"
