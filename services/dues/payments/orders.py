"""A member starts paying online (docs/dues.md "Paying online"): what they may pay (their
outstanding months, grouped by quarter where the branch pays quarterly), the order, and the
provider's page or code to pay it."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.dues.audit_events import EVENT_ORDER_CREATED
from services.dues.models import BranchSettings, Entry, PaymentOrder
from services.dues.selectors import member_months
from services.members.models import Member

from . import enabled_providers, provider_for
from .base import Checkout, OrderRequest, PaymentError
from .models import OrderMonth


@dataclass(frozen=True)
class Period:
    """What a member may choose to pay at once: one month, or a quarter's unpaid months."""

    key: str  # "2026-11" or "2026-Q4"
    label: str
    months: tuple[tuple[int, int, Decimal], ...]  # (year, month, amount outstanding)

    @property
    def total(self) -> Decimal:
        return sum((amount for _, _, amount in self.months), Decimal("0.00"))


def _quarterly(member: Member) -> bool:
    return BranchSettings.objects.filter(unit_id=member.branch_id, quarterly=True).exists()


def payable_periods(member: Member) -> list[Period]:
    """The member's outstanding months (the ledger's one definition, selectors.py), oldest first;
    a quarterly branch's months come three at a time, by calendar quarter."""
    unpaid = [(line.year, line.month, line.outstanding) for line in member_months(member) if line.outstanding > 0]
    if not _quarterly(member):
        return [
            Period(f"{y}-{m:02d}", _("%(year)d年%(month)d月") % {"year": y, "month": m}, ((y, m, a),))
            for y, m, a in unpaid
        ]
    quarters: dict[tuple[int, int], list[tuple[int, int, Decimal]]] = {}
    for year, month, amount in unpaid:
        quarters.setdefault((year, (month - 1) // 3 + 1), []).append((year, month, amount))
    return [
        Period(f"{y}-Q{q}", _("%(year)d年第%(quarter)d季度") % {"year": y, "quarter": q}, tuple(months))
        for (y, q), months in quarters.items()
    ]


def new_out_trade_no() -> str:
    """Unique across the merchant account (every institution pays into it): time and 48 random bits."""
    return f"D{timezone.now():%Y%m%d%H%M%S}{secrets.token_hex(6).upper()}"


def _chosen(member: Member, keys: list[str]) -> list[Period]:
    periods = payable_periods(member)
    if not periods:
        raise ValidationError(_("没有待交的党费。"), code="nothing_due")
    if not keys:
        return periods
    chosen = [p for p in periods if p.key in set(keys)]
    if len(chosen) != len(set(keys)):
        raise ValidationError(_("所选月份不是待交月份，请刷新页面后重新选择。"), code="not_due")
    return chosen


@transaction.atomic
def _order_write(*, acting_user: Any, member: Member, provider: str, periods: list[Period]) -> PaymentOrder:
    months = [month for period in periods for month in period.months]
    order = PaymentOrder.objects.create(
        member=member,
        provider=provider,
        out_trade_no=new_out_trade_no(),
        amount=sum((a for _, _, a in months), Decimal("0.00")),
        months=[[y, m] for y, m, _ in months],
        created_by=acting_user,
    )
    OrderMonth.objects.bulk_create(OrderMonth(order=order, year=y, month=m, amount=a) for y, m, a in months)
    audit_record(
        event=EVENT_ORDER_CREATED,
        actor=acting_user,
        target=order,
        after={
            "out_trade_no": order.out_trade_no,
            "provider": provider,
            "amount": str(order.amount),
            "months": order.months,
        },
    )
    return order


def order_create(
    *,
    acting_user: Any,
    member: Member,
    provider: str,
    period_keys: list[str],
    notify_url: str,
    return_url: Callable[[str], str],
    client_ip: str = "127.0.0.1",
) -> tuple[PaymentOrder, Checkout]:
    """A member pays their own dues: the order for the chosen periods (all when none is chosen),
    then the provider's page or code (``return_url``: where the phone comes back to, made
    from the order's number). A provider that refuses leaves the order 'failed'."""
    if member.user_id is None or member.user_id != getattr(acting_user, "pk", None):
        raise PermissionDenied(_("只能为本人交纳党费。"))
    if provider not in enabled_providers():
        raise ValidationError(_("不支持的支付方式。"), code="provider")
    order = _order_write(
        acting_user=acting_user, member=member, provider=provider, periods=_chosen(member, period_keys)
    )
    request = OrderRequest(
        out_trade_no=order.out_trade_no,
        amount=order.amount,
        description=_("党费 %(months)s") % {"months": "、".join(f"{y}-{m:02d}" for y, m in order.months)},
        notify_url=notify_url,
        return_url=return_url(order.out_trade_no),
        client_ip=client_ip,
    )
    try:
        checkout = provider_for(provider).create_order(request)
    except PaymentError as exc:
        PaymentOrder.objects.filter(pk=order.pk).update(status=PaymentOrder.Status.FAILED)
        raise ValidationError(_("支付渠道暂时无法下单，请稍后再试。"), code="provider_failed") from exc
    return order, checkout


def order_method(order: PaymentOrder) -> str:
    return str(Entry.Method(order.provider).label)
