"""Party dues (党费, docs/dues.md): each member's base, the months, a branch's settings, the
append-only ledger and the online payment orders that feed it.

Money is ``Decimal`` with two places (fen) everywhere; nothing here is a float.

The ledger (``Entry``) is the only place an amount owed or paid lives. Balances are sums over it,
never a stored total. Rows are never updated or deleted (the database refuses, migrations 0002
and 0006),
and no row may be booked into a closed month: a correction after the close is a new entry booked
in an open month that names the entry it corrects (``corrects``).

Signs: ``amount`` is what the entry adds to the member's debt. A bill is positive, a payment or an
approved reduction negative, a refund positive, a reversal the negation of the entry it reverses.
Voluntary extra payments are negative too but outside the balance (``kind = voluntary``): they pay
no bill.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from services.members.models import Member
from services.organization.models import OrgUnit


class Category(models.TextChoices):
    """How a member's dues are computed (the 2008 regulation, 第一至六条)."""

    EMPLOYED = "employed", _("在职（按月工资）")
    ANNUAL_SALARY = "annual_salary", _("年薪制（按当月实际收入）")
    SELF_EMPLOYED = "self_employed", _("自主经营（按上季度月平均纯收入）")
    RETIREE = "retiree", _("离退休（按月退休费）")
    STUDENT = "student", _("学生")
    UNEMPLOYED = "unemployed", _("下岗失业")
    RELIEF = "relief", _("依靠最低生活保障")


# The categories that pay a fixed monthly amount (``dues.student_monthly_yuan``), with no base.
FLAT_CATEGORIES = frozenset({Category.STUDENT, Category.UNEMPLOYED, Category.RELIEF})


