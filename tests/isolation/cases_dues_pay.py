"""Isolation cases for paying dues online (merged into test_isolation's CASES). An order is named
by its number (out_trade_no); the factories number it with its id so that B's id names B's order."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from services.accounts.models import User
from tests.isolation.case import TENANT, Case


def payment_order(member: models.Model, out_trade_no: str = "") -> models.Model:
    from services.dues.models import PaymentOrder

    order = PaymentOrder.objects.create(
        member=member,
        provider="sandbox",
        out_trade_no=out_trade_no or "pending",
        amount=Decimal("12.50"),
        months=[[2026, 11]],
    )
    if not out_trade_no:
        order.out_trade_no = str(order.pk)
        order.save(update_fields=["out_trade_no"])
    return order


def _order(owner: User, marker: str) -> models.Model:
    from tests.factories import MemberFactory

    return payment_order(MemberFactory(name=marker))


def _own_order(owner: User, marker: str) -> models.Model:
    """An order of the caller's own member record (their list shows it)."""
    from tests.factories import MemberFactory

    return payment_order(MemberFactory(name=marker, user=owner), out_trade_no=marker)


def payment_mismatch(unit: models.Model | None, marker: str) -> models.Model:
    from services.dues.payments.models import Mismatch

    return Mismatch.objects.create(
        kind="paid_not_recorded", provider="sandbox", out_trade_no=marker, provider_txn=marker, unit=unit, key=marker
    )


def _mismatch(owner: User, marker: str) -> models.Model:
    from tests.factories import OrgUnitFactory

    return payment_mismatch(OrgUnitFactory(name=marker), marker)


CASES: dict[tuple[str, str], Case] = {
    (TENANT, "dues_pay:start"): Case("page", methods=("get", "post")),
    (TENANT, "dues_pay:order"): Case("object", factory=_order, lookup="out_trade_no"),
    (TENANT, "dues_pay:check"): Case("object", factory=_order, lookup="out_trade_no", methods=("post",)),
    # The providers call it with no credential: the signature is checked instead.
    (TENANT, "dues_pay:callback"): Case("anonymous", url_kwargs={"provider": "sandbox"}, methods=("post",)),
    (TENANT, "dues_pay:reconcile"): Case("collection", factory=_mismatch, methods=("get", "post")),
    (TENANT, "dues_pay:book"): Case("object", factory=_mismatch, methods=("post",)),
    (TENANT, "dues-pay-periods"): Case("page"),
    (TENANT, "dues-pay-orders"): Case("collection", factory=_own_order, methods=("get", "post")),
    (TENANT, "dues-pay-order"): Case("object", factory=_order, lookup="out_trade_no"),
    (TENANT, "dues-pay-order-check"): Case("object", factory=_order, lookup="out_trade_no", methods=("post",)),
    (TENANT, "dues-pay-mismatches"): Case("collection", factory=_mismatch),
    (TENANT, "dues-pay-statements"): Case("page", methods=("post",)),
}
