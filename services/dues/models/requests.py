"""What members and branches ask for or record beside the ledger (docs/dues.md): reductions
(two-step approval), declarations of a changed base, arrears cases and the use of the retained
share (append-only in the database, like the ledger)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from services.members.models import Member
from services.organization.models import OrgUnit

from .ledger import Base


class Reduction(models.Model):
    """A request to reduce or exempt a member's dues for some months (减免): the branch approves,
    then the higher committee; only then is a reduction entry written for each month."""

    class Kind(models.TextChoices):
        REDUCE = "reduce", _("减交")
        EXEMPT = "exempt", _("免交")

    class Status(models.TextChoices):
        BRANCH = "branch", _("待支部审批")
        COMMITTEE = "committee", _("待上级党委审批")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("未批准")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="dues_reductions")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    # The monthly amount still due when reduced (empty for an exemption).
    monthly_amount = models.DecimalField(
        _("减免后每月交纳（元）"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    starts_on = models.DateField(_("起始月份"))
    ends_on = models.DateField(_("截止月份"))
    reason = models.CharField(_("理由"), max_length=300)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.BRANCH)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    branch_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    branch_decided_at = models.DateTimeField(null=True, blank=True)
    committee_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    committee_decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=300, blank=True)
    # Part D: the branch's note on its step (``decision_note`` is the higher committee's).
    branch_note = models.CharField(_("支部意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("党费减免")
        verbose_name_plural = _("党费减免")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="dues_reduction_dates")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind} {self.starts_on:%Y-%m}..{self.ends_on:%Y-%m} {self.status}"


class ArrearsCase(models.Model):
    """Six consecutive unpaid months without an approved reason (党章 第九条; the 2008 regulation
    第十三条): a matter for the branch, which talks with the member and records the outcome. The
    member's status never changes through this record."""

    class Status(models.TextChoices):
        OPEN = "open", _("待谈话")
        CLOSED = "closed", _("已处理")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="dues_cases")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    # The unpaid months that raised the case: [[2026, 1], …].
    months = models.JSONField(default=list)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(auto_now_add=True)
    talked_on = models.DateField(_("谈话日期"), null=True, blank=True)
    outcome = models.TextField(_("处理结果"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("欠缴党费处理")
        verbose_name_plural = _("欠缴党费处理")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(status="open"), name="dues_one_open_case"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.status} {len(self.months)} months"


class UseEntry(models.Model):
    """What the institution's retained share of dues paid for (党费使用), append-only like the ledger."""

    class Purpose(models.TextChoices):
        TRAINING = "training", _("党员教育培训")
        HARDSHIP = "hardship", _("慰问生活困难党员")
        ACTIVITIES = "activities", _("组织活动")
        REMITTED = "remitted", _("上缴上级党委")
        OTHER = "other", _("其他")

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    spent_on = models.DateField(_("日期"))
    purpose = models.CharField(_("用途"), max_length=20, choices=Purpose.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    description = models.CharField(_("摘要"), max_length=200)
    voucher = models.CharField(_("凭证号"), max_length=50, blank=True)
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("党费使用")
        verbose_name_plural = _("党费使用")
        ordering = ["-spent_on", "-id"]
        indexes = [models.Index(fields=["unit", "spent_on"], name="dues_use_unit_date_idx")]

    def __str__(self) -> str:
        return f"{self.spent_on} {self.purpose} {self.amount}"


class BaseDeclaration(models.Model):
    """A member declares that their pay changed (本人申报): the new monthly base from a month, with
    the reason. A manager of the member's branch confirms it (a ``Base`` from that month, source
    "declared") or refuses it with a note. One declaration waits at a time per member."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        REFUSED = "refused", _("未采纳")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="dues_declarations")
    monthly_base = models.DecimalField(_("月交纳基数（元）"), max_digits=12, decimal_places=2)
    starts_on = models.DateField(_("起始月份"))
    reason = models.CharField(_("变动原因"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("处理意见"), max_length=200, blank=True)
    base = models.ForeignKey(Base, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("党费基数申报")
        verbose_name_plural = _("党费基数申报")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(status="pending"), name="dues_one_pending_declaration"
            ),
            models.CheckConstraint(condition=Q(starts_on__day=1), name="dues_declaration_starts_on_first"),
            models.CheckConstraint(condition=Q(monthly_base__gte=0), name="dues_declaration_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.monthly_base} from {self.starts_on:%Y-%m} {self.status}"
