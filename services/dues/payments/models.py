"""What paying online keeps besides ``PaymentOrder`` (docs/dues.md "Paying online"): the amount of
each month an order pays, the daily statements imported, and the reconciliation lines the
organization commissioner works through. Registered with the dues app (imported by its models)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from services.dues.models.ledger import Entry, PaymentOrder
from services.members.models import Member
from services.organization.models import OrgUnit


class OrderMonth(models.Model):
    """One month an order pays, with the amount fixed when the order was made."""

    order = models.ForeignKey(PaymentOrder, on_delete=models.CASCADE, related_name="lines")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        app_label = "dues"
        ordering = ["order", "year", "month"]
        constraints = [models.UniqueConstraint(fields=["order", "year", "month"], name="dues_order_month_once")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.year}-{self.month:02d} {self.amount}"


class Statement(models.Model):
    """A provider's daily statement, imported and matched against the ledger."""

    provider = models.CharField(_("支付渠道"), max_length=10, choices=Entry.Method.choices)
    day = models.DateField(_("账单日期"))
    filename = models.CharField(max_length=200, blank=True)
    lines = models.PositiveIntegerField(default=0)
    total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    mismatches = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        app_label = "dues"
        verbose_name = _("支付对账单")
        verbose_name_plural = _("支付对账单")
        ordering = ["-day", "-imported_at"]

    def __str__(self) -> str:
        return f"{self.provider} {self.day} {self.lines} lines"


class Mismatch(models.Model):
    """A payment that the ledger and the provider do not tell alike, or that could not be booked:
    money is never lost, it waits here for the organization commissioner (book, refund, explain)."""

    class Kind(models.TextChoices):
        PAID_NOT_RECORDED = "paid_not_recorded", _("已支付未入账")
        RECORDED_NOT_PAID = "recorded_not_paid", _("已入账未见支付")
        AMOUNT_DIFFERS = "amount_differs", _("金额不符")
        TRANSFERRED_OUT = "transferred_out", _("党员已转出（待退款）")
        NOT_BOOKED = "not_booked", _("无收缴中月份（待入账）")
        ALREADY_PAID = "already_paid", _("重复支付（待退款）")
        UNKNOWN_ORDER = "unknown_order", _("未知订单")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    provider = models.CharField(_("支付渠道"), max_length=10, choices=Entry.Method.choices)
    out_trade_no = models.CharField(_("订单号"), max_length=64, blank=True)
    provider_txn = models.CharField(_("支付流水号"), max_length=64, blank=True)
    expected = models.DecimalField(_("应收（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    received = models.DecimalField(_("实收（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    order = models.ForeignKey(PaymentOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The member's branch when the line was written (whose commissioner sees it); empty: the institution's.
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, null=True, blank=True, related_name="lines_out")
    # Exactly once per kind and payment: a replayed callback or a re-imported statement adds nothing.
    key = models.CharField(max_length=160, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "dues"
        verbose_name = _("对账差异")
        verbose_name_plural = _("对账差异")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "created_at"], name="dues_mismatch_unit_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.provider} {self.out_trade_no or self.provider_txn}"