class Base(models.Model):
    """A member's dues category and monthly base from a month on (第十条: a new base applies from
    the month the pay changes). The base for a month is the latest row starting on or before it."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("手工录入")
        IMPORT = "import", _("工资表导入")
        DECLARED = "declared", _("本人申报（已确认）")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="dues_bases")
    category = models.CharField(_("交纳类别"), max_length=20, choices=Category.choices)
    # After-tax regular monthly pay; empty for the flat categories.
    monthly_base = models.DecimalField(_("月交纳基数（元）"), null=True, blank=True, max_digits=12, decimal_places=2)
    starts_on = models.DateField(_("起始月份"))  # always the first day of a month
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("党费基数")
        verbose_name_plural = _("党费基数")
        ordering = ["member", "-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["member", "starts_on"], name="dues_base_once_per_month"),
            models.CheckConstraint(condition=Q(starts_on__day=1), name="dues_base_starts_on_first"),
            models.CheckConstraint(
                condition=Q(monthly_base__isnull=True) | Q(monthly_base__gte=0), name="dues_base_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.category} {self.monthly_base} from {self.starts_on:%Y-%m}"


class Month(models.Model):
    """One dues month of the institution: opened (bills written), then closed for good."""

    class Status(models.TextChoices):
        OPEN = "open", _("收缴中")
        CLOSED = "closed", _("已结账")

    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The year-end close (all twelve months closed, the year's disclosure due): set on every month of
    # the year at once; a closed year's months never reopen (the database refuses).
    year_closed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("党费月份")
        verbose_name_plural = _("党费月份")
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="dues_month_once"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="dues_month_1_12"),
            models.CheckConstraint(condition=Q(year_closed=False) | Q(status="closed"), name="dues_year_closes_months"),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


class BranchSettings(models.Model):
    """A branch's choices about dues: quarterly payment (按季度交纳, with the branch's consent)."""

    unit = models.OneToOneField(OrgUnit, on_delete=models.CASCADE, related_name="dues_settings")
    quarterly = models.BooleanField(_("按季度交纳"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("支部党费设置")
        verbose_name_plural = _("支部党费设置")

    def __str__(self) -> str:
        return f"{self.unit_id} quarterly={self.quarterly}"


class Entry(models.Model):
    """One line of the dues ledger. Never updated or deleted (the database refuses)."""

    class Kind(models.TextChoices):
        BILL = "bill", _("应交")
        PAYMENT = "payment", _("交纳")
        REDUCTION = "reduction", _("减免")
        REFUND = "refund", _("退款")
        REVERSAL = "reversal", _("冲正")
        VOLUNTARY = "voluntary", _("自愿多交")

    class Method(models.TextChoices):
        NONE = "", _("—")
        WECHAT = "wechat", _("微信支付")
        ALIPAY = "alipay", _("支付宝")
        SANDBOX = "sandbox", _("模拟支付（演示）")
        CASH = "cash", _("现金")
        BANK = "bank", _("银行转账")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="dues_entries")
    # The branch the member belonged to when the entry was written (collection figures per branch
    # stay as they were after a transfer).
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    # The dues month the entry is for (a bill's month, the month a payment pays)…
    year = models.PositiveSmallIntegerField(_("所属年度"))
    month = models.PositiveSmallIntegerField(_("所属月份"))
    # …and the open month it was written in (a correction of a closed month is booked in an open one).
    booked = models.ForeignKey(Month, on_delete=models.PROTECT, related_name="entries")
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    method = models.CharField(_("交纳方式"), max_length=10, choices=Method.choices, blank=True, default="")
    # The provider's transaction id, or the branch's receipt number for cash and bank transfers.
    reference = models.CharField(_("凭证号"), max_length=64, blank=True)
    # Exactly-once key of a write that may be delivered twice (a provider callback: "<provider>:<txn>:<yyyy-mm>").
    idempotency_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections")
    # 代缴: the name of whoever paid on the member's behalf.
    paid_by_name = models.CharField(_("代缴人"), max_length=50, blank=True)
    # How a bill was computed: category, base, rate or flat amount, rule key and its citation.
    basis = models.JSONField(default=dict, blank=True)
    # A single voluntary payment at or above ``dues.voluntary_remit_yuan`` is remitted upward in full.
    remit_upward = models.BooleanField(_("全额上缴"), default=False)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("党费账目")
        verbose_name_plural = _("党费账目")
        ordering = ["year", "month", "id"]
        indexes = [
            models.Index(fields=["member", "year", "month"], name="dues_entry_member_month_idx"),
            models.Index(fields=["unit", "year", "month"], name="dues_entry_unit_month_idx"),
            models.Index(fields=["year", "month", "kind"], name="dues_entry_month_kind_idx"),
        ]
        constraints = [
            # One bill per member and month; a corrected bill is reversed and re-billed (kind bill
            # with ``corrects`` set), so the constraint counts the first bill only.
            models.UniqueConstraint(
                fields=["member", "year", "month"],
                condition=Q(kind="bill", corrects__isnull=True),
                name="dues_one_bill_per_month",
            ),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="dues_entry_month_1_12"),
            # Money in is negative (it lowers the debt), a bill or a refund positive; a reversal
            # is the negation of what it reverses.
            models.CheckConstraint(
                condition=Q(kind__in=["payment", "reduction", "voluntary"], amount__lt=0)
                | Q(kind="bill", amount__gte=0)
                | Q(kind="refund", amount__gt=0)
                | Q(kind="reversal"),
                name="dues_entry_sign",
            ),
            models.CheckConstraint(
                condition=~Q(kind="reversal") | Q(corrects__isnull=False), name="dues_reversal_names"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind} {self.year}-{self.month:02d} {self.amount}"


class PaymentOrder(models.Model):
    """One online payment a member started for some months' bills (or a voluntary amount)."""

    class Status(models.TextChoices):
        CREATED = "created", _("待支付")
        PAID = "paid", _("已支付")
        CLOSED = "closed", _("已关闭")
        FAILED = "failed", _("支付失败")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="dues_orders")
    provider = models.CharField(_("支付渠道"), max_length=10, choices=Entry.Method.choices)
    # Our order number, sent to the provider (out_trade_no); unique across the institution.
    out_trade_no = models.CharField(max_length=32, unique=True)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    # The months it pays: [[2026, 11], [2026, 12]]; empty for a voluntary payment.
    months = models.JSONField(default=list, blank=True)
    voluntary = models.BooleanField(default=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.CREATED)
    provider_txn = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("党费支付订单")
        verbose_name_plural = _("党费支付订单")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["member", "status"], name="dues_order_member_status_idx")]

    def __str__(self) -> str:
        return f"{self.out_trade_no} {self.amount} {self.status}"
